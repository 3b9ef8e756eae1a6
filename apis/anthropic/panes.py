"""The TUI's panes for an Anthropic Messages stream: the events ``MessageStream`` yields, the content blocks,
the tool calls and their results, the message as a whole (a :class:`~ssetape.apis.contract.Panes`).

``moment.state`` is a :class:`~ssetape.apis.anthropic.accumulator.MessageState`; its
``current_message_snapshot`` (the SDK's ``ParsedMessage``, rebuilt on every access) is read once per
state (:func:`_snapshot`), for all the panes.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from ssetape.replayer import Moment, StreamEvent, Timeline
from ssetape.tui import HIGHLIGHT, STATUS_STYLE, arguments, event_call, fired, window

from .events import TOOL_BLOCKS

__all__ = ["TITLES", "added", "callbacks", "content", "facts", "items", "outcome"]

TITLES = {"callbacks": "stream events", "content": "content", "items": "tool calls", "outcome": "message"}

#: A stop_reason, styled as the run status it resembles.
_REASONS = {
    "end_turn": "completed",
    "stop_sequence": "completed",
    "tool_use": "requires_action",
    "pause_turn": "requires_action",
    "max_tokens": "incomplete",
    "refusal": "failed",
}
_NONE = "no message_start yet: the SDK has no snapshot"


def facts(timeline: Timeline) -> list[str]:
    """The final stop reason and the model."""
    message = timeline.state(-1).current_message_snapshot if len(timeline) else None
    if message is None:
        return []
    return [f"stop_reason {message.stop_reason or 'none'}", str(message.model)]


def added(event: StreamEvent) -> tuple[int | None, str, int]:
    """``(block index, field, characters)`` the event appends: text, thinking or tool input."""
    data = event.data
    data = data if isinstance(data, dict) else {}
    delta = data.get("delta") if isinstance(data.get("delta"), dict) else {}
    index = data.get("index") if isinstance(data.get("index"), int) else None
    for kind, name in (("text_delta", "text"), ("thinking_delta", "thinking"), ("input_json_delta", "partial_json")):
        if delta.get("type") == kind and isinstance(delta.get(name), str):  # type: ignore[union-attr]
            return index, name, len(delta[name])  # type: ignore[index]
    return index, "", 0


#: The state whose snapshot was read last, and that snapshot.
_last: tuple[Any, Any] = (None, None)


def _snapshot(state: Any) -> Any:
    """``state.current_message_snapshot``, built once for the panes of one event (each reads it: building
    it three times took a step at the end of a 50k-event stream 1.7 ms more). The panes only read it."""
    global _last
    if _last[0] is not state:
        _last = (state, state.current_message_snapshot)
    return _last[1]


def callbacks(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """The events the SDK's ``MessageStream`` yields for the event."""
    lines = fired(timeline, moment, event_call, "no stream event (a ping, or skipped)")
    return f"stream events · {len(moment.callbacks)} yielded", "", lines


def content(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """Every text and thinking block so far, with its citations; what the event added highlighted."""
    state: Any = moment.state
    message = _snapshot(state)
    if message is None:
        return "content", "", Text(_NONE, style="dim")
    index, field, chars = added(moment.event)
    parts: list[RenderableType] = []
    size = 0
    for position, block in enumerate(message.content):
        new = chars if position == index or (index is not None and index < 0) else 0
        if block.type == "text":
            size += len(block.text)
            parts.append(Text(f"#{position} text", style="bold"))
            parts.extend(window(block.text, new if field == "text" else 0))
            for citation in block.citations or []:
                where = getattr(citation, "url", None) or getattr(citation, "document_title", None) or citation.type
                parts.append(Text(f"  ↳ {where}: {getattr(citation, 'cited_text', '')!r}", style="cyan"))
        elif block.type == "thinking":
            parts.append(Text(f"#{position} thinking · signature {len(block.signature or '')} chars", style="bold"))
            parts.extend(window(block.thinking, new if field == "thinking" else 0))
        elif block.type == "redacted_thinking":
            parts.append(Text(f"#{position} redacted_thinking ({len(block.data)} chars)", style="dim"))
    if not parts:
        parts.append(Text("no text yet", style="dim"))
    return f"content · {message.role} · {message.stop_reason or 'streaming'}", f"{size:,} characters", Group(*parts)


def items(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """Tool calls (their input: as sent while it streams, then as JSON) and tool results."""
    state: Any = moment.state
    message = _snapshot(state)
    if message is None:
        return "tool calls", "", Text(_NONE, style="dim")
    index, field, chars = added(moment.event)
    parts: list[RenderableType] = []
    count = 0
    for position, block in enumerate(message.content):
        if block.type in TOOL_BLOCKS:
            count += 1
            touched = position == index and field == "partial_json"
            parts.append(Text(("▶ " if touched else "  ") + f"#{position} {block.type} {block.id}", style="bold"))
            parts.append(Text(f"{block.name}(", style="bold cyan"))
            written = state.input_json(position) or "{}"
            parts.append(arguments(written, chars if touched else 0))
            parts.append(Text(")", style="bold cyan"))
        elif block.type.endswith("_tool_result"):
            parts.append(Text(f"  #{position} {block.type} for {block.tool_use_id}", style="bold"))
            results = block.content if isinstance(block.content, list) else []
            for result in results:
                parts.append(Text(f"    {getattr(result, 'title', '')} {getattr(result, 'url', '')}".rstrip()))
            if not isinstance(block.content, list):
                parts.append(Text(f"    {getattr(block.content, 'error_code', block.content)}", style="red"))
    if not parts:
        parts.append(Text("no tool calls", style="dim"))
    return f"tool calls · {count}", "", Group(*parts)


def outcome(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """The message: stop reason, model, usage, and the error the stream stopped on."""
    state: Any = moment.state
    message = _snapshot(state)
    lines: list[RenderableType] = []
    if message is None:
        lines.append(Text(_NONE, style="dim"))
        title = "message"
    else:
        data = moment.event.data
        data = data if isinstance(data, dict) else {}
        delta = data.get("delta") if isinstance(data.get("delta"), dict) else {}
        reason = str(message.stop_reason) if message.stop_reason else "none yet"
        line = Text("stop_reason ")
        style = STATUS_STYLE.get(_REASONS.get(reason, ""), "bold")
        line.append(reason, style=f"{style} {HIGHLIGHT}" if (delta or {}).get("stop_reason") else style)
        if message.stop_sequence:
            line.append(f"  stop_sequence {message.stop_sequence!r}")
        line.append(f"  model {message.model}", style="dim")
        lines.append(line)
        usage = message.usage
        used = f"usage {usage.input_tokens} in + {usage.output_tokens} out"
        if usage.cache_creation_input_tokens or usage.cache_read_input_tokens:
            used += (
                f" (cache: {usage.cache_creation_input_tokens or 0} written, {usage.cache_read_input_tokens or 0} read)"
            )
        if usage.server_tool_use is not None:
            used += f", {usage.server_tool_use.web_search_requests} web searches"
        reports = data.get("usage") or (data.get("message") or {}).get("usage")  # message_delta, message_start
        lines.append(Text(used, style=HIGHLIGHT if reports else ""))
        title = f"message {message.id}"
    stop = state.stop
    if stop is not None and stop.exception is not None:
        lines.append(Text(f"stream stopped: {type(stop.exception).__name__}: {stop.exception}", style="bold red"))
    return title, "", Group(*lines)
