"""replayer.timing: first byte and token, the longest stalls, the rate and the arrivals along an axis."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssetape.recorder import Interaction, cassette_from_sse, load
from ssetape.replayer import events, stats, timing
from tests import factories as f
from tests.conftest import FIXTURES

EVENTS = [
    *f.run_prelude(),
    f.message_event("thread.message.created"),
    f.message_delta("msg_1", f.text_delta(0, "Hel")),
    f.message_delta("msg_1", f.text_delta(0, "lo")),
    f.run_event("completed"),
]


def _timed(times: list[float], response_at: float = 0.1) -> Interaction:
    """One stream of ``EVENTS``, event ``i`` arriving alone in a chunk at ``times[i]``."""
    pieces = [f.sse_bytes([event]) for event in EVENTS]
    chunks = [(at, len(piece)) for at, piece in zip(times, pieces, strict=True)]
    return cassette_from_sse(b"".join(pieces), chunks=chunks, response_at=response_at).interactions[0]


def test_first_byte_first_token_and_the_longest_stalls_longest_first() -> None:
    item = _timed([0.2, 0.25, 0.3, 1.3, 1.4, 3.4, 3.5], response_at=0.15)
    found = timing(item, top=2)
    assert found.response_at == 0.15
    assert found.first_byte == 0.2
    assert found.first_token == 1.4  # the first text delta, not the message creation before it
    assert [(stall.index, round(stall.gap, 6)) for stall in found.stalls] == [(5, 2.0), (3, 1.0)]
    assert found.stalls[0].start == pytest.approx(1.4)
    assert found.events_per_second == pytest.approx(6 / 3.3)
    assert found.duration == 3.5


def test_the_histogram_counts_every_event_in_its_slice_of_the_axis() -> None:
    found = timing(_timed([0.0, 0.1, 0.2, 0.3, 5.0, 9.9, 10.0]))
    counts = found.histogram(10)
    assert sum(counts) == 7
    assert counts[0] == 4 and counts[5] == 1 and counts[9] == 2  # the last arrival falls in the last slice
    assert found.index_in(4, 10) == 3  # a click on slice 4: the last event by then
    assert found.index_in(5, 10) == 4
    assert found.index_in(9, 10) == 6
    assert found.index_at(5.0) == 4
    assert found.index_at(-1.0) == 0


STREAMS = [(path, index) for path in sorted(FIXTURES.glob("*.yaml")) for index in load(path).streams()]


@pytest.mark.parametrize(("path", "index"), STREAMS, ids=[f"{p.stem}#{i}" for p, i in STREAMS])
def test_agrees_with_stats_on_every_fixture(path: Path, index: int) -> None:
    """``inspect``'s summary and the time axis say the same about the same stream."""
    item = load(path).interactions[index]
    found, summary = timing(item), stats(item)
    assert (found.first_byte, found.first_token, found.duration) == (
        summary.first_byte,
        summary.first_text,
        summary.duration,
    )
    assert found.events_per_second == summary.events_per_second
    assert found.timed == summary.timed
    gaps = sorted((event.gap for event in events(item)), reverse=True)[: len(found.stalls)]
    assert [stall.gap for stall in found.stalls] == [gap for gap in gaps if gap > 0]


def test_a_stream_with_no_events() -> None:
    item = cassette_from_sse(b"data: [DONE]\n\n").interactions[0]
    item.response.body.string = ""
    found = timing(item)
    assert found.times == () and found.stalls == () and found.first_token is None
    assert found.histogram(4) == [0, 0, 0, 0]


def test_a_stream_recorded_without_timings_says_so() -> None:
    """A raw dump: its times are all 0, which measure nothing, and ``timed`` says so (as ``Stats.timed``)."""
    body = b'data: {"n": 0}\n\ndata: {"n": 1}\n\n'
    assert not timing(cassette_from_sse(body).interactions[0]).timed
    assert timing(cassette_from_sse(body, chunks=[(0.2, len(body))]).interactions[0]).timed
