"""A titled box showing one renderable, scrolled by hand: the base of the snapshot panes.

Panes draw through the Line API and never change size with their content, so updating one at
every step repaints that pane alone. (A ``Static`` in a scrolling container asks for a layout of
the whole screen on every update: three times the cost of a step.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar, Self

from rich.console import RenderableType
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

from ssetape.apis import DEFAULT, Panes, api
from ssetape.replayer import Moment, Timeline

from .blocks import BlockLines


def panes_of(timeline: Timeline | None) -> Panes:
    """The drawing code of ``timeline``'s API, from its home (the default API's while no stream is shown)."""
    return (DEFAULT if timeline is None else api(timeline.kind)).panes


class Pane(Widget, can_focus=True):
    """Shows what the handler sees at one event; subclasses say what, in :meth:`render_moment`."""

    ALLOW_MAXIMIZE = True

    DEFAULT_CSS = """
    Pane {
        height: 1fr;
        border: round $panel-lighten-2;
        border-title-color: $text-primary;
        border-subtitle-color: $text-muted;
        padding: 0 1;
        &:focus { border: round $accent; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll_by(-1)", "scroll up", show=False),
        Binding("down", "scroll_by(1)", "scroll down", show=False),
        Binding("pageup", "scroll_page(-1)", "page up", show=False),
        Binding("pagedown", "scroll_page(1)", "page down", show=False),
        Binding("home", "scroll_to_edge(0)", "top", show=False),
        Binding("end", "scroll_to_edge(1)", "bottom", show=False),
    ]

    #: The pane's name, shown in its border until a moment gives a fuller title.
    TITLE = ""
    #: The slot of :class:`~ssetape.apis.contract.Panes` the pane shows (its home names it, by API).
    SLOT: ClassVar[str | None] = None
    #: Keep the end in view (panes whose news arrives at the bottom, like the growing message).
    FOLLOW_END = False
    #: Style that marks what the selected event changed; the pane scrolls to its first mark.
    MARK = "reverse"
    #: Drawn again for each selected event (the request pane is not: it is the stream's).
    PER_EVENT = True

    #: Where a change of the border's title or subtitle repaints (``None``: the whole pane, as Textual does).
    _edge: Region | None = None

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.border_title = self.TITLE
        self._renderable: RenderableType = Text("")
        self._strips: list[Strip] | None = None
        self._blocks = BlockLines()
        #: Lines as drawn (with the offsets selecting needs), by line number, made when first drawn: the
        #: line laid out, and the line drawn from it.
        self._drawn: dict[int, tuple[Strip, Strip]] = {}
        self._subtitle = ""
        self._width = 0  # the width the lines were laid out at
        #: The first line shown.
        self.top = 0
        #: Scrolled by hand: later steps keep the pane where the user put it (``home`` / ``end`` let go).
        self.scrolled = False

    # -- content --------------------------------------------------------------------------------------

    def show(self, renderable: RenderableType, title: str | None = None, subtitle: str = "") -> None:
        """Show ``renderable`` from its start (its end, for a pane that follows the end), or where the user
        scrolled it to (stepping keeps a pane scrolled by hand where it is)."""
        if (title or self.TITLE) != str(self.border_title or ""):
            with self._repainting_edge(top=True):
                self.border_title = title or self.TITLE
        self._subtitle = subtitle
        self._renderable = renderable
        before, top = self._strips, self.top
        if not self.scrolled:
            self.top = -1 if self.FOLLOW_END else 0  # -1: the end, once the lines are known
        self._layout()  # what is laid out already is not again (see BlockLines)
        if not self.FOLLOW_END and not self.scrolled:
            self._show_mark()
        self._refresh_changed(before, top)

    def _refresh_changed(self, before: list[Strip] | None, top: int) -> None:
        """Repaint the lines on screen that differ from what was drawn (scrolled: all of them): most events
        leave most panes as they were, and change a line or two of the others."""
        after = self._strips
        if before is None or after is None or self.top != top:
            self.refresh()
            return
        width = self.size.width
        for y in range(self.size.height):
            line = top + y
            old = before[line] if line < len(before) else None
            new = after[line] if line < len(after) else None
            if old != new:
                self.refresh(Region(0, y, width, 1))

    def title_for(self, panes: Panes) -> str:
        """The pane's name for a stream drawn by ``panes`` (see :func:`panes_of`)."""
        return panes.TITLES.get(self.SLOT, self.TITLE) if self.SLOT is not None else self.TITLE

    def show_moment(self, timeline: Timeline, moment: Moment) -> None:
        """Update the pane for ``moment`` (the state after the selected event)."""
        title, subtitle, renderable = self.render_moment(timeline, moment)
        self.show(renderable, title, subtitle)

    def render_moment(self, timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
        raise NotImplementedError

    @property
    def lines(self) -> list[Strip]:
        """The renderable laid out at the pane's width."""
        return self._strips or []

    @property
    def text(self) -> str:
        """Everything the pane holds (shown or scrolled out of view), as plain text."""
        return "\n".join(strip.text.rstrip() for strip in self.lines)

    def _layout(self) -> None:
        width = self.size.width
        if width <= 0:  # hidden, or not laid out yet: laid out when next drawn (render_line)
            self._strips, self._width = None, 0
            return
        console = self.app.console
        options = console.options.update(width=width, height=None, highlight=False)
        self._strips = self._blocks.lines(self._renderable, console, options, self.rich_style)
        self._width = width
        self._clamp()

    @contextmanager
    def _repainting_edge(self, top: bool) -> Iterator[None]:
        """Within: a new border title (``top``) or subtitle repaints that border line alone, not the pane
        (it changes at most steps: a whole pane's lines cost a step milliseconds)."""
        outer = self.outer_size
        offset = self.content_offset
        y = -offset.y if top else outer.height - offset.y - 1
        self._edge = Region(-offset.x, y, outer.width, 1)
        try:
            yield
        finally:
            self._edge = None

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Self:
        if self._edge is not None and not regions and repaint and not layout and not recompose and self.is_mounted:
            regions = (self._edge,)
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    # -- selecting (drag with the mouse, then ctrl+c) -----------------------------------------------------

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return selection.extract(self.text), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()

    # -- scrolling ------------------------------------------------------------------------------------

    def _show_mark(self) -> None:
        """Scroll so that the first marked line (what the event changed) is in view, a line below the top."""
        number = self._blocks.first_reversed if self._strips is not None else None
        if number is not None and number >= self.size.height:
            self.top = number - 1
            self._clamp()

    def _clamp(self) -> None:
        bottom = max(len(self._strips or ()) - self.size.height, 0)
        self.top = bottom if self.top < 0 else min(self.top, bottom)
        self._update_subtitle()

    def _update_subtitle(self) -> None:
        total, height = len(self._strips or ()), self.size.height
        where = f"lines {self.top + 1}-{min(self.top + height, total)} of {total}" if total > height > 0 else ""
        subtitle = " · ".join(part for part in (self._subtitle, where) if part)
        if subtitle != str(self.border_subtitle or ""):
            with self._repainting_edge(top=False):
                self.border_subtitle = subtitle

    def scroll_lines(self, lines: int) -> None:
        self.top = max(self.top + lines, 0)
        self._clamp()
        self.scrolled = True
        self.refresh()

    def action_scroll_by(self, lines: int) -> None:
        self.scroll_lines(lines)

    def action_scroll_page(self, pages: int) -> None:
        self.scroll_lines(pages * max(self.size.height - 1, 1))

    def action_scroll_to_edge(self, end: int) -> None:
        self.top = len(self.lines) if end else 0
        self._clamp()
        self.scrolled = False  # back to following the news
        self.refresh()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.scroll_lines(3)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.scroll_lines(-3)

    def on_resize(self) -> None:
        self._layout()

    # -- drawing --------------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        if self._width != self.size.width:  # shown again at another width than it was laid out at
            self._layout()
        lines = self.lines
        index = self.top + y
        if not 0 <= index < len(lines):
            return Strip.blank(self.size.width, self.rich_style)
        laid, drawn = self._drawn.get(index) or (None, None)
        if laid is not lines[index] or drawn is None:  # where each cell is, for selecting with the mouse
            drawn = lines[index].apply_offsets(0, index)
            self._drawn[index] = (lines[index], drawn)
        line = drawn
        selection = self.text_selection
        span = selection.get_span(index) if selection is not None else None
        if span is None:
            return line
        start, end = span
        end = line.cell_length if end == -1 else end
        before, chosen, after = line.divide([start, end, line.cell_length])
        style = self.screen.get_component_rich_style("screen--selection")
        return Strip.join([before, chosen.apply_style(style), after])
