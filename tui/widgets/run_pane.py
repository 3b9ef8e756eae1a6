"""The current run: status, usage, the action it requires, its error."""

from __future__ import annotations

import json

from rich.console import Group, RenderableType
from rich.text import Text

from replayer import Moment, Timeline
from replayer.accumulator import State

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


class RunPane(Pane):
    """``current_run`` after the selected event."""

    TITLE = "run"

    DEFAULT_CSS = """
    RunPane {
        height: 7;
    }
    """

    def render_moment(self, timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
        if not isinstance(moment.state, State):
            return self._snapshot(moment.state)
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

    def _snapshot(self, state: object) -> tuple[str, str, RenderableType]:
        """A Responses or Chat Completions stream: the status and usage of the SDK's snapshot."""
        snapshot = getattr(state, "current_snapshot", None)
        if snapshot is None:
            return "status", "", Text("no snapshot yet: current_snapshot is None", style="dim")
        status = getattr(snapshot, "status", None)
        if status is None:  # a chat completion: the finish reasons
            status = ", ".join(str(choice.finish_reason) for choice in getattr(snapshot, "choices", None) or [])
        lines: list[RenderableType] = [Text(f"status {status or '?'}  model {getattr(snapshot, 'model', '?')}")]
        usage = getattr(snapshot, "usage", None)
        if usage is not None:
            lines.append(Text(f"usage {usage}", style="dim"))
        return f"status {getattr(snapshot, 'id', '')}".rstrip(), "", Group(*lines)


def _compact(arguments: str) -> str:
    """Function arguments as ``(key=value, ...)`` when they are a JSON object, else as sent."""
    try:
        parsed = json.loads(arguments)
    except ValueError:
        return f"({arguments})"
    if not isinstance(parsed, dict):
        return f"({arguments})"
    return "(" + ", ".join(f"{key}={value!r}" for key, value in parsed.items()) + ")"
