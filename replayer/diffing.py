"""Structural comparison of two recordings (``ssetape diff``).

Interactions are paired by request (method and path, in order); for each pair, the status, the
request body and the response are compared. Streamed responses are compared event by event: the two
event sequences are aligned (as ``diff`` aligns lines) and what remains is reported as events added,
removed or changed (with the fields that changed), followed by the differences in what the streams
amount to: final text, tool calls, final status, usage, how they ended.

By default ids are renamed consistently (:class:`~replayer.masking.Masker`) and timestamps masked, so
two recordings of the same conversation compare equal; ``ignore_timing=False`` also compares the
timestamps and the recorded pace (time to first byte, to first text, total).
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from ssetape.recorder import Cassette, Interaction, load

from .masking import Masker
from .matching import _multipart_parts
from .stream_events import StreamEvent, events, summarize
from .stream_stats import Stats, stats

__all__ = ["CassetteDiff", "EventChange", "FieldChange", "InteractionDiff", "diff"]

#: Two recorded times differ when apart by more than this fraction of the larger (and ``TIMING_FLOOR``).
TIMING_TOLERANCE = 0.10
TIMING_FLOOR = 0.05  # seconds


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One value that differs: ``path`` is jq-style (``.delta.content[0].text.value``)."""

    path: str
    a: Any
    b: Any
    #: ``"changed"``, or ``"added"`` / ``"removed"`` when only one side has the field.
    kind: Literal["changed", "added", "removed"] = "changed"

    def describe(self) -> str:
        if self.kind == "added":
            return f"{self.path}: + {_show(self.b)}"
        if self.kind == "removed":
            return f"{self.path}: - {_show(self.a)}"
        if isinstance(self.a, str) and isinstance(self.b, str):
            return f"{self.path}: {_text_change(self.a, self.b)}"
        return f"{self.path}: {_show(self.a)} → {_show(self.b)}"


@dataclass(frozen=True, slots=True)
class EventChange:
    """An event only in A (``removed``), only in B (``added``), or in both but different (``changed``)."""

    kind: Literal["added", "removed", "changed"]
    #: Event index in A and in B (None on the side that lacks it).
    a: int | None
    b: int | None
    name: str
    #: The event's one-line summary (B's for a changed event).
    summary: str
    fields: list[FieldChange] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "a": self.a,
            "b": self.b,
            "event": self.name,
            "summary": self.summary,
            "fields": [{"path": f.path, "kind": f.kind, "a": f.a, "b": f.b} for f in self.fields],
        }


@dataclass(slots=True)
class InteractionDiff:
    """How one interaction differs; ``a`` or ``b`` is None when it is only in one cassette."""

    a: int | None
    b: int | None
    #: ``METHOD /path`` (with ids renamed when they are ignored).
    request: str
    #: Differences in the exchange itself: status, request body, a plain response body.
    exchange: list[FieldChange] = field(default_factory=list)
    events: list[EventChange] = field(default_factory=list)
    #: Differences in what the stream amounts to (``.text``, ``.status``, ``.tool_calls`` ...).
    outcome: list[FieldChange] = field(default_factory=list)

    @property
    def kind(self) -> Literal["added", "removed", "compared"]:
        return "added" if self.a is None else "removed" if self.b is None else "compared"

    @property
    def equal(self) -> bool:
        return self.kind == "compared" and not (self.exchange or self.events or self.outcome)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "a": self.a,
            "b": self.b,
            "request": self.request,
            "equal": self.equal,
            "exchange": [_field_json(f) for f in self.exchange],
            "events": [change.to_json() for change in self.events],
            "outcome": [_field_json(f) for f in self.outcome],
        }


@dataclass(slots=True)
class CassetteDiff:
    a: str
    b: str
    interactions: list[InteractionDiff]

    @property
    def equal(self) -> bool:
        return all(item.equal for item in self.interactions)

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "equal": self.equal,
            "interactions": [item.to_json() for item in self.interactions if not item.equal],
        }


