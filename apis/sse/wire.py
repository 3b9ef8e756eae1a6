"""A generic SSE stream on the wire: no event names it and no path is its own; it ends where its bytes do."""

from __future__ import annotations

from typing import Any

__all__ = ["ends_stream", "names_api", "owns_path", "run_of"]


def names_api(name: str, data: Any) -> bool:
    return False  # what a stream no API recognises counts as (the registry's DEFAULT), never what one names


def owns_path(segments: list[str]) -> bool:
    return False


def ends_stream(name: str, data: Any) -> bool:
    return False


def run_of(document: dict[str, Any]) -> tuple[str | None, str | None] | None:
    return None
