"""Background saves that never hold up the proxy's event loop, and keep out of busy streaming."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Saver:
    """Runs ``save`` in a thread some time after :meth:`request` was called.

    Serializing a cassette is pure-Python work that competes with the event loop for the GIL, so
    a save waits until ``busy()`` is false (nothing in flight), checking every
    ``min_interval`` seconds, but never more than ``max_delay`` seconds: the journal holds
    everything meanwhile. One save at a time; after one that took ``t`` seconds the next waits at
    least ``2 * t``. :meth:`close` runs a last save in the caller's thread and lets its error
    through.
    """

    def __init__(
        self,
        save: Callable[[], None],
        *,
        busy: Callable[[], bool] = lambda: False,
        min_interval: float = 0.2,
        max_delay: float = 5.0,
        on_error: Callable[[BaseException], None] = lambda exc: None,
    ) -> None:
        self._save = save
        self._busy = busy
        self.min_interval = min_interval
        self.max_delay = max_delay
        self._on_error = on_error
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ssetape-saver", daemon=True)
        self._thread.start()

    def request(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            requested = time.monotonic()
            while True:
                if self._closing.wait(self.min_interval):
                    return
                if not self._busy() or time.monotonic() - requested >= self.max_delay:
                    break
            self._wake.clear()
            started = time.monotonic()
            try:
                self._save()
            except Exception as exc:
                self._on_error(exc)
            if self._closing.wait(2 * (time.monotonic() - started)):
                return

    def stop(self) -> None:
        """Stop without a last save."""
        self._closing.set()
        self._wake.set()
        self._thread.join()

    def close(self) -> None:
        self.stop()
        self._save()
