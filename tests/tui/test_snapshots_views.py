"""How the views of issue #16 look (pytest-textual-snapshot): the time axis, the cassette picker, the
stream list, side by side and following a recording; one class per screen, at 80x24 and 160x45.

Update after a deliberate change with ``pytest tests/tui/test_snapshots_views.py --snapshot-update``, and
look at each image before committing.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

from ssetape.recorder import load
from ssetape.tui import TapeApp
from ssetape.tui.screens import CompareScreen, FollowScreen, PickerScreen, WaitScreen
from ssetape.tui.screens.follow import following
from tests.conftest import FIXTURES
from tests.tui import journals
from tests.tui.helpers import app_for, ready

SMALL, LARGE = (80, 24), (160, 45)


def pressing(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Before the screenshot: wait for the stream to be indexed, then press ``keys``."""

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


class TestTimeAxis:
    def test_longest_stall_small(self, snap_compare: Callable[..., bool]) -> None:
        """80x24, s: the axis shown, the cursor on the event after the longest stall (▲ on the axis, ◆ at
        the stalls), the facts line cut to the width."""
        assert snap_compare(app_for("text"), terminal_size=SMALL, run_before=pressing("s"))

    def test_code_interpreter_large(self, snap_compare: Callable[..., bool]) -> None:
        """160x45, T then G: arrivals per slice of the whole run, the marker at the last event, first byte,
        first token, rate and the five longest stalls."""
        assert snap_compare(app_for("code_interpreter"), terminal_size=LARGE, run_before=pressing("T", "G"))


def picker(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Before the screenshot: wait for the picker to index every file, then press ``keys``."""

    async def run_before(pilot: Pilot[None]) -> None:
        for _ in range(1000):
            screen = pilot.app.screen
            if isinstance(screen, PickerScreen) and screen.indexed_in is not None:
                break
            await pilot.pause(0.01)
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


#: Fixtures of every API, complete and cut, one holding two streams and one holding none.
PICKED = [
    "anthropic_cut.yaml",
    "anthropic_tool_use.yaml",
    "chat_json.yaml",
    "chat_text.yaml",
    "chat_tool_call.yaml",
    "code_interpreter.yaml",
    "connection_cut.yaml",
    "function_calling.yaml",
    "polling.yaml",
    "responses_function.yaml",
    "responses_reasoning.yaml",
    "responses_text.yaml",
    "text.yaml",
]


def fixtures_picker(directory: Path) -> TapeApp:
    """The picker on a directory holding ``PICKED`` (fixtures added later do not change the picture)."""
    for name in PICKED:
        shutil.copy(FIXTURES / name, directory / name)
    return TapeApp(screen=lambda: PickerScreen([directory]))


class TestPickerScreen:
    def test_fixtures_small(self, snap_compare: Callable[..., bool], tmp_path: Path) -> None:
        """80x24: the first fixtures, one row per stream (API, model, events, duration, state), the status
        line counting streams and files, the footer's keys."""
        assert snap_compare(fixtures_picker(tmp_path), terminal_size=SMALL, run_before=picker())

    def test_search_sorted_large(self, snap_compare: Callable[..., bool], tmp_path: Path) -> None:
        """160x45: /chat typed (the search line open at the bottom), sorted by events, longest first."""
        keys = ("o", "o", "o", "O", "slash", *"chat")
        assert snap_compare(fixtures_picker(tmp_path), terminal_size=LARGE, run_before=picker(*keys))


class TestStreamsScreen:
    def test_function_calling_streams_small(self, snap_compare: Callable[..., bool]) -> None:
        """80x24, t: the cassette's two streams (the run, then the submitted tool outputs), the current one
        selected."""
        assert snap_compare(app_for("function_calling"), terminal_size=SMALL, run_before=pressing("t"))

    def test_anthropic_streams_large(self, snap_compare: Callable[..., bool]) -> None:
        """160x45, t then down: the tool_use cassette's streams over its timeline, the second selected."""
        assert snap_compare(app_for("anthropic_tool_use"), terminal_size=LARGE, run_before=pressing("t", "down"))


def compare(a: str, b: str) -> TapeApp:
    """``ssetape tui fixtures/A.yaml fixtures/B.yaml``."""
    first, second = load(FIXTURES / f"{a}.yaml"), load(FIXTURES / f"{b}.yaml")
    return TapeApp(screen=lambda: CompareScreen(first, second, (f"{a}.yaml", f"{b}.yaml")))


def aligned(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Before the screenshot: wait for the two streams to be aligned, then press ``keys``."""

    async def run_before(pilot: Pilot[None]) -> None:
        for _ in range(1000):
            screen = pilot.app.screen
            if isinstance(screen, CompareScreen) and screen.alignment is not None:
                break
            await pilot.pause(0.01)
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


class TestCompareScreen:
    def test_cut_response_small(self, snap_compare: Callable[..., bool]) -> None:
        """80x24: a Responses text stream beside its incomplete twin, on a later difference (n n): the list
        above, each side's text so far and event JSON with the differing fields highlighted."""
        assert snap_compare(
            compare("responses_text", "responses_incomplete"), terminal_size=SMALL, run_before=aligned("n", "n")
        )

    def test_two_texts_large(self, snap_compare: Callable[..., bool]) -> None:
        """160x45: two Assistants runs (text, multibyte), opened on the first difference: changed run
        events (assistant_id, model), the marks in the list, both sides' state."""
        assert snap_compare(compare("text", "multibyte"), terminal_size=LARGE, run_before=aligned())

    def test_across_apis_large(self, snap_compare: Callable[..., bool]) -> None:
        """160x45: a Chat Completions recording beside its Anthropic twin: compared by answer, the words
        that differ highlighted on each side."""
        assert snap_compare(compare("chat_tool_call", "anthropic_tool_use"), terminal_size=LARGE, run_before=aligned())


def follow(directory: Path, chunks: int | None) -> TapeApp:
    """``ssetape tui --follow`` on a recording whose journal holds the first ``chunks`` chunks of the Chat
    Completions text fixture, still arriving (``None``: nothing recorded yet)."""
    out = directory / "session.yaml"
    if chunks is None:
        journals.empty(out)
    else:
        journals.in_flight(out, "chat_text", chunks)
    return TapeApp(screen=lambda: following(out))


def followed(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Before the screenshot: wait for the recording to be shown (or waited for), then press ``keys``."""

    async def run_before(pilot: Pilot[None]) -> None:
        for _ in range(1000):
            screen = pilot.app.screen
            if isinstance(screen, WaitScreen) or (isinstance(screen, FollowScreen) and screen.view is not None):
                break
            await pilot.pause(0.01)
        await pilot.pause(0.3)
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


class TestFollowScreen:
    def test_in_flight_small(self, snap_compare: Callable[..., bool], tmp_path: Path) -> None:
        """80x24: a stream half arrived, the cursor on its last event so far, the header not calling it cut
        off, the title saying what is followed."""
        assert snap_compare(follow(tmp_path, 60), terminal_size=SMALL, run_before=followed())

    def test_in_flight_large(self, snap_compare: Callable[..., bool], tmp_path: Path) -> None:
        """160x45: the same with every pane, the time axis shown (T) up to what has arrived."""
        assert snap_compare(follow(tmp_path, 60), terminal_size=LARGE, run_before=followed("T"))


class TestWaitScreen:
    def test_nothing_recorded_yet(self, snap_compare: Callable[..., bool], tmp_path: Path) -> None:
        """80x24: the proxy has started, nothing streamed: what it is waiting for."""
        assert snap_compare(follow(tmp_path, None), terminal_size=SMALL, run_before=followed())
