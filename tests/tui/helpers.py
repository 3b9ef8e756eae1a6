"""Opening fixtures in the TUI under Pilot, and waiting for the stream to be indexed."""

from __future__ import annotations

import io

from rich.console import Console
from textual.message import Message
from textual.notifications import Notify
from textual.pilot import Pilot

from ssetape.fixtures.emulator import render_stream
from ssetape.recorder import Cassette, cassette_from_sse, load
from ssetape.tui import TapeApp
from ssetape.tui.screens import TimelineScreen
from ssetape.tui.widgets import Pane
from tests.conftest import FIXTURES

SIZE = (160, 40)


def app_for(name: str, interaction: int | None = None) -> TapeApp:
    """The app on ``fixtures/<name>.yaml``."""
    return TapeApp(load(FIXTURES / f"{name}.yaml"), source=f"{name}.yaml", interaction=interaction)


async def ready(pilot: Pilot[None]) -> TimelineScreen:
    """The timeline screen once its stream is indexed and the first event shown."""
    for _ in range(1000):
        screen = pilot.app.screen
        if (
            isinstance(screen, TimelineScreen)
            and screen.view is not None
            and screen.event_list.index is not None
            and screen.drawn == screen.event_list.index
        ):
            await pilot.pause()
            return screen
        await pilot.pause(0.01)
    raise AssertionError("the stream was never indexed")


def screen_text(app: TapeApp) -> list[str]:
    """The terminal's rows as a user sees them (what ``export_screenshot`` draws, as text)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, record=True)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text().splitlines()


def pane(screen: TimelineScreen, name: str) -> str:
    """The plain text of pane ``#name`` (callbacks, message, step, run, raw)."""
    return screen.query_one(f"#{name}", Pane).text


class Notes:
    """Collects the notifications an app shows (``run_test(message_hook=notes)``)."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.messages.append(message.notification.message)

    def __contains__(self, text: object) -> bool:
        return any(str(text) in message for message in self.messages)


def text_run(deltas: int) -> Cassette:
    """An Assistants text run of ``deltas`` deltas from the emulator, each chunk at its emulated time."""
    chunks = render_stream("asst_text", deltas=deltas)
    at, timing = 0.0, []
    for delay, chunk in chunks:
        at += delay
        timing.append((at, len(chunk)))
    return cassette_from_sse(b"".join(chunk for _, chunk in chunks), chunks=timing)
