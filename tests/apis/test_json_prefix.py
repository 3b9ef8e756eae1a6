"""The tool-input prefix check against ``jiter`` itself: whenever it is sure, ``from_json`` parses the buffer
in every partial mode; and it is sure of the usual shape of tool input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from jiter import from_json

from ssetape.apis.anthropic.json_prefix import START, advance, sure

PIECES = ["{", "}", "[", "]", '"', ":", ",", " ", "\n", "\t", "a", "é", "\\", '\\"', "1", "-", "true", "\x01", "\x7f"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=40))
def test_sure_means_jiter_parses_it_in_every_partial_mode(pieces: list[str]) -> None:
    prefix, buffer = START, b""
    for piece in pieces:
        prefix = advance(prefix, piece)
        buffer += piece.encode("utf-8", "surrogatepass")
        if sure(prefix):
            for mode in (True, "trailing-strings"):
                from_json(buffer, partial_mode=mode)  # raises if it is not


def test_it_is_sure_of_the_usual_shape_until_something_else_comes() -> None:
    prefix = advance(START, "  ")
    assert not sure(prefix)  # whitespace alone: jiter says EOF
    for piece in ['{"items', '": ["str', 'eam", ', '"of", {"k": []', "}], ", '"x": {}}', " \n"]:
        prefix = advance(prefix, piece)
        assert sure(prefix), piece
    assert advance(prefix, "x") is None
    assert not sure(advance(START, " ")) and not sure(advance(START, '"bare'))
    assert advance(advance(START, '{"n": '), "12") is None  # numbers are left to the full parse
    assert advance(START, "[" * 65) is None  # so is anything near jiter's recursion limit
