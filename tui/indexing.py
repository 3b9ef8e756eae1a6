"""Indexing a stream for the timeline screen: the whole of it (in a thread), and, for a long stream, a first
look at its first events, indexed in milliseconds so that the screen shows them at once.

The first look is exact for what it shows: the state after an event depends on the events before it alone,
so a Timeline of the body's first bytes holds, for its events, what the Timeline of the whole holds. Only
its last event is not shown: there the shorter body ends, and the whole does not.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass

from ssetape.recorder import Cassette, Interaction
from ssetape.replayer import Timeline, Timing, timing

from .view import EventView

__all__ = ["FIRST_LOOK_BYTES", "Indexed", "first_look", "index_whole", "is_first_look"]

#: Bodies longer than this get a first look while the whole is indexed (shorter ones index in well under
#: a second: the screen waits for them).
FIRST_LOOK_BYTES = 512 * 1024
#: How many events the first look aims for: more than a tall terminal's list shows.
_FIRST_EVENTS = 200
#: The Timelines :func:`first_look` made (nothing in a Timeline says its body was cut).
_LOOKS: weakref.WeakSet[Timeline] = weakref.WeakSet()


@dataclass(frozen=True, slots=True)
class Indexed:
    """A stream ready to show: its Timeline, and what the screen works out from the whole of it."""

    timeline: Timeline
    timing: Timing


def index_whole(cassette: Cassette, interaction: int, progress: Callable[[int, int], None] | None = None) -> Indexed:
    """Everything the screen needs of ``interaction`` that takes time, computed here (a thread) and not when
    it is shown: the Timeline, the timing (the recorded chunks, sliced), each event's type as listed."""
    timeline = Timeline(cassette, interaction, progress=progress)
    EventView(timeline)  # computes and keeps each event's listed type
    return Indexed(timeline, timing(timeline.interaction_record, timeline.events))


def first_look(cassette: Cassette, interaction: int) -> Timeline | None:
    """A Timeline of the first events of ``interaction`` (its body's first bytes), or ``None`` when the body
    is short enough to index whole at once, or compressed (its first bytes do not decode on their own)."""
    item = cassette.interactions[interaction]
    response = item.response
    body = response.body.string
    if body is None or len(body) <= FIRST_LOOK_BYTES or response.header("content-encoding"):
        return None
    raw = response.body_bytes
    size = 16 * 1024
    while True:
        try:
            timeline = Timeline(Cassette(interactions=[_first_bytes(item, raw[:size])]), 0)
        except Exception:
            return None
        if len(timeline) > _FIRST_EVENTS or size * 4 >= FIRST_LOOK_BYTES:
            if len(timeline) <= 1:
                return None
            _LOOKS.add(timeline)
            return timeline
        size *= 4


def is_first_look(timeline: Timeline) -> bool:
    """Whether ``timeline`` is a stream's first look: its events are exact, its length is not the stream's."""
    return timeline in _LOOKS


def _first_bytes(item: Interaction, head: bytes) -> Interaction:
    """``item`` with its body cut after the last blank line (the end of an event) in ``head``."""
    head = head[: max(head.rfind(b"\n\n") + 2, head.rfind(b"\r\n\r\n") + 4, head.rfind(b"\r\r") + 2, 0)]
    recording = item.response.ssetape
    kept = None
    if recording is not None and recording.chunks:
        chunks, used = [], 0
        for at, size in recording.chunks:
            if used >= len(head):
                break
            chunks.append((at, min(size, len(head) - used)))
            used += size
        kept = recording.model_copy(update={"chunks": chunks, "complete": True, "error": None})
    body = item.response.body.model_copy(update={"string": head})
    response = item.response.model_copy(update={"body": body, "ssetape": kept})
    return item.model_copy(update={"response": response})
