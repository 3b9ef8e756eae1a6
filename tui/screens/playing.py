"""The timeline screen's playback: space plays the stream at its recorded pace from the selected event (a
recording that kept no times: at a steady pace, and says so), ``+`` ``-`` change the speed; a move by hand
while playing plays on from there."""

from __future__ import annotations

from textual.reactive import reactive
from textual.timer import Timer

from ..playback import STEADY, Playback, Schedule
from .stepping import Stepping


class Playing(Stepping):
    """Mixed into the timeline screen, which moves the cursor (``_select``) and shows the titles."""

    playing: reactive[bool] = reactive(False, init=False)
    speed: reactive[float] = reactive(1.0, init=False)

    #: Where playback is (tests replace its clock).
    playback: Playback
    _play_expected: int | None = None
    _timer: Timer | None = None

    @property
    def schedule(self) -> Schedule | None:
        """When each shown event is due in playback (None before any is shown)."""
        if self.view is None:
            return None
        return Schedule(self.view, self.view.timeline.interaction_record.timed)

    def moved_by_hand(self, index: int) -> None:
        """The cursor moved to event ``index``: while playing, by hand (not by playback) means play on from there."""
        schedule = self.schedule
        if self.playing and schedule is not None and index != self._play_expected:
            self.playback.start(schedule.at(index))

    def action_play(self) -> None:
        if self.playing:
            self.playing = False
            return
        if self.view is not None and self.event_list.cursor >= len(self.view) - 1:
            self._select(0)  # at the end, play starts over
        schedule = self.schedule
        if schedule is not None and not schedule.timed:
            self.notify(
                f"No timing recorded: playing one event every {STEADY:g}s at 1x, not the stream's pace (+ - change it)."
            )
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
            schedule, index = self.schedule, self.event_list.index
            self.playback.start(schedule.at(index) if schedule is not None and index is not None else 0.0)
            self._play_expected = index
            self._tick()
        self._update_titles()

    def _tick(self) -> None:
        self._timer = None
        view, schedule = self.view, self.schedule
        if not self.playing or view is None or schedule is None or not len(view):
            return
        row = max(schedule.row_at(self.playback.position()), self.event_list.cursor)
        if row != self.event_list.cursor:
            self._play_expected = view.index(row)
            self._select(row)
        if row >= len(view) - 1:
            self.playing = False
            self.notify("End of the stream: playback stopped.")
            return
        self._timer = self.set_timer(self.playback.wait(schedule.at(view.index(row + 1))), self._tick)
