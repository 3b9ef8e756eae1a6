"""What the event list shows and where each navigation key lands: plain logic over a Timeline.

The list shows *rows*; a row is the position of an event among the events the filter lets through.
Everything here works on rows and event indexes alone, so it is tested without a terminal.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

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


class EventView:
    """The rows of one timeline under a filter (``types``: the event types shown; ``None``: all)."""

    def __init__(self, timeline: Timeline, types: frozenset[str] | None = None) -> None:
        self.timeline = timeline
        self.events: list[StreamEvent] = timeline.events
        present = {event.name for event in self.events}
        if types is not None and present <= types:
            types = None
        self.types = types
        self.rows: Sequence[int] = (
            range(len(self.events)) if types is None else [e.index for e in self.events if e.name in types]
        )
        self._times: list[float] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def filtered(self) -> bool:
        return self.types is not None

    def counts(self) -> Counter[str]:
        """How many events of each type the whole stream holds (for the filter dialog)."""
        return Counter(event.name for event in self.events)

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
        name = self.events[self.rows[row]].name
        return self.find(row, step, lambda event: event.name == name)

    def boundary(self, row: int, step: int) -> int | None:
        """``n`` / ``N``: the next or previous event where a message or run step starts or ends."""
        boundaries = api(self.timeline.kind).events.BOUNDARIES
        return self.find(row, step, lambda event: event.name in boundaries)

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
        if not self.shows(number):
            return Jump(self.row_of(number), f"Event {number} is hidden by the filter: showing the one before it.")
        return Jump(self.row_of(number))
