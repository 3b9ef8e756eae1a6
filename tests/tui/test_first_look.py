"""A long stream's first events are on screen before the whole is indexed, and what they show is exact."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from ssetape.recorder import Cassette, cassette_from_sse, load
from ssetape.replayer import Timeline, events
from ssetape.tui import TapeApp
from ssetape.tui.indexing import FIRST_LOOK_BYTES, first_look, is_first_look
from ssetape.tui.screens import TimelineScreen
from ssetape.tui.screens import timeline as timeline_screen
from tests.conftest import FIXTURES
from tests.tui.helpers import SIZE, pane, ready, text_run
from tests.tui.test_panes import render

pytestmark = pytest.mark.anyio


def long_stream(tmp_path: Path) -> Cassette:
    """An Assistants text run whose body is longer than ``FIRST_LOOK_BYTES``, saved and loaded again."""
    return load(text_run(4000).save(tmp_path / "long.yaml"))


def test_the_first_look_shows_what_the_whole_shows_for_its_events(tmp_path: Path) -> None:
    cassette = long_stream(tmp_path)
    assert len(cassette.interactions[0].response.body_bytes) > FIRST_LOOK_BYTES
    look, whole = first_look(cassette, 0), Timeline(cassette, 0)
    assert look is not None
    assert 100 < len(look) < len(whole)
    assert look.events[:-1] == whole.events[: len(look) - 1]
    # its last event is where its shorter body ends: never shown (the deltas are alike: every 25th is laid out)
    for index in [*range(0, len(look) - 1, 25), len(look) - 2]:
        assert render(look, index) == render(whole, index)


def test_a_first_look_at_a_generic_stream_claims_no_total() -> None:
    # the generic SSE home counts the events read out of the whole: a first look's length is not the whole's
    body = b"".join(b"event: tick\ndata: %b\n\n" % json.dumps({"n": n, "pad": "x" * 100}).encode() for n in range(6000))
    cassette = cassette_from_sse(body)
    assert len(body) > FIRST_LOOK_BYTES
    look, whole = first_look(cassette, 0), Timeline(cassette, 0)
    assert look is not None and is_first_look(look) and not is_first_look(whole)
    assert whole.kind == look.kind == "sse"
    shown, known = render(look, 9)["run"], render(whole, 9)["run"]
    assert "10 events read so far (the whole stream is still being indexed)" in shown and " of " not in shown
    assert "10 of 6000 events read" in known


def test_a_short_stream_gets_no_first_look() -> None:
    assert first_look(load(FIXTURES / "text.yaml"), 0) is None


async def test_the_first_events_are_on_screen_while_the_whole_is_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cassette = long_stream(tmp_path)
    go_on = threading.Event()
    index_whole = timeline_screen.index_whole

    def held(*args: object, **kwargs: object) -> object:
        go_on.wait(10)
        return index_whole(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(timeline_screen, "index_whole", held)
    async with TapeApp(cassette, source="long.yaml").run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, TimelineScreen)
        assert screen.timeline is None and screen.first_look is not None
        look = screen.first_look[1]
        assert screen.view is not None and len(screen.view) == len(look) - 1
        assert screen.drawn == 0
        first = {name: pane(screen, name) for name in ("callbacks", "message", "step", "run", "raw")}
        assert "on_event(event=ThreadRunCreated(event='thread.run.created'))" in first["callbacks"]
        await pilot.press("G")  # nothing to go to yet: the last event is not known
        assert screen.event_list.index == 0

        go_on.set()
        for _ in range(500):
            if screen.timeline is not None and screen.drawn == 0:
                break
            await pilot.pause(0.01)
        assert screen.timeline is not None and screen.first_look is None
        assert len(screen.view or ()) == len(screen.timeline)
        assert {name: pane(screen, name) for name in first} == first
        await pilot.press("G")
        await pilot.pause()
        assert screen.drawn == len(screen.timeline) - 1


async def test_an_index_of_a_cassette_since_replaced_is_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stream is indexed in a thread. Should the screen's cassette be replaced meanwhile (a recording followed,
    read again), what the thread read is not shown as the screen's stream: the stream is indexed again, from the
    cassette the screen now has."""
    first, later = text_run(3), text_run(9)
    read, go_on = threading.Event(), threading.Event()
    index_whole = timeline_screen.index_whole
    async with TapeApp(first, source="run.yaml").run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.timeline is not None and len(screen.timeline) == len(events(first.interactions[0]))

        def held(*args: object, **kwargs: object) -> object:
            read.set()
            go_on.wait(10)
            return index_whole(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(timeline_screen, "index_whole", held)
        screen.indexed.clear()
        screen.load(screen.interaction)
        for _ in range(500):
            if read.is_set():
                break
            await pilot.pause(0.01)
        assert read.is_set(), "the stream is being indexed"
        screen.cassette = later  # while the thread reads the first
        go_on.set()
        expected = len(events(later.interactions[0]))
        for _ in range(500):
            if screen.timeline is not None and len(screen.timeline) == expected:
                break
            await pilot.pause(0.01)
        assert screen.timeline is not None and len(screen.timeline) == expected
