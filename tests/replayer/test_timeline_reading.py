"""``Timeline.reading``: what an event fires, uncopied, is what ``Timeline.callbacks`` gives (copied), for every
kind of bundled stream, stepping forward, back and jumping, as the TUI does."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ssetape.recorder import load
from ssetape.replayer import Timeline
from tests.conftest import FIXTURES
from tests.oracle import normalize

STREAMS = [(path, index) for path in sorted(FIXTURES.glob("*.yaml")) for index in load(path).streams()]


def read(callbacks: list[Any]) -> list[tuple[str, Any]]:
    return [(callback.name, normalize(callback.args)) for callback in callbacks]


@pytest.mark.parametrize(("path", "index"), STREAMS, ids=[f"{p.stem}-{i}" for p, i in STREAMS])
def test_reading_is_what_callbacks_copies(path: Path, index: int) -> None:
    cassette = load(path)
    timeline = Timeline(cassette, index, every=8)
    size = len(timeline)
    if not size:
        pytest.skip("no complete event")
    rng = random.Random(index)
    order = [*range(size), *range(size - 1, -1, -1), *(rng.randrange(size) for _ in range(min(size, 200)))]
    for i in order:
        timeline[i]  # as the TUI asks: the moment, then what it fired
        copied = read(timeline.callbacks(i))
        assert read(timeline.reading(i)) == copied, (i, timeline.kind)


#: By kind: what the panes read (shared), and the public accessor that copies the same value.
SHOWN: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "responses": ("shared_response", lambda state: state.completed_response or state.current_snapshot),
    "chat": ("shared_snapshot", lambda state: state.current_snapshot),
}
LAGGING = [(path, index) for path, index in STREAMS if path.stem.split("_")[0] in SHOWN]


@pytest.mark.parametrize(("path", "index"), LAGGING, ids=[f"{p.stem}-{i}" for p, i in LAGGING])
def test_what_the_panes_read_is_built_once_a_moment_and_is_what_the_copies_are(path: Path, index: int) -> None:
    timeline = Timeline(load(path), index, every=8)
    name, copy_of = SHOWN[timeline.kind]
    for i in [*range(len(timeline)), *range(len(timeline) - 1, -1, -5)]:
        state = timeline[i].state
        shown = getattr(state, name)
        copied = copy_of(state)
        assert normalize(shown) == normalize(copied), i
        assert getattr(state, name) is shown  # the panes of one moment share it
        if shown is not None:
            assert getattr(timeline.state(i - 1 if i else 1), name) is not shown


CHANGED = [*LAGGING[:2], *LAGGING[-2:]]  # Chat Completions and Responses streams


@pytest.mark.parametrize(("path", "index"), CHANGED, ids=[f"{p.stem}-{i}" for p, i in CHANGED])
def test_an_event_a_caller_changes_is_not_what_the_next_call_returns(path: Path, index: int) -> None:
    timeline = Timeline(load(path), index, every=8)
    i = next(i for i in range(len(timeline)) if timeline.callbacks(i))
    expected = read(timeline.callbacks(i))
    first = timeline.callbacks(i)
    for callback in first:
        vars(callback.event).clear()  # what a careless handler might do to the object it was given
    assert read(timeline.callbacks(i)) == expected
    assert read(Timeline(load(path), index, every=8).callbacks(i)) == expected
