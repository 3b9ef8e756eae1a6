"""The pytest plugin's Anthropic fixtures, run the way users run them: a test file in a pytester sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssetape.fixtures.emulator import Upstream
from ssetape.recorder import cassette_from_sse, load
from tests.replayer.pytester_runs import run_inprocess

pytest_plugins = ["pytester"]

REAL_STREAM = Path("/work/shared/real-streams/anthropic_plain_text.sse")
REQUEST = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 1024,
    "messages": [{"role": "user", "content": "Two names for a pet pelican, as a list"}],
}
INI = "[pytest]\nfilterwarnings =\n    error\n    ignore::DeprecationWarning\n"

# A user's test module: the same three tests replay a cassette through each way in to the plugin.
REPLAY_TEST = """
import pytest

REQUEST = {request}
TEXT = {text}


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.ssetape("{cassette}")
def test_sync_client(ssetape_anthropic_client):
    with ssetape_anthropic_client.messages.stream(**REQUEST) as stream:
        text = "".join(stream.text_stream)
        message = stream.get_final_message()
    assert text == message.content[0].text
    assert text.startswith(TEXT)
    assert message.stop_reason == "end_turn"


@pytest.mark.anyio
@pytest.mark.ssetape("{cassette}")
async def test_async_client(ssetape_async_anthropic_client):
    async with ssetape_async_anthropic_client.messages.stream(**REQUEST) as stream:
        message = await stream.get_final_message()
    assert message.content[0].text.startswith(TEXT)
    assert message.stop_reason == "end_turn"


@pytest.mark.ssetape("{cassette}")
def test_stream_factory(ssetape_stream):
    from anthropic.lib.streaming import MessageStream

    with ssetape_stream() as stream:
        assert isinstance(stream, MessageStream)
        message = stream.get_final_message()
    assert message.content[0].text.startswith(TEXT)
"""


def replay_test(cassette: str, text: str) -> str:
    return REPLAY_TEST.format(request=repr(REQUEST), text=repr(text), cassette=cassette)


def test_replay_a_real_anthropic_stream(pytester: pytest.Pytester) -> None:
    if not REAL_STREAM.exists():
        pytest.skip(f"{REAL_STREAM} is not here")
    cassette = cassette_from_sse(
        REAL_STREAM.read_bytes(),
        uri="https://api.anthropic.com/v1/messages",
        request_body=json.dumps({**REQUEST, "stream": True}),
    )
    cassette.save(pytester.path / "message.yaml")
    pytester.makeini(INI)
    pytester.makepyfile(test_user=replay_test("message.yaml", "- Captain\n- Scoop"))
    result = run_inprocess(pytester)
    result.assert_outcomes(passed=3)


RECORD_TEST = """
import pytest

REQUEST = {request}
WEATHER = {{
    "name": "get_current_weather",
    "description": "Get the current weather in a given location",
    "input_schema": {{"type": "object", "properties": {{"location": {{"type": "string"}}}}}},
}}


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.ssetape("cassettes/text.yaml")
def test_text(ssetape_anthropic_client):
    with ssetape_anthropic_client.messages.stream(**REQUEST) as stream:
        text = "".join(stream.text_stream)
    assert text.startswith("Server-sent events")
    assert stream.get_final_message().stop_reason == "end_turn"


@pytest.mark.anyio
@pytest.mark.ssetape("cassettes/tool_use.yaml")
async def test_tool_use(ssetape_async_anthropic_client):
    async with ssetape_async_anthropic_client.messages.stream(
        **REQUEST, tools=[WEATHER], metadata={{"user_id": "scenario:tool_use"}}
    ) as stream:
        message = await stream.get_final_message()
    assert message.stop_reason == "tool_use"
    call = message.content[-1]
    assert (call.type, call.name) == ("tool_use", "get_current_weather")
    assert call.input == {{"location": "Lima, Peru", "unit": "celsius"}}
"""


def test_record_then_replay_against_the_emulator(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(test_user=RECORD_TEST.format(request=repr(REQUEST)))
    for name in ("ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with Upstream(pace=0) as upstream:
        # The anthropic SDK's base URL is the host: it adds /v1/messages itself.
        monkeypatch.setenv("ANTHROPIC_BASE_URL", upstream.base_url.removesuffix("/v1"))
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-pytest-record-secret")
        recorded = run_inprocess(pytester, "--ssetape-record")
        requests = list(upstream.requests)
    recorded.assert_outcomes(passed=2)
    assert requests == [("POST", "/v1/messages")] * 2
    for name in ("text", "tool_use"):
        path = pytester.path / "cassettes" / f"{name}.yaml"
        assert "sk-ant-pytest-record-secret" not in path.read_text()
        (interaction,) = load(path).interactions
        assert interaction.request.uri == f"{upstream.base_url}/messages"
        # anthropic 2.x sends the key as a bearer token, 1.x as x-api-key: either is on disk as REDACTED.
        sent = {interaction.request.header(name) for name in ("authorization", "x-api-key")} - {None}
        assert sent == {"REDACTED"}

    # Replayed with neither the upstream nor a key: every answer comes from the cassettes.
    monkeypatch.delenv("ANTHROPIC_BASE_URL")
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    pytester.makepyfile(test_replay=replay_test("cassettes/text.yaml", "Server-sent events"))
    replayed = run_inprocess(pytester)
    replayed.assert_outcomes(passed=5)
