"""Taking things out of the TUI: copying the event, the snapshot, the text and the request (the clipboard
and a file), writing the stream up to the cursor as a cassette, and the request pane (``r``, searchable)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssetape import replayer
from ssetape.recorder import load
from ssetape.replayer import Fault, events
from ssetape.tui import takeout
from ssetape.tui.widgets import Pane, RequestPane
from tests.conftest import FIXTURES
from tests.replayer.test_cutting import sdk_replay as replay
from tests.tui.helpers import Notes, app_for, ready

pytestmark = pytest.mark.anyio

LARGE = (160, 45)


@pytest.fixture(autouse=True)
def copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(takeout, "COPIES", tmp_path / "copies")
    return tmp_path / "copies"


async def test_each_copy_reaches_the_clipboard_and_a_file(copies: Path) -> None:
    notes = Notes()
    async with app_for("chat_text").run_test(size=LARGE, message_hook=notes) as pilot:
        screen = await ready(pilot)
        await pilot.press("colon", "5", "enter", "y")
        event = json.loads(pilot.app.clipboard)
        assert event["event"] == "message" and event["data"]["object"] == "chat.completion.chunk"
        assert json.loads((copies / "chat_text.event.5.json").read_text()) == event
        assert f"written to {copies / 'chat_text.event.5.json'}" in notes

        await pilot.press("c")
        assert screen.timeline is not None
        text = "".join(replayer.text_of(e) or "" for e in screen.timeline.events[:6])
        assert pilot.app.clipboard == text and text.startswith("Server-")

        await pilot.press("Y")
        snapshot = json.loads(pilot.app.clipboard)
        assert snapshot["current_snapshot"]["choices"][0]["message"]["content"] == text

        await pilot.press("R")
        head = json.loads(pilot.app.clipboard)
        assert head["request"]["method"] == "POST" and head["request"]["body"]["model"]
        assert head["response"]["x-request-id"] == "req_2f4ad5fbc7646f3c32b10b1656aeca17"


async def test_w_writes_the_stream_up_to_the_cursor_as_a_cassette_the_sdk_replays(tmp_path: Path) -> None:
    notes = Notes()
    async with app_for("chat_text").run_test(size=LARGE, message_hook=notes) as pilot:
        screen = await ready(pilot)
        screen.cuts = tmp_path
        await pilot.press("colon", "4", "0", "enter", "w")
    path = tmp_path / "chat_text.cut40.yaml"
    assert f"Wrote events 0-40 as a cassette: {path}" in notes
    cut = load(path)
    assert len(events(cut.interactions[0])) == 41
    assert replay(cut) == replay(load(FIXTURES / "chat_text.yaml"), Fault.cut_after(40))


async def test_the_request_pane_shows_the_request_and_response_head_and_the_search_reaches_it() -> None:
    notes = Notes()
    async with app_for("responses_function", 1).run_test(size=LARGE, message_hook=notes) as pilot:
        screen = await ready(pilot)
        await pilot.press("r")
        pane = screen.query_one(RequestPane)
        assert screen.maximized is pane
        text = pane.text
        assert "POST https://api.openai.com/v1/responses" in text
        assert '"previous_response_id": "resp_331e0b9a9e9e7b20f2828615256a23ae39a19c7cbecdb502"' in text
        assert "function_call_output" in text and "→ 200" in text and "x-request-id req_" in text
        await pilot.press("r")
        assert screen.maximized is None and not pane.display
        await pilot.press("slash", *"previous_response", "enter")
        assert "in the request or response head: r shows them." in notes
        await pilot.press("r")
        marked = [s.text for line in pane.lines for s in line if s.style is not None and s.style.reverse]
        assert "previous_response" in marked
        assert all(p is not pane for p in screen.panes)  # not one of the panes that follow the cursor
        assert isinstance(screen.query_one("#raw"), Pane)


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (160, 30), (100, 45)])
async def test_the_request_pane_shows_in_a_small_terminal_too(size: tuple[int, int]) -> None:
    """Where the panes take turns (narrow or short terminals), ``r`` shows the request pane, not a blank screen."""
    async with app_for("chat_text").run_test(size=size) as pilot:
        screen = await ready(pilot)
        await pilot.press("r")
        await pilot.pause()
        pane = screen.query_one(RequestPane)
        assert screen.maximized is pane and pane.display
        assert pane.size.width > size[0] // 2 and pane.size.height > size[1] // 2
        assert "POST https://api.openai.com/v1/chat/completions" in pane.text


async def test_each_stream_s_cut_and_copies_have_their_own_names_and_a_cut_never_replaces_one(
    tmp_path: Path, copies: Path
) -> None:
    """In a cassette of two streams, ``w`` and ``y`` at the same event of each write two files, not one over the
    other; ``w`` again where a cut was written adds one (``-2``)."""
    notes = Notes()
    async with app_for("function_calling").run_test(size=LARGE, message_hook=notes) as pilot:
        screen = await ready(pilot)
        screen.cuts = tmp_path
        await pilot.press("colon", "5", "enter", "w", "y", "w")
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("down", "enter")
        screen = await ready(pilot)
        screen.cuts = tmp_path
        assert screen.timeline is not None and screen.timeline.interaction == 1
        await pilot.press("colon", "5", "enter", "w", "y")
    assert sorted(path.name for path in tmp_path.glob("*.yaml")) == [
        "function_calling.interaction0.cut5-2.yaml",
        "function_calling.interaction0.cut5.yaml",
        "function_calling.interaction1.cut5.yaml",
    ]
    first, second = (load(tmp_path / f"function_calling.interaction{i}.cut5.yaml") for i in (0, 1))
    assert first.interactions[0].request.body_bytes != second.interactions[0].request.body_bytes
    assert sorted(path.name for path in copies.iterdir()) == [
        "function_calling.interaction0.event.5.json",
        "function_calling.interaction1.event.5.json",
    ]


async def test_a_stream_with_no_event_still_copies_its_request(copies: Path) -> None:
    """An empty stream's request is what there is to look at: R copies it; the keys that need an event say so."""
    from ssetape.recorder import Cassette
    from ssetape.tui.app import TapeApp
    from ssetape.tui.screens import TimelineScreen

    empty = Cassette.model_validate(
        {
            "interactions": [
                {
                    "request": {"method": "POST", "uri": "https://api.openai.com/v1/chat/completions", "body": "{}"},
                    "response": {
                        "status": {"code": 200},
                        "headers": {"content-type": ["text/event-stream"]},
                        "body": {"string": ""},
                    },
                }
            ]
        }
    )
    notes = Notes()
    async with TapeApp(empty, source="empty.yaml").run_test(size=LARGE, message_hook=notes) as pilot:
        for _ in range(200):
            screen = pilot.app.screen
            if isinstance(screen, TimelineScreen) and screen.timeline is not None:
                break
            await pilot.pause(0.01)
        await pilot.press("R", "y")
        await pilot.pause()
        assert json.loads(pilot.app.clipboard)["request"]["url"] == "https://api.openai.com/v1/chat/completions"
        assert (copies / "empty.request.json").exists()
        assert "No event is selected: no event to copy." in notes
