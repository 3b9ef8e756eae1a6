"""``ssetape tui A B``: side by side, driven as a user does: the first difference shown, n / N from one
difference to the next, both sides' state at the row, and streams of two APIs compared by answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.pilot import Pilot

from ssetape.cli import main
from ssetape.recorder import Cassette, load
from ssetape.replayer import align, answer
from ssetape.tui import TapeApp
from ssetape.tui.screens import CompareScreen
from ssetape.tui.widgets import AlignedList, SidePane
from tests.conftest import FIXTURES
from tests.replayer.test_alignment import A_MESSAGE, B_MESSAGE, _stream

pytestmark = pytest.mark.anyio


def compare_app(a: Cassette, b: Cassette, names: tuple[str, str] = ("a.yaml", "b.yaml")) -> TapeApp:
    return TapeApp(screen=lambda: CompareScreen(a, b, names))


async def compared(pilot: Pilot[None]) -> CompareScreen:
    for _ in range(1000):
        screen = pilot.app.screen
        if isinstance(screen, CompareScreen) and screen.alignment is not None:
            await pilot.pause()
            return screen
        await pilot.pause(0.01)
    raise AssertionError("the streams were never aligned")


def sides(screen: CompareScreen) -> tuple[str, str]:
    return screen.query_one("#side-a", SidePane).text, screen.query_one("#side-b", SidePane).text


async def test_opens_on_the_first_difference_and_n_N_walk_the_differences() -> None:
    a = _stream(A_MESSAGE, ["Hel", "lo", " world"])
    b = _stream(B_MESSAGE, ["Hel", "lo there", "!"])
    expected = align(a.interactions[0], b.interactions[0])
    async with compare_app(a, b).run_test(size=(160, 45)) as pilot:
        screen = await compared(pilot)
        listing = screen.query_one(AlignedList)
        assert listing.highlighted == expected.differences[0]
        left, right = sides(screen)
        assert "Hello" in left and "Hello there" in right  # what each side had said by this row
        row = expected.rows[expected.differences[0]]
        assert f"A #{row.a}" in left and f"B #{row.b}" in right
        for number in expected.differences[1:]:
            await pilot.press("n")
            await pilot.pause()
            assert listing.highlighted == number
        await pilot.press("n")  # none later: stays
        await pilot.pause()
        assert listing.highlighted == expected.differences[-1]
        await pilot.press("N")
        await pilot.pause()
        assert listing.highlighted == expected.differences[-2]
        await pilot.press("k")
        await pilot.pause()
        assert listing.highlighted == expected.differences[-2] - 1
        await pilot.resize_terminal(80, 24)  # narrow: the list above the two sides
        await pilot.pause()
        assert screen.has_class("-narrow") and all(sides(screen))


async def test_a_side_with_no_event_at_the_row_says_where_it_is() -> None:
    a = _stream(A_MESSAGE, ["Hel", "lo"])
    b = _stream(B_MESSAGE, ["Hel", "lo", "!"])
    expected = align(a.interactions[0], b.interactions[0])
    (added,) = [row for row in expected.rows if row.kind == "added"]
    async with compare_app(a, b).run_test(size=(160, 45)) as pilot:
        screen = await compared(pilot)
        left, right = sides(screen)
        assert f"event {added.b} is only in B" in left
        assert "Hello!" in right and "said so far" in right


async def test_two_apis_compare_by_their_answers() -> None:
    chat, anthropic = load(FIXTURES / "chat_text.yaml"), load(FIXTURES / "anthropic_text.yaml")
    first, second = answer(chat), answer(anthropic)
    async with compare_app(chat, anthropic, ("chat_text.yaml", "anthropic_text.yaml")).run_test(
        size=(160, 45)
    ) as pilot:
        screen = await compared(pilot)
        assert screen.answers is not None and not screen.query_one(AlignedList).display
        head = str(screen.query_one("#compare-head").render())
        assert ("the same answer" if first.same_as(second) else "the answers differ") in head
        left, right = sides(screen)
        assert first.text[:40] in left and second.text[:40] in right
        assert "A: chat" in left and "B: anthropic" in right


async def test_a_chat_tool_call_and_its_anthropic_twin_call_the_same_function() -> None:
    chat, anthropic = load(FIXTURES / "chat_tool_call.yaml"), load(FIXTURES / "anthropic_tool_use.yaml")
    calls = [call.name for call in answer(anthropic).tool_calls]
    async with compare_app(chat, anthropic).run_test(size=(160, 45)) as pilot:
        screen = await compared(pilot)
        left, right = sides(screen)
        for name in calls:  # arguments shown as JSON, the SDKs' spacing aside
            assert name in left and name in right


def test_the_command_checks_both_files_before_taking_the_terminal(tmp_path: Path) -> None:
    good = str(FIXTURES / "text.yaml")
    result = CliRunner().invoke(main, ["tui", good, str(tmp_path / "gone.yaml")])
    assert (result.exit_code, result.output) == (2, f"Error: {tmp_path / 'gone.yaml'}: no such cassette\n")
    result = CliRunner().invoke(main, ["tui", good, str(FIXTURES / "polling.yaml")])
    assert result.exit_code == 2 and "holds no streamed (text/event-stream) response" in result.output
    result = CliRunner().invoke(main, ["tui", good, str(FIXTURES / "multibyte.yaml")])
    assert result.exit_code == 2 and "needs an interactive terminal" in result.output


async def test_t_compares_the_next_pair_of_streams_not_only_the_first() -> None:
    calls = load(FIXTURES / "function_calling.yaml")
    streams = calls.streams()
    assert len(streams) == 2
    async with compare_app(calls, load(FIXTURES / "function_calling.yaml")).run_test(size=(160, 45)) as pilot:
        screen = await compared(pilot)
        assert screen.streams == (streams[0], streams[0])
        first = screen.alignment
        assert first is not None
        await pilot.press("t")
        for _ in range(500):
            if screen.alignment is not None:
                break
            await pilot.pause(0.01)
        assert screen.streams == (streams[1], streams[1])
        second = screen.alignment
        assert second is not None and second is not first
        expected = align(calls.interactions[streams[1]], calls.interactions[streams[1]])
        assert len(second.rows) == len(expected.rows) != len(first.rows)
        assert f"#{streams[1]} vs b.yaml #{streams[1]} (t: pair 2/2)" in str(screen.query_one("#compare-head").render())
        await pilot.press("t")
        for _ in range(500):
            if screen.alignment is not None:
                break
            await pilot.pause(0.01)
        assert screen.streams == (streams[0], streams[0])
