"""The timeline screen's moves: step, page, ends, same type, boundaries, ``:`` jumps, ``/`` search, the type
filter (``f``) and the stalls (``s``, a click on the time axis); each lands on a row of the event list."""

from __future__ import annotations

from ..search import Search, SearchIndex
from ..widgets.prompt import Prompt
from ..widgets.request_pane import RequestPane
from ..widgets.time_axis import TimeAxis
from .filter import FilterScreen
from .stepping import Stepping


class Navigation(Stepping):
    """Mixed into the timeline screen, which says where the cursor goes (``_select``) and shows the rows."""

    search: Search | None
    search_query: str
    search_indexes: dict[int, SearchIndex]
    filters: dict[int, frozenset[str] | None]
    _stall: int

    def action_move(self, rows: int) -> None:
        self._select(self.event_list.cursor + rows)

    def action_page(self, pages: int) -> None:
        self._select(self.event_list.cursor + pages * self.event_list.page)

    def action_first(self) -> None:
        self._select(0)

    def action_last(self) -> None:
        self._select(len(self.view or ()))

    def action_same_type(self, step: int) -> None:
        assert self.view is not None
        row = self.view.same_type(self.event_list.cursor, step)
        if row is None:
            name = self.view.names[self.view.index(self.event_list.cursor)]
            self.notify(f"No {'later' if step > 0 else 'earlier'} {name} event.", severity="warning")
        else:
            self._select(row)

    def action_boundary(self, step: int) -> None:
        assert self.view is not None
        row = self.view.boundary(self.event_list.cursor, step)
        if row is None:
            self.notify(f"No {'later' if step > 0 else 'earlier'} message or step boundary.", severity="warning")
        else:
            self._select(row)

    # -- jump and search --------------------------------------------------------------------------------

    def action_jump(self) -> None:
        self.query_one(Prompt).ask(":")

    def action_search(self) -> None:
        self.query_one(Prompt).ask("/", self.search_query)

    def action_next_match(self, step: int) -> None:
        if self.search is None:
            self.notify("No search yet: press / to search.", severity="warning")
            return
        hit = self.search.next(self.event_list.cursor, step)
        if hit is None:
            self.notify(f"No event matches {self.search.query!r}.", severity="warning")
            return
        if hit.wrapped:
            self.notify(f"Search wrapped to the {'top' if step > 0 else 'bottom'}.")
        self._select(hit.row)

    def on_prompt_answered(self, message: Prompt.Answered) -> None:
        # After the closed prompt has given its line back to the list: where the list scrolls to depends on
        # its height (the snapshot of a jump came out a row off whenever the refresh came late).
        self.call_after_refresh(self._jump if message.kind == ":" else self._search, message.value)

    def on_prompt_closed(self, message: Prompt.Closed) -> None:
        self.event_list.focus()

    def _jump(self, text: str) -> None:
        if self.view is None or not text.strip():
            return
        wanted = text.strip()
        instead = f"so there is no {wanted} to jump to: give an event number, +N or -N"
        if wanted.endswith("s") and not self._timed(instead):
            return  # a time (2.5s), or nothing ':' takes: either way, times are what this recording lacks
        jump = self.view.jump(text, self.event_list.cursor)
        if jump.note:
            self.notify(jump.note, severity=jump.severity)
        if jump.row is not None:
            self._select(jump.row)

    def _search(self, query: str) -> None:
        assert self.view is not None
        self.search_query = query
        if not query:
            self.search = None
            self.event_list.highlight(None)
            self._update_titles()
            return
        self.search = Search(self.view, self.search_indexes[self.interaction], query)
        self.event_list.highlight(self.search)
        assert self.timeline is not None
        found = self.query_one(RequestPane).show_request(self.timeline, query)
        if found:
            self.notify(f"{found} in the request or response head: r shows them.")
        self._update_titles()
        self.action_next_match(1)

    # -- filtering --------------------------------------------------------------------------------------

    def action_filter(self) -> None:
        assert self.view is not None
        self.app.push_screen(FilterScreen(self.view.counts(), self.view.types, self.view.timeline.kind), self._filtered)

    def _filtered(self, types: frozenset[str] | None) -> None:
        if types is None or self.timeline is None:  # cancelled
            return
        index = self.event_list.index
        self.filters[self.interaction] = types  # EventView shows all when every type is chosen
        self._install()
        if index is not None and self.view is not None and not self.view.shows(index):
            self.notify(f"Event {index} is hidden by the filter: selected the nearest shown one.")

    # -- timing -----------------------------------------------------------------------------------------

    def _timed(self, instead: str) -> bool:
        """Whether the recording kept times (``Interaction.timed``); if not, says so and what there is ``instead``."""
        if self.view is None or self.view.timeline.interaction_record.timed:
            return True
        self.notify(f"No timing recorded: this recording kept no times, {instead}.", severity="warning")
        return False

    def action_timing(self) -> None:
        axis = self.query_one(TimeAxis)
        if axis.has_class("-shown") or self._timed("so there is no time axis"):
            axis.toggle_class("-shown")

    def action_next_stall(self) -> None:
        """The longest stall, then the next longest ... (wrapping): selects the event that ended it."""
        if not self._timed("so there are no stalls to visit"):
            return
        axis = self.query_one(TimeAxis)
        stalls = axis.timing.stalls if axis.timing is not None else ()
        if not stalls or self.view is None:
            self.notify("No stall: every event arrived with the one before it.", severity="warning")
            return
        self._stall = (self._stall + 1) % len(stalls)
        stall = stalls[self._stall]
        axis.add_class("-shown")
        row = self.view.row_of(stall.index)
        self._select(row)
        note = f"Stall {self._stall + 1} of {len(stalls)}: {stall.gap:.3f}s before event {stall.index}"
        if not self.view.shows(stall.index) and len(self.view):
            note += f", which the filter hides: showing #{self.view.index(row)}"
        self.notify(note + ".")

    def on_time_axis_seek(self, message: TimeAxis.Seek) -> None:
        if self.view is not None:
            self._select(self.view.row_of(message.index))
