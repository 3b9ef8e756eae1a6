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

__all__ = ["BOUNDARIES", "family", "short_name", "status", "summary", "text_of", "tool_calls", "usage"]


#: Chat chunks have no message or tool-call boundaries of their own (the TUI's ``n`` / ``N`` find none).
BOUNDARIES: frozenset[str] = frozenset()


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
    if is_failure(name):
        return "error"
    return "message" if name == "message" else "other"  # a chunk: the stream names no event


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
