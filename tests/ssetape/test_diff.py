"""ssetape diff: git diff's exit codes, ids and timestamps masked by default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssetape.replayer import answer
from tests.conftest import FIXTURES
from tests.replayer.test_diff import rerecorded
from tests.ssetape.golden import assert_golden, run


@pytest.fixture(autouse=True)
def _in_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES.parent)


def test_identical_recordings_exit_0_silently() -> None:
    result = run("diff", "fixtures/text.yaml", "fixtures/text.yaml")
    assert (result.exit_code, result.output) == (0, "")


def test_a_rerecording_of_the_same_conversation_is_equal_unless_ids_count(tmp_path: Path) -> None:
    again = rerecorded(FIXTURES / "function_calling.yaml", tmp_path, pace=2.0)
    assert run("diff", "fixtures/function_calling.yaml", str(again)).exit_code == 0
    strict = run("diff", "fixtures/function_calling.yaml", str(again), "--no-ignore-ids")
    assert strict.exit_code == 1 and ".id: " in strict.stdout
    timing = run("diff", "fixtures/function_calling.yaml", str(again), "--no-ignore-timing")
    assert timing.exit_code == 1 and ".duration: " in timing.stdout and ".created_at: " in timing.stdout


def test_differences_exit_1() -> None:
    result = run("diff", "fixtures/failed.yaml", "fixtures/cancelled.yaml")
    assert result.exit_code == 1
    assert_golden("diff_failed_cancelled.txt", result.stdout)


def test_json() -> None:
    result = run("diff", "fixtures/failed.yaml", "fixtures/cancelled.yaml", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["equal"] is False and data["a"] == "fixtures/failed.yaml"
    (item,) = data["interactions"]
    status = next(change for change in item["outcome"] if change["path"] == ".status")
    assert (status["a"], status["b"]) == ("failed", "cancelled")


def test_an_unreadable_cassette_exits_2(tmp_path: Path) -> None:
    result = run("diff", "fixtures/text.yaml", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'nope.yaml'}: no such cassette\n"


@pytest.mark.parametrize(
    ("assistants", "twin"),
    [("text", "responses_text"), ("text", "chat_text"), ("function_calling", "responses_function")],
)
def test_text_diff_finds_an_assistants_recording_and_its_twin_equal(assistants: str, twin: str) -> None:
    result = run("diff", "--text", str(FIXTURES / f"{assistants}.yaml"), str(FIXTURES / f"{twin}.yaml"))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_text_diff_shows_what_the_assistant_said_differently() -> None:
    a, b = FIXTURES / "text.yaml", FIXTURES / "responses_function.yaml"
    result = run("diff", "--text", str(a), str(b))
    assert result.exit_code == 1
    want_a, want_b = answer(a), answer(b)
    lines = result.stdout.splitlines()
    assert lines[:2] == [f"--- {a} (assistants)", f"+++ {b} (responses, responses)"]
    assert f"-{want_a.text}" in lines and f"+{want_b.text}" in lines
    assert lines[lines.index("tool calls:") + 2 :] == [f"+{c.name}({c.arguments})" for c in want_b.tool_calls]


def test_text_diff_as_json() -> None:
    result = run("diff", "--text", "--json", str(FIXTURES / "text.yaml"), str(FIXTURES / "chat_text.yaml"))
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["equal"] is True
    assert record["a"]["kinds"] == ["assistants"] and record["b"]["kinds"] == ["chat"]
    assert record["a"]["text"] == record["b"]["text"] == answer(FIXTURES / "text.yaml").text


def test_text_diff_of_a_cassette_with_no_stream_says_there_is_nothing_to_compare() -> None:
    """Two cassettes with no streamed answer are not two equal answers (exit 0 would pass a check in CI)."""
    polling, uploads = str(FIXTURES / "polling.yaml"), str(FIXTURES / "vector_store_uploads.yaml")
    for pair in ((polling, uploads), (str(FIXTURES / "text.yaml"), uploads)):
        result = run("diff", "--text", *pair)
        assert result.exit_code == 2
        assert result.stderr.endswith("holds no streamed response: --text compares what streamed responses answered\n")
