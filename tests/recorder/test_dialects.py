"""Every dialect ``load`` reads holds the same streams as the fixture it was written from: the same events,
the same kind, a request that matches its own recording, and compressed bodies kept byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssetape.recorder import Cassette, CassetteDecodeError, load
from ssetape.replayer import events, kind_of
from ssetape.replayer.matching import interaction_key, matches

from ..dialects import DIALECTS, STREAMS, WITH_REQUEST, fixture, write

CASES = [(dialect, stream) for dialect in DIALECTS for stream in STREAMS]


def _stream(cassette: Cassette) -> int:
    return cassette.streams()[-1]


@pytest.mark.parametrize(("dialect", "stream"), CASES)
def test_a_dialect_holds_the_fixtures_stream(dialect: str, stream: str, tmp_path: Path) -> None:
    original = fixture(stream)
    loaded = load(write(dialect, stream, tmp_path))
    mine, theirs = loaded.interactions[_stream(loaded)], original.interactions[_stream(original)]
    assert mine.response.decoded_body == theirs.response.body_bytes
    assert kind_of(mine) == kind_of(theirs)
    assert [(e.name, e.data) for e in events(mine)] == [(e.name, e.data) for e in events(theirs)]
    if dialect in WITH_REQUEST:
        assert len(loaded.interactions) == len(original.interactions)
        for a, b in zip(loaded.interactions, original.interactions, strict=True):
            assert matches(interaction_key(a), interaction_key(b))
            assert matches(interaction_key(b), interaction_key(a))
            assert a.response.status.code == b.response.status.code


@pytest.mark.parametrize(
    "dialect", [d for d in DIALECTS if d.startswith("content_") or d in ("timed_gzip", "ruby_vcr")]
)
def test_a_compressed_body_stays_compressed_for_replay(dialect: str, tmp_path: Path) -> None:
    loaded = load(write(dialect, "chat_text", tmp_path))
    item = loaded.interactions[_stream(loaded)]
    assert item.response.header("content-encoding")
    assert item.response.body_bytes != item.response.decoded_body
    assert b"".join(chunk.data for chunk in item.chunks()) == item.response.body_bytes
    assert b"".join(chunk.data for chunk in item.decoded_chunks()) == item.response.decoded_body


def test_a_timed_compressed_body_keeps_each_events_arrival(tmp_path: Path) -> None:
    original = fixture("chat_text")
    loaded = load(write("timed_gzip", "chat_text", tmp_path))
    assert [e.at for e in events(loaded.interactions[0])] == [e.at for e in events(original.interactions[0])]


def test_a_body_stored_decoded_under_a_stale_content_encoding_loses_the_header(tmp_path: Path) -> None:
    path = tmp_path / "stale.yaml"
    path.write_text(
        "interactions:\n- request: {method: POST, uri: 'https://api.openai.com/v1/chat/completions', body: null}\n"
        "  response:\n    status: 200\n    headers: {Content-Type: text/event-stream, Content-Encoding: gzip}\n"
        '    body: {string: "data: [DONE]\\n\\n"}\nversion: 1\n'
    )
    item = load(path).interactions[0]
    assert item.response.header("content-encoding") is None
    assert [e.raw for e in events(item)] == ["[DONE]"]


@pytest.mark.parametrize(
    ("text", "name", "where"),
    [
        (
            "interactions:\n- request: {method: GET, uri: 'http://x/', headers: 3}\n"
            "  response: {status: 200}\nversion: 1\n",
            "c.yaml",
            "interactions.0.request.headers: expected a mapping",
        ),
        (
            "http_interactions:\n- request: {method: get, uri: 'http://x/'}\n  response:\n    status: {code: 200}\n"
            "    body: {encoding: ASCII-8BIT, base64_string: '@@@'}\nrecorded_with: VCR 6\n",
            "c.yml",
            "http_interactions.0.response.body.base64_string: is not base64",
        ),
        (
            "interactions:\n- request: {method: GET, uri: 'http://x/'}\n  response:\n    status: 200\n"
            "    headers: {content-encoding: gzip}\n    body: {string: !!binary AAEC}\nversion: 1\n",
            "c.yaml",
            "interactions.0.response.body: the body is not gzip data",
        ),
        (
            "interactions:\n- request: {method: GET, uri: 'http://x/'}\n  response:\n    status: 200\n"
            "    headers: {content-encoding: compress}\n    body: {string: !!binary AAEC}\nversion: 1\n",
            "c.yaml",
            "interactions.0.response.headers.content-encoding: content-encoding 'compress' is not one",
        ),
        ("no events here\n", "c.sse", "holds no Server-Sent Events"),
        (json.dumps({"log": {"entries": [{"request": {}}]}}), "c.har", "HAR entry 0: missing 'url'"),
    ],
)
def test_a_malformed_dialect_file_names_the_file_and_the_place(
    tmp_path: Path, text: str, name: str, where: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(CassetteDecodeError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and where in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("value", "found"), [("{a: 1}", "dict"), ("[[text/event-stream]]", "list")], ids=["mapping", "nested-list"]
)
def test_a_header_value_of_a_wrong_type_is_refused_at_its_line(tmp_path: Path, value: str, found: str) -> None:
    """Not read as the text of a Python dict or list (a content-type "{'a': 1}" makes a stream not one)."""
    path = tmp_path / "c.yaml"
    path.write_text(
        "interactions:\n- request: {method: GET, uri: 'http://x/'}\n  response:\n    status: {code: 200}\n"
        f"    headers:\n      content-length: [12]\n      content-type: {value}\n"
        "    body: {string: hello}\nversion: 1\n"
    )
    with pytest.raises(CassetteDecodeError) as caught:
        load(path)
    assert str(caught.value) == (
        f"{path}:7: interactions.0.response.headers.content-type: expected a header value (text), found {found}"
    )


@pytest.mark.parametrize(
    ("tail", "cut"),
    [
        (b'data: {"a"', True),
        (b"event: pi", True),
        (b"data: {}\n", False),  # a whole last line without its blank line: dumps often end so
        (b": keep-al", False),  # a comment loses no event
        (b"", False),
    ],
)
def test_a_body_another_tool_recorded_ending_inside_an_event_is_cut_off(tmp_path: Path, tail: bytes, cut: bool) -> None:
    """vcrpy records no sign of how a body ended: one that stops inside a line is read as cut off there."""
    from ..dialects import _dump_yaml, _plain

    data = _plain(fixture("chat_text"))
    response = data["interactions"][-1]["response"]
    response["body"]["string"] += tail.decode()
    item = load(_dump_yaml(data, tmp_path / "vcrpy.yaml")).interactions[-1]
    assert item.complete is not cut
    assert (item.response.ssetape is not None and item.response.ssetape.error is not None) is cut


def test_a_vcrpy_cassette_cut_before_its_version_says_it_may_be_cut_short(tmp_path: Path) -> None:
    whole = tmp_path / "whole.yaml"
    whole.write_text(
        "interactions:\n- request:\n    body: null\n    headers: {}\n    method: GET\n    uri: https://x/v1/models\n"
        "  response:\n    body: {string: '{}'}\n    headers: {}\n    status: {code: 200, message: OK}\nversion: 1\n"
    )
    assert len(load(whole).interactions) == 1
    cut = tmp_path / "cut.yaml"
    cut.write_text(whole.read_text().removesuffix("version: 1\n"))
    with pytest.raises(CassetteDecodeError, match="no 'version': vcrpy writes it last, so the file may be cut short"):
        load(cut)


def test_a_har_cut_short_is_invalid_json_where_it_stops(tmp_path: Path) -> None:
    cut = tmp_path / "session.har"
    cut.write_text('{"log": {"version": "1.2",\n "entries": [')
    with pytest.raises(CassetteDecodeError) as info:
        load(cut)
    assert str(info.value).startswith(f"{cut}:2: invalid JSON (a HAR file): ")


def test_ruby_vcr_s_recorded_at_is_the_recording_s_date_and_no_time(tmp_path: Path) -> None:
    """Ruby VCR dates each interaction (RFC 2822): what ssetape check --max-age reads; it records no times."""
    from datetime import UTC, datetime

    path = tmp_path / "c.yml"
    path.write_text(
        "http_interactions:\n- request: {method: post, uri: 'https://api.openai.com/v1/chat/completions'}\n"
        "  response:\n    status: {code: 200, message: OK}\n    headers: {Content-Type: [text/event-stream]}\n"
        '    body: {encoding: UTF-8, string: "data: {}\\n\\n"}\n  recorded_at: Tue, 01 Aug 2023 12:00:00 GMT\n'
        "- request: {method: get, uri: 'https://api.openai.com/v1/models'}\n"
        "  response:\n    status: {code: 200, message: OK}\n    body: {encoding: UTF-8, string: '{}'}\n"
        "  recorded_at: not a date\nrecorded_with: VCR 6.2.0\n"
    )
    dated, odd = load(path).interactions
    assert dated.response.ssetape is not None
    assert dated.response.ssetape.recorded_at == datetime(2023, 8, 1, 12, tzinfo=UTC)
    assert not dated.timed and dated.complete
    assert odd.response.ssetape is None  # an odd date is left out, not an error
