"""replayer.stats: the inspect summary, checked against what the SDK's handler ends up with."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openai import AssistantEventHandler
from openai.types.beta.threads import Message, MessageDelta

from ssetape import replayer
from ssetape.recorder import cassette_from_sse, load
from ssetape.replayer.stream_events import events
from ssetape.replayer.stream_stats import stats
from tests import factories as f
from tests.conftest import FIXTURES
from tests.oracle_kinds import fixture_streams

# The oracle below is the Assistants handler: Assistants fixtures only.
STREAMS = fixture_streams("assistants")


class Messages(AssistantEventHandler):
    """Keeps the SDK's latest snapshot of every message."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: dict[str, Message] = {}

    def on_message_delta(self, delta: MessageDelta, snapshot: Message) -> None:
        self.messages[snapshot.id] = snapshot

    def on_message_done(self, message: Message) -> None:
        self.messages[message.id] = message


def sdk_outcome(path: Path, index: int) -> tuple[str, str | None, dict | None]:
    """The text of every message, the run's status and usage, as the SDK's handler has them at the end."""
    with replayer.stream(path, Messages(), interaction=index) as handler, contextlib.suppress(Exception):
        handler.until_done()
    run = handler.current_run
    texts = ["".join(part.text.value for part in m.content if part.type == "text") for m in handler.messages.values()]
    usage = run.usage.model_dump(exclude_unset=True) if run is not None and run.usage is not None else None
    return "\n\n".join(t for t in texts if t), run.status if run else None, usage


@pytest.mark.parametrize(("path", "index"), STREAMS, ids=[f"{p.stem}-{i}" for p, i in STREAMS])
def test_text_status_and_usage_match_the_sdk(path: Path, index: int) -> None:
    summary = stats(load(path).interactions[index])
    text, status, usage = sdk_outcome(path, index)
    assert summary.text == text
    assert summary.text_length == len(text)
    assert summary.status == status
    assert summary.usage == usage


def test_times_come_from_the_recording() -> None:
    item = load(FIXTURES / "text.yaml").interactions[2]
    summary = stats(item)
    chunks = item.chunks()
    assert summary.response_at == item.response_at
    assert summary.first_byte == chunks[0].at
    assert summary.duration == chunks[-1].at
    assert summary.first_event is not None and summary.first_event >= summary.first_byte
    assert summary.first_text is not None and summary.first_text > summary.first_event
    assert summary.events_per_second == pytest.approx((summary.events - 1) / (chunks[-1].at - summary.first_event))
    assert summary.bytes == len(item.response.body_bytes) and summary.chunks == len(chunks)


def test_tool_calls_are_listed_once_each_in_order() -> None:
    cassette = load(FIXTURES / "function_calling.yaml")
    assert stats(cassette.interactions[0]).tool_calls == ["get_current_weather", "get_rain_probability"]
    assert stats(cassette.interactions[0]).status == "requires_action"
    assert stats(load(FIXTURES / "code_interpreter.yaml").interactions[2]).tool_calls == ["code_interpreter"] * 3
    assert stats(load(FIXTURES / "file_search.yaml").interactions[2]).tool_calls == ["file_search"]


def test_how_a_stream_ended() -> None:
    cut = stats(load(FIXTURES / "connection_cut.yaml").interactions[2])
    assert not cut.complete and cut.cut_off_by is not None and cut.cut_off_by.startswith("RemoteProtocolError: ")
    error = stats(load(FIXTURES / "error_event.yaml").interactions[2])
    assert error.complete and error.error_event is not None and error.error_event.startswith("server_error: ")
    assert stats(load(FIXTURES / "failed.yaml").interactions[2]).status == "failed"


def test_chat_completions_and_responses_streams() -> None:
    chat = [
        (None, {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": "Hel"}}]}),
        (None, {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": "lo"}}]}),
        (
            None,
            {
                "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 3, "completion_tokens": 2},
            },
        ),
        (None, "[DONE]"),
    ]
    summary = stats(cassette_from_sse(f.sse_bytes(chat)).interactions[0])
    assert (summary.text, summary.status, summary.usage) == (
        "Hello",
        "stop",
        {"prompt_tokens": 3, "completion_tokens": 2},
    )
    responses = [
        ("response.output_item.added", {"item": {"id": "fc_1", "type": "function_call", "name": "lookup"}}),
        ("response.output_text.delta", {"item_id": "msg_1", "delta": "Yes"}),
        ("response.completed", {"response": {"status": "completed", "usage": {"input_tokens": 1}}}),
    ]
    summary = stats(cassette_from_sse(f.sse_bytes(responses)).interactions[0])
    assert (summary.text, summary.tool_calls, summary.status) == ("Yes", ["lookup"], "completed")


def test_to_json_is_json() -> None:
    data = stats(load(FIXTURES / "text.yaml").interactions[2]).to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["text_length"] == len(data["text"])


def test_a_plain_body_has_nothing_streamed() -> None:
    summary = stats(load(FIXTURES / "polling.yaml").interactions[0])
    assert (summary.events, summary.text, summary.status, summary.first_event) == (0, "", None, None)


def test_events_already_decoded_give_the_same_summary() -> None:
    item = load(FIXTURES / "code_interpreter.yaml").interactions[2]
    assert stats(item, events(item)) == stats(item)


def test_summaries_and_stats_of_every_api_import_no_sdk(tmp_path: Path) -> None:
    """``ssetape inspect`` reads each API's home (``apis.<kind>.events``), never the SDK's types."""
    code = (
        "import json, sys\n"
        "from ssetape.recorder import load\n"
        "from ssetape.replayer.stream_events import events, summarize\n"
        "from ssetape.replayer.stream_stats import stats\n"
        "for name in ('text', 'chat_tool_call', 'responses_function'):\n"
        f"    for item in load({str(FIXTURES)!r} + '/' + name + '.yaml').interactions:\n"
        "        stats(item)\n"
        "        [summarize(e) for e in events(item)]\n"
        "homes = [m for m in sys.modules if m.startswith('ssetape.apis.') and m.endswith(('.events', '.rules'))]\n"
        "print(json.dumps({'openai': 'openai' in sys.modules, 'homes': sorted(homes)}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "openai": False,
        "homes": ["ssetape.apis.assistants.events", "ssetape.apis.chat.events", "ssetape.apis.responses.events"],
    }
