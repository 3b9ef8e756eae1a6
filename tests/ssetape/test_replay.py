"""ssetape replay --events (the transcript itself is tested in test_cli.py)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ssetape.recorder import load
from ssetape.replayer import answer, events, summarize
from tests.conftest import FIXTURES
from tests.ssetape.golden import run


def test_events_prints_one_summary_line_per_event() -> None:
    result = run("replay", str(FIXTURES / "function_calling.yaml"), "--events", "--interaction", "1", "--speed", "0")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    found = events(load(FIXTURES / "function_calling.yaml").interactions[1])
    assert lines[0].split() == ["#", "offset", "gap", "event", "summary"]
    assert len(lines) == 1 + len(found)
    for line, event in zip(lines[1:], found, strict=True):
        assert line.split()[:2] == [str(event.index), f"{event.at:.3f}s"]
        assert line.endswith(summarize(event))


def test_events_of_a_cut_or_failed_stream_exit_1() -> None:
    cut = run("replay", str(FIXTURES / "connection_cut.yaml"), "--events", "--speed", "0")
    assert cut.exit_code == 1
    assert cut.stdout.splitlines()[-1].startswith("[stream cut off: RemoteProtocolError: peer closed connection")
    error = run("replay", str(FIXTURES / "error_event.yaml"), "--events", "--speed", "0")
    assert error.exit_code == 1 and "server_error: The server had an error" in error.stdout.splitlines()[-1]


def test_events_are_paced_as_recorded() -> None:
    start = time.perf_counter()
    result = run("replay", str(FIXTURES / "text.yaml"), "--events", "--speed", "40")
    assert result.exit_code == 0
    assert time.perf_counter() - start >= 8.62 / 40 * 0.95


@pytest.mark.parametrize(
    ("fixture", "code"),
    [("responses_text", 0), ("responses_function", 0), ("responses_error", 1), ("chat_text", 0), ("chat_tool_call", 0)],
)
def test_replay_prints_responses_and_chat_streams_too(fixture: str, code: int) -> None:
    path = FIXTURES / f"{fixture}.yaml"
    result = run("replay", str(path), "--speed", "0")
    assert result.exit_code == code, result.output
    found = answer(path, interaction=load(path).streams()[0])
    if found.text:
        assert found.text in result.stdout
    for call in found.tool_calls:
        assert f"assistant > {call.name}\n{call.arguments}" in result.stdout


@pytest.mark.parametrize("options", [["--speed", "0"], ["--events", "--speed", "0"]])
def test_chunk_sizes_that_do_not_add_up_are_reported_in_one_line(tmp_path: Path, options: list[str]) -> None:
    """Chunk sizes are first added up when the replay paces the stream: the error still names file and line
    instead of the replay ending quietly with exit 1."""
    text = (FIXTURES / "chat_refusal.yaml").read_text()
    chunks = text.index("chunks: |-")
    first = text.index(":", chunks + len("chunks: |-")) + 1
    size = text[first : text.index(" ", first)]
    path = tmp_path / "sizes.yaml"
    path.write_text(text[:first] + str(int(size) + 1) + text[first + len(size) :])
    result = run("replay", str(path), *options)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {path}:") and "chunk sizes add up to" in result.stderr


@pytest.mark.parametrize("command", ["replay", "serve"])
@pytest.mark.parametrize("speed", ["-1", "nan"])
def test_a_speed_that_is_not_a_number_of_zero_or_more_is_refused(command: str, speed: str) -> None:
    result = run(command, str(FIXTURES / "text.yaml"), "--speed", speed)
    assert result.exit_code == 2
    assert f"Invalid value for '--speed': {speed} is not a speed of 0 or more" in result.stderr


@pytest.mark.parametrize("command", ["serve", "record"])
def test_a_port_out_of_range_is_refused_before_anything_starts(command: str, tmp_path: Path) -> None:
    given = [str(FIXTURES / "text.yaml")] if command == "serve" else ["--out", str(tmp_path / "x.yaml")]
    result = run(command, *given, "--port", "99999")
    assert result.exit_code == 2
    assert "Invalid value for '--port': 99999 is not in the range 0<=x<=65535" in result.stderr
    assert list(tmp_path.iterdir()) == []
