"""The TUI's panes for an Assistants stream: the handler's callbacks, the current message, the current
run step, the run (a :class:`~ssetape.apis.contract.Panes`).

``moment.state`` is the accumulator's :class:`~ssetape.apis.assistants.accumulator.State`: the
``current_*`` snapshots an ``AssistantEventHandler`` reads.
"""

from __future__ import annotations

import inspect
import json
import weakref
from dataclasses import dataclass, field
from functools import cache, lru_cache
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
    "run_changes",
    "step_changes",
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
    """What one event changed of one tool call: whether the call is new, characters appended to each field."""

    input: int = 0
    arguments: int = 0
    outputs: dict[int, int] = field(default_factory=dict)  # output index -> characters of logs
    new_outputs: set[int] = field(default_factory=set)
    new: bool = False
    output: bool = False  # a function call's output was set


#: Per timeline: the states after the last two events drawn, so that stepping does not replay the stream
#: to find the state before the event (``Timeline.state`` would start again from a checkpoint).
_SEEN: weakref.WeakKeyDictionary[Timeline, dict[int, Any]] = weakref.WeakKeyDictionary()


def before(timeline: Timeline, moment: Moment) -> Any:
    """The timeline's state before ``moment``'s event (``None`` before the first)."""
    if moment.index == 0:
        return None
    seen = _SEEN.setdefault(timeline, {})
    state = seen.get(moment.index - 1)
    if state is None:
        state = timeline.state(moment.index - 1)
    seen.clear()
    seen[moment.index - 1], seen[moment.index] = state, moment.state
    return state


def _grown(old: str | None, new: str | None) -> int:
    """Characters appended to ``old`` to make ``new`` (all of ``new`` when it is not an extension)."""
    old, new = old or "", new or ""
    if new == old:
        return 0
    return len(new) - len(old) if new.startswith(old) else len(new)


def _call_index(call: Any, position: int) -> int:
    index = getattr(call, "index", None)
    return index if isinstance(index, int) else position


def step_changes(old: Any, step: Any) -> dict[int, CallAdded]:
    """Tool call index -> what changed of it from run step ``old`` (``None``: the step is new) to ``step``."""
    details: Any = step.step_details
    if details.type != "tool_calls":
        return {}
    old_details: Any = getattr(old, "step_details", None)
    old_calls = {
        _call_index(call, position): call
        for position, call in enumerate(getattr(old_details, "tool_calls", None) or [])
    }
    changes: dict[int, CallAdded] = {}
    for position, call in enumerate(details.tool_calls or []):
        index = _call_index(call, position)
        previous = old_calls.get(index)
        entry = CallAdded(new=previous is None)
        if call.type == "code_interpreter":
            code, was = call.code_interpreter, getattr(previous, "code_interpreter", None)
            entry.input = _grown(getattr(was, "input", None), code.input)
            outputs_before = {
                getattr(output, "index", number): output
                for number, output in enumerate(getattr(was, "outputs", None) or [])
            }
            for number, output in enumerate(code.outputs or []):
                at = getattr(output, "index", number)
                prior = outputs_before.get(at)
                if prior is None:
                    entry.new_outputs.add(at)
                if output.type == "logs":
                    chars = _grown(getattr(prior, "logs", None), output.logs)
                    if chars:
                        entry.outputs[at] = chars
        elif call.type == "function":
            function, was = call.function, getattr(previous, "function", None)
            entry.arguments = _grown(getattr(was, "arguments", None), function.arguments)
            entry.output = function.output is not None and function.output != getattr(was, "output", None)
        if entry != CallAdded() or call != previous:
            changes[index] = entry
    return changes


def _changed(old: Any, new: Any, name: str) -> bool:
    """Whether field ``name`` differs between ``old`` (``None``: nothing before) and ``new``."""
    value = getattr(new, name, None)
    return value is not None and (old is None or getattr(old, name, None) != value)


def _mark(style: str, changed: bool) -> str:
    return f"{style} {HIGHLIGHT}".strip() if changed else style


