"""The current message snapshot as text, with what the selected event added highlighted."""

from __future__ import annotations

from rich.console import RenderableType

from ssetape.replayer import Moment, Timeline

from .pane import Pane, panes_of


class MessagePane(Pane):
    """``current_message_snapshot`` (an Assistants stream) or the text so far after the selected event;
    the part this event added in reverse video (drawn by the stream's home: ``panes.content``)."""

    TITLE = "message"
    SLOT = "content"
    FOLLOW_END = True

    DEFAULT_CSS = """
    MessagePane {
        height: 2fr;
    }
    """

    def render_moment(self, timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
        return panes_of(timeline).content(timeline, moment)
