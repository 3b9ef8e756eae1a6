"""Double-quoted bodies (Gemini's CRLF streams) read by the fast reader against PyYAML, the oracle."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ssetape.recorder import Cassette, CassetteDecodeError, cassette_from_sse, load
from ssetape.recorder.reader import _Loader
from ssetape.recorder.yaml_layout import parse
from tests.conftest import REAL_STREAMS

from .test_cassette import make_interaction


def pyyaml(text: str) -> object:
    return yaml.load(text, Loader=_Loader)


#: Text a double-quoted body holds: CR, LF, CRLF, tabs, spaces (the emitter breaks lines at them), backslashes,
#: quotes, control characters, C1 and separators, non-BMP, and what JSON in an SSE body escapes itself.
_TEXT = st.lists(
    st.one_of(
        st.sampled_from(["\r\n", "\r", "\n", "\t", " ", "  ", "\\", '"', '\\"', "\\n", "\\u00e9", "\\ud83d", "\\/"]),
        st.sampled_from(["\x00", "\x01", "\x07", "\x0b", "\x1b", "\x7f", "\x85", "\xa0", "\u2028", "\u2029"]),
        st.sampled_from(["é", "你", "🎉", "\ufeff", "\ufffe", "\ud800", "data: ", "x", "0", "e", "N", "U"]),
        st.characters(codec="utf-8"),
    ),
    max_size=60,
).map("".join)


class _Quoted(str):
    """Written double-quoted."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Quoted, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"'))


@settings(max_examples=400, deadline=None)
@given(body=_TEXT, width=st.sampled_from([4096, 80, 20, 8]))
def test_a_double_quoted_scalar_reads_as_pyyaml_reads_it(body: str, width: int) -> None:
    """Written by PyYAML's emitter double-quoted, lines broken at ``width`` (at spaces and after escapes), with
    and without ``allow_unicode``: the fast reader gives PyYAML's string, or leaves the file to PyYAML."""
    for allow_unicode in (True, False):
        data = {"a": {"string": _Quoted(body), "b": 1}, "c": [_Quoted(body)]}
        text = yaml.dump(data, Dumper=_Dumper, width=width, allow_unicode=allow_unicode)
        fast = parse(text)
        assert fast is None or fast == pyyaml(text)
        if "\ud800" not in body and "\x7f" not in body and "\ufeff" not in body:
            assert fast is not None, text  # the emitter's own form is read whole


@settings(max_examples=200, deadline=None)
@given(body=_TEXT.filter(lambda body: ("\r" in body or "\t" in body) and "\ud800" not in body))
def test_what_the_writer_writes_double_quoted_reads_as_pyyaml_reads_it(
    tmp_path_factory: pytest.TempPathFactory, body: str
) -> None:
    """ssetape's writer puts a body a literal block cannot hold in double quotes over lines of 4096 columns."""
    text = body * 50  # long enough to span lines
    path = Cassette(interactions=[make_interaction(text)]).save(tmp_path_factory.mktemp("c") / "c.yaml")
    written = path.read_text()
    assert 'string: "' in written
    fast = parse(written)
    assert fast is None or fast == pyyaml(written)
    if "\ud800" not in body and "\x7f" not in body and "\ufeff" not in body:
        assert fast is not None


@pytest.mark.parametrize(
    "text",
    [
        'a: ""\n',
        'a: "x\\\n  y"\n',
        'a: "x\\\n  \\ y"\n',  # an escaped space starting a line
        'a: "x \\\n  y"\n',  # a space before the break is kept
        'a: "\\\\\\\n  y"\n',  # an escaped backslash, then the break
        'a: "x\\\n  y\\\n  \\\n  z"\n',
        'a: "\\0\\a\\b\\t\\n\\v\\f\\r\\e\\ \\"\\/\\\\\\N\\_\\L\\P"\n',
        'a: "\\x41\\u00e9\\U0001F389\\\\x41\\\\U"\n',
        'a: "\\\\ud83d \\\\e \\\\0"\n',  # escaped backslashes before what would be escapes
        'a: "\\U0001F389 \\\\U0001F389 \\\\\\U0001F389 \\U0000FFFD \\u00e9"\n',  # text past U+FFFF
        'a: "\\U0001F389 UU\\U0001F600 \\U0001F389 \\\\\\U0001F600 U\\\\U0001F389"\n',  # escapes, then one escaped
        'a: "' + "U" * 70 + '\\U0001F389 U\\\\U00000041 \\U0001F389"\n',  # more capital U's than are tried one by one
        'a: "' + " ".join(f"\\U0001F{n:03X}" for n in range(600, 612)) + ' \\U0001F600"\n',  # more than a few distinct
        'a: "\\U00000041 \\\\U00000041 \\\\\\U00000041 \\U00000022\\U0000005C \\U000000E9 "\n',  # under U+0080
        'a: "\\\\U000000E9 \\U000000E9 \\\\\\\\U0001F600 \\U0001F600"\n',  # "U..." after an escaped backslash
        'a: "\\\\U0000D800 \\\\U00110000"\n',  # text, not an escape YAML refuses
        'a: "x\\\n  \\U0001F600\\\n  \\\\U0001F600"\n',  # starting a line
        'a:\n- "x\\\n  y"\n- "z"\n',
        'a: "one"\nb: "two\\r\\n\\\n  three"\nc: 1\n',
    ],
)
def test_the_emitters_form_reads_as_pyyaml_reads_it(text: str) -> None:
    assert parse(text) is not None
    assert parse(text) == pyyaml(text)


