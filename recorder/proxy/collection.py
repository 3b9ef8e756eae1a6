"""The proxy's garbage collection: no full pass in the middle of streams.

A full pass walks every object the process holds, and a recording session holds every interaction it
recorded (the cassette is rewritten from them): tens of milliseconds, every stream in flight stopped for
it, after a few hundred streams. Here CPython never starts a full pass by itself; :meth:`Collections.tidy`,
run by the saver, does one while nothing streams and then freezes what survived (left out of every later
pass: the interactions just saved stay for the rest of the run), so the next one walks only what came
since. Only while nothing is in flight: an object frozen in the middle of its exchange and part of a
reference cycle once it is over would never be collected. Streams that never pause get a full pass once
in a long while. The young generations are collected as usual.
"""

from __future__ import annotations

import gc

#: CPython's own default: a full pass once ten young (generation 1) passes have run since the last one.
FULL_AFTER = 10
#: While streams never pause: a full pass (nothing frozen) this many young passes after the last one.
FULL_WHILE_BUSY_AFTER = 100
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

    def tidy(self, *, idle: bool) -> None:
        """After a save: a full pass when one is due, and the survivors frozen when nothing is in flight."""
        if self._threshold is None:
            return
        young_passes = gc.get_count()[2]
        if idle and young_passes >= FULL_AFTER:
            gc.collect()
            gc.freeze()
        elif young_passes >= FULL_WHILE_BUSY_AFTER:
            gc.collect()

    def stop(self) -> None:
        if self._threshold is not None:
            gc.set_threshold(*self._threshold)
            self._threshold = None
