"""replayer.stream on a Responses recording is the SDK's ResponseStream over the recorded bytes: the same
events (each with the snapshot at that moment), the same final response, the same failures."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx2
import pytest
from openai import APIConnectionError, APITimeoutError, AssistantEventHandler
from openai.lib.streaming.responses import AsyncResponseStream, ResponseStream, ResponseStreamManager

from ssetape import replayer
from ssetape.fixtures.emulator.responses import SCENARIOS
from ssetape.fixtures.emulator.texts import ANSWER_TEXT, FUNCTION_CALLS
from ssetape.fixtures.sessions import Weather
from ssetape.recorder import Cassette, cassette_from_sse, load
from ssetape.recorder.sse import decode
from ssetape.replayer import Fault, ReplayError
from tests.oracle_kinds import (
    arguments_of,
    assert_same_as_the_sdk,
    emulated,
    event_entry,
    fixture_streams,
    replayed,
    sdk_stream,
    snapshot_of,
)

REAL = "responses_api_file_search_annotation_stream.sse"
FIXTURES = fixture_streams("responses")
TOOLS = [
    {"type": "function", "name": name, "description": text, "parameters": parameters, "strict": True}
    for name, text, parameters, _ in FUNCTION_CALLS
]


def same_as_the_sdk(cassette: Cassette, index: int = 0, **parse: Any) -> None:
    assert_same_as_the_sdk("responses", cassette, index, **parse)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_emulated_scenario_replays_as_the_sdk_reads_it(scenario: str) -> None:
    same_as_the_sdk(emulated("responses", scenario, tools=TOOLS))


@pytest.mark.parametrize(("path", "index"), FIXTURES, ids=[f"{p.stem}-{i}" for p, i in FIXTURES])
def test_every_responses_fixture_replays_as_the_sdk_reads_it(path: Path, index: int) -> None:
    same_as_the_sdk(load(path), index)


def test_the_real_stream_replays_as_the_sdk_reads_it(real_streams: Path) -> None:
    body = (real_streams / REAL).read_bytes()
    run = replayed("responses", cassette_from_sse(body))  # under the importer's placeholder Assistants path
    assert run.events == sdk_stream("responses", [body]).events
    assert run.final["output"][1]["content"][0]["annotations"][0]["type"] == "file_citation"


def test_it_is_the_sdks_own_stream() -> None:
    cassette = emulated("responses", "text")
    manager = replayer.stream(cassette)
    assert isinstance(manager, ResponseStreamManager)
    with manager as stream:
        assert isinstance(stream, ResponseStream)
        assert stream.until_done() is stream
        assert stream.get_final_response().output_text == ANSWER_TEXT


def test_text_format_parses_as_it_did_when_recorded() -> None:
    cassette = emulated("responses", "json")
    with replayer.stream(cassette, text_format=Weather) as stream:
        done = [event for event in stream if event.type == "response.output_text.done"]
        parsed = stream.get_final_response().output_parsed
    assert isinstance(parsed, Weather) and parsed.city == "Lima"
    assert done[0].parsed == parsed
    same_as_the_sdk(cassette, text_format=Weather)
    with replayer.stream(cassette) as stream:  # the recording holds no class to parse into
        assert stream.get_final_response().output_parsed is None


def test_the_recorded_tools_decide_what_is_parsed_unless_given() -> None:
    cassette = emulated("responses", "function", tools=TOOLS)
    assert arguments_of("responses", cassette.interactions[0].request.body) == {"tools": TOOLS}
    with replayer.stream(cassette) as stream:
        calls = [item for item in stream.get_final_response().output if item.type == "function_call"]
    assert [call.parsed_arguments for call in calls] == [json.loads(args) for *_, args in FUNCTION_CALLS]
    with replayer.stream(cassette, tools=[]) as stream:
        calls = [item for item in stream.get_final_response().output if item.type == "function_call"]
    assert [call.parsed_arguments for call in calls] == [None, None]


def test_astream_yields_what_stream_yields() -> None:
    cassette = emulated("responses", "reasoning")

    async def read() -> list[dict[str, Any]]:
        async with replayer.astream(cassette) as stream:
            assert isinstance(stream, AsyncResponseStream)
            out = [{**event_entry(event), **snapshot_of("responses", stream)} async for event in stream]
            assert (await stream.get_final_response()).status == "completed"
            return out

    assert asyncio.run(read()) == replayed("responses", cassette).events


def test_faults_fail_as_the_network_would() -> None:
    cassette = emulated("responses", "text")
    body = cassette.interactions[0].response.body_bytes
    events = decode(body)
    middle = len(events) // 2

    cut = replayed("responses", cassette, faults=Fault.cut_after(middle))
    assert cut.exception == f"{APIConnectionError.__name__}: Connection error."
    error = httpx2.RemoteProtocolError("cut")
    assert cut.events == sdk_stream("responses", [body[: events[middle].end]], raise_at_end=error).events

    timeout = replayed("responses", cassette, faults=Fault.timeout(middle))
    assert timeout.exception == f"{APITimeoutError.__name__}: Request timed out."
    assert len(timeout.events) == middle

    twice = replayed("responses", cassette, faults=Fault.duplicate(middle))
    doubled = body[: events[middle].end] + body[events[middle].start :]
    assert twice.events == sdk_stream("responses", [doubled]).events
    # the SDK's snapshot took the delta twice; its final response is the server's response.completed
    assert twice.events[-1]["snapshot"]["output"][0]["content"][0]["text"] != ANSWER_TEXT
    assert twice.final["output"][0]["content"][0]["text"] == ANSWER_TEXT


def test_speed_paces_the_recorded_gaps() -> None:
    cassette = emulated("responses", "refusal")
    duration = cassette.interactions[0].chunks()[-1].at
    started = time.perf_counter()
    replayed("responses", cassette, speed=duration / 0.2)
    assert time.perf_counter() - started >= 0.18  # never early; a loaded machine may be late


def test_options_of_another_kind_are_refused() -> None:
    cassette = emulated("responses", "text")
    with pytest.raises(ReplayError, match="is a Responses stream: an event handler only applies to Assistants"):
        replayer.stream(cassette, AssistantEventHandler())
    with pytest.raises(ReplayError, match="response_format does not apply"):
        replayer.stream(cassette, response_format=Weather)
