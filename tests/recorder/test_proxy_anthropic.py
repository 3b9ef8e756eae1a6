"""The recording proxy, a real process on loopback, between the real ``anthropic`` SDK and the emulated
Messages API: keys redacted, an ``error`` event or ``message_stop`` ending a stream, ``--out DIR/`` naming
each message's cassette after its id, and every cassette replaying through ``anthropic_client``."""

from __future__ import annotations

from pathlib import Path

import anthropic
import pytest

from ssetape import replayer
from ssetape.fixtures.emulator import Upstream
from ssetape.recorder import load
from tests.recorder.test_proxy_e2e import proxy_process

KEY = "sk-ant-api03-secret-key-never-on-disk"
ASK = [{"role": "user", "content": "What's the weather in Paris?"}]
TOOLS = [{"name": "get_current_weather", "description": "The weather", "input_schema": {"type": "object"}}]


def ask(client: anthropic.Anthropic, scenario: str, **options: object) -> anthropic.types.Message:
    metadata = {"user_id": f"scenario:{scenario}"}
    with client.messages.stream(
        model="claude-sonnet-4-5",
        max_tokens=1024,
        messages=ASK,
        metadata=metadata,
        **options,  # type: ignore[arg-type]
    ) as stream:
        return stream.get_final_message()


def test_messages_recorded_one_cassette_each_named_after_the_message(tmp_path: Path) -> None:
    out = tmp_path / "messages"
    with Upstream(pace=0) as upstream:
        with proxy_process(tmp_path, upstream.base_url, f"{out}/") as proxy:
            client = anthropic.Anthropic(
                api_key=KEY, base_url=proxy.url, max_retries=0, default_headers={"x-api-key": KEY}
            )
            text = ask(client, "text")
            tool = ask(client, "tool_use", tools=TOOLS)
            with pytest.raises(anthropic.APIStatusError, match="overloaded_error"):
                ask(client, "overloaded")
            assert proxy.stop() == 0
    files = sorted(out.glob("*.yaml"))
    for path in files:
        assert KEY not in path.read_text(), path
    named = {message.id: next(f for f in files if message.id in f.name) for message in (text, tool)}
    asked = [("text", {}), ("tool_use", {"tools": TOOLS})]
    for message, path, (scenario, options) in zip((text, tool), named.values(), asked, strict=True):
        cassette = load(path)
        (item,) = cassette.interactions
        assert item.complete and replayer.kind_of(item) == "anthropic"
        headers = {name.lower(): values for name, values in item.request.headers.items()}
        assert headers["x-api-key"] == ["REDACTED"]
        replayed = ask(replayer.anthropic_client(path), scenario, **options)
        assert replayed.model_dump() == message.model_dump()
    overloaded = [f for f in files if f not in named.values()]
    (item,) = [i for f in overloaded for i in load(f).interactions]
    assert item.complete, "an error event is the stream's last: the recording is whole"
    assert replayer.stats(item).error_event is not None
