"""Assistants streams on the wire: named ``thread.*`` events, ending with ``event: done`` / ``[DONE]``."""

from __future__ import annotations

from typing import Any

from .._sdk_base import SdkBase, before

#: The run's lifecycle events after which it streams nothing more but ``done``.
RUN_TERMINAL = frozenset(
    {
        "thread.run.completed",
        "thread.run.failed",
        "thread.run.cancelled",
        "thread.run.expired",
        "thread.run.incomplete",
        "thread.run.requires_action",
    }
)


def names_api(name: str, data: Any) -> bool:
    return name.startswith("thread.")


def owns_path(segments: list[str]) -> bool:
    return "threads" in segments


def sdk_base(uri: str) -> SdkBase | None:
    base = before(uri, "threads")
    return None if base is None else (base, "OPENAI_BASE_URL")


def ends_stream(name: str, data: Any) -> bool:
    return name in ("done", "error") or data == "[DONE]"


def run_of(document: dict[str, Any]) -> tuple[str | None, str | None] | None:
    kind = document.get("object")
    if kind == "thread":
        return _str(document.get("id")), None
    if kind == "thread.run":
        return _str(document.get("thread_id")), _str(document.get("id"))
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