#: Pieces of a hand-written double-quoted scalar: ``\\U`` escapes below U+0080 (a quote, a backslash among them),
#: past it, in the BMP and past it, runs of backslashes before them (an even run makes "U..." text), surrogates,
#: escapes a line break cuts (which libyaml refuses).
_ESCAPES = st.lists(
    st.sampled_from(
        [
            "\\U0001F600",
            "\\U0001F389",
            "\\U000000E9",
            "\\U00002713",
            "\\U00000041",
            "\\U00000022",
            "\\U0000005C",
            "\\U0000D83D",
            "\\U00110000",
            "\\u00e9",
            "\\ud83d\\ude00",
            "\\\\",
            "\\",
            "U",
            "0001F600",
            "\\x4\\\n  1",
            "\\u00\\\n  e9",
            "\\U0001F6\\\n  00",
            "x",
            "é",
            "😀",
            " ",
            "\\\n  ",
        ]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(body=_ESCAPES)
def test_escapes_past_ascii_read_as_pyyaml_reads_them(body: str) -> None:
    """``\\U`` escapes are rewritten before jiter reads the text, as UTF-8 past U+007F: whatever precedes them
    (an escaped backslash, then "U..." is text), the reader gives PyYAML's string or leaves the text to it."""
    text = f'a: "{body}"\nb: "{body}\\\n  {body}"\n'
    try:
        expected = pyyaml(text)
    except yaml.YAMLError:
        assert parse(text) is None
        return
    fast = parse(text)
    assert fast is None or fast == expected
    if _in_the_emitters_form(text) and "D83D" not in body and "\\ud83d" not in body:
        assert fast is not None, text  # only another form and surrogates (JSON joins them) are left to PyYAML


def _in_the_emitters_form(text: str) -> bool:
    """Whether each line of ``text`` ends with an escaped break (an odd run of backslashes) followed by a line
    indented by two spaces, then no space, or with a closing quote (an even run before it)."""
    lines = text.split("\n")[:-1]
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        run = len(line) - len(line.rstrip("\\"))
        if run % 2:
            if not following.startswith("  ") or following[2:3] in (" ", ""):
                return False
        elif not line.endswith('"') or (len(line) - len(line[:-1].rstrip("\\")) - 1) % 2:
            return False
    return True


@pytest.mark.parametrize(
    "text",
    [
        'a: "x\n  y"\n',  # an unescaped break: YAML folds it into a space
        'a: "x\\\n  y\\\n   z"\n',  # another indentation
        'a: "x\\\n\n  y"\n',  # an empty line
        'a: "x\\\ny"\n',  # not indented
        'a: "x\\\\\n  y"\n',  # an escaped backslash, then an unescaped break
        'a: "x\\"\n  y"\n',  # an escaped quote ending a line
        'a: "x" y"\n',  # a quote that closes the scalar early
        'a: "x"  \n',  # spaces after the quote
        'a: "x" # note\n',
        'a: "\\ud83d\\ude00"\n',  # surrogates: libyaml refuses them, JSON joins them
        'a: "\\ud800"\n',
        'a: "\\U0000D800"\n',
        'a: "\\U00110000"\n',
        "a: \"\\'\"\n",  # an escape YAML lacks
        'a: "\\q"\n',
        'a: "\\x4"\n',
        'a: "\\u00e"\n',
        'a: "x\x7f"\n',
        'a: "x\\\n',  # cut short
        'a: "x\\x4\\\n  1"\n',  # an escape cut by a line break: YAML refuses it, joined lines would read it
        'a: "x\\u00\\\n  e9"\n',
        'a: "x\\U0001F6\\\n  00"\n',
        'a: "x\\U\\\n  0001F600"\n',
        'a: "\n',
    ],
)
def test_outside_the_emitters_form_is_left_to_pyyaml(text: str) -> None:
    assert parse(text) is None


def test_a_gemini_stream_is_read_by_the_fast_reader(tmp_path: Path) -> None:
    from bench.streams import gemini_stream

    path = gemini_stream(300, tmp_path)[0]
    text = path.read_text()
    assert 'string: "data: ' in text and "\\r\\n\\r\\n" in text
    fast = parse(path.read_bytes())
    assert fast is not None and fast == pyyaml(text)


GEMINI = sorted(REAL_STREAMS.glob("gemini*.sse")) if REAL_STREAMS.is_dir() else []


@pytest.mark.parametrize("name", [path.name for path in GEMINI] or [pytest.param("none", marks=pytest.mark.skip)])
def test_a_real_gemini_stream_saved_by_ssetape_is_read_by_the_fast_reader(tmp_path: Path, name: str) -> None:
    body = (REAL_STREAMS / name).read_bytes()
    path = cassette_from_sse(body).save(tmp_path / "c.yaml")
    text = path.read_text()
    assert "\\r\\n" in text
    fast = parse(path.read_bytes())
    assert fast is not None and fast == pyyaml(text)
    assert load(path).interactions[0].response.body.string.encode() == body


def test_an_error_in_a_double_quoted_body_still_names_the_file_and_line(tmp_path: Path) -> None:
    path = Cassette(interactions=[make_interaction("data: 1\r\n\r\n" * 800)]).save(tmp_path / "c.yaml")
    lines = path.read_text().split("\n")
    at = next(n for n, line in enumerate(lines) if line.startswith("        ") and line.endswith("\\")) + 1
    lines[at] = lines[at].replace("\\r", "\\q", 1)
    path.write_text("\n".join(lines))
    with pytest.raises(CassetteDecodeError) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}:{at + 1}: invalid YAML")