@dataclass(slots=True)
class _Side:
    """One interaction, masked, ready to compare."""

    interaction: Interaction
    method: str
    path: str
    status: int
    request_body: Any
    streamed: bool
    events: list[StreamEvent]
    masked: list[Any]  # the events' masked data
    keys: list[str]
    body: Any  # a plain response body, masked
    stats: Stats | None

    @property
    def key(self) -> tuple[str, str, bool]:
        return (self.method, self.path, self.streamed)


def diff(
    a: Cassette | str | Path, b: Cassette | str | Path, *, ignore_ids: bool = True, ignore_timing: bool = True
) -> CassetteDiff:
    """Compare two cassettes; ``.equal`` says whether they record the same exchanges."""
    first = a if isinstance(a, Cassette) else load(a)
    second = b if isinstance(b, Cassette) else load(b)
    sides_a = _prepare(first, Masker(ids=ignore_ids, times=ignore_timing))
    sides_b = _prepare(second, Masker(ids=ignore_ids, times=ignore_timing))
    matcher = difflib.SequenceMatcher(None, [s.key for s in sides_a], [s.key for s in sides_b], autojunk=False)
    out: list[InteractionDiff] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("equal", "replace"):
            pairs = min(i2 - i1, j2 - j1)
            for k in range(pairs):
                out.append(_compare(i1 + k, sides_a[i1 + k], j1 + k, sides_b[j1 + k], ignore_timing))
            i1, j1 = i1 + pairs, j1 + pairs
        out.extend(InteractionDiff(i, None, _request(sides_a[i])) for i in range(i1, i2))
        out.extend(InteractionDiff(None, j, _request(sides_b[j])) for j in range(j1, j2))
    return CassetteDiff(_name(first, a), _name(second, b), out)


def _name(cassette: Cassette, given: Cassette | str | Path) -> str:
    return str(cassette.path) if cassette.path else str(given) if not isinstance(given, Cassette) else "cassette"


def _request(side: _Side) -> str:
    return f"{side.method} {side.path}"


def _prepare(cassette: Cassette, masker: Masker) -> list[_Side]:
    sides = []
    for interaction in cassette.interactions:
        parts = urlsplit(interaction.request.uri)
        path = masker.text(parts.path + (f"?{parts.query}" if parts.query else ""))
        request_body = masker.data(_request_body(interaction))
        found = events(interaction)
        masked = [masker.data(event.data) for event in found]
        sides.append(
            _Side(
                interaction=interaction,
                method=interaction.request.method.upper(),
                path=path,
                status=interaction.response.status.code,
                request_body=request_body,
                streamed=interaction.streamed,
                events=found,
                masked=masked,
                keys=[_canonical([e.name, m]) for e, m in zip(found, masked, strict=True)],
                body=None if interaction.streamed else masker.data(_decoded(interaction.response.decoded_body)),
                stats=stats(interaction, found) if interaction.streamed else None,
            )
        )
    return sides


def _compare(i: int, a: _Side, j: int, b: _Side, ignore_timing: bool) -> InteractionDiff:
    result = InteractionDiff(i, j, _request(b) if a.key == b.key else f"{_request(a)} → {_request(b)}")
    if a.status != b.status:
        result.exchange.append(FieldChange(".status", a.status, b.status))
    result.exchange += _fields(a.request_body, b.request_body, ".request")
    if not (a.streamed and b.streamed):
        result.exchange += _fields(_answered(a), _answered(b), ".response")
        return result
    result.events = _event_changes(a, b)
    assert a.stats is not None and b.stats is not None
    result.outcome = _outcome(a.stats, b.stats, ignore_timing)
    return result


def _answered(side: _Side) -> Any:
    """A plain body as it is; a stream (compared with a plain body) by what it amounts to, not as nothing."""
    if not side.streamed or side.stats is None:
        return side.body
    return {"stream": f"{len(side.events)} events", "text": side.stats.text, "status": side.stats.status}


