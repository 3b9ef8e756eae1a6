"""``apis.assistants._versioned.Versioned``: a dict to its readers, whose copies share blocks."""

from __future__ import annotations

import random

import pytest

from ssetape.apis.assistants._versioned import BLOCK, Versioned


def test_reads_as_a_dict_through_random_writes_and_copies() -> None:
    """Random writes (new keys and overwrites) to a map, its copies and copies of copies, each checked
    against a plain dict after every step: no copy ever sees another's writes."""
    rng = random.Random(11)
    maps: list[tuple[Versioned[int], dict[int, int]]] = [(Versioned(), {})]
    for step in range(3000):
        ours, want = rng.choice(maps)
        if rng.random() < 0.05:
            maps.append((ours.copy(), dict(want)))
            continue
        key = rng.randrange(3 * BLOCK) if rng.random() < 0.5 else rng.randrange(10 * BLOCK)
        ours[key] = want[key] = step
        for ours, want in maps:
            assert list(ours.items()) == list(want.items())
    for ours, want in maps:
        assert len(ours) == len(want) and bool(ours) == bool(want)
        for key in range(10 * BLOCK):
            assert ours.get(key, "none") == want.get(key, "none") and (key in ours) == (key in want)


def test_a_copy_behind_another_going_elsewhere_keeps_its_own_order() -> None:
    first: Versioned[str] = Versioned()
    first["a"] = "1"
    behind = first.copy()
    first["b"] = "2"
    behind["c"] = "3"
    behind["b"] = "4"
    assert list(first.items()) == [("a", "1"), ("b", "2")]
    assert list(behind.items()) == [("a", "1"), ("c", "3"), ("b", "4")]


def test_a_missing_key_raises_what_a_dict_raises() -> None:
    with pytest.raises(KeyError, match="step_9"):
        Versioned()["step_9"]
    with pytest.raises(TypeError, match="unhashable"):
        Versioned()[["not", "hashable"]] = 1
