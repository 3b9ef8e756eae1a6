"""The pure Responses and Chat Completions accumulators against the SDK, where they take events without it:
hand-written edge cases around every check of their fast path, randomly broken streams, and the SDK's
parsing (``text_format``, ``response_format``, strict and loose tools), event by event, walking forward
and in random order from checkpoints."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pydantic
import pytest

from ssetape.apis.chat.accumulator import ChatAccumulator
from ssetape.apis.responses.accumulator import ResponsesAccumulator
from ssetape.recorder import cassette_from_sse
from ssetape.replayer import Timeline, events, kind_of
from ssetape.replayer.timeline import _feed
from tests.conftest import real_stream_names
from tests.oracle import normalize
from tests.oracle_kinds import emulated, event_chunks, sdk_stream
from tests.replayer.test_timeline_kinds import CHAT_TOOLS, RESPONSE_TOOLS, assert_matches, sse

URI = {"responses": "https://api.openai.com/v1/responses", "chat": "https://api.openai.com/v1/chat/completions"}
LOOSE_CHAT_TOOLS = [{**tool, "function": {**tool["function"], "strict": False}} for tool in CHAT_TOOLS]


def assert_parity(kind: str, body: bytes, tools: Any = None, every: int = 3) -> Timeline:
    """The timeline of ``body`` against the SDK reading it one event per chunk, forward and shuffled."""
    request = json.dumps({"model": "gpt-4o", "stream": True, **({"tools": tools} if tools else {})})
    cassette = cassette_from_sse(body, uri=URI[kind], request_body=request)
    want = sdk_stream(kind, event_chunks(body), arguments={"tools": tools} if tools else None)  # type: ignore[arg-type]
    timeline = Timeline(cassette, every=every)
    assert timeline.kind == kind
    assert_matches(kind, timeline, want, list(range(len(timeline))))
    order = list(range(len(timeline)))
    random.Random(len(body)).shuffle(order)
    assert_matches(kind, Timeline(cassette, every=every + 1), want, order)
    stop = timeline.stop
    raised = f"{type(stop.exception).__name__}: {stop.exception}" if stop and stop.exception else None
    assert raised == want.exception
    return timeline


# --- Chat Completions ---------------------------------------------------------------------------------


def cc(delta: Any = None, *, index: int = 0, finish: str | None = None, **fields: Any) -> dict[str, Any]:
    choice = {"index": index, "delta": {} if delta is None else delta, "finish_reason": finish}
    choice["logprobs"] = fields.pop("logprobs", None)
    chunk = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [choice]}
    return {**chunk, **fields}


def text(piece: Any, **fields: Any) -> dict[str, Any]:
    return cc({"content": piece}, **fields)


def call(index: int, piece: Any, **fields: Any) -> dict[str, Any]:
    return cc({"tool_calls": [{"index": index, "function": {"arguments": piece}}]}, **fields)


def opened(index: int, name: str = "get_weather", **fields: Any) -> dict[str, Any]:
    start = {"index": index, "id": f"call_{index}", "type": "function", "function": {"name": name, "arguments": ""}}
    return cc({"tool_calls": [start]}, **fields)


FIRST = cc({"role": "assistant", "content": "", "refusal": None})
LOGPROB = {"content": [{"token": "x", "logprob": -0.1, "bytes": [120], "top_logprobs": []}], "refusal": None}
TOOL = CHAT_TOOLS[0]["function"]["name"]

CHAT_EDGES: dict[str, tuple[list[Any], Any]] = {
    "usage on every chunk": ([FIRST, text("a", usage={"prompt_tokens": 1}), text("b"), text("c")], None),
    "fingerprint changes": (
        [FIRST, text("a", system_fingerprint="fp1"), text("b", system_fingerprint="fp1"), text("c")],
        None,
    ),
    "logprobs": ([FIRST, text("a", logprobs=LOGPROB), text("b"), text("c", logprobs=LOGPROB)], None),
    "content after the finish": ([FIRST, text("a"), cc(finish="stop"), text("b"), text("c")], None),
    "two choices": (
        [
            FIRST,
            cc({"role": "assistant", "content": ""}, index=1),
            text("a"),
            text("b", index=1),
            text("c", index=1),
            text("d"),
            cc(finish="stop"),
            text("e", index=1),
            cc(finish="length", index=1),
        ],
        None,
    ),
    "choice index out of range": ([FIRST, text("a"), text("b", index=3), text("c", index=-1)], None),
    "no content at first": ([cc({"role": "assistant"}), text("a"), text("b"), text(None), text("c")], None),
    "role and content": ([FIRST, cc({"role": "assistant", "content": "a"}), text("b")], None),
    "content not a string": ([FIRST, text("a"), text(7), text("b")], None),
    "refusal": (
        [cc({"role": "assistant", "refusal": ""}), cc({"refusal": "no"}), cc({"refusal": "pe"}), text("x")],
        None,
    ),
    "tools interleaved": (
        [
            FIRST,
            opened(0, TOOL),
            call(0, '{"ci'),
            call(0, 'ty": '),
            opened(1, TOOL),
            call(1, "{}"),
            call(0, '"P"}'),
            call(1, ""),
            cc(finish="tool_calls"),
        ],
        LOOSE_CHAT_TOOLS,
    ),
    "strict tool arguments parsed at every chunk": (
        [FIRST, opened(0, TOOL), call(0, '{"ci'), call(0, 'ty": "P'), call(0, 'aris"}'), cc(finish="tool_calls")],
        CHAT_TOOLS,
    ),
    "strict tool arguments that are not JSON": (
        [FIRST, opened(0, TOOL), call(0, '{"ci'), call(0, "}}}"), call(0, "x"), cc(finish="tool_calls")],
        CHAT_TOOLS,
    ),
    "loose tool arguments that are not JSON": (
        [FIRST, opened(0, TOOL), call(0, '{"ci'), call(0, "}}}"), cc(finish="tool_calls")],
        LOOSE_CHAT_TOOLS,
    ),
    "tool index out of range": ([FIRST, opened(0), call(0, "{"), call(2, "x"), call(0, "}")], None),
    "tool arguments not a string": ([FIRST, opened(0), call(0, "{"), call(0, 5), call(0, "}")], None),
    "length with a parseable tool": (
        [FIRST, opened(0, TOOL), call(0, '{"a'), cc(finish="length"), call(0, "x")],
        CHAT_TOOLS,
    ),
    "an empty choices chunk between": ([FIRST, text("a"), {**cc(), "choices": []}, text("b"), cc(finish="stop")], None),
    "a content-filter event between": ([FIRST, text("a"), {**text("z"), "object": ""}, text("b")], None),
    "an error payload after deltas": ([FIRST, text("a"), text("b"), {"error": {"message": "boom"}}, text("c")], None),
    "a moderation chunk": ([FIRST, text("a"), text("b", moderation={"flagged": False}), text("c")], None),
}


@pytest.mark.parametrize("name", CHAT_EDGES)
def test_chat_edge_cases(name: str) -> None:
    chunks, tools = CHAT_EDGES[name]
    assert_parity("chat", sse(*[(None, chunk) for chunk in chunks]), tools)


# --- Responses ----------------------------------------------------------------------------------------


def ev(kind: str, sequence: list[int], **fields: Any) -> tuple[str, dict[str, Any]]:
    sequence[0] += 1
    return kind, {"type": kind, "sequence_number": sequence[0], **fields}


def responses_body(*steps: tuple[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    sequence = [-1]
    response = {"id": "resp_1", "object": "response", "status": "in_progress", "output": [], "model": "m"}
    message = {"id": "msg_1", "type": "message", "role": "assistant", "status": "in_progress", "content": []}
    function = {"id": "fc_1", "type": "function_call", "call_id": "call_1", "name": TOOL, "arguments": ""}
    part = {"type": "output_text", "text": "", "annotations": []}
    made = {
        "created": lambda **f: ev("response.created", sequence, response=response),
        "message": lambda at=0, **f: ev("response.output_item.added", sequence, output_index=at, item=message),
        "function": lambda at=1, **f: ev(
            "response.output_item.added", sequence, output_index=at, item={**function, "id": f"fc_{at}"}
        ),
        "part": lambda at=0, part_at=0, **f: ev(
            "response.content_part.added", sequence, output_index=at, content_index=part_at, item_id="msg_1", part=part
        ),
        "text": lambda piece="a", at=0, part_at=0, **f: ev(
            "response.output_text.delta",
            sequence,
            output_index=at,
            content_index=part_at,
            item_id="msg_1",
            delta=piece,
            logprobs=[],
            **f,
        ),
        "arguments": lambda piece="{}", at=1, **f: ev(
            "response.function_call_arguments.delta", sequence, output_index=at, item_id="fc_1", delta=piece, **f
        ),
        "refusal": lambda **f: ev(
            "response.refusal.delta", sequence, output_index=0, content_index=0, item_id="msg_1", delta="no"
        ),
        "completed": lambda **f: ev(
            "response.completed", sequence, response={**response, "status": "completed", "output": [message]}
        ),
    }
    return [made[name](**fields) for name, fields in steps]


def r(name: str, **fields: Any) -> tuple[str, dict[str, Any]]:
    return name, fields


OPEN = [r("created"), r("message"), r("part")]
RESPONSES_EDGES: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "text": [*OPEN, r("text", piece="a"), r("text", piece="b"), r("completed")],
    "no such output": [*OPEN, r("text"), r("text", at=4), r("text")],
    "part out of range": [*OPEN, r("text"), r("text", part_at=2), r("text")],
    "negative part": [*OPEN, r("text"), r("text", part_at=-1), r("text")],
    "text into a function call": [*OPEN, r("function"), r("text", at=1)],
    "arguments into a message": [*OPEN, r("function"), r("arguments", at=0)],
    "delta not a string": [*OPEN, r("text"), r("text", piece=3), r("text")],
    "output index a bool": [*OPEN, r("text"), r("text", at=True), r("text")],
    "an error key": [*OPEN, r("text"), r("text", error={"message": "boom"}), r("text")],
    "interleaved outputs": [
        *OPEN, r("function"), r("text", piece="x"), r("arguments", piece='{"a"'), r("text", piece="y"),
        r("arguments", piece=": 1}"), r("refusal"), r("text", piece="z"), r("completed"),
    ],
    "deltas after completed": [*OPEN, r("text"), r("completed"), r("text"), r("text")],
    "a second part": [*OPEN, r("text"), r("part", part_at=1), r("text", part_at=1), r("text", part_at=0)],
}  # fmt: skip


@pytest.mark.parametrize("name", RESPONSES_EDGES)
def test_responses_edge_cases(name: str) -> None:
    assert_parity("responses", sse(*responses_body(*RESPONSES_EDGES[name])), RESPONSE_TOOLS)


# --- Every real stream, and randomly broken ones ------------------------------------------------------


@pytest.mark.parametrize("name", real_stream_names("responses", "chat"))
def test_every_real_stream(real_streams: Path, name: str) -> None:
    body = (real_streams / name).read_bytes()
    assert_parity(kind_of(cassette_from_sse(body).interactions[0]), body)


def broken(rng: random.Random, pairs: list[tuple[str | None, Any]]) -> list[tuple[str | None, Any]]:
    """``pairs`` with a few random breakages: events dropped, repeated, swapped, re-indexed, a piece
    retyped, or their JSON cut short."""
    out = list(pairs)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(out))
        name, data = out[at]
        choice = rng.randrange(6)
        if choice == 0 and len(out) > 1:
            del out[at]
        elif choice == 1:
            out.insert(at, (name, data))
        elif choice == 2 and at + 1 < len(out):
            out[at], out[at + 1] = out[at + 1], out[at]
        elif choice == 3 and isinstance(data, dict):
            out[at] = (name, _reindexed(rng, data))
        elif choice == 4 and isinstance(data, dict) and "delta" in data:
            out[at] = (name, {**data, "delta": rng.choice([None, 1, {"content": "x"}, ""])})
        else:
            raw = json.dumps(data)
            out[at] = (name, raw[: rng.randrange(len(raw))])
    return out


def _reindexed(rng: random.Random, data: dict[str, Any]) -> dict[str, Any]:
    pick = rng.choice([-1, 0, 1, 2, 9])
    if "output_index" in data:
        return {**data, rng.choice(["output_index", "content_index"]): pick}
    choices = data.get("choices")
    if isinstance(choices, list) and choices and isinstance(choices[0], dict):
        choice = {**choices[0], "index": pick}
        calls = choice.get("delta", {}).get("tool_calls") if isinstance(choice.get("delta"), dict) else None
        if calls and rng.random() < 0.5:
            choice = {**choices[0], "delta": {**choice["delta"], "tool_calls": [{**calls[0], "index": pick}]}}
        return {**data, "choices": [choice]}
    return data


BROKEN_SOURCES = [("responses", s) for s in ("text", "function", "reasoning", "refusal")] + [
    ("chat", s) for s in ("text", "tool_call", "refusal", "length")
]


@pytest.mark.parametrize("seed", range(40))
def test_randomly_broken_streams(seed: int) -> None:
    rng = random.Random(seed)
    kind, scenario = BROKEN_SOURCES[seed % len(BROKEN_SOURCES)]
    tools = RESPONSE_TOOLS if kind == "responses" else rng.choice([CHAT_TOOLS, LOOSE_CHAT_TOOLS])
    cassette = emulated(kind, scenario, seed=seed, tools=tools)  # type: ignore[arg-type]
    pairs = [(e.name if e.name != "message" else None, e.data) for e in events(cassette.interactions[0])]
    assert_parity(kind, sse(*broken(rng, pairs)), tools)


# --- The SDK's parsing with model classes (which a recording cannot name) -------------------------------


class Weather(pydantic.BaseModel):
    city: str


@pytest.mark.parametrize("kind", ["responses", "chat"])
def test_parsing_into_a_model_class(kind: str) -> None:
    if kind == "chat":
        body = sse(*[(None, c) for c in [FIRST, text('{"ci'), text('ty": "Pa'), text('ris"}'), cc(finish="stop")]])
        arguments: dict[str, Any] = {"response_format": Weather}
        acc: Any = ChatAccumulator(response_format=Weather)
    else:
        pieces = [r("text", piece=p) for p in ('{"ci', 'ty": "Pa', 'ris"}')]
        body = sse(*responses_body(*OPEN, *pieces, r("completed")))
        arguments = {"text_format": Weather}
        acc = ResponsesAccumulator(text_format=Weather)
    want = sdk_stream(kind, event_chunks(body), arguments=arguments)  # type: ignore[arg-type]
    decoded = events(cassette_from_sse(body, uri=URI[kind]).interactions[0])
    checkpoints = []
    for event, step in zip(decoded, want.steps, strict=False):
        checkpoints.append(acc.checkpoint())
        emitted = _feed(acc, event)
        assert [{"class": type(cb.event).__name__, "data": normalize(cb.event)} for cb in emitted] == step["events"]
        assert normalize(acc.checkpoint().current_snapshot) == step["snapshot"]
    for at, checkpoint in enumerate(checkpoints):  # resumed from any checkpoint, the same again
        again = type(acc).restore(checkpoint)
        for event, step in zip(decoded[at:], want.steps[at:], strict=False):
            _feed(again, event)
            assert normalize(again.checkpoint().current_snapshot) == step["snapshot"]
