"""The fast YAML reader against PyYAML, the oracle: same data for whatever it reads, None for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ssetape.recorder import Cassette, CassetteDecodeError, load
from ssetape.recorder.reader import _Loader
from ssetape.recorder.yaml_layout import parse

from .test_cassette import make_interaction

FIXTURES = sorted((Path(__file__).parents[2] / "fixtures").glob("*.yaml"))


def pyyaml(text: str) -> object:
    return yaml.load(text, Loader=_Loader)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: path.stem)
def test_every_fixture_reads_as_pyyaml_reads_it(path: Path) -> None:
    """A CRLF stream's body, double-quoted over many lines, too."""
    text = path.read_text()
    assert parse(text) == pyyaml(text)


def test_most_fixtures_are_read_by_the_fast_reader() -> None:
    fast = [path.stem for path in FIXTURES if parse(path.read_text()) is not None]
    assert len(fast) >= 0.8 * len(FIXTURES) and "text" in fast


#: Text a body or header can hold: the characters YAML treats specially, line breaks, spaces at the edges.
_TEXT = st.text(
    st.sampled_from([*"ab :#'\"-?|>[]{},&*!%@`\n\r\t\\", "é", "你", "🎉", "\x85", "\u2028", "\x00", "~"]),
    max_size=40,
)
_SCALAR = st.one_of(
    _TEXT, st.sampled_from(["1", "0.5", "true", "no", "null", "~", "2026-01-02", "=", "-1", "0x1f", "1_0"])
)


@settings(max_examples=300, deadline=None)
@given(body=_TEXT, request_body=st.one_of(st.none(), _SCALAR), header=_SCALAR, name=_SCALAR)
def test_what_the_writer_writes_reads_as_pyyaml_reads_it(
    tmp_path_factory: pytest.TempPathFactory, body: str, request_body: str | None, header: str, name: str
) -> None:
    interaction = make_interaction(body)
    interaction.request.body = request_body
    interaction.response.headers = {"x-h": [header, "b"], name or "k": [header]}
    path = Cassette(interactions=[interaction, interaction]).save(tmp_path_factory.mktemp("c") / "c.yaml")
    text = path.read_text()
    fast = parse(text)
    assert fast is None or fast == pyyaml(text)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_edited_text_reads_as_pyyaml_reads_it_or_is_left_to_pyyaml(data: st.DataObject) -> None:
    """A cassette edited by hand (lines dropped, indented, given a comment...): the fast reader gives
    PyYAML's data, or None; never data where PyYAML sees an error."""
    lines = FIXTURES[0].read_text().split("\n")[:60]
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(lines) - 1))
        edit = data.draw(st.sampled_from(["drop", "indent", "dedent", "comment", "blank", "spaces", "dash", "colon"]))
        line = lines[at]
        lines[at : at + 1] = {
            "drop": [],
            "indent": [" " + line],
            "dedent": [line[1:]],
            "comment": [line + " # note"],
            "blank": [line, ""],
            "spaces": [line, "   "],
            "dash": ["- " + line.lstrip()],
            "colon": [line + ": x"],
        }[edit]
    text = "\n".join(lines)
    fast = parse(text)
    try:
        expected = pyyaml(text)
    except yaml.YAMLError:
        assert fast is None
    else:
        assert fast is None or fast == expected


@pytest.mark.parametrize(
    "text",
    [
        "a: |\n  x\n  y\n",
        "a: |-\n  x\n\n",
        "a: |+\n  x\n\n\nb: 1\n",
        "a: |2+\n    indented\n  x\n",
        "a:\n  b: |\n      deep\n  c: 1\n",
        "a: 'one\n  two\n\n  three'\n",
        "a: [x, 'y, z', '', 1, null]\n",
        "a: plain\n  continued\n\n  after a blank\n",
        "- a: 1\n  b: [x]\n- c: {}\n",
        "a:\n- 1\n- two\nb: x\n",
        'a: "esc\\taped"\n',
        "on: yes\n1: 2\n",
    ],
)
def test_the_subset_reads_as_pyyaml_reads_it(text: str) -> None:
    assert parse(text) == pyyaml(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: &anchor 1\nb: *anchor\n",
        "a: !!binary aGk=\n",
        "a: 1 # comment\n",
        "a: >\n  folded\n",
        "a:\tb\n",
        "--- \na: 1\n",
        "a: |\n  x\n   \n",
        "a: 1",
        "a: 1\r\n",
        "{a: 1}\n",
        "a:\n  b: |\n      deep\n    less\n",
    ],
)
def test_outside_the_subset_is_left_to_pyyaml(text: str) -> None:
    assert parse(text) is None


def test_an_error_still_names_the_file_and_line(tmp_path: Path) -> None:
    path = make_cassette(tmp_path)
    text = path.read_text().replace("code: 200", "code: two hundred")
    path.write_text(text)
    with pytest.raises(CassetteDecodeError) as caught:
        load(path)
    line = text.split("\n").index("      code: two hundred") + 1
    assert str(caught.value).startswith(f"{path}:{line}: interactions.0.response.status.code")


def make_cassette(tmp_path: Path) -> Path:
    return Cassette(interactions=[make_interaction("data: 1\n\n")]).save(tmp_path / "c.yaml")


