"""validate's rules for echo streams: every event has a text, and echo.end comes last."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ssetape.replayer import Problem


def sse(event: Any) -> Iterator[Problem]:
    return iter(())


def schema(event: Any) -> Iterator[Problem]:
    if event.name == "echo.say" and not isinstance(event.data.get("text"), str):
        yield Problem("schema", f"{event.name}: no text", event=event.index, severity="warning")


def order(found: list[Any], complete: bool) -> Iterator[Problem]:
    if complete and (not found or found[-1].name != "echo.end"):
        yield Problem("order", "the stream does not end with echo.end", event=len(found))
