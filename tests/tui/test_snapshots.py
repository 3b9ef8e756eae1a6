"""How the TUI looks (pytest-textual-snapshot), one class per screen.

Update after a deliberate change with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and
look at the report before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

from ssetape.recorder import load
from ssetape.tui import TapeApp
from ssetape.tui.source import open_cassette
from tests.conftest import FIXTURES
from tests.tui.helpers import app_for, ready

SIZE = (120, 36)
SMALL = (80, 24)
LARGE = (160, 45)


def at(index: int, *then: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Before the screenshot: wait for the stream to be indexed, select event ``index``, press ``then``."""

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await pilot.press("colon", *str(index), "enter", *then)
        await pilot.pause()

    return run_before


class TestTimelineScreen:
    def test_text_stream_mid_way(self, snap_compare: Callable[..., bool]) -> None:
        """A text stream half-way: the message so far with the last delta highlighted, its callbacks."""
        assert snap_compare(app_for("text"), terminal_size=SIZE, run_before=at(110))

    def test_code_interpreter_step(self, snap_compare: Callable[..., bool]) -> None:
        """Two parallel code_interpreter calls getting their logs and image in one step delta."""
        assert snap_compare(app_for("code_interpreter"), terminal_size=SIZE, run_before=at(131))

    def test_requires_action_run(self, snap_compare: Callable[..., bool]) -> None:
        """A run stopping at requires_action: the function calls to answer, in the run pane."""
        assert snap_compare(app_for("function_calling"), terminal_size=SIZE, run_before=at(34))

    def test_failed_run(self, snap_compare: Callable[..., bool]) -> None:
        """A failed run: its last_error, the step that failed, the incomplete message."""
        assert snap_compare(app_for("failed"), terminal_size=SIZE, run_before=at(92))

    def test_responses_function_call_mid_arguments(self, snap_compare: Callable[..., bool]) -> None:
        """A Responses function call half-way through its arguments: the output items with the new
        characters highlighted, the stream event the SDK yields, the response in progress."""
        assert snap_compare(app_for("responses_function", 0), terminal_size=SIZE, run_before=at(8))

    def test_chat_text_stream_mid_way(self, snap_compare: Callable[..., bool]) -> None:
        """A Chat Completions text stream half-way: the content so far with the chunk's delta highlighted,
        the chunk and content.delta events, no tool calls, no finish_reason yet."""
        assert snap_compare(app_for("chat_text"), terminal_size=SIZE, run_before=at(105))

    def test_narrow_terminal(self, snap_compare: Callable[..., bool]) -> None:
        """80x24: the list above one pane at a time, the tab line naming the others, a footer ending
        with the keys to find one's way (t, p, q) still on it."""
        assert snap_compare(app_for("code_interpreter"), terminal_size=SMALL, run_before=at(140))

    def test_chat_text_small(self, snap_compare: Callable[..., bool]) -> None:
        """80x24, a Chat Completions answer: chunk types (role, content ...) in the list, the text in the
        default colour with the chunk's delta reversed, not in refusal red."""
        assert snap_compare(app_for("chat_text"), terminal_size=SMALL, run_before=at(105))

    def test_chat_tool_call_large(self, snap_compare: Callable[..., bool]) -> None:
        """160x45, Chat tool calls: tool_call / arguments / finish chunks, the second call's arguments as
        sent with the new characters reversed."""
        assert snap_compare(app_for("chat_tool_call"), terminal_size=LARGE, run_before=at(20))

    def test_responses_text_small(self, snap_compare: Callable[..., bool]) -> None:
        """80x24, a Responses answer: event types abbreviated by family (text.delta, item.added ...) so
        the summary column still shows each delta."""
        assert snap_compare(app_for("responses_text"), terminal_size=SMALL, run_before=at(20))

    def test_responses_function_large(self, snap_compare: Callable[..., bool]) -> None:
        """160x45, a Responses function call: args.delta rows, the output item with its arguments."""
        assert snap_compare(app_for("responses_function", 0), terminal_size=LARGE, run_before=at(12))

    def test_typing_a_jump(self, snap_compare: Callable[..., bool]) -> None:
        """80x24, ``:`` then ``12`` typed: the prompt under the list shows what is typed."""
        assert snap_compare(app_for("chat_text"), terminal_size=SMALL, run_before=at(3, "colon", "1", "2"))

    def test_raw_sse_dump(self, snap_compare: Callable[..., bool], tmp_path: Path) -> None:
        """80x24, a raw ``.sse`` dump of a Chat stream: the header says it has no timing and names the API
        its events belong to; no time or gap columns."""
        dump = tmp_path / "chat.sse"
        dump.write_text(load(FIXTURES / "chat_text.yaml").interactions[0].response.body.string or "")
        app = TapeApp(open_cassette(dump), source="chat.sse")
        assert snap_compare(app, terminal_size=SMALL, run_before=at(40))


class TestHelpScreen:
    def test_help(self, snap_compare: Callable[..., bool]) -> None:
        """? over the timeline: every key from the bindings, the panes, the colours."""
        assert snap_compare(app_for("text"), terminal_size=(120, 44), run_before=at(0, "question_mark"))

    def test_help_small(self, snap_compare: Callable[..., bool]) -> None:
        """80x24: the help box fits the screen and scrolls."""
        assert snap_compare(app_for("text"), terminal_size=SMALL, run_before=at(0, "question_mark"))


class TestFilterScreen:
    def test_filter_dialog(self, snap_compare: Callable[..., bool]) -> None:
        """f: the stream's event types by family with their counts, all shown."""
        assert snap_compare(app_for("code_interpreter"), terminal_size=SIZE, run_before=at(0, "f"))
