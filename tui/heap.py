"""Keeping the garbage collector out of the way of a large indexed stream."""

from __future__ import annotations

import gc

__all__ = ["freeze_heap"]


def freeze_heap() -> None:
    """Move everything alive out of the cyclic garbage collector's reach, and make full collections rare.

    Indexing (with the collector paused: ``recorder.collector_paused``) builds millions of small containers
    that all stay alive; each full collection would re-traverse them and stall a keypress for most of a
    second. Frozen, they keep every later collection small, and full collections are then made 100 times
    rarer: with so little left to count as long-lived, CPython would otherwise run one every ten steps or
    so, each 10-40 ms, the p99 of a step. This is for a process that runs the TUI and nothing else
    (``tui.run``), not for a test session.
    """
    gc.freeze()
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, max(old, 1000))
