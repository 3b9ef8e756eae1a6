"""Recorded offsets turned into waits, for everything that replays at the recorded pace."""

from __future__ import annotations

import time

__all__ = ["Clock"]


class Clock:
    """Turns recorded offsets into waits; ``speed`` 0 never waits."""

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self.start = time.perf_counter()

    def delay(self, at: float) -> float:
        if self.speed <= 0:
            return 0.0
        return at / self.speed - (time.perf_counter() - self.start)
