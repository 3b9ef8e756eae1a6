"""What Assistants events say, from the events alone (no SDK import): ``ssetape inspect``, ``stats``, the TUI.

The stream's objects are named by the event type: ``thread.run.*`` (the run), ``thread.run.step.*``,
``thread.message.*``; ``*.delta`` events carry a ``delta`` of the object's content.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._data import as_dict, as_list
from .._summary import ToolCalls, error_line, is_failure, last_usage, outcome, quote, usage_line

__all__ = ["BOUNDARIES", "family", "short_name", "status", "summary", "text_of", "tool_calls", "usage"]

_STEP = "thread.run.step."
_MESSAGE = "thread.message."
_RUN = "thread.run."


#: Events where a message or a run step starts or ends (the TUI's ``n`` / ``N``).
BOUNDARIES = frozenset(
    {
        "thread.message.created",
        "thread.message.completed",
        "thread.message.incomplete",
        "thread.run.step.created",
        "thread.run.step.completed",
        "thread.run.step.failed",
        "thread.run.step.cancelled",
        "thread.run.step.expired",
    }
)


def summary(name: str, data: dict[str, Any], width: int) -> str | None:
    if name == "thread.created":
        return f"thread {data.get('id', '?')}"
    if name == "thread.message.delta":
        return _message_delta(as_dict(data.get("delta")), width)
    if name == "thread.run.step.delta":
        return _step_delta(as_dict(data.get("delta")), width)
    if name.startswith(_STEP):
        return _step(data, width)
    if name.startswith(_MESSAGE):
        return _message(data, width)
    if name.startswith(_RUN):
        return _run(data, width)
    return None  # another thread.* event: what any event says (its error, its status)


def short_name(name: str) -> str:
    """Without the ``thread.`` every Assistants event starts with."""
    return name.removeprefix("thread.")


def family(name: str, data: Any) -> str:
    if is_failure(name):
        return "error"
    if name.startswith(_STEP):
        return "step"
    if name.startswith(_MESSAGE):
        return "message"
    if name.startswith("thread."):
        return "run"
    return "other"


def text_of(name: str, data: dict[str, Any]) -> str | None:
    if name != "thread.message.delta":
        return None
    parts = [
        part["text"].get("value") or ""
        for part in as_list(as_dict(data.get("delta")).get("content"))
        if part.get("type") == "text" and isinstance(part.get("text"), dict)
    ]
    return "".join(parts) if parts else None


def tool_calls(pairs: Sequence[tuple[str, Any]]) -> list[str]:
    calls = ToolCalls()
    for name, data in pairs:
        if not isinstance(data, dict):
            continue
        if name == "thread.run.step.delta":
            details = as_dict(as_dict(data.get("delta")).get("step_details"))
            for call in as_list(details.get("tool_calls")):
                calls.add((data.get("id"), call.get("index")), call.get("id"), _call_name(call))
        elif name.startswith(_STEP):
            for index, call in enumerate(as_list(as_dict(data.get("step_details")).get("tool_calls"))):
                calls.add((data.get("id"), call.get("index", index)), call.get("id"), _call_name(call))
    return calls.names()


def status(pairs: Sequence[tuple[str, Any]]) -> str | None:
    """The run's status, as its last ``thread.run.*`` event says."""
    found = None
    for name, data in pairs:
        if isinstance(data, dict) and name.startswith(_RUN) and not name.startswith(_STEP):
            found = data.get("status", found)
    return found


def usage(pairs: Sequence[tuple[str, Any]]) -> dict[str, Any] | None:
    """The run's usage, as reported last (a step's own usage is a part of it)."""
    return last_usage(pairs, lambda name, data: None if name.startswith(_STEP) else data.get("usage"))


def _call_name(call: dict[str, Any]) -> str | None:
    if not call.get("type"):
        return None
    if call.get("type") == "function":
        return str(as_dict(call.get("function")).get("name") or "function")
    return str(call.get("type") or "tool call")


# --- summaries ----------------------------------------------------------------------------------------


