"""The commands on Anthropic Messages recordings: ls, inspect, replay, validate, export, and diff --text
telling that an OpenAI recording and its Anthropic twin answered the same."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ssetape.cli import main
from ssetape.recorder import cassette_from_sse
from tests.replayer.test_timeline_anthropic import START, STOP0, STOP1, TEXT, TOOL, ev, sse, text, tool_input

ANSWER = ["Paris is", " sunny", " today."]
REQUEST = json.dumps({"model": "claude-x", "max_tokens": 100, "messages": [{"role": "user", "content": "Paris?"}]})


def run(*args: str) -> Any:
    return CliRunner().invoke(main, [*args], catch_exceptions=False)


def anthropic_twin(tmp_path: Path, arguments: str = '{"city": "Paris"}') -> Path:
    body = sse(
        START,
        TEXT,
        ("ping", {"type": "ping"}),
        *(text(0, piece) for piece in ANSWER),
        STOP0,
        TOOL,
        tool_input(1, ""),
        tool_input(1, arguments[:5]),
        tool_input(1, arguments[5:]),
        STOP1,
        ev("message_delta", delta={"stop_reason": "tool_use", "stop_sequence": None}, usage={"output_tokens": 21}),
        ev("message_stop"),
    )
    chunks = [(0.25 + 0.1 * n, len(piece)) for n, piece in enumerate(body.split(b"\n\n")[:-1])]
    chunks = [(at, size + 2) for at, size in chunks]
    path = tmp_path / "anthropic.yaml"
    uri = "https://api.anthropic.com/v1/messages"
    cassette_from_sse(body, uri=uri, request_body=REQUEST, chunks=chunks, response_at=0.2).save(path)
    return path


def chat_twin(tmp_path: Path) -> Path:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> tuple[None, dict[str, Any]]:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return None, {
            "id": "chatcmpl-1",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m",
            "choices": [choice],
        }

    call = {"index": 0, "id": "call_1", "type": "function", "function": {"name": "f", "arguments": '{"city":"Paris"}'}}
    body = sse(
        chunk({"role": "assistant", "content": ""}),
        *(chunk({"content": piece}) for piece in ANSWER),
        chunk({"tool_calls": [call]}),
        chunk({}, "tool_calls"),
        (None, "[DONE]"),
    )
    path = tmp_path / "chat.yaml"
    cassette_from_sse(body, uri="https://api.openai.com/v1/chat/completions").save(path)
    return path


def test_ls_and_inspect(tmp_path: Path) -> None:
    path = anthropic_twin(tmp_path)
    listed = run("ls", str(path))
    assert "/v1/messages" in listed.output and "complete" in listed.output
    summary = json.loads(run("inspect", "--summary", "--json", str(path)).output)
    assert summary["text"] == "".join(ANSWER)
    assert summary["tool_calls"] == ["f"]
    assert summary["status"] == "tool_use"
    assert summary["usage"]["input_tokens"] == 5 and summary["usage"]["output_tokens"] == 21
    assert summary["first_text"] == pytest.approx(0.55)  # the event carrying the first text_delta
    words = run("inspect", "--summary", str(path)).output
    assert "final status  tool_use" in words and "5 prompt + 21 completion tokens" in words
    events = run("inspect", str(path)).output
    assert '#0 "Paris is"' in events and "#1 tool_use f toolu_1" in events and "stop_reason → tool_use" in events


def test_replay_prints_the_text_and_the_tool_call(tmp_path: Path) -> None:
    result = run("replay", str(anthropic_twin(tmp_path)))
    assert result.exit_code == 0
    assert "assistant > Paris is sunny today." in result.output
    assert 'tool_use > f\n{"city": "Paris"}' in result.output
    assert "[stop_reason tool_use]" in result.output


def test_replay_of_an_error_event_says_so_and_fails(tmp_path: Path) -> None:
    error = ("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
    path = tmp_path / "overloaded.yaml"
    cassette_from_sse(sse(START, TEXT, text(0, "Hi"), error), uri="https://api.anthropic.com/v1/messages").save(path)
    result = run("replay", str(path))
    assert result.exit_code != 0
    assert "assistant > Hi" in result.output and "overloaded_error" in result.output


def test_validate_finds_nothing_in_a_good_stream_and_the_order_problems_in_a_bad_one(tmp_path: Path) -> None:
    assert run("validate", str(anthropic_twin(tmp_path))).exit_code == 0
    bad = tmp_path / "bad.yaml"
    body = sse(
        TEXT,
        START,
        text(0, "x"),
        STOP0,
        text(0, "y"),
        ev("content_block_start", index=2, content_block={"type": "text", "text": ""}),
    )
    body += sse(
        ("content_block_delta", {"type": "message_delta"}), ("message_stop", {"type": "message_stop"}), text(0, "z")
    )
    cassette_from_sse(body, uri="https://api.anthropic.com/v1/messages").save(bad)
    output = run("validate", str(bad)).output
    assert "content_block_start before message_start" in output
    assert "content_block_delta of block 0 after its content_block_stop" in output
    assert "block 2 starts out of turn" in output
    assert "event `content_block_delta` carries data of type 'message_delta'" in output
    assert "content_block_delta after message_stop" in output
    unfinished = tmp_path / "unfinished.yaml"
    cassette_from_sse(sse(START, TEXT, text(0, "x")), uri="https://api.anthropic.com/v1/messages").save(unfinished)
    assert "does not end with message_stop" in run("validate", str(unfinished)).output
    typed = tmp_path / "typed.yaml"
    cassette_from_sse(
        sse(START, delta(0, type="text_delta", text=5)), uri="https://api.anthropic.com/v1/messages"
    ).save(typed)
    assert "RawContentBlockDeltaEvent" in run("validate", str(typed)).output


def delta(index: int, **fields: Any) -> tuple[str, dict[str, Any]]:
    return ev("content_block_delta", index=index, delta=fields)


def test_export_jsonl(tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    result = run("export", str(anthropic_twin(tmp_path)), "--format", "jsonl", "-o", str(out))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["event"] for line in lines][:3] == ["message_start", "content_block_start", "ping"]


def test_diff_text_tells_an_openai_recording_and_its_anthropic_twin_answered_the_same(tmp_path: Path) -> None:
    same = run("diff", "--text", str(chat_twin(tmp_path)), str(anthropic_twin(tmp_path)))
    assert same.exit_code == 0, same.output
    other = tmp_path / "other"
    other.mkdir()
    changed = run("diff", "--text", str(chat_twin(tmp_path)), str(anthropic_twin(other, '{"city": "Lyon"}')))
    assert changed.exit_code == 1 and "Lyon" in changed.output
