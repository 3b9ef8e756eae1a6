"""Anthropic Messages streams on the wire: named events (``event: content_block_delta``) whose data repeats
the name as its ``type``, ending with ``message_stop`` or an ``error`` event."""

from __future__ import annotations

import itertools
from typing import Any

from .._sdk_base import SdkBase, before

__all__ = ["MESSAGE_EVENTS", "ends_stream", "error_document", "names_api", "owns_path", "run_of", "sdk_base"]

#: The event types only this API sends (``ping`` and ``error`` it shares with others).
MESSAGE_EVENTS = frozenset(
    {
        "message_start",
        "message_delta",
        "message_stop",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
    }
)


def names_api(name: str, data: Any) -> bool:
    return name in MESSAGE_EVENTS and isinstance(data, dict) and data.get("type") == name


def error_names_api(data: Any) -> bool:
    """``{"type": "error", "error": {"type": "overloaded_error", ...}}``: no other API nests a typed error so."""
    error = data.get("error") if isinstance(data, dict) and data.get("type") == "error" else None
    return isinstance(error, dict) and str(error.get("type", "")).endswith("_error")


def owns_path(segments: list[str]) -> bool:
    if ("v1", "messages") in itertools.pairwise(segments):  # /v1/messages, also with ?beta=true
        return segments[-1] == "messages"
    # Claude on Vertex AI: .../publishers/anthropic/models/{model}:streamRawPredict
    return ("publishers", "anthropic") in itertools.pairwise(segments) and segments[-1].endswith(":streamRawPredict")


def sdk_base(uri: str) -> SdkBase | None:
    """``anthropic.Anthropic`` is given the root (it adds ``/v1/messages``); ``AnthropicVertex`` the path to
    ``/v1`` (it adds ``/projects/...``)."""
    vertex = before(uri, "projects")
    if vertex is not None:
        return vertex, "ANTHROPIC_VERTEX_BASE_URL"
    base = before(uri, "v1")
    return None if base is None else (base, "ANTHROPIC_BASE_URL")


def ends_stream(name: str, data: Any) -> bool:
    if name == "message_stop":
        return True
    return name == "error" and isinstance(data, dict) and data.get("type") == "error"


def run_of(document: dict[str, Any]) -> tuple[str | None, str | None] | None:
    """The message id of a ``message_start`` event, or of a whole (unstreamed) message."""
    message = document.get("message") if document.get("type") == "message_start" else document
    if isinstance(message, dict) and message.get("type") == "message" and isinstance(message.get("id"), str):
        return None, message["id"] or None
    return None


def error_document(status: int, message: str, code: str | None) -> dict[str, Any]:
    """An error body as the API sends it (``{"type": "error", "error": {type, message}}``)."""
    kind = "overloaded_error" if status == 529 else "api_error" if status >= 500 else "invalid_request_error"
    return {"type": "error", "error": {"type": kind, "message": message}}
