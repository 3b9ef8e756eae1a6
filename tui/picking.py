"""What the cassette picker shows: its rows searched and sorted. Plain logic over the entries, so it is
tested without a terminal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ssetape.replayer import StreamInfo

from .widgets.stream_table import Entry

__all__ = ["SORTS", "arranged", "matches"]

_NEVER = datetime.min


def _path(entry: Entry) -> Any:
    return (str(entry.path), entry.interaction) if isinstance(entry, StreamInfo) else (str(entry[0]), -1)


def _field(name: str, missing: Any) -> Callable[[Entry], Any]:
    def key(entry: Entry) -> Any:
        if not isinstance(entry, StreamInfo):
            return (missing, _path(entry))
        value = getattr(entry, name)
        if isinstance(value, datetime):
            value = value.replace(tzinfo=None)
        return (value if value is not None else missing, _path(entry))

    return key


#: The orders the picker cycles through (``o``), each a key for ``sorted``.
SORTS: dict[str, Callable[[Entry], Any]] = {
    "cassette": _path,
    "API": _field("kind", ""),
    "model": _field("model", ""),
    "events": _field("events", -1),
    "duration": _field("duration", -1.0),
    "recorded": _field("recorded_at", _NEVER),
}


def matches(entry: Entry, query: str) -> bool:
    """Whether ``query`` (any case; every word) is in the row: file name, API, model, request, state."""
    if isinstance(entry, StreamInfo):
        state = "complete" if entry.complete else "cut off"
        text = f"{entry.path} {entry.kind} {entry.model} {entry.request} {state}"
    else:
        text = f"{entry[0]} {entry[1]}"
    text = text.lower()
    return all(word in text for word in query.lower().split())


def arranged(entries: list[Entry], query: str = "", sort: str = "cassette", reverse: bool = False) -> list[Entry]:
    """The rows to show: those matching ``query``, ordered by ``sort``."""
    shown = [entry for entry in entries if matches(entry, query)] if query.strip() else list(entries)
    return sorted(shown, key=SORTS[sort], reverse=reverse)
