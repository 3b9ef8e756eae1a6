"""The collector is paused while a cassette is read, and left as the caller had it."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from ssetape.recorder import Cassette, collector_paused, load

from .test_cassette import make_interaction


def test_the_collector_is_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()


def test_a_collector_the_caller_disabled_stays_disabled(tmp_path: Path) -> None:
    path = Cassette(interactions=[make_interaction("data: 1\n\n")]).save(tmp_path / "c.yaml")
    load(path)
    assert gc.isenabled()
    gc.disable()
    try:
        load(path)
        assert not gc.isenabled()
    finally:
        gc.enable()
