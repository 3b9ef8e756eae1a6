"""The time axis (T) on the timeline screen: shown on demand, marking the selected event, seeking on a
click and jumping from stall to stall (s), as a user drives it."""

from __future__ import annotations

import pytest

from ssetape.recorder import load
from ssetape.replayer import timing
from ssetape.tui.widgets import TimeAxis
from tests.conftest import FIXTURES
from tests.tui.helpers import Notes, app_for, ready

pytestmark = pytest.mark.anyio


async def test_T_shows_the_axis_with_the_facts_and_hides_it_again() -> None:
    app = app_for("code_interpreter")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await ready(pilot)
        axis = screen.query_one(TimeAxis)
        assert not axis.display or axis.size.height == 0 or not axis.has_class("-shown")
        await pilot.press("T")
        await pilot.pause()
        assert axis.has_class("-shown") and axis.size.height == 3
        expected = timing(load(FIXTURES / "code_interpreter.yaml").interactions[screen.interaction])
        lines = [strip.text for strip in axis.render_lines(axis.region.reset_offset)]  # type: ignore[attr-defined]
        assert f"first byte +{expected.first_byte:.3f}s" in lines[2]
        assert "▲" in lines[1]
        await pilot.press("T")
        await pilot.pause()
        assert not axis.has_class("-shown")


async def test_s_visits_the_longest_stalls_longest_first_and_wraps() -> None:
    notes = Notes()
    app = app_for("text")
    async with app.run_test(size=(120, 36), message_hook=notes) as pilot:
        screen = await ready(pilot)
        stalls = timing(load(FIXTURES / "text.yaml").interactions[screen.interaction]).stalls
        assert len(stalls) >= 2
        visited = []
        for _ in range(len(stalls) + 1):
            await pilot.press("s")
            await pilot.pause()
            visited.append(screen.event_list.index)
        assert visited == [stall.index for stall in stalls] + [stalls[0].index]
        assert screen.query_one(TimeAxis).has_class("-shown")  # s shows the axis it jumps along
        assert f"{stalls[0].gap:.3f}s before event {stalls[0].index}" in notes


async def test_a_click_on_the_axis_seeks_to_that_time_and_the_marker_follows() -> None:
    app = app_for("text")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await ready(pilot)
        await pilot.press("T")
        await pilot.pause()
        axis = screen.query_one(TimeAxis)
        width = axis.content_size.width
        found = timing(load(FIXTURES / "text.yaml").interactions[screen.interaction])
        await pilot.click(TimeAxis, offset=(1 + width - 1, 0))  # the last slice: the last event
        await pilot.pause()
        assert screen.event_list.index == len(found.times) - 1
        middle = width // 2
        await pilot.click(TimeAxis, offset=(1 + middle, 0))
        await pilot.pause()
        assert screen.event_list.index == found.index_in(middle, width)
        assert axis.selected == screen.event_list.index
        await pilot.resize_terminal(160, 45)  # a wider axis redraws its slices for the new width
        await pilot.pause()
        assert axis.content_size.width > width
        await pilot.press("g")
        await pilot.pause()
        assert axis.selected == 0


async def test_s_onto_a_stall_the_filter_hides_says_which_event_it_shows() -> None:
    notes = Notes()
    app = app_for("text")
    async with app.run_test(size=(120, 36), message_hook=notes) as pilot:
        screen = await ready(pilot)
        stall = timing(load(FIXTURES / "text.yaml").interactions[screen.interaction]).stalls[0]
        assert screen.timeline is not None and screen.view is not None
        hidden = screen.view.names[stall.index]
        shown = frozenset(name for name in screen.view.names if name != hidden)
        screen.filters[screen.interaction] = shown
        screen._install()
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert screen.view is not None and screen.event_list.index != stall.index
        showing = screen.view.index(screen.event_list.cursor)
        assert f"{stall.gap:.3f}s before event {stall.index}, which the filter hides: showing #{showing}." in notes


@pytest.mark.parametrize(("fixture", "offered"), [("gemini_text", False), ("chat_text", True)])
async def test_n_is_offered_only_where_the_api_marks_boundaries(fixture: str, offered: bool) -> None:
    """Gemini chunks mark no message or step boundaries: the footer does not offer n / N, which would find none."""
    from tests.tui.helpers import screen_text

    async with app_for(fixture).run_test(size=(160, 45)) as pilot:
        screen = await ready(pilot)
        await pilot.pause()
        assert screen.check_action("boundary", (1,)) is offered
        assert ("boundary" in screen_text(pilot.app)[-1]) is offered
