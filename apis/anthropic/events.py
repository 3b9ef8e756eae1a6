"""What Anthropic Messages events say, from the events alone (no SDK import): ``ssetape inspect``, ``stats``,
the TUI.

``message_start`` carries the message (id, model, usage so far), each content block (``text``,
``thinking``, ``redacted_thinking``, ``tool_use``, ``server_tool_use``, ``web_search_tool_result`` ...)
opens with ``content_block_start``, grows by ``content_block_delta`` s and closes with
``content_block_stop``; ``message_delta`` gives the stop reason and the cumulative usage.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._data import as_dict
from .._summary import ToolCalls, is_failure, quote, usage_line
from .wire import names_api

__all__ = ["BOUNDARIES", "TOOL_BLOCKS", "family", "short_name", "status", "summary", "text_of", "tool_calls", "usage"]

BOUNDARIES: frozenset[str] = frozenset({"message_start", "message_stop", "content_block_start", "content_block_stop"})
#: The content blocks that call a tool (client tools, server tools such as web search, MCP tools).
TOOL_BLOCKS = frozenset({"tool_use", "server_tool_use", "mcp_tool_use"})
#: The deltas that grow a tool call's input rather than what the assistant says.
_TOOL_DELTAS = frozenset({"input_json_delta"})


def summary(name: str, data: dict[str, Any], width: int) -> str | None:
    if name == "message_start":
        message = as_dict(data.get("message"))
        used = usage_line(message.get("usage"))
        return " ".join(str(part) for part in (message.get("id"), message.get("model"), used) if part)
    if name == "content_block_start":
        return f"#{data.get('index')} {_block(as_dict(data.get('content_block')), width)}"
    if name == "content_block_delta":
        return f"#{data.get('index')} {_delta(as_dict(data.get('delta')), width)}"
    if name == "content_block_stop":
        return f"#{data.get('index')}"
    if name == "message_delta":
        delta = as_dict(data.get("delta"))
        pieces = [f"stop_reason → {delta['stop_reason']}"] if delta.get("stop_reason") else []
        if delta.get("stop_sequence"):
            pieces.append(f"stop_sequence {quote(str(delta['stop_sequence']), width)}")
        used = usage_line(data.get("usage"))
        return " ".join([*pieces, used] if used else pieces)
    return None


def _block(block: dict[str, Any], width: int) -> str:
    kind = str(block.get("type") or "?")
    if kind in TOOL_BLOCKS:
        return " ".join(str(part) for part in (kind, block.get("name"), block.get("id")) if part)
    if kind == "text" and block.get("text"):
        return f"text {quote(str(block['text']), width)}"
    if kind.endswith("_tool_result"):
        content = block.get("content")
        found = f"{len(content)} results" if isinstance(content, list) else as_dict(content).get("error_code")
        return " ".join(str(part) for part in (kind, block.get("tool_use_id"), found) if part)
    return kind


def _delta(delta: dict[str, Any], width: int) -> str:
    kind = delta.get("type")
    if kind == "text_delta":
        return quote(str(delta.get("text", "")), width)
    if kind == "input_json_delta":
        return f"input {quote(str(delta.get('partial_json', '')), width)}"
    if kind == "thinking_delta":
        return f"thinking {quote(str(delta.get('thinking', '')), width)}"
    if kind == "signature_delta":
        return f"signature ({len(str(delta.get('signature', '')))} characters)"
    if kind == "citations_delta":
        citation = as_dict(delta.get("citation"))
        return f"citation {citation.get('type', '?')} {quote(str(citation.get('cited_text', '')), width)}"
    return str(kind or "?")


def short_name(name: str) -> str:
    """As sent: the list shows the whole type."""
    return name


def family(name: str, data: Any) -> str:
    if is_failure(name):
        return "error"
    if name.startswith("message_"):
        return "run"  # the message as a whole, as the run is for Assistants
    if not name.startswith("content_block_"):
        return "other"
    data = as_dict(data)
    block = as_dict(data.get("content_block"))
    delta = as_dict(data.get("delta"))
    tool = block.get("type") in TOOL_BLOCKS or str(block.get("type", "")).endswith("_tool_result")
    return "step" if tool or delta.get("type") in _TOOL_DELTAS else "message"


def text_of(name: str, data: dict[str, Any]) -> str | None:
    if name != "content_block_delta":
        return None
    delta = as_dict(data.get("delta"))
    return str(delta["text"]) if delta.get("type") == "text_delta" and isinstance(delta.get("text"), str) else None


def tool_calls(pairs: Sequence[tuple[str, Any]]) -> list[str]:
    calls = ToolCalls()
    message = None
    for name, data in pairs:
        if not names_api(name, data):
            continue
        if name == "message_start":
            message = as_dict(data.get("message")).get("id")
        block = as_dict(data.get("content_block"))
        if name == "content_block_start" and block.get("type") in TOOL_BLOCKS:
            called = block.get("name")
            calls.add((message, data.get("index")), block.get("id"), str(called) if called else str(block["type"]))
    return calls.names()


def status(pairs: Sequence[tuple[str, Any]]) -> str | None:
    """The last stop reason a ``message_delta`` gave."""
    found = None
    for name, data in pairs:
        if name == "message_delta" and names_api(name, data):
            found = as_dict(data.get("delta")).get("stop_reason") or found
    return found


def usage(pairs: Sequence[tuple[str, Any]]) -> dict[str, Any] | None:
    """The last message's usage: ``message_start``'s, with what each later ``message_delta`` reported
    (cumulative counts, so each replaces the one before; a count it leaves out or sends as null stays)."""
    found: dict[str, Any] | None = None
    for name, data in pairs:
        if not names_api(name, data):
            continue
        if name == "message_start":
            found = dict(as_dict(as_dict(data.get("message")).get("usage")))
        elif name == "message_delta" and isinstance(data.get("usage"), dict):
            found = found if found is not None else {}
            found.update({key: value for key, value in data["usage"].items() if value is not None})
    return found
