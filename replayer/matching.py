"""Which recorded interaction answers a request, and how a request differs from a recording.

A request compares on the fields of :class:`Matching`'s ``match_on``: by default method, path, query and
body. Bodies compare by meaning, not bytes: JSON by value, ``multipart/form-data`` part by part (its
boundary is random on every run), anything else byte for byte. The host is not compared unless asked,
so a cassette recorded against one base URL replays against any.

Every comparison yields :class:`FieldDiff` values named by path (``body.messages[1].content``,
``query.limit``, ``headers.x-foo``): a match is a request with no differences, and an unmatched
request's error explains itself with the differences from the closest recording.

A recorded value ``"REDACTED"`` (what redaction leaves on disk) matches any value, in a JSON body, a
header and the query string. Lists under the keys in ``UNORDERED_KEYS`` compare as sets: the SDK itself
sends them in an order that changes from run to run (``file_batches.upload_and_poll`` uploads
concurrently and lists the new file ids as the uploads finish).
"""

from __future__ import annotations

import difflib
import fnmatch
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlsplit

from pydantic import BaseModel, ConfigDict, field_validator

from ssetape.recorder import REDACTED, SECRET_HEADERS, SECRET_QUERY_PARAMETERS, Interaction

#: The fields a request can be matched on.
MATCH_FIELDS = ("method", "host", "path", "query", "body", "headers")
DEFAULT_MATCH_ON = ("method", "path", "query", "body")
#: Headers that say which client sent a request, not what it asked: never compared.
CLIENT_HEADERS = ("content-length", "host", "user-agent", "accept-encoding", "connection", "x-stainless-*")
UNORDERED_KEYS = frozenset({"file_ids"})


class Matching(BaseModel):
    """How requests are matched to recordings.

    ``ignore_json_paths`` name body fields that may differ (``metadata.trace_id``; ``*`` is any one key
    or list index, ``**`` any number of levels: ``**.user``); ``ignore_headers`` and ``ignore_query``
    name headers and query parameters (``*`` wildcards allowed). Headers are compared only when
    ``match_on`` lists ``"headers"``, and then never the client's own (:data:`CLIENT_HEADERS`).
    """

    model_config = ConfigDict(frozen=True)

    match_on: tuple[str, ...] = DEFAULT_MATCH_ON
    ignore_json_paths: tuple[str, ...] = ()
    ignore_headers: tuple[str, ...] = ()
    ignore_query: tuple[str, ...] = ()

    @field_validator("match_on")
    @classmethod
    def _known_fields(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in value if name not in MATCH_FIELDS]
        if unknown:
            raise ValueError(f"cannot match on {', '.join(unknown)}: expected some of {', '.join(MATCH_FIELDS)}")
        return value

    @field_validator("ignore_json_paths")
    @classmethod
    def _paths(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for path in value:
            if not path.strip() or any(not segment for segment in path.strip().split(".")):
                raise ValueError(f"{path!r} is not a JSON field path: expected names separated by dots, like a.b")
        return value

    def json_path_ignored(self, path: tuple[str, ...]) -> bool:
        return any(_path_matches(tuple(p.strip().split(".")), path) for p in self.ignore_json_paths)

    def header_ignored(self, name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, p.lower()) for p in (*CLIENT_HEADERS, *self.ignore_headers))

    def query_ignored(self, name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, p) for p in self.ignore_query)


DEFAULT_MATCHING = Matching()


@dataclass(frozen=True, slots=True)
class RequestKey:
    """A request as matching sees it. ``body`` is ``(kind, value)``: ``("json", parsed)``,
    ``("multipart", parts)``, ``("bytes", raw)``, or None when there is no body."""

    method: str
    host: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]
    body: Any

    def describe(self) -> str:
        """``POST /v1/chat/completions?limit=10``, with the values of secret query parameters redacted."""
        query = "&".join(f"{k}={REDACTED if _secret('query', k) else v}" for k, v in self.query)
        return f"{self.method} {self.path}{'?' + query if query else ''}"

    @property
    def json(self) -> Any:
        """The JSON body, or None."""
        return self.body[1] if self.body is not None and self.body[0] == "json" else None


def request_key(
    method: str, url: str, content_type: str | None, body: bytes, headers: Iterable[tuple[str, str]] = ()
) -> RequestKey:
    parts = urlsplit(url)
    query = tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return RequestKey(
        method.upper(),
        parts.netloc,
        parts.path or "/",
        query,
        tuple(sorted((name.lower(), value) for name, value in headers)),
        _body_key(content_type, body),
    )


