from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ssetape import recorder
from ssetape.recorder import (
    FORMAT_VERSION,
    Cassette,
    CassetteDecodeError,
    CassetteError,
    CassetteNotFoundError,
    CassetteVersionError,
    CutOff,
    Interaction,
    RecordedRequest,
    RecordedResponse,
    Recording,
    load,
    loads,
)
from ssetape.recorder.cassette import Body, Status

SSE = 'event: thread.message.delta\ndata: {"v": "héllo 你好 🎉"}\n\nevent: done\ndata: [DONE]\n\n'


def make_interaction(body: str | bytes, chunk_sizes: list[int] | None = None, **recording: object) -> Interaction:
    raw = body.encode() if isinstance(body, str) else body
    sizes = chunk_sizes if chunk_sizes is not None else [len(raw)]
    chunks = [(round(0.1 * (i + 1), 6), size) for i, size in enumerate(sizes)]
    return Interaction(
        request=RecordedRequest(
            method="POST",
            uri="https://api.openai.com/v1/threads/runs",
            body='{"stream": true}',
            headers={"content-type": ["application/json"]},
        ),
        response=RecordedResponse(
            status=Status(code=200, message="OK"),
            headers={"content-type": ["text/event-stream"]},
            body=Body(string=body),
            ssetape=Recording(
                recorded_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
                response_at=0.05,
                chunks=chunks,
                **recording,  # type: ignore[arg-type]
            ),
        ),
    )


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
@pytest.mark.parametrize(
    "body",
    [
        SSE,
        SSE.replace("\n", "\r\n"),
        "data: trailing spaces   \n\n",
        "\ufeffdata: bom\n\n",
        "data: \x00 control \x1b[0m\n\n",
        b"\xff\xfe not utf-8 \x80",
        "",
    ],
    ids=["sse", "crlf", "trailing-space", "bom", "control", "binary", "empty"],
)
def test_save_then_load_gives_back_the_same_cassette(tmp_path: Path, suffix: str, body: str | bytes) -> None:
    raw = body.encode() if isinstance(body, str) else body
    sizes = [3, len(raw) - 3] if len(raw) > 3 else ([len(raw)] if raw else [])
    cassette = Cassette(interactions=[make_interaction(body, sizes)])
    path = cassette.save(tmp_path / f"c{suffix}")
    loaded = load(path)
    assert loaded.path == path
    assert loaded.interactions[0].response.body_bytes == raw
    assert [c.data for c in loaded.interactions[0].chunks()] == [c.data for c in cassette.interactions[0].chunks()]
    assert loaded.model_dump() == cassette.model_dump()


def test_the_body_is_stored_once(tmp_path: Path) -> None:
    marker = "a-marker-that-appears-once"
    path = Cassette(interactions=[make_interaction(f"data: {marker}\n\n")]).save(tmp_path / "c.yaml")
    assert path.read_text().count(marker) == 1


def test_yaml_is_readable_and_json_is_chosen_by_suffix(tmp_path: Path) -> None:
    cassette = Cassette(interactions=[make_interaction(SSE)])
    yaml_text = cassette.save(tmp_path / "c.yaml").read_text()
    assert "event: thread.message.delta\n" in yaml_text  # a literal block, not an escaped one-liner
    assert "你好 🎉" in yaml_text
    json_text = cassette.save(tmp_path / "c.json").read_text()
    assert json_text.lstrip().startswith("{")


def test_incomplete_stream_and_its_error_survive_a_round_trip(tmp_path: Path) -> None:
    interaction = make_interaction(
        "data: partial", complete=False, error=CutOff(type="RemoteProtocolError", message="peer closed")
    )
    loaded = load(Cassette(interactions=[interaction]).save(tmp_path / "c.yaml"))
    assert not loaded.interactions[0].complete
    assert loaded.interactions[0].response.ssetape is not None
    assert loaded.interactions[0].response.ssetape.error == CutOff(
        type="RemoteProtocolError", message="peer closed"
    )


