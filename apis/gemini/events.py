"""What Gemini chunks say, from the chunks alone (no SDK import): ``ssetape inspect``, ``stats``, the TUI.

Every event is an unnamed ``GenerateContentResponse``: ``candidates[i].content.parts`` add text, thoughts
(``thought: true``), function calls (``functionCall``, with a ``thoughtSignature`` on some parts); a
candidate's ``finishReason``, ``safetyRatings`` and ``groundingMetadata`` come with the chunks that carry
them; ``usageMetadata`` is the running total. What the SDK's ``.text`` reads is the first candidate's.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .._data import as_dict, as_list
from .._summary import TokenNames, ToolCalls, error_line, is_failure, last_usage, quote, usage_line
from .wire import names_api

__all__ = [
    "BOUNDARIES",
    "TOKENS",
    "family",
    "finish_reason",
    "parts_of",
    "short_name",
    "status",
    "summary",
    "text_of",
    "thought_of",
    "tool_calls",
    "usage",
]

#: Gemini chunks have no message or tool-call boundaries of their own (the TUI's ``n`` / ``N`` find none).
BOUNDARIES: frozenset[str] = frozenset()
#: ``usageMetadata``'s token counts. The API writes its JSON as protobuf's mapping does, which leaves a
#: count of 0 out (a prompt blocked before any output has no ``candidatesTokenCount``).
TOKENS = TokenNames(
    ("promptTokenCount",), ("candidatesTokenCount",), ("totalTokenCount",), ("thoughtsTokenCount",), absent=0
)


def parts_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The first candidate's parts: what ``GenerateContentResponse.text`` and ``.function_calls`` read."""
    candidates = as_list(data.get("candidates"))
    return as_list(as_dict(candidates[0].get("content")).get("parts")) if candidates else []


def finish_reason(data: dict[str, Any]) -> str | None:
    candidates = as_list(data.get("candidates"))
    reason = candidates[0].get("finishReason") if candidates else None
    return str(reason) if reason else None


def summary(name: str, data: dict[str, Any], width: int) -> str | None:
    if isinstance(data.get("error"), dict):
        return error_line(data["error"], width)
    pieces = []
    for part in parts_of(data):
        if isinstance(part.get("text"), str):
            label = "thought " if part.get("thought") is True else ""
            pieces.append(label + quote(part["text"], width))
        call = as_dict(part.get("functionCall"))
        if call:
            arguments = json.dumps(call.get("args", {}), ensure_ascii=False, separators=(",", ":"))
            pieces.append(f"functionCall {call.get('name')}({quote(arguments, width)[1:-1]})")
        if part.get("thoughtSignature"):
            pieces.append(f"signature ({len(str(part['thoughtSignature']))} characters)")
    reason = finish_reason(data)
    if reason:
        pieces.append(f"finishReason → {reason}")
    feedback = as_dict(data.get("promptFeedback"))
    if feedback.get("blockReason"):
        pieces.append(f"prompt blocked: {feedback['blockReason']}")
    candidates = as_list(data.get("candidates"))
    if candidates and as_dict(candidates[0].get("groundingMetadata")).get("groundingChunks"):
        found = len(as_list(as_dict(candidates[0]["groundingMetadata"]).get("groundingChunks")))
        pieces.append(f"grounding {found} sources")
    used = usage_line(data.get("usageMetadata"), TOKENS)
    if used:
        pieces.append(used)
    return " ".join(pieces)


def short_name(name: str) -> str:
    """As sent: the list shows the whole type (``message``: the stream names none)."""
    return name


def family(name: str, data: Any) -> str:
    data = as_dict(data)
    if is_failure(name) or isinstance(data.get("error"), dict):
        return "error"
    parts = parts_of(data)
    if any(part.get("functionCall") or part.get("executableCode") for part in parts):
        return "step"
    if any(isinstance(part.get("text"), str) and part["text"] for part in parts):
        return "message"
    return "run" if data else "other"  # a chunk of finish reason, usage or feedback only


def text_of(name: str, data: dict[str, Any]) -> str | None:
    """The first candidate's text, thoughts left out, as the SDK's ``.text`` gives it (None: no text part)."""
    texts = [
        part["text"] for part in parts_of(data) if isinstance(part.get("text"), str) and part.get("thought") is not True
    ]
    return "".join(texts) if texts else None


def thought_of(data: dict[str, Any]) -> str | None:
    """The first candidate's thought summaries (``thought: true`` parts) in this chunk."""
    texts = [
        part["text"] for part in parts_of(data) if isinstance(part.get("text"), str) and part.get("thought") is True
    ]
    return "".join(texts) if texts else None


def tool_calls(pairs: Sequence[tuple[str, Any]]) -> list[str]:
    """Function calls in the order they came (each part is a whole call: Gemini does not split them)."""
    calls = ToolCalls()
    position = 0
    for name, data in pairs:
        if not names_api(name, data):
            continue
        for part in parts_of(data):
            call = as_dict(part.get("functionCall"))
            if call:
                position += 1
                calls.add((None, position), call.get("id"), str(call.get("name") or "functionCall"))
    return calls.names()


def status(pairs: Sequence[tuple[str, Any]]) -> str | None:
    """The last finish reason, or why the prompt was blocked."""
    found = None
    for name, data in pairs:
        if names_api(name, data):
            block = as_dict(data.get("promptFeedback")).get("blockReason")
            found = finish_reason(data) or (f"prompt blocked: {block}" if block else None) or found
    return found


def usage(pairs: Sequence[tuple[str, Any]]) -> dict[str, Any] | None:
    """The last ``usageMetadata`` (each chunk's is the running total)."""
    return last_usage(pairs, lambda name, data: data.get("usageMetadata") if names_api(name, data) else None)
