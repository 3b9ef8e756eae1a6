"""``ssetape tui DIR``: the cassette picker, driven as a user does (keys, search, sort, Enter, Escape), and
the stream list ``t`` opens inside a cassette."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from ssetape.recorder import load
from ssetape.replayer import StreamInfo, cassette_files, streams_of
from ssetape.tui import TapeApp
from ssetape.tui.picking import arranged, matches
from ssetape.tui.screens import HelpScreen, PickerScreen, StreamsScreen, TimelineScreen
from ssetape.tui.widgets import StreamTable
from tests.conftest import FIXTURES
from tests.tui.helpers import app_for, ready, screen_text

pytestmark = pytest.mark.anyio

PICKED = ["text.yaml", "function_calling.yaml", "chat_text.yaml", "anthropic_tool_use.yaml", "anthropic_cut.yaml"]


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    """A few fixtures, a file that is not a cassette, one with no stream, and a hidden journal."""
    for name in PICKED:
        shutil.copy(FIXTURES / name, tmp_path / name)
    (tmp_path / "sub").mkdir()
    shutil.copy(FIXTURES / "polling.yaml", tmp_path / "sub" / "polling.yaml")
    (tmp_path / "broken.yaml").write_text("interactions: [unclosed\n")
    (tmp_path / ".text.yaml.journal").write_text("{}\n")
    (tmp_path / "notes.txt").write_text("not a cassette")
    return tmp_path


async def picked(pilot: Pilot[None]) -> PickerScreen:
    """The picker once every file is indexed."""
    for _ in range(1000):
        screen = pilot.app.screen
        if isinstance(screen, PickerScreen) and screen.indexed_in is not None:
            await pilot.pause()
            return screen
        await pilot.pause(0.01)
    raise AssertionError("the picker never finished indexing")


def test_cassette_files_searches_directories_and_skips_hidden_files(directory: Path) -> None:
    found = cassette_files([directory, FIXTURES / "text.yaml"])
    names = [path.relative_to(directory).as_posix() if path.is_relative_to(directory) else path.name for path in found]
    assert names == [
        "anthropic_cut.yaml",
        "anthropic_tool_use.yaml",
        "broken.yaml",
        "chat_text.yaml",
        "function_calling.yaml",
        "sub/polling.yaml",
        "text.yaml",
        "text.yaml",  # the fixture named besides the directory: another file
    ]


def test_streams_of_says_what_each_stream_is() -> None:
    path = FIXTURES / "function_calling.yaml"
    cassette = load(path)
    found = streams_of(cassette, path)
    assert [info.interaction for info in found] == cassette.streams()
    assert all(info.kind == "assistants" and info.complete for info in found)
    cut_path = FIXTURES / "anthropic_cut.yaml"
    (cut,) = streams_of(load(cut_path), cut_path)
    model = json.loads(load(cut_path).interactions[cut.interaction].request.body_bytes)["model"]
    assert (cut.kind, cut.complete, cut.model, cut.request) == ("anthropic", False, model, "POST /v1/messages")
    assert cut.recorded_at is not None and cut.events > 0


def test_streams_of_takes_gemini_s_model_from_the_path_and_no_duration_from_a_dump(tmp_path: Path) -> None:
    """Gemini names its model in the URL, not the body; a raw dump kept no times: no 0.00s made up for it."""
    gemini = FIXTURES / "gemini_text.yaml"
    (found,) = streams_of(load(gemini), gemini)
    assert (found.model, found.duration is not None) == ("gemini-2.5-flash", True)
    dump = tmp_path / "text.sse"
    dump.write_bytes(load(FIXTURES / "chat_text.yaml").interactions[0].response.body_bytes)
    (untimed,) = streams_of(load(dump), dump)
    assert untimed.duration is None and untimed.events > 0


def test_search_and_sort_over_rows() -> None:
    rows: list = [
        *streams_of(load(FIXTURES / "chat_text.yaml"), FIXTURES / "chat_text.yaml"),
        *streams_of(load(FIXTURES / "text.yaml"), FIXTURES / "text.yaml"),
        (Path("broken.yaml"), "invalid YAML"),
    ]
    assert [matches(row, "chat gpt") for row in rows] == [True, False, False]
    assert [matches(row, "YAML") for row in rows] == [True, True, True]  # any case
    assert [matches(row, "yaml invalid") for row in rows] == [False, False, True]  # every word, anywhere
    by_events = arranged(rows, sort="events", reverse=True)
    counts = [row.events for row in by_events if isinstance(row, StreamInfo)]
    assert counts == sorted(counts, reverse=True) and not isinstance(by_events[-1], StreamInfo)


async def test_the_picker_lists_every_stream_and_says_why_a_file_has_none(directory: Path) -> None:
    app = TapeApp(screen=lambda: PickerScreen([directory]))
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await picked(pilot)
        table = screen.query_one(StreamTable)
        expected = sum(len(load(directory / name).streams()) for name in PICKED)
        streams = [entry for entry in table.entries if isinstance(entry, StreamInfo)]
        assert len(streams) == expected
        problems = {path.name: why for path, why in (e for e in table.entries if not isinstance(e, StreamInfo))}
        assert problems["polling.yaml"] == "no streamed response"
        assert "invalid YAML" in problems["broken.yaml"] and "\n" not in problems["broken.yaml"]
        assert "notes.txt" not in problems and ".text.yaml.journal" not in problems
        assert f"{expected} streams" in str(screen.query_one("#picker-status").render())


async def test_search_narrows_as_typed_enter_opens_and_escape_comes_back(directory: Path) -> None:
    app = TapeApp(screen=lambda: PickerScreen([directory]))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await picked(pilot)
        await pilot.press("slash", *"anthropic")
        await pilot.pause()
        table = screen.query_one(StreamTable)
        assert {entry.path.name for entry in table.entries} == {"anthropic_tool_use.yaml", "anthropic_cut.yaml"}
        await pilot.press(*" tool")
        await pilot.pause()
        tool_use = len(load(directory / "anthropic_tool_use.yaml").streams())
        assert [entry.path.name for entry in table.entries] == ["anthropic_tool_use.yaml"] * tool_use
        await pilot.press("enter")  # closes the search, back on the table
        await pilot.press("enter")  # opens the selected stream
        timeline = await ready(pilot)
        assert isinstance(timeline, TimelineScreen) and timeline.source == "anthropic_tool_use.yaml"
        assert timeline.timeline is not None and timeline.timeline.kind == "anthropic"
        await pilot.press("j", "j")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.query_one(StreamTable).has_focus
        await pilot.press("escape")  # clears the search: every row again
        await pilot.pause()
        assert len(screen.query_one(StreamTable).entries) == len(screen.entries)


async def test_o_sorts_by_the_next_column_and_O_reverses(directory: Path) -> None:
    app = TapeApp(screen=lambda: PickerScreen([directory]))
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await picked(pilot)
        table = screen.query_one(StreamTable)
        for _ in range(3):  # cassette → API → model → events
            await pilot.press("o")
        await pilot.press("O")
        await pilot.pause()
        assert screen.sort == "events" and screen.reverse
        counts = [entry.events for entry in table.entries if isinstance(entry, StreamInfo)]
        assert counts == sorted(counts, reverse=True) and len(counts) > 3
        assert "sorted by events ↓" in str(screen.query_one("#picker-status").render())


async def test_t_lists_the_cassettes_streams_and_opens_the_one_chosen() -> None:
    app = app_for("function_calling")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        streams = load(FIXTURES / "function_calling.yaml").streams()
        assert screen.interaction == streams[0]
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, StreamsScreen)
        assert app.screen.query_one(StreamTable).cursor_row == 0  # on the stream shown
        await pilot.press("down", "enter")
        await pilot.pause()
        screen = await ready(pilot)
        assert screen.interaction == streams[1]
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("escape")  # back, on the same stream
        await pilot.pause()
        assert app.screen is screen and screen.interaction == streams[1]


def test_the_command_names_a_missing_path_before_taking_the_terminal(directory: Path) -> None:
    from click.testing import CliRunner

    from ssetape.cli import main

    result = CliRunner().invoke(main, ["tui", str(directory), str(directory / "gone.yaml")])
    assert (result.exit_code, result.output) == (2, f"Error: {directory / 'gone.yaml'}: no such cassette\n")
    result = CliRunner().invoke(main, ["tui", str(directory)])
    assert result.exit_code == 2 and "needs an interactive terminal" in result.output


async def test_help_on_the_picker_describes_its_columns_not_the_timeline_panes(directory: Path) -> None:
    async with TapeApp(screen=lambda: PickerScreen([directory])).run_test(size=(160, 45)) as pilot:
        await picked(pilot)
        await pilot.press("question_mark")
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        said = "\n".join(screen_text(pilot.app))
        assert "Columns, one row per streamed response" in said
        assert "complete, or cut off" in said
        assert "Panes (right)" not in said and "current_message_snapshot" not in said
        await pilot.press("escape")
        await pilot.press("enter")  # a stream's timeline: its help is about the panes
        screen = await ready(pilot)
        await pilot.press("question_mark")
        said = "\n".join(screen_text(pilot.app))
        assert "Panes (right)" in said and "Columns, one row" not in said
        assert screen is not pilot.app.screen


async def test_interaction_lists_only_that_stream_of_each_cassette(directory: Path) -> None:
    """``ssetape tui DIR --interaction N``: the picker used to ignore N."""
    streams = {name: load(directory / name).streams() for name in PICKED}
    wanted = streams["function_calling.yaml"][-1]
    async with TapeApp(screen=lambda: PickerScreen([directory], wanted)).run_test(size=(160, 45)) as pilot:
        screen = await picked(pilot)
        table = screen.query_one(StreamTable)
        shown = [entry for entry in table.entries if isinstance(entry, StreamInfo)]
        assert {entry.path.name for entry in shown} == {name for name, found in streams.items() if wanted in found}
        assert all(entry.interaction == wanted for entry in shown)
        problems = {path.name: why for path, why in (e for e in table.entries if not isinstance(e, StreamInfo))}
        lacking = [name for name, found in streams.items() if found and wanted not in found]
        assert lacking and all(problems[name] == f"interaction {wanted} is not a streamed response" for name in lacking)
        assert f"interaction #{wanted} of each" in str(screen.query_one("#picker-status").render())
        table.move_cursor(row=table.entries.index(shown[0]))
        await pilot.pause()
        await pilot.press("enter")
        opened = await ready(pilot)
        assert opened.interaction == wanted


def listed(name: str) -> list[StreamInfo]:
    return streams_of(load(FIXTURES / name), FIXTURES / name)


class _Tables(App[None]):
    def compose(self) -> ComposeResult:
        yield StreamTable(root=FIXTURES, id="batches")
        yield StreamTable(root=FIXTURES, id="at-once")


async def test_rows_drawn_before_a_wider_batch_are_redrawn_at_the_new_widths() -> None:
    """The picker adds rows in batches; a row drawn before the next batch widened the columns (the cursor's)
    must not keep the old widths."""
    short = listed("text.yaml")
    wide = listed("responses_reasoning.yaml") + listed("anthropic_tool_use.yaml")
    app = _Tables()
    async with app.run_test(size=(160, 20)) as pilot:
        batches, at_once = app.query_one("#batches", StreamTable), app.query_one("#at-once", StreamTable)
        batches.add(short)
        await pilot.pause()
        at_once.add(short + wide)
        batches.add(wide)
        batches.render_line(1)  # a frame drawn before the table is idle again
        await pilot.pause()
        drawn = range(len(short + wide) + 1)
        assert [batches.render_line(y).text for y in drawn] == [at_once.render_line(y).text for y in drawn]
