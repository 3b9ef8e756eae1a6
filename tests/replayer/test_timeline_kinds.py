"""Timeline on Responses and Chat Completions recordings: after every event, the events the SDK's stream
yields for it and the SDK's own accumulated snapshot, exactly as the SDK has them at that moment."""

from __future__ import annotations

import json
import operator
import random
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest

from ssetape.fixtures.emulator.chat import SCENARIOS as CHAT_SCENARIOS
from ssetape.fixtures.emulator.responses import SCENARIOS as RESPONSE_SCENARIOS
from ssetape.fixtures.emulator.texts import FUNCTION_CALLS
from ssetape.recorder import Cassette, cassette_from_sse, load
from ssetape.replayer import ChatState, ResponsesState, StreamCallback, Timeline, events
from tests.oracle import normalize
from tests.oracle_kinds import SDKStreamRun, arguments_of, emulated, event_chunks, fixture_streams, sdk_stream

RESPONSE_TOOLS = [
    {"type": "function", "name": name, "description": text, "parameters": parameters, "strict": True}
    for name, text, parameters, _ in FUNCTION_CALLS
]
CHAT_TOOLS = [{"type": "function", "function": tool} for tool in RESPONSE_TOOLS]
for _tool in CHAT_TOOLS:
    _tool["function"] = {key: value for key, value in _tool["function"].items() if key != "type"}

CASES: list[tuple[str, Any]] = (
    [("responses", ("emulated", s)) for s in RESPONSE_SCENARIOS]
    + [("chat", ("emulated", s)) for s in CHAT_SCENARIOS]
    + [("responses", p) for p in fixture_streams("responses")]
    + [("chat", p) for p in fixture_streams("chat")]
)
REAL = [
    ("responses", "responses_api_file_search_annotation_stream.sse"),
    ("chat", "chat_completions_tool_call_stream.sse"),
]


def case_id(case: tuple[str, Any]) -> str:
    kind, where = case
    return f"{kind}-{where[1]}" if where[0] == "emulated" else f"{where[0].stem}-{where[1]}"


def cassette_of(kind: str, where: Any) -> tuple[Cassette, int]:
    if where[0] == "emulated":
        tools = RESPONSE_TOOLS if kind == "responses" else CHAT_TOOLS
        return emulated(kind, where[1], tools=tools), 0  # type: ignore[arg-type]
    return load(where[0]), where[1]


def oracle(kind: str, cassette: Cassette, index: int) -> SDKStreamRun:
    """The SDK reading the body one event per chunk: what it yields for each event, and its state after."""
    item = cassette.interactions[index]
    arguments = arguments_of(kind, item.request.body)  # type: ignore[arg-type]
    return sdk_stream(kind, event_chunks(item.response.body_bytes), arguments=arguments)  # type: ignore[arg-type]


def moment(kind: str, timeline: Timeline, i: int) -> dict[str, Any]:
    """What the timeline has for event ``i``, in the oracle's shape."""
    state = timeline.state(i)
    assert isinstance(state, ResponsesState if kind == "responses" else ChatState)
    out = {
        "events": [{"class": type(cb.args[0]).__name__, "data": normalize(cb.args[0])} for cb in timeline.callbacks(i)],
        "snapshot": normalize(state.current_snapshot),
    }
    if isinstance(state, ResponsesState):
        out["completed"] = normalize(state.completed_response)
    return out


