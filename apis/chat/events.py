"""What Chat Completions chunks say, from the chunks alone (no SDK import): ``ssetape inspect``, ``stats``, the TUI.

The stream names no event (``message``): each ``chat.completion.chunk`` carries ``choices`` with a
``delta`` each, and the last may carry the ``usage``; ``data: [DONE]`` ends it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._data import as_dict, as_list
from .._summary import ToolCalls, is_failure, last_usage, quote, usage_line
from .wire import names_api

__all__ = [
    "BOUNDARIES",
    "event_type",
    "family",
    "short_name",
    "status",
    "summary",
    "text_of",
    "tool_calls",
    "usage",
]

#: Chunk types (:func:`event_type`) where a message or a tool call starts, or a choice finishes.
BOUNDARIES: frozenset[str] = frozenset({"role", "tool_call", "finish"})

#: The family of each chunk type.
_FAMILIES = {
    "role": "message",
    "content": "message",
    "refusal": "message",
    "tool_call": "step",
    "arguments": "step",
    "finish": "run",
    "usage": "run",
}


def event_type(name: str, data: Any) -> str:
    """What a chunk is, its SSE type saying nothing (``message``): the first of ``finish`` (a choice's
    finish_reason), ``tool_call`` (a call starts: its id or name), ``role``, ``refusal``, ``content``,
    ``arguments`` (a call's arguments go on), ``usage`` (a usage-only chunk); ``done`` for ``[DONE]``; an
    error says ``error``; a chunk with none of these, ``empty``."""
    if name != "message":
        return name
    if not isinstance(data, dict):
        return "done" if data == "[DONE]" else name
    if isinstance(data.get("error"), dict):
        return "error"
    found: set[str] = set()
    for choice in as_list(data.get("choices")):
        delta = as_dict(choice.get("delta"))
        if choice.get("finish_reason"):
            found.add("finish")
        for call in as_list(delta.get("tool_calls")):
            started = call.get("id") or as_dict(call.get("function")).get("name")
            found.add("tool_call" if started else "arguments")
        for field_name in ("role", "refusal", "content"):
            if delta.get(field_name):
                found.add(field_name)
    for kind in ("finish", "tool_call", "role", "refusal", "content", "arguments"):
        if kind in found:
            return kind
    return "usage" if data.get("usage") else "empty"


def summary(name: str, data: dict[str, Any], width: int) -> str | None:
    if isinstance(data.get("error"), dict):
        return None  # a chunk carrying an error says it as any event does
    pieces = []
    for choice in as_list(data.get("choices")):
        delta = as_dict(choice.get("delta"))
        if delta.get("role"):
            pieces.append(f"role {delta['role']}")
        if delta.get("content"):
            pieces.append(quote(delta["content"], width))
        if delta.get("refusal"):
            pieces.append(f"refusal {quote(delta['refusal'], width)}")
        for call in as_list(delta.get("tool_calls")):
            function = as_dict(call.get("function"))
            index = call.get("index")
            label = f"function #{index + 1}" if isinstance(index, int) and index > 0 else "function"
            piece = " ".join(
                [label]
                + ([str(function["name"])] if function.get("name") else [])
                + ([f"arguments {quote(function['arguments'], width)}"] if function.get("arguments") else [])
            )
            pieces.append(piece)
        if choice.get("finish_reason"):
            pieces.append(f"finish_reason → {choice['finish_reason']}")
    used = usage_line(data.get("usage"))
    if used:
        pieces.append(used)
    return " ".join(pieces)


def short_name(name: str) -> str:
    """As sent: the list shows the whole type."""
    return name


def family(name: str, data: Any) -> str:
    """By the chunk type (:func:`event_type`); an untyped chunk (``message``) is about the message."""
    if is_failure(name):
        return "error"
    return _FAMILIES.get(name, "message" if name == "message" else "other")


def text_of(name: str, data: dict[str, Any]) -> str | None:
    parts = [
        as_dict(choice.get("delta")).get("content")
        for choice in as_list(data.get("choices"))
        if isinstance(as_dict(choice.get("delta")).get("content"), str)
    ]
    return "".join(str(part) for part in parts) if parts else None


def tool_calls(pairs: Sequence[tuple[str, Any]]) -> list[str]:
    calls = ToolCalls()
    for name, data in pairs:
        if not names_api(name, data):
            continue
        for choice in as_list(data.get("choices")):
            for call in as_list(as_dict(choice.get("delta")).get("tool_calls")):
                called = as_dict(call.get("function")).get("name")
                calls.add((choice.get("index"), call.get("index")), call.get("id"), str(called) if called else None)
    return calls.names()


def status(pairs: Sequence[tuple[str, Any]]) -> str | None:
    """The last finish reason a chunk gave."""
    found = None
    for name, data in pairs:
        if names_api(name, data):
            for choice in as_list(data.get("choices")):
                found = choice.get("finish_reason") or found
    return found


def usage(pairs: Sequence[tuple[str, Any]]) -> dict[str, Any] | None:
    """The usage the last chunk to carry one reported (with ``stream_options.include_usage``)."""
    return last_usage(pairs, lambda name, data: data.get("usage"))