def items(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """``current_run_step_snapshot`` after the event: its status, its tool calls (code with syntax
    highlighting, logs, images, function name and arguments, file search results); what the event changed
    of the step (from the state before it) highlighted."""
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
    prior = before(timeline, moment)
    old = prior.run_step_snapshots.get(step.id) if prior is not None else None
    title = f"step {step.id} · {step.type} · {step.status}"
    status = Text("status ")
    status.append(
        str(step.status), style=_mark(STATUS_STYLE.get(str(step.status), "bold"), _changed(old, step, "status"))
    )
    parts: list[RenderableType] = [status]
    details: Any = step.step_details
    if details.type == "message_creation":
        line = Text(f"message_creation → {details.message_creation.message_id}")
        if old is None:
            line.stylize(HIGHLIGHT)
        parts.append(line)
    else:
        changes = step_changes(old, step)
        for position, call in enumerate(details.tool_calls or []):
            parts.append(_call(call, changes.get(_call_index(call, position))))
        if not details.tool_calls:
            parts.append(Text("no tool calls yet", style="dim"))
    error = getattr(step, "last_error", None)
    if error is not None:
        line = Text(
            f"last_error: {error.code}: {error.message}", style=_mark("bold red", _changed(old, step, "last_error"))
        )
        parts.append(line)
    usage = getattr(step, "usage", None)
    if usage is not None:
        used = f"usage: {usage.prompt_tokens} in + {usage.completion_tokens} out"
        parts.append(Text(used, style=_mark("dim", _changed(old, step, "usage"))))
    return title, note, Group(*parts)


def _call(call: Any, added: CallAdded | None) -> RenderableType:
    touched = added is not None
    header = Text(("▶ " if touched else "  ") + f"{call.type} {call.id or ''}".rstrip(), style="bold")
    added = added or CallAdded()
    if added.new:  # the event added the call itself
        header.stylize(HIGHLIGHT, 2)
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
            out.append(Text(f"output: {function.output}", style=_mark("dim", added.output)))
    elif call.type == "file_search":
        results = getattr(call.file_search, "results", None) or []
        out.append(Text(f"{len(results)} results" if results else "no results yet", style="dim"))
        for result in results:
            out.append(Text(f"  {result.score:.3f} {result.file_name} ({result.file_id})"))
    return Group(*out)


@lru_cache(maxsize=32)
def _code(source: str, chars: int) -> Syntax:
    """The code so far, highlighted, its last ``chars`` marked; the same object for the same code (a pane
    does not lay out again an object it has laid out, and cannot compare two ``Syntax``)."""
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


def run_changes(old: Any, run: Any) -> set[str]:
    """The fields of run ``run`` that differ from run ``old`` (``None``, or another run: all it has set)."""
    if old is not None and getattr(old, "id", None) != getattr(run, "id", None):
        old = None
    names = ("status", "usage", "required_action", "last_error", "incomplete_details")
    return {name for name in names if _changed(old, run, name)}


def outcome(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """``current_run`` after the event: status, usage, the action it requires, its error; the fields the
    event changed (from the state before it) highlighted."""
    state: Any = moment.state
    run = state.current_run
    if run is None:
        return "run", "", Text("no run event yet: current_run is None", style="dim")
    prior = before(timeline, moment)
    changed = run_changes(prior.current_run if prior is not None else None, run)
    lines: list[RenderableType] = []
    status = Text("status ")
    status.append(str(run.status), style=_mark(STATUS_STYLE.get(str(run.status), "bold"), "status" in changed))
    if getattr(run, "model", None):
        status.append(f"  model {run.model}", style="dim")
    lines.append(status)
    usage = getattr(run, "usage", None)
    if usage is not None:
        used = f"usage {usage.prompt_tokens} in + {usage.completion_tokens} out = {usage.total_tokens} tokens"
        lines.append(Text(used, style=_mark("", "usage" in changed)))
    action = getattr(run, "required_action", None)
    if action is not None and getattr(action, "submit_tool_outputs", None) is not None:
        lines.append(Text(f"required_action {action.type}", style=_mark("bold yellow", "required_action" in changed)))
        for call in action.submit_tool_outputs.tool_calls:
            line = Text("  ")
            line.append(call.function.name, style="bold cyan")
            line.append(_compact(call.function.arguments))
            line.append(f"  {call.id}", style="dim")
            lines.append(line)
    error = getattr(run, "last_error", None)
    if error is not None:
        text = f"last_error {error.code}: {error.message}"
        lines.append(Text(text, style=_mark("bold red", "last_error" in changed)))
    incomplete = getattr(run, "incomplete_details", None)
    if incomplete is not None and getattr(incomplete, "reason", None):
        text = f"incomplete_details {incomplete.reason}"
        lines.append(Text(text, style=_mark("yellow", "incomplete_details" in changed)))
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
