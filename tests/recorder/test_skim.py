"""Skimming for ``ssetape ls`` against loading, the oracle: the same listing, or None (then it loads)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssetape.recorder import Cassette, CassetteDecodeError, CutOff, cassette_from_sse, load
from ssetape.recorder.chunks import Chunks
from ssetape.recorder.skimming import _body, _chunks_total, count_events, skim
from ssetape.recorder.sse import decode, lazy_events
from ssetape.replayer import list_interactions

from .test_cassette import make_interaction

FIXTURES = sorted((Path(__file__).parents[2] / "fixtures").glob("*.yaml"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: path.stem)
def test_every_fixture_lists_as_its_loaded_cassette_does(path: Path) -> None:
    assert skim(path) is not None  # the writer's layout: skimmed, not loaded
    assert list_interactions(path) == list_interactions(load(path))


@settings(max_examples=100, deadline=None)
@given(
    body=st.lists(st.sampled_from([*"ab :'\"\n#|", "data: ", "é"]), max_size=30).map("".join),
    complete=st.booleans(),
    message=st.text(st.sampled_from([*"ab :'\"\n#"]), max_size=20),
    content_type=st.sampled_from(["text/event-stream", "text/event-stream; charset=utf-8", "application/json"]),
)
def test_what_the_writer_writes_lists_as_it_loads(
    tmp_path_factory: pytest.TempPathFactory, body: str, complete: bool, message: str, content_type: str
) -> None:
    interaction = make_interaction(
        body, complete=complete, error=None if complete else CutOff(type="X", message=message)
    )
    interaction.response.headers = {"Content-Type": [content_type]}
    path = Cassette(interactions=[interaction, interaction]).save(tmp_path_factory.mktemp("c") / "c.yaml")
    assert list_interactions(path) == list_interactions(load(path))


def test_a_cassette_loading_would_refuse_is_loaded_and_refused(tmp_path: Path) -> None:
    path = Cassette(interactions=[make_interaction("data: 1\n\n")]).save(tmp_path / "c.yaml")
    path.write_text(path.read_text().replace("chunks: 0.1:9", "chunks: 0.1:11"))
    assert "0.1:11" in path.read_text()
    assert skim(path) is None
    with pytest.raises(CassetteDecodeError, match="chunk sizes add up to 11 bytes but the body has 9"):
        list_interactions(path)


@settings(max_examples=400, deadline=None)
@given(
    body=st.lists(
        st.sampled_from(["data", "data:", ": x", "event: e", "x", " ", "\n", "\r", "\n\n", "ata", "\r\n", "\r\n\r\n"])
    )
)
def test_events_are_counted_as_the_decoder_dispatches_them(body: list[str]) -> None:
    raw = "".join(body).encode()
    assert count_events(raw) == len(decode(raw))


def test_a_cassette_cut_short_is_loaded_and_refused(tmp_path: Path) -> None:
    path = Cassette(interactions=[make_interaction("data: 1\n\n")] * 2).save(tmp_path / "c.yaml")
    whole = path.read_text()
    assert skim(path) is not None
    path.write_text(whole[: whole.rindex("ssetape_end")])
    assert skim(path) is None
    with pytest.raises(CassetteDecodeError, match="cut short"):
        list_interactions(path)


@settings(max_examples=300, deadline=None)
@given(body=st.lists(st.sampled_from([*"ab :\n", "  ", "\n\n", "é", "\t", "data: x"]), max_size=30).map("".join))
def test_a_body_is_read_as_the_yaml_reader_reads_it(tmp_path_factory: pytest.TempPathFactory, body: str) -> None:
    """Literal blocks are read straight from their lines (with each chomping), the rest by the YAML reader."""
    path = Cassette(interactions=[make_interaction(body)]).save(tmp_path_factory.mktemp("c") / "c.yaml")
    text = path.read_text()
    section = text[text.index("    body:\n") + len("    body:\n") : text.index("    ssetape:\n")]
    assert _body((b"", ("\n" + section[:-1]).encode())) == body.encode()


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.sampled_from(list("0123456789.: \n-x")), max_size=30))
def test_chunk_sizes_add_up_as_the_chunks_add_them_up(text: str) -> None:
    try:
        expected: int | None = Chunks.from_text(text).total
    except ValueError:
        expected = None
    try:
        found: int | None = _chunks_total(text)
    except ValueError:
        found = None
    assert found == expected


def test_real_streams_list_as_their_loaded_cassettes_do(real_streams: Path, tmp_path: Path) -> None:
    """Each real stream (Gemini's CRLF ones double-quoted), in one cassette with a JSON answer between them."""
    answer = make_interaction('{"id": "x"}')
    answer.response.headers = {"content-type": ["application/json"]}
    interactions = []
    for path in sorted(real_streams.glob("*.sse")):
        interactions += [cassette_from_sse(path.read_bytes()).interactions[0], answer]
    path = Cassette(interactions=interactions).save(tmp_path / "real.yaml")
    assert skim(path) is not None
    assert list_interactions(path) == list_interactions(load(path))


@pytest.mark.parametrize("text", ["emoji \U0001f600 and caf\u00e9", "\u2028 a separator", "a\x85b", "\x00\x07\x1b"])
def test_a_double_quoted_body_lists_as_it_loads(tmp_path: Path, text: str) -> None:
    """A body the writer double-quotes (a CR, a control character), with text beyond ASCII."""
    body = f'data: {{"text": "{text}"}}\r\n\r\n' * 3
    path = Cassette(interactions=[make_interaction(body)]).save(tmp_path / "c.yaml")
    assert '      string: "' in path.read_text()
    assert skim(path) is not None
    assert list_interactions(path) == list_interactions(load(path))


def test_a_file_that_is_not_utf8_is_loaded_and_refused(tmp_path: Path) -> None:
    """Skimming reads only some lines: a byte that is no UTF-8 anywhere (here in a request header) still sends
    the file to loading, which names it."""
    path = Cassette(interactions=[make_interaction("data: 1\n\n")] * 2).save(tmp_path / "c.yaml")
    path.write_bytes(path.read_bytes().replace(b"[application/json]", b"[application/\xe9json]", 1))
    assert skim(path) is None
    with pytest.raises(CassetteDecodeError, match=r"c\.yaml"):
        list_interactions(path)


def test_the_listing_benchs_cassette_is_skimmed_and_lists_as_it_loads(tmp_path: Path) -> None:
    """bench.listing times the skim on JSON answers and a stream of each API: its cassette is not loaded instead."""
    from bench.listing import mixed_interactions

    path = mixed_interactions(10, tmp_path)
    assert skim(path) is not None
    listed = list_interactions(path)
    assert listed == list_interactions(load(path))
    streams = ["assistants", "responses", "chat", "anthropic", "gemini"]
    assert [info.kind for info in listed] == [kind for stream in streams for kind in (None, stream)]


@pytest.mark.parametrize(
    "body",
    [
        b'data: {"a": 1}\r\n\r\n' * 3,
        b"event: e\r\ndata: x\r\n\r\ndata:y\r\n\r\n",
        b"data: x\r\n\r\ndata: y\r\n",  # the last event not ended
        b"data: x\r\n\r\n\r\ndata: y\r\n\r\n",  # one more blank line
        b"data: x\r\ndata: y\r\n\r\n",  # two data lines, one event
        b"data: x\r\n\r\n: c\r\n\r\nevent: e\r\n\r\n",  # a comment, an event with no data
        b"data: x\rdata: y\r\n\r\n",  # a CR alone ends a line too
        b"data: x\r\n\r\ndata: y\n\n",  # LF after CRLF
    ],
)
def test_crlf_events_are_read_as_the_decoder_reads_them(body: bytes) -> None:
    """Gemini's CRLF streams: counted, and their first events read for their API, as the decoder does."""
    assert count_events(body) == len(decode(body))
    assert list(lazy_events([body])) == [(event.event, event.data) for event in decode(body)]


_CHAT_CHUNK = 'data: {"object": "chat.completion.chunk", "choices": []}\n\n'


@settings(max_examples=150, deadline=None)
@given(
    events=st.lists(
        st.tuples(
            st.sampled_from(["", "event: e\n", "event:x\n", "event: thread.run.created\n"]),
            # (no space at a line's end: the writer double-quotes those bodies)
            st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12).map(lambda t: t.strip() + "x"),
        ),
        min_size=1,
        max_size=6,
    ),
    named_at=st.integers(0, 6),
    repeat=st.sampled_from([1, 1000]),  # (more than one piece)
)
def test_a_stream_of_usual_events_is_listed_from_its_block_as_it_loads(
    tmp_path_factory: pytest.TempPathFactory, events: list[tuple[str, str]], named_at: int, repeat: int
) -> None:
    """A ``|+`` block of printable ASCII events in the usual shape is read without its dedented copy: the same
    size, events and kind as loading gives, its pieces the body."""
    blocks = [f"{event}data: {data}\n\n" for event, data in events]
    body = "".join([*blocks[:named_at], _CHAT_CHUNK, *blocks[named_at:]] * repeat)
    path = Cassette(interactions=[make_interaction(body), make_interaction("{}")]).save(
        tmp_path_factory.mktemp("c") / "c.yaml"
    )
    assert "string: |+\n" in path.read_text()  # the block this reads
    skimmed = skim(path)
    assert skimmed is not None
    raw = body.encode()
    stream = skimmed[0].body
    assert stream is not None and stream.block
    assert b"".join(stream.pieces()) == raw
    assert (skimmed[0].size, skimmed[0].events) == (len(raw), len(decode(raw)))
    assert list_interactions(path) == list_interactions(load(path))


@pytest.mark.parametrize("after", ["  extra: 1\n", "- not: a request\n", "\n", "ssetape_end: 2\n"])
def test_lines_after_an_interaction_in_the_usual_shape_are_read_as_loading_reads_them(
    tmp_path: Path, after: str
) -> None:
    """An interaction read by one match ends where the cut before each ``- request:`` would end it: lines
    after its recording (the interaction's, or a top-level key's) are read as they were, or the file loaded."""
    path = Cassette(interactions=[make_interaction("data: 1\n\n"), make_interaction("data: 2\n\n")]).save(
        tmp_path / "c.yaml"
    )
    text = path.read_text()
    cut = text.index("- request:", text.index("- request:") + 1)
    path.write_text(text[:cut] + after + text[cut:])
    try:
        loaded = list_interactions(load(path))
    except CassetteDecodeError:
        assert skim(path) is None
        return
    assert list_interactions(path) == loaded
