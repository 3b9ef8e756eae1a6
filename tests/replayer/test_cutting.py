"""``cut_at``: a stream cut after event N, as a cassette of its own, replays through the SDK exactly as the
recording with the connection dropped there (``Fault.cut_after``) does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ssetape import replayer
from ssetape.recorder import Cassette, load
from ssetape.replayer import Fault, ReplayError, Timeline, cut_at, events
from tests.conftest import FIXTURES


def sdk_replay(cassette: Cassette, *faults: Fault) -> tuple[list[Any], str]:
    """What the SDK's own stream yields, and the type of the exception it ends with."""
    seen: list[Any] = []
    with pytest.raises(Exception) as raised:
        with replayer.stream(cassette, faults=list(faults)) as stream:
            for item in stream:
                seen.append(item.model_dump() if hasattr(item, "model_dump") else repr(item))
    return seen, type(raised.value).__name__


@pytest.mark.parametrize(("fixture", "event"), [("chat_text", 50), ("responses_text", 30), ("anthropic_text", 5)])
def test_a_cut_cassette_replays_as_the_stream_dropped_after_that_event(
    tmp_path: Path, fixture: str, event: int
) -> None:
    original = load(FIXTURES / f"{fixture}.yaml")
    path = tmp_path / "cut.yaml"
    cut_at(original, event).save(path)
    cut = load(path)
    assert len(events(cut.interactions[0])) == event + 1
    assert sdk_replay(cut) == sdk_replay(original, Fault.cut_after(event))
    before, after = Timeline(original), Timeline(cut)
    assert [e.at for e in after.events] == [e.at for e in before.events[: event + 1]]
    assert not cut.interactions[0].complete


def test_cutting_after_an_event_the_stream_lacks_says_so() -> None:
    with pytest.raises(ReplayError, match=r"after event 999: its stream has 210 events \(0 to 209\)"):
        cut_at(load(FIXTURES / "chat_text.yaml"), 999)


@pytest.mark.parametrize("dialect", ["sse_dump", "vcrpy_yaml", "content_gzip", "har"])
def test_a_recording_without_timings_is_cut_as_well(tmp_path: Path, dialect: str) -> None:
    """A raw dump or another tool's cassette (no ssetape block, no timings) cut at an event is marked cut too, and
    stays untimed: not a shorter stream that ends cleanly."""
    from tests.dialects import write

    original = load(write(dialect, "chat_tool_call", tmp_path))
    assert not original.interactions[0].timed
    path = tmp_path / "cut.yaml"
    cut_at(original, 7).save(path)
    cut = load(path).interactions[0]
    assert not cut.complete and not cut.timed and len(events(cut)) == 8
    assert sdk_replay(load(path)) == sdk_replay(original, Fault.cut_after(7))