def test_save_is_atomic_a_failed_write_leaves_the_good_cassette(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = Cassette(interactions=[make_interaction(SSE)]).save(tmp_path / "c.yaml")
    good = path.read_bytes()

    def crash(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        Cassette(interactions=[make_interaction("data: new\n\n")] * 3).save(path)
    assert path.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]  # no temp file left behind


def test_save_without_a_path_says_so() -> None:
    with pytest.raises(ValueError, match="no path"):
        Cassette().save()


def test_missing_cassette() -> None:
    with pytest.raises(CassetteNotFoundError, match=r"nope\.yaml: no such cassette") as info:
        load("nope.yaml")
    assert isinstance(info.value, FileNotFoundError)


@pytest.mark.parametrize(
    ("name", "text", "line", "message"),
    [
        ("bad.yaml", "version: 1\ninteractions:\n- request: {method: GET\n  oops: [\n", 4, "invalid YAML"),
        ("bad.json", '{\n  "version": 1,\n  "interactions": [\n    {,\n  ]\n}\n', 4, "invalid JSON"),
        (
            "bad.yaml",
            "version: 1\ninteractions:\n- request: {method: GET, uri: 'http://x/'}\n"
            "  response:\n    status: {code: not-a-number}\n",
            5,
            "interactions.0.response.status.code",
        ),
        ("empty.yaml", "", None, "the file is empty"),
        ("list.yaml", "- 1\n- 2\n", None, "not a cassette"),
    ],
)
def test_undecodable_cassettes_name_the_file_and_line(
    tmp_path: Path, name: str, text: str, line: int | None, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(CassetteDecodeError) as info:
        load(path)
    assert isinstance(info.value, ValueError) and isinstance(info.value, CassetteError)
    assert info.value.line == line
    assert str(info.value).startswith(f"{path}{':' + str(line) if line else ''}: ")
    assert message in str(info.value)


def test_chunk_sizes_must_add_up_to_the_body(tmp_path: Path) -> None:
    """Sizes as the writer writes them are added up when first read (a load does not parse them): the error
    then names the file and the interaction's response line, as loading names any other fault."""
    cassette = Cassette(interactions=[make_interaction(SSE), make_interaction(SSE)])
    path = cassette.save(tmp_path / "c.yaml")
    text = path.read_text()
    path.write_text(text[::-1].replace(f"0.1:{len(SSE.encode())}"[::-1], "0.1:3"[::-1], 1)[::-1])  # the second
    # The line the second response's mapping starts on (its first key), as for any other fault in it.
    response_line = [number for number, line in enumerate(text.split("\n"), 1) if line == "  response:"][1] + 1
    loaded = load(path)
    assert loaded.interactions[0].chunks()
    for read in (loaded.interactions[1].chunks, lambda: loaded.interactions[1].response.ssetape.chunks.total):
        with pytest.raises(CassetteDecodeError) as info:
            read()
        assert str(info.value) == (
            f"{path}:{response_line}: interactions.1.response: "
            f"the recorded chunk sizes add up to 3 bytes but the body has {len(SSE.encode())} bytes"
        )
    with pytest.raises(CassetteDecodeError, match=rf"^<cassette>:{response_line}: interactions\.1\.response: the"):
        loads(path.read_text())  # text without a file: checked while it is at hand


@pytest.mark.parametrize("body", ['data: {"t": "café 😀"}\n\n', 'data: {"t": "café 😀"}\r\n\r\n'])
def test_a_body_beyond_ascii_is_measured_when_its_chunks_are_first_read(tmp_path: Path, body: str) -> None:
    """Its size needs the body encoded: that waits, as the sizes' sum does, and the error is the same."""
    size = len(body.encode())
    path = Cassette(interactions=[make_interaction(body), make_interaction(body)]).save(tmp_path / "c.yaml")
    path.write_text(path.read_text()[::-1].replace(f"0.1:{size}"[::-1], f"0.1:{size - 1}"[::-1], 1)[::-1])
    loaded = load(path)
    assert [chunk.data for chunk in loaded.interactions[0].chunks()] == [body.encode()]
    with pytest.raises(CassetteDecodeError, match=rf"^{re.escape(str(path))}:\d+: interactions\.1\.response: .*"):
        loaded.interactions[1].chunks()
    with pytest.raises(CassetteDecodeError, match=f"add up to {size - 1} bytes but the body has {size} bytes"):
        loads(path.read_text())


def test_chunks_are_compact_text_on_disk_and_read_back_exactly(tmp_path: Path) -> None:
    sizes = [1] * 20 + [len(SSE.encode()) - 20]
    cassette = Cassette(interactions=[make_interaction(SSE, sizes)])
    text = cassette.save(tmp_path / "c.yaml").read_text()
    assert "0.1:1 0.2:1 0.3:1" in text
    assert load(tmp_path / "c.yaml").interactions[0].response.ssetape == cassette.interactions[0].response.ssetape


def test_format_1_chunk_lists_still_load(tmp_path: Path) -> None:
    path = tmp_path / "old.yaml"
    path.write_text(
        "version: 1\ninteractions:\n- request: {method: GET, uri: 'http://x/v1/s'}\n  response:\n"
        "    status: {code: 200}\n    headers: {content-type: [text/event-stream]}\n"
        '    body: {string: "data: a\\n\\ndata: b\\n\\n"}\n'
        "    ssetape:\n      format: 1\n      chunks:\n      - [0.1, 9]\n      - [0.25, 9]\n"
    )
    assert [(c.at, c.data) for c in load(path).interactions[0].chunks()] == [
        (0.1, b"data: a\n\n"),
        (0.25, b"data: b\n\n"),
    ]


def test_a_malformed_chunk_is_located(tmp_path: Path) -> None:
    path = Cassette(interactions=[make_interaction(SSE)]).save(tmp_path / "c.yaml")
    path.write_text(path.read_text().replace(f"0.1:{len(SSE.encode())}", "0.1-oops"))
    with pytest.raises(
        CassetteDecodeError, match=r"interactions\.0\.response\.ssetape\.chunks.*chunk 0 is '0\.1-oops'"
    ):
        load(path)


def test_non_utf8_file_is_an_error_with_a_line(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_bytes(b"version: 1\ninteractions: []\n# \xff\n")
    with pytest.raises(CassetteDecodeError, match=r"c.yaml:3: is not UTF-8"):
        load(path)


@pytest.mark.parametrize("name", ["c.yaml", "c.json"])
def test_a_body_that_is_not_utf8_is_an_error_with_its_line(tmp_path: Path, name: str) -> None:
    """The text is decoded only when the fast reader cannot read the bytes: bad bytes still name their line."""
    good = Cassette(interactions=[make_interaction(SSE)]).save(tmp_path / name).read_bytes()
    line = next(number for number, text in enumerate(good.split(b"\n"), 1) if b"data:" in text)
    path = tmp_path / name
    path.write_bytes(good.replace(b"data:", b"d\xffata:", 1))
    with pytest.raises(CassetteDecodeError, match=rf"{name}:{line}: is not UTF-8"):
        load(path)


def test_wrong_vcr_version_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("version: 2\ninteractions: []\n")
    with pytest.raises(CassetteVersionError, match=r"version 2 is not supported.*re-record"):
        load(path)


def test_newer_ssetape_format_says_upgrade(tmp_path: Path) -> None:
    path = Cassette(interactions=[make_interaction(SSE)]).save(tmp_path / "c.yaml")
    path.write_text(path.read_text().replace(f"format: {FORMAT_VERSION}", "format: 99"))
    with pytest.raises(CassetteVersionError, match=r"newer ssetape.*upgrade"):
        load(path)


def test_plain_vcr_cassette_streams_one_chunk_per_event(tmp_path: Path) -> None:
    path = tmp_path / "plain.yaml"
    path.write_text(
        "interactions:\n- request:\n    body: null\n    headers: {}\n    method: GET\n    uri: http://x/v1/s\n"
        '  response:\n    body:\n      string: "data: a\\n\\ndata: b\\n\\n: trailing comment"\n'
        "    headers:\n      Content-Type: [text/event-stream]\n    status: {code: 200, message: OK}\n"
        "version: 1\n"
    )
    interaction = load(path).interactions[0]
    assert interaction.streamed and interaction.complete
    assert [(c.at, c.data) for c in interaction.chunks()] == [
        (0.0, b"data: a\n\n"),
        (0.0, b"data: b\n\n"),
        (0.0, b": trailing comment"),
    ]


def test_public_api_is_exported() -> None:
    for name in recorder.__all__:
        assert getattr(recorder, name) is not None
    assert {"load", "Cassette", "RecordingTransport", "AsyncRecordingTransport", "CassetteError"} <= set(
        recorder.__all__
    )
