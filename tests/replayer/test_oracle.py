"""Sanity checks of the SDK oracle (tests/oracle.py) itself."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx2
import pytest

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:  # make ``tests.*`` importable however pytest was started
    sys.path.insert(0, str(_ROOT))

from openai import AssistantEventHandler  # noqa: E402

from tests.conftest import real_stream_names  # noqa: E402
from tests.oracle import CALLBACK_NAMES, LoggingHandler, normalize, sdk_log  # noqa: E402

REAL_STREAMS = _ROOT.parent / "shared" / "real-streams"
ASSISTANT_STREAMS = [REAL_STREAMS / name for name in real_stream_names("assistants")]


def _chunks(data: bytes, size: int = 97) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def test_every_sdk_callback_is_logged() -> None:
    sdk_callbacks = {n for n in vars(AssistantEventHandler) if n.startswith("on_")}
    assert set(CALLBACK_NAMES) == sdk_callbacks
    for name in CALLBACK_NAMES:
        assert getattr(LoggingHandler, name) is not getattr(AssistantEventHandler, name)
    assert {"on_event", "on_end", "on_exception", "on_timeout", "on_image_file_done"} <= set(CALLBACK_NAMES)


def test_normalize_is_a_deep_copy() -> None:
    value = {"a": [1, {"b": (2, 3)}], 4: None}
    out = normalize(value)
    assert out == {"a": [1, {"b": [2, 3]}], "4": None}
    out["a"][1]["b"].append(9)
    assert value["a"][1]["b"] == (2, 3)  # type: ignore[index]
    assert normalize(KeyError("x")) == {"type": "KeyError", "message": "'x'"}


@pytest.mark.skipif(not ASSISTANT_STREAMS, reason="real streams not available")
@pytest.mark.parametrize("path", ASSISTANT_STREAMS, ids=lambda p: p.stem)
def test_real_stream_log_shape(path: Path) -> None:
    run = sdk_log(_chunks(path.read_bytes()))
    assert run.log, "no callbacks at all"
    assert run.log[0]["callback"] == "on_event"
    assert run.log[-1]["callback"] == "on_end"
    names = [e["callback"] for e in run.log]
    assert names.count("on_end") == 1
    for entry in run.log:
        assert set(entry["state"]) == {
            "current_event",
            "current_run",
            "current_message_snapshot",
            "current_run_step_snapshot",
        }
        if entry["callback"] == "on_event":
            assert entry["state"]["current_event"] == entry["args"][0]
    # (the recorded error stream ends without the blank line that would dispatch its `error` event,
    # so the SDK drops that event and ends cleanly: see test_error_event_raises_api_error)
    assert run.exception is None
    assert "on_exception" not in names
    if "requires_action" in path.stem and "stream_1" not in path.stem:
        assert run.final_run["status"] == "requires_action"


@pytest.mark.skipif(not ASSISTANT_STREAMS, reason="real streams not available")
def test_cut_stream_ends_with_exception_then_end() -> None:
    path = next(p for p in ASSISTANT_STREAMS if p.name.startswith("file_search"))
    body = path.read_bytes()
    cut = body[: len(body) // 2]
    run = sdk_log(_chunks(cut), raise_at_end=httpx2.RemoteProtocolError("peer closed connection"))
    names = [e["callback"] for e in run.log]
    assert names[-2:] == ["on_exception", "on_end"]
    assert run.log[-2]["args"] == [{"type": "RemoteProtocolError", "message": "peer closed connection"}]
    assert run.exception == "RemoteProtocolError: peer closed connection"
    # the same body read to a clean EOF: no exception, the half-received event is dropped
    clean = sdk_log(_chunks(cut))
    assert clean.exception is None
    assert [e["callback"] for e in clean.log][:-1] == names[:-2]


@pytest.mark.skipif(not ASSISTANT_STREAMS, reason="real streams not available")
def test_error_event_raises_api_error() -> None:
    path = next(p for p in ASSISTANT_STREAMS if "error" in p.name)
    body = path.read_bytes().rstrip(b"\n") + b"\n\n"
    run = sdk_log(_chunks(body))
    assert run.exception is not None and run.exception.startswith("APIError: The server had an error")
    names = [e["callback"] for e in run.log]
    assert names[-2:] == ["on_exception", "on_end"]
    assert run.log[-2]["args"][0]["type"] == "APIError"
    assert names.count("on_event") == 62  # the error event itself never reaches the handler


def test_timeout_fires_on_timeout_first() -> None:
    run = sdk_log([b"event: thread.created\n"], raise_at_end=httpx2.ReadTimeout("slow"))
    assert [e["callback"] for e in run.log] == ["on_timeout", "on_exception", "on_end"]
    assert run.final_run == "No final run object found"
    assert run.final_messages == "No messages found"
    assert run.final_run_steps == "No run steps found"


def test_text_deltas_and_state_are_captured_at_callback_time() -> None:
    message = {
        "id": "msg_1",
        "object": "thread.message",
        "created_at": 1,
        "thread_id": "thread_x",
        "role": "assistant",
        "content": [],
        "assistant_id": "asst_x",
        "run_id": "run_x",
        "attachments": [],
        "metadata": {},
        "status": "in_progress",
        "incomplete_details": None,
        "completed_at": None,
        "incomplete_at": None,
    }

    def delta(text: str) -> dict[str, object]:
        return {
            "id": "msg_1",
            "object": "thread.message.delta",
            "delta": {"content": [{"index": 0, "type": "text", "text": {"value": text}}]},
        }

    body = (
        f"event: thread.message.created\ndata: {json.dumps(message)}\n\n"
        f"event: thread.message.delta\ndata: {json.dumps(delta('Hel'))}\n\n"
        f"event: thread.message.delta\ndata: {json.dumps(delta('lo'))}\n\n"
        "event: done\ndata: [DONE]\n\n"
    ).encode()
    run = sdk_log(_chunks(body, 13))
    assert run.text_deltas == ["Hel", "lo"]
    snaps = [e["args"][1]["value"] for e in run.log if e["callback"] == "on_text_delta"]
    assert snaps == ["Hel", "Hello"]
    created = next(e for e in run.log if e["callback"] == "on_message_created")
    assert created["args"][0]["content"] == []  # copied before the SDK mutated it in place
    assert run.final_messages[0]["content"][0]["text"]["value"] == "Hello"
    last = run.log[-1]
    assert last["callback"] == "on_end" and last["state"]["current_event"] is None


def test_http_error_status_is_reported() -> None:
    run = sdk_log([b'{"error": {"message": "nope", "type": "invalid_request_error"}}'], status=400)
    assert run.log == []
    assert run.exception is not None and run.exception.startswith("BadRequestError")
