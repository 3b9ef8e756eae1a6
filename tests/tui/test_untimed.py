"""A recording that kept no times (a raw ``.sse`` dump, another tool's cassette: ``Interaction.timed`` False,
every time 0) in the TUI, as a user drives it: no zero shown as a time, and each timing key (T, s, ``:2.5s``,
space) saying in one line that the recording kept none, where it jumped to the end or said there was no stall."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Sparkline

from ssetape.recorder import load
from ssetape.replayer import Timeline
from ssetape.tui import TapeApp
from ssetape.tui.playback import STEADY, Schedule
from ssetape.tui.screens import CompareScreen, TimelineScreen
from ssetape.tui.source import open_cassette
from ssetape.tui.view import EventView
from ssetape.tui.widgets import SidePane, TimeAxis
from tests.conftest import FIXTURES
from tests.tui.helpers import Notes, app_for, ready, screen_text

pytestmark = pytest.mark.anyio

SIZE = (160, 45)


def dump(tmp_path: Path, name: str = "anthropic_text") -> Path:
    """The body of ``fixtures/<name>.yaml``'s first stream as a raw ``.sse`` dump: its events, no times."""
    path = tmp_path / f"{name}.sse"
    path.write_text(load(FIXTURES / f"{name}.yaml").interactions[0].response.body.string or "")
    return path


def untimed_app(tmp_path: Path) -> TapeApp:
    path = dump(tmp_path)
    cassette = open_cassette(path)
    assert not cassette.interactions[0].timed
    return TapeApp(cassette, source=path.name)


async def typed(pilot: Pilot[None], keys: str) -> None:
    for key in keys:
        await pilot.press(key)


async def test_T_says_there_is_no_time_axis_instead_of_drawing_zeros(tmp_path: Path) -> None:
    notes = Notes()
    async with untimed_app(tmp_path).run_test(size=SIZE, message_hook=notes) as pilot:
        screen = await ready(pilot)
        await pilot.press("T")
        await pilot.pause()
        axis = screen.query_one(TimeAxis)
        assert not axis.has_class("-shown")
        assert "No timing recorded: this recording kept no times, so there is no time axis." in notes
        assert not any("+0.000s" in row for row in screen_text(pilot.app))  # type: ignore[arg-type]
        axis.add_class("-shown")  # shown all the same (as it stays when t switches to such a stream)
        await pilot.pause()
        drawn = "\n".join(strip.text for strip in axis.render_lines(axis.region.reset_offset))  # type: ignore[attr-defined]
        assert "no timing recorded" in drawn and "0.000s" not in drawn and "first byte" not in drawn


