"""Which parts of a request carry credentials, and taking their values out of everything recorded.

The lists come from what the SDKs send: openai (``Authorization``, ``OpenAI-Organization``,
``OpenAI-Project``; Azure's ``api-key``; Bedrock's SigV4 ``x-amz-security-token``), anthropic
(``x-api-key``, ``Authorization``), google-genai and Vertex AI (``x-goog-api-key``, ``?key=``,
``Authorization: Bearer``), and what OpenAI-compatible servers take in a query string (``api-key``,
``api_key``, ``access_token``). A value redacted from a request is also taken out of the response
wherever the upstream echoes it (a 401 body quoting the key, an SSE event, a header):
:class:`ValueScrubber` does that on a stream, whatever the chunk boundaries.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from urllib.parse import quote, unquote_plus

#: Written in place of a secret, so a cassette still shows that it was sent.
REDACTED = "REDACTED"

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "api-key",
        "x-api-key",
        "x-goog-api-key",
        "x-amz-security-token",
        "openai-organization",
        "openai-project",
        "cookie",
        "set-cookie",
    }
)

#: Query parameters that carry a key or token (names compare case-insensitively).
SECRET_QUERY_PARAMETERS = frozenset(
    {
        "key",
        "api-key",
        "api_key",
        "apikey",
        "access_token",
        "token",
        "auth",
        "auth_token",
        "client_secret",
        "sig",
        "x-amz-security-token",
        "x-amz-signature",
        "x-amz-credential",
        "x-goog-signature",
        "x-goog-credential",
    }
)

#: Values shorter than this are not searched for in responses: they would match ordinary text.
MIN_ECHOED_LENGTH = 8

_SCHEME = re.compile(r"^\s*(bearer|basic|token|digest)\s+(\S+)", re.IGNORECASE)
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/@?#]*)@")


def redact_headers_and_collect(
    items: Iterable[tuple[str, str]], extra: Iterable[str] = ()
) -> tuple[dict[str, list[str]], list[str]]:
    """Header items grouped by name (vcrpy's layout) with secret values replaced, and those values."""
    secret = SECRET_HEADERS | {name.lower() for name in extra}
    headers: dict[str, list[str]] = {}
    values: list[str] = []
    for name, value in items:
        if name.lower() in secret:
            values += _parts(name.lower(), value)
            value = REDACTED
        headers.setdefault(name, []).append(value)
    return headers, values


def _parts(name: str, value: str) -> list[str]:
    """The secret strings a header value holds: the whole value, a scheme's token, each cookie's value."""
    parts = [value]
    scheme = _SCHEME.match(value)
    if scheme:
        parts.append(scheme.group(2))
    if name in ("cookie", "set-cookie"):
        for pair in value.split(";"):
            parts.append(pair.partition("=")[2].strip())
    return parts


def redact_url(url: str) -> tuple[str, list[str]]:
    """``url`` with the values of secret query parameters (and a password) replaced; and those values.

    The rest of the URL is kept byte for byte: only the values change.
    """
    values: list[str] = []
    userinfo = _USERINFO.match(url)
    if userinfo and ":" in userinfo.group(2):
        user, _, password = userinfo.group(2).partition(":")
        values.append(unquote_plus(password))
        url = f"{userinfo.group(1)}{user}:{REDACTED}@{url[userinfo.end() :]}"
    head, question, rest = url.partition("?")
    if not question:
        return url, values
    query, hash_, fragment = rest.partition("#")
    fields = []
    for field in query.split("&"):
        name, equals, value = field.partition("=")
        if equals and unquote_plus(name).lower() in SECRET_QUERY_PARAMETERS and value and value != REDACTED:
            values.append(unquote_plus(value))
            values.append(value)
            field = f"{name}={REDACTED}"
        fields.append(field)
    return f"{head}?{'&'.join(fields)}{hash_}{fragment}", values


def forms(values: Iterable[str]) -> list[bytes]:
    """The byte strings a secret can appear as in a body: as is, JSON-escaped, URL-encoded."""
    return list(_forms(tuple(values)))


@functools.lru_cache(maxsize=64)
def _forms(values: tuple[str, ...]) -> tuple[bytes, ...]:
    """:func:`forms`, worked out once per set of secrets (a proxy sees the same key on every request)."""
    found: set[bytes] = set()
    for value in values:
        value = value.strip()
        if len(value) < MIN_ECHOED_LENGTH or value == REDACTED:
            continue
        for form in (value, json.dumps(value, ensure_ascii=False)[1:-1], quote(value, safe="")):
            found.add(form.encode("utf-8"))
    return tuple(sorted(found, key=lambda form: (-len(form), form)))


def scrub_headers(headers: dict[str, list[str]], values: Iterable[bytes]) -> dict[str, list[str]]:
    """Every header value with each occurrence of the secret ``values`` replaced by :data:`REDACTED` (the values
    decoded once for all of them)."""
    texts = [value.decode("utf-8", "replace") for value in values]
    scrubbed: dict[str, list[str]] = {}
    for name, items in headers.items():
        kept = []
        for item in items:
            for text in texts:
                if text in item:
                    item = item.replace(text, REDACTED)
            kept.append(item)
        scrubbed[name] = kept
    return scrubbed


def scrub_bytes(data: bytes, values: Iterable[bytes]) -> bytes:
    for value in values:
        data = data.replace(value, REDACTED.encode())
    return data


@functools.lru_cache(maxsize=64)
def _pattern(values: tuple[bytes, ...]) -> re.Pattern[bytes]:
    """One regex finding any of ``values`` (the longest first): compiled once per API key, not per request."""
    return re.compile(b"|".join(re.escape(value) for value in values))


_Plan = tuple[list[bytes], "re.Pattern[bytes] | None", list[bytes], list[bytes], frozenset[int], int]


@functools.lru_cache(maxsize=64)
def _plan(distinct: frozenset[bytes]) -> _Plan:
    """What a :class:`ValueScrubber` of these values looks for: the values longest first, one regex, the needles
    (a value holding another, ``Bearer KEY`` holding ``KEY``, cannot occur without it: only the others), the
    first bytes, every byte any value holds (a chunk ending in another cannot end with the start of a secret)
    and how much to hold back."""
    values = sorted(distinct, key=lambda value: (-len(value), value))
    pattern = _pattern(tuple(values)) if values else None
    needles = [value for value in values if not any(other != value and other in value for other in values)]
    first = sorted({value[:1] for value in values})
    inner = frozenset(byte for value in values for byte in value)
    hold = max((len(value) for value in values), default=1) - 1
    return values, pattern, needles, first, inner, hold


class ValueScrubber:
    """Replaces secret values in a body as it arrives: ``feed(bytes) -> bytes``, ``flush() -> bytes``.

    Bytes at the end of what arrived that could be the start of a secret are held back until more
    arrive (or :meth:`flush`), so a value split across chunks is found too; anything else is released
    at once (a journal loses nothing of a stream cut at any other point). The output does not depend
    on how the input was split; :attr:`replaced` lists the spans replaced, for
    :func:`~recorder.redact.resize_chunks`.
    """

    def __init__(self, values: Iterable[bytes]) -> None:
        # Worked out once per set of values (a proxy sees the same key on every request).
        self._values, self._pattern, self._needles, self._first, self._inner, self._hold = _plan(frozenset(values))
        self._buffer = bytearray()
        self._offset = 0
        #: (start, end, new length) of every span of the input that was replaced, in order.
        self.replaced: list[tuple[int, int, int]] = []

    def feed(self, data: bytes) -> bytes:
        if self._pattern is None:
            return data
        if not self._buffer and data and data[-1] not in self._inner:
            # The usual chunk (an SSE one ends in a newline, which no secret holds), released as it came when
            # no secret is in it: every value holds a needle, and none can start at its end.
            for needle in self._needles:
                if needle in data:
                    break
            else:
                self._offset += len(data)
                return data
        self._buffer += data
        return self._release(final=False)

    def flush(self, *, complete: bool = True) -> bytes:
        if self._pattern is None:
            return b""
        return self._release(final=True)

    def _release(self, *, final: bool) -> bytes:
        assert self._pattern is not None
        buffer = self._buffer
        if not any(needle in buffer for needle in self._needles):
            # The usual case, checked with C substring searches: the regex alone would cost tens of
            # microseconds a chunk, on the proxy's path of every chunk of every stream.
            release = len(buffer) if final else len(buffer) - self._partial(0)
            released = bytes(buffer[:release])
            del buffer[:release]
            self._offset += release
            return released
        out = bytearray()
        pos = 0
        for match in self._pattern.finditer(buffer):
            out += buffer[pos : match.start()]
            out += REDACTED.encode()
            self.replaced.append((self._offset + match.start(), self._offset + match.end(), len(REDACTED)))
            pos = match.end()
        release = len(buffer) if final else len(buffer) - self._partial(pos)
        out += buffer[pos:release]
        del buffer[:release]
        self._offset += release
        return bytes(out)

    def _partial(self, start: int) -> int:
        """How many bytes at the end of the buffer (after ``start``) could begin a secret: held back."""
        buffer = self._buffer
        end = len(buffer)
        held = 0
        for value in self._values:  # the longest first: a hold covering a shorter value's start covers it
            window = min(len(value) - 1, end - start)
            if window <= held:
                continue
            # Where a value's proper prefix could start: at its first two bytes (C searches, no byte loop).
            position = buffer.find(value[:2], end - window, end) if window > 1 else -1
            while position >= 0:
                if value.startswith(buffer[position:end]):
                    held = max(held, end - position)
                    break
                position = buffer.find(value[:2], position + 1, end)
            if held < 1 and buffer[end - 1 : end] == value[:1]:
                held = 1
        return held
