"""What the event list shows and where each navigation key lands: plain logic over a Timeline.

The list shows *rows*; a row is the position of an event among the events the filter lets through.
Everything here works on rows and event indexes alone, so it is tested without a terminal.
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, overload

from ssetape.apis import Kind, api, api_for
from ssetape.replayer import StreamEvent, Timeline

__all__ = ["FAMILIES", "EventView", "Jump", "family"]

#: The colour groups of the event list, in the order the help screen lists them.
FAMILIES = ("run", "step", "message", "error", "other")

_TIME = re.compile(r"^@?(\d+(?:\.\d*)?|\.\d+)s$")


@dataclass(frozen=True, slots=True)
class Jump:
    """Where ``:`` lands: a row (``None``: stay), and what to tell the user (``severity`` as ``notify``)."""

    row: int | None
    note: str = ""
    severity: Literal["information", "warning", "error"] = "information"


def family(name: str, kind: Kind | None = None) -> str:
    """``run``, ``step``, ``message``, ``error`` or ``other``: what the event is about, for its colour, as
    the API of a ``kind`` stream (by default: the API the name belongs to) groups its events."""
    home = api_for(name, kind=kind)
    return str(home.events.family(name, None))


class _Names(Sequence[str]):
    """The SSE type of each event, by index (a view of the events, not a list of 50k names)."""

    def __init__(self, events: list[StreamEvent]) -> None:
        self.events = events

    def __len__(self) -> int:
        return len(self.events)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [event.name for event in self.events[index]]
        return self.events[index].name

    def __iter__(self) -> Iterator[str]:
        return (event.name for event in self.events)


_TYPES: weakref.WeakKeyDictionary[Timeline, Sequence[str]] = weakref.WeakKeyDictionary()


def _types_of(timeline: Timeline) -> Sequence[str]:
    found = _TYPES.get(timeline)
    if found is None:
        typed = api(timeline.kind).event_types((event.name, event.data) for event in timeline.events)
        found = _TYPES[timeline] = _Names(timeline.events) if typed is None else typed
    return found


class EventView:
    """The rows of one timeline under a filter (``types``: the event types shown; ``None``: all), of its
    first ``upto`` events (``None``: all of them; a first look hides its last, see ``tui.indexing``)."""

    def __init__(self, timeline: Timeline, types: frozenset[str] | None = None, *, upto: int | None = None) -> None:
        self.timeline = timeline
        self.events: list[StreamEvent] = timeline.events
        #: Each event's type as the list shows it: its SSE type, or what its API's home says it is.
        self.names: Sequence[str] = _types_of(timeline)
        present = set(self.names)
        if types is not None and present <= types:
            types = None
        self.types = types
        names = self.names
        events = self.events if upto is None else self.events[:upto]
        self.rows: Sequence[int] = (
            range(len(events)) if types is None else [e.index for e in events if names[e.index] in types]
        )
        self._times: list[float] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def filtered(self) -> bool:
        return self.types is not None

    def counts(self) -> Counter[str]:
        """How many events of each type the whole stream holds (for the filter dialog)."""
        return Counter(self.names)

    def index(self, row: int) -> int:
        """The event index shown on ``row``."""
        return self.rows[row]

    def row_of(self, index: int) -> int:
        """The row of event ``index`` or, when the filter hides it, of the nearest shown event before it
        (after it, when none is before)."""
        if not self.rows:
            return 0
        return max(bisect_right(self.rows, index) - 1, 0)

    def shows(self, index: int) -> bool:
        row = bisect_left(self.rows, index)
        return row < len(self.rows) and self.rows[row] == index

    def find(self, row: int, step: int, predicate: Callable[[StreamEvent], bool]) -> int | None:
        """The first row after ``row`` (``step`` 1) or before it (``step`` -1) whose event matches."""
        events, rows = self.events, self.rows
        candidates = range(row + 1, len(rows)) if step > 0 else range(row - 1, -1, -1)
        for candidate in candidates:
            if predicate(events[rows[candidate]]):
                return candidate
        return None

    def same_type(self, row: int, step: int) -> int | None:
        """``J`` / ``K``: the next or previous event of the type on ``row``."""
        names = self.names
        name = names[self.rows[row]]
        return self.find(row, step, lambda event: names[event.index] == name)

    def boundary(self, row: int, step: int) -> int | None:
        """``n`` / ``N``: the next or previous event where a message or run step starts or ends."""
        boundaries, names = api(self.timeline.kind).events.BOUNDARIES, self.names
        return self.find(row, step, lambda event: names[event.index] in boundaries)

    def row_at(self, seconds: float) -> int:
        """The last row whose event had arrived ``seconds`` after the request (the first row if none)."""
        if self._times is None:
            self._times = [self.events[index].at for index in self.rows]
        return max(bisect_right(self._times, seconds) - 1, 0)

    def jump(self, text: str, row: int) -> Jump:
        """``:`` from ``row``: an event number, ``+N`` / ``-N`` rows, or a time (``2.5s``)."""
        text = text.strip()
        seconds = _TIME.match(text)
        if seconds:
            return Jump(self.row_at(float(seconds.group(1))))
        try:
            number = int(text)
        except ValueError:
            return Jump(None, f"Cannot jump to {text!r}: give an event number, +N, -N or a time like 2.5s.", "error")
        if text[0] in "+-":
            return Jump(min(max(row + number, 0), max(len(self) - 1, 0)))
        size = len(self.events)
        if not 0 <= number < size:
            note = f"No event {number}: the stream has {size:,} (0 to {size - 1:,})."
            return Jump(self.row_of(min(max(number, 0), size - 1)), note, "warning")
        row = self.row_of(number)
        if not self.shows(number):
            nearest = self.rows[row] if self.rows else None
            if nearest is None:
                return Jump(None, f"Event {number} is hidden by the filter, which shows none.", "warning")
            side = "before" if nearest < number else "after"
            return Jump(row, f"Event {number} is hidden by the filter: showing the nearest one {side} it, #{nearest}.")
        return Jump(row)
