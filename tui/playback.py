"""Where playback is in a stream: recorded seconds go by as the clock does, times the speed; a recording that
kept no times plays one event after another at a steady pace."""

from __future__ import annotations

import time
from collections.abc import Callable

from .view import EventView

__all__ = ["MAX_TICK", "SPEEDS", "STEADY", "Playback", "Schedule"]

#: Playback speeds, slowest first (``+`` / ``-`` step through them).
SPEEDS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 100.0)
#: Longest wait between two playback ticks: a paused clock or a long gap is checked this often.
MAX_TICK = 0.25
#: Shortest wait: events closer than a frame are shown together.
MIN_TICK = 1 / 60
#: Seconds between two shown events (at 1x) when the recording kept no times: ten a second, which reads
#: as a stream arriving and can be followed.
STEADY = 0.1


class Schedule:
    """When each event of ``view`` is due in playback: when it arrived, or, for a recording that kept no
    times (``timed`` False: every time is 0), one shown event every ``STEADY`` seconds."""

    def __init__(self, view: EventView, timed: bool) -> None:
        self.view = view
        self.timed = timed

    def at(self, index: int) -> float:
        """Seconds into playback at which event ``index`` is due."""
        if self.timed:
            return self.view.events[index].at
        return self.view.row_of(index) * STEADY

    def row_at(self, seconds: float) -> int:
        """The last row due ``seconds`` into playback (the first row if none is)."""
        if self.timed:
            return self.view.row_at(seconds)
        return min(max(int(seconds / STEADY + 1e-6), 0), max(len(self.view) - 1, 0))


class Playback:
    """The stream time of playback, from the last (re)start; ``clock`` is replaceable for tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.speed = 1.0
        self._from = (0.0, 0.0)  # (stream seconds, clock seconds) at the last (re)start

    def start(self, at: float) -> None:
        """Play on from ``at`` seconds into the stream, now."""
        self._from = (at, self.clock())

    def position(self) -> float:
        """Seconds into the stream that playback has reached."""
        at, started = self._from
        return at + (self.clock() - started) * self.speed

    def change_speed(self, step: int) -> bool:
        """One speed faster (``step`` 1) or slower (-1), keeping the position; ``False`` at either end."""
        faster = [speed for speed in SPEEDS if speed > self.speed]
        slower = [speed for speed in SPEEDS if speed < self.speed]
        choices = faster[:1] if step > 0 else slower[-1:]
        if not choices:
            return False
        position = self.position()
        self.speed = choices[0]
        self._from = (position, self.clock())
        return True

    def wait(self, next_at: float) -> float:
        """Seconds of real time until the event at ``next_at`` is due (between a frame and MAX_TICK)."""
        return min(max((next_at - self.position()) / self.speed, MIN_TICK), MAX_TICK)
