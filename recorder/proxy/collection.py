"""The proxy's garbage collection: no full pass in the middle of streams.

A full pass walks every object the process holds, and a recording session holds every interaction it
recorded (the cassette is rewritten from them): tens of milliseconds, every stream in flight stopped for
it, after a few hundred streams. Here CPython never starts a full pass by itself; :meth:`Collections.tidy`,
run by the saver, does one while nothing streams and then freezes what survived (left out of every later
pass: the interactions just saved stay for the rest of the run), so the next one walks only what came
since. Only while nothing is in flight: an object frozen in the middle of its exchange and part of a
reference cycle once it is over would never be collected. Streams that never pause get a full pass once
in a long while. The young generations are collected as usual, except while a request waits for the first
byte of its answer's body (:meth:`Collections.hold`): a storm of requests keeps what each one starts alive, so a
young pass in the middle of one walks all of it (measured: 0.16 ms a pass, 1.7 ms for the middle generation's)
and every stream still waiting for its first byte waits for it too; the pass runs once the last has gone out.
"""

from __future__ import annotations

import asyncio
import gc

#: CPython's own default: a full pass once ten young (generation 1) passes have run since the last one.
FULL_AFTER = 10
#: While streams never pause: a full pass (nothing frozen) this many young passes after the last one.
FULL_WHILE_BUSY_AFTER = 100
#: The longest the young passes wait for requests' first bytes, in seconds (a storm's take milliseconds).
MAX_HOLD = 0.25
#: A threshold the count of young passes never reaches, so that CPython never starts a full pass itself.
NEVER = 1 << 30


class Collections:
    """Started for the proxy's run (:meth:`start`), undone after it (:meth:`stop`); :meth:`tidy` between saves."""

    def __init__(self) -> None:
        self._threshold: tuple[int, int, int] | None = None
        self._held = 0
        self._expiry: asyncio.TimerHandle | None = None

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

    def hold(self) -> None:
        """A request is on its way: no collection until it, and every other one held, is :meth:`release` d, or
        until ``MAX_HOLD`` seconds have gone by (an answer can be long in coming while other streams allocate: a
        timer of the event loop ends the hold even when no request comes or goes meanwhile)."""
        if self._threshold is None:
            return
        if not self._held:
            gc.disable()
            self._expiry = asyncio.get_running_loop().call_later(MAX_HOLD, gc.enable)
        self._held += 1

    def release(self) -> None:
        if self._threshold is None:
            return
        self._held -= 1
        if not self._held:
            self._end_hold()

    def _end_hold(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        gc.enable()

    def stop(self) -> None:
        if self._held:
            self._end_hold()
            self._held = 0
        if self._threshold is not None:
            gc.set_threshold(*self._threshold)
            self._threshold = None
