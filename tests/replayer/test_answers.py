"""replayer.answer: the assistant's text, refusal and tool calls from the SDK's own final state, equal
across APIs when the model said the same (the migration twins among the fixtures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssetape import replayer
from ssetape.fixtures.emulator.texts import ANSWER_TEXT, FUNCTION_ANSWER, FUNCTION_CALLS, REFUSAL_TEXT
from ssetape.fixtures.sessions import TOOL_OUTPUT
from ssetape.recorder import cassette_from_sse, load
from ssetape.replayer import Answer, ToolCall, answer
from tests.conftest import FIXTURES

TWINS = [("text", "responses_text"), ("text", "chat_text")]
TWINS += [("function_calling", "responses_function"), ("function_calling", "chat_tool_call")]


@pytest.mark.parametrize(("assistants", "other"), TWINS)
def test_an_assistants_recording_and_its_twin_answer_the_same(assistants: str, other: str) -> None:
    before, after = answer(FIXTURES / f"{assistants}.yaml"), answer(FIXTURES / f"{other}.yaml")
    assert before.same_as(after)
    assert set(before.kinds) == {"assistants"} and set(after.kinds) == {other.split("_")[0]}
    assert before.tool_calls == after.tool_calls
    assert ToolCall("f", "{}", "call_a") == ToolCall("f", "{}", "call_b")  # ids never count


def test_the_function_exchange_is_both_streams_with_the_calls_counted_once() -> None:
    whole = answer(FIXTURES / "responses_function.yaml")
    assert [(call.name, call.arguments) for call in whole.tool_calls] == [(n, a) for n, _, _, a in FUNCTION_CALLS]
    assert whole.text == FUNCTION_ANSWER.format(TOOL_OUTPUT, TOOL_OUTPUT)
    first = answer(FIXTURES / "function_calling.yaml", interaction=0)
    assert first.text == "" and first.status == "requires_action" and len(first.tool_calls) == 2
    assert len(answer(FIXTURES / "function_calling.yaml").tool_calls) == 2  # the second stream repeats the step


def test_different_answers_differ() -> None:
    text = answer(FIXTURES / "responses_text.yaml")
    assert text.text == ANSWER_TEXT and text.status == "completed"
    refusal = answer(FIXTURES / "chat_refusal.yaml")
    assert (refusal.text, refusal.refusal) == ("", REFUSAL_TEXT)
    assert not text.same_as(refusal)
    assert not answer(FIXTURES / "text.yaml").same_as(answer(FIXTURES / "multibyte.yaml"))
    assert answer(FIXTURES / "responses_error.yaml").status == "failed"
    assert answer(FIXTURES / "chat_length.yaml").status == "length"


@pytest.mark.parametrize("name", ["responses_text", "responses_reasoning", "responses_json", "responses_incomplete"])
def test_a_responses_answer_is_what_the_sdk_accumulated(name: str) -> None:
    with replayer.stream(FIXTURES / f"{name}.yaml") as stream:
        stream.until_done()
        snapshot = stream._state._ResponseStreamState__current_snapshot  # type: ignore[attr-defined]
    assert answer(FIXTURES / f"{name}.yaml").text == "".join(
        part.text for item in snapshot.output if item.type == "message" for part in item.content
    )


def test_a_chat_answer_is_the_sdks_completion() -> None:
    with replayer.stream(FIXTURES / "chat_json.yaml") as stream:
        content = stream.get_final_completion().choices[0].message.content
    assert answer(FIXTURES / "chat_json.yaml").text == content


def test_real_streams(real_streams: Path) -> None:
    responses = answer(
        cassette_from_sse((real_streams / "responses_api_file_search_annotation_stream.sse").read_bytes())
    )
    assert responses.text == "Travis's favorite food is pizza."
    assert [call.name for call in responses.tool_calls] == ["file_search"]
    chat = answer(cassette_from_sse((real_streams / "chat_completions_tool_call_stream.sse").read_bytes()))
    assert chat.tool_calls == (ToolCall("get_weather", '{"city":"San Francisco","state":"CA"}'),)
    assert json.loads(chat.tool_calls[0].arguments)["state"] == "CA"
    assert chat.status == "tool_calls"


def test_exported() -> None:
    assert replayer.answer is answer and isinstance(answer(load(FIXTURES / "chat_text.yaml")), Answer)
