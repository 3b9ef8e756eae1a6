"""Replaying every dialect: the transport serves each recorded request its own recording, compressed bodies
byte for byte with their ``content-encoding`` (the client decodes them, as it did live), and the real SDKs
(through ``stream``, ``openai_client`` / ``anthropic_client``, ``ReplayServer``) and plain vcrpy read them
as they read the fixture the dialect was written from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import httpx2
import openai
import pytest
import vcr

from ssetape.recorder import load
from ssetape.replayer import ReplayServer, ReplayTransport, Timeline, anthropic_client, openai_client, stream

from ..dialects import COMPRESS, DIALECTS, STREAMS, VCRPY_READS, WITH_REQUEST, fixture, write
from ..oracle import normalize

COMPRESSED = [f"content_{name}" for name in COMPRESS] + ["timed_gzip", "ruby_vcr"]


def _final(manager: Any) -> Any:
    """What the SDK's stream accumulated, whichever stream helper the recording gets."""
    if not hasattr(manager, "__enter__"):  # google-genai's stream is a plain iterator of chunks
        # each chunk carries the response headers, which a dialect may keep differently (content-encoding)
        return [{k: v for k, v in normalize(chunk).items() if k != "sdk_http_response"} for chunk in manager]
    with manager as read:
        if hasattr(read, "until_done"):
            read.until_done()
            yielded = []
        else:
            yielded = [normalize(event) for event in read]
        for name in ("get_final_run", "get_final_response", "get_final_completion", "get_final_message"):
            if hasattr(read, name):
                return normalize(getattr(read, name)())
    return yielded  # a stream with no final object (Gemini's chunks): every chunk it yielded


@pytest.mark.parametrize("stream_name", STREAMS)
@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_sdk_reads_every_dialect_as_the_fixture(dialect: str, stream_name: str, tmp_path: Path) -> None:
    path = write(dialect, stream_name, tmp_path)
    assert _final(stream(path)) == _final(stream(fixture(stream_name)))
    mine, theirs = Timeline(path), Timeline(fixture(stream_name))
    assert mine.kind == theirs.kind and len(mine) == len(theirs)
    assert [c.name for c in mine[-1].callbacks] == [c.name for c in theirs[-1].callbacks]


@pytest.mark.parametrize("dialect", [d for d in WITH_REQUEST if d != "har"])
def test_every_recorded_request_gets_its_own_recording_byte_for_byte(dialect: str, tmp_path: Path) -> None:
    for stream_name in STREAMS:
        cassette = load(write(dialect, stream_name, tmp_path))
        client = httpx2.Client(transport=ReplayTransport(cassette))
        for item in cassette.interactions:
            request = item.request
            headers = {k: v[0] for k, v in request.headers.items() if k.lower() not in ("content-length", "host")}
            with client.stream(request.method, request.uri, content=request.body_bytes, headers=headers) as got:
                assert b"".join(got.iter_raw()) == item.response.body_bytes
                assert got.headers.get("content-encoding") == item.response.header("content-encoding")


@pytest.mark.parametrize("dialect", COMPRESSED)
def test_the_real_sdks_decode_a_compressed_recording_through_their_own_clients(dialect: str, tmp_path: Path) -> None:
    chat = load(write(dialect, "chat_text", tmp_path))
    body = json.loads(chat.interactions[0].request.body_bytes)
    body.pop("stream", None)  # the stream helper sends it
    with openai_client(chat).chat.completions.stream(**body) as read:
        completion = read.get_final_completion()
    with stream(fixture("chat_text")) as expected:
        assert normalize(completion) == normalize(expected.get_final_completion())

    claude = load(write(dialect, "anthropic_text", tmp_path))
    body = json.loads(claude.interactions[0].request.body_bytes)
    body.pop("stream", None)
    with anthropic_client(claude).messages.stream(**body) as read:
        message = read.get_final_message()
    with stream(fixture("anthropic_text")) as expected:
        assert normalize(message) == normalize(expected.get_final_message())


@pytest.mark.parametrize("dialect", ["content_gzip", "content_br", "content_zstd"])
def test_the_replay_server_serves_a_compressed_recording_as_recorded(dialect: str, tmp_path: Path) -> None:
    path = write(dialect, "chat_text", tmp_path)
    item = load(path).interactions[0]
    body = json.loads(item.request.body_bytes)
    with ReplayServer(path, speed=0) as server:
        with httpx2.Client() as raw, raw.stream("POST", server.base_url + "/chat/completions", json=body) as got:
            assert got.headers["content-encoding"] == dialect.removeprefix("content_")
            assert b"".join(got.iter_raw()) == item.response.body_bytes
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-x", max_retries=0)
        with client.chat.completions.stream(**{k: v for k, v in body.items() if k != "stream"}) as read:
            completion = read.get_final_completion()
    with stream(fixture("chat_text")) as expected:
        assert normalize(completion) == normalize(expected.get_final_completion())


@pytest.mark.parametrize("dialect", VCRPY_READS)
def test_plain_vcrpy_replays_the_dialect_byte_for_byte(dialect: str, tmp_path: Path) -> None:
    path = write(dialect, "chat_text", tmp_path)
    item = load(path).interactions[0]
    with vcr.use_cassette(str(path), record_mode="none"), httpx.Client() as client:
        with client.stream("POST", item.request.uri, content=item.request.body_bytes) as got:
            assert b"".join(got.iter_raw()) == item.response.body_bytes
    if dialect == "content_zstd":
        return  # plain httpx decodes zstd only with `zstandard`, which the SDKs' httpx2 does not use
    with vcr.use_cassette(str(path), record_mode="none"), httpx.Client() as client:
        decoded = client.post(item.request.uri, content=item.request.body_bytes).content
    assert decoded == fixture("chat_text").interactions[0].response.body_bytes
