"""The current run (or response, or completion): status, usage, the action it requires, its error."""

from __future__ import annotations

from rich.console import RenderableType

from ssetape.replayer import Moment, Timeline

from .pane import Pane, panes_of


class RunPane(Pane):
    """``current_run`` after the selected event, or its like (drawn by the stream's home: ``panes.outcome``)."""

    TITLE = "run"
    SLOT = "outcome"

    DEFAULT_CSS = """
    RunPane {
        height: 7;
    }
    """

    def render_moment(self, timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
        return panes_of(timeline).outcome(timeline, moment)
