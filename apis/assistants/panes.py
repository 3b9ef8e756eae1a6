"""The TUI's panes for an Assistants stream: the handler's callbacks, the current message, the current
run step, the run (a :class:`~ssetape.apis.contract.Panes`).

``moment.state`` is the accumulator's :class:`~ssetape.apis.assistants.accumulator.State`: the
``current_*`` snapshots an ``AssistantEventHandler`` reads.
"""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from openai.lib.streaming import AssistantEventHandler
from rich.console import Group, RenderableType
from rich.syntax import Syntax
from rich.text import Text

from ssetape.replayer import Moment, StreamEvent, Timeline
from ssetape.tui import HIGHLIGHT, STATUS_STYLE, arguments, fired, tail, value, window_start

__all__ = [
    "TITLES",
    "CallAdded",
    "callbacks",
    "content",
    "facts",
    "items",
    "message_additions",
    "outcome",
    "step_additions",
]

TITLES = {"callbacks": "callbacks", "content": "message", "items": "run step", "outcome": "run"}


@cache
def parameter_names(callback: str) -> tuple[str, ...]:
    """The handler method's parameter names, read from the SDK's ``AssistantEventHandler``."""
    method = getattr(AssistantEventHandler, callback, None)
    if method is None:
        return ()
    return tuple(name for name in inspect.signature(method).parameters if name != "self")


def call(callback: Any, width: int = 40) -> str:
    """``name(param=value, ...)`` for one callback; strings are cut to about ``width`` characters."""
    names = parameter_names(callback.name)
    parts = []
    for position, arg in enumerate(callback.args):
        name = names[position] if position < len(names) else None
        # a snapshot grows at its end: show the end, and only its outline (the panes show it whole)
        snapshot = name == "snapshot"
        text = value(arg, width, tail=snapshot, depth=1 if snapshot else 0)
        parts.append(f"{name}={text}" if name else text)
    return f"{callback.name}({', '.join(parts)})"


def facts(timeline: Timeline) -> list[str]:
    """The header's word on the stream: the run's last status."""
    final: Any = timeline.state(len(timeline.events) - 1) if timeline.events else None
    if final is not None and final.current_run is not None:
        return [str(final.current_run.status)]
    return []


# -- callbacks ----------------------------------------------------------------------------------------------


