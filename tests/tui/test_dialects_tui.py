"""The TUI on files other tools wrote: a compressed vcrpy cassette shows its decoded events, and a stream no
API recognises shows its events' data (the generic SSE home's panes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssetape.recorder import load
from ssetape.replayer import events
from ssetape.tui import TapeApp
from ssetape.tui.widgets import Pane
from tests.tui.helpers import SIZE, pane, ready

from ..dialects import fixture, write

pytestmark = pytest.mark.anyio


async def test_a_gzip_cassette_shows_the_decoded_events(tmp_path: Path) -> None:
    path = write("content_gzip", "chat_text", tmp_path)
    async with TapeApp(load(path), source=path.name).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert len(screen.view.timeline) == len(events(fixture("chat_text").interactions[0])) > 0
        await pilot.press("G")
        await pilot.pause()
        assert "Server-sent events" in pane(screen, "message")


async def test_a_generic_stream_shows_each_events_data(tmp_path: Path) -> None:
    path = tmp_path / "ticks.sse"
    path.write_bytes(b'event: tick\nid: 7\ndata: {"n": 1, "note": "hello"}\n\nevent: tock\ndata: plain\n\n')
    async with TapeApp(load(path), source=path.name).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        text = pane(screen, "message")
        assert '"note": "hello"' in text
        assert "id 7" in str(screen.query_one("#message", Pane).border_subtitle)
        assert "tick: 1" in pane(screen, "step")
        await pilot.press("j")
        await pilot.pause()
        assert "plain" in pane(screen, "message") and "tock: 1" in pane(screen, "step")
