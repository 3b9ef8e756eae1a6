"""The TUI's panes for a Chat Completions stream: the events the SDK's stream yields, the assistant's
text, the tool calls, the completion (a :class:`~ssetape.apis.contract.Panes`).

``moment.state`` is a :class:`~ssetape.apis.chat.accumulator.ChatState`: ``current_snapshot`` is the SDK's
``ParsedChatCompletion`` so far.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from ssetape.replayer import Moment, StreamEvent, Timeline
from ssetape.tui import HIGHLIGHT, STATUS_STYLE, Added, arguments, event_call, fired, window

__all__ = ["TITLES", "added", "callbacks", "content", "facts", "items", "outcome"]

TITLES = {"callbacks": "stream events", "content": "message", "items": "tool calls", "outcome": "completion"}

#: A finish_reason, styled as the run status it resembles.
_REASONS = {"stop": "completed", "tool_calls": "requires_action", "length": "incomplete", "content_filter": "failed"}


def facts(timeline: Timeline) -> list[str]:
    """Nothing beyond what the header says of every stream."""
    return []


def added(event: StreamEvent) -> Added:
    """What the chunk ``event`` adds to the snapshot: text per choice, arguments per tool call."""
    out = Added()
    data = event.data
    if not isinstance(data, dict):
        return out
    for choice in data.get("choices") or []:
        if not isinstance(choice, dict) or not isinstance(choice.get("index"), int):
            continue
        number = choice["index"]
        out.touched.add(number)
        delta = choice.get("delta") if isinstance(choice.get("delta"), dict) else {}
        for field_name in ("content", "refusal"):
            if (delta or {}).get(field_name):
                out.chars[(number, field_name, 0)] = len(delta[field_name])  # type: ignore[index]
        for call in (delta or {}).get("tool_calls") or []:
            if isinstance(call, dict) and isinstance(call.get("index"), int):
                arguments = (call.get("function") or {}).get("arguments") or ""
                out.calls.add((number, call["index"]))
                key = (number, "arguments", call["index"])
                out.chars[key] = out.chars.get(key, 0) + len(arguments)
    return out


def callbacks(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """The events the SDK's ``ChatCompletionStream`` yields for the chunk."""
    lines = fired(timeline, moment, event_call, "no stream event")
    return f"stream events · {len(moment.callbacks)} yielded", "", lines


def content(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """Every choice's text (and refusal) so far, what the chunk added highlighted."""
    state: Any = moment.state
    completion = state.shared_snapshot
    if completion is None:
        return "message", "", Text("no chunk yet: current_snapshot is None", style="dim")
    add = added(moment.event)
    parts: list[RenderableType] = []
    size = 0
    for choice in completion.choices:
        message = choice.message
        if len(completion.choices) > 1:
            parts.append(Text(f"choice {choice.index} · {choice.finish_reason or 'streaming'}", style="bold"))
        if message.content:
            size += len(message.content)
            parts.extend(window(message.content, add.at(choice.index, "content")))
        if message.refusal:
            parts.extend(window(message.refusal, add.at(choice.index, "refusal"), "refusal: "))
    if not any(choice.message.content or choice.message.refusal for choice in completion.choices):
        parts.append(Text("no content yet", style="dim"))
    title = "message"
    if len(completion.choices) == 1:
        choice = completion.choices[0]
        title = f"message · {choice.message.role} · {choice.finish_reason or 'streaming'}"
    return title, f"{size:,} characters", Group(*parts)


def items(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """Every choice's tool calls so far, and its finish reason."""
    state: Any = moment.state
    completion = state.shared_snapshot
    if completion is None:
        return "tool calls", "", Text("no chunk yet: current_snapshot is None", style="dim")
    add = added(moment.event)
    parts: list[RenderableType] = []
    count = 0
    for choice in completion.choices:
        header = Text(f"choice {choice.index} · finish_reason ", style="bold")
        header.append(str(choice.finish_reason or "none yet"), style="green" if choice.finish_reason else "dim")
        parts.append(header)
        calls = choice.message.tool_calls or []
        count += len(calls)
        for position, call in enumerate(calls):
            index = getattr(call, "index", position)
            touched = (choice.index, index) in add.calls
            parts.append(Text(("▶ " if touched else "  ") + f"{call.type} {call.id or ''}".rstrip(), style="bold"))
            parts.append(Text(f"{call.function.name or '?'}(", style="bold cyan"))
            parts.append(arguments(call.function.arguments or "", add.at(choice.index, "arguments", index)))
            parts.append(Text(")", style="bold cyan"))
        if not calls:
            parts.append(Text("  no tool calls", style="dim"))
    return f"tool calls · {count}", "", Group(*parts)


def outcome(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """The completion as a whole: how each choice finished, the model, the usage."""
    state: Any = moment.state
    completion = state.shared_snapshot
    if completion is None:
        return "completion", "", Text("no chunk yet: current_snapshot is None", style="dim")
    data = moment.event.data if isinstance(moment.event.data, dict) else {}
    finishing = {c.get("index") for c in data.get("choices") or [] if isinstance(c, dict) and c.get("finish_reason")}
    line = Text("finish_reason ")
    for number, choice in enumerate(completion.choices):
        reason = str(choice.finish_reason) if choice.finish_reason else "none yet"
        line.append(", " if number else "")
        style = STATUS_STYLE.get(_REASONS.get(reason, ""), "bold")
        line.append(reason, style=f"{style} {HIGHLIGHT}" if choice.index in finishing else style)  # set by this chunk
    line.append(f"  model {completion.model}", style="dim")
    lines: list[RenderableType] = [line]
    usage = completion.usage
    if usage is not None:
        used = f"usage {usage.prompt_tokens} in + {usage.completion_tokens} out = {usage.total_tokens} tokens"
        lines.append(Text(used, style=HIGHLIGHT if data.get("usage") else ""))
    return f"completion {completion.id}", "", Group(*lines)
