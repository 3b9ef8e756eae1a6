"""The selected event as it arrived: its type, its JSON, and where it sits in the body."""

from __future__ import annotations

import json
import sys

from rich.console import Group, RenderableType
from rich.highlighter import JSONHighlighter
from rich.text import Text

from ssetape.replayer import Moment, Timeline

from ..formatting import format_gap, is_timed
from .pane import Pane

#: Characters of an event's JSON laid out at first: twice what the pane holds, and at least this many. A
#: completed response repeats the whole text (250 kB at 50k events); laying out its first 20,000
#: characters (the cut before) cost a step 10-35 ms, where the pane shows some 700. Scrolling down to the
#: end of what is laid out lays out as much again, ``end`` all of it.
PAGE = 2_000

_highlight = JSONHighlighter()


class RawPane(Pane):
    """``event:`` and ``data:`` of the selected event, the JSON indented and highlighted, laid out a page at
    a time (see :data:`PAGE`)."""

    TITLE = "raw event"

    DEFAULT_CSS = """
    RawPane {
        height: 2fr;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        #: How many characters of the JSON are laid out; how many more there are.
        self._extent, self._more = PAGE, 0
        #: What the pane shows, to lay more of it out when scrolled to its end.
        self._moment: tuple[Timeline, Moment] | None = None
        self._rendered: RenderableType | None = None

    def show(self, renderable: RenderableType, title: str | None = None, subtitle: str = "") -> None:
        if renderable is not self._rendered:  # something else in the JSON's place: nothing more to lay out
            self._moment, self._more = None, 0
        top = self.top
        super().show(renderable, title, subtitle)
        if self.scrolled and self.top < top and self._more:  # a step scrolled by hand: as far down as before
            self._lay_out_to(top + self.size.height)
            self.top = top
            self._clamp()
            self.refresh()

    def render_moment(self, timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
        if not self.scrolled:  # scrolled by hand, a step keeps what is laid out (and where the user is)
            self._extent = self._page()
        self._moment = (timeline, moment)
        event = moment.event
        head = Text("event: ", style="dim")
        head.append(event.name, style="bold")
        if isinstance(event.data, (dict, list)):
            body = json.dumps(event.data, indent=2, ensure_ascii=False)
        else:
            body = event.raw
        self._more = max(len(body) - self._extent, 0)
        data = Text(body[: self._extent])
        _highlight.highlight(data)
        parts: list[RenderableType] = [head, data]
        if self._more:
            parts.append(
                Text(f"… {self._more:,} more characters: scroll down for more, end for all", style="dim italic")
            )
        when = (
            f"+{event.at:.3f}s gap {format_gap(event.gap).strip()}"
            if is_timed(timeline.interaction_record)
            else "no timing recorded"
        )
        where = f"#{event.index} {when} · bytes {event.start:,}-{event.end:,} · chunk {event.chunk}"
        self._rendered = Group(*parts)
        return "raw event", where, self._rendered

    def _page(self) -> int:
        return max(PAGE, 2 * self.size.width * self.size.height)

    def _lay_out_to(self, lines: int, extent: int | None = None) -> None:
        """Lays out more of the JSON (a page at a time) until ``lines`` lines are, or ``extent`` characters."""
        while self._more and self._moment is not None and self.size.width and len(self.lines) < lines:
            self._extent = extent if extent is not None else self._extent + self._page()
            title, subtitle, renderable = self.render_moment(*self._moment)
            top, self.scrolled = self.top, True
            Pane.show(self, renderable, title, subtitle)  # not self.show: the pane stays where it is
            self.top = top

    def scroll_lines(self, lines: int) -> None:
        if lines > 0:
            self._lay_out_to(self.top + lines + self.size.height)
        super().scroll_lines(lines)

    def action_scroll_to_edge(self, end: int) -> None:
        if end:
            self._lay_out_to(sys.maxsize, self._extent + self._more)
        super().action_scroll_to_edge(end)
