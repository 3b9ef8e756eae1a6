"""Gemini recordings through ``google-genai`` itself: ``replayer.stream`` / ``astream`` give what
``generate_content_stream`` gives, and an unmodified ``genai.Client`` (sync and ``client.aio``) is answered
from the cassette, faults and all."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx2
import pytest
from google.genai import errors, types

from ssetape import replayer
from ssetape.recorder import Cassette, cassette_from_sse
from ssetape.replayer import Fault, ReplayError, UnmatchedRequestError
from tests.oracle_gemini import GEMINI, VERTEX, chunk_view, gemini_oracle

REQUEST = {"contents": [{"parts": [{"text": "What is the weather in Boston and New Delhi?"}], "role": "user"}]}


def recorded(real_streams: Path, name: str = "gemini_parallel_function_calls.sse", uri: str = GEMINI) -> Cassette:
    return cassette_from_sse((real_streams / name).read_bytes(), uri=uri, request_body=json.dumps(REQUEST))


def views(chunks: Any) -> list[dict[str, Any]]:
    return [chunk_view(chunk) for chunk in chunks]


@pytest.mark.parametrize("uri", [GEMINI, VERTEX], ids=["gemini-api", "vertex"])
def test_stream_gives_what_generate_content_stream_gives(real_streams: Path, uri: str) -> None:
    cassette = recorded(real_streams, uri=uri)
    body = cassette.interactions[0].response.body_bytes
    headers = {name: ", ".join(values) for name, values in cassette.interactions[0].response.headers.items()}
    want = gemini_oracle([body], uri=uri, headers=headers)
    got = views(replayer.stream(cassette))
    assert got == want.chunks and len(got) == 3


def test_astream_gives_the_coroutine_of_the_async_client(real_streams: Path) -> None:
    cassette = recorded(real_streams)

    async def read() -> list[dict[str, Any]]:
        return views([chunk async for chunk in await replayer.astream(cassette)])

    assert asyncio.run(read()) == views(replayer.stream(cassette))


def test_config_fills_parsed_as_the_sdk_does(real_streams: Path) -> None:
    answer = {"parts": [{"text": json.dumps({"city": "Paris"})}], "role": "model"}
    body = f"data: {json.dumps({'candidates': [{'content': answer, 'finishReason': 'STOP'}]})}\r\n\r\n".encode()
    cassette = cassette_from_sse(body, uri=GEMINI)
    schema = {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}}
    config = types.GenerateContentConfig(response_mime_type="application/json", response_schema=schema)
    [chunk] = list(replayer.stream(cassette, config=config))
    assert chunk.parsed == {"city": "Paris"}
    with pytest.raises(ReplayError, match="output_format does not apply"):
        replayer.stream(cassette, output_format=dict)


def test_an_unmodified_client_is_answered_from_the_cassette(real_streams: Path) -> None:
    cassette = recorded(real_streams)
    client = replayer.gemini_client(cassette)
    contents = "What is the weather in Boston and New Delhi?"
    chunks = list(client.models.generate_content_stream(model="gemini-2.5-flash", contents=contents))
    assert [call.args for chunk in chunks for call in chunk.function_calls or []] == [
        {"location": "Boston"},
        {"location": "New Delhi"},
    ]
    assert views(chunks) == views(replayer.stream(cassette))
    with pytest.raises(UnmatchedRequestError):
        list(client.models.generate_content_stream(model="gemini-2.5-flash", contents="something else"))


def test_the_async_client_and_vertex_ai(real_streams: Path) -> None:
    cassette = recorded(real_streams, uri=VERTEX)
    client = replayer.gemini_client(cassette)
    contents = "What is the weather in Boston and New Delhi?"

    async def read() -> list[Any]:
        stream = await client.aio.models.generate_content_stream(model="gemini-2.5-flash", contents=contents)
        return [chunk async for chunk in stream]

    chunks = asyncio.run(read())
    assert views(chunks) == views(replayer.stream(cassette))


def test_faults_break_the_stream_as_the_network_would(real_streams: Path) -> None:
    cassette = recorded(real_streams)
    seen = []
    with pytest.raises(httpx2.RemoteProtocolError):
        for chunk in replayer.stream(cassette, faults=Fault.cut_after(0)):
            seen.append(chunk)
    assert len(seen) == 1
    assert len(list(replayer.stream(cassette, faults=Fault.drop(1)))) == 2


def test_a_mid_stream_error_event_raises_the_sdks_error() -> None:
    body = (
        b'data: {"candidates": [{"content": {"parts": [{"text": "Hel"}], "role": "model"}}]}\r\n\r\n'
        b'data: {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}\r\n\r\n'
    )
    seen = []
    with pytest.raises(errors.ServerError, match="503 UNAVAILABLE"):
        for chunk in replayer.stream(cassette_from_sse(body, uri=GEMINI)):
            seen.append(chunk.text)
    assert seen == ["Hel"]


def test_a_whole_body_whose_last_chunk_lacks_its_blank_line() -> None:
    """google-genai's reader yields the data lines left at the end of the body: so do the stream, the events,
    ``validate`` (nothing to report) and ``Timeline``."""
    first, last = (
        {"candidates": [{"content": {"parts": [{"text": text}], "role": "model"}, **extra}]}
        for text, extra in (("Hel", {}), ("lo", {"finishReason": "STOP"}))
    )
    body = f"data: {json.dumps(first)}\r\n\r\ndata: {json.dumps(last)}\r\n".encode()
    cassette = cassette_from_sse(body, uri=GEMINI)
    headers = {name: ", ".join(values) for name, values in cassette.interactions[0].response.headers.items()}
    want = gemini_oracle([body], headers=headers)
    assert len(want.chunks) == 2 and want.exception is None
    assert views(replayer.stream(cassette)) == want.chunks
    assert [event.data for event in replayer.events(cassette.interactions[0])] == [first, last]
    assert replayer.validate(cassette) == []
    timeline = replayer.Timeline(cassette)
    assert len(timeline) == 2 and timeline.state(-1).text == "Hello"  # type: ignore[union-attr]
