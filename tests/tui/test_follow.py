"""Following a recording in progress, for real: the recording proxy in its own process on loopback, the
emulated upstream streaming through it to the openai SDK, and the TUI (under Pilot) following its journal:
the stream grows event by event with the cursor following at the end and staying put elsewhere, and the
next stream appears. The emulator's valve lets the stream's chunks through a few at a time, so it is still
arriving at every check however loaded the machine is."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import openai
import pytest
from click.testing import CliRunner
from textual.pilot import Pilot

from ssetape.cli import main
from ssetape.fixtures.emulator import Upstream
from ssetape.recorder import CassetteNotFoundError, load
from ssetape.recorder.proxy import RecordingProxy, read_live
from ssetape.replayer import events
from ssetape.tui import TapeApp, proxy_in_background
from ssetape.tui.indexing import index_whole
from ssetape.tui.screens import FollowScreen, WaitScreen
from ssetape.tui.screens.follow import Reread, following
from tests.recorder.test_proxy_e2e import proxy_process
from tests.tui import journals

pytestmark = pytest.mark.anyio

#: The emulator at a fifth of the recorded pace (a Chat Completions text stream takes about two seconds once
#: the valve is open), each chunk still arriving on its own.
PACE = 0.2
#: Chunks let through for the stream to grow: an event torn in two takes two.
GROW = 4


def chat_stream(base_url: str, scenario: str = "text") -> threading.Thread:
    """A Chat Completions stream through the proxy, read to its end in a thread, as an app would."""

    def run() -> None:
        client = openai.OpenAI(api_key="sk-test", base_url=base_url, max_retries=0)
        with client.chat.completions.stream(
            model="gpt-4o", messages=[{"role": "user", "content": "Tell me"}], metadata={"scenario": scenario}
        ) as stream:
            stream.until_done()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


async def until(
    pilot: Pilot[None], condition: Callable[[], bool], what: str, timeout: float = 30.0, seen: Callable[[], str] = str
) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting until {what} {seen()}")


def seen_in(app: TapeApp, out: Path) -> Callable[[], str]:
    """What the app shows and what the recording holds, for a failure to say."""

    def seen() -> str:
        screen = app.screen
        shown = f"{length(screen)} events" if isinstance(screen, FollowScreen) else ""
        try:
            live = read_live(out)
        except CassetteNotFoundError:
            return f"({type(screen).__name__} {shown}; nothing recorded)"
        counts = [len(events(live.cassette.interactions[index])) for index in live.cassette.streams()]
        return f"({type(screen).__name__} {shown}; recorded: {counts} events, in flight {set(live.in_flight)})"

    return seen


def length(screen: FollowScreen) -> int:
    return len(screen.timeline) if screen.timeline is not None else 0


async def test_the_tui_follows_a_recording_the_proxy_is_making(tmp_path: Path) -> None:
    out = tmp_path / "session.yaml"
    with Upstream(pace=PACE) as upstream, proxy_process(tmp_path, upstream.base_url.removesuffix("/v1"), out) as proxy:
        upstream.valve.close()  # until it opens, the stream's chunks go only as let through below
        app = TapeApp(screen=lambda: following(out))
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, WaitScreen)  # the proxy is up, nothing streamed yet
            first = chat_stream(proxy.base_url)
            upstream.valve.allow(3 * GROW)
            shown = seen_in(app, out)
            await until(
                pilot, lambda: isinstance(app.screen, FollowScreen) and length(app.screen) > 3, "a stream", seen=shown
            )
            screen = app.screen
            assert isinstance(screen, FollowScreen)
            assert screen.interaction in screen.in_flight, "the stream should still be arriving"
            assert screen.event_list.index == length(screen) - 1  # at the end: the cursor follows
            seen = length(screen)
            upstream.valve.allow(GROW)
            await until(pilot, lambda: length(screen) > seen, "the stream grows", seen=shown)
            assert screen.event_list.index == length(screen) - 1
            assert "cut off" not in str(screen.query_one("TapeHeader Label").render())  # in flight, not cut

            await pilot.press("g")  # away from the end: new events do not move the cursor
            grown = length(screen)
            assert screen.interaction in screen.in_flight
            upstream.valve.allow(GROW)
            await until(pilot, lambda: length(screen) > grown, "the stream grows while the cursor is at 0", seen=shown)
            assert screen.event_list.index == 0 and screen.event_list.cursor == 0
            assert screen.positions[screen.interaction] == 0  # the panes still show event 0

            await pilot.press("G")
            upstream.valve.open()
            first.join(30)
            await until(pilot, lambda: screen.interaction not in screen.in_flight, "the stream ends")
            await pilot.pause(0.5)
            recorded = read_live(out).cassette.interactions[screen.interaction]
            assert length(screen) == len(events(recorded)) and recorded.complete
            assert screen.event_list.index == length(screen) - 1  # followed to the last event

            streams = len(screen.streams)
            second = chat_stream(proxy.base_url, "refusal")  # at the end of an ended stream: the next one is shown
            await until(pilot, lambda: len(screen.streams) > streams, "the second stream appears")
            await until(pilot, lambda: screen.interaction == screen.streams[-1], "the second stream is shown")
            second.join(30)
    saved = load(out)
    assert len(saved.streams()) == 2 and all(saved.interactions[i].complete for i in saved.streams())


async def test_a_move_as_the_recording_is_read_again_stays_where_it_was_made(tmp_path: Path) -> None:
    """A key that moves the cursor just after the panes were drawn draws them a moment later; the recording
    read again in that moment (already queued when the key was handled: a loaded machine) keeps the cursor
    where the key put it, not where the panes last were."""
    out = tmp_path / "session.yaml"
    journals.in_flight(out, "chat_text", 40)
    app = TapeApp(screen=lambda: following(out))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FollowScreen)
        last = screen.event_list.index
        assert last is not None and last > 1
        journals.in_flight(out, "chat_text", 60)
        live = read_live(out)
        reread = Reread(live, screen.interaction, index_whole(live.cassette, screen.interaction))
        await pilot.pause(0.1)
        screen.action_move(-1)  # drawn at once (nothing was drawn in the last moments)
        screen.post_message(reread)  # the recording read again, queued before the next key
        screen.action_first()  # moments after a draw: its panes are drawn once the queued messages are handled
        await pilot.pause()
        assert screen.event_list.index == 0 and screen.positions[screen.interaction] == 0
        assert length(screen) == len(events(live.cassette.interactions[screen.interaction]))


async def test_what_arrives_while_the_screen_opens_is_shown_though_nothing_follows(tmp_path: Path) -> None:
    """The recording read, more arrives before the screen opens, then nothing (a pause in the stream): the
    screen reads it again, as it changed since it was read, not since the screen opened."""
    out = tmp_path / "session.yaml"
    journals.in_flight(out, "chat_text", 20)
    live = read_live(out)
    journals.in_flight(out, "chat_text", 40)
    arrived = len(events(read_live(out).cassette.interactions[0]))
    assert arrived > len(events(live.cassette.interactions[0]))
    app = TapeApp(screen=lambda: FollowScreen(out, live))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, FollowScreen)
        await until(pilot, lambda: length(screen) == arrived, "what arrived before the screen opened is shown")


async def test_the_stream_as_first_read_indexed_late_does_not_replace_a_later_read(tmp_path: Path) -> None:
    """The screen indexes the stream it opens on while the recording is read again: on a loaded machine the
    first index can finish last, and must not take the screen back to fewer events (nothing more may arrive
    to mend it: a pause in the stream)."""
    out = tmp_path / "session.yaml"
    journals.in_flight(out, "chat_text", 20)
    first = read_live(out)
    app = TapeApp(screen=lambda: FollowScreen(out, first))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, FollowScreen)
        await until(pilot, lambda: length(screen) > 0, "the stream is shown")
        journals.in_flight(out, "chat_text", 40)
        arrived = len(events(read_live(out).cassette.interactions[0]))
        await until(pilot, lambda: length(screen) == arrived, "the stream read again is shown")
        late = screen.index_stream(first.cassette, screen.interaction)  # what the screen opened on
        await late.wait()
        await pilot.pause()
        assert length(screen) == arrived


async def test_record_tui_serves_the_proxy_beside_the_app_and_saves_when_it_ends(tmp_path: Path) -> None:
    """``ssetape record --tui``'s parts: the proxy in a thread of the TUI's process, the app following its
    cassette, the recording saved when the block (the app) ends."""
    out = tmp_path / "live.yaml"
    with Upstream(pace=0.1) as upstream:
        proxy = RecordingProxy(upstream.base_url.removesuffix("/v1"), out, port=0, quiet=True, live=False)
        with proxy_in_background(proxy, grace=1):
            app = TapeApp(screen=lambda: following(out))
            async with app.run_test(size=(100, 30)) as pilot:
                chat_stream(proxy.base_url).join(30)
                await until(pilot, lambda: isinstance(app.screen, FollowScreen), "the stream is shown")
                screen = app.screen
                assert isinstance(screen, FollowScreen)
                await until(pilot, lambda: screen.interaction not in screen.in_flight, "the stream ends")
                await pilot.pause(0.5)
                assert length(screen) == len(events(read_live(out).cassette.interactions[screen.interaction]))
    (index,) = load(out).streams()
    assert load(out).interactions[index].complete


def test_record_tui_wants_a_cassette_file_and_a_terminal(tmp_path: Path) -> None:
    record = ["record", "--upstream", "http://127.0.0.1:9", "--tui", "--port", "0"]
    result = CliRunner().invoke(main, [*record, "--out", f"{tmp_path}/"])
    assert result.exit_code == 2 and "--tui follows one cassette" in result.output
    result = CliRunner().invoke(main, [*record, "--out", str(tmp_path / "a.yaml")])
    assert result.exit_code == 2 and "--tui needs an interactive terminal" in result.output
    assert not (tmp_path / "a.yaml").exists()


def test_follow_takes_one_cassette_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["tui", "--follow", str(tmp_path)])
    assert result.exit_code == 2 and "--follow takes one cassette file" in result.output
