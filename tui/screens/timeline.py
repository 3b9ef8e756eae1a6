"""The main screen: the event list on the left, what the handler sees on the right."""

from __future__ import annotations

import time
from functools import cached_property
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer
from textual.worker import Worker, WorkerState, get_current_worker

from ssetape.recorder import Cassette
from ssetape.replayer import Timeline, pick, streams_of, timing

from ..heap import collector_paused
from ..playback import Playback
from ..search import Search, SearchIndex
from ..view import EventView
from ..widgets.callbacks_pane import CallbacksPane
from ..widgets.event_list import EventList
from ..widgets.index_progress import IndexProgress
from ..widgets.list_status import ListStatus
from ..widgets.message_pane import MessagePane
from ..widgets.pane import Pane, panes_of
from ..widgets.pane_tabs import PaneTabs
from ..widgets.prompt import Prompt
from ..widgets.raw_pane import RawPane
from ..widgets.request_pane import RequestPane
from ..widgets.run_pane import RunPane
from ..widgets.step_pane import StepPane
from ..widgets.tape_header import TapeHeader
from ..widgets.time_axis import TimeAxis
from .filter import FilterScreen
from .help import HelpScreen
from .streams import StreamsScreen
from .takeout_keys import BINDINGS as TAKEOUT_BINDINGS
from .takeout_keys import TakeOut

_STEP = Binding.Group("step", compact=True)
_TYPE = Binding.Group("type", compact=True)
_BOUNDARY = Binding.Group("boundary", compact=True)
_ENDS = Binding.Group("ends", compact=True)
_MATCH = Binding.Group("match", compact=True)
_SPEED = Binding.Group("speed", compact=True)
_TIMING = Binding.Group("timing", compact=True)

#: Actions that need an indexed stream (disabled while indexing).
_NEEDS_STREAM = {
    "move",
    "page",
    "first",
    "last",
    "same_type",
    "boundary",
    "jump",
    "search",
    "next_match",
    "filter",
    "play",
    "speed",
    "next_stream",
    "timing",
    "next_stall",
}


class _Cancelled(Exception):
    """Raised inside the indexing thread when its worker is cancelled."""


