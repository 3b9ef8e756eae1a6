"""Which recorded interaction answers a request: method, path and query, and body.

Bodies compare by meaning, not bytes: JSON by value, ``multipart/form-data`` part by part
(its boundary is random on every run), anything else byte for byte. The host is not
compared, so a cassette recorded against one base URL replays against any.

A recorded JSON value ``"REDACTED"`` (what ``--redact-json-field`` leaves on disk) matches any
value, and so does a recorded query value ``REDACTED`` (an API key sent as ``?key=``). Lists under
the keys in ``UNORDERED_KEYS`` compare as sets: the SDK itself sends them in an order that changes
from run to run (``file_batches.upload_and_poll`` uploads concurrently and lists the new file ids as
the uploads finish).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ssetape.recorder import REDACTED, Interaction


@dataclass(frozen=True, slots=True)
class RequestKey:
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    body: Any

    def describe(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.query)
        return f"{self.method} {self.path}{'?' + query if query else ''}"


def request_key(method: str, url: str, content_type: str | None, body: bytes) -> RequestKey:
    parts = urlsplit(url)
    query = tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return RequestKey(method.upper(), parts.path or "/", query, _body_key(content_type, body))


def interaction_key(interaction: Interaction) -> RequestKey:
    request = interaction.request
    return request_key(request.method, request.uri, request.header("content-type"), request.body_bytes)


def _body_key(content_type: str | None, body: bytes) -> Any:
    if not body:
        return None
    media = (content_type or "").split(";")[0].strip().lower()
    if media == "multipart/form-data" or (not media and body.startswith(b"--")):
        parts = _multipart_parts(content_type or "", body)
        if parts is not None:
            return ("multipart", parts)
    try:
        return ("json", _freeze(json.loads(body)))
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


UNORDERED_KEYS = frozenset({"file_ids"})


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze_field(k, v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("list", tuple(_freeze(v) for v in value))
    return value


def _freeze_field(key: str, value: Any) -> Any:
    if key in UNORDERED_KEYS and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ("set", tuple(sorted(value)))
    return _freeze(value)


def matches(recorded: RequestKey, wanted: RequestKey) -> bool:
    """Whether a recorded request answers the one asked for."""
    if recorded == wanted:
        return True
    return (
        recorded.method == wanted.method
        and recorded.path == wanted.path
        and _same_query(recorded.query, wanted.query)
        and _same(recorded.body, wanted.body)
    )


def _same_query(recorded: tuple[tuple[str, str], ...], wanted: tuple[tuple[str, str], ...]) -> bool:
    if recorded == wanted:
        return True
    if len(recorded) != len(wanted):
        return False
    # A redacted value sorts apart from the value sent: compare names in order, values by name.
    if [name for name, _ in recorded] != [name for name, _ in wanted]:
        return False
    remaining = list(wanted)
    for name, value in recorded:
        if value != REDACTED:
            if (name, value) not in remaining:
                return False
            remaining.remove((name, value))
    return all(any(name == n for n, _ in remaining) for name, value in recorded if value == REDACTED)


def _same(recorded: Any, wanted: Any) -> bool:
    if recorded == REDACTED:
        return True
    if isinstance(recorded, tuple) and isinstance(wanted, tuple) and len(recorded) == len(wanted):
        return all(_same(r, w) for r, w in zip(recorded, wanted, strict=True))
    return bool(recorded == wanted)


def similarity(wanted: RequestKey, recorded: RequestKey) -> float:
    """How close a recorded request is to the one asked for, for error messages."""
    score = 2.0 if wanted.method == recorded.method else 0.0
    score += 3.0 * difflib.SequenceMatcher(None, wanted.path, recorded.path).ratio()
    score += 1.0 if _same_query(recorded.query, wanted.query) else 0.0
    score += 1.0 if _same(recorded.body, wanted.body) else 0.0
    return score


def differences(wanted: RequestKey, recorded: RequestKey) -> str:
    diffs = [
        name
        for name, same in (
            ("method", wanted.method == recorded.method),
            ("path", wanted.path == recorded.path),
            ("query", _same_query(recorded.query, wanted.query)),
            ("body", _same(recorded.body, wanted.body)),
        )
        if not same
    ]
    return "differs in " + ", ".join(diffs) if diffs else "same request, but every recording of it is used up"
