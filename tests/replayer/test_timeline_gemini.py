"""Timeline on Gemini recordings: after every event, the ``GenerateContentResponse`` the SDK's
``generate_content_stream`` yields for it (the chunk, its ``.text`` and ``.function_calls``) and what a
reader has accumulated (text, thoughts, function calls, finish reason, usage, grounding, safety), exactly
as the SDK gives them, on the real streams, the fixtures, Vertex AI and edge cases."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from ssetape.apis.gemini.accumulator import GeminiState
from ssetape.recorder import Cassette, Interaction, cassette_from_sse, load
from ssetape.recorder.cassette import CutOff
from ssetape.replayer import Timeline
from tests.oracle import normalize
from tests.oracle_gemini import GEMINI, VERTEX, GeminiRun, accumulated, chunk_view, gemini_oracle
from tests.oracle_kinds import fixture_streams

REAL = [
    "gemini_thinking_thoughts.sse",
    "gemini_function_call_thought_signature.sse",
    "gemini_parallel_function_calls.sse",
    "gemini_google_search_grounding.sse",
]


def state_view(state: GeminiState) -> dict[str, Any]:
    return {
        "text": state.text,
        "thoughts": state.thoughts,
        "function_calls": normalize(state.function_calls),
        "finish_reason": normalize(state.finish_reason),
        "usage": normalize(state.usage_metadata),
        "grounding": normalize(state.grounding_metadata),
        "safety": normalize(state.safety_ratings),
        "feedback": normalize(state.prompt_feedback),
    }


def oracle_of(item: Interaction, **options: Any) -> GeminiRun:
    from httpx2 import RemoteProtocolError

    recording = item.response.ssetape
    cut = None
    if recording is not None and recording.error is not None:
        cut = RemoteProtocolError(recording.error.message)
    headers = {name: ", ".join(values) for name, values in item.response.headers.items()}
    chunks = [chunk.data for chunk in item.chunks()]
    return gemini_oracle(chunks, uri=item.request.uri, headers=headers, raise_at_end=cut, **options)


def raised(timeline: Timeline) -> str | None:
    stop = timeline.stop
    error = stop.exception if stop is not None else timeline.transport_error
    return f"{type(error).__name__}: {error}" if error is not None else None


def assert_parity(cassette: Cassette, index: int = 0, **options: Any) -> Timeline:
    item = cassette.interactions[index]
    want = oracle_of(item, **options)
    timeline = Timeline(cassette, index, every=3)
    assert timeline.kind == "gemini"
    order = list(range(len(timeline)))
    random.Random(5).shuffle(order)
    for trial in (Timeline(cassette, index, every=4), timeline):  # in order, then at random from checkpoints
        yielded = 0
        seen = []
        for i in range(len(trial)) if trial is not timeline else sorted(order, key=lambda i: order.index(i)):
            callbacks = trial.callbacks(i)
            assert [callback.name for callback in callbacks] in (["chunk"], []), i
            seen.append((i, [chunk_view(callback.event) for callback in callbacks]))
        seen.sort()
        for i, views in seen:
            assert views == want.chunks[yielded : yielded + len(views)], i
            yielded += len(views)
            state = trial.state(i)
            assert isinstance(state, GeminiState)
            assert state.chunks == yielded, i
            assert state_view(state) == accumulated(want.objects[:yielded]), i
        assert yielded == len(want.chunks)
    assert raised(timeline) == want.exception
    return timeline


@pytest.mark.parametrize("uri", [GEMINI, VERTEX], ids=["gemini-api", "vertex"])
@pytest.mark.parametrize("name", REAL)
def test_the_real_streams(real_streams: Path, name: str, uri: str) -> None:
    body = (real_streams / name).read_bytes()
    timeline = assert_parity(cassette_from_sse(body, uri=uri))
    assert timeline.state(-1).finish_reason is not None


def test_what_the_real_streams_add_up_to(real_streams: Path) -> None:
    """Spot checks of the accumulated state, besides parity: thoughts apart from text, calls with ids and
    signatures, grounding sources."""

    def final(name: str) -> GeminiState:
        return Timeline(cassette_from_sse((real_streams / name).read_bytes(), uri=GEMINI)).state(-1)  # type: ignore[no-any-return]

    thinking = final("gemini_thinking_thoughts.sse")
    assert thinking.thoughts.startswith("**Clarifying User Goals**") and "**" not in thinking.text[:20]
    parallel = final("gemini_parallel_function_calls.sse")
    assert [(call.name, call.args, call.id) for call in parallel.function_calls] == [
        ("get_weather", {"location": "Boston"}, "dv8szvqe"),
        ("get_weather", {"location": "New Delhi"}, "j80tal12"),
    ]
    assert [bool(part.thought_signature) for part in parallel.function_call_parts] == [True, False]
    grounding = final("gemini_google_search_grounding.sse").grounding_metadata
    assert grounding is not None and grounding.web_search_queries == ["weather in San Francisco today"]


def test_the_real_streams_through_the_async_client(real_streams: Path) -> None:
    body = (real_streams / "gemini_parallel_function_calls.sse").read_bytes()
    item = cassette_from_sse(body, uri=GEMINI).interactions[0]
    assert oracle_of(item, asynchronous=True).chunks == oracle_of(item).chunks


@pytest.mark.parametrize(("path", "index"), fixture_streams("gemini"), ids=lambda value: getattr(value, "stem", value))
def test_the_fixtures(path: Path, index: int) -> None:
    assert_parity(load(path), index)


def sse(*events: Any, tail: str = "") -> bytes:
    return ("".join(f"data: {json.dumps(event)}\r\n\r\n" for event in events) + tail).encode()


def chunk(text: str | None = None, *, finish: str | None = None, index: Any = 0, **fields: Any) -> dict[str, Any]:
    candidate: dict[str, Any] = {"index": index}
    if text is not None:
        candidate["content"] = {"role": "model", "parts": [{"text": text}]}
    if finish:
        candidate["finishReason"] = finish
    return {"candidates": [candidate], "modelVersion": "gemini-2.5-flash", "responseId": "r1", **fields}


USAGE = {"promptTokenCount": 3, "candidatesTokenCount": 2, "totalTokenCount": 5}
ERROR = {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}

EDGES = {
    "error-event": sse(chunk("Hel"), ERROR, chunk("lo")),
    "error-without-code": sse(chunk("Hel"), {"error": {"message": "no code"}}),
    "error-not-first-key": sse(chunk("Hel"), {"x": 1, "error": {"code": 400}}),
    "not-json": sse(chunk("Hel"), tail="data: {not json\r\n\r\n"),
    "named-event": sse(chunk("Hel"), tail="event: ping\r\ndata: {}\r\n\r\n"),
    # lines google-genai's reader does not take as SSE does: it reads each as raw JSON
    "data-without-space": sse(chunk("Hel"), tail=f"data:{json.dumps(chunk('lo'))}\r\n\r\n"),
    "data-without-space-split": sse(chunk("Hel"), tail='data:{"candidates": \ndata: []}\n\n' + sse(chunk()).decode()),
    "named-after-data": sse(chunk("Hel"), tail=f"data: {json.dumps(chunk('lo'))}\nevent: ping\n\n"),
    "comment": sse(chunk("Hel"), tail=": keep-alive\r\n\r\n" + sse(chunk("lo")).decode()),
    "id-line": sse(chunk("Hel"), tail=f"id: 7\ndata: {json.dumps(chunk('lo'))}\n\n"),
    "byte-order-mark": b"\xef\xbb\xbf" + sse(chunk("Hel"), chunk("lo")),
    "two-data-lines": sse(chunk("Hel"), tail='data: {"candidates":\ndata: []}\n\n'),
    "unknown-fields": sse({**chunk("Hi"), "newField": {"a": 1}}, chunk(finish="STOP", usageMetadata=USAGE)),
    "wrong-type": sse(chunk("Hi"), {"candidates": [{"index": "zero?"}]}),
    "usage-only-after-finish": sse(chunk("Hi", finish="STOP"), {"usageMetadata": USAGE, "responseId": "r1"}),
    "two-candidates": sse(
        {
            "candidates": [
                {"index": 0, "content": {"parts": [{"text": "a"}]}},
                {"index": 1, "content": {"parts": [{"text": "b"}]}},
            ]
        }
    ),
    "blocked-prompt": sse({"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": USAGE}),
    "empty-object": sse(chunk("Hi"), {}),
    # chunks of one shape, the last refused for a value: each checked, not taken for the first one's sake
    "int-field-as-string": sse(*[chunk("Hi", index=str(n)) for n in range(3)], chunk("Hi", index="zero")),
    "unknown-field-varies": sse(*[{**chunk("Hi"), "serviceTier": f"tier{n}"} for n in range(3)]),
    "float-for-int": sse(
        chunk("Hi", usageMetadata=USAGE), chunk("Hi", usageMetadata={**USAGE, "totalTokenCount": 5.5})
    ),
    # a whole body whose last data line lacks its blank line: google-genai's reader yields it at the end
    "last-event-without-blank-line": sse(chunk("Hel"), chunk("lo", finish="STOP", usageMetadata=USAGE))[:-2],
    "last-event-lf-without-blank-line": sse(chunk("Hel")).replace(b"\r", b"")
    + f"data: {json.dumps(chunk('lo'))}\n".encode(),
    "last-event-cr-without-blank-line": sse(chunk("Hel"), tail=f"data: {json.dumps(chunk('lo'))}\r"),
    "only-event-without-blank-line": sse(chunk("Hi", finish="STOP"))[:-2],
    "last-event-two-data-lines-without-blank-line": sse(chunk("Hel"), tail='data: {"candidates":\ndata: []}\n'),
    "last-event-without-space-or-blank-line": sse(chunk("Hel"), tail=f"data:{json.dumps(chunk('lo'))}\n"),
    "last-event-not-json-without-blank-line": sse(chunk("Hel"), tail="data: {not json\r\n"),
    "last-error-without-blank-line": sse(chunk("Hel"), tail=f"data: {json.dumps(ERROR)}\n"),
}


@pytest.mark.parametrize("name", EDGES)
def test_edge_cases(name: str) -> None:
    assert_parity(cassette_from_sse(EDGES[name], uri=GEMINI))


def test_a_value_refused_in_a_shape_taken_before() -> None:
    """Vertex AI's ``createTime`` is a datetime: the fourth chunk, shaped as the first three, is refused."""
    times = ["2025-06-01T10:00:00.000Z", "2025-06-01T10:00:01.500Z", "2025-06-01T10:00:02Z", "yesterday"]
    body = sse(*[chunk("Hi", createTime=at) for at in times])
    timeline = assert_parity(cassette_from_sse(body, uri=VERTEX))
    assert timeline.state(-1).chunks == 3 and raised(timeline) is not None


