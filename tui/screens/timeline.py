"""The main screen: the event list on the left, what the handler sees on the right.

Its keys are in ``timeline_keys``; the moves they make in ``navigation``, playback in ``playing``, copying
and cutting in ``takeout_keys``. This module shows a stream: indexes it (a first look at a long one at once,
the whole in a thread) and fills the panes for the selected event.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, WorkerState, get_current_worker

from ssetape.apis import api
from ssetape.recorder import Cassette, collector_paused
from ssetape.replayer import Timeline, pick, streams_of

from ..heap import freeze_heap
from ..indexing import Indexed, first_look, index_whole
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
from .help import HelpScreen
from .navigation import Navigation
from .playing import Playing
from .streams import StreamsScreen
from .takeout_keys import TakeOut
from .timeline_keys import BINDINGS, NEEDS_STREAM

#: Panes drawn less than this many seconds ago wait for the keys already queued (a held key).
_BURST = 0.05


class _Cancelled(Exception):
    """Raised inside the indexing thread when its worker is cancelled."""


class TimelineScreen(Navigation, Playing, TakeOut, Screen[None]):
    """Step through one streamed interaction of a cassette (``t``: the next one)."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012 (Textual declares it)
    #: Under this many rows (or in a narrow terminal) the panes take turns (``p``) instead of stacking.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]  # noqa: RUF012

    BINDINGS: ClassVar[list[BindingType]] = BINDINGS
    #: What ``?`` describes besides the keys (see ``HelpScreen``).
    HELP_TOPIC = "timeline"

    @dataclass
    class Shown(Message):
        """A stream's whole index is on screen (again after a filter, or when a recording followed grew)."""

        interaction: int

    def __init__(
        self, cassette: Cassette, source: str, interaction: int | None = None, *, freeze_heap: bool = False
    ) -> None:
        super().__init__()
        self.cassette = cassette
        self.source = source
        self.freeze_heap = freeze_heap
        self.streams = cassette.streams()
        self.interaction = pick(cassette, interaction)
        #: The streams indexed whole, by interaction.
        self.indexed: dict[int, Indexed] = {}
        #: The first events of the stream being indexed, shown meanwhile (see ``tui.indexing``).
        self.first_look: tuple[int, Timeline] | None = None
        self.positions: dict[int, int] = {}
        self.filters: dict[int, frozenset[str] | None] = {}
        self.search_indexes: dict[int, SearchIndex] = {}
        self.view: EventView | None = None
        self.search_query = ""
        self.search: Search | None = None
        self.playback = Playback()
        self._shown: tuple[int, int] | None = None
        self._draw_pending = False
        self._drawn_at = 0.0
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
        """The stream shown, once indexed whole."""
        indexed = self.indexed.get(self.interaction)
        return indexed.timeline if indexed is not None else None

    @property
    def shown_timeline(self) -> Timeline | None:
        """What the list and panes show: the stream indexed whole, or meanwhile its first look."""
        if self.first_look is not None and self.first_look[0] == self.interaction:
            return self.first_look[1]
        return self.timeline

    def on_mount(self) -> None:
        self.load(self.interaction)

    # -- indexing -----------------------------------------------------------------------------------

    def load(self, interaction: int) -> None:
        """Show ``interaction``'s stream, indexing it first (in a thread) if it has not been yet; a long
        stream's first events are shown at once, meanwhile."""
        self.playing = False
        self.interaction = interaction
        if interaction in self.indexed:
            self._install()
            return
        self.view = None
        self.query_one(IndexProgress).start(f"{self.source} #{interaction}")
        look = first_look(self.cassette, interaction)
        if look is None:
            self.add_class("-indexing")
            self.refresh_bindings()
            self.index_stream(self.cassette, interaction)
            return
        self.first_look = (interaction, look)
        self.add_class("-first-look")
        self.view = EventView(look, upto=len(look) - 1)
        self.query_one(TapeHeader).reading(self.source)
        self._shown = None
        self.event_list.show(self.view, self.positions.get(interaction, 0))
        self.event_list.focus()
        self._update_tabs()
        self.refresh_bindings()
        # once the first look is on screen: the thread would slow its first frame down
        self.call_after_refresh(self.index_stream, self.cassette, interaction)

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def index_stream(self, cassette: Cassette, interaction: int) -> tuple[Cassette, int, Indexed]:
        """``cassette``'s stream ``interaction``, indexed whole: shown if the screen still has that cassette."""
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

        with collector_paused():
            indexed = index_whole(cassette, interaction, progress=report)
        if self.freeze_heap:
            freeze_heap()
        return cassette, interaction, indexed

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "index":
            return
        if event.state == WorkerState.SUCCESS and worker.result is not None:
            cassette, interaction, indexed = worker.result
            if cassette is not self.cassette:  # replaced while it was read (a recording followed, read again)
                if interaction == self.interaction and interaction not in self.indexed:
                    self.index_stream(self.cassette, interaction)
                return
            self.indexed[interaction] = indexed
            if interaction == self.interaction:
                self._install()
        elif event.state == WorkerState.ERROR and not isinstance(worker.error, _Cancelled):
            self.app.exit(return_code=2, message=f"Error: {self.source}: cannot index the stream: {worker.error}")

    def _install(self) -> None:
        indexed = self.indexed[self.interaction]
        timeline = indexed.timeline
        self.first_look = None
        self.view = EventView(timeline, self.filters.get(self.interaction))
        index = self.search_indexes.setdefault(self.interaction, SearchIndex(timeline.events))
        self.search = Search(self.view, index, self.search_query) if self.search_query else None
        self.query_one(TapeHeader).show(self.source, timeline, self.streams)
        self.query_one(TimeAxis).show(indexed.timing)
        self._stall = -1
        self.remove_class("-indexing", "-first-look")
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
        self.post_message(self.Shown(self.interaction))

    # -- what the panes show ----------------------------------------------------------------------------

    def _select(self, row: int) -> None:
        """Move the cursor to ``row``; the panes follow (see :meth:`_draw_soon`)."""
        self.event_list.cursor = row
        self._draw_soon()

    def on_event_list_selected(self, message: EventList.Selected) -> None:
        if self.shown_timeline is None:
            return
        self.moved_by_hand(message.index)
        self._draw_soon()

    def _draw_soon(self) -> None:
        """Fill the panes for the selected event: at once (in the frame that moves the cursor) unless they
        were drawn moments ago; then once the keys already queued are handled. Stepping faster than the
        panes draw moves the cursor at every key and draws the panes for where it stops, never for an event
        it has left (the message of a move names the event selected then, not now)."""
        if self._draw_pending:
            return
        if time.monotonic() - self._drawn_at > _BURST:
            self._draw_selected()
            return
        self._draw_pending = True
        self.call_later(self._draw_selected)

    def _draw_selected(self) -> None:
        self._draw_pending = False
        index = self.event_list.index
        if index is not None:
            self._show(index)
        self._drawn_at = time.monotonic()

    def _show(self, index: int) -> None:
        """Fill the panes for event ``index`` (nothing to do if they already show it)."""
        timeline = self.shown_timeline
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
        if view is None or self.timeline is None:
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

    # -- keys -----------------------------------------------------------------------------------------

    @property
    def one_pane(self) -> bool:
        """Whether the terminal is too small to stack the panes, so they take turns."""
        return self.has_class("-narrow") or self.has_class("-short")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_pane":
            return self.one_pane  # hidden when every pane is on screen
        if action == "boundary" and self.timeline is not None and not api(self.timeline.kind).events.BOUNDARIES:
            return False  # not offered where the API marks none (Gemini, generic SSE): n would find nothing
        if action in NEEDS_STREAM and (self.timeline is None or self.view is None or not len(self.view)):
            return None  # shown disabled in the footer until the stream is indexed
        return True

    def on_resize(self) -> None:
        self.refresh_bindings()
        self._update_tabs()

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

    def action_next_pane(self) -> None:
        panes = self.panes
        current = next((n for n, pane in enumerate(panes) if pane.has_class("-current")), 0)
        panes[current].remove_class("-current")
        panes[(current + 1) % len(panes)].add_class("-current")
        self._update_tabs()

    def _update_tabs(self) -> None:
        panes = self.panes
        current = next((n for n, pane in enumerate(panes) if pane.has_class("-current")), 0)
        drawn = panes_of(self.shown_timeline)  # before the first stream is indexed: the default API's names
        self.query_one(PaneTabs).select([pane.title_for(drawn) for pane in panes], current)

    def action_zoom(self) -> None:
        if self.maximized is not None:
            self.minimize()
        elif isinstance(self.focused, Pane):
            self.maximize(self.focused)
        else:
            self.notify("Focus a pane first (tab), then z to zoom it.")

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.BINDINGS, self.HELP_TOPIC))
