"""What an event makes an SDK's stream do, for every API's accumulator: the events it yields, and why it
stops reading a recording at some event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

__all__ = ["Stop", "StreamCallback", "StreamEmitted"]


class Stop:
    """Why the SDK's stream ends at this event (see the module docstring)."""

    __slots__ = ("exception", "kind")

    def __init__(self, kind: Literal["done", "error_event", "exception"], exception: Exception | None):
        self.kind, self.exception = kind, exception

    def __repr__(self) -> str:
        return f"Stop({self.kind!r}, {self.exception!r})"


class StreamCallback:
    """One event the SDK's stream yields: ``name`` is its ``type`` (``"response.output_text.delta"``,
    ``"content.delta"``, ``"chunk"``, ...), ``args`` is ``(event,)``. The event may be built on first use."""

    __slots__ = ("_event", "_make", "name")

    def __init__(self, name: str, event: Any = None, make: Callable[[], Any] | None = None) -> None:
        self.name = name
        self._event = event
        self._make = make

    @property
    def event(self) -> Any:
        if self._make is not None:
            self._event, self._make = self._make(), None
        return self._event

    @property
    def args(self) -> tuple[Any, ...]:
        return (self.event,)

    def __repr__(self) -> str:
        return f"StreamCallback({self.name!r})"


class StreamEmitted(list[StreamCallback]):
    """The events the stream yields for one raw event; ``stop`` when the stream ends there."""

    stop: Stop | None = None
