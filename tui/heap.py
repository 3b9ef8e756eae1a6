"""Keeping the garbage collector out of the way of a large indexed stream."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused(freeze: bool) -> Iterator[None]:
    """Index without the cyclic garbage collector, then (``freeze``) move what was built out of its reach.

    Indexing allocates millions of small containers that all stay alive; each full collection
    re-traverses them: that more than doubles the time to index 50k events and, later, stalls a
    keypress for most of a second whenever one runs. Freezing them keeps every later collection small,
    and full collections are then made 100 times rarer: with so little left to count as long-lived,
    CPython would otherwise run one every ten steps or so, each 10-40 ms, the p99 of a step. This is for
    a process that runs the TUI and nothing else (``tui.run``), not for a test session.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
            young, middle, old = gc.get_threshold()
            gc.set_threshold(young, middle, max(old, 1000))
        if enabled:
            gc.enable()
