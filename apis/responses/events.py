"""What Responses events say, from the events alone (no SDK import): ``ssetape inspect``, ``stats``, the TUI.

Every event is named ``response.*`` (its JSON ``type`` too); lifecycle events (``response.created`` ...
``response.completed``) carry the whole ``response``, item events an ``item``, deltas a string ``delta``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._data import as_dict
from .._summary import ToolCalls, is_failure, last_usage, outcome, quote

__all__ = ["BOUNDARIES", "family", "short_name", "status", "summary", "text_of", "tool_calls", "usage"]

_PREFIX = "response."


#: Events where an output item starts or ends (the TUI's ``n`` / ``N``).
BOUNDARIES = frozenset({"response.output_item.added", "response.output_item.done"})


def summary(name: str, data: dict[str, Any], width: int) -> str | None:
    if not name.startswith(_PREFIX):
        return None  # named otherwise (only its type says response.*): what any event says
    if isinstance(data.get("response"), dict):
        response = data["response"]
        return f"status → {response.get('status', '?')}" + outcome(response, "error", width)
    if name.endswith(".delta") and isinstance(data.get("delta"), str):
        prefix = "" if name == "response.output_text.delta" else short_name(name).split(".")[0] + " "
        return prefix + quote(data["delta"], width)
    if name == "response.output_text.done":
        return quote(str(data.get("text") or ""), width)
    if isinstance(data.get("item"), dict):
        item = data["item"]
        line = f"item {item.get('type', '?')}"
        if item.get("name"):
            line += f" {item['name']}"
        return line + (f" → {item['status']}" if item.get("status") else "")
    if isinstance(data.get("annotation"), dict):
        annotation = data["annotation"]
        return f"+ {annotation.get('type', 'annotation')} {annotation.get('filename') or annotation.get('url') or ''}"
    return ""


#: How the list abbreviates the families of event types (the part after ``response.``).
_SHORT = {
    "output_text": "text",
    "output_item": "item",
    "content_part": "part",
    "function_call_arguments": "args",
    "reasoning_summary_text": "summary",
    "reasoning_summary_part": "summary_part",
    "reasoning_text": "reasoning",
    "file_search_call": "file_search",
    "web_search_call": "web_search",
    "code_interpreter_call": "code",
    "code_interpreter_call_code": "code",
    "image_generation_call": "image",
    "mcp_call_arguments": "mcp_args",
    "mcp_call": "mcp",
    "mcp_list_tools": "mcp_tools",
    "custom_tool_call_input": "tool_input",
}


def short_name(name: str) -> str:
    """Without ``response.``, its family abbreviated: ``text.delta`` for ``response.output_text.delta``,
    ``args.delta`` for ``response.function_call_arguments.delta``."""
    if not name.startswith(_PREFIX):
        return name
    family_name, dot, rest = name.removeprefix(_PREFIX).partition(".")
    return _SHORT.get(family_name, family_name) + dot + rest


def family(name: str, data: Any) -> str:
    if is_failure(name):
        return "error"
    if not name.startswith(_PREFIX):
        return "other"
    if name.startswith(("response.output_text.", "response.content_part.", "response.refusal.")):
        return "message"
    if name.startswith("response.output_item.") or "_call" in name:
        return "step"
    return "run"


def text_of(name: str, data: dict[str, Any]) -> str | None:
    return str(data.get("delta") or "") if name == "response.output_text.delta" else None


def tool_calls(pairs: Sequence[tuple[str, Any]]) -> list[str]:
    calls = ToolCalls()
    for name, data in pairs:
        if name == "response.output_item.added" and isinstance(data, dict):
            item = as_dict(data.get("item"))
            kind = str(item.get("type") or "")
            if kind.endswith("_call"):
                calls.add(("response", item.get("id")), None, str(item.get("name") or kind.removesuffix("_call")))
    return calls.names()


def status(pairs: Sequence[tuple[str, Any]]) -> str | None:
    """The response's status, as its last lifecycle event says."""
    found = None
    for name, data in pairs:
        if name.startswith(_PREFIX) and isinstance(data, dict) and isinstance(data.get("response"), dict):
            found = data["response"].get("status", found)
    return found


def usage(pairs: Sequence[tuple[str, Any]]) -> dict[str, Any] | None:
    """The response's usage, as its last lifecycle event reports it."""
    return last_usage(pairs, _reported)


def _reported(name: str, data: dict[str, Any]) -> Any:
    found = data.get("usage")
    if found is None and isinstance(data.get("response"), dict):
        found = data["response"].get("usage")
    return found
