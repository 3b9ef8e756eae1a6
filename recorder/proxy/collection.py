"""The proxy's garbage collection: no full pass in the middle of streams.

A full pass walks every object the process holds, and a recording session holds every interaction it
recorded (the cassette is rewritten from them): tens of milliseconds, every stream in flight stopped for
it, after a few hundred streams. Here what is alive is frozen (left out of every later pass) each time
the saver has saved, and CPython never starts a full pass by itself; :meth:`Collections.tidy`, run by
the saver, does one instead, over what was allocated since the last freeze only. The young generations
are collected as usual.
"""

from __future__ import annotations

import gc

#: CPython's own default: a full pass once ten young (generation 1) passes have run since the last one.
FULL_AFTER = 10
#: A threshold the count of young passes never reaches, so that CPython never starts a full pass itself.
NEVER = 1 << 30


class Collections:
    """Started for the proxy's run (:meth:`start`), undone after it (:meth:`stop`); :meth:`tidy` between saves."""

    def __init__(self) -> None:
        self._threshold: tuple[int, int, int] | None = None

    def start(self) -> None:
        # Everything imported and built so far lives as long as the process.
        gc.freeze()
        self._threshold = gc.get_threshold()
        young, middle, _ = self._threshold
        gc.set_threshold(young, middle, NEVER)

    def tidy(self) -> None:
        """After a save: a full pass over what is not frozen, when CPython would have run one, then freeze
        what survived (the interactions just saved, which stay for the rest of the run)."""
        if self._threshold is None or gc.get_count()[2] < FULL_AFTER:
            return
        gc.collect()
        gc.freeze()

    def stop(self) -> None:
        if self._threshold is not None:
            gc.set_threshold(*self._threshold)
            self._threshold = None