def test_an_error_event_stops_the_stream_as_the_sdk_does() -> None:
    timeline = assert_parity(cassette_from_sse(EDGES["error-event"], uri=GEMINI))
    assert raised(timeline) is not None and raised(timeline).startswith("ServerError: 503 UNAVAILABLE")  # type: ignore[union-attr]
    assert timeline.callbacks(2) == [] and timeline.state(2).text == "Hel"


def test_a_cut_stream_ends_with_the_transport_error() -> None:
    body = sse(chunk("Hel"), chunk("lo"))
    cassette = cassette_from_sse(body[:-9], uri=GEMINI, chunks=[(0.0, len(body) - 9)])
    recording = cassette.interactions[0].response.ssetape
    assert recording is not None
    cassette.interactions[0].response.ssetape = recording.model_copy(
        update={"complete": False, "error": CutOff(type="RemoteProtocolError", message="peer closed")}
    )
    timeline = assert_parity(cassette)
    assert timeline.state(-1).text == "Hel"


def test_checkpoints_copy_no_text() -> None:
    pieces = [chunk("x" * 1000) for _ in range(200)]
    timeline = Timeline(cassette_from_sse(sse(*pieces), uri=GEMINI), every=1)
    states = [timeline.state(i) for i in range(len(timeline))]
    assert len({id(state._log.texts) for state in states}) == 1  # one list of pieces, shared by every state
    assert states[-1].text == "x" * 200_000 and states[9].text == "x" * 10_000