def assert_matches(kind: str, timeline: Timeline, want: SDKStreamRun, order: list[int]) -> None:
    for i in order:
        if i < len(want.steps):
            assert moment(kind, timeline, i) == want.steps[i], i
        else:  # the SDK's stream stopped before this event: nothing more happens
            assert timeline.callbacks(i) == []
            assert moment(kind, timeline, i)["snapshot"] == want.steps[-1]["snapshot"]


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_every_event_yields_what_the_sdk_yields_and_leaves_its_state(case: tuple[str, Any]) -> None:
    kind, where = case
    cassette, index = cassette_of(kind, where)
    want = oracle(kind, cassette, index)
    timeline = Timeline(cassette, index, every=8)
    assert timeline.kind == kind
    assert_matches(kind, timeline, want, list(range(len(timeline))))
    shuffled = list(range(len(timeline)))
    random.Random(7).shuffle(shuffled)
    assert_matches(kind, Timeline(cassette, index, every=5), want, shuffled)  # random access, from checkpoints
    assert timeline.end_callbacks == []
    stop = timeline.stop
    raised = f"{type(stop.exception).__name__}: {stop.exception}" if stop and stop.exception else None
    assert raised == want.exception


@pytest.mark.parametrize(("kind", "name"), REAL)
def test_the_real_streams(real_streams: Path, kind: str, name: str) -> None:
    body = (real_streams / name).read_bytes()
    cassette = cassette_from_sse(body)
    timeline = Timeline(cassette, every=3)
    want = sdk_stream(kind, event_chunks(body))  # type: ignore[arg-type]
    assert timeline.kind == kind
    order = list(range(len(timeline)))
    random.Random(1).shuffle(order)
    assert_matches(kind, timeline, want, order)


def test_iterating_gives_what_indexing_gives() -> None:
    timeline = Timeline(emulated("chat", "tool_call", tools=CHAT_TOOLS), every=4)
    for moment_ in timeline:
        again = timeline[moment_.index]
        assert [cb.name for cb in moment_.callbacks] == [cb.name for cb in again.callbacks]
        assert [normalize(cb.args[0]) for cb in moment_.callbacks] == [normalize(cb.args[0]) for cb in again.callbacks]
        assert normalize(moment_.state.current_snapshot) == normalize(again.state.current_snapshot)  # type: ignore[union-attr]


def test_callbacks_are_the_events_by_name_and_show_the_snapshot_of_their_moment() -> None:
    timeline = Timeline(emulated("chat", "text"), every=64)
    first, last = timeline.callbacks(1), timeline.callbacks(len(timeline) - 3)
    assert all(isinstance(cb, StreamCallback) and cb.args == (cb.event,) for cb in first + last)
    assert [cb.name for cb in first] == ["chunk", "content.delta"]
    chunk = first[0].event
    # the SDK's chunk event points at its live snapshot; here it stays as it was at event 1
    assert chunk.snapshot.choices[0].message.content == first[1].event.snapshot
    assert len(chunk.snapshot.choices[0].message.content) < len(last[0].event.snapshot.choices[0].message.content)


def test_states_are_the_callers_to_keep() -> None:
    timeline = Timeline(emulated("responses", "text"), every=4)
    state = timeline.state(7)
    snapshot = state.current_snapshot  # type: ignore[union-attr]
    assert snapshot is not None
    snapshot.output.clear()
    assert timeline.state(7).current_snapshot.output  # type: ignore[union-attr]
    assert state.current_snapshot.output  # type: ignore[union-attr]


def test_the_final_response_and_completion() -> None:
    responses = Timeline(emulated("responses", "function", tools=RESPONSE_TOOLS))
    final = responses.state(-1).completed_response  # type: ignore[union-attr]
    assert final is not None and [item.parsed_arguments for item in final.output] == [
        json.loads(args) for *_, args in FUNCTION_CALLS
    ]
    assert responses.state(len(responses) - 2).completed_response is None  # type: ignore[union-attr]
    chat = Timeline(emulated("chat", "json"))
    assert chat.state(-1).get_final_completion().choices[0].message.content.startswith('{"city"')  # type: ignore[union-attr]


def sse(*events: tuple[str | None, Any]) -> bytes:
    out = b""
    for name, data in events:
        text = data if isinstance(data, str) else json.dumps(data)
        out += (f"event: {name}\n" if name else "").encode() + f"data: {text}\n\n".encode()
    return out