async def test_s_says_the_recording_kept_no_times_not_that_there_is_no_stall(tmp_path: Path) -> None:
    notes = Notes()
    async with untimed_app(tmp_path).run_test(size=SIZE, message_hook=notes) as pilot:
        screen = await ready(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert "No timing recorded: this recording kept no times, so there are no stalls to visit." in notes
        assert "No stall" not in notes
        assert screen.event_list.index == 0 and not screen.query_one(TimeAxis).has_class("-shown")


async def test_a_jump_to_a_time_stays_put_and_says_why(tmp_path: Path) -> None:
    notes = Notes()
    async with untimed_app(tmp_path).run_test(size=SIZE, message_hook=notes) as pilot:
        screen = await ready(pilot)
        await pilot.press("colon")
        await typed(pilot, "2.5s")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert screen.event_list.index == 0  # not the last event, where every event's time 0 put 2.5s
        assert "No timing recorded: this recording kept no times, so there is no 2.5s to jump to" in notes
        await pilot.press("colon")
        await typed(pilot, "+3")  # numbers still work
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert screen.event_list.index == 3


async def test_space_plays_one_event_at_a_time_at_a_steady_pace_and_says_so(tmp_path: Path) -> None:
    notes = Notes()
    async with untimed_app(tmp_path).run_test(size=SIZE, message_hook=notes) as pilot:
        screen = await ready(pilot)
        assert screen.view is not None and len(screen.view) > 10
        now = [100.0]
        screen.playback.clock = lambda: now[0]  # playback advances only when the test says so
        await pilot.press("space")
        assert screen.playing
        assert f"No timing recorded: playing one event every {STEADY:g}s at 1x" in notes
        now[0] += 3 * STEADY
        for _ in range(50):  # a tick comes at least every MAX_TICK of real time
            await pilot.pause(0.05)
            if screen.event_list.index == 3:
                break
        assert screen.event_list.index == 3 and screen.playing  # three steps on, not at the end
        assert "End of the stream: playback stopped." not in notes
        await pilot.press("down", "down")  # by hand: plays on from there
        await pilot.pause()
        now[0] += STEADY
        for _ in range(50):
            await pilot.pause(0.05)
            if screen.event_list.index == 6:
                break
        assert screen.event_list.index == 6
        now[0] += len(screen.view) * STEADY
        for _ in range(50):
            await pilot.pause(0.05)
            if not screen.playing:
                break
        assert screen.event_list.index == len(screen.view) - 1
        assert "End of the stream: playback stopped." in notes


async def test_the_header_draws_no_sparkline_of_gaps_it_does_not_know(tmp_path: Path) -> None:
    async with untimed_app(tmp_path).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert not screen.query_one(Sparkline).display
        assert "no timing recorded" in screen_text(pilot.app)[0]  # type: ignore[arg-type]
    async with app_for("anthropic_text").run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.query_one(Sparkline).display


async def test_side_by_side_shows_no_time_for_an_untimed_side(tmp_path: Path) -> None:
    a = load(FIXTURES / "anthropic_text.yaml")
    b = open_cassette(dump(tmp_path))
    app = TapeApp(screen=lambda: CompareScreen(a, b, ("anthropic_text.yaml", "anthropic_text.sse")))
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(1000):
            screen = pilot.app.screen
            if isinstance(screen, CompareScreen) and screen.alignment is not None:
                break
            await pilot.pause(0.01)
        await pilot.pause()
        assert isinstance(screen, CompareScreen)
        row = screen.alignment.rows[screen.row] if screen.alignment is not None else None
        assert row is not None and row.a is not None and row.b is not None
        left = screen.query_one("#side-a", SidePane).text
        right = screen.query_one("#side-b", SidePane).text
        assert f"A #{row.a}  +" in left  # the recording's time
        assert f"B #{row.b}  " in right and "+0.000s" not in right


async def test_a_timed_stream_keeps_its_timing_keys() -> None:
    notes = Notes()
    async with app_for("text").run_test(size=SIZE, message_hook=notes) as pilot:
        screen = await ready(pilot)
        assert isinstance(screen, TimelineScreen)
        await pilot.press("T")
        await pilot.pause()
        assert screen.query_one(TimeAxis).has_class("-shown")
        await pilot.press("s")
        await pilot.pause()
        assert "Stall 1 of" in notes
        assert not any("No timing recorded" in note for note in notes.messages)


def test_the_schedule_of_an_untimed_stream_is_one_shown_event_per_step(tmp_path: Path) -> None:
    timeline = Timeline(open_cassette(dump(tmp_path)))
    view = EventView(timeline)
    schedule = Schedule(view, timed=False)
    assert [schedule.at(index) for index in range(3)] == [0.0, STEADY, 2 * STEADY]
    assert schedule.row_at(0.0) == 0 and schedule.row_at(3 * STEADY) == 3
    assert schedule.row_at(-1.0) == 0 and schedule.row_at(1e6) == len(view) - 1
    first = view.names[0]
    filtered = EventView(timeline, frozenset(name for name in view.names if name != first))
    hidden = Schedule(filtered, timed=False)
    assert hidden.at(filtered.index(0)) == 0.0 and hidden.at(filtered.index(1)) == STEADY  # shown rows, in turn