def test_a_vcrpy_cassette_cut_mid_body_is_a_stream_recorded_as_incomplete(tmp_path: Path) -> None:
    """A vcrpy file keeps no sign of how its body ended: cut inside an event, it is read as cut off there, so
    the SDK meets the transport error at that byte, as a live client does, never the half event as JSON."""
    from tests.dialects import _dump_yaml, _plain, fixture

    data = _plain(fixture("gemini_text"))
    body = data["interactions"][0]["response"]["body"]
    body["string"] = body["string"][: len(body["string"]) // 2]
    cassette = load(_dump_yaml(data, tmp_path / "vcrpy.yaml"))
    assert not cassette.interactions[0].complete
    timeline = assert_parity(cassette)
    assert raised(timeline) is not None and raised(timeline).startswith("RemoteProtocolError")  # type: ignore[union-attr]


def test_an_accumulator_restored_and_fed_other_chunks_leaves_the_states_it_came_from_as_they_were() -> None:
    """States share one log: an accumulator restored from one and fed other chunks copies the log's prefix,
    and both sides stay what the SDK gives for their own chunks."""
    from ssetape.apis.gemini.accumulator import GeminiAccumulator

    first = [chunk("He"), chunk("llo", usageMetadata=USAGE), chunk(" there"), chunk("!", finish="STOP")]
    other = [*first[:2], chunk(" you", finish="MAX_TOKENS", usageMetadata={**USAGE, "totalTokenCount": 9})]
    timeline = Timeline(cassette_from_sse(sse(*first), uri=GEMINI), every=1)
    restored = GeminiAccumulator.restore(timeline.state(1))
    for data in other[2:]:
        assert [callback.name for callback in restored.handle_event(None, json.loads(json.dumps(data)))] == ["chunk"]
    assert state_view(restored.checkpoint()) == accumulated(gemini_oracle([sse(*other)]).objects)
    want = gemini_oracle([sse(*first)]).objects
    for i in range(len(first)):
        assert state_view(timeline.state(i)) == accumulated(want[: i + 1]), i


def calling(*calls: str, signed: bool = False) -> dict[str, Any]:
    """A chunk of one function call per name (the first with a thought signature when ``signed``)."""
    parts: list[dict[str, Any]] = [
        {"functionCall": {"name": name, "args": {"n": n}, "id": f"{name}{n}"}} for n, name in enumerate(calls)
    ]
    if signed:
        parts[0]["thoughtSignature"] = "c2lnbmF0dXJl"
    return {"candidates": [{"index": 0, "content": {"role": "model", "parts": parts}}], "responseId": "r1"}


def test_the_shared_function_call_parts_are_the_sdks_read_once_for_every_state() -> None:
    """What the TUI's panes read: the parts ``function_call_parts`` copies, the same objects at every event
    after the one that made them; the copies stay the user's to change."""
    chunks = [chunk("Hi"), calling("a", signed=True), chunk(" and"), calling("b", "c"), chunk(finish="STOP")]
    timeline = Timeline(cassette_from_sse(sse(*chunks), uri=GEMINI), every=2)
    want = gemini_oracle([sse(*chunks)]).objects
    states: list[GeminiState] = [timeline.state(i) for i in range(len(timeline))]
    for i, state in enumerate(states):
        contents = [response.candidates[0].content for response in want[: i + 1]]  # type: ignore[index]
        made = [part for content in contents if content is not None for part in content.parts or []]
        assert state.shared_function_call_parts == [part for part in made if part.function_call is not None], i
        assert state.function_call_parts == state.shared_function_call_parts, i
    last = states[-1].shared_function_call_parts
    assert [id(part) for part in states[1].shared_function_call_parts] == [id(last[0])]
    assert [id(part) for part in states[3].shared_function_call_parts] == [id(part) for part in last]
    copied = states[-1].function_call_parts[0]
    assert copied is not last[0]
    copied.function_call.args["n"] = 99  # type: ignore[index, union-attr]
    assert states[-1].function_calls[0].args == {"n": 0}


@pytest.mark.parametrize(
    "body",
    [
        sse(chunk("Hel"), chunk("lo", finish="STOP"))[:-4],
        sse(chunk("Hel"), tail='data: {"candidates": [{"content": {"parts": [{"text": "lo"}]}'),
        sse(chunk("Hel"), tail=f"data:{json.dumps(chunk('lo'))}"),
    ],
    ids=["whole-json", "cut-json", "without-space"],
)
def test_a_whole_body_whose_last_line_has_no_line_end(body: bytes) -> None:
    """A body that arrived whole (the recording says so) but ends inside its last line, as a server that sends no
    line end after its last event: google-genai's reader still takes that line, and so does the Timeline."""
    cassette = cassette_from_sse(body, uri=GEMINI, chunks=[(0.0, len(body))])
    assert cassette.interactions[0].complete
    assert_parity(cassette)