def chunk(content: str | None = None, *, finish: str | None = None, obj: str = "chat.completion.chunk") -> Any:
    delta = {} if content is None else {"content": content}
    choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
    return {"id": "chatcmpl-1", "object": obj, "created": 1, "model": "m", "choices": [choice]}


EDGES = {
    "chat error payload": (
        "chat",
        sse((None, chunk("Hi")), (None, {"error": {"message": "boom"}}), (None, chunk("x"))),
    ),
    "chat [DONE] mid-stream": ("chat", sse((None, chunk("Hi")), (None, "[DONE]"), (None, chunk(" there")))),
    "chat not JSON": ("chat", sse((None, chunk("Hi")), (None, "{not json"), (None, chunk("!")))),
    "chat content-filter event": (
        "chat",
        sse((None, chunk("Hi")), (None, chunk(obj="")), (None, chunk("!", finish="stop"))),
    ),
    "responses delta first": (
        "responses",
        sse(("response.output_text.delta", {"type": "response.output_text.delta", "delta": "x", "sequence_number": 0})),
    ),
    "responses error event": (
        "responses",
        sse(
            (
                "response.created",
                {"type": "response.created", "sequence_number": 0, "response": {"id": "r", "output": []}},
            ),
            ("error", {"type": "error", "code": "server_error", "message": "boom", "sequence_number": 1}),
        ),
    ),
}


@pytest.mark.parametrize("name", EDGES)
def test_edge_cases_stop_where_the_sdk_stops(name: str) -> None:
    kind, body = EDGES[name]
    timeline = Timeline(
        cassette_from_sse(body, uri=f"https://h/v1/{'responses' if kind == 'responses' else 'chat/completions'}")
    )
    want = sdk_stream(kind, event_chunks(body))  # type: ignore[arg-type]
    if kind == "chat":
        assert_matches(kind, timeline, want, list(range(len(timeline))))
    else:
        for i in range(len(want.steps)):
            got = [{"class": type(cb.args[0]).__name__, "data": normalize(cb.args[0])} for cb in timeline.callbacks(i)]
            assert got == want.steps[i]["events"]
    described = f"{type(timeline.stop.exception).__name__}: {timeline.stop.exception}" if timeline.stop else None
    if timeline.stop is not None and timeline.stop.kind == "done":
        described = None
    assert described == want.exception


def test_a_long_stream_is_indexed_with_random_access() -> None:
    cassette = emulated("chat", "text", metadata={"scenario": "text", "deltas": "2000"})
    timeline = Timeline(cassette)
    want = oracle("chat", cassette, 0)
    picks = random.Random(3).sample(range(len(timeline)), 40)
    assert_matches("chat", timeline, want, picks)


def entry(token: str, logprob: Any = -0.5, top: int = 0, **fields: Any) -> dict[str, Any]:
    """A token's logprob entry as the API sends it, with ``top`` alternatives."""
    others = [{"token": f"{token}{k}", "logprob": -1.0 - k, "bytes": list(f"{token}{k}".encode())} for k in range(top)]
    return {"token": token, "logprob": logprob, "bytes": list(token.encode()), "top_logprobs": others, **fields}


def lp_chunk(delta: dict[str, Any], logprobs: Any, finish: str | None = None, index: int = 0) -> dict[str, Any]:
    choice = {"index": index, "delta": delta, "logprobs": logprobs, "finish_reason": finish}
    return {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [choice]}


EMPTY = {"content": [], "refusal": []}


