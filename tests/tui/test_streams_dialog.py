"""The ``t`` dialog (the open cassette's streams), as a user drives it: every column on screen whatever the
request's length, and ``t`` typed right behind ``q`` leaving quietly."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from ssetape.tui.screens import StreamsScreen
from ssetape.tui.widgets import StreamTable
from ssetape.tui.widgets.stream_table import STREAM_COLUMNS, cut_middle
from tests.tui.helpers import app_for, ready, screen_text

pytestmark = pytest.mark.anyio


async def _dialog(pilot: Pilot[None]) -> tuple[StreamTable, list[str], str]:
    """The streams table once drawn, the screen's rows, and the row of the long request (the second)."""
    assert isinstance(pilot.app.screen, StreamsScreen)
    table = pilot.app.screen.query_one(StreamTable)
    await pilot.pause()
    rows = screen_text(pilot.app)  # type: ignore[arg-type]
    (long,) = [row for row in rows if "│ 1  assistants  POST " in row]
    return table, rows, long


@pytest.mark.parametrize("size", [(160, 45), (110, 30)])
async def test_every_column_is_on_screen_and_a_long_request_is_cut_in_the_middle(size: tuple[int, int]) -> None:
    app = app_for("function_calling")  # its second request: POST /v1/threads/thread_…/runs/run_…/submit_tool_outputs
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await pilot.pause()
        table, rows, long = await _dialog(pilot)
        assert table.virtual_size.width <= table.scrollable_content_region.width  # no column off to the right
        (header,) = [row for row in rows if " request " in row]
        for column in STREAM_COLUMNS:
            assert f" {column} " in header
        assert "complete" in long and "2026-11-24 03:18" in long
        request = long.split("assistants", 1)[1].split("76", 1)[0].strip()
        assert request.startswith("POST /v1") and request.endswith("outputs") and "…" in request  # which endpoint
        assert not table.show_horizontal_scrollbar and table.size.height == 3  # the header and two rows, no bar


async def test_ids_in_the_request_are_shortened_as_the_header_shortens_them() -> None:
    app = app_for("function_calling")
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await pilot.pause()
        _, _, long = await _dialog(pilot)
        assert "POST /v1/threads/thread_mog3…" in long and "run_AhY7…/submit_tool_outputs" in long


async def test_a_resize_cuts_the_request_to_the_new_width() -> None:
    app = app_for("function_calling")
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await pilot.pause()
        _, _, wide = await _dialog(pilot)
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        table, _, narrow = await _dialog(pilot)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert not table.show_horizontal_scrollbar
        assert "complete" in narrow

        def request_width(row: str) -> int:
            return row.index(" 76 ") - row.index("assistants")

        assert request_width(narrow) < request_width(wide)  # the events column moved left: the request is cut more


async def test_t_typed_in_the_same_tick_as_q_quits_cleanly() -> None:
    """``qt`` typed together: the dialog is pushed while the app is exiting, and never composed."""
    app = app_for("responses_function")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await ready(pilot)
        app.exit()
        screen.action_next_stream()
        await pilot.pause()
    assert app.return_code == 0
    assert app._exception is None


@pytest.mark.parametrize(
    ("width", "cut"),
    [
        (64, "POST /v1/threads/thread_mog3…/runs/run_AhY7…/submit_tool_outputs"),
        (20, "POST /v1/…ol_outputs"),
        (12, "POST …utputs"),
        (1, "…"),
        (0, ""),
    ],
)
def test_cut_middle_keeps_the_start_and_the_end(width: int, cut: str) -> None:
    assert cut_middle("POST /v1/threads/thread_mog3…/runs/run_AhY7…/submit_tool_outputs", width) == cut
    assert cut_middle("日本語日本語", 5) == "日…語"  # wide characters count as two cells
