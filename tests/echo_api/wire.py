"""The echo API on the wire."""

from __future__ import annotations

from typing import Any


def names_api(name: str, data: Any) -> bool:
    return name.startswith("echo.")


def owns_path(segments: list[str]) -> bool:
    return "echo" in segments


def ends_stream(name: str, data: Any) -> bool:
    return name == "echo.end"


def run_of(document: dict[str, Any]) -> tuple[str | None, str | None] | None:
    echo = document.get("echo_id")
    return (None, echo) if isinstance(echo, str) else None