def logprobs_stream(
    field: str,
    tokens: list[str],
    *,
    first: Any = EMPTY,
    top: int = 2,
    between: dict[int, dict[str, Any]] | None = None,
    **changed: Any,
) -> bytes:
    """A role chunk (its logprobs ``first``), one ``field`` piece per token with its entry (``changed``: the
    logprobs of some chunks, by position; ``between``: other chunks, before the token at their position), a
    finish chunk, ``[DONE]``."""
    opening = {"role": "assistant", "content": "" if field == "content" else None, "refusal": None}
    if field == "refusal":
        opening["refusal"] = ""
    chunks = [lp_chunk(opening, first)]
    for n, token in enumerate(tokens):
        if between and n in between:
            chunks.append(between[n])
        logprobs = {"content": None, "refusal": None}
        logprobs[field] = [entry(token, -0.01 * n, top)]
        chunks.append(lp_chunk({field: token}, changed.get(f"at{n}", logprobs)))
    chunks.append(lp_chunk({}, None, "stop"))
    return sse(*[(None, chunk) for chunk in chunks], (None, "[DONE]"))


WORDS = [" replay", " the", " stream", ",", " byte", " for", " byte", "."] * 5
LOGPROBS = {
    "content": logprobs_stream("content", WORDS),
    "refusal": logprobs_stream("refusal", WORDS),
    "first logprobs null": logprobs_stream("content", WORDS, first=None),
    "no alternatives": logprobs_stream("content", WORDS, top=0),
    "int logprob, no bytes, empty lists": logprobs_stream(
        "content",
        WORDS,
        at3={"content": [{"token": "x", "logprob": -1, "bytes": None, "top_logprobs": []}], "refusal": None},
        at4={"content": [], "refusal": []},
        at5={"content": [entry("a"), entry("b", top=3)], "refusal": None},
    ),
    "an entry the SDK's types refuse": logprobs_stream(
        "content", WORDS, at6={"content": [entry("x", logprob=10**400)], "refusal": None}
    ),
    "an unknown field": logprobs_stream("content", WORDS, at7={"content": [entry("x", rank=1)], "refusal": None}),
    "refusal entries on content": logprobs_stream("content", WORDS, at8={"content": None, "refusal": [entry("r")]}),
    "logprobs not an object": logprobs_stream("content", WORDS, at9=[1]),
    # chunks the SDK reads itself, adding no entries, between runs of entries: they are taken back out
    "other chunks between": logprobs_stream(
        "content",
        WORDS,
        between={
            9: lp_chunk({"content": "!", "role": "assistant"}, None),
            21: lp_chunk({"content": "?", "role": "assistant"}, EMPTY),
            22: lp_chunk({"content": ";", "role": "assistant"}, {"content": [entry("own")], "refusal": None}),
        },
    ),
}


def several_choices(tokens: list[str]) -> bytes:
    """Two choices, their tokens interleaved with their entries, the second's refusal; each finishes."""
    chunks = [lp_chunk({"role": "assistant", "content": ""}, EMPTY, index=i) for i in (0, 1)]
    for n, token in enumerate(tokens):
        chunks.append(lp_chunk({"content": token}, {"content": [entry(token, -0.01 * n)], "refusal": None}))
        refused = {"content": None, "refusal": [entry(token.upper(), -0.02 * n, top=1)]}
        chunks.append(lp_chunk({"refusal": token.upper()}, refused, index=1))
    chunks += [lp_chunk({}, None, "stop", index=i) for i in (0, 1)]
    return sse(*[(None, chunk) for chunk in chunks], (None, "[DONE]"))


def then_a_tool_call(tokens: list[str]) -> bytes:
    """Content with its entries, then a tool call: the SDK reads that chunk itself and yields
    ``logprobs.content.done`` with every entry so far, then the call's arguments without logprobs."""
    body = logprobs_stream("content", tokens).rsplit(b"data: ", 3)[0]
    call = {"index": 0, "id": "call_1", "type": "function", "function": {"name": "f", "arguments": ""}}
    chunks = [lp_chunk({"tool_calls": [call]}, None)]
    chunks += [lp_chunk({"tool_calls": [{"index": 0, "function": {"arguments": a}}]}, None) for a in ('{"a"', ": 1}")]
    chunks.append(lp_chunk({}, None, "tool_calls"))
    return body + sse(*[(None, chunk) for chunk in chunks], (None, "[DONE]"))


