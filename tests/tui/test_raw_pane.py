"""The raw event pane on an event whose JSON is far longer than the pane: it lays out the start, says how
much more there is, and lays out the rest as the user scrolls down to it (or all of it at ``end``)."""

from __future__ import annotations

import json

import pytest

from ssetape.fixtures.emulator import render_response_stream
from ssetape.recorder import Cassette, cassette_from_sse
from ssetape.replayer import Timeline
from ssetape.tui import TapeApp
from ssetape.tui.widgets import Pane, RawPane
from ssetape.tui.widgets.raw_pane import PAGE
from tests.tui.helpers import ready

pytestmark = pytest.mark.anyio

SIZE = (160, 45)


def long_text_response() -> Cassette:
    """A Responses stream whose last events each carry a text of some 7,500 characters."""
    body = {"model": "gpt-4o", "input": "hi", "metadata": {"scenario": "text", "deltas": "1500"}}
    chunks = [chunk for _, chunk in render_response_stream(body)]
    return cassette_from_sse(b"".join(chunks), uri="https://api.openai.com/v1/responses", request_body=json.dumps(body))


def words(text: str) -> str:
    return " ".join(text.split())


def the_json(timeline: Timeline, index: int) -> str:
    event = timeline.events[index]
    return f"event: {event.name} " + words(json.dumps(event.data, indent=2, ensure_ascii=False))


def test_out_of_a_terminal_the_pane_lays_out_a_page_and_says_how_much_more_there_is() -> None:
    timeline = Timeline(long_text_response())
    last = len(timeline) - 1
    body = json.dumps(timeline.events[last].data, indent=2, ensure_ascii=False)
    assert len(body) > 3 * PAGE
    group = RawPane().render_moment(timeline, timeline[last])[2]
    data, marker = group.renderables[1:]  # type: ignore[attr-defined]
    assert data.plain == body[:PAGE]
    assert marker.plain == f"… {len(body) - PAGE:,} more characters: scroll down for more, end for all"


async def test_a_long_event_is_laid_out_as_far_as_the_user_scrolls_and_whole_at_end() -> None:
    cassette = long_text_response()
    timeline = Timeline(cassette)
    last = len(timeline) - 1
    whole = the_json(timeline, last)
    async with TapeApp(cassette, source="long.yaml").run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("G")
        raw = screen.query_one("#raw", RawPane)
        page = max(PAGE, 2 * raw.size.width * raw.size.height)
        shown = words(raw.text)
        more = len(json.dumps(timeline.events[last].data, indent=2, ensure_ascii=False)) - page
        assert shown.endswith(f"… {more:,} more characters: scroll down for more, end for all")
        assert whole.startswith(shown[: shown.index(" …")])
        assert len(raw.lines) < 2 * page / raw.size.width  # a page, not the whole JSON

        await pilot.click(raw)
        lines = len(raw.lines)
        await pilot.press(*["pagedown"] * (lines // raw.size.height + 1))
        assert len(raw.lines) > lines  # scrolled to the end of what was laid out: more of it
        assert raw.top + raw.size.height <= len(raw.lines)
        assert whole.startswith(words(raw.text).split(" …")[0])

        await pilot.press("end")
        assert words(raw.text) == whole  # all of it, and no marker
        assert raw.top + raw.size.height == len(raw.lines)

        screen.event_list.focus()
        await pilot.press("k")  # a step shows the next event from its start, a page of it again
        assert raw.top == 0
        assert len(raw.lines) < 2 * page / raw.size.width
        assert words(raw.text).startswith(the_json(timeline, last - 1)[:100])


async def test_a_pane_scrolled_into_a_long_event_keeps_what_is_laid_out_while_stepping() -> None:
    cassette = long_text_response()
    async with TapeApp(cassette, source="long.yaml").run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("G")
        raw = screen.query_one("#raw", Pane)
        await pilot.click(raw)
        await pilot.press(*["pagedown"] * 10)
        top = raw.top
        assert top > 2 * PAGE / raw.size.width  # past the first page
        screen.event_list.focus()
        await pilot.press("k")
        assert raw.top == top  # where the user was, in the next event's JSON laid out as far
        assert len(raw.lines) >= top + raw.size.height
