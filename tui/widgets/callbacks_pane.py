"""The handler callbacks the SDK fires for the selected event, with their arguments."""

from __future__ import annotations

from rich.console import RenderableType

from ssetape.replayer import Moment, Timeline

from .pane import Pane, panes_of


class CallbacksPane(Pane):
    """``on_text_delta(delta='lo', snapshot='Hello')``: one line per callback, in the order fired
    (drawn by the stream's home: ``panes.callbacks``)."""

    TITLE = "callbacks"
    SLOT = "callbacks"

    DEFAULT_CSS = """
    CallbacksPane {
        height: 9;
    }
    """

    def render_moment(self, timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
        return panes_of(timeline).callbacks(timeline, moment)