def interaction_key(interaction: Interaction) -> RequestKey:
    request = interaction.request
    headers = [(name, value) for name, values in request.headers.items() for value in values]
    return request_key(request.method, request.uri, request.header("content-type"), request.body_bytes, headers)


def _body_key(content_type: str | None, body: bytes) -> Any:
    if not body:
        return None
    media = (content_type or "").split(";")[0].strip().lower()
    if media == "multipart/form-data" or (not media and body.startswith(b"--")):
        parts = _multipart_parts(content_type or "", body)
        if parts is not None:
            return ("multipart", parts)
    try:
        return ("json", json.loads(body))
    except ValueError:
        return ("bytes", body)


_BOUNDARY = re.compile(rb'boundary="?([^";]+)"?', re.IGNORECASE)


def _multipart_parts(content_type: str, body: bytes) -> tuple[tuple[bytes, bytes], ...] | None:
    match = _BOUNDARY.search(content_type.encode("latin-1"))
    boundary = match.group(1) if match else body.split(b"\r\n", 1)[0][2:]
    if not boundary:
        return None
    parts = []
    for raw in body.split(b"--" + boundary)[1:]:
        if raw.startswith(b"--"):
            break
        head, _, content = raw.strip(b"\r\n").partition(b"\r\n\r\n")
        parts.append((head, content))
    return tuple(parts)


class _Absent:
    def __repr__(self) -> str:
        return "nothing"


#: The recorded or sent side of a difference that has no such field.
ABSENT: Any = _Absent()


@dataclass(frozen=True, slots=True)
class FieldDiff:
    """One field that differs: ``body.messages[1].content: recorded "hi", sent "hello"``.

    ``field`` is the part of the request (``method``, ``path``, ``query``, ``headers``, ``body``);
    ``path`` the field inside it as :class:`Matching` names it (``("messages", "1", "content")``).
    """

    field: str
    path: tuple[str, ...]
    recorded: Any
    sent: Any

    @property
    def name(self) -> str:
        if self.field in ("query", "headers"):
            return ".".join((self.field, *self.path))
        name = self.field
        for segment in self.path:
            name += f"[{segment}]" if segment.isdigit() else f".{segment}"
        return name

    def __str__(self) -> str:
        sent = self.sent
        if sent is not ABSENT and self.field in ("query", "headers") and _secret(self.field, self.path[0]):
            sent = REDACTED  # what the client sent there is a live credential: not for a test's output
        return f"{self.name}: recorded {_show(self.recorded)}, sent {_show(sent)}"

    def remedy(self) -> tuple[str, str] | None:
        """The ``Matching`` argument that would ignore this difference and the name to give it, if one can:
        ``("ignore_json_paths", "messages.1.content")``."""
        if self.field == "body" and self.path:
            return "ignore_json_paths", ".".join(self.path)
        if self.field == "query":
            return "ignore_query", self.path[0]
        if self.field == "headers":
            return "ignore_headers", self.path[0]
        return None


def _show(value: Any, limit: int = 80) -> str:
    if value is ABSENT:
        return "nothing"
    if isinstance(value, bytes):
        text = repr(value)
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError):
            text = repr(value)
    if len(text) <= limit:
        return text
    if isinstance(value, str) and text.startswith('"'):
        return text[: limit - 2] + '…"'  # still a string, quoted, that says it was cut
    return text[: limit - 1] + "…"


def _secret(field: str, name: str) -> bool:
    """Whether a query parameter or header of this name carries a credential (what recording redacts)."""
    if field == "query":
        return unquote_plus(name).lower() in SECRET_QUERY_PARAMETERS
    return name.lower() in SECRET_HEADERS


def differences(recorded: RequestKey, sent: RequestKey, matching: Matching = DEFAULT_MATCHING) -> Iterator[FieldDiff]:
    """Every field of ``matching.match_on`` in which ``sent`` differs from ``recorded``, lazily."""
    match_on = matching.match_on
    for field in ("method", "host", "path"):
        if field in match_on and getattr(recorded, field) != getattr(sent, field):
            yield FieldDiff(field, (), getattr(recorded, field), getattr(sent, field))
    if "query" in match_on:
        yield from query_differences(recorded.query, sent.query, matching)
    if "headers" in match_on:
        yield from header_differences(recorded.headers, sent.headers, matching)
    if "body" in match_on:
        yield from body_differences(recorded.body, sent.body, matching)


