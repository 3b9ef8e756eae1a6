"""recorder.proxy.read_live: a recording in progress as the proxy has written it so far."""

from __future__ import annotations

import itertools
import zlib
from pathlib import Path

import pytest

from ssetape.recorder import CassetteDecodeError, CassetteNotFoundError, load
from ssetape.recorder.proxy import read_live, revision
from ssetape.recorder.proxy.journal import journal_path, read_journal
from ssetape.replayer import StreamEvent, Timeline, events
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
        _shows(out, [event for event in whole if event.end <= cut], f"cut at byte {cut}")


def _shows(out: Path, expected: list[StreamEvent], where: str) -> None:
    """The live view of ``out`` holds its one stream, in flight, with exactly the ``expected`` events."""
    live = read_live(out)
    (item,) = live.cassette.interactions
    assert live.in_flight == frozenset({0}) and item.complete
    so_far = events(item)
    assert [(e.name, e.raw, e.start, e.end, e.chunk, e.at) for e in so_far] == [
        (e.name, e.raw, e.start, e.end, e.chunk, e.at) for e in expected
    ], where
    assert len(Timeline(live.cassette, 0)) == len(expected)


@pytest.mark.parametrize("fixture", ["gemini_text", "chat_text"])
@pytest.mark.parametrize("gzip", ["flushed", "members"])
def test_a_compressed_event_still_arriving_appears_exactly_when_its_blank_line_has(
    fixture: str, gzip: str, tmp_path: Path
) -> None:
    """A gzip stream cut at every fifth byte of its first chunks and around each chunk's end, so inside a gzip
    member and, decoded, inside an event or its blank line: the live view holds the events the bytes so far
    decode to the end of, no more (Gemini's reader would take the event being written as the last), no fewer."""
    out = tmp_path / "session.yaml"
    fixture_cassette = load(FIXTURES / f"{fixture}.yaml")
    whole = events(fixture_cassette.interactions[fixture_cassette.streams()[0]])
    journals.in_flight(out, fixture, 4, gzip=gzip)
    ((_, sent),) = read_journal(journal_path(out)).interactions
    compressed = sent.response.body_bytes
    assert sent.response.header("content-encoding") == "gzip" and len(_gunzipped(compressed)) > whole[2].end
    ends = list(itertools.accumulate(size for _, size in sent.response.ssetape.chunks))
    decoded_to = set()
    for cut in sorted({*range(1, len(compressed), 5), *(end + offset for end in ends for offset in (-1, 0, 1))}):
        journals.in_flight(out, fixture, 0, size=cut, gzip=gzip)
        arrived = len(_gunzipped(compressed[:cut]))
        decoded_to.add(arrived)
        expected = [event for event in whole if event.end <= arrived]
        _shows(out, expected, f"cut at byte {cut} of the gzip body, {arrived} decoded")
    inside = {at for at in decoded_to for event in whole[:3] if event.start < at < event.end}
    assert len(inside) > 3, "cuts whose bytes decode to the middle of an event"


@pytest.mark.parametrize("encoding", ["gzip", "compress"])
def test_a_stream_not_in_its_coding_is_kept_as_sent(tmp_path: Path, encoding: str) -> None:
    """Bytes that are not gzip, or a coding ssetape has no decoder for: the live view keeps them as they came
    (reading its events then says what is wrong, as for a saved recording), rather than failing to show the rest."""
    out = tmp_path / "session.yaml"
    journals.in_flight(out, "chat_text", 3)
    journal = journal_path(out)
    lines = journal.read_text().splitlines(keepends=True)
    coded = f'"headers": {{"content-encoding": ["{encoding}"], '
    journal.write_text("".join(line.replace('"headers": {', coded) if '"res"' in line else line for line in lines))
    ((_, sent),) = read_journal(journal).interactions
    live = read_live(out)
    (item,) = live.cassette.interactions
    assert live.in_flight == frozenset({0}) and item.response.header("content-encoding") == encoding
    assert item.response.body_bytes == sent.response.body_bytes
    with pytest.raises(ValueError, match=encoding):
        events(item)


def _gunzipped(data: bytes) -> bytes:
    """What a client has decoded of the gzip bytes ``data`` (members one after another, the last maybe cut)."""
    out = b""
    while data:
        member = zlib.decompressobj(wbits=31)
        out += member.decompress(data)
        data = member.unused_data if member.eof else b""
    return out


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
