"""``ssetape replay``'s wording of streams the fixtures do not hold: Chat with n > 1 choices, Responses
code-interpreter calls, a reasoning item with no summary. The streams are the fixtures' own, reshaped."""

from __future__ import annotations

import copy
import io
import json
from typing import Any

from ssetape.recorder import cassette_from_sse
from ssetape.replayer import events, stream, transcribe
from tests.conftest import FIXTURES

from ..dialects import fixture


def _sse(pairs: list[tuple[str | None, Any]]) -> bytes:
    out = b""
    for name, data in pairs:
        text = data if isinstance(data, str) else json.dumps(data)
        out += (f"event: {name}\n" if name else "").encode() + f"data: {text}\n\n".encode()
    return out


def _printed(body: bytes, uri: str, request: dict[str, Any]) -> tuple[str, Any]:
    cassette = cassette_from_sse(body, uri=uri, request_body=json.dumps(request))
    out = io.StringIO()
    transcribe(cassette, out=out)
    with stream(cassette) as read:
        read.until_done()
        final = read.get_final_completion() if hasattr(read, "get_final_completion") else read.get_final_response()
    return out.getvalue(), final


def test_chat_choices_print_one_after_the_other_never_interleaved() -> None:
    item = fixture("chat_text").interactions[0]
    pairs: list[tuple[str | None, Any]] = []
    for event in events(item):
        if not isinstance(event.data, dict) or not event.data.get("choices"):
            pairs.append((None, event.data if isinstance(event.data, dict) else event.raw))
            continue
        pairs.append((None, event.data))
        second = copy.deepcopy(event.data)
        for choice in second["choices"]:
            choice["index"] = 1
            if choice["delta"].get("content"):
                choice["delta"]["content"] = choice["delta"]["content"].upper()
        pairs.append((None, second))
    printed, completion = _printed(_sse(pairs), "https://api.openai.com/v1/chat/completions", {"model": "m", "n": 2})
    first, second = (choice.message.content for choice in completion.choices)
    assert first and second and first != second
    assert printed.startswith(f"\nassistant > {first}\n\n[finish_reason stop]\n")
    assert f"\nassistant [choice 1] > {second}\n\n[finish_reason stop]\n" in printed


def test_a_responses_code_interpreter_call_prints_its_code_and_outputs() -> None:
    item = fixture("responses_text").interactions[0]
    found = [event.data for event in events(item)]
    created, completed = found[0], found[-1]
    call = {"id": "ci_1", "type": "code_interpreter_call", "status": "in_progress", "code": "", "container_id": "c_1"}
    done = dict(
        call,
        status="completed",
        code="print(6 * 7)",
        outputs=[
            {"type": "logs", "logs": "42\n"},
            {"type": "image", "url": "https://example.com/plot.png"},
        ],
    )
    completed = copy.deepcopy(completed)
    completed["response"]["output"] = [done]
    pairs: list[tuple[str | None, Any]] = [
        ("response.created", created),
        (
            "response.output_item.added",
            {"type": "response.output_item.added", "output_index": 0, "item": call, "sequence_number": 1},
        ),
    ]
    for number, piece in enumerate(("print(", "6 * 7)")):
        pairs.append(
            (
                "response.code_interpreter_call_code.delta",
                {
                    "type": "response.code_interpreter_call_code.delta",
                    "output_index": 0,
                    "item_id": "ci_1",
                    "delta": piece,
                    "sequence_number": 2 + number,
                },
            )
        )
    pairs += [
        (
            "response.output_item.done",
            {"type": "response.output_item.done", "output_index": 0, "item": done, "sequence_number": 4},
        ),
        ("response.completed", dict(completed, sequence_number=5)),
    ]
    printed, response = _printed(_sse(pairs), "https://api.openai.com/v1/responses", {"model": "m", "input": "x"})
    assert response.output[0].code == "print(6 * 7)"
    assert printed == (
        "\nassistant > code_interpreter_call\nprint(6 * 7)\n[logs]\n42\n[image https://example.com/plot.png]\n"
        "\n\n[response completed]\n"
    )


def test_a_reasoning_item_with_no_summary_prints_no_label() -> None:
    item = fixture("responses_reasoning").interactions[0]
    body = b"".join(
        item.response.body_bytes[e.start : e.end] for e in events(item) if "reasoning_summary" not in e.name
    )
    out = io.StringIO()
    transcribe(cassette_from_sse(body, uri=item.request.uri, request_body=item.request.body_bytes.decode()), out=out)
    assert "reasoning >" not in out.getvalue() and "assistant > " in out.getvalue()
    full = io.StringIO()
    transcribe(FIXTURES / "responses_reasoning.yaml", out=full)
    assert full.getvalue().count("reasoning > ") == 1
