"""The event list's scroll bar, repainted only when its thumb moves, always shows where the list is; its
cursor row, drawn from styles kept between refreshes, shows whether the list has the focus."""

from __future__ import annotations

import pytest
from textual.geometry import Region

from ssetape.tui import TapeApp
from ssetape.tui.widgets import EventList
from tests.tui.helpers import ready, text_run

pytestmark = pytest.mark.anyio


async def test_the_scroll_bar_draws_where_the_list_is_at_every_row_scrolled() -> None:
    async with TapeApp(text_run(2000)).run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        events = screen.query_one(EventList)
        bar = events.vertical_scrollbar
        whole = Region(0, 0, bar.size.width, bar.size.height)
        drawn = set()
        for row in range(1, 400):  # one row at a time: past the first screen, each scrolls the list a row
            events.cursor = row
            kept = bar.render_lines(whole)  # what the screen has of it (its cached lines, unless repainted)
            bar.refresh()
            assert kept == bar.render_lines(whole), row  # what it draws for where the list is now
            drawn.add(tuple(strip.text for strip in kept))
        assert round(events.scroll_y) > 300
        assert len(drawn) > 5  # the thumb did move, by eighths of a cell


async def test_the_cursor_row_shows_whether_the_list_has_the_focus() -> None:
    async with TapeApp(text_run(50)).run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        events = screen.query_one(EventList)

        def cursor_background() -> object:
            first = next(iter(events.render_line(events.cursor - round(events.scroll_y))))
            return first.style.bgcolor  # type: ignore[union-attr]

        focused = cursor_background()
        assert focused == events.get_component_rich_style("event-list--cursor").bgcolor
        screen.panes[0].focus()
        await pilot.pause()
        blurred = cursor_background()
        assert blurred != focused
        assert blurred == events.get_component_rich_style("event-list--cursor").bgcolor
        events.focus()
        await pilot.pause()
        assert cursor_background() == focused
