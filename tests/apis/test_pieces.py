"""A block's pieces, joined in runs: at any count, through any chain of copies that grow apart from where
they were copied, the join is the plain join of what was appended."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ssetape.apis.anthropic.pieces import RUN, Pieces


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(max_size=3), max_size=3 * RUN),
    st.lists(st.tuples(st.floats(0, 1), st.lists(st.text(max_size=2), max_size=RUN + 3)), max_size=4),
    st.data(),
)
def test_joined_is_the_plain_join_through_copies(
    first: list[str], copies: list[tuple[float, list[str]]], data: st.DataObject
) -> None:
    pieces, plain = Pieces(), list(first)
    for piece in first:
        pieces.append(piece)
    chain = [(pieces, plain)]
    for where, more in copies:  # copy the last one somewhere, then grow the copy its own way
        last, last_plain = chain[-1]
        count = int(where * len(last_plain))
        copied, copied_plain = last.copy(count), last_plain[:count]
        for piece in more:
            copied.append(piece)
            copied_plain.append(piece)
        chain.append((copied, copied_plain))
    for one, its_plain in chain:
        assert len(one) == len(its_plain)
        for count in [*data.draw(st.lists(st.integers(0, len(its_plain)), max_size=6)), len(its_plain)]:
            assert one.joined(count) == "".join(its_plain[:count])


def test_runs_are_joined_once_and_an_original_grows_on_after_a_copy() -> None:
    pieces = Pieces()
    for n in range(3 * RUN + 5):
        pieces.append(str(n % 10))
    want = "".join(str(n % 10) for n in range(3 * RUN + 5))
    assert pieces.joined(len(pieces)) == want
    assert len(pieces._runs) == 3
    run = pieces._runs[0]
    copy = pieces.copy(RUN + 1)
    copy.append("x")
    pieces.append("y")
    assert copy.joined(len(copy)) == want[: RUN + 1] + "x"
    assert pieces.joined(len(pieces)) == want + "y"
    assert pieces._runs[0] is run  # not joined again
