"""Chunk timings as text: read lazily when written by the writer, eagerly (naming the bad pair) otherwise."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssetape.recorder.chunks import Chunks, decode_chunks, encode_chunks

_PAIRS = st.lists(st.tuples(st.floats(0, 1e5, allow_nan=False), st.integers(0, 10**7)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(pairs=_PAIRS)
def test_what_the_writer_writes_reads_back_lazily(pairs: list[tuple[float, int]]) -> None:
    text = encode_chunks(pairs)
    chunks = Chunks.from_text(text)
    assert chunks._pairs is None  # nothing parsed yet
    assert len(chunks) == len(pairs) and chunks.total == sum(size for _, size in pairs)
    assert list(chunks) == decode_chunks(text) == [(float(f"{at:.6f}"), size) for at, size in pairs]


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.sampled_from(list("0123456789.: \n-ae+_x")), max_size=30))
def test_any_text_reads_as_the_plain_loop_reads_it(text: str) -> None:
    """The whole-text checks accept exactly what reading pair by pair accepts, with the same result."""
    try:
        expected = [(float(at), int(size)) for at, _, size in (word.partition(":") for word in text.split())]
        assert all(":" in word for word in text.split())
        assert all(math.isfinite(at) and at >= 0 and size >= 0 for at, size in expected)
    except (ValueError, AssertionError):
        with pytest.raises(ValueError, match=r"chunk \d+ (is '.*', expected seconds:size|arrives at|has -)"):
            Chunks.from_text(text)
        return
    chunks = Chunks.from_text(text)
    assert list(chunks) == expected and len(chunks) == len(expected)
    assert chunks.total == sum(size for _, size in expected)


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("1:2 3", "chunk 1 is '3'"),
        (":5 7", "chunk 0 is ':5'"),
        ("1:2:3", "chunk 0 is '1:2:3'"),
        ("1:2 .:3", "chunk 1"),
        ("1.2.3:4", "chunk 0 is '1.2.3:4'"),
        ("0.1:2 3:4.5", "chunk 1 is '3:4.5'"),
        ("0.1:2 3:4 x", "chunk 2 is 'x'"),
    ],
)
def test_a_bad_pair_is_named(text: str, bad: str) -> None:
    with pytest.raises(ValueError, match=bad):
        Chunks.from_text(text)


def test_chunks_compare_and_index_as_a_list() -> None:
    chunks = Chunks.from_text("0.1:5 0.25:7")
    assert chunks == [(0.1, 5), (0.25, 7)] and chunks[-1] == (0.25, 7) and chunks[:1] == [(0.1, 5)]
    assert chunks != [(0.1, 5)] and bool(Chunks()) is False


@settings(max_examples=200, deadline=None)
@given(pairs=_PAIRS, data=st.data())
def test_chunks_held_in_arrays_read_as_the_rounded_pairs(pairs: list[tuple[float, int]], data: st.DataObject) -> None:
    """What a capture builds (two arrays, rounded when read) reads in every way as the list of rounded pairs it
    built before, pickled (to the serializing worker) and written too."""
    import pickle

    expected = [(round(at, 6), size) for at, size in pairs]
    listed = Chunks(expected)
    for chunks in (
        (arrays := Chunks.from_arrays([at for at, _ in pairs], [size for _, size in pairs])),
        pickle.loads(pickle.dumps(arrays)),
    ):
        assert list(chunks) == expected and chunks == expected and chunks == listed and listed == chunks
        assert len(chunks) == len(expected) and chunks.total == sum(size for _, size in pairs) and chunks.parsed
        assert repr(chunks) == repr(expected) and encode_chunks(chunks) == encode_chunks(expected)
        if expected:
            index = data.draw(st.integers(-len(expected), len(expected) - 1))
            assert chunks[index] == expected[index]
        start, stop = data.draw(st.integers(-5, 35)), data.draw(st.integers(-5, 35))
        assert chunks[start:stop] == expected[start:stop]
        assert list(Chunks.from_arrays(*chunks.arrays())) == expected
        chunks.cover(sum(size for _, size in pairs))
        with pytest.raises(ValueError, match="add up to"):
            chunks.cover(sum(size for _, size in pairs) + 1)


def test_chunk_arrays_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="2 chunk times for 1 sizes"):
        Chunks.from_arrays([0.1, 0.2], [3])
