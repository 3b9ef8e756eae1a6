"""What the events of a generic SSE stream say: their data, as sent (``ssetape inspect``, ``stats``, the TUI)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .._summary import is_failure

__all__ = ["BOUNDARIES", "family", "short_name", "status", "summary", "text_of", "tool_calls", "usage"]

#: A generic stream has no messages or tool calls to step between.
BOUNDARIES: frozenset[str] = frozenset()


def summary(name: str, data: dict[str, Any], width: int) -> str | None:
    """The data as compact JSON, cut after about twice ``width`` characters (there is no text to quote)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= 2 * width else text[: 2 * width] + "…"


def short_name(name: str) -> str:
    return name


def family(name: str, data: Any) -> str:
    return "error" if is_failure(name) else "other"


def text_of(name: str, data: dict[str, Any]) -> str | None:
    return None  # no API says which field is the assistant's text


def tool_calls(pairs: Sequence[tuple[str, Any]]) -> list[str]:
    return []


def status(pairs: Sequence[tuple[str, Any]]) -> str | None:
    return None


def usage(pairs: Sequence[tuple[str, Any]]) -> dict[str, Any] | None:
    return None
