"""``ssetape validate``'s rules for a generic SSE stream: none beyond the SSE-level ones every stream gets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["order", "schema", "sse"]


def sse(event: Any) -> Iterator[Any]:
    return iter(())


def schema(event: Any) -> Iterator[Any]:
    return iter(())  # no API, no schema


def order(found: list[Any], complete: bool) -> Iterator[Any]:
    return iter(())  # no API, no order: a stream may end anywhere
