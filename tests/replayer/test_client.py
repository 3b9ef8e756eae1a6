"""openai clients on a cassette: async sessions, and cassettes that vcrpy itself recorded."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx2
import openai
import vcr
from openai import AsyncAssistantEventHandler

from ssetape.fixtures.sessions import PROMPT
from ssetape.recorder import load
from ssetape.replayer import UnmatchedRequestError, async_openai_client, openai_client
from ssetape.replayer.client import base_url_of
from tests.conftest import FIXTURES
from tests.oracle import LoggingHandler, normalize, sdk_log


def test_async_client_replays_a_whole_session() -> None:
    async def run() -> tuple[str, str]:
        client = async_openai_client(FIXTURES / "text.yaml")
        thread = await client.beta.threads.create()
        await client.beta.threads.messages.create(thread_id=thread.id, role="user", content=PROMPT)
        async with client.beta.threads.runs.stream(
            thread_id=thread.id, assistant_id="asst_text", event_handler=AsyncAssistantEventHandler()
        ) as stream:
            run = await stream.get_final_run()
            messages = await stream.get_final_messages()
        return run.status, messages[-1].content[0].text.value  # type: ignore[union-attr]

    status, text = asyncio.run(run())
    with openai_client(FIXTURES / "text.yaml") as client:
        thread = client.beta.threads.create()
        client.beta.threads.messages.create(thread_id=thread.id, role="user", content=PROMPT)
        with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id="asst_text") as stream:
            want = stream.get_final_messages()[-1].content[0].text.value  # type: ignore[union-attr]
    assert (status, text) == ("completed", want)


def test_the_client_talks_to_the_recorded_base_url() -> None:
    assert base_url_of(load(FIXTURES / "text.yaml")) == "https://api.openai.com/v1"
    assert str(openai_client(FIXTURES / "text.yaml").base_url) == "https://api.openai.com/v1/"


def test_a_request_the_cassette_does_not_hold_reaches_the_user_as_our_error() -> None:
    client = openai_client(FIXTURES / "text.yaml")
    try:
        client.beta.threads.runs.retrieve(thread_id="thread_nope", run_id="run_nope")
    except UnmatchedRequestError as exc:
        assert "GET /v1/threads/thread_nope/runs/run_nope" in str(exc)
        assert "closest recorded request: #" in str(exc)
        assert "path: recorded" in str(exc)
    else:
        raise AssertionError("an unrecorded request was answered")


def test_a_cassette_recorded_by_vcrpy_itself_replays_with_sdk_parity(real_streams: Path, tmp_path: Path) -> None:
    body = (real_streams / "function_call_requires_action.sse").read_bytes()

    def upstream(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=body)

    path = tmp_path / "by_vcrpy.yaml"
    with vcr.use_cassette(str(path), record_mode="all"):
        live = openai.OpenAI(
            api_key="sk-x",
            base_url="http://live.test/v1",
            http_client=httpx2.Client(transport=httpx2.MockTransport(upstream)),
        )
        with live.beta.threads.runs.stream(thread_id="thread_1", assistant_id="asst_1") as stream:
            stream.until_done()
    assert "ssetape" not in path.read_text()  # a plain vcrpy cassette

    handler = LoggingHandler()
    with openai_client(path).beta.threads.runs.stream(
        thread_id="thread_1", assistant_id="asst_1", event_handler=handler
    ) as stream:
        stream.until_done()
    assert handler.log == sdk_log([body]).log
    assert normalize(stream.get_final_run()) == sdk_log([body]).final_run


def test_an_anthropic_client_raises_the_unmatched_request_as_it_is() -> None:
    """The anthropic SDK wraps what a transport raises in ``APIConnectionError: Connection error.`` unless it is one
    of its own errors: the explanation of what does not match is raised as it is, sync and async, as through
    openai_client."""
    import json

    import anthropic

    from ssetape.replayer import anthropic_client, async_anthropic_client

    path = FIXTURES / "anthropic_text.yaml"
    sent = json.loads(load(path).interactions[0].request.body_bytes)
    sent.pop("stream")
    sent["max_tokens"] = 10

    def check(exc: BaseException) -> None:
        assert isinstance(exc, UnmatchedRequestError) and isinstance(exc, anthropic.AnthropicError)
        assert type(exc).__name__ == "UnmatchedRequestError"
        assert 'ignore_json_paths=["max_tokens"]' in str(exc)

    try:
        with anthropic_client(path).messages.stream(**sent) as stream:
            stream.until_done()
    except Exception as exc:
        check(exc)
    else:
        raise AssertionError("no error")

    async def read() -> None:
        async with async_anthropic_client(path).messages.stream(**sent) as stream:
            await stream.until_done()

    try:
        asyncio.run(read())
    except Exception as exc:
        check(exc)
    else:
        raise AssertionError("no error")
