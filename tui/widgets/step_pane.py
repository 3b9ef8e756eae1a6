"""The current run step: its tool calls (code with syntax highlighting, logs, images, function
name and arguments, file search results), with what the selected event added highlighted."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from rich.console import Group, RenderableType
from rich.syntax import Syntax
from rich.text import Text

from replayer import Moment, Timeline
from replayer.accumulator import State
from replayer.events import StreamEvent

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

    DEFAULT_CSS = """
    StepPane {
        height: 2fr;
    }
    """

    def render_moment(self, timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
        state, event = moment.state, moment.event
        if not isinstance(state, State):
            kind = getattr(timeline, "kind", "this")
            return "run step", "", Text(f"no run steps in a {kind} stream", style="dim")
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
