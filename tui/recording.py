"""``ssetape record --tui``: the recording proxy serving in a thread while the TUI follows what it records."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

from ssetape.recorder.proxy import RecordingProxy

from .app import run_follow

__all__ = ["proxy_in_background", "run_recording"]


@contextlib.contextmanager
def proxy_in_background(proxy: RecordingProxy, *, grace: float = 5.0) -> Iterator[RecordingProxy]:
    """``proxy`` serving in a thread for the time of the block; stopped (streams in flight given ``grace``
    seconds, the recording saved) when it ends."""
    failed: list[BaseException] = []

    def serve() -> None:
        try:
            proxy.run()
        except BaseException as exc:  # reported when the block ends: a thread's exception is otherwise lost
            failed.append(exc)

    thread = threading.Thread(target=serve, name="ssetape-record", daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.stop()
        thread.join(grace + 30)
    if failed:
        raise failed[0]


def run_recording(proxy: RecordingProxy, out: str | Path, *, grace: float = 5.0) -> int:
    """Record through ``proxy`` into the cassette ``out``, the TUI following it; quitting the TUI stops the
    proxy. The exit code."""
    with proxy_in_background(proxy, grace=grace):
        return run_follow(out, title=f"recording {proxy.upstream} · clients: {proxy.base_url}")
