"""The event list: one row per event, rendered only when on screen, so 50k events scroll like 50."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from ssetape.replayer import StreamEvent, summarize

from ..formatting import format_gap, is_timed, short_name
from ..search import Search
from ..view import EventView, family

#: Gaps at least this long stand out in the gap column.
LONG_GAP = 0.25


class EventList(ScrollView, can_focus=True, inherit_bindings=False):
    """The rows of an :class:`~tui.view.EventView`; ``cursor`` is the selected row. The keys that move it
    are the screen's (this widget inherits no scrolling keys), so they work whichever pane has focus."""

    #: A drag here selects no text: the rows are a summary (``y`` copies the event itself).
    ALLOW_SELECT = False

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "event-list--cursor",
        "event-list--index",
        "event-list--time",
        "event-list--gap",
        "event-list--gap-long",
        "event-list--match",
        "event-list--summary",
        "event-list--run",
        "event-list--step",
        "event-list--message",
        "event-list--error",
        "event-list--other",
    }

    DEFAULT_CSS = """
    EventList {
        overflow-x: hidden;
        scrollbar-gutter: stable;
        & > .event-list--cursor { background: $block-cursor-blurred-background; text-style: bold; }
        &:focus > .event-list--cursor { background: $block-cursor-background; }
        & > .event-list--index { color: $text-muted; }
        & > .event-list--time { color: $text; }
        & > .event-list--gap { color: $text-muted; }
        & > .event-list--gap-long { color: $warning; text-style: bold; }
        & > .event-list--match { color: $accent; text-style: bold; }
        & > .event-list--summary { color: $text; }
        & > .event-list--run { color: $text-primary; }
        & > .event-list--step { color: $text-secondary; }
        & > .event-list--message { color: $text-success; }
        & > .event-list--error { color: $text-error; text-style: bold; }
        & > .event-list--other { color: $text-muted; }
    }
    """

    #: The selected row (a position in the view, not an event index). Not ``repaint``: the watcher repaints
    #: the two rows that change (the whole list, its scrollbar and the column around it cost a step 6 ms).
    cursor: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)

    @dataclass
    class Selected(Message):
        """The cursor moved: ``index`` is the event now selected, ``row`` its position in the list."""

        event_list: EventList
        index: int
        row: int

        @property
        def control(self) -> EventList:
            return self.event_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view: EventView | None = None
        self.search: Search | None = None
        self._lines: LRUCache[tuple[int, int, bool], Strip] = LRUCache(maxsize=1024)
        #: The component styles, by name, until the styles change (Textual's own cache is emptied at every
        #: refresh, and working out the seven a row uses again took a step about 1 ms).
        self._styles: dict[str, Style] = {}
        self._columns = (1, 1, 1)
        self._timed = True

    # -- content ------------------------------------------------------------------------------------

    def show(self, view: EventView, index: int, search: Search | None = None) -> None:
        """Show ``view``, with the cursor on event ``index`` (or the nearest shown event before it)."""
        self.view = view
        self.search = search
        events = view.events
        self._timed = is_timed(view.timeline.interaction_record)  # untimed: no time or gap columns
        self._columns = (
            len(str(max(len(events) - 1, 0))),
            len(f"+{events[-1].at:.3f}s") if events else 1,
            max((len(short_name(name, view.timeline.kind)) for name in set(view.names)), default=1),
        )
        self._lines.clear()
        self.virtual_size = Size(0, len(view))
        self.cursor = view.row_of(index)
        self.call_after_refresh(self.keep_cursor_in_view)  # once the new size is known to the scrollbars
        self.refresh()

    def highlight(self, search: Search | None) -> None:
        """Mark the rows matching ``search`` (``None``: no marks)."""
        self.search = search
        self._lines.clear()
        self.refresh()

    @property
    def index(self) -> int | None:
        """The selected event's index, or ``None`` when nothing is shown."""
        if self.view is None or not len(self.view):
            return None
        return self.view.index(self.cursor)

    # -- the cursor ---------------------------------------------------------------------------------

    def validate_cursor(self, row: int) -> int:
        size = len(self.view) if self.view is not None else 0
        return min(max(row, 0), max(size - 1, 0))

    def watch_cursor(self, old: int, new: int) -> None:
        if self.view is None or not len(self.view):
            return
        self.refresh_line(old)
        self.refresh_line(new)
        self._scroll_to_row(new)
        self.post_message(self.Selected(self, self.view.index(new), new))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        # Textual repaints the scroll bar at every row scrolled; in a long list its thumb moves by one drawn
        # eighth of a cell in a hundred rows or more, and repainting its lines cost a step ~1.7 ms
        bar = self.vertical_scrollbar if self.show_vertical_scrollbar else None
        if bar is not None and _thumb(bar, bar.position) == _thumb(bar, new_value):
            bar.set_reactive(ScrollBar.position, bar.validate_position(new_value))  # the same drawing
        super().watch_scroll_y(old_value, new_value)

    def keep_cursor_in_view(self) -> None:
        """Scroll so that the selected row is on screen (after a resize, or a new filter)."""
        self._scroll_to_row(self.cursor)

    def _scroll_to_row(self, row: int) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = round(self.scroll_y)
        if top <= row < top + height:
            return
        if top - height <= row < top:  # just above: the row becomes the top one
            y = row
        elif top + height <= row < top + 2 * height:  # just below: it becomes the bottom one
            y = row - height + 1
        else:  # a jump: the row lands mid-screen, with context on both sides
            y = row - height // 2
        # force: a list that fitted on screen has no scrollbar (so "cannot scroll") until the next layout
        self.scroll_to(y=y, animate=False, immediate=True, force=True)

    @property
    def page(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and self.view is not None and offset.y + round(self.scroll_y) < len(self.view):
            self.cursor = offset.y + round(self.scroll_y)

    # -- rendering ----------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()
        self._styles.clear()

    def _style(self, name: str) -> Style:
        found = self._styles.get(name)
        if found is None:
            found = self._styles[name] = self.get_component_rich_style(name)
        return found

    def on_resize(self) -> None:
        self._lines.clear()
        self.call_after_refresh(self.keep_cursor_in_view)

    def render_line(self, y: int) -> Strip:
        row = y + round(self.scroll_y)
        width = self.scrollable_content_region.width
        if self.view is None or row >= len(self.view) or width <= 0:
            return Strip.blank(width, self.rich_style)
        selected = row == self.cursor
        key = (row, width, selected)
        strip = self._lines.get(key)
        if strip is None:
            strip = self._lines[key] = self._render_row(self.view.events[self.view.index(row)], width, selected)
        return strip

    def _render_row(self, event: StreamEvent, width: int, selected: bool) -> Strip:
        style = self._style
        base = self.rich_style
        # the cursor's background and weight go on top of each column's colours
        cursor = style("event-list--cursor")
        over = Style(bgcolor=cursor.bgcolor, bold=cursor.bold) if selected else Style()
        index_width, time_width, name_width = self._columns
        matched = self.search is not None and event.index in self.search
        gap_style = "event-list--gap-long" if event.gap >= LONG_GAP else "event-list--gap"
        kind = self.view.timeline.kind if self.view is not None else None
        typed = self.view.names[event.index] if self.view is not None else event.name
        name = short_name(typed, kind)
        cells = [
            ("●" if matched else " ", style("event-list--match")),
            (f"{event.index:>{index_width}} ", style("event-list--index")),
            *(
                [
                    (f"+{event.at:.3f}s".rjust(time_width) + " ", style("event-list--time")),
                    (format_gap(event.gap) + " ", style(gap_style)),
                ]
                if self._timed
                else []
            ),
            (name.ljust(name_width) + " ", style(f"event-list--{family(typed, kind)}")),
        ]
        used = sum(cell_len(text) for text, _ in cells)
        room = width - used
        if room < 8:  # too narrow for every column: keep the index and the type
            cells = [cells[0], cells[1], (name + " ", cells[-1][1])]
            room = width - sum(cell_len(text) for text, _ in cells)
        summary = summarize(event, max(room, 1)) if room > 0 else ""
        if cell_len(summary) > room:
            summary = set_cell_size(summary, room - 1) + "…" if room > 1 else ""
        cells.append((summary, style("event-list--summary")))
        segments = [Segment(text, base + cell_style + over) for text, cell_style in cells]
        return Strip(segments).adjust_cell_length(width, base + over)


def _thumb(bar: ScrollBar, position: float) -> list[Segment]:
    """What a vertical scroll bar draws at ``position``: where its thumb is, in eighths of a cell."""
    window = bar.window_size if bar.window_size < bar.window_virtual_size else 0
    drawn = bar.renderer.render_bar(
        size=bar.size.height,
        virtual_size=ceil(bar.window_virtual_size),
        window_size=ceil(window),
        position=bar.validate_position(position),
        thickness=bar.size.width,
        vertical=True,
    )
    return list(drawn.segments)
