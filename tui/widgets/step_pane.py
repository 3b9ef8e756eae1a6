"""The current run step: its tool calls (code with syntax highlighting, logs, images, function
name and arguments, file search results), with what the selected event added highlighted."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.syntax import Syntax
from rich.text import Text

from ssetape.apis.assistants.accumulator import State
from ssetape.replayer import Moment, Timeline
from ssetape.replayer.stream_events import StreamEvent

from ..outputs import added, news
from .pane import Pane

HIGHLIGHT = "reverse"


@dataclass
class Added:
    """What one step delta adds to one tool call: characters appended to each field."""

    input: int = 0
    arguments: int = 0
    outputs: dict[int, int] = field(default_factory=dict)  # output index -> characters of logs
    new_outputs: set[int] = field(default_factory=set)


def additions(event: StreamEvent, step_id: str) -> dict[int, Added]:
    """Tool call index -> what the step delta ``event`` adds to it (empty for any other event)."""
    data = event.data
    if event.name != "thread.run.step.delta" or not isinstance(data, dict) or data.get("id") != step_id:
        return {}
    details = (data.get("delta") or {}).get("step_details") or {}
    added: dict[int, Added] = {}
    for call in details.get("tool_calls") or []:
        if not isinstance(call, dict) or not isinstance(call.get("index"), int):
            continue
        entry = added.setdefault(call["index"], Added())
        code = call.get("code_interpreter") or {}
        entry.input += len(code.get("input") or "")
        for output in code.get("outputs") or []:
            if isinstance(output, dict) and isinstance(output.get("index"), int):
                entry.outputs[output["index"]] = entry.outputs.get(output["index"], 0) + len(output.get("logs") or "")
                entry.new_outputs.add(output["index"])
        entry.arguments += len((call.get("function") or {}).get("arguments") or "")
    return added


def _tail(text: str, chars: int) -> Text:
    out = Text(text)
    if chars:
        out.stylize(HIGHLIGHT, max(len(text) - chars, 0), len(text))
    return out


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


def _arguments(arguments: str, chars: int) -> RenderableType:
    if chars:  # still arriving: as sent, so the new characters can be shown
        return _tail(arguments, chars)
    try:
        return Syntax(
            json.dumps(json.loads(arguments), indent=2, ensure_ascii=False),
            "json",
            theme="ansi_dark",
            word_wrap=True,
            background_color="default",
        )
    except ValueError:
        return Text(arguments)


class StepPane(Pane):
    """``current_run_step_snapshot`` after the selected event."""

    TITLE = "run step"
    TITLES: ClassVar[dict[str, str]] = {"responses": "output items", "chat": "tool calls"}

    DEFAULT_CSS = """
    StepPane {
        height: 2fr;
    }
    """

    def render_moment(self, timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
        state, event = moment.state, moment.event
        if not isinstance(state, State):
            if timeline.kind == "responses":
                return _output_items(timeline, moment)
            return _tool_calls(moment)
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
            added = additions(event, step.id)
            for position, call in enumerate(details.tool_calls or []):
                index = getattr(call, "index", None)
                parts.append(self._call(call, added.get(index if isinstance(index, int) else position)))
        error = getattr(step, "last_error", None)
        if error is not None:
            parts.append(Text(f"last_error: {error.code}: {error.message}", style="bold red"))
        usage = getattr(step, "usage", None)
        if usage is not None:
            parts.append(Text(f"usage: {usage.prompt_tokens} in + {usage.completion_tokens} out", style="dim"))
        return title, note, Group(*parts) if parts else Text("no tool calls yet", style="dim")

    def _call(self, call: Any, added: Added | None) -> RenderableType:
        touched = added is not None
        header = Text(("▶ " if touched else "  ") + f"{call.type} {call.id or ''}".rstrip(), style="bold")
        added = added or Added()
        out: list[RenderableType] = [header]
        if call.type == "code_interpreter":
            code = call.code_interpreter
            if code.input:
                out.append(_code(code.input, added.input))
            for number, output in enumerate(code.outputs or []):
                position = getattr(output, "index", number)
                if output.type == "logs":
                    out.append(Text("logs:", style="dim"))
                    out.append(_tail(output.logs or "", added.outputs.get(position, 0)))
                elif output.type == "image":
                    style = "magenta" + (f" {HIGHLIGHT}" if position in added.new_outputs else "")
                    out.append(Text(f"image {output.image.file_id}", style=style))
        elif call.type == "function":
            function = call.function
            out.append(Text(f"{function.name or '?'}(", style="bold cyan"))
            out.append(_arguments(function.arguments or "", added.arguments))
            out.append(Text(")", style="bold cyan"))
            if function.output is not None:
                out.append(Text(f"output: {function.output}", style="dim"))
        elif call.type == "file_search":
            results = getattr(call.file_search, "results", None) or []
            out.append(Text(f"{len(results)} results" if results else "no results yet", style="dim"))
            for result in results:
                out.append(Text(f"  {result.score:.3f} {result.file_name} ({result.file_id})"))
        return Group(*out)


def _status(status: object, changed: bool = False) -> Text:
    style = {"completed": "green", "incomplete": "yellow", "failed": "red"}.get(str(status), "dim")
    return Text(str(status), style=style + (f" {HIGHLIGHT}" if changed else ""))


def _output_items(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """A Responses stream: every output item in order, with its status and what it holds so far."""
    state: Any = moment.state
    response = state.completed_response or state.current_snapshot
    if response is None:
        return "output items", "", Text("no response yet: current_snapshot is None", style="dim")
    known, add, event = news(timeline), added(moment.event), moment.event
    parts: list[RenderableType] = []
    for position, item in enumerate(response.output):
        done = known.item(position, moment.index) or {}
        touched = position in add.touched
        header = Text(("▶ " if touched else "  ") + f"{item.type} ", style="bold", no_wrap=True, overflow="ellipsis")
        status_changed = touched and event.name.startswith("response.output_item.")
        header.append_text(_status(done.get("status") or getattr(item, "status", None), status_changed))
        header.append(f"  {getattr(item, 'id', None) or ''}", style="dim")  # the status first: ids are long
        parts.append(header)
        if item.type == "message":
            for number, part in enumerate(item.content):
                refusal = (
                    part.refusal or known.text((position, "refusal", number), moment.index)
                    if part.type == "refusal"
                    else ""
                )
                size = len(part.text) if part.type == "output_text" else len(refusal)
                parts.append(Text(f"  {part.type}: {size:,} characters (message pane)", style="dim"))
        elif item.type == "function_call":
            parts.append(Text(f"{item.name}(", style="bold cyan"))
            parts.append(_arguments(item.arguments or "", add.at(position, "arguments")))
            parts.append(Text(f")  {item.call_id}", style="bold cyan"))
        elif item.type == "reasoning":
            summaries = [summary.text for summary in item.summary or []]
            if not summaries:  # the SDK's snapshot never gets them: read them from the summary deltas
                numbers = known.keys(position, "summary", moment.index)
                summaries = [known.text((position, "summary", number), moment.index) for number in numbers]
                chars = {number: add.at(position, "summary", number) for number in numbers}
            else:
                chars = {}
            for number, summary in enumerate(summaries):
                parts.append(_tail(summary, chars.get(number, 0)))
            if not summaries:
                parts.append(Text("no summary yet", style="dim"))
        elif item.type in ("file_search_call", "web_search_call"):
            queries = getattr(item, "queries", None) or []
            action = getattr(item, "action", None)
            query = getattr(action, "query", None)
            for text in [*queries, *([query] if query else [])]:
                parts.append(Text(f"  query {text!r}"))
            results = getattr(item, "results", None) or []
            if results:
                parts.append(Text(f"  {len(results)} results", style="dim"))
            for result in results:
                parts.append(Text(f"  {result.score or 0:.3f} {result.filename} ({result.file_id})"))
    title = f"output items · {len(response.output)}"
    return title, "", Group(*parts) if parts else Text("no output item yet", style="dim")


def _tool_calls(moment: Moment) -> tuple[str, str, RenderableType]:
    """A Chat Completions stream: every choice's tool calls so far, and its finish reason."""
    state: Any = moment.state
    completion = state.current_snapshot
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
            parts.append(_arguments(call.function.arguments or "", add.at(choice.index, "arguments", index)))
            parts.append(Text(")", style="bold cyan"))
        if not calls:
            parts.append(Text("  no tool calls", style="dim"))
    return f"tool calls · {count}", "", Group(*parts)
