"""What a Responses stream holds after an event beyond the SDK's snapshot, and what one event adds.

The SDK's running ``ParsedResponse`` leaves things out: reasoning summaries, refusal text, final item
statuses and the response's own status, usage, error and incomplete details arrive only in their
events (``response.reasoning_summary_text.delta``, ``response.refusal.delta``,
``response.output_item.done``, ``response.completed`` / ``failed`` / ``incomplete``). :class:`News` reads
those from the recorded events once per timeline, so the panes can fill the gaps at any event.

:func:`added` says what one event adds, for the highlight.
"""

from __future__ import annotations

import weakref
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ssetape.replayer import StreamEvent, Timeline
from ssetape.tui import Added

__all__ = ["News", "added", "news"]

#: A stretch of text that arrives in deltas: (output index, "summary" or "refusal", summary / content index).
Key = tuple[int, str, int]


@dataclass
class News:
    """What the events of one Responses stream say beyond the SDK's snapshot, by event index."""

    #: output index -> [(event index, the item as ``response.output_item.done`` gave it)]
    done: dict[int, list[tuple[int, dict[str, Any]]]] = field(default_factory=lambda: defaultdict(list))
    #: text key -> event indexes and the deltas they carry
    deltas: dict[Key, tuple[list[int], list[str]]] = field(default_factory=dict)
    #: [(event index, the ``response`` object of a lifecycle event)]
    responses: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    #: [(event index, an ``error`` event's data)]
    errors: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    @classmethod
    def read(cls, events: list[StreamEvent]) -> News:
        out = cls()
        for event in events:
            data = event.data
            if not isinstance(data, dict):
                continue
            name, position = event.name, data.get("output_index")
            if name == "response.output_item.done" and isinstance(position, int) and isinstance(data.get("item"), dict):
                out.done[position].append((event.index, data["item"]))
            elif name == "error":
                out.errors.append((event.index, data))
            elif isinstance(data.get("response"), dict):
                out.responses.append((event.index, data["response"]))
            key = _key(name, data)
            if key is not None:
                indexes, texts = out.deltas.setdefault(key, ([], []))
                indexes.append(event.index)
                texts.append(str(data.get("delta") or ""))
        return out

    def item(self, position: int, index: int) -> dict[str, Any] | None:
        """Output item ``position`` as its ``output_item.done`` gave it, if that came at or before ``index``."""
        done = [item for at, item in self.done.get(position, []) if at <= index]
        return done[-1] if done else None

    def text(self, key: Key, index: int) -> str:
        """The deltas for ``key`` up to event ``index``, joined."""
        indexes, texts = self.deltas.get(key, ([], []))
        return "".join(texts[: bisect_right(indexes, index)])

    def keys(self, position: int, kind: str, index: int) -> list[int]:
        """The summary (or content) indexes of output item ``position`` that have a delta by event ``index``."""
        return sorted(k[2] for k, (at, _) in self.deltas.items() if k[:2] == (position, kind) and at[0] <= index)

    def response(self, index: int) -> dict[str, Any] | None:
        """The ``response`` of the last lifecycle event at or before ``index``."""
        found = [response for at, response in self.responses if at <= index]
        return found[-1] if found else None

    def error(self, index: int) -> dict[str, Any] | None:
        """The last ``error`` event at or before ``index``."""
        found = [error for at, error in self.errors if at <= index]
        return found[-1] if found else None


def _key(name: str, data: dict[str, Any]) -> Key | None:
    position = data.get("output_index")
    if not isinstance(position, int):
        return None
    if name == "response.reasoning_summary_text.delta" and isinstance(data.get("summary_index"), int):
        return (position, "summary", data["summary_index"])
    if name == "response.refusal.delta" and isinstance(data.get("content_index"), int):
        return (position, "refusal", data["content_index"])
    return None


_NEWS: weakref.WeakKeyDictionary[Timeline, News] = weakref.WeakKeyDictionary()


def news(timeline: Timeline) -> News:
    """The :class:`News` of ``timeline``, read on first use."""
    found = _NEWS.get(timeline)
    if found is None:
        found = _NEWS[timeline] = News.read(timeline.events)
    return found


_DELTAS = {
    "response.output_text.delta": ("text", "content_index"),
    "response.refusal.delta": ("refusal", "content_index"),
    "response.function_call_arguments.delta": ("arguments", None),
    "response.reasoning_summary_text.delta": ("summary", "summary_index"),
}


def added(event: StreamEvent) -> Added:
    """What ``event`` of a Responses stream adds to the snapshot."""
    out = Added()
    data = event.data
    if not isinstance(data, dict) or not (event.name.startswith("response.") or event.name == "error"):
        return out
    position = data.get("output_index")
    if isinstance(position, int):
        out.touched.add(position)
        what = _DELTAS.get(event.name)
        if what is not None:
            sub = data.get(what[1]) if what[1] else 0
            out.chars[(position, what[0], sub if isinstance(sub, int) else 0)] = len(str(data.get("delta") or ""))
    return out
