"""Reading decoded JSON defensively: a recording may hold anything, and inspecting it must not crash."""

from __future__ import annotations

from typing import Any


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[dict[str, Any]]:
    """The JSON objects in ``value`` when it is an array, else nothing."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