def _run(run: dict[str, Any], width: int) -> str:
    line = f"status → {run.get('status', '?')}"
    action = as_dict(as_dict(run.get("required_action")).get("submit_tool_outputs"))
    calls = [as_dict(as_dict(call).get("function")).get("name") or "?" for call in as_list(action.get("tool_calls"))]
    if calls:
        line += ": " + ", ".join(calls)
    return line + outcome(run, "last_error", width)


def _step(step: dict[str, Any], width: int) -> str:
    kind = step.get("type") or as_dict(step.get("step_details")).get("type") or "?"
    details = as_dict(step.get("step_details"))
    tools = [_tool_name(call) for call in as_list(details.get("tool_calls"))]
    line = f"step {kind}" + (f" [{', '.join(tools)}]" if tools else "") + f" → {step.get('status', '?')}"
    error = as_dict(step.get("last_error"))
    if error:
        line += ": " + error_line(error, width)
    used = usage_line(step.get("usage"))
    if used:
        line += f" ({used})"
    return line


def _message(message: dict[str, Any], width: int) -> str:
    line = f"message {message.get('role', '?')} → {message.get('status', '?')}"
    incomplete = as_dict(message.get("incomplete_details"))
    if incomplete.get("reason"):
        line += f": {incomplete['reason']}"
    text = "".join(
        as_dict(part.get("text")).get("value") or ""
        for part in as_list(message.get("content"))
        if part.get("type") == "text"
    )
    if text:
        line += f" {quote(text, width)}"
    return line


def _message_delta(delta: dict[str, Any], width: int) -> str:
    pieces = []
    for part in as_list(delta.get("content")):
        kind = part.get("type")
        if kind == "text":
            text = as_dict(part.get("text"))
            if text.get("value") or not text.get("annotations"):
                pieces.append(quote(text.get("value") or "", width))
            for annotation in as_list(text.get("annotations")):
                pieces.append(f"+ {annotation.get('type', 'annotation')} {annotation.get('text', '')}".rstrip())
        elif kind == "image_file":
            pieces.append(f"image_file {as_dict(part.get('image_file')).get('file_id', '?')}")
        elif kind == "image_url":
            pieces.append(f"image_url {as_dict(part.get('image_url')).get('url', '?')}")
        elif kind == "refusal":
            pieces.append(f"refusal {quote(part.get('refusal') or '', width)}")
        elif kind:
            pieces.append(str(kind))
    return " ".join(pieces)


def _step_delta(delta: dict[str, Any], width: int) -> str:
    details = as_dict(delta.get("step_details"))
    if details.get("type") == "message_creation":
        return f"message_creation {as_dict(details.get('message_creation')).get('message_id', '')}".rstrip()
    return " · ".join(_tool_call_delta(call, width) for call in as_list(details.get("tool_calls")))


def _tool_call_delta(call: dict[str, Any], width: int) -> str:
    kind = call.get("type") or "tool call"
    index = call.get("index")
    label = f"{kind} #{index + 1}" if isinstance(index, int) and index > 0 else str(kind)
    pieces: list[str] = []
    if kind == "code_interpreter":
        ci = as_dict(call.get("code_interpreter"))
        if ci.get("input"):
            pieces.append(f"input {quote(ci['input'], width)}")
        for output in as_list(ci.get("outputs")):
            if output.get("type") == "logs":
                pieces.append(f"logs {quote(output.get('logs') or '', width)}")
            elif output.get("type") == "image":
                pieces.append(f"image {as_dict(output.get('image')).get('file_id', '?')}")
    elif kind == "function":
        function = as_dict(call.get("function"))
        if function.get("name"):
            pieces.append(str(function["name"]))
        if function.get("arguments"):
            pieces.append(f"arguments {quote(function['arguments'], width)}")
        if function.get("output"):
            pieces.append(f"output {quote(function['output'], width)}")
    elif kind == "file_search":
        results = as_list(as_dict(call.get("file_search")).get("results"))
        if results:
            pieces.append(f"{len(results)} results")
    if not pieces and call.get("id"):
        pieces.append(str(call["id"]))
    return " ".join([label, *pieces])


def _tool_name(call: Any) -> str:
    call = as_dict(call)
    kind = call.get("type") or "?"
    name = as_dict(call.get("function")).get("name") if kind == "function" else None
    return str(name or kind)
