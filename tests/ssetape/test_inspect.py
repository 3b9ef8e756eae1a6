"""ssetape inspect."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssetape.recorder import load
from ssetape.replayer import events, stats
from tests.conftest import FIXTURES
from tests.ssetape.golden import assert_golden, run

STREAMS = [(p, i) for p in sorted(FIXTURES.glob("*.yaml")) for i in load(p).streams()]


@pytest.fixture(autouse=True)
def _in_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES.parent)  # paths in the output are relative, as typed


def test_timeline_and_summary_of_a_function_calling_stream() -> None:
    result = run("inspect", "fixtures/function_calling.yaml", "--interaction", "0")
    assert result.exit_code == 0, result.output
    assert_golden("inspect_function_calling_0.txt", result.stdout)


def test_summary_of_a_cut_stream() -> None:
    result = run("inspect", "fixtures/connection_cut.yaml", "--summary")
    assert result.exit_code == 0
    assert_golden("inspect_connection_cut_summary.txt", result.stdout)


@pytest.mark.parametrize(("path", "index"), STREAMS, ids=[f"{p.stem}-{i}" for p, i in STREAMS])
def test_every_stream_inspects(path: Path, index: int) -> None:
    result = run("inspect", str(path), "-i", str(index))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    summary = stats(load(path).interactions[index])
    assert len(lines) == 1 + 1 + summary.events + 1 + 11
    assert lines[-3] == f"final status  {summary.status or '-'}"


def test_json_is_one_event_per_line() -> None:
    result = run("inspect", "fixtures/text.yaml", "--json")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    found = events(load(FIXTURES / "text.yaml").interactions[2])
    assert len(records) == len(found)
    assert records[0]["interaction"] == 2 and records[0]["event"] == "thread.run.created"
    assert records[0]["data"]["status"] == "queued" and records[0]["summary"] == "status → queued"
    assert [r["at"] for r in records] == [round(e.at, 6) for e in found]


def test_summary_as_json() -> None:
    result = run("inspect", "fixtures/failed.yaml", "--summary", "--json")
    (line,) = result.stdout.splitlines()
    data = json.loads(line)
    assert data["status"] == "failed" and data["interaction"] == 2
    assert data["usage"]["prompt_tokens"] == 452
    assert data["text_length"] == len(data["text"])


def test_type_globs_filter_the_timeline_not_the_summary() -> None:
    result = run("inspect", "fixtures/code_interpreter.yaml", "--type", "thread.run.*", "--type", "!*.delta")
    names = {line.split()[3] for line in result.stdout.splitlines()[2:15]}
    assert names == {
        "thread.run.created",
        "thread.run.queued",
        "thread.run.in_progress",
        "thread.run.step.created",
        "thread.run.step.in_progress",
        "thread.run.step.completed",
        "thread.run.completed",
    }
    assert "(13 of 178 events)" in result.stdout
    assert "events        178, " in result.stdout
    jsonl = run("inspect", "fixtures/code_interpreter.yaml", "--json", "-t", "*.step.delta")
    assert {json.loads(line)["event"] for line in jsonl.stdout.splitlines()} == {"thread.run.step.delta"}


def test_a_plain_interaction_or_a_cassette_without_streams_is_bad_usage() -> None:
    result = run("inspect", "fixtures/text.yaml", "--interaction", "0")
    assert result.exit_code == 2
    assert result.stderr == "Error: fixtures/text.yaml: interaction 0 is not a streamed response; streamed ones: [2]\n"
    result = run("inspect", "fixtures/polling.yaml")
    assert result.exit_code == 2 and result.stderr.startswith("Error: fixtures/polling.yaml: holds no streamed")
    result = run("inspect", "fixtures/text.yaml", "--interaction", "99")
    assert result.exit_code == 2 and "has no interaction 99" in result.stderr


CHUNK = (
    '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m",'
    '"choices":[{"index":0,"delta":{"content":"%s"}}]}'
)


@pytest.mark.parametrize("cut", [False, True], ids=["whole", "cut inside an event"])
def test_a_stream_recorded_without_timings_says_so_instead_of_showing_zeros(tmp_path: Path, cut: bool) -> None:
    dump = tmp_path / "run.sse"
    body = "".join(f"data: {CHUNK % piece}\n\n" for piece in ("Hel", "lo")) + ('data: {"id"' if cut else "")
    dump.write_text(body)
    shown = run("inspect", str(dump)).stdout.splitlines()
    assert [line.split()[:3] for line in shown[2:4]] == [["0", "-", "-"], ["1", "-", "-"]]
    assert "total time    no timing recorded" in shown
    assert "first byte    -" in shown and "first text    -" in shown
    (record,) = [json.loads(line) for line in run("inspect", str(dump), "--summary", "--json").stdout.splitlines()]
    assert record["timed"] is False and record["duration"] is None and record["first_text"] is None
    lines = [json.loads(line) for line in run("inspect", str(dump), "--json").stdout.splitlines()]
    assert [(line["at"], line["gap"]) for line in lines] == [(None, None), (None, None)]
    exported = [json.loads(line) for line in run("export", str(dump), "--format", "jsonl").stdout.splitlines()]
    assert [(line["at"], line["gap"]) for line in exported] == [(None, None), (None, None)]
    (row,) = [json.loads(line) for line in run("ls", str(dump), "--json").stdout.splitlines()]
    assert row["duration"] is None
    assert run("ls", str(dump)).stdout.splitlines()[1].split()[7] == "-"


def test_a_recording_keeps_its_times() -> None:
    (record,) = [
        json.loads(line)
        for line in run("inspect", str(FIXTURES / "chat_text.yaml"), "--summary", "--json").stdout.splitlines()
    ]
    assert record["timed"] is True and record["duration"] > 0 and record["first_text"] > 0
    assert load(FIXTURES / "chat_text.yaml").interactions[0].timed


def test_a_compressed_body_gives_its_size_decoded_and_as_sent(tmp_path: Path) -> None:
    """A body vcrpy stored gzipped: the events' bytes (what the SDK reads) and what was sent, not only the latter."""
    from tests.dialects import write

    path = write("content_gzip", "chat_text", tmp_path)
    item = load(path).interactions[0]
    sent, decoded = len(item.response.body_bytes), len(item.response.decoded_body)
    assert sent < decoded
    (line,) = [line for line in run("inspect", str(path), "--summary").stdout.splitlines() if line.startswith("events")]
    assert line.endswith(f"({decoded} bytes; sent as {sent} bytes of gzip, in 1 chunk)")
    summary = json.loads(run("inspect", str(path), "--summary", "--json").stdout)
    assert (summary["bytes"], summary["decoded_bytes"], summary["encoding"]) == (sent, decoded, "gzip")
