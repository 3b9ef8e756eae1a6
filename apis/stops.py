"""Why an SDK's stream stops reading a recording at some event: the same for every API's accumulator."""

from __future__ import annotations

from typing import Literal

__all__ = ["Stop"]


class Stop:
    """Why the SDK's stream ends at this event (see the module docstring)."""

    __slots__ = ("exception", "kind")

    def __init__(self, kind: Literal["done", "error_event", "exception"], exception: Exception | None):
        self.kind, self.exception = kind, exception

    def __repr__(self) -> str:
        return f"Stop({self.kind!r}, {self.exception!r})"
