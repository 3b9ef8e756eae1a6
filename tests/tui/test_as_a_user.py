"""What a user does, at the size where it once broke (issue #16): typing into the prompts, resizing,
selecting with the mouse and copying, stepping faster than the panes draw, opening a raw ``.sse`` dump.

Keys are typed with ``pilot.press`` and the terminal resized with ``pilot.resize_terminal``; what is
checked is what the terminal shows (:func:`screen_text`) or what the user gets (the clipboard).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.color import Color
from textual import events
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

from ssetape.recorder import load
from ssetape.tui import TapeApp
from ssetape.tui.screens import HelpScreen, TimelineScreen
from ssetape.tui.source import open_cassette
from ssetape.tui.widgets import EventList, Pane, Prompt
from tests.conftest import FIXTURES
from tests.tui.helpers import app_for, ready, screen_text, text_run

pytestmark = pytest.mark.anyio

RED = Color.parse("red")
SMALL = (80, 24)
LARGE = (160, 45)


def rows_of(screen: TimelineScreen) -> tuple[int, int]:
    """The first and last rows of the event list on screen."""
    event_list = screen.event_list
    top = round(event_list.scroll_y)
    return top, top + event_list.scrollable_content_region.height - 1


def visible(widget: Pane) -> str:
    """The text a pane would draw now (laid out afresh: :func:`on_screen` is what the terminal shows)."""
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height)).strip()


def on_screen(screen: TimelineScreen) -> dict[str, str]:
    """Pane id -> the text the terminal shows inside it (from the compositor, as drawn: calling a pane's
    ``render_line`` instead would lay it out afresh and miss lines Textual drew blank and kept)."""
    rows = screen_text(screen.app)
    out = {}
    for widget in screen.panes:
        region = widget.content_region
        out[str(widget.id)] = "\n".join(row[region.x : region.right] for row in rows[region.y : region.bottom]).strip()
    return out


async def test_the_prompts_show_what_is_typed_at_80_columns() -> None:
    async with app_for("chat_text").run_test(size=SMALL) as pilot:
        screen = await ready(pilot)
        await pilot.press("colon", "1", "2")
        field = screen.query_one(Prompt).query_one(Input)
        assert field.content_region.height == 1  # a bordered Input left no row for its text
        assert any(row.startswith("│ :12") for row in screen_text(pilot.app))
        await pilot.press("enter")
        assert screen.event_list.index == 12
        await pilot.press("slash", "f", "e", "w")
        assert any(row.startswith("│ /few") for row in screen_text(pilot.app))
        await pilot.press("enter")
        assert screen.search is not None and screen.search.query == "few"
        assert screen.timeline is not None and screen.event_list.index is not None
        assert "few" in screen.timeline.events[screen.event_list.index].raw


@pytest.mark.parametrize(("fixture", "event"), [("chat_text", 105), ("responses_text", 20)])
async def test_answers_are_not_drawn_as_refusals(fixture: str, event: int) -> None:
    async with app_for(fixture).run_test(size=LARGE) as pilot:
        screen = await ready(pilot)
        await pilot.press("colon", *str(event), "enter")
        message = screen.query_one("#message", Pane)
        styles = [segment.style for line in message.lines for segment in line if segment.text.strip()]
        assert styles and message.text.strip()
        assert not any(style is not None and style.color == RED for style in styles)


async def test_refusals_still_are() -> None:
    async with app_for("chat_refusal").run_test(size=LARGE) as pilot:
        screen = await ready(pilot)
        await pilot.press("G")
        message = screen.query_one("#message", Pane)
        red = [part.text for line in message.lines for part in line if part.style and part.style.color == RED]
        assert "refusal: " in "".join(red)


async def test_no_pane_is_blank_after_shrinking_the_terminal_and_growing_it_back() -> None:
    """160x45 -> 80x24 -> 160x45 without a step: the four panes hidden at 80x24 are drawn again.
    (Before the fix Textual drew them blank before they were laid out, and kept those lines.)"""
    async with app_for("code_interpreter").run_test(size=LARGE) as pilot:
        screen = await ready(pilot)
        await pilot.press("colon", "1", "3", "0", "enter")
        before = on_screen(screen)
        assert all(before.values()), before
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        assert screen.one_pane
        await pilot.resize_terminal(*LARGE)
        await pilot.pause()
        assert not screen.one_pane
        assert on_screen(screen) == before


async def test_no_pane_is_blank_after_shrinking_the_terminal_stepping_and_growing_it_back() -> None:
    async with app_for("code_interpreter").run_test(size=LARGE) as pilot:
        screen = await ready(pilot)
        await pilot.press("colon", "1", "3", "0", "enter")
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        await pilot.press("j")  # the hidden panes are given the new event while they have no size
        current = next(widget for widget in screen.panes if widget.has_class("-current"))
        assert screen.one_pane and on_screen(screen)[str(current.id)]
        await pilot.resize_terminal(*LARGE)
        await pilot.pause()
        shown = on_screen(screen)
        for name, text in shown.items():
            assert text, name
        assert "#131 " in str(screen.query_one("#raw", Pane).border_subtitle)


async def test_the_selected_row_stays_on_screen_after_clearing_a_filter_and_shrinking() -> None:
    async with app_for("code_interpreter").run_test(size=LARGE) as pilot:
        screen = await ready(pilot)
        await pilot.press("f", "a", "space", "enter")  # only the first type: thread.run.created ...
        assert screen.view is not None and screen.view.filtered
        await pilot.press("f", "a", "enter")  # every type again
        await pilot.press("colon", "1", "5", "0", "enter")
        await pilot.press("f", "a", "space", "enter")  # filtered: the cursor lands near the top
        await pilot.press("G")
        chosen = screen.event_list.index
        await pilot.press("f", "a", "enter")  # cleared: 178 rows, the cursor on the same event
        assert screen.view is not None and not screen.view.filtered
        assert screen.event_list.index == chosen
        top, bottom = rows_of(screen)
        assert top <= screen.event_list.cursor <= bottom

        await pilot.press("colon", "9", "0", "enter")
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        top, bottom = rows_of(screen)
        assert bottom - top < 10 and top <= screen.event_list.cursor <= bottom


async def test_drag_selecting_in_a_pane_then_ctrl_c_copies_its_text() -> None:
    async with app_for("text").run_test(size=LARGE) as pilot:
        screen = await ready(pilot)
        raw = screen.query_one("#raw", Pane)
        await pilot.mouse_down(raw, offset=(2, 2))
        await pilot.hover(raw, offset=(30, 5))
        await pilot.mouse_up(raw, offset=(30, 5))
        await pilot.press("ctrl+c")
        copied = pilot.app.clipboard
        assert "RawPane" not in copied
        assert copied and copied.strip() in raw.text
        assert '"' in copied  # JSON from the event


async def test_stepping_faster_than_the_panes_draw_shows_only_the_latest_event() -> None:
    cassette = text_run(2000)
    async with TapeApp(cassette).run_test(size=LARGE) as pilot:
        screen = await ready(pilot)
        drawn: list[int] = []
        show = screen._show

        def recorded(index: int) -> None:
            if screen.drawn != index:
                drawn.append(index)
            show(index)

        screen._show = recorded  # type: ignore[method-assign]
        for _ in range(40):  # a held key: the events queue up faster than the panes draw
            pilot.app.post_message(events.Key("j", "j"))
        await pilot.pause()
        await pilot.pause()
        assert screen.event_list.index == 40
        assert screen.drawn == 40
        assert drawn == sorted(set(drawn)) and drawn[-1] == 40  # never back to an event already left
        assert len(drawn) < 40
        assert "#40 " in str(screen.query_one("#raw", Pane).border_subtitle)


async def test_a_raw_sse_dump_says_what_it_is_and_that_it_has_no_timing(tmp_path: Path) -> None:
    record = load(FIXTURES / "chat_text.yaml").interactions[0]
    dump = tmp_path / "chat.sse"
    dump.write_text(record.response.body.string or "")
    async with TapeApp(open_cassette(dump), source="chat.sse").run_test(size=SMALL) as pilot:
        await ready(pilot)
        text = screen_text(pilot.app)
        assert "threads/runs" not in "\n".join(text)
        header = text[0]
        assert "no timing recorded" in header and "+0.000s" not in "\n".join(text)
    async with TapeApp(open_cassette(dump), source="chat.sse").run_test(size=(200, 30)) as pilot:
        await ready(pilot)
        assert "Chat Completions stream, request not recorded" in screen_text(pilot.app)[0]


async def test_at_80_columns_the_help_fits_and_the_footer_keeps_t_q_and_p() -> None:
    async with app_for("code_interpreter").run_test(size=SMALL) as pilot:
        screen = await ready(pilot)
        footer = screen.query_one(Footer)
        shown = {key.key for key in footer.query(FooterKey) if key.region.right <= SMALL[0] and key.region.width}
        assert {"t", "p", "q"} <= shown
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        box = pilot.app.screen.query_one("VerticalScroll")
        assert box.region.x >= 0 and box.region.right <= SMALL[0]


async def test_responses_types_are_short_enough_to_leave_the_summary_readable() -> None:
    async with app_for("responses_function", 0).run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("colon", "8", "enter")
        row = next(line for line in screen_text(pilot.app) if line.startswith("│  8 "))
        assert "args.delta" in row and "response.function_call_arguments" not in row
        assert '"' in row.split("args.delta", 1)[1]  # the delta itself is on the row


async def test_chat_chunks_have_types_to_step_and_find_boundaries_by() -> None:
    async with app_for("chat_tool_call").run_test(size=LARGE) as pilot:
        screen = await ready(pilot)
        assert screen.view is not None
        types = [screen.view.names[index] for index in range(len(screen.view.events))]
        assert {"tool_call", "arguments", "finish"} <= set(types)
        start = types.index("arguments")
        await pilot.press("colon", *str(start), "enter", "J")
        assert screen.view.names[screen.event_list.index or 0] == "arguments"
        assert screen.event_list.index == types.index("arguments", start + 1)
        await pilot.press("n")
        assert screen.event_list.index == types.index("tool_call", start)  # the second call starts
        await pilot.press("n")
        assert screen.view.names[screen.event_list.index or 0] == "finish"
        await pilot.press("N")
        assert screen.event_list.index == types.index("tool_call", start)


async def test_a_pane_scrolled_by_hand_stays_where_it_is_while_stepping() -> None:
    async with app_for("code_interpreter").run_test(size=LARGE) as pilot:
        screen = await ready(pilot)
        await pilot.press("colon", "1", "3", "0", "enter")
        raw = screen.query_one("#raw", Pane)
        await pilot.click(raw)
        await pilot.press("down", "down", "down")
        assert raw.top == 3
        screen.event_list.focus()
        await pilot.press("j", "j")
        assert screen.event_list.index == 132 and raw.top == 3
        raw.focus()
        await pilot.press("home")
        screen.query_one(EventList).focus()
        await pilot.press("j")
        assert raw.top == 0


def _reversed(screen: TimelineScreen, name: str) -> str:
    lines = screen.query_one(f"#{name}", Pane).lines
    return "".join(part.text for line in lines for part in line if part.style and part.style.reverse)


@pytest.mark.parametrize(("fixture", "changed"), [("chat_length", "length"), ("responses_text", "completed")])
async def test_what_an_event_changes_in_the_response_as_a_whole_is_reversed(fixture: str, changed: str) -> None:
    async with app_for(fixture).run_test(size=LARGE) as pilot:
        screen = await ready(pilot)
        assert screen.timeline is not None
        last = max(e.index for e in screen.timeline.events if changed in e.raw)
        await pilot.press("colon", *str(last), "enter")
        assert changed in _reversed(screen, "run")
        await pilot.press("colon", *str(last - 3), "enter")
        assert changed not in _reversed(screen, "run")


def _one_fixture_per_api() -> list[str]:
    from ssetape.apis import REGISTRY
    from ssetape.replayer import kind_of

    found: dict[str, str] = {}
    for path in sorted(FIXTURES.glob("*.yaml")):
        streamed = [item for item in load(path).interactions if item.streamed]
        if streamed:
            found.setdefault(kind_of(streamed[0]), path.stem)
    return [found[entry.kind] for entry in REGISTRY if entry.kind in found]


@pytest.mark.parametrize("fixture", _one_fixture_per_api())
async def test_every_api_gets_its_panes_from_its_home(fixture: str) -> None:
    async with app_for(fixture).run_test(size=LARGE) as pilot:
        screen = await ready(pilot)
        await pilot.press("G")
        for widget in screen.panes:
            assert visible(widget), widget.id
            assert "cannot show this" not in widget.text, widget.text
