"""Chat Completions streams on the wire: unnamed ``data:`` chunks, ending with ``data: [DONE]``."""

from __future__ import annotations

import itertools
from typing import Any

from .._sdk_base import SdkBase, before


def names_api(name: str, data: Any) -> bool:
    return isinstance(data, dict) and data.get("object") == "chat.completion.chunk"


def owns_path(segments: list[str]) -> bool:
    return ("chat", "completions") in itertools.pairwise(segments)


def sdk_base(uri: str) -> SdkBase | None:
    base = before(uri, "chat")
    return None if base is None else (base, "OPENAI_BASE_URL")


def ends_stream(name: str, data: Any) -> bool:
    # An unnamed {"error": ...} payload is the last thing sent: the SDK raises there.
    return data == "[DONE]" or (name == "message" and isinstance(data, dict) and bool(data.get("error")))


def run_of(document: dict[str, Any]) -> tuple[str | None, str | None] | None:
    if document.get("object") == "chat.completion.chunk" and isinstance(document.get("id"), str):
        return None, document["id"] or None
    return None