#: Entries without ``bytes`` (and alternatives without): the SDK's models do not count it as set.
UNSET = logprobs_stream(
    "content",
    WORDS,
    **{
        f"at{n}": {"content": [{"token": "x", "logprob": -1.0, "top_logprobs": [{"token": "y", "logprob": -2.0}]}]}
        for n in (3, 4, 9, 30)
    },
)

LOGPROBS.update(
    {
        "entries without bytes": UNSET,
        "several choices": several_choices(WORDS),
        "first lists null": logprobs_stream("content", WORDS, first={"content": None, "refusal": None}),
        "some chunks without logprobs": logprobs_stream("content", WORDS, at2=None, at3=None, at11=None),
        "then a tool call": then_a_tool_call(WORDS),
    }
)


@pytest.mark.parametrize("name", LOGPROBS)
def test_logprobs_yield_what_the_sdk_yields_and_leave_its_state(name: str) -> None:
    """Token logprobs of content and refusal: every event yields the SDK's events (``logprobs.content.delta``
    with the snapshot so far, the ``.done`` events) and leaves its snapshot, in order and from checkpoints."""
    body = LOGPROBS[name]
    cassette = cassette_from_sse(body, uri="https://h/v1/chat/completions")
    want = sdk_stream("chat", event_chunks(body))
    timeline = Timeline(cassette, every=6)
    assert_matches("chat", timeline, want, list(range(len(timeline))))
    order = list(range(len(timeline)))
    random.Random(11).shuffle(order)
    assert_matches("chat", Timeline(cassette, every=4), want, order)
    stop = timeline.stop
    assert (f"{type(stop.exception).__name__}: {stop.exception}" if stop and stop.exception else None) == want.exception
    if want.exception is None:  # the SDK read every chunk
        assert len(want.steps) == len(timeline)
        assert normalize(timeline.state(-1).get_final_completion()) == want.final  # type: ignore[union-attr]


def test_logprobs_chunks_take_the_fast_path() -> None:
    """What the SDK would append is kept as pieces, not handed to its state, chunk after chunk."""
    from ssetape.apis.chat.accumulator import ChatAccumulator

    acc = ChatAccumulator()
    for event in events(cassette_from_sse(LOGPROBS["content"]).interactions[0])[: len(WORDS) + 1]:
        acc.names(None, event.data)
    assert len(acc._pending[("logprobs", 0, "content")]) == len(WORDS)
    assert "".join(acc._pending[("content", 0)]) == "".join(WORDS)


def test_logprob_entries_are_shared_and_the_timeline_stays_exact_when_a_snapshot_is_changed() -> None:
    """Moments share their token entries (those indexed before the nearest checkpoint are one object
    whatever the moment), not their lists: emptying or refilling a returned snapshot's or event's lists, or
    changing its message, leaves every later access as the SDK has it."""
    body = LOGPROBS["other chunks between"]
    want = sdk_stream("chat", event_chunks(body))
    timeline = Timeline(cassette_from_sse(body, uri="https://h/v1/chat/completions"), every=4)
    late, early = timeline.state(len(WORDS) - 2).current_snapshot, timeline.state(12).current_snapshot  # type: ignore[union-attr]
    assert late is not None and early is not None
    late_entries, early_entries = late.choices[0].logprobs.content, early.choices[0].logprobs.content
    assert late_entries is not early_entries and len(early_entries) > 8
    assert all(map(operator.is_, early_entries[:8], late_entries))
    event = timeline.callbacks(len(WORDS) - 2)[-1].event
    assert event.type == "logprobs.content.delta" and all(map(operator.is_, early_entries[:8], event.snapshot))
    late_entries.clear()
    early_entries[:] = early_entries[::-1]
    early.choices[0].message.content = "changed"
    event.snapshot.append(event.snapshot[0])  # that event is kept as it is for its moment's next callers
    others = [i for i in [12, len(WORDS) - 1, 13, *range(len(timeline))] if i != len(WORDS) - 2]
    assert_matches("chat", timeline, want, others)
    assert normalize(timeline.state(len(WORDS) - 2).current_snapshot) == want.steps[len(WORDS) - 2]["snapshot"]  # type: ignore[union-attr]


