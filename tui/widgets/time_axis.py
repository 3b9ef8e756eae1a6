"""The time axis under the header: how many events arrived when, where the selected one is, and the facts
of the stream's timing (first byte and token, the rate, the longest stalls). A click seeks."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from ssetape.replayer import Timing

_BARS = " ▁▂▃▄▅▆▇█"


@dataclass(frozen=True, slots=True)
class Axis:
    """What the axis draws at a given width, computed once per stream and width."""

    counts: list[int]
    stalls: list[int]  # the slice each of the longest stalls starts in
    bars: Text  # the first line: the counts as bars


class TimeAxis(Widget, can_focus=False):
    """Three lines: arrivals per slice of time, the axis with the selected event (▲) and the stalls (◆),
    and the timing facts. Receives a :class:`replayer.Timing`; draws only."""

    DEFAULT_CSS = """
    TimeAxis {
        height: 3;
        padding: 0 1;
        background: $boost;
        display: none;
        &.-shown { display: block; }
    }
    """

    @dataclass
    class Seek(Message):
        """A click on the axis: show event ``index``."""

        index: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.timing: Timing | None = None
        self.selected = 0
        self._axis: tuple[int, Axis] | None = None

    def show(self, timing: Timing) -> None:
        self.timing = timing
        self._axis = None
        self.refresh()

    def mark(self, index: int) -> None:
        if index != self.selected:
            self.selected = index
            if self.display:  # hidden: drawn when shown (a hidden widget's refresh re-maps the whole screen)
                self.refresh()

    def on_show(self) -> None:
        self.refresh()

    @property
    def _width(self) -> int:
        return max(self.content_size.width, 1)

    def _computed(self) -> Axis:
        width = self._width
        if self._axis is None or self._axis[0] != width:
            assert self.timing is not None
            span = self.timing.span
            stalls = [self.timing.bucket(stall.start, width, span) for stall in self.timing.stalls]
            counts = self.timing.histogram(width)
            top = max(counts, default=0) or 1
            bars = Text("".join(_BARS[0 if not n else max(1, round(n / top * (len(_BARS) - 1)))] for n in counts))
            bars.stylize("cyan")
            self._axis = (width, Axis(counts, stalls, bars))
        return self._axis[1]

    def render(self) -> Text:
        timing = self.timing
        if timing is None or not timing.times:
            return Text("no events: nothing arrived to draw", style="dim")
        if not timing.timed:  # every time is 0: an axis of them would be a lie
            return Text("no timing recorded: this recording kept no times, so there is no axis to draw", style="dim")
        width = self._width
        axis = self._computed()
        line = [" "] * width
        for bucket in axis.stalls:
            line[bucket] = "◆"
        here = timing.bucket(timing.times[min(self.selected, len(timing.times) - 1)], width)
        line[here] = "▲"
        marks = Text("".join(line))
        for bucket in axis.stalls:
            marks.stylize("yellow", bucket, bucket + 1)
        marks.stylize("bold reverse", here, here + 1)
        return Text("\n").join([axis.bars, marks, facts(timing, self.selected, width)])

    def on_click(self, event: events.Click) -> None:
        if self.timing is None or not self.timing.times or not self.timing.timed:
            return
        x = event.x - self.styles.padding.left
        if 0 <= x < self._width:
            self.post_message(self.Seek(self.timing.index_in(x, self._width)))


def facts(timing: Timing, selected: int, width: int) -> Text:
    """The third line: the selected event's time, first byte and token, rate, the longest stalls."""
    at = timing.times[min(selected, len(timing.times) - 1)]
    parts = [f"#{selected} +{at:.3f}s / {timing.span:.3f}s"]
    if timing.first_byte is not None:
        parts.append(f"first byte +{timing.first_byte:.3f}s")
    if timing.first_token is not None:
        parts.append(f"first token +{timing.first_token:.3f}s")
    if timing.events_per_second is not None:
        parts.append(f"{timing.events_per_second:,.1f} ev/s")
    if timing.stalls:
        parts.append("stalls " + " ".join(f"{stall.gap:.2f}s→#{stall.index}" for stall in timing.stalls))
    text = Text(" · ".join(parts), no_wrap=True, overflow="ellipsis")
    text.truncate(width, overflow="ellipsis")
    return text
