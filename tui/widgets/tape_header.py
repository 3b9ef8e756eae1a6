"""The header line: the cassette, the request, event count, duration, first event and first text,
and a sparkline of the gaps between events (none when the recording kept no times)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Sparkline

from ssetape.replayer import Timeline, text_of

from ..formatting import is_timed, request_line
from .pane import panes_of


def facts(name: str, timeline: Timeline, streams: list[int]) -> str:
    """The header's text, most telling first (a narrow terminal cuts it from the end)."""
    record = timeline.interaction_record
    events = timeline.events
    if not is_timed(record):
        parts = [name, f"{len(events):,} events", "no timing recorded"]
    else:
        parts = [name, f"{len(events):,} events in {timeline.duration:.3f}s"]
        if events:
            parts.append(f"first event +{events[0].at:.3f}s")
        first_text = next((event.at for event in events if text_of(event)), None)
        if first_text is not None:
            parts.append(f"first text +{first_text:.3f}s")
    parts.extend(panes_of(timeline).facts(timeline))  # what differs by API: the run's last status ...
    if not record.complete:
        parts.append("cut off")
    request = request_line(record, timeline.kind)
    if len(streams) > 1:
        request = f"stream {streams.index(timeline.interaction) + 1}/{len(streams)}: {request}"
    parts.append(request)
    return " · ".join(parts)


class TapeHeader(Horizontal):
    """One line at the top of the screen."""

    DEFAULT_CSS = """
    TapeHeader {
        dock: top;
        height: 1;
        background: $panel;
        & > Label {
            width: auto;
            max-width: 85%;
            padding: 0 1;
            text-wrap: nowrap;
            text-overflow: ellipsis;
            text-style: bold;
        }
        & > Sparkline {
            width: 1fr;
            min-width: 10;
            margin: 0 1;
        }
        &.-untimed {  /* every gap is 0: no bars to draw, the facts take the line */
            & > Label { max-width: 100%; }
            & > Sparkline { display: none; }
        }
    }
    """

    def compose(self) -> ComposeResult:
        yield Label("ssetape", markup=False)
        yield Sparkline([0.0], summary_function=max)

    def reading(self, name: str) -> None:
        """While only the stream's first events are indexed: what is known of the whole comes later."""
        self.query_one(Label).update(f"{name} · indexing the whole stream…")

    def show(self, name: str, timeline: Timeline, streams: list[int]) -> None:
        self.query_one(Label).update(facts(name, timeline, streams))
        self.set_class(not is_timed(timeline.interaction_record), "-untimed")
        sparkline = self.query_one(Sparkline)
        sparkline.data = [event.gap for event in timeline.events] or [0.0]
        sparkline.tooltip = "gaps between events (the tallest bar: the longest gap)"
