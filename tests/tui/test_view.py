"""The logic under the keys, without a terminal: rows under a filter, navigation, search, formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssetape.recorder import CassetteDecodeError, CassetteNotFoundError
from ssetape.replayer import Timeline
from ssetape.tui.describe import quote
from ssetape.tui.formatting import format_gap, request_path, short_name
from ssetape.tui.search import Search, SearchIndex
from ssetape.tui.source import open_cassette
from ssetape.tui.view import EventView, family
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def code() -> Timeline:
    return Timeline(FIXTURES / "code_interpreter.yaml")


def test_a_filter_keeps_the_chosen_types_and_rows_map_to_the_nearest_shown_event(code: Timeline) -> None:
    view = EventView(code, frozenset({"thread.run.step.created", "thread.run.step.completed"}))
    assert list(view.rows) == [3, 38, 39, 132, 133, 175]
    assert view.row_of(38) == 1 and view.row_of(100) == 2 and view.row_of(0) == 0
    assert view.shows(39) and not view.shows(40)
    assert view.same_type(0, 1) == 2  # 3 -> 39
    assert view.boundary(1, -1) == 0
    assert view.find(5, 1, lambda event: True) is None


def test_colon_takes_an_index_a_relative_row_or_a_time(code: Timeline) -> None:
    view = EventView(code)
    assert view.jump("140", 0).row == 140
    assert view.jump("-10", 140).row == 130 and view.jump("+1000", 140).row == 177
    assert view.jump("2.5s", 0).row == view.row_at(2.5)
    assert view.jump("9999", 0) == view.jump("9999", 5)
    assert view.jump("9999", 0).row == 177 and "the stream has 178 (0 to 177)" in view.jump("9999", 0).note
    assert view.jump("abc", 3).row is None and view.jump("abc", 3).severity == "error"
    steps = EventView(code, frozenset({"thread.run.step.created"}))
    hidden = steps.jump("40", 0)
    assert hidden.row == 1
    assert hidden.note == "Event 40 is hidden by the filter: showing the nearest one before it, #39."
    first = steps.jump("1", 5)  # before the first shown: the nearest is after it, and the note says so
    assert first.row == 0 and first.note == "Event 1 is hidden by the filter: showing the nearest one after it, #3."


def test_choosing_every_type_is_no_filter(code: Timeline) -> None:
    view = EventView(code, frozenset(event.name for event in code.events))
    assert not view.filtered and len(view) == len(code)


def test_row_at_finds_the_last_event_arrived_by_then(code: Timeline) -> None:
    view = EventView(code)
    assert view.row_at(0.0) == 0
    assert code.events[view.row_at(2.5)].at <= 2.5 < code.events[view.row_at(2.5) + 1].at
    assert view.row_at(1e9) == len(code) - 1


def test_search_wraps_both_ways_and_follows_the_filter(code: Timeline) -> None:
    index = SearchIndex(code.events)
    search = Search(EventView(code), index, "matplotlib")
    assert search.matches == [48, 132]
    hit = search.next(48, 1)
    assert hit is not None and (hit.row, hit.wrapped) == (132, False)
    hit = search.next(132, 1)
    assert hit is not None and (hit.row, hit.wrapped) == (48, True)
    hit = search.next(48, -1)
    assert hit is not None and (hit.row, hit.wrapped) == (132, True)
    filtered = Search(EventView(code, frozenset({"thread.run.step.completed"})), index, "matplotlib")
    assert filtered.matches == [132]
    assert Search(EventView(code), index, "nothing like this").next(0, 1) is None


def test_search_is_case_insensitive_unless_the_query_has_capitals(code: Timeline) -> None:
    index, view = SearchIndex(code.events), EventView(code)
    assert 0 < len(Search(view, index, "Revenue")) < len(Search(view, index, "revenue"))


def test_search_matches_decoded_text_as_well_as_json() -> None:
    timeline = Timeline(FIXTURES / "multibyte.yaml")
    index = SearchIndex(timeline.events)
    text = "".join(t for e in timeline.events if (t := _text(e)))
    assert Search(EventView(timeline), index, text[:2]).matches  # CJK or emoji, as the reader sees them


def _text(event: object) -> str | None:
    from ssetape.replayer.stream_events import text_of

    return text_of(event)  # type: ignore[arg-type]


def test_event_families_and_short_names() -> None:
    assert family("thread.run.created") == "run"
    assert family("thread.created") == "run"
    assert family("thread.run.step.delta") == "step"
    assert family("thread.message.delta") == "message"
    assert family("thread.run.failed") == "error"
    assert family("error") == "error"
    assert family("response.output_text.delta") == "message"
    assert family("done") == "other"
    assert short_name("thread.run.step.in_progress") == "run.step.in_progress"


def test_formats() -> None:
    assert format_gap(0.0) == "     ·"
    assert format_gap(0.056) == "  56ms"
    assert format_gap(1.234) == " 1.23s"
    assert request_path("https://api.openai.com/v1/threads/thread_mog3aTMOL2M3CUjc9jGkIzfx/runs") == (
        "/v1/threads/thread_mog3…/runs"
    )
    assert quote("Hello world", 5) == "'Hello…'"
    assert quote("Hello world", 5, tail=True) == "'…world'"
    assert quote("it's", 2, tail=True) == '"…\'s"'


def test_sse_dumps_open_and_bad_files_say_what_is_wrong(tmp_path: Path) -> None:
    dump = tmp_path / "stream.sse"
    dump.write_bytes(b'event: thread.run.created\ndata: {"id": "run_1", "status": "queued"}\n\n')
    assert len(Timeline(open_cassette(dump))) == 1
    with pytest.raises(CassetteNotFoundError, match="no such cassette"):
        open_cassette(tmp_path / "missing.sse")
    (tmp_path / "empty.sse").write_text("hello\n")
    with pytest.raises(CassetteDecodeError, match="holds no Server-Sent Events"):
        open_cassette(tmp_path / "empty.sse")
    (tmp_path / "dir.sse").mkdir()
    with pytest.raises(CassetteDecodeError, match="is a directory"):
        open_cassette(tmp_path / "dir.sse")
