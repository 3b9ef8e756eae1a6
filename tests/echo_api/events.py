"""What echo events say."""

from __future__ import annotations

from typing import Any

BOUNDARIES = frozenset({"echo.say"})


def summary(name: str, data: dict[str, Any], width: int) -> str | None:
    return f"says {data.get('text', '')!r}" if name == "echo.say" else None


def short_name(name: str) -> str:
    return name.removeprefix("echo.")


def family(name: str, data: Any) -> str:
    return "message" if name == "echo.say" else "run"


def text_of(name: str, data: dict[str, Any]) -> str | None:
    return str(data.get("text", "")) if name == "echo.say" else None


def tool_calls(pairs: list[tuple[str, Any]]) -> list[str]:
    return []


def status(pairs: list[tuple[str, Any]]) -> str | None:
    return "ended" if any(name == "echo.end" for name, _ in pairs) else None


def usage(pairs: list[tuple[str, Any]]) -> dict[str, Any] | None:
    return None
