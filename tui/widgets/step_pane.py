"""The current run step (or output items, or tool calls): code with syntax highlighting, logs, images,
function name and arguments, search results, with what the selected event added highlighted."""

from __future__ import annotations

from rich.console import RenderableType

from ssetape.replayer import Moment, Timeline

from .pane import Pane, panes_of


class StepPane(Pane):
    """``current_run_step_snapshot`` after the selected event, or its like (drawn by the stream's home:
    ``panes.items``)."""

    TITLE = "run step"
    SLOT = "items"

    DEFAULT_CSS = """
    StepPane {
        height: 2fr;
    }
    """

    def render_moment(self, timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
        return panes_of(timeline).items(timeline, moment)