def test_a_length_finish_raises_with_every_entry() -> None:
    """With tools to parse, a ``length`` finish makes the SDK raise ``LengthFinishReasonError`` holding its
    snapshot: the one it raises from has every entry, as the SDK's does, even though the SDK reads that
    chunk with its lists cut short."""
    body = logprobs_stream("content", WORDS).replace(b'"finish_reason": "stop"', b'"finish_reason": "length"')
    request = json.dumps({"model": "m", "messages": [], "stream": True, "tools": CHAT_TOOLS})
    cassette = cassette_from_sse(body, uri="https://h/v1/chat/completions", request_body=request)
    want = oracle("chat", cassette, 0)
    assert want.exception is not None and want.exception.startswith("LengthFinishReasonError")
    timeline = Timeline(cassette, every=4)
    order = list(range(len(timeline)))
    random.Random(5).shuffle(order)
    assert_matches("chat", timeline, want, order)
    stop = timeline.stop
    assert stop is not None and f"{type(stop.exception).__name__}: {stop.exception}" == want.exception
    completion = stop.exception.completion  # type: ignore[union-attr]
    assert [entry.token for entry in completion.choices[0].logprobs.content] == WORDS


def sdk_unset_snapshot(body: bytes) -> Any:
    """The SDK's chat stream read to the end of ``body``: its snapshot, only the fields it counts as set."""
    transport = httpx2.MockTransport(
        lambda request: httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=body)
    )
    client = openai.OpenAI(
        api_key="sk-oracle", base_url="http://oracle.test/v1", http_client=httpx2.Client(transport=transport)
    )
    with client.chat.completions.stream(model="m", messages=[]) as stream:
        for _ in stream:
            pass
        return normalize(stream.current_completion_snapshot, exclude_unset=True)


def test_kept_entries_count_as_set_what_the_sdks_do() -> None:
    """Entries share their set of field names (``model_fields_set``) with the entries that have the same:
    a dump of only the fields set is the SDK's, whatever the moment."""
    pieces = event_chunks(UNSET)
    timeline = Timeline(cassette_from_sse(UNSET, uri="https://h/v1/chat/completions"), every=4)
    for i in (2, 4, 5, 11, 20, len(WORDS) - 1, len(WORDS) + 1):
        got = normalize(timeline.state(i).current_snapshot, exclude_unset=True)  # type: ignore[union-attr]
        assert got == sdk_unset_snapshot(b"".join(pieces[: i + 1])), i
    entries = timeline.state(-1).current_snapshot.choices[0].logprobs.content  # type: ignore[union-attr]
    assert "bytes" not in entries[4].model_fields_set and "bytes" in entries[5].model_fields_set


@pytest.mark.parametrize("name", ["other chunks between", "several choices", "then a tool call"])
def test_iterating_a_logprobs_stream_gives_what_the_sdk_gives(name: str) -> None:
    """``for moment in timeline``: one accumulator read forward, its yielded events frozen as they go."""
    body = LOGPROBS[name]
    want = sdk_stream("chat", event_chunks(body))
    moments = list(Timeline(cassette_from_sse(body, uri="https://h/v1/chat/completions"), every=4))
    assert len(moments) == len(want.steps)
    for moment_, step in zip(moments, want.steps, strict=True):
        events = [{"class": type(cb.args[0]).__name__, "data": normalize(cb.args[0])} for cb in moment_.callbacks]
        assert {"events": events, "snapshot": normalize(moment_.state.current_snapshot)} == step, moment_.index  # type: ignore[union-attr]
