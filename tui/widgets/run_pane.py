"""The current run: status, usage, the action it requires, its error."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text

from ssetape.apis.assistants.accumulator import State
from ssetape.replayer import Moment, Timeline

from ..outputs import news
from .pane import Pane

_STATUS_STYLE = {
    "completed": "bold green",
    "requires_action": "bold yellow",
    "failed": "bold red",
    "expired": "bold red",
    "cancelled": "bold red",
    "cancelling": "yellow",
    "incomplete": "bold yellow",
}
#: A chat finish_reason, styled as the run status it resembles.
_REASONS = {"stop": "completed", "tool_calls": "requires_action", "length": "incomplete", "content_filter": "failed"}


class RunPane(Pane):
    """``current_run`` after the selected event."""

    TITLE = "run"
    TITLES: ClassVar[dict[str, str]] = {"responses": "response", "chat": "completion"}

    DEFAULT_CSS = """
    RunPane {
        height: 7;
    }
    """

    def render_moment(self, timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
        if not isinstance(moment.state, State):
            return self._snapshot(timeline, moment)
        run = moment.state.current_run
        if run is None:
            return "run", "", Text("no run event yet: current_run is None", style="dim")
        lines: list[RenderableType] = []
        status = Text("status ")
        status.append(str(run.status), style=_STATUS_STYLE.get(str(run.status), "bold"))
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

    def _snapshot(self, timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
        """A Responses or Chat Completions stream: the response (or completion) as a whole."""
        state: Any = moment.state
        if timeline.kind == "responses":
            return _response(timeline, moment)
        completion = state.current_snapshot
        if completion is None:
            return "completion", "", Text("no chunk yet: current_snapshot is None", style="dim")
        line = Text("finish_reason ")
        for number, choice in enumerate(completion.choices):
            reason = str(choice.finish_reason) if choice.finish_reason else "none yet"
            line.append(", " if number else "")
            line.append(reason, style=_STATUS_STYLE.get(_REASONS.get(reason, ""), "bold"))
        line.append(f"  model {completion.model}", style="dim")
        lines: list[RenderableType] = [line]
        usage = completion.usage
        if usage is not None:
            lines.append(
                Text(f"usage {usage.prompt_tokens} in + {usage.completion_tokens} out = {usage.total_tokens} tokens")
            )
        return f"completion {completion.id}", "", Group(*lines)


def _response(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    state: Any = moment.state
    snapshot = state.completed_response or state.current_snapshot
    known = news(timeline)
    latest = known.response(moment.index) or {}  # response.failed / incomplete: not in the snapshot
    if snapshot is None and not latest:
        return "response", "", Text("no response yet: current_snapshot is None", style="dim")
    status = str(latest.get("status") or getattr(snapshot, "status", None))
    line = Text("status ")
    line.append(status, style=_STATUS_STYLE.get(status, "bold"))
    line.append(f"  model {latest.get('model') or getattr(snapshot, 'model', '?')}", style="dim")
    lines: list[RenderableType] = [line]
    usage = latest.get("usage") or _dump(getattr(snapshot, "usage", None))
    if usage:
        text = f"usage {usage.get('input_tokens')} in + {usage.get('output_tokens')} out"
        text += f" = {usage.get('total_tokens')} tokens"
        reasoning = (usage.get("output_tokens_details") or {}).get("reasoning_tokens")
        lines.append(Text(text + (f" ({reasoning} reasoning)" if reasoning else "")))
    error = latest.get("error") or _dump(getattr(snapshot, "error", None))
    if error:
        lines.append(Text(f"error {error.get('code')}: {error.get('message')}", style="bold red"))
    streamed = known.error(moment.index)
    if streamed and not error:
        lines.append(Text(f"error event {streamed.get('code')}: {streamed.get('message')}", style="bold red"))
    incomplete = latest.get("incomplete_details") or _dump(getattr(snapshot, "incomplete_details", None))
    if incomplete:
        lines.append(Text(f"incomplete_details {incomplete.get('reason')}", style="yellow"))
    return f"response {latest.get('id') or getattr(snapshot, 'id', '?')}", "", Group(*lines)


def _dump(model: Any) -> dict[str, Any]:
    return model.model_dump() if model is not None else {}


def _compact(arguments: str) -> str:
    """Function arguments as ``(key=value, ...)`` when they are a JSON object, else as sent."""
    try:
        parsed = json.loads(arguments)
    except ValueError:
        return f"({arguments})"
    if not isinstance(parsed, dict):
        return f"({arguments})"
    return "(" + ", ".join(f"{key}={value!r}" for key, value in parsed.items()) + ")"
