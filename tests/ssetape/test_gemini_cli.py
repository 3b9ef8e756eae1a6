"""The commands on Gemini recordings: ls, inspect, replay, validate (the SDK's types and the order rules),
export, and diff --text telling that an Anthropic recording and its Gemini twin answered the same."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from ssetape.cli import main
from ssetape.recorder import cassette_from_sse, load
from tests.conftest import FIXTURES

GEMINI = "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
USAGE = {"promptTokenCount": 3, "candidatesTokenCount": 2, "totalTokenCount": 5}


def run(*args: str) -> Any:
    return CliRunner().invoke(main, [*args], catch_exceptions=False)


def chunk(text: str | None = None, finish: str | None = None, **fields: Any) -> dict[str, Any]:
    candidate: dict[str, Any] = {"index": 0}
    if text is not None:
        candidate["content"] = {"role": "model", "parts": [{"text": text}]}
    if finish:
        candidate["finishReason"] = finish
    return {"candidates": [candidate], "modelVersion": "gemini-2.5-flash", "responseId": "r1", **fields}


def saved(tmp_path: Path, *events: Any, name: str = "gemini.yaml") -> Path:
    body = "".join(f"data: {json.dumps(event)}\r\n\r\n" for event in events).encode()
    path = tmp_path / name
    cassette_from_sse(body, uri=GEMINI).save(path)
    return path


def test_inspect_summary_of_a_fixture() -> None:
    result = run("inspect", str(FIXTURES / "gemini_parallel_function_calls.yaml"), "--summary")
    assert result.exit_code == 0
    assert "tool calls    get_current_weather, get_rain_probability" in result.output
    assert "final status  STOP" in result.output
    assert "prompt +" in result.output and "None" not in result.output
    found = json.loads(run("inspect", str(FIXTURES / "gemini_thinking.yaml"), "--summary", "--json").output)
    assert found["status"] == "STOP" and found["usage"]["thoughtsTokenCount"] > 0
    assert found["first_text"] > found["first_event"]  # the thoughts come first


def test_replay_prints_thoughts_text_calls_and_the_finish_reason() -> None:
    thinking = run("replay", str(FIXTURES / "gemini_thinking.yaml")).output
    assert thinking.index("thinking > **Weighing") < thinking.index("assistant > Server-sent events")
    assert thinking.rstrip().endswith("[finish_reason STOP]")
    calls = run("replay", str(FIXTURES / "gemini_function_call.yaml"), "--interaction", "0").output
    assert 'function_call > get_current_weather({"location": "Lima, Peru", "unit": "celsius"})' in calls
    failed = run("replay", str(FIXTURES / "gemini_error.yaml"))
    assert failed.exit_code != 0 and "ServerError: 503 UNAVAILABLE" in failed.output


def test_validate_checks_the_sdk_types_and_the_order(tmp_path: Path) -> None:
    assert run("validate", str(FIXTURES / "gemini_safety.yaml")).exit_code == 0
    late = saved(tmp_path, chunk("Hi", "STOP"), {"usageMetadata": USAGE}, chunk("more"), name="late.yaml")
    result = run("validate", str(late))
    assert result.exit_code != 0
    assert "event 2" in result.output and "a chunk after the candidates finished (event 0)" in result.output
    error = {"error": {"code": 503, "message": "overloaded", "status": "UNAVAILABLE"}}
    after = saved(tmp_path, chunk("Hi"), error, chunk("more"), name="after.yaml")
    assert "an event after the error (event 1)" in run("validate", str(after)).output
    typed = saved(tmp_path, {"candidates": [{"index": "zero", "content": {"parts": [{"text": 1}]}}]}, name="typed.yaml")
    output = run("validate", str(typed)).output
    assert "GenerateContentResponse" in output and "candidates[0]" in output
    unknown = saved(tmp_path, {**chunk("Hi", "STOP"), "brandNew": 1}, name="unknown.yaml")
    assert "fields the SDK's GenerateContentResponse does not know: brandNew" in run("validate", str(unknown)).output


def test_diff_text_tells_an_anthropic_recording_and_its_gemini_twin_answered_the_same() -> None:
    for anthropic, gemini in (
        ("anthropic_text.yaml", "gemini_text.yaml"),
        ("anthropic_tool_use.yaml", "gemini_function_call.yaml"),
        ("anthropic_parallel_tools.yaml", "gemini_parallel_function_calls.yaml"),
    ):
        result = run("diff", "--text", str(FIXTURES / anthropic), str(FIXTURES / gemini))
        assert (result.exit_code, result.output) == (0, ""), gemini
    different = run("diff", "--text", str(FIXTURES / "anthropic_text.yaml"), str(FIXTURES / "gemini_thinking.yaml"))
    assert different.exit_code == 1 and "(gemini)" in different.output


def test_export_and_ls(tmp_path: Path) -> None:
    path = FIXTURES / "gemini_google_search.yaml"
    assert run("export", str(path), "--format", "sse", "-o", str(tmp_path / "body.sse")).exit_code == 0
    assert (tmp_path / "body.sse").read_bytes() == load(path).interactions[0].response.body_bytes  # CRLF kept
    lines = [json.loads(line) for line in run("export", str(path), "--format", "jsonl").output.splitlines()]
    assert lines[-1]["data"]["candidates"][0]["groundingMetadata"]["webSearchQueries"]
    listed = run("ls", str(FIXTURES / "gemini_function_call.yaml")).output
    assert listed.count(":streamGenerateContent?alt=sse") == 2


def test_usage_by_geminis_names_where_a_count_of_zero_is_left_out(tmp_path: Path) -> None:
    """The API leaves a zero count out of ``usageMetadata`` (a blocked prompt has no candidates tokens): the
    summary's usage and each event's line give the counts the SDK's ``usage_metadata`` reads, 0 for one
    left out, and the thinking tokens."""
    from tests.oracle_gemini import gemini_oracle

    blocked = {"promptTokenCount": 3, "totalTokenCount": 3}
    thinking = {**USAGE, "thoughtsTokenCount": 7}
    events = [
        chunk("Hi", usageMetadata=thinking),
        {"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": blocked},
    ]
    path = saved(tmp_path, *events)
    body = load(path).interactions[0].response.body_bytes
    usage = [chunk.usage_metadata for chunk in gemini_oracle([body]).objects]
    assert usage[1] is not None and usage[1].candidates_token_count is None  # the SDK: left out
    summary = run("inspect", str(path), "--summary").output
    assert f"usage         {usage[1].prompt_token_count} prompt + 0 completion = 3 tokens" in summary
    lines = run("inspect", str(path)).output
    assert "tokens 3 in + 2 out (7 thinking)" in lines and "tokens 3 in + 0 out" in lines
