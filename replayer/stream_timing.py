"""When a stream's events arrived: time to first byte and first token, the longest stalls, the rate, and
arrivals counted along a time axis (the TUI's waterfall draws these; ``ssetape inspect`` prints some).

Times are seconds since the request was sent, as everywhere in a cassette.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from ssetape.recorder import Interaction

from .stream_events import StreamEvent, events, text_of

__all__ = ["Stall", "Timing", "timing"]

#: How many of the longest gaps :func:`timing` keeps.
TOP_STALLS = 5


@dataclass(frozen=True, slots=True)
class Stall:
    """A gap in the stream: nothing arrived for ``gap`` seconds before event ``index`` (at ``at``)."""

    index: int
    at: float
    gap: float

    @property
    def start(self) -> float:
        return self.at - self.gap


@dataclass(frozen=True, slots=True)
class Timing:
    """The arrival times of one stream and what they amount to."""

    #: Each event's arrival, in stream order.
    times: tuple[float, ...]
    #: Arrival of the response headers, of the first body byte, of the first text (token); the whole exchange.
    response_at: float
    first_byte: float | None
    first_token: float | None
    duration: float
    #: Events per second from the first event to the last; None with fewer than two distinct times.
    events_per_second: float | None
    #: The longest gaps between events (the first event's: since the response headers), longest first.
    stalls: tuple[Stall, ...]
    #: Whether the recording says when each byte arrived (``Interaction.timed``): a raw dump, another tool's
    #: cassette or a HAR without times does not, and every time above is then 0, which measures nothing.
    timed: bool = True

    @property
    def span(self) -> float:
        """The length of the time axis: the exchange, or the last event when the chunks say less."""
        return max(self.duration, self.times[-1] if self.times else 0.0)

    def histogram(self, buckets: int) -> list[int]:
        """How many events arrived in each of ``buckets`` equal slices of ``[0, span]``."""
        counts = [0] * max(buckets, 1)
        span = self.span
        for at in self.times:
            counts[self.bucket(at, len(counts), span)] += 1
        return counts

    def bucket(self, seconds: float, buckets: int, span: float | None = None) -> int:
        """The slice of a ``buckets``-wide axis that ``seconds`` falls in (clamped to the axis)."""
        span = self.span if span is None else span
        if span <= 0:
            return 0
        return min(max(int(seconds / span * buckets), 0), buckets - 1)

    def index_in(self, bucket: int, buckets: int) -> int:
        """Where a click on slice ``bucket`` seeks: the last event that arrived in it or before it."""
        if bucket >= buckets - 1:
            return max(len(self.times) - 1, 0)
        end = self.span * max(bucket + 1, 1) / buckets
        return max(bisect_left(self.times, end) - 1, 0)

    def index_at(self, seconds: float) -> int:
        """The last event that had arrived ``seconds`` after the request (0 when none had)."""
        return max(bisect_right(self.times, seconds) - 1, 0)


def timing(interaction: Interaction, decoded: Sequence[StreamEvent] | None = None, *, top: int = TOP_STALLS) -> Timing:
    """The timing of a streamed interaction; ``decoded``: its events, when the caller has them."""
    found = list(decoded) if decoded is not None else events(interaction)
    chunks = interaction.chunks()
    times = tuple(event.at for event in found)
    span = times[-1] - times[0] if found else 0.0
    longest = heapq.nlargest(top, found, key=lambda event: event.gap)
    return Timing(
        times=times,
        response_at=interaction.response_at,
        first_byte=chunks[0].at if chunks else None,
        first_token=next((event.at for event in found if text_of(event)), None),
        duration=max(chunks[-1].at if chunks else 0.0, interaction.response_at),
        events_per_second=(len(found) - 1) / span if span > 0 else None,
        stalls=tuple(Stall(event.index, event.at, event.gap) for event in longest if event.gap > 0),
        timed=interaction.timed,
    )
