"""``Timeline.reading``: what an event fires, uncopied, is what ``Timeline.callbacks`` gives (copied), for every
kind of bundled stream, stepping forward, back and jumping, as the TUI does."""

from __future__ import annotations

import random
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
