"""Printing a stream whose SDK object yields events (``ssetape replay``): each home says what an event
prints as; this prints them as they arrive and says how the stream ended."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, TextIO

__all__ = ["Lines", "print_stream"]


class Lines(Protocol):
    """What each event of one API's stream prints as; ``failed`` once it has printed an error. A ``Lines``
    that holds text back (Chat's n > 1 choices) also has ``rest()``: what it still holds when the stream ends."""

    failed: bool

    def line(self, event: Any) -> str: ...


def print_stream(stream: Iterable[Any], lines: Lines, out: TextIO) -> bool:
    """Print ``stream``'s events as ``lines`` words them. Returns False when it ended in an error; raises
    what the stream raises, after saying so."""
    rest = getattr(lines, "rest", None)
    try:
        for event in stream:
            out.write(lines.line(event))
            out.flush()
    except Exception as exc:
        out.write((rest() if rest is not None else "") + f"\n\n[stream ended with {type(exc).__name__}: {exc}]\n")
        out.flush()
        raise
    out.write(rest() if rest is not None else "")
    return not lines.failed
