"""replayer.align: two streams' events side by side, with exactly the differences ``ssetape diff`` finds."""

from __future__ import annotations

from itertools import pairwise

import pytest

from ssetape.recorder import Cassette, cassette_from_sse, load
from ssetape.replayer import align, diff
from tests import factories as f
from tests.conftest import FIXTURES

A_MESSAGE, B_MESSAGE = "msg_AbC123xyz9QQ", "msg_ZzY987abc1RR"


def _stream(message: str, pieces: list[str]) -> Cassette:
    return cassette_from_sse(
        f.sse_bytes(
            [
                *f.run_prelude(),
                f.message_event("thread.message.created", message),
                *(f.message_delta(message, f.text_delta(0, piece)) for piece in pieces),
                f.run_event("completed"),
                f.DONE,
            ]
        )
    )


def _rows_as_diff_reports(a: Cassette, b: Cassette) -> tuple[list, list]:
    found = align(a.interactions[a.streams()[0]], b.interactions[b.streams()[0]])
    mine = [(row.kind, row.a, row.b, row.name) for row in found.rows if row.kind != "same"]
    pair = next(item for item in diff(a, b).interactions if item.a == a.streams()[0])
    assert pair.b == b.streams()[0]
    theirs = [(change.kind, change.a, change.b, change.name) for change in pair.events]
    return mine, theirs


def test_ids_are_masked_and_the_rows_are_what_diff_reports() -> None:
    a = _stream(A_MESSAGE, ["Hel", "lo", " world"])
    b = _stream(B_MESSAGE, ["Hel", "lo there", "!"])
    found = align(a.interactions[0], b.interactions[0])
    assert found.comparable and found.kinds == ("assistants", "assistants")
    mine, theirs = _rows_as_diff_reports(a, b)
    assert mine == theirs and mine  # every difference diff finds, no other
    assert found.rows[3].kind == "same"  # message.created: only the (masked) ids differ
    assert found.text_at(len(found.rows) - 1) == ("Hello world", "Hello there!")
    for side in (0, 1):  # every event of each side is on exactly one row, in order
        indexes = [row.a if side == 0 else row.b for row in found.rows]
        present = [index for index in indexes if index is not None]
        assert present == list(range(len(found.events[side])))
    assert all(x < y for x, y in pairwise(found.differences))


def test_a_stream_beside_itself_is_all_the_same() -> None:
    cassette = load(FIXTURES / "code_interpreter.yaml")
    item = cassette.interactions[cassette.streams()[0]]
    found = align(item, item)
    assert found.differences == [] and len(found.rows) == len(found.events[0])


@pytest.mark.parametrize(
    ("a", "b"),
    [("text", "multibyte"), ("chat_text", "chat_length"), ("responses_text", "responses_incomplete")],
)
def test_on_fixture_pairs_the_rows_are_what_diff_reports(a: str, b: str) -> None:
    mine, theirs = _rows_as_diff_reports(load(FIXTURES / f"{a}.yaml"), load(FIXTURES / f"{b}.yaml"))
    assert mine == theirs


def test_streams_of_two_apis_are_not_comparable_event_by_event() -> None:
    chat, anthropic = load(FIXTURES / "chat_text.yaml"), load(FIXTURES / "anthropic_text.yaml")
    found = align(chat.interactions[chat.streams()[0]], anthropic.interactions[anthropic.streams()[0]])
    assert found.kinds == ("chat", "anthropic") and not found.comparable
