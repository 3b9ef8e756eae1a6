"""Behaviour of the TUI under Pilot: keys move the selection, the panes follow, search, filter, play.

Each Pilot key press waits for the app to go idle (tens of milliseconds), so the tests press few
keys: prompts are answered by setting the input's value, and related checks share one app.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, SelectionList

from ssetape.recorder import cassette_from_sse
from ssetape.tui import TapeApp
from ssetape.tui.screens import FilterScreen, HelpScreen, TimelineScreen
from ssetape.tui.widgets import IndexProgress, Prompt
from tests.conftest import FIXTURES
from tests.tui.helpers import SIZE, Notes, app_for, pane, ready

pytestmark = pytest.mark.anyio


async def answer(pilot: Pilot[None], key: str, text: str) -> None:
    """Open the ``:`` (``key="colon"``) or ``/`` (``"slash"``) prompt, type ``text``, press enter."""
    await pilot.press(key)
    pilot.app.screen.query_one(Prompt).query_one(Input).value = text
    await pilot.press("enter")


def reversed_text(screen: object, name: str) -> str:
    """The characters drawn in reverse video in pane ``name``: what the event added."""
    out = []
    for line in screen.query_one(f"#{name}").lines:  # type: ignore[attr-defined]
        out.extend(segment.text for segment in line if segment.style is not None and segment.style.reverse)
    return "".join(out)


async def test_keys_step_through_a_text_stream_and_the_panes_follow() -> None:
    notes = Notes()
    async with app_for("text").run_test(size=SIZE, message_hook=notes) as pilot:
        screen = await ready(pilot)
        assert screen.event_list.index == 0
        assert "on_event(event=ThreadRunCreated(event='thread.run.created'))" in pane(screen, "callbacks")
        assert "status queued" in pane(screen, "run")
        assert "current_message_snapshot is None" in pane(screen, "message")
        assert '"status": "queued"' in pane(screen, "raw")

        await answer(pilot, "colon", "7")  # the first text delta
        await pilot.press("j")
        assert screen.event_list.index == 8
        assert "on_text_delta(delta='-sent', snapshot='Server-sent')" in pane(screen, "callbacks")
        assert pane(screen, "message").startswith("Server-sent")
        assert reversed_text(screen, "message") == "-sent"
        assert '"value": "-sent"' in pane(screen, "raw")
        await pilot.press("down")
        assert screen.event_list.index == 9
        assert reversed_text(screen, "message") == " events"
        await pilot.press("k", "up")
        assert screen.event_list.index == 7
        assert "on_text_delta(delta='Server', snapshot='Server')" in pane(screen, "callbacks")

        await pilot.press("t")
        assert "This cassette holds one streamed response." in notes
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("escape")
        assert pilot.app.screen is screen


async def test_boundaries_ends_and_events_of_the_same_type() -> None:
    notes = Notes()
    async with app_for("code_interpreter").run_test(size=SIZE, message_hook=notes) as pilot:
        screen = await ready(pilot)
        assert screen.timeline is not None
        names = [event.name for event in screen.timeline.events]
        await pilot.press("G")
        assert screen.event_list.index == 177
        await pilot.press("g", "n")
        assert names[screen.event_list.index] == "thread.run.step.created"
        await pilot.press("n")
        assert names[screen.event_list.index] == "thread.run.step.completed"
        await pilot.press("N")
        assert screen.event_list.index == 3
        await pilot.press("J")
        assert screen.event_list.index == 39
        await pilot.press("J", "J")
        assert screen.event_list.index == 133
        assert "No later thread.run.step.created event." in notes
        await pilot.press("K")
        assert screen.event_list.index == 39
        top = round(screen.event_list.scroll_y)
        await pilot.click("#event-list", offset=(10, 2))
        assert screen.event_list.index == top + 2


async def test_colon_jumps_and_says_why_when_it_cannot() -> None:
    notes = Notes()  # the targets themselves: tests/tui/test_view.py
    async with app_for("code_interpreter").run_test(size=SIZE, message_hook=notes) as pilot:
        screen = await ready(pilot)
        await answer(pilot, "colon", "140")
        assert screen.event_list.index == 140
        assert "on_text_delta(delta=' the sales', snapshot='I loaded the sales')" in pane(screen, "callbacks")
        await answer(pilot, "colon", "9999")
        assert screen.event_list.index == 177
        assert "No event 9999: the stream has 178 (0 to 177)." in notes
        await answer(pilot, "colon", "abc")
        assert "Cannot jump to 'abc'" in notes
        assert screen.focused is screen.event_list
        await pilot.press("colon", "1", "escape")
        assert screen.event_list.index == 177
        assert screen.focused is screen.event_list


async def test_search_finds_json_and_text_and_wraps_with_a_notification() -> None:
    notes = Notes()
    async with app_for("code_interpreter").run_test(size=SIZE, message_hook=notes) as pilot:
        screen = await ready(pilot)
        await answer(pilot, "slash", "matplotlib")  # a tool-call delta, then the completed step
        assert screen.event_list.index == 48
        assert screen.search is not None and len(screen.search) == 2
        await pilot.press("right_square_bracket")
        assert screen.event_list.index == 132
        assert "Search wrapped to the top." not in notes
        await pilot.press("right_square_bracket")
        assert screen.event_list.index == 48
        assert "Search wrapped to the top." in notes
        await pilot.press("left_square_bracket")
        assert screen.event_list.index == 132
        assert "Search wrapped to the bottom." in notes

        await answer(pilot, "slash", "no such words")
        assert "No event matches 'no such words'." in notes
        await answer(pilot, "slash", " averaged")  # the text of one delta (and of the completed message)
        assert screen.event_list.index == 147


async def test_the_filter_shows_the_chosen_types_and_keeps_the_selection() -> None:
    async with app_for("code_interpreter").run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.timeline is not None
        await answer(pilot, "colon", "38")  # thread.run.step.completed
        await pilot.press("f")
        assert isinstance(pilot.app.screen, FilterScreen)
        selection: SelectionList[str] = pilot.app.screen.query_one(SelectionList)
        selection.deselect_all()
        selection.select("thread.run.step.completed")
        selection.select("thread.run.step.created")
        await pilot.press("enter")
        assert screen.view is not None
        assert {screen.timeline.events[index].name for index in screen.view.rows} == {
            "thread.run.step.completed",
            "thread.run.step.created",
        }
        assert screen.event_list.index == 38  # still selected
        await pilot.press("j")
        assert screen.event_list.index == 39

        await pilot.press("f")  # now hide the selected event's type: the one before it is selected
        selection = pilot.app.screen.query_one(SelectionList)
        selection.deselect("thread.run.step.created")
        await pilot.press("enter")
        assert screen.event_list.index == 38

        await pilot.press("f", "space", "escape")  # cancelled: nothing changes
        assert screen.view.types == frozenset({"thread.run.step.completed"})
        await pilot.press("f", "a", "enter")  # all types again
        assert not screen.view.filtered
        assert screen.event_list.index == 38


async def test_play_follows_the_recorded_gaps_pauses_and_stops_at_the_end() -> None:
    notes = Notes()
    async with app_for("text").run_test(size=SIZE, message_hook=notes) as pilot:
        screen = await ready(pilot)
        assert screen.timeline is not None
        events = screen.timeline.events
        now = [100.0]
        screen.playback.clock = lambda: now[0]  # stream time advances only when the test says so
        await pilot.press("space")
        assert screen.playing
        now[0] += 1.0  # one second of stream after the first event
        expected = max(event.index for event in events if event.at <= events[0].at + 1.0)
        for _ in range(50):  # a tick comes at least every MAX_TICK of real time
            await pilot.pause(0.05)
            if screen.event_list.index == expected:
                break
        assert screen.event_list.index == expected
        await pilot.press("space")
        assert not screen.playing
        now[0] += 5.0
        await pilot.pause(0.3)
        assert screen.event_list.index == expected  # paused: the clock moved on, playback did not

        await pilot.press(*"++++", "space")  # 1x to 25x, play on
        assert screen.speed == 25 and screen.playing
        now[0] += 1.0  # 25 s of stream: past its end
        for _ in range(50):
            await pilot.pause(0.05)
            if not screen.playing:
                break
        assert not screen.playing
        assert screen.event_list.index == 218
        assert "End of the stream: playback stopped." in notes
        await pilot.press("space")
        assert screen.playing and screen.event_list.index < 3  # from the start (events 0-2 share a time)
        await pilot.press("space", *"--------")  # to 0.1x, and once more
        assert screen.speed == 0.1
        assert "Already at the slowest speed, 0.1x." in notes


async def test_t_lists_the_streams_of_a_cassette_to_switch_between_and_back() -> None:
    async with app_for("function_calling").run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.interaction == 0
        await pilot.press("G")
        run = pane(screen, "run")
        assert "required_action submit_tool_outputs" in run
        assert "get_current_weather(location='Lima, Peru', unit='celsius')" in run
        await pilot.press("t", "down", "enter")
        screen = await ready(pilot)
        assert screen.interaction == 1
        assert screen.event_list.index == 0
        assert screen.timeline is not None
        assert screen.timeline.interaction_record.request.uri.endswith("/submit_tool_outputs")
        await pilot.press("t", "up", "enter")
        await pilot.pause()
        assert screen.interaction == 0
        assert screen.event_list.index == 35  # where it was


async def test_a_stream_without_a_complete_event_says_so() -> None:
    cassette = cassette_from_sse(b'event: thread.run.created\ndata: {"id": "run_1", "sta')
    async with TapeApp(cassette, source="cut.sse").run_test(size=SIZE) as pilot:
        for _ in range(200):
            if isinstance(pilot.app.screen, TimelineScreen) and pilot.app.screen.view is not None:
                break
            await pilot.pause(0.01)
        screen = pilot.app.screen
        assert isinstance(screen, TimelineScreen)
        await pilot.pause()
        said = " ".join(pane(screen, "callbacks").split())
        assert said.startswith("This stream holds no complete event; the transport then raises RemoteProtocolError(")
        await pilot.press("j", "G", "space")  # nothing to move to or play: no error either
        assert not screen.playing


async def test_a_small_terminal_shows_one_pane_at_a_time_and_z_zooms() -> None:
    async with app_for("code_interpreter").run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        assert screen.one_pane
        assert [p.id for p in screen.panes if p.display] == ["message"]
        await pilot.press("p", "j")
        assert [p.id for p in screen.panes if p.display] == ["step"]
        assert screen.event_list.index == 1
        screen.panes[2].focus()
        await pilot.press("z")
        assert screen.maximized is screen.panes[2]
        await pilot.press("z")
        assert screen.maximized is None

        progress = screen.query_one(IndexProgress)
        progress.start("big.sse #0")
        progress.post_message(IndexProgress.Advanced(640, 50_011))
        await pilot.pause()
        assert "Indexing big.sse #0: 640 of 50,011 events" in str(progress.query_one("Label").render())


async def test_stepping_through_a_responses_function_call_updates_the_panes() -> None:
    async with app_for("responses_function", 0).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        timeline = screen.timeline
        assert timeline is not None and timeline.kind == "responses"
        start = next(e.index for e in timeline.events if e.name == "response.function_call_arguments.delta")
        await answer(pilot, "colon", str(start))
        before = pane(screen, "step")
        assert screen.query_one("#step").border_title.startswith("output items")  # type: ignore[union-attr]
        await pilot.press("j")
        assert screen.event_list.index == start + 1
        delta = timeline.events[start + 1].data["delta"]  # type: ignore[index]
        arguments = timeline.state(start + 1).current_snapshot.output[0].arguments  # type: ignore[union-attr]
        assert pane(screen, "step") != before
        assert arguments in pane(screen, "step")
        assert reversed_text(screen, "step") == delta
        assert f"response.function_call_arguments.delta(delta={delta!r})" in pane(screen, "callbacks")
        await pilot.press("G")
        final = timeline.state(len(timeline) - 1).completed_response
        assert final is not None
        assert f"status {final.status}" in pane(screen, "run")
        assert f"response {final.id}" in str(screen.query_one("#run").border_title)
        assert reversed_text(screen, "step") == ""  # response.completed adds nothing to an item


async def test_sigterm_quits_as_q_does() -> None:
    """A supervisor's SIGTERM ends the TUI as q does (under record --tui, the proxy then stops and saves), where the
    process died at once, its terminal left as it was."""
    import os
    import signal

    previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)  # without the app's: not this test's end
    try:
        async with app_for("chat_text").run_test() as pilot:
            await ready(pilot)
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(100):
                if not pilot.app.is_running:
                    break
                await pilot.pause(0.01)
            assert not pilot.app.is_running
    finally:
        signal.signal(signal.SIGTERM, previous)


@pytest.mark.parametrize(
    ("fixture", "closed"),
    [("anthropic_text", True), ("gemini_text", True), ("responses_text", True), ("chat_text", None)],
)
def test_a_complete_stream_of_an_api_without_done_ends_with_its_last_event(fixture: str, closed: bool | None) -> None:
    """Anthropic, Gemini and Responses streams send no [DONE]: one that ended with its API's last event says so,
    where the TUI said 'without [DONE]' as if it were cut short."""
    from ssetape.recorder import load
    from ssetape.replayer import Timeline
    from ssetape.tui.ending import ending

    timeline = Timeline(load(FIXTURES / f"{fixture}.yaml"))
    said = ending(timeline).describe()
    if closed:
        assert said == "the recording ends here, with the stream's last event"
    else:
        assert said == "the SDK's stream stops here: [DONE]"
        item = timeline.interaction_record
        body = item.response.body_bytes.replace(b"data: [DONE]\n\n", b"")
        short = Timeline(cassette_from_sse(body, uri=item.request.uri, chunks=[(0.1, len(body))]))
        assert ending(short).describe().startswith("the recording ends here, before the event that ends its stream")
