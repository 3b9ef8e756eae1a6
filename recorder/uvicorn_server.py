"""A uvicorn server that a signal stops cleanly: the recording proxy's and the replay server's."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Generator

import uvicorn

__all__ = ["ReturningServer"]


class ReturningServer(uvicorn.Server):  # type: ignore[misc]
    """uvicorn re-raises a captured SIGTERM/SIGINT once it has shut down (the process exits -15); this one
    returns from ``run`` instead, so its caller saves what it must and exits 0."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
