"""``ssetape tui --follow CASSETTE`` and ``ssetape record --tui``: a recording in progress, read again
whenever the proxy writes to it (its journal, then its cassette).

The selected stream grows event by event; when the cursor is on the last event it follows the new ones
(the panes with it), anywhere else it stays where the user put it. New streams are announced and, when
the one shown has ended and the cursor is at its end, shown.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from ssetape.recorder import CassetteNotFoundError
from ssetape.recorder.proxy import LiveRecording, read_live, revision

from ..formatting import request_path
from ..indexing import Indexed, index_whole
from ..widgets.event_list import EventList
from .timeline import TimelineScreen

__all__ = ["FollowScreen", "Reread", "WaitScreen", "following"]

#: An event index past any stream's end: the cursor goes to the last event.
_LAST = sys.maxsize
#: Seconds between two looks at the recording (each is two ``stat`` calls; it is read only when changed).
POLL = 0.2


@dataclass
class Reread(Message):
    """The recording as read again; ``indexed``: the stream ``interaction`` indexed anew (None: gone)."""

    live: LiveRecording
    interaction: int | None
    indexed: Indexed | None


class _Watching:
    """What both screens do: look at the recording every ``POLL`` seconds and read it again in a thread
    when it changed (a read in progress is cancelled by the next)."""

    out: Path
    _revision: tuple[tuple[int, int], ...] | None = None

    def _start_watching(self) -> None:
        assert isinstance(self, Screen)
        self.set_interval(POLL, self._look)

    def _look(self) -> None:
        current = revision(self.out)
        if current != self._revision:
            self._revision = current
            self._reread(self._wanted())

    def _wanted(self) -> int | None:
        return None

    @work(thread=True, exclusive=True, group="follow", exit_on_error=False)
    def _reread(self, interaction: int | None) -> None:
        worker = get_current_worker()
        try:
            live = read_live(self.out)
        except CassetteNotFoundError:
            return  # nothing recorded yet
        indexed = None
        if interaction is not None and interaction in live.cassette.streams():
            indexed = index_whole(live.cassette, interaction)
        if not worker.is_cancelled:
            assert isinstance(self, Screen)
            self.post_message(Reread(live, interaction, indexed))


class FollowScreen(_Watching, TimelineScreen):
    """The timeline screen over a recording that is still being written."""

    def __init__(self, out: Path, live: LiveRecording, interaction: int | None = None) -> None:
        super().__init__(live.cassette, out.name, interaction)
        self.out = out
        self.in_flight = live.in_flight
        self._revision = live.revision  # not the files' now: what changed since ``live`` was read is read
        self.positions[self.interaction] = _LAST  # open at the end, following

    def on_mount(self) -> None:
        self.sub_title = f"following {self.out}"
        self._start_watching()
        self.notify(f"Following {self.out.name}: new events and streams appear as they are recorded.")

    def _wanted(self) -> int | None:
        return self.interaction

    @property
    def at_end(self) -> bool:
        """Whether the cursor is on the last event (or nothing is shown yet): the list follows new events."""
        return self.view is None or self.event_list.cursor >= len(self.view) - 1

    def on_timeline_screen_shown(self, message: TimelineScreen.Shown) -> None:
        self.call_after_refresh(self._reveal)

    def _reveal(self) -> None:
        """Scroll the list to its cursor (set while the list was laid out anew, it may be off screen)."""
        if self.view is not None and len(self.view):
            self.event_list.cursor = self.event_list.cursor  # the cursor's watcher scrolls it into view

    def on_event_list_selected(self, message: EventList.Selected) -> None:
        timeline = self.timeline
        if timeline is not None and message.index >= len(timeline):
            message.prevent_default()  # from the list of a stream this screen has since replaced

    def on_reread(self, message: Reread) -> None:
        message.stop()
        following = self.at_end
        before = set(self.streams)
        self.cassette, self.in_flight = message.live.cassette, message.live.in_flight
        self.streams = self.cassette.streams()
        indexed = message.indexed
        if indexed is not None and message.interaction == self.interaction:
            self.indexed = {self.interaction: indexed}  # the others are indexed again when shown
            self.search_indexes.pop(self.interaction, None)
            if following:
                self.positions[self.interaction] = max(len(indexed.timeline) - 1, 0)
            elif (selected := self.event_list.index) is not None:
                self.positions[self.interaction] = selected  # a move whose panes are not drawn yet stays
            focused = self.focused
            self._install()
            if focused is not None and focused is not self.event_list:
                focused.focus()  # a new event does not take the focus from a pane
        new = [index for index in self.streams if index not in before]
        for index in new:
            request = self.cassette.interactions[index].request
            self.notify(f"New stream #{index}: {request.method} {request_path(request.uri)} (t lists them)")
        if new and following and self.interaction not in self.in_flight:
            self.positions[new[-1]] = _LAST
            self.load(new[-1])  # the stream shown has ended and the user was at its end: show the new one


class WaitScreen(_Watching, Screen[None]):
    """Until the recording holds a streamed response: says what it is waiting for."""

    DEFAULT_CSS = """
    WaitScreen { align: center middle; & > Static { width: auto; max-width: 90%; color: $text-muted; } }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "app.help", "help", key_display="?", id="ssetape.wait.help"),
    ]

    #: Escape does not come back here once the recording is shown (``TapeApp``'s ``back``).
    returnable = False

    def __init__(self, out: Path) -> None:
        super().__init__()
        self.out = out
        self._done = False

    def compose(self) -> ComposeResult:
        try:
            count = len(read_live(self.out).cassette.interactions)
        except CassetteNotFoundError:
            count = 0
        yield Static(self._waiting(count), markup=False)
        yield Footer()

    def _waiting(self, count: int) -> str:
        return (
            f"Waiting for a streamed response in {self.out.name}…\n"
            f"{count} interaction{'s' if count != 1 else ''} recorded so far"
        )

    def on_mount(self) -> None:
        self.sub_title = f"following {self.out}"
        self._start_watching()
        self._revision = None
        self._look()

    def _look(self) -> None:
        if not self._done:
            super()._look()

    def on_reread(self, message: Reread) -> None:
        message.stop()
        live = message.live
        if live.cassette.streams() and not self._done:
            self._done = True  # the default screen cannot be switched away: the timeline goes on top
            self.app.push_screen(FollowScreen(self.out, live))
            return
        self.query_one(Static).update(self._waiting(len(live.cassette.interactions)))


def following(out: Path) -> Screen[None]:
    """The screen for ``--follow out``: its timeline when it holds a stream, else the wait for one."""
    try:
        live = read_live(out)
    except CassetteNotFoundError:
        return WaitScreen(out)
    if not live.cassette.streams():
        return WaitScreen(out)
    return FollowScreen(out, live)
