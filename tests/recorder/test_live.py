"""recorder.proxy.read_live: a recording in progress as the proxy has written it so far."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssetape.recorder import CassetteDecodeError, CassetteNotFoundError, load
from ssetape.recorder.proxy import read_live, revision
from ssetape.recorder.proxy.journal import journal_path
from ssetape.replayer import Timeline, events
from tests.conftest import FIXTURES
from tests.tui import journals


def test_a_stream_still_arriving_is_what_has_arrived_and_not_cut(tmp_path: Path) -> None:
    out = tmp_path / "session.yaml"
    journals.in_flight(out, "chat_text", 20)
    live = read_live(out)
    (item,) = live.cassette.interactions
    assert live.in_flight == frozenset({0}) and item.complete
    fixture = load(FIXTURES / "chat_text.yaml")
    recorded = fixture.interactions[fixture.streams()[0]]
    whole = events(recorded)
    so_far = events(item)
    assert 0 < len(so_far) < len(whole)
    assert [event.raw for event in so_far] == [event.raw for event in whole[: len(so_far)]]


@pytest.mark.parametrize("fixture", ["gemini_text", "chat_text"])
def test_an_event_still_arriving_appears_exactly_when_its_blank_line_has(fixture: str, tmp_path: Path) -> None:
    """Cut inside each of the first events' data, inside its blank line (Gemini's ``\\r\\n\\r`` before the
    ``\\n``) and just after it: the live view holds the events the whole recording has ended by then, no
    more (Gemini's reader takes a last event lacking its blank line at the end of a *complete* body; a
    last CR may yet be a CRLF), no fewer."""
    out = tmp_path / "session.yaml"
    fixture_cassette = load(FIXTURES / f"{fixture}.yaml")
    whole = events(fixture_cassette.interactions[fixture_cassette.streams()[0]])
    cuts = {event.start + (event.end - event.start) // 2 for event in whole[:3]}
    cuts |= {event.end + offset for event in whole[:3] for offset in (-3, -2, -1, 0, 1)}
    for cut in sorted(cuts):
        journals.in_flight(out, fixture, 0, size=cut)
        live = read_live(out)
        (item,) = live.cassette.interactions
        assert live.in_flight == frozenset({0}) and item.complete
        expected = [event for event in whole if event.end <= cut]
        so_far = events(item)
        assert [(e.name, e.raw, e.start, e.end, e.chunk, e.at) for e in so_far] == [
            (e.name, e.raw, e.start, e.end, e.chunk, e.at) for e in expected
        ], f"cut at byte {cut}: {item.response.body_bytes[-8:]!r}"
        assert len(Timeline(live.cassette, 0)) == len(expected)


def test_the_saved_interactions_come_first_then_the_journals(tmp_path: Path) -> None:
    out = tmp_path / "session.yaml"
    saved = load(FIXTURES / "function_calling.yaml")
    saved.save(out)
    journals.in_flight(out, "chat_text", 5, base=2)
    live = read_live(out)
    assert len(live.cassette.interactions) == 3 and live.in_flight == frozenset({2})
    assert live.cassette.interactions[:2] == saved.interactions[:2]


def test_without_a_journal_the_cassette_is_all_and_without_either_nothing_is_found(tmp_path: Path) -> None:
    out = tmp_path / "session.yaml"
    with pytest.raises(CassetteNotFoundError):
        read_live(out)
    before = revision(out)
    load(FIXTURES / "text.yaml").save(out)
    assert revision(out) != before
    live = read_live(out)
    assert live.in_flight == frozenset() and len(live.cassette.interactions) == len(load(out).interactions)


def test_a_corrupt_journal_is_an_error_not_an_empty_recording(tmp_path: Path) -> None:
    out = tmp_path / "session.yaml"
    journal_path(out).write_text('{"journal": 1, "base": 0}\nnot json\n{"req": 1}\n')
    with pytest.raises(CassetteDecodeError, match="not a journal line"):
        read_live(out)