def _event_changes(a: _Side, b: _Side) -> list[EventChange]:
    changes: list[EventChange] = []
    matcher = difflib.SequenceMatcher(None, a.keys, b.keys, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        # Within a differing block, events of the same type in the same order are "changed".
        names = difflib.SequenceMatcher(
            None, [e.name for e in a.events[i1:i2]], [e.name for e in b.events[j1:j2]], autojunk=False
        )
        for sub, k1, k2, l1, l2 in names.get_opcodes():
            if sub == "equal":
                for x, y in zip(range(i1 + k1, i1 + k2), range(j1 + l1, j1 + l2), strict=True):
                    eb = b.events[y]
                    fields = _fields(a.masked[x], b.masked[y], "")
                    changes.append(EventChange("changed", x, y, eb.name, summarize(eb), fields))
                continue
            for x in range(i1 + k1, i1 + k2):
                changes.append(EventChange("removed", x, None, a.events[x].name, summarize(a.events[x])))
            for y in range(j1 + l1, j1 + l2):
                changes.append(EventChange("added", None, y, b.events[y].name, summarize(b.events[y])))
    return changes


def _outcome(a: Stats, b: Stats, ignore_timing: bool) -> list[FieldChange]:
    out = []
    for name in ("text", "tool_calls", "status", "error_event", "complete", "cut_off_by"):
        if getattr(a, name) != getattr(b, name):
            out.append(FieldChange(f".{name}", getattr(a, name), getattr(b, name)))
    out += _fields(a.usage, b.usage, ".usage")
    if not ignore_timing:
        for name in ("first_byte", "first_text", "duration"):
            x, y = getattr(a, name), getattr(b, name)
            if (x is None) != (y is None) or (
                x is not None and y is not None and abs(x - y) > max(TIMING_FLOOR, TIMING_TOLERANCE * max(x, y))
            ):
                out.append(FieldChange(f".{name}", x, y))
    return out


_MISSING = object()


def _fields(a: Any, b: Any, path: str) -> list[FieldChange]:
    """Every leaf that differs between two decoded JSON values."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[FieldChange] = []
        for key in [*a, *(k for k in b if k not in a)]:
            x, y = a.get(key, _MISSING), b.get(key, _MISSING)
            sub = f"{path}.{key}" if _plain_key(key) else f"{path}[{json.dumps(key)}]"
            if x is _MISSING:
                out.append(FieldChange(sub, None, y, "added"))
            elif y is _MISSING:
                out.append(FieldChange(sub, x, None, "removed"))
            else:
                out += _fields(x, y, sub)
        return out
    if isinstance(a, list) and isinstance(b, list):
        out = []
        for index in range(max(len(a), len(b))):
            sub = f"{path}[{index}]"
            if index >= len(a):
                out.append(FieldChange(sub, None, b[index], "added"))
            elif index >= len(b):
                out.append(FieldChange(sub, a[index], None, "removed"))
            else:
                out += _fields(a[index], b[index], sub)
        return out
    if a == b and type(a) is type(b):
        return []
    return [FieldChange(path or ".", a, b)]


def _plain_key(key: str) -> bool:
    return key.replace("_", "a").isalnum()


def _request_body(interaction: Interaction) -> Any:
    """The request body decoded: JSON by value, multipart part by part (its boundary is random)."""
    request = interaction.request
    content_type = request.header("content-type") or ""
    if content_type.split(";")[0].strip().lower() == "multipart/form-data":
        parts = _multipart_parts(content_type, request.body_bytes)
        if parts is not None:
            return [
                {"headers": head.decode("utf-8", "replace"), "content": content.decode("utf-8", "replace")}
                for head, content in parts
            ]
    return _decoded(request.body_bytes)


def _decoded(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _field_json(change: FieldChange) -> dict[str, Any]:
    return {"path": change.path, "kind": change.kind, "a": change.a, "b": change.b}


def _show(value: Any, width: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    if len(text) <= width:
        return text
    return text[: width - 2] + '…"' if text.startswith('"') else text[: width - 1] + "…"


def _text_change(a: str, b: str, context: int = 20, width: int = 60) -> str:
    """Two strings shown from a little before where they first differ."""
    same = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    if same <= context:
        return f"{_show(a, width)} → {_show(b, width)}"
    start = same - context
    return f"(from character {start}) {_show('…' + a[start:], width)} → {_show('…' + b[start:], width)}"
