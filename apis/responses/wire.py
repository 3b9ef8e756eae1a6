"""Responses streams on the wire: ``response.*`` events (named, with the same JSON ``type``)."""

from __future__ import annotations

from typing import Any

from .._sdk_base import SdkBase, before

#: The lifecycle events that end a response.
FINAL = frozenset({"response.completed", "response.failed", "response.incomplete"})


def names_api(name: str, data: Any) -> bool:
    if name.startswith("response."):
        return True
    kind = data.get("type") if isinstance(data, dict) else None
    return isinstance(kind, str) and kind.startswith("response.")


def owns_path(segments: list[str]) -> bool:
    return "responses" in segments


def sdk_base(uri: str) -> SdkBase | None:
    base = before(uri, "responses")
    return None if base is None else (base, "OPENAI_BASE_URL")


def ends_stream(name: str, data: Any) -> bool:
    return name in FINAL or name == "error"


def run_of(document: dict[str, Any]) -> tuple[str | None, str | None] | None:
    response = document.get("response")
    run = response.get("id") if isinstance(response, dict) else None
    if isinstance(run, str) and run:
        return None, run
    return None
