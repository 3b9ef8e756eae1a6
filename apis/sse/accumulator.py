"""What a generic SSE stream's reader holds at each event, for ``Timeline`` and the TUI: every event it has
read (the stream yields each as it is), how many of each name, and the last ``data``.

The reader is :class:`~ssetape.apis.sse.stream.EventStream`; what it yields for an event is the event itself,
here an :class:`Event` (its name and data; the id and the raw text are the timeline's ``StreamEvent``'s).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..emitted import Stop, StreamCallback, StreamEmitted

__all__ = ["Event", "EventsAccumulator", "EventsState"]


@dataclass(frozen=True, slots=True)
class Event:
    """One event as the stream yields it: ``event`` (``"message"`` when the stream names none) and ``data``
    (parsed JSON, or the text as sent)."""

    event: str
    data: Any


@dataclass(frozen=True)
class EventsState:
    """After an event: how many events were read, how many of each name, the last one's data."""

    count: int = 0
    names: dict[str, int] = field(default_factory=dict)
    last: Event | None = None
    stop: Stop | None = None


class EventsAccumulator:
    """``handle_event(name, data)`` yields the event: a generic stream has nothing to accumulate but counts."""

    def __init__(self, state: EventsState | None = None) -> None:
        state = state or EventsState()
        self._count, self._names, self._last = state.count, dict(state.names), state.last
        self.stop: Stop | None = None

    @classmethod
    def restore(cls, state: EventsState) -> EventsAccumulator:
        return cls(state)

    def checkpoint(self) -> EventsState:
        return EventsState(self._count, dict(self._names), self._last, self.stop)

    def handle_sse(self, name: str | None, raw: str) -> StreamEmitted:
        return self.handle_event(name, raw)

    def handle_event(self, name: str | None, data: Any) -> StreamEmitted:
        event = Event(name or "message", data)
        self._count += 1
        self._names[event.event] = self._names.get(event.event, 0) + 1
        self._last = event
        return StreamEmitted([StreamCallback(event.event, event)])

    def finish(self, exception: BaseException | None = None) -> list[StreamCallback]:
        return []  # the stream ends with its bytes; a cut shows as the transport's error