def matches(recorded: RequestKey, sent: RequestKey, matching: Matching = DEFAULT_MATCHING) -> bool:
    """Whether a recorded request answers the one sent."""
    return next(differences(recorded, sent, matching), None) is None


def _grouped(items: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in items:
        grouped.setdefault(name, []).append(value)
    return grouped


def _values_match(recorded: list[str], sent: list[str]) -> bool:
    """A redacted recorded value (``REDACTED``) matches any value sent in its place."""
    return len(recorded) == len(sent) and all(r in (REDACTED, s) for r, s in zip(recorded, sent, strict=True))


def query_differences(
    recorded: Iterable[tuple[str, str]], sent: Iterable[tuple[str, str]], matching: Matching = DEFAULT_MATCHING
) -> Iterator[FieldDiff]:
    yield from _named_differences("query", _grouped(recorded), _grouped(sent), matching.query_ignored)


def header_differences(
    recorded: Iterable[tuple[str, str]], sent: Iterable[tuple[str, str]], matching: Matching = DEFAULT_MATCHING
) -> Iterator[FieldDiff]:
    yield from _named_differences("headers", _grouped(recorded), _grouped(sent), matching.header_ignored)


def _named_differences(
    field: str, recorded: dict[str, list[str]], sent: dict[str, list[str]], ignored: Any
) -> Iterator[FieldDiff]:
    for name in sorted(recorded.keys() | sent.keys()):
        if ignored(name):
            continue
        was, now = recorded.get(name, []), sent.get(name, [])
        if not _values_match(was, now):
            yield FieldDiff(field, (name,), _single(was), _single(now))


def _single(values: list[str]) -> Any:
    if not values:
        return ABSENT
    return values[0] if len(values) == 1 else values


def body_differences(recorded: Any, sent: Any, matching: Matching = DEFAULT_MATCHING) -> Iterator[FieldDiff]:
    """How two body keys (see :class:`RequestKey`) differ: JSON field by field, anything else whole."""
    if recorded == sent:
        return
    if recorded is not None and sent is not None and recorded[0] == sent[0] == "json":
        yield from json_differences(recorded[1], sent[1], matching)
        return
    yield FieldDiff("body", (), _body_shown(recorded), _body_shown(sent))


def _body_shown(body: Any) -> Any:
    if body is None:
        return ABSENT
    kind, value = body
    if kind == "multipart":
        return f"multipart form of {len(value)} parts"
    return value


def json_differences(
    recorded: Any, sent: Any, matching: Matching = DEFAULT_MATCHING, path: tuple[str, ...] = ()
) -> Iterator[FieldDiff]:
    if matching.json_path_ignored(path) or recorded == REDACTED:
        return
    if isinstance(recorded, dict) and isinstance(sent, dict):
        for key in sorted(recorded.keys() | sent.keys(), key=str):
            yield from json_differences(recorded.get(key, ABSENT), sent.get(key, ABSENT), matching, (*path, str(key)))
        return
    if isinstance(recorded, list) and isinstance(sent, list):
        if path and path[-1] in UNORDERED_KEYS and all(isinstance(v, str) for v in recorded + sent):
            if sorted(recorded) != sorted(sent):
                yield FieldDiff("body", path, recorded, sent)
            return
        for index in range(max(len(recorded), len(sent))):
            was = recorded[index] if index < len(recorded) else ABSENT
            now = sent[index] if index < len(sent) else ABSENT
            yield from json_differences(was, now, matching, (*path, str(index)))
        return
    if recorded != sent:
        yield FieldDiff("body", path, recorded, sent)


def _path_matches(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    """Whether a JSON path pattern (``*`` one level, ``**`` any levels) names exactly ``path``."""
    if not pattern:
        return not path
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_path_matches(rest, path[skip:]) for skip in range(len(path) + 1))
    return bool(path) and head in ("*", path[0]) and _path_matches(rest, path[1:])


def similarity(sent: RequestKey, recorded: RequestKey, matching: Matching = DEFAULT_MATCHING) -> float:
    """How close a recorded request is to the one sent, to choose which one an error explains."""
    score = 2.0 if sent.method == recorded.method else 0.0
    score += 3.0 * difflib.SequenceMatcher(None, sent.path, recorded.path).ratio()
    score += 1.0 if sent.query == recorded.query else 0.0
    body = sum(1 for _ in _limited(body_differences(recorded.body, sent.body, matching), 100))
    return score + 1.0 / (1 + body)


def _limited(items: Iterator[FieldDiff], limit: int) -> Iterator[FieldDiff]:
    for count, item in enumerate(items):
        if count >= limit:
            return
        yield item