class TimelineScreen(TakeOut, Screen[None]):
    """Step through one streamed interaction of a cassette (``t``: the next one)."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012 (Textual declares it)
    #: Under this many rows (or in a narrow terminal) the panes take turns (``p``) instead of stacking.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]  # noqa: RUF012

    #: In footer order: a narrow footer cuts from the end, so the keys to find one's way come first.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "app.help", "help", key_display="?", id="ssetape.help"),
        Binding("j,down", "move(1)", "next", group=_STEP, id="ssetape.next"),
        Binding("k,up", "move(-1)", "previous", group=_STEP, id="ssetape.previous"),
        Binding("t", "next_stream", "streams", id="ssetape.next_stream"),
        Binding("p", "next_pane", "pane", id="ssetape.next_pane"),
        Binding("q", "app.quit", "quit", id="ssetape.timeline.quit"),
        Binding("colon", "jump", "jump", key_display=":", id="ssetape.jump"),
        Binding("slash", "search", "search", key_display="/", id="ssetape.search"),
        Binding("f", "filter", "filter", id="ssetape.filter"),
        Binding("space", "play", "play", id="ssetape.play"),
        Binding("J", "same_type(1)", "next of this type", group=_TYPE, id="ssetape.next_same_type"),
        Binding("K", "same_type(-1)", "previous of this type", group=_TYPE, id="ssetape.previous_same_type"),
        Binding("n", "boundary(1)", "next message/step boundary", group=_BOUNDARY, id="ssetape.next_boundary"),
        Binding("N", "boundary(-1)", "previous boundary", group=_BOUNDARY, id="ssetape.previous_boundary"),
        Binding("g,home", "first", "first event", group=_ENDS, id="ssetape.first"),
        Binding("G,end", "last", "last event", group=_ENDS, id="ssetape.last"),
        Binding("pagedown", "page(1)", "page down", show=False, id="ssetape.page_down"),
        Binding("pageup", "page(-1)", "page up", show=False, id="ssetape.page_up"),
        Binding("right_square_bracket", "next_match(1)", "next match", group=_MATCH, id="ssetape.next_match"),
        Binding("left_square_bracket", "next_match(-1)", "previous match", group=_MATCH, id="ssetape.previous_match"),
        Binding("plus,equals_sign", "speed(1)", "faster", group=_SPEED, id="ssetape.faster"),
        Binding("minus", "speed(-1)", "slower", group=_SPEED, id="ssetape.slower"),
        Binding("T", "timing", "time axis", group=_TIMING, id="ssetape.timing"),
        Binding("s", "next_stall", "next longest stall", group=_TIMING, id="ssetape.next_stall"),
        Binding("z", "zoom", "zoom pane", show=False, id="ssetape.zoom"),
        *TAKEOUT_BINDINGS,
    ]

    playing: reactive[bool] = reactive(False, init=False)
    speed: reactive[float] = reactive(1.0, init=False)

    def __init__(
        self, cassette: Cassette, source: str, interaction: int | None = None, *, freeze_heap: bool = False
    ) -> None:
        super().__init__()
        self.cassette = cassette
        self.source = source
        self.freeze_heap = freeze_heap
        self.streams = cassette.streams()
        self.interaction = pick(cassette, interaction)
        self.timelines: dict[int, Timeline] = {}
        self.positions: dict[int, int] = {}
        self.filters: dict[int, frozenset[str] | None] = {}
        self.search_indexes: dict[int, SearchIndex] = {}
        self.view: EventView | None = None
        self.search_query = ""
        self.search: Search | None = None
        #: Where playback is (tests replace its clock).
        self.playback = Playback()
        self._play_expected: int | None = None
        self._timer: Timer | None = None
        self._shown: tuple[int, int] | None = None
        self._draw_pending = False
        self._stall = -1

    # -- layout -------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TapeHeader()
        yield TimeAxis()
        with Horizontal(id="body"):
            with Vertical(id="events"):
                yield EventList(id="event-list")
                yield IndexProgress()
                yield ListStatus()
                yield Prompt()
            with Vertical(id="panes"):
                yield PaneTabs()
                yield CallbacksPane(id="callbacks")
                yield MessagePane(id="message", classes="-current")
                yield StepPane(id="step")
                yield RunPane(id="run")
                yield RawPane(id="raw")
                yield RequestPane(id="request")
        yield Footer()

    @property
    def event_list(self) -> EventList:
        return self.query_one(EventList)

    @cached_property
    def panes(self) -> list[Pane]:
        """The panes that follow the selected event."""
        return [pane for pane in self.query(Pane) if pane.PER_EVENT]

    @property
    def selected(self) -> int | None:
        return self.event_list.index

    @property
    def drawn(self) -> int | None:
        """The event the panes show (they follow the cursor a moment later: see :meth:`_draw_soon`)."""
        return self._shown[1] if self._shown is not None and self._shown[0] == self.interaction else None

    @property
    def timeline(self) -> Timeline | None:
        return self.timelines.get(self.interaction)

    def on_mount(self) -> None:
        self.load(self.interaction)

    # -- indexing -----------------------------------------------------------------------------------

    def load(self, interaction: int) -> None:
        """Show ``interaction``'s stream, indexing it first (in a thread) if it has not been yet."""
        self.playing = False
        self.interaction = interaction
        if interaction in self.timelines:
            self._install()
            return
        self.view = None
        self.add_class("-indexing")
        self.query_one(IndexProgress).start(f"{self.source} #{interaction}")
        self.refresh_bindings()
        self.index_stream(interaction)

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def index_stream(self, interaction: int) -> tuple[int, Timeline]:
        worker = get_current_worker()
        progress = self.query_one(IndexProgress)
        reported = [0.0]

        def report(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise _Cancelled
            now = time.monotonic()
            if now - reported[0] >= 0.2 or done == total:  # each report relays out the screen: a few suffice
                reported[0] = now
                progress.post_message(IndexProgress.Advanced(done, total))

        with collector_paused(self.freeze_heap):
            timeline = Timeline(self.cassette, interaction, progress=report)
        return interaction, timeline

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "index":
            return
        if event.state == WorkerState.SUCCESS and worker.result is not None:
            interaction, timeline = worker.result
            self.timelines[interaction] = timeline
            if interaction == self.interaction:
                self._install()
        elif event.state == WorkerState.ERROR and not isinstance(worker.error, _Cancelled):
            self.app.exit(return_code=2, message=f"Error: {self.source}: cannot index the stream: {worker.error}")

    def _install(self) -> None:
        timeline = self.timelines[self.interaction]
        self.view = EventView(timeline, self.filters.get(self.interaction))
        index = self.search_indexes.setdefault(self.interaction, SearchIndex(timeline.events))
        self.search = Search(self.view, index, self.search_query) if self.search_query else None
        self.query_one(TapeHeader).show(self.source, timeline, self.streams)
        self.query_one(TimeAxis).show(timing(timeline.interaction_record, timeline.events))
        self._stall = -1
        self.remove_class("-indexing")
        self._shown = None
        self.event_list.show(self.view, self.positions.get(self.interaction, 0), self.search)
        self.event_list.focus()
        self._update_titles()
        self._update_tabs()
        self.refresh_bindings()
        if not len(timeline):
            cut = f"; the transport then raises {timeline.transport_error!r}" if timeline.transport_error else ""
            drawn = panes_of(timeline)
            for pane in self.panes:
                pane.show(Text(f"This stream holds no complete event{cut}.", style="yellow"), pane.title_for(drawn))

    # -- what the panes show ----------------------------------------------------------------------------

    def _select(self, row: int) -> None:
        """Move the cursor to ``row``; the panes follow (see :meth:`_draw_soon`)."""
        self.event_list.cursor = row
        self._draw_soon()

    def on_event_list_selected(self, message: EventList.Selected) -> None:
        timeline = self.timeline
        if timeline is None:
            return
        if self.playing and message.index != self._play_expected:
            self.playback.start(timeline.events[message.index].at)  # moved by hand: play on from here
        self._draw_soon()

    def _draw_soon(self) -> None:
        """Fill the panes for the selected event once the keys already queued are handled: stepping faster
        than the panes draw moves the cursor at every key and draws the panes for where it stops, never for
        an event it has left (the message of a move names the event selected then, not now)."""
        if not self._draw_pending:
            self._draw_pending = True
            self.call_later(self._draw_selected)

    def _draw_selected(self) -> None:
        self._draw_pending = False
        index = self.event_list.index
        if index is not None:
            self._show(index)

    def _show(self, index: int) -> None:
        """Fill the panes for event ``index`` (nothing to do if they already show it)."""
        timeline = self.timeline
        if timeline is None or self._shown == (self.interaction, index):
            return
        self._shown = (self.interaction, index)
        self.positions[self.interaction] = index
        self.query_one(TimeAxis).mark(index)
        self._update_titles()
        moment = timeline[index]
        for pane in self.panes:
            try:
                pane.show_moment(timeline, moment)
            except Exception as exc:  # a stream the SDK's models do not fit must not take the screen down
                pane.show(Text(f"cannot show this: {type(exc).__name__}: {exc}", style="red"), pane.TITLE)

    def _update_titles(self) -> None:
        view = self.view
        events = self.query_one("#events")
        if view is None:
            events.border_title = "events"
            return
        title = "events"
        if view.filtered and view.types is not None:
            title += f" · filter: {len(view.types)} of {len(view.counts())} types"
        if title != str(events.border_title or ""):
            events.border_title = title
        position = f"{self.event_list.cursor + 1 if len(view) else 0:,}/{len(view):,}"
        index = self.event_list.index
        if view.filtered and index is not None:
            position += f" (#{index})"
        notes = []
        if self.search is not None:
            notes.append(f"/{self.search.query}: {len(self.search):,} matches")
        self.query_one(ListStatus).show(position, notes, ("▶ " if self.playing else "") + f"{self.speed:g}x")

    # -- moving -------------------------------------------------------------------------------------------

    @property
    def one_pane(self) -> bool:
        """Whether the terminal is too small to stack the panes, so they take turns."""
        return self.has_class("-narrow") or self.has_class("-short")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_pane":
            return self.one_pane  # hidden when every pane is on screen
        if action in _NEEDS_STREAM and (self.view is None or not len(self.view)):
            return None  # shown disabled in the footer until the stream is indexed
        return True

    def on_resize(self) -> None:
        self.refresh_bindings()
        self._update_tabs()

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

    # -- filtering ------------------------------------------------------------------------------------

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

    # -- playing ------------------------------------------------------------------------------------

    def action_play(self) -> None:
        if self.playing:
            self.playing = False
            return
        if self.view is not None and self.event_list.cursor >= len(self.view) - 1:
            self._select(0)  # at the end, play starts over
        self.playing = True

    def action_speed(self, step: int) -> None:
        if not self.playback.change_speed(step):
            self.notify(f"Already at the {'fastest' if step > 0 else 'slowest'} speed, {self.speed:g}x.")
        self.speed = self.playback.speed

    def watch_speed(self) -> None:
        self._update_titles()

    def watch_playing(self, playing: bool) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if playing:
            timeline, index = self.timeline, self.event_list.index
            self.playback.start(timeline.events[index].at if timeline is not None and index is not None else 0.0)
            self._play_expected = index
            self._tick()
        self._update_titles()

    def _tick(self) -> None:
        self._timer = None
        view = self.view
        if not self.playing or view is None or not len(view):
            return
        row = max(view.row_at(self.playback.position()), self.event_list.cursor)
        if row != self.event_list.cursor:
            self._play_expected = view.index(row)
            self._select(row)
        if row >= len(view) - 1:
            self.playing = False
            self.notify("End of the stream: playback stopped.")
            return
        self._timer = self.set_timer(self.playback.wait(view.events[view.index(row + 1)].at), self._tick)

    # -- streams, panes, help ----------------------------------------------------------------------------

    def action_next_stream(self) -> None:
        if len(self.streams) < 2:
            self.notify("This cassette holds one streamed response.")
            return
        streams = streams_of(self.cassette, self.source)
        self.app.push_screen(StreamsScreen(streams, self.interaction), self._stream_chosen)

    def _stream_chosen(self, interaction: int | None) -> None:
        if interaction is not None and interaction != self.interaction:
            self.load(interaction)

    def action_timing(self) -> None:
        self.query_one(TimeAxis).toggle_class("-shown")

    def action_next_stall(self) -> None:
        """The longest stall, then the next longest ... (wrapping): selects the event that ended it."""
        axis = self.query_one(TimeAxis)
        stalls = axis.timing.stalls if axis.timing is not None else ()
        if not stalls or self.view is None:
            self.notify("No stall: every event arrived with the one before it.", severity="warning")
            return
        self._stall = (self._stall + 1) % len(stalls)
        stall = stalls[self._stall]
        axis.add_class("-shown")
        self._select(self.view.row_of(stall.index))
        self.notify(f"Stall {self._stall + 1} of {len(stalls)}: {stall.gap:.3f}s before event {stall.index}.")

    def on_time_axis_seek(self, message: TimeAxis.Seek) -> None:
        if self.view is not None:
            self._select(self.view.row_of(message.index))

    def action_next_pane(self) -> None:
        panes = self.panes
        current = next((n for n, pane in enumerate(panes) if pane.has_class("-current")), 0)
        panes[current].remove_class("-current")
        panes[(current + 1) % len(panes)].add_class("-current")
        self._update_tabs()

    def _update_tabs(self) -> None:
        panes = self.panes
        current = next((n for n, pane in enumerate(panes) if pane.has_class("-current")), 0)
        drawn = panes_of(self.timeline)  # before the first stream is indexed: the default API's names
        self.query_one(PaneTabs).select([pane.title_for(drawn) for pane in panes], current)

    def action_zoom(self) -> None:
        if self.maximized is not None:
            self.minimize()
        elif isinstance(self.focused, Pane):
            self.maximize(self.focused)
        else:
            self.notify("Focus a pane first (tab), then z to zoom it.")

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.BINDINGS))
