"""replayer.stream on a Chat Completions recording is the SDK's ChatCompletionStream over the recorded bytes:
the same events (content.delta, tool_calls.function.arguments.delta, chunk with its snapshot, ...), the same
final completion, the same failures."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest
from openai import APIConnectionError, AssistantEventHandler, LengthFinishReasonError
from openai.lib.streaming.chat import AsyncChatCompletionStream, ChatCompletionStream, ChatCompletionStreamManager

from ssetape import replayer
from ssetape.fixtures.emulator.chat import SCENARIOS
from ssetape.fixtures.emulator.texts import ANSWER_TEXT, FUNCTION_CALLS, REFUSAL_TEXT
from ssetape.fixtures.regenerate import record
from ssetape.fixtures.sessions import CHAT_ERROR, Weather
from ssetape.recorder import Cassette, cassette_from_sse, load
from ssetape.recorder.sse import decode
from ssetape.replayer import Fault, ReplayError
from tests.oracle_kinds import (
    assert_same_as_the_sdk,
    emulated,
    event_entry,
    fixture_streams,
    replayed,
    sdk_stream,
    snapshot_of,
)

REAL = "chat_completions_tool_call_stream.sse"
FIXTURES = fixture_streams("chat")
TOOLS = [
    {"type": "function", "function": {"name": name, "description": text, "parameters": parameters, "strict": True}}
    for name, text, parameters, _ in FUNCTION_CALLS
]


def same_as_the_sdk(cassette: Cassette, index: int = 0, **parse: Any) -> None:
    assert_same_as_the_sdk("chat", cassette, index, **parse)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_emulated_scenario_replays_as_the_sdk_reads_it(scenario: str) -> None:
    same_as_the_sdk(emulated("chat", scenario, tools=TOOLS, stream_options={"include_usage": True}))


@pytest.mark.parametrize(("path", "index"), FIXTURES, ids=[f"{p.stem}-{i}" for p, i in FIXTURES])
def test_every_chat_fixture_replays_as_the_sdk_reads_it(path: Path, index: int) -> None:
    same_as_the_sdk(load(path), index)


def test_a_recorded_error_chunk_raises_as_it_did(tmp_path: Path) -> None:
    path = record(CHAT_ERROR, tmp_path, pace=0)
    same_as_the_sdk(load(path))
    with pytest.raises(openai.APIError, match="server had an error"), replayer.stream(path) as stream:
        stream.until_done()


def test_the_real_stream_replays_as_the_sdk_reads_it(real_streams: Path) -> None:
    body = (real_streams / REAL).read_bytes()
    run = replayed("chat", cassette_from_sse(body))  # under the importer's placeholder Assistants path
    assert run.events == sdk_stream("chat", [body]).events
    assert [e["class"] for e in run.events].count("FunctionToolCallArgumentsDeltaEvent") == 11
    assert run.final["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "get_weather"


def test_it_is_the_sdks_own_stream() -> None:
    cassette = emulated("chat", "text")
    manager = replayer.stream(cassette)
    assert isinstance(manager, ChatCompletionStreamManager)
    with manager as stream:
        assert isinstance(stream, ChatCompletionStream)
        deltas = [event.delta for event in stream if event.type == "content.delta"]
        assert stream.current_completion_snapshot.choices[0].message.content == ANSWER_TEXT
    assert "".join(deltas) == ANSWER_TEXT
    with replayer.stream(emulated("chat", "refusal")) as stream:
        assert stream.get_final_completion().choices[0].message.refusal == REFUSAL_TEXT


def test_response_format_parses_as_it_did_when_recorded() -> None:
    cassette = emulated("chat", "json")
    with replayer.stream(cassette, response_format=Weather) as stream:
        events = list(stream)
        parsed = stream.get_final_completion().choices[0].message.parsed
    assert isinstance(parsed, Weather) and parsed.country == "Peru"
    partial = [event.parsed for event in events if event.type == "content.delta"]
    assert partial[-1] == parsed.model_dump()  # partial JSON parsing as the deltas arrive
    same_as_the_sdk(cassette, response_format=Weather)


def test_strict_recorded_tools_are_parsed_and_a_length_finish_raises() -> None:
    cassette = emulated("chat", "tool_call", tools=TOOLS)
    with replayer.stream(cassette) as stream:
        events = [event for event in stream if event.type == "tool_calls.function.arguments.done"]
    assert [event.parsed_arguments for event in events] == [json.loads(args) for *_, args in FUNCTION_CALLS]
    with pytest.raises(LengthFinishReasonError), replayer.stream(emulated("chat", "length", tools=TOOLS)) as stream:
        stream.until_done()  # as the SDK does when a tool is parseable
    with replayer.stream(emulated("chat", "length")) as stream:
        stream.until_done()
        with pytest.raises(LengthFinishReasonError):
            stream.get_final_completion()


def test_astream_yields_what_stream_yields() -> None:
    cassette = emulated("chat", "tool_call", tools=TOOLS)

    async def read() -> list[dict[str, Any]]:
        async with replayer.astream(cassette) as stream:
            assert isinstance(stream, AsyncChatCompletionStream)
            return [{**event_entry(event), **snapshot_of("chat", stream)} async for event in stream]

    assert asyncio.run(read()) == replayed("chat", cassette).events


def test_faults_fail_as_the_network_would() -> None:
    cassette = emulated("chat", "text")
    body = cassette.interactions[0].response.body_bytes
    events = decode(body)
    middle = len(events) // 2
    cut = replayed("chat", cassette, faults=Fault.cut_after(middle))
    assert cut.exception == f"{APIConnectionError.__name__}: Connection error."
    error = httpx2.RemoteProtocolError("cut")
    assert cut.events == sdk_stream("chat", [body[: events[middle].end]], raise_at_end=error).events
    dropped = replayed("chat", cassette, faults=Fault.drop(middle))
    assert dropped.events == sdk_stream("chat", [body[: events[middle].start] + body[events[middle].end :]]).events
    assert dropped.final["choices"][0]["message"]["content"] != ANSWER_TEXT


def test_options_of_another_kind_are_refused() -> None:
    cassette = emulated("chat", "text")
    with pytest.raises(ReplayError, match="is a Chat Completions stream: an event handler only applies"):
        replayer.stream(cassette, AssistantEventHandler())
    with pytest.raises(ReplayError, match="text_format does not apply"):
        replayer.stream(cassette, text_format=Weather)
