"""Timeline on Anthropic Messages recordings: after every event, the events the SDK's ``MessageStream`` yields
for it and its ``current_message_snapshot``, exactly as the SDK has them at that moment, for the stable and
the beta helper, on the real streams, the fixtures, edge cases and randomly broken streams."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import httpx2
import pydantic
import pytest

from ssetape.apis.anthropic.accumulator import MessageState
from ssetape.recorder import Cassette, cassette_from_sse, load
from ssetape.replayer import Timeline
from tests.conftest import FIXTURES
from tests.oracle import normalize
from tests.oracle_kinds import SDKStreamRun, event_chunks, fixture_streams, oracle_kind, sdk_stream
from tests.replayer.test_timeline_kinds import sse

REAL = [
    "anthropic_plain_text.sse",
    "anthropic_parallel_tool_use.sse",
    "anthropic_thinking_signature_tool_use.sse",
    "anthropic_web_search_citations.sse",
    "anthropic_redacted_thinking.sse",
    "anthropic_max_tokens_truncated_tool_input.sse",
]
MESSAGES = "https://api.anthropic.com/v1/messages"
BETA = MESSAGES + "?beta=true"


def oracle(
    kind: str,
    body: bytes,
    headers: dict[str, str] | None = None,
    response_headers: list[tuple[str, str]] | None = None,
    **arguments: Any,
) -> SDKStreamRun:
    return sdk_stream(
        kind,  # type: ignore[arg-type]
        event_chunks(body),
        headers=headers,
        arguments=arguments,
        response_headers=response_headers,
    )


def moment(timeline: Timeline, i: int) -> dict[str, Any]:
    state = timeline.state(i)
    assert isinstance(state, MessageState)
    return {
        "events": [{"class": type(cb.event).__name__, "data": normalize(cb.event)} for cb in timeline.callbacks(i)],
        "snapshot": normalize(state.current_message_snapshot),
    }


def assert_matches(timeline: Timeline, want: SDKStreamRun, order: list[int]) -> None:
    for i in order:
        if i < len(want.steps):
            assert moment(timeline, i) == want.steps[i], i
        else:  # the SDK's stream stopped before this event
            assert timeline.callbacks(i) == [], i
            assert moment(timeline, i)["snapshot"] == want.steps[-1]["snapshot"], i


def raised(timeline: Timeline) -> str | None:
    stop = timeline.stop
    return f"{type(stop.exception).__name__}: {stop.exception}" if stop and stop.exception else None


def assert_parity(cassette: Cassette, kind: str, index: int = 0, headers: dict[str, str] | None = None) -> Timeline:
    response = cassette.interactions[index].response
    recorded = [(name, value) for name, values in response.headers.items() for value in values]
    want = oracle(kind, response.body_bytes, headers, recorded or None)  # the recorded ones: its request id
    timeline = Timeline(cassette, index, every=4)
    assert timeline.kind == "anthropic"
    assert_matches(timeline, want, list(range(len(timeline))))
    order = list(range(len(timeline)))
    random.Random(3).shuffle(order)
    assert_matches(Timeline(cassette, index, every=3), want, order)  # random access, from checkpoints
    assert raised(timeline) == want.exception
    if want.exception is None and timeline.state(-1).current_message_snapshot is not None:
        assert normalize(timeline.state(-1).get_final_message()) == want.final
    return timeline


@pytest.mark.parametrize("beta", [False, True], ids=["messages", "beta"])
@pytest.mark.parametrize("name", REAL)
def test_the_real_streams(real_streams: Path, name: str, beta: bool) -> None:
    body = (real_streams / name).read_bytes()
    assert_parity(cassette_from_sse(body, uri=BETA if beta else MESSAGES), "anthropic-beta" if beta else "anthropic")


@pytest.mark.parametrize("where", fixture_streams("anthropic"), ids=lambda w: f"{w[0].stem}-{w[1]}")
def test_the_fixtures(where: tuple[Path, int]) -> None:
    cassette = load(where[0])
    assert_parity(cassette, oracle_kind(cassette.interactions[where[1]]), where[1])


def ev(kind: str, **fields: Any) -> tuple[str, dict[str, Any]]:
    return kind, {"type": kind, **fields}


START = ev(
    "message_start",
    message={
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-x",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 5, "output_tokens": 1},
    },
)
TEXT = ev("content_block_start", index=0, content_block={"type": "text", "text": "", "citations": None})
TOOL = ev("content_block_start", index=1, content_block={"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}})
THINK = ev("content_block_start", index=0, content_block={"type": "thinking", "thinking": "", "signature": ""})


def delta(index: Any, **fields: Any) -> tuple[str, dict[str, Any]]:
    return ev("content_block_delta", index=index, delta=fields)


def text(index: Any, piece: Any) -> tuple[str, dict[str, Any]]:
    return delta(index, type="text_delta", text=piece)


def tool_input(index: Any, piece: Any) -> tuple[str, dict[str, Any]]:
    return delta(index, type="input_json_delta", partial_json=piece)


STOP0, STOP1 = ev("content_block_stop", index=0), ev("content_block_stop", index=1)
END = [ev("message_delta", delta={"stop_reason": "end_turn", "stop_sequence": None}, usage={"output_tokens": 9})]
END.append(ev("message_stop"))
CITE = {"type": "char_location", "cited_text": "a", "document_index": 0, "document_title": None}
CITE.update(start_char_index=0, end_char_index=1)

EDGES: dict[str, list[Any]] = {
    "text": [START, TEXT, text(0, "Hel"), text(0, "lo"), STOP0, *END],
    "pings and an unnamed event": [START, ("ping", {"type": "ping"}), TEXT, (None, text(0, "x")[1]), STOP0, *END],
    "an event before message_start": [TEXT, START, TEXT, text(0, "a"), *END],
    "tool input in pieces": [
        START,
        TEXT,
        STOP0,
        TOOL,
        tool_input(1, ""),
        tool_input(1, '{"a": [1, '),
        tool_input(1, '"b"]}'),
        STOP1,
        *END,
    ],
    "bad tool JSON stops the stream": [START, TEXT, TOOL, tool_input(1, '{"a": }'), tool_input(1, "1"), *END],
    "a negative index": [START, TEXT, text(-1, "x"), TOOL, tool_input(-1, '{"k"'), tool_input(-1, ": 1}"), *END],
    "an index out of range": [START, TEXT, text(3, "x"), *END],
    "a string index": [START, TEXT, text("0", "x"), *END],
    "a text delta on a tool block": [START, TEXT, TOOL, text(1, "x"), tool_input(0, "{}"), *END],
    "a non-string text": [START, TEXT, text(0, 5), *END],
    "an unknown delta and event": [START, TEXT, delta(0, type="shiny_delta", x=1), ("shiny", {"type": "shiny"}), *END],
    "citations and a signature": [
        START,
        THINK,
        delta(0, type="thinking_delta", thinking="hm"),
        delta(0, type="signature_delta", signature="s1"),
        ev("content_block_stop", index=0),
        ev("content_block_start", index=1, content_block={"type": "text", "text": ""}),
        text(1, "a"),
        delta(1, type="citations_delta", citation=CITE),
        delta(1, type="citations_delta", citation=CITE),
        ev("content_block_stop", index=1),
        *END,
    ],
    "two message_deltas and usage": [
        START,
        TEXT,
        text(0, "x"),
        ev("message_delta", delta={"stop_reason": None}, usage={"output_tokens": 3, "input_tokens": 7}),
        ev(
            "message_delta",
            delta={"stop_reason": "max_tokens"},
            usage={"output_tokens": 4, "cache_read_input_tokens": 2},
        ),
        ev("message_stop"),
    ],
    "an error event": [
        START,
        TEXT,
        text(0, "Hi"),
        ("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
        text(0, "!"),
    ],
    "an error that is not JSON": [START, TEXT, ("error", "upstream went away")],
    "data that is not JSON": [START, TEXT, ("content_block_delta", "{nope"), text(0, "x")],
    "a JSON array": [START, TEXT, ("content_block_delta", [1, 2]), text(0, "x")],
    "events after message_stop": [START, TEXT, text(0, "a"), STOP0, *END, text(0, "b"), *END],
    "a second message_start": [START, TEXT, text(0, "a"), START, text(0, "b"), *END],
    "a missing delta": [START, TEXT, ev("content_block_delta", index=0), *END],
    "a text block started without text": [
        START,
        ev("content_block_start", index=0, content_block={"type": "text", "text": None}),
        text(0, "x"),
        *END,
    ],
    "a thinking block started without thinking": [
        START,
        ev("content_block_start", index=0, content_block={"type": "thinking", "thinking": None, "signature": ""}),
        delta(0, type="thinking_delta", thinking="hm"),
        *END,
    ],
    "a message without usage": [ev("message_start", message={**START[1]["message"], "usage": None}), TEXT, *END],
    "a block restarted at its index": [START, TEXT, text(0, "a"), TEXT, text(0, "b"), STOP0, text(-1, "c"), *END],
    "a signature and citations by negative index": [
        START,
        THINK,
        delta(-1, type="signature_delta", signature="s1"),
        ev("content_block_start", index=1, content_block={"type": "text", "text": ""}),
        delta(-1, type="citations_delta", citation=CITE),
        text(-1, "a"),
        delta(True, type="citations_delta", citation=CITE),
        *END,
    ],
    "a text block started with a list": [
        START,
        ev("content_block_start", index=0, content_block={"type": "text", "text": ["a"]}),
        text(0, "xy"),
        text(0, "z"),
        *END,
    ],
    "a tool input after its block stopped": [START, TOOL, tool_input(0, '{"a": 1'), STOP1, tool_input(0, "}"), *END],
}


@pytest.mark.parametrize("beta", [False, True], ids=["messages", "beta"])
@pytest.mark.parametrize("name", EDGES)
def test_edge_cases(name: str, beta: bool) -> None:
    cassette = cassette_from_sse(sse(*EDGES[name]), uri=BETA if beta else MESSAGES)
    assert_parity(cassette, "anthropic-beta" if beta else "anthropic")


def test_fine_grained_tool_streaming_parses_trailing_strings_as_the_beta_helper_does() -> None:
    header = {"anthropic-beta": "fine-grained-tool-streaming-2025-05-14"}
    body = sse(START, TEXT, TOOL, tool_input(1, '{"city": "Par'), tool_input(1, 'is"}'), STOP1, *END)
    cassette = cassette_from_sse(body, uri=BETA)
    cassette.interactions[0].request.headers["anthropic-beta"] = [header["anthropic-beta"]]
    timeline = assert_parity(cassette, "anthropic-beta", headers=header)
    assert timeline.state(3).current_message_snapshot.content[1].input == {"city": "Par"}


class Weather(pydantic.BaseModel):
    city: str


def test_output_format_parses_each_text_block_as_it_stops() -> None:
    from ssetape.apis.anthropic.accumulator import MessageAccumulator
    from ssetape.replayer import events

    body = sse(START, TEXT, text(0, '{"city": '), text(0, '"Paris"}'), STOP0, *END)
    want = oracle("anthropic", body, output_format=Weather)
    acc = MessageAccumulator(output_format=Weather)
    for event, step in zip(events(cassette_from_sse(body, uri=MESSAGES).interactions[0]), want.steps, strict=True):
        emitted = acc.handle_event(event.name, event.data)
        assert [{"class": type(cb.event).__name__, "data": normalize(cb.event)} for cb in emitted] == step["events"]
        assert normalize(acc.checkpoint().current_message_snapshot) == step["snapshot"]
    assert acc.checkpoint().get_final_message().content[0].parsed_output == Weather(city="Paris")


def _broken(rng: random.Random, pairs: list[tuple[str | None, Any]]) -> list[tuple[str | None, Any]]:
    """``pairs`` with a few random breakages: events dropped, repeated, swapped, re-indexed, their delta
    retyped or their JSON cut short."""
    out = list(pairs)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(out))
        name, data = out[at]
        choice = rng.randrange(6)
        if choice == 0:
            del out[at]
        elif choice == 1:
            out.insert(at, (name, data))
        elif choice == 2 and at + 1 < len(out):
            out[at], out[at + 1] = out[at + 1], out[at]
        elif isinstance(data, dict) and "index" in data and choice == 3:
            out[at] = (name, {**data, "index": rng.choice([-1, 0, 2, 9])})
        elif isinstance(data, dict) and isinstance(data.get("delta"), dict) and choice == 4:
            kinds = ["text_delta", "input_json_delta", "thinking_delta", "signature_delta", "citations_delta"]
            out[at] = (name, {**data, "delta": {**data["delta"], "type": rng.choice(kinds)}})
        else:
            raw = json.dumps(data)
            out[at] = (name, raw[: rng.randrange(len(raw))])
    if not out:
        out = [START]
    return out


@pytest.mark.parametrize("seed", range(40))
def test_randomly_broken_streams(real_streams: Path, seed: int) -> None:
    rng = random.Random(seed)
    name = REAL[seed % (len(REAL) - 1)]  # the last one ends without a blank line
    cassette = cassette_from_sse((real_streams / name).read_bytes())
    from ssetape.replayer import events

    pairs = [
        (event.name if event.name != "message" else None, event.data) for event in events(cassette.interactions[0])
    ]
    body = sse(*_broken(rng, pairs))
    beta = seed % 2 == 1
    assert_parity(cassette_from_sse(body, uri=BETA if beta else MESSAGES), "anthropic-beta" if beta else "anthropic")


@pytest.mark.parametrize("beta", [False, True], ids=["messages", "beta"])
@pytest.mark.parametrize("name", REAL)
def test_replayer_stream_is_the_sdks_own_message_stream(real_streams: Path, name: str, beta: bool) -> None:
    import anthropic.lib.streaming as streaming

    from ssetape import replayer
    from tests.oracle_kinds import read_stream

    body = (real_streams / name).read_bytes()
    kind = "anthropic-beta" if beta else "anthropic"
    cassette = cassette_from_sse(body, uri=BETA if beta else MESSAGES)
    # A dump that stops inside a line reads as cut off there: the SDK then sees the connection fail at the end.
    recording = cassette.interactions[0].response.ssetape
    cut = httpx2.RemoteProtocolError(recording.error.message) if recording and recording.error else None
    want = sdk_stream(kind, [body], raise_at_end=cut)  # type: ignore[arg-type]
    with replayer.stream(cassette) as stream:
        assert isinstance(stream, streaming.BetaMessageStream if beta else streaming.MessageStream)
        got = read_stream(kind, stream)  # type: ignore[arg-type]
    # (the replay's host is its own, where the SDK's error names the host it was given)
    raised = got.exception and got.exception.replace("replay.ssetape", "oracle.test")
    assert (got.events, raised, got.final) == (want.events, want.exception, want.final)


def test_astream_gives_the_async_message_stream(real_streams: Path) -> None:
    import asyncio

    import anthropic.lib.streaming as streaming

    from ssetape import replayer

    cassette = cassette_from_sse((real_streams / "anthropic_parallel_tool_use.sse").read_bytes(), uri=MESSAGES)

    async def read() -> Any:
        async with replayer.astream(cassette) as stream:
            assert isinstance(stream, streaming.AsyncMessageStream)
            texts = [text async for text in stream.text_stream]
            return texts, await stream.get_final_message()

    texts, final = asyncio.run(read())
    want = Timeline(cassette).state(-1).get_final_message()
    assert "".join(texts) == want.content[0].text
    assert normalize(final) == normalize(want)
    assert [block.name for block in final.content if block.type == "tool_use"] == ["get_weather", "get_time"]


@pytest.mark.parametrize("fixture", ["anthropic_overloaded.yaml"])
def test_the_stop_raises_what_the_sdk_raises_with_the_recorded_response(fixture: str) -> None:
    """The error an ``error`` event raises carries the recorded response: its request id (``request-id``) and the
    request's path, in its attributes and its message, as the SDK's raised over the same recording does."""
    from ssetape import replayer

    path = FIXTURES / fixture
    with pytest.raises(Exception) as caught, replayer.stream(path) as stream:
        stream.until_done()
    want = caught.value
    stop = Timeline(load(path)).stop
    assert stop is not None and stop.exception is not None
    got: Any = stop.exception
    assert getattr(want, "request_id", None) is not None  # (the fixture has one to compare)
    assert (type(got), str(got), got.request_id, got.status_code, got.body) == (
        type(want),
        str(want),
        want.request_id,
        want.status_code,  # type: ignore[attr-defined]
        want.body,  # type: ignore[attr-defined]
    )
