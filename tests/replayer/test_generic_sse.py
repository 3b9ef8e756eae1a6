"""A stream no API recognises is a generic SSE stream (``sse``): every command and entry point shows its
events as they are (name, id, data), and none reads it as an Assistants stream."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ssetape.apis import DEFAULT, api
from ssetape.cli import main
from ssetape.recorder import cassette_from_sse, load
from ssetape.recorder.sse import decode as decode_sse_body
from ssetape.replayer import Timeline, astream, events, kind_of, stream, transcribe, validate
from tests.conftest import REAL_STREAMS

BODY = (
    b'event: tick\nid: 1\ndata: {"n": 1, "note": "hello"}\n\n'
    b"event: tick\nid: 2\ndata: plain text, not JSON\n\n"
    b': a comment\nretry: 3000\ndata: {"n": 3}\n\n'
    b"event: done\ndata: [1, 2, 3]\n\n"
)
GEMINI = sorted(REAL_STREAMS.glob("gemini_*.sse")) if REAL_STREAMS.is_dir() else []


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    path = tmp_path / "ticks.sse"
    path.write_bytes(BODY)
    return path


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(arg) for arg in args])
    return result.exit_code, result.output


def test_the_registry_default_is_the_generic_home() -> None:
    assert DEFAULT is api("sse")
    assert kind_of(cassette_from_sse(BODY).interactions[0]) == "sse"


def test_inspect_shows_each_events_name_and_data(dump: Path) -> None:
    code, out = run("inspect", dump)
    assert code == 0
    assert '{"n":1,"note":"hello"}' in out and '"plain text, not JSON"' in out and "[1, 2, 3]" in out
    code, out = run("inspect", dump, "--summary", "--json")
    assert code == 0 and json.loads(out)["kind"] == "sse"


def test_validate_applies_only_the_sse_level_rules(dump: Path, tmp_path: Path) -> None:
    assert validate(dump) == []  # data that is not JSON is no problem in a generic stream
    cut = tmp_path / "cut.sse"
    cut.write_bytes(BODY + b'data: {"n": 5')
    # the body ends inside a line: a dump (curl stopped) says no more, so it was cut off there
    assert [(p.rule, p.severity) for p in validate(cut)] == [("cut-off", "warning")]


def test_replay_prints_every_event_with_its_id_and_data_pretty_printed(dump: Path) -> None:
    out = io.StringIO()
    assert transcribe(dump, out=out)
    text = out.getvalue()
    assert 'event tick  id 1\n  {\n    "n": 1,\n    "note": "hello"\n  }\n' in text
    assert "event tick  id 2\n  plain text, not JSON\n" in text
    assert "retry 3000ms" in text and "event done" in text


def test_stream_reads_the_events_as_an_eventsource_client_does(dump: Path) -> None:
    with stream(dump) as events_read:
        got = [(e.event, e.data, e.id) for e in events_read]
    expected = [(e.event, e.data, e.id) for e in decode_sse_body(BODY)]
    assert got == expected and len(got) == 4

    async def read() -> list[str]:
        async with astream(dump) as events_read:
            return [e.data async for e in events_read]

    assert asyncio.run(read()) == [e.data for e in decode_sse_body(BODY)]


def test_the_timeline_yields_each_event_and_counts_the_names(dump: Path) -> None:
    timeline = Timeline(dump)
    assert timeline.kind == "sse" and len(timeline) == 4
    last = timeline[3]
    assert [c.name for c in last.callbacks] == ["done"]
    assert last.callbacks[0].event.data == [1, 2, 3]
    assert last.state.count == 4 and last.state.names == {"tick": 2, "message": 1, "done": 1}
    assert timeline[1].state.names == {"tick": 2}


def test_diff_and_export_read_the_events(dump: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.sse"
    other.write_bytes(BODY.replace(b'"hello"', b'"bye"'))
    code, out = run("diff", dump, other)
    assert code == 1 and "hello" in out and "bye" in out
    code, out = run("export", dump, "--format", "jsonl")
    assert code == 0 and [json.loads(line)["event"] for line in out.splitlines()] == ["tick", "tick", "message", "done"]


@pytest.mark.parametrize("path", GEMINI, ids=lambda path: path.name)
def test_a_stream_of_an_api_ssetape_does_not_know_is_never_read_as_assistants(path: Path) -> None:
    item = cassette_from_sse(path.read_bytes()).interactions[0]
    assert kind_of(item) in ("sse", "gemini")
    out = io.StringIO()
    transcribe(cassette_from_sse(path.read_bytes()), out=out)
    assert out.getvalue().strip()  # replay prints what it holds, never nothing
    assert len(events(item)) == len(Timeline(cassette_from_sse(path.read_bytes())))
    assert load(path).interactions[0].response.body_bytes == path.read_bytes()
