"""ssetape import and ssetape export, and their round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ssetape.cli import main
from ssetape.recorder import load
from ssetape.replayer import events, validate
from tests.conftest import FIXTURES, REAL_STREAMS
from tests.ssetape.golden import run

REAL_NAMES = sorted(p.name for p in REAL_STREAMS.glob("*.sse"))


def test_export_sse_then_import_gives_the_same_events(tmp_path: Path) -> None:
    sse = tmp_path / "run.sse"
    assert run("export", str(FIXTURES / "text.yaml"), "-o", str(sse)).exit_code == 0  # format from the suffix
    assert sse.read_bytes() == load(FIXTURES / "text.yaml").interactions[2].response.body_bytes
    out = tmp_path / "run.yaml"
    result = run("import", str(sse), "-o", str(out), "--url", "https://api.openai.com/v1/threads/t/runs")
    assert result.exit_code == 0 and result.stderr == f"Wrote {out}: 1 interaction\n"
    (item,) = load(out).interactions
    assert item.request.uri == "https://api.openai.com/v1/threads/t/runs"
    original = events(load(FIXTURES / "text.yaml").interactions[2])
    assert [(e.name, e.raw) for e in events(item)] == [(e.name, e.raw) for e in original]


def test_har_round_trip_through_the_commands(tmp_path: Path) -> None:
    har = tmp_path / "session.har"
    assert run("export", str(FIXTURES / "function_calling.yaml"), "--format", "har", "-o", str(har)).exit_code == 0
    out = tmp_path / "session.json"  # a JSON cassette
    assert run("import", str(har), "-o", str(out)).exit_code == 0
    before, after = load(FIXTURES / "function_calling.yaml"), load(out)
    assert [i.response.ssetape for i in after.interactions] == [i.response.ssetape for i in before.interactions]
    assert run("diff", str(FIXTURES / "function_calling.yaml"), str(out), "--no-ignore-timing").exit_code == 0


@pytest.mark.parametrize("dialect", ["content_gzip", "content_br", "timed_gzip", "sse_dump", "vcrpy_yaml"])
def test_har_round_trip_of_a_compressed_or_untimed_recording(tmp_path: Path, dialect: str) -> None:
    """HAR keeps a body decoded (content.text), so a body stored compressed comes back decoded, each event and its
    time as it was; a recording with no times comes back with none (not times of 0 and a 1970 date)."""
    from tests.dialects import write

    source = write(dialect, "chat_tool_call", tmp_path)
    har, back = tmp_path / "x.har", tmp_path / "back.yaml"
    assert run("export", str(source), "--format", "har", "-o", str(har)).exit_code == 0
    entry = json.loads(har.read_text())["log"]["entries"][0]
    before = load(source).interactions[0]
    assert entry["response"]["content"]["text"].encode() == before.response.decoded_body  # decoded, as HAR says
    assert run("import", str(har), "-o", str(back)).exit_code == 0
    after = load(back).interactions[0]
    assert after.response.body_bytes == before.response.decoded_body and after.complete == before.complete
    assert [(e.raw, e.at) for e in events(after)] == [(e.raw, e.at) for e in events(before)]
    assert after.timed == before.timed
    if not before.timed:
        assert after.response.ssetape is None or after.response.ssetape.recorded_at is None
        assert json.loads(run("ls", str(back), "--json").stdout.splitlines()[0])["duration"] is None


def test_import_reads_stdin_and_curl_headers(tmp_path: Path) -> None:
    capture = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\nevent: done\ndata: [DONE]\n\n"
    out = tmp_path / "x.yaml"
    result = run_with_input(["import", "-", "-o", str(out), "--request-body", '{"a": 1}'], capture)
    assert result.exit_code == 0, result.output
    (item,) = load(out).interactions
    assert item.response.headers == {"content-type": ["text/event-stream"]}
    assert item.request.body == '{"a": 1}'


def run_with_input(args: list[str], data: bytes) -> Result:
    return CliRunner().invoke(main, args, input=data, catch_exceptions=False)


def test_import_refuses_to_overwrite_and_reports_unreadable_input(tmp_path: Path) -> None:
    out = tmp_path / "x.yaml"
    out.write_text("keep me")
    result = run("import", str(FIXTURES / "text.yaml"), "-o", str(out))
    assert result.exit_code == 2 and f"{out} exists: pass --force to overwrite it" in result.stderr
    assert out.read_text() == "keep me"
    result = run("import", str(tmp_path / "nope.sse"), "-o", str(tmp_path / "y.yaml"))
    assert (result.exit_code, result.stderr) == (2, f"Error: {tmp_path / 'nope.sse'}: no such cassette\n")
    bad = tmp_path / "bad.har"
    bad.write_text('{"log": {"entries": [{"request": {}}]}}')
    result = run("import", str(bad), "-o", str(tmp_path / "z.yaml"))
    assert (result.exit_code, result.stderr) == (2, f"Error: {bad}: HAR entry 0: missing 'url'\n")
    assert not (tmp_path / "z.yaml").exists()


def test_import_never_writes_over_the_file_it_imports_even_with_force(tmp_path: Path) -> None:
    dump = tmp_path / "run.sse"
    body = load(FIXTURES / "chat_text.yaml").interactions[0].response.body_bytes
    dump.write_bytes(body)
    for target in (dump, tmp_path / "." / "run.sse"):
        result = run("import", str(dump), "-o", str(target), "--force")
        assert result.exit_code == 2 and "is the file being imported: name another cassette to write" in result.stderr
    assert dump.read_bytes() == body


def test_a_bad_match_pattern_or_a_directory_to_write_is_a_usage_error(tmp_path: Path) -> None:
    har = tmp_path / "session.har"
    assert run("export", str(FIXTURES / "text.yaml"), "-o", str(har)).exit_code == 0
    result = run("import", str(har), "-o", str(tmp_path / "x.yaml"), "--match", "(")
    assert result.exit_code == 2 and "Invalid value for --match: '(' is not a regular expression" in result.stderr
    for command in (["import", str(har), "-o", str(tmp_path), "-f"], ["export", str(FIXTURES / "text.yaml"), "-o"]):
        result = run(*command, *([] if command[0] == "import" else [str(tmp_path), "--format", "sse"]))
        assert result.exit_code == 2
        assert f"Invalid value for -o: {tmp_path} is a directory" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.har"]  # nothing staged beside it either


def test_a_file_that_cannot_be_written_is_one_line_naming_it(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a directory should be")
    result = run("export", str(FIXTURES / "text.yaml"), "--format", "sse", "-o", str(blocked / "run.sse"))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert str(blocked) in result.stderr


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 20, b"just some text\nwith lines\n\nand no fields\n", b": only a comment\n\n"],
    ids=["random", "text", "comment"],
)
def test_import_refuses_input_with_no_event_in_it(tmp_path: Path, data: bytes) -> None:
    source, out = tmp_path / "noise.bin", tmp_path / "x.yaml"
    source.write_bytes(data)
    result = run("import", str(source), "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {source}: holds no server-sent event") and result.stderr.count("\n") == 1
    assert not out.exists()


def test_import_keeps_a_curl_capture_of_a_plain_error_response(tmp_path: Path) -> None:
    capture = b'HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\n\r\n{"error": {"message": "no"}}'
    out = tmp_path / "x.yaml"
    assert run_with_input(["import", "-", "-o", str(out)], capture).exit_code == 0
    assert load(out).interactions[0].response.status.code == 401
    raw = tmp_path / "x.sse"  # the capture read as it is, by every command, as import reads it
    raw.write_bytes(capture)
    assert load(raw).interactions[0].response.status.code == 401
    listed = run("ls", str(raw), "--json")
    assert listed.exit_code == 0 and json.loads(listed.stdout)["status"] == 401


def test_export_needs_a_format_and_writes_jsonl_to_stdout() -> None:
    result = run("export", str(FIXTURES / "text.yaml"))
    assert result.exit_code == 2 and "--format sse, jsonl or har" in result.stderr
    result = run("export", str(FIXTURES / "text.yaml"), "--format", "jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[-1]["event"] == "done" and records[-1]["interaction"] == 2


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_streams_import_and_validate(real_streams: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / "real.yaml"
    assert run("import", str(real_streams / name), "-o", str(out)).exit_code == 0
    (item,) = load(out).interactions
    assert item.response.body_bytes == (real_streams / name).read_bytes()
    assert events(item)
    problems = validate(out)
    if item.response.body_bytes.endswith((b"\n", b"\r")):
        assert all(p.rule in ("sse", "schema", "status") for p in problems)
    else:  # a dump that stops inside its last line is read as cut off there, as a live connection would be
        assert all(p.rule in ("sse", "schema", "status", "cut-off") for p in problems)
        assert any(p.rule == "cut-off" for p in problems)