def callbacks(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """``on_text_delta(delta='lo', snapshot='Hello')``: the handler's callbacks, in the order fired."""
    lines = fired(timeline, moment, call, "no callback")
    return f"callbacks · {len(moment.callbacks)} fired", "", lines


# -- the message ----------------------------------------------------------------------------------------------


def message_additions(event: StreamEvent, message_id: str) -> dict[int, tuple[int, set[int], bool]]:
    """What a message delta adds to message ``message_id``, per content index:
    ``(characters of text appended, annotation indexes added, whether the block is an image)``."""
    data = event.data
    if event.name != "thread.message.delta" or not isinstance(data, dict) or data.get("id") != message_id:
        return {}
    added: dict[int, tuple[int, set[int], bool]] = {}
    delta = data.get("delta") if isinstance(data.get("delta"), dict) else {}
    for part in (delta or {}).get("content") or []:
        if not isinstance(part, dict) or not isinstance(part.get("index"), int):
            continue
        text = part.get("text") if isinstance(part.get("text"), dict) else {}
        chars, notes, image = added.get(part["index"], (0, set(), False))
        chars += len((text or {}).get("value") or "")
        notes |= {a["index"] for a in (text or {}).get("annotations") or [] if isinstance(a, dict) and "index" in a}
        image = image or part.get("type") in ("image_file", "image_url")
        added[part["index"]] = (chars, notes, image)
    return added


def content(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """``current_message_snapshot`` after the event; the part this event added in reverse video."""
    state: Any = moment.state
    message = state.current_message_snapshot
    if message is None:
        return "message", "", Text("no message yet: current_message_snapshot is None", style="dim")
    added = message_additions(moment.event, message.id)
    parts: list[RenderableType] = []
    for index, block in enumerate(message.content):
        parts.append(_block(block, added.get(index)))
    if not parts:
        parts.append(Text("no content yet", style="dim"))
    size = sum(len(block.text.value) for block in message.content if block.type == "text")
    title = f"message {message.id} · {message.role} · {message.status}"
    return title, f"{size:,} characters", Group(*parts)


def _block(block: Any, added: tuple[int, set[int], bool] | None) -> RenderableType:
    highlight = HIGHLIGHT
    chars, notes, image = added or (0, set(), False)
    if block.type in ("image_file", "image_url"):
        target = block.image_file.file_id if block.type == "image_file" else block.image_url.url
        return Text(f"[{block.type} {target}]", style="bold magenta" + (f" {highlight}" if image else ""))
    if block.type == "refusal":
        return Text(f"refusal: {block.refusal}", style="bold red")
    if block.type != "text":
        return Text(f"[{block.type}]", style="dim")
    value: str = block.text.value
    start = window_start(value)
    text = Text(value[start:])
    for note in block.text.annotations:
        begin, end = getattr(note, "start_index", None), getattr(note, "end_index", None)
        if isinstance(begin, int) and isinstance(end, int) and end > start:
            text.stylize("underline cyan", max(begin - start, 0), end - start)
    if chars:
        text.stylize(highlight, max(len(value) - chars - start, 0), len(value) - start)
    out: list[RenderableType] = []
    if start:
        out.append(Text(f"… {start:,} earlier characters not shown", style="dim italic"))
    out.append(text)
    for number, note in enumerate(block.text.annotations):
        line = Text(f"[{number}] {note.type} {note.text!r} {_target(note)}", style="cyan")
        if number in notes:
            line.stylize(highlight)
        out.append(line)
    return Group(*out)


def _target(note: Any) -> str:
    if getattr(note, "file_citation", None) is not None:
        return f"→ {note.file_citation.file_id}"
    if getattr(note, "file_path", None) is not None:
        return f"→ {note.file_path.file_id}"
    return ""


# -- the run step ---------------------------------------------------------------------------------------------


@dataclass
class CallAdded:
    """What one step delta adds to one tool call: characters appended to each field."""

    input: int = 0
    arguments: int = 0
    outputs: dict[int, int] = field(default_factory=dict)  # output index -> characters of logs
    new_outputs: set[int] = field(default_factory=set)


def step_additions(event: StreamEvent, step_id: str) -> dict[int, CallAdded]:
    """Tool call index -> what the step delta ``event`` adds to it (empty for any other event)."""
    data = event.data
    if event.name != "thread.run.step.delta" or not isinstance(data, dict) or data.get("id") != step_id:
        return {}
    details = (data.get("delta") or {}).get("step_details") or {}
    added: dict[int, CallAdded] = {}
    for call in details.get("tool_calls") or []:
        if not isinstance(call, dict) or not isinstance(call.get("index"), int):
            continue
        entry = added.setdefault(call["index"], CallAdded())
        code = call.get("code_interpreter") or {}
        entry.input += len(code.get("input") or "")
        for output in code.get("outputs") or []:
            if isinstance(output, dict) and isinstance(output.get("index"), int):
                entry.outputs[output["index"]] = entry.outputs.get(output["index"], 0) + len(output.get("logs") or "")
                entry.new_outputs.add(output["index"])
        entry.arguments += len((call.get("function") or {}).get("arguments") or "")
    return added


def items(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """``current_run_step_snapshot`` after the event: its tool calls (code with syntax highlighting, logs,
    images, function name and arguments, file search results), what the event added highlighted."""
    state: Any = moment.state
    event = moment.event
    note = ""
    try:
        step = state.current_run_step_snapshot
    except KeyError as exc:  # the SDK's accessor raises too: an in_progress step it never saw created
        return "run step", "", Text(f"current_run_step_snapshot raises KeyError({exc})", style="red")
    if step is None and event.name.startswith("thread.run.step.") and isinstance(event.data, dict):
        # a step that just ended is no longer current: show it from run_step_snapshots
        step = state.run_step_snapshots.get(event.data.get("id"))
        note = "current_run_step_snapshot is None; from run_step_snapshots"
    if step is None:
        return "run step", "", Text("no current run step: current_run_step_snapshot is None", style="dim")
    title = f"step {step.id} · {step.type} · {step.status}"
    parts: list[RenderableType] = []
    details: Any = step.step_details
    if details.type == "message_creation":
        parts.append(Text(f"message_creation → {details.message_creation.message_id}"))
    else:
        added = step_additions(event, step.id)
        for position, call in enumerate(details.tool_calls or []):
            index = getattr(call, "index", None)
            parts.append(_call(call, added.get(index if isinstance(index, int) else position)))
    error = getattr(step, "last_error", None)
    if error is not None:
        parts.append(Text(f"last_error: {error.code}: {error.message}", style="bold red"))
    usage = getattr(step, "usage", None)
    if usage is not None:
        parts.append(Text(f"usage: {usage.prompt_tokens} in + {usage.completion_tokens} out", style="dim"))
    return title, note, Group(*parts) if parts else Text("no tool calls yet", style="dim")


def _call(call: Any, added: CallAdded | None) -> RenderableType:
    touched = added is not None
    header = Text(("▶ " if touched else "  ") + f"{call.type} {call.id or ''}".rstrip(), style="bold")
    added = added or CallAdded()
    out: list[RenderableType] = [header]
    if call.type == "code_interpreter":
        code = call.code_interpreter
        if code.input:
            out.append(_code(code.input, added.input))
        for number, output in enumerate(code.outputs or []):
            position = getattr(output, "index", number)
            if output.type == "logs":
                out.append(Text("logs:", style="dim"))
                out.append(tail(output.logs or "", added.outputs.get(position, 0)))
            elif output.type == "image":
                style = "magenta" + (f" {HIGHLIGHT}" if position in added.new_outputs else "")
                out.append(Text(f"image {output.image.file_id}", style=style))
    elif call.type == "function":
        function = call.function
        out.append(Text(f"{function.name or '?'}(", style="bold cyan"))
        out.append(arguments(function.arguments or "", added.arguments))
        out.append(Text(")", style="bold cyan"))
        if function.output is not None:
            out.append(Text(f"output: {function.output}", style="dim"))
    elif call.type == "file_search":
        results = getattr(call.file_search, "results", None) or []
        out.append(Text(f"{len(results)} results" if results else "no results yet", style="dim"))
        for result in results:
            out.append(Text(f"  {result.score:.3f} {result.file_name} ({result.file_id})"))
    return Group(*out)


def _code(source: str, chars: int) -> Syntax:
    syntax = Syntax(source, "python", theme="ansi_dark", word_wrap=True, background_color="default")
    if chars:
        start = len(source) - chars
        line = source.count("\n", 0, start) + 1
        column = start - (source.rfind("\n", 0, start) + 1)
        end_line = source.count("\n") + 1
        end_column = len(source) - (source.rfind("\n") + 1)
        syntax.stylize_range(HIGHLIGHT, (line, column), (end_line, end_column))
    return syntax


# -- the run ----------------------------------------------------------------------------------------------------


def outcome(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """``current_run`` after the event: status, usage, the action it requires, its error."""
    state: Any = moment.state
    run = state.current_run
    if run is None:
        return "run", "", Text("no run event yet: current_run is None", style="dim")
    lines: list[RenderableType] = []
    status = Text("status ")
    status.append(str(run.status), style=STATUS_STYLE.get(str(run.status), "bold"))
    if getattr(run, "model", None):
        status.append(f"  model {run.model}", style="dim")
    lines.append(status)
    usage = getattr(run, "usage", None)
    if usage is not None:
        lines.append(
            Text(f"usage {usage.prompt_tokens} in + {usage.completion_tokens} out = {usage.total_tokens} tokens")
        )
    action = getattr(run, "required_action", None)
    if action is not None and getattr(action, "submit_tool_outputs", None) is not None:
        lines.append(Text(f"required_action {action.type}", style="bold yellow"))
        for call in action.submit_tool_outputs.tool_calls:
            line = Text("  ")
            line.append(call.function.name, style="bold cyan")
            line.append(_compact(call.function.arguments))
            line.append(f"  {call.id}", style="dim")
            lines.append(line)
    error = getattr(run, "last_error", None)
    if error is not None:
        lines.append(Text(f"last_error {error.code}: {error.message}", style="bold red"))
    incomplete = getattr(run, "incomplete_details", None)
    if incomplete is not None and getattr(incomplete, "reason", None):
        lines.append(Text(f"incomplete_details {incomplete.reason}", style="yellow"))
    return f"run {getattr(run, 'id', '?')}", "", Group(*lines)


def _compact(arguments: str) -> str:
    """Function arguments as ``(key=value, ...)`` when they are a JSON object, else as sent."""
    try:
        parsed = json.loads(arguments)
    except ValueError:
        return f"({arguments})"
    if not isinstance(parsed, dict):
        return f"({arguments})"
    return "(" + ", ".join(f"{key}={value!r}" for key, value in parsed.items()) + ")"
