"""The timeline screen's playback: space plays the stream at its recorded pace from the selected event,
``+`` ``-`` change the speed; a move by hand while playing plays on from there."""

from __future__ import annotations

from textual.reactive import reactive
from textual.timer import Timer

from ..playback import Playback
from .stepping import Stepping


class Playing(Stepping):
    """Mixed into the timeline screen, which moves the cursor (``_select``) and shows the titles."""

    playing: reactive[bool] = reactive(False, init=False)
    speed: reactive[float] = reactive(1.0, init=False)

    #: Where playback is (tests replace its clock).
    playback: Playback
    _play_expected: int | None = None
    _timer: Timer | None = None

    def moved_by_hand(self, index: int) -> None:
        """The cursor moved to event ``index``: while playing, by hand (not by playback) means play on from there."""
        timeline = self.timeline
        if self.playing and timeline is not None and index != self._play_expected:
            self.playback.start(timeline.events[index].at)

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