@pytest.mark.parametrize("piece", [1, 7, 64, 1 << 16])
def test_a_long_body_reads_whole_whatever_the_pieces_it_is_decoded_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piece: int
) -> None:
    """A literal block is decoded a piece at a time, cut before line breaks: lines longer than a piece,
    empty lines, indented lines and characters of several bytes come out as PyYAML reads them."""
    from ssetape.recorder import yaml_layout

    monkeypatch.setattr(yaml_layout, "_PIECE", piece)
    lines = [f"data: {n}" + " é你" * (n % 7) + "x" * (n * 37 % 3000) for n in range(300)]
    body = "\n".join(line if n % 5 != 1 else "" for n, line in enumerate(lines)) + "\n  indented\n\n"
    path = Cassette(interactions=[make_interaction(body)]).save(tmp_path / "c.yaml")
    text = path.read_text()
    fast = parse(text)
    assert fast is not None and fast == pyyaml(text)
    assert fast["interactions"][0]["response"]["body"]["string"] == body


@pytest.mark.parametrize("piece", [1, 3, 1 << 16])
@pytest.mark.parametrize("chomp", ["", "-", "+", "2", "2-", "+2"])
@pytest.mark.parametrize("after", ["", "b: 1\n", "  c: 2\n"])
def test_a_block_ends_where_pyyaml_ends_it_whatever_the_pieces(
    monkeypatch: pytest.MonkeyPatch, piece: int, chomp: str, after: str
) -> None:
    """A block's end is found in the pieces it is read in: empty lines at its end (kept, clipped or stripped,
    even when they span pieces), lines indented further, and the line after it, at either indentation."""
    from ssetape.recorder import yaml_layout

    monkeypatch.setattr(yaml_layout, "_PIECE", piece)
    text = f"a:\n  s: |{chomp}\n    one\n\n      deeper\n    two é\n\n\n{after}"
    assert parse(text) == pyyaml(text)
    assert parse(text) is not None


_REFUSED = ["\x00", "\x01", "\x02", "\x08", "\t", "\x0b", "\x0c", "\r", "\x1b", "\x1f", "\x7f"]


#: Past ASCII, the characters libyaml refuses or reads as a line break (C1 controls, NEL, the line and paragraph
#: separators, the BOM, non-characters).
_REFUSED_BEYOND_ASCII = ["\x80", "\x85", "\x9f", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff"]


@pytest.mark.parametrize("char", _REFUSED + _REFUSED_BEYOND_ASCII, ids=repr)
@pytest.mark.parametrize(
    "where", ["method: PO", "data: 1", "data: 2", "data: 3", "0.2:", "complete: tr", "ssetape_end: "]
)
@pytest.mark.parametrize("body", ["ascii", "beyond ascii", "double-quoted", "double-quoted beyond ascii"])
def test_a_character_libyaml_refuses_is_left_to_pyyaml_wherever_it_is(
    tmp_path: Path, char: str, where: str, body: str
) -> None:
    """A control character (or DEL, or one past ASCII libyaml refuses) anywhere, in a structure line, a body's first,
    middle or last line, or the chunk times, in a literal or a double-quoted body, in a text in ASCII or not,
    leaves the file to PyYAML, as a whole-text check would: the block reader checks what it decodes, jiter what
    it reads, the rest is checked once the blocks are known, and past ASCII what libyaml refuses is searched for."""
    events = ["data: 1", "data: 2 é" if "beyond" in body else "data: 2", "data: 3"]
    end = "\r\n\r\n" if "double" in body else "\n\n"
    interaction = make_interaction("".join(event + end for event in events))
    sizes = [len((event + end).encode()) for event in events]
    interaction.response.ssetape.chunks = list(zip([0.1, 0.2, 0.3], sizes, strict=True))  # type: ignore[union-attr]
    text = Cassette(interactions=[interaction]).save(tmp_path / "c.yaml").read_text()
    assert parse(text) == pyyaml(text) and text.count(where) == 1
    assert parse(text) is not None and ('string: "' in text) == ("double" in body)
    edited = text.replace(where, where + char)
    assert parse(edited) is None


_BEYOND_ASCII = (
    "k: plain é\nl: plain\n  continued é\nq: 'quoted é'\nf: [é, 'é']\nb: |\n  block\n  é\n"
    'd: "double\\\n  \\ quoted \\r\\n é"\nm:\n- é\n- x: é\n'
)


@pytest.mark.parametrize("bad", [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"], ids=repr)
@pytest.mark.parametrize("nth", range(_BEYOND_ASCII.count("é")))
def test_text_that_is_not_utf8_is_left_to_pyyaml_wherever_it_is(bad: bytes, nth: int) -> None:
    """Bytes that are not UTF-8 in any kind of scalar (not checked as UTF-8 before reading: what the reader
    keeps, it decodes) leave the file to PyYAML, which says where."""
    raw = _BEYOND_ASCII.encode()
    assert parse(raw) == pyyaml(_BEYOND_ASCII)
    parts = raw.split("é".encode())
    edited = b"".join(part + (bad if index == nth else "é".encode()) for index, part in enumerate(parts[:-1]))
    assert parse(edited + parts[-1]) is None
