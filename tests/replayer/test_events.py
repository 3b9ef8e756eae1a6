"""replayer.events: every event with its arrival time and byte range; one-line summaries."""

from __future__ import annotations

import ast
import inspect
import itertools
import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssetape.apis import REGISTRY, Api, api
from ssetape.apis.contract import Events, Rules
from ssetape.recorder import Interaction, cassette_from_sse, load
from ssetape.recorder.sse import decode
from ssetape.replayer.stream_events import StreamEvent, events, follow, summarize, text_of, unterminated
from tests import factories as f
from tests.conftest import FIXTURES, REAL_STREAMS, ROOT

FIXTURE_PATHS = sorted(FIXTURES.glob("*.yaml"))
REAL_NAMES = sorted(p.name for p in REAL_STREAMS.glob("*.sse"))


def streamed(body: bytes, chunks: list[tuple[float, int]] | None = None) -> Interaction:
    return cassette_from_sse(body, chunks=chunks).interactions[0]


def event(name: str | None, data: Any) -> StreamEvent:
    """The single event ``(name, data)`` as ``events`` reads it."""
    (only,) = events(streamed(f.sse_bytes([(name, data)])))
    return only


def test_an_event_is_timed_by_the_chunk_that_completes_it() -> None:
    body = f.sse_bytes([f.run_event("created"), f.message_delta("msg_1", f.text_delta(0, "Hi")), f.DONE])
    first_end = body.index(b"\n\n") + 2
    # Chunk 0 ends inside event 0's blank line; chunk 1 completes it and half of event 1; chunk 2 the rest.
    sizes = [first_end - 1, 40, len(body) - first_end + 1 - 40]
    item = streamed(body, [(0.5, sizes[0]), (0.75, sizes[1]), (2.0, sizes[2])])
    item.response.ssetape.response_at = 0.25  # type: ignore[union-attr]
    found = events(item)
    assert [e.name for e in found] == ["thread.run.created", "thread.message.delta", "done"]
    assert [e.chunk for e in found] == [1, 2, 2]
    assert [e.at for e in found] == [0.75, 2.0, 2.0]
    assert [e.gap for e in found] == [0.5, 1.25, 0.0]  # the first gap counts from the response headers
    assert found[0].start == 0 and found[0].end == first_end and found[1].start == first_end
    assert found[1].data["delta"]["content"][0]["text"]["value"] == "Hi"
    assert found[2].data == found[2].raw == "[DONE]"


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=[p.stem for p in FIXTURE_PATHS])
def test_events_of_every_fixture_cover_the_body_in_order(path: Path) -> None:
    cassette = load(path)
    for item in cassette.interactions:
        found = events(item)
        if not item.streamed:
            assert found == []
            continue
        body = item.response.body_bytes
        assert [(e.name, e.raw) for e in found] == [(e.event, e.data) for e in decode(body)]
        assert [e.index for e in found] == list(range(len(found)))
        assert all(a.at <= b.at for a, b in itertools.pairwise(found))
        assert sum(e.gap for e in found) == pytest.approx(found[-1].at - item.response_at)
        for e in found:
            assert decode(body[e.start : e.end])[0].data == e.raw
        assert (unterminated(item) != b"") == (not item.complete)


def test_a_stream_cut_mid_event_keeps_the_partial_bytes_aside() -> None:
    body = f.sse_bytes([f.run_event("created")]) + b'event: thread.run.queued\ndata: {"id'
    item = streamed(body)
    assert [e.name for e in events(item)] == ["thread.run.created"]
    assert unterminated(item) == b'event: thread.run.queued\ndata: {"id'


def _openai_reads(chunks: list[bytes]) -> list[str]:
    from openai._streaming import SSEDecoder

    return [sse.data for sse in SSEDecoder().iter_bytes(iter(chunks)) if sse.data]


def _anthropic_reads(chunks: list[bytes]) -> list[str]:
    from anthropic._streaming import SSEDecoder

    return [sse.data for sse in SSEDecoder().iter_bytes(iter(chunks)) if sse.data]


def _genai_reads(chunks: list[bytes]) -> list[str]:
    import httpx2
    from google.genai import _api_client

    return list(_api_client.HttpResponse({}, httpx2.Response(200, content=iter(chunks)))._iter_response_stream())


#: Each API's path, and its SDK's own reader of a body: the data of every event it takes.
SDK_READERS = {
    "chat": ("https://api.openai.com/v1/chat/completions", _openai_reads),
    "anthropic": ("https://api.anthropic.com/v1/messages", _anthropic_reads),
    "gemini": (
        "https://generativelanguage.googleapis.com/v1beta/models/m:streamGenerateContent?alt=sse",
        _genai_reads,
    ),
}
WHOLE_ENDINGS = {
    "lf": b'data: {"n": 0}\n\ndata: {"n": 1}\n',
    "crlf": b'data: {"n": 0}\r\n\r\ndata: {"n": 1}\r\n',
    "cr": b'data: {"n": 0}\r\rdata: {"n": 1}\r',
    "two-data-lines": b'data: {"n": 0}\n\ndata: {"n":\ndata: 1}\n',
    # a last line with no line end either: google-genai's reader reads lines, the last one whatever follows it
    "no-line-end": b'data: {"n": 0}\n\ndata: {"n": 1}',
}


@pytest.mark.parametrize("size", [None, 1, 7], ids=["whole", "bytes", "sevens"])
@pytest.mark.parametrize("ending", WHOLE_ENDINGS)
@pytest.mark.parametrize("kind", SDK_READERS)
def test_a_whole_last_line_without_its_blank_line_is_an_event_where_the_sdk_reads_one(
    kind: str, ending: str, size: int | None
) -> None:
    """A complete body whose last event lacks its blank line: google-genai's reader takes it at the end
    of the body, the OpenAI and Anthropic SDKs' decoders drop it; each API's events are what its SDK reads,
    however the body arrived in chunks, and what a reader drops stays aside as unterminated."""
    uri, reads = SDK_READERS[kind]
    body = WHOLE_ENDINGS[ending]
    sizes = [len(body)] if size is None else [min(size, len(body) - at) for at in range(0, len(body), size)]
    chunks = list(itertools.accumulate(sizes, initial=0))
    pieces = [body[a:b] for a, b in itertools.pairwise(chunks)]
    item = cassette_from_sse(body, uri=uri, chunks=[(0.1 * n, s) for n, s in enumerate(sizes)]).interactions[0]
    found = events(item)
    want = reads(pieces)
    assert [e.raw for e in found] == want and len(want) in (1, 2)
    assert (unterminated(item) == b"") == (len(want) == 2)
    if len(want) == 2:  # the last event ends where the body does, completed by the last chunk
        assert (found[-1].end, found[-1].chunk, found[-1].at) == (len(body), len(pieces) - 1, 0.1 * (len(pieces) - 1))


def test_a_recording_cut_after_a_whole_line_has_no_event_for_it() -> None:
    """The connection failed after the line: the SDK meets the transport error before the end of the body."""
    uri, _ = SDK_READERS["gemini"]
    body = b'data: {"n": 0}\n\ndata: {"n": 1}\n'
    cassette = cassette_from_sse(body, uri=uri, chunks=[(0.0, len(body))])
    recording = cassette.interactions[0].response.ssetape
    assert recording is not None
    recording.complete = False
    assert [e.raw for e in events(cassette.interactions[0])] == ['{"n": 0}']
    assert unterminated(cassette.interactions[0]) == b'data: {"n": 1}\n'


def test_a_plain_json_response_has_no_events() -> None:
    polling = load(FIXTURES / "polling.yaml")
    assert all(events(item) == [] and unterminated(item) == b"" for item in polling.interactions)


def test_follow_yields_each_event_no_earlier_than_recorded() -> None:
    body = f.sse_bytes([f.run_event("created"), f.DONE])
    first = body.index(b"\n\n") + 2
    item = streamed(body, [(0.0, first), (0.3, len(body) - first)])
    start = time.perf_counter()
    seen = []
    for e in follow(item, speed=1.0):
        seen.append((e.name, time.perf_counter() - start))
    assert [name for name, _ in seen] == ["thread.run.created", "done"]
    assert seen[1][1] >= 0.28
    start = time.perf_counter()
    assert [e.name for e in follow(item, speed=0)] == ["thread.run.created", "done"]
    assert time.perf_counter() - start < 0.25


SUMMARIES = [
    (f.message_delta("msg_1", f.text_delta(0, "Hello")), '"Hello"'),
    (f.message_delta("msg_1", f.text_delta(0, "two\nlines")), '"two\\nlines"'),
    (f.message_delta("msg_1", f.text_delta(0, "x" * 100)), '"' + "x" * 60 + '…"'),
    (
        f.message_delta("msg_1", f.text_delta(0, None, [f.file_citation(0, "【4:0†source】", 10, 22)])),
        "+ file_citation 【4:0†source】",
    ),
    (f.message_delta("msg_1", f.image_file_delta(0, "file-abc")), "image_file file-abc"),
    (f.step_delta("step_1", f.code_delta(0, input="import m")), 'code_interpreter input "import m"'),
    (f.step_delta("step_1", f.code_delta(0, "call_1", input="")), "code_interpreter call_1"),
    (
        f.step_delta("step_1", f.code_delta(0, outputs=[f.logs_output(0, "42\n")])),
        'code_interpreter logs "42\\n"',
    ),
    (
        f.step_delta("step_1", f.code_delta(0, outputs=[f.image_output(0, "file-img")])),
        "code_interpreter image file-img",
    ),
    (f.step_delta("step_1", f.function_delta(0, "call_1", "get_weather")), "function get_weather"),
    (f.step_delta("step_1", f.function_delta(1, arguments='{"city"')), 'function #2 arguments "{\\"city\\""'),
    (f.run_event("in_progress"), "status → in_progress"),
    (
        f.requires_action(("call_1", "get_weather", "{}"), ("call_2", "get_time", "{}")),
        "status → requires_action: get_weather, get_time",
    ),
    (
        f.run_event("failed", last_error={"code": "rate_limit_exceeded", "message": "Slow down."}),
        "status → failed: rate_limit_exceeded: Slow down.",
    ),
    (
        f.run_event("completed", usage={"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15}),
        "status → completed (tokens 12 in + 3 out)",
    ),
    (
        f.run_event("incomplete", incomplete_details={"reason": "max_completion_tokens"}),
        "status → incomplete: max_completion_tokens",
    ),
    (f.step_event("created"), "step message_creation → in_progress"),
    (
        f.step_event(
            "completed",
            kind="tool_calls",
            step_details={
                "type": "tool_calls",
                "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
            },
        ),
        "step tool_calls [f] → completed (tokens 10 in + 5 out)",
    ),
    (f.message_event("created"), "message assistant → in_progress"),
    (f.message_event("completed", content=[f.text_block("All done.")]), 'message assistant → completed "All done."'),
    (
        f.message_event("incomplete", incomplete_details={"reason": "max_tokens"}),
        "message assistant → incomplete: max_tokens",
    ),
    (("thread.created", f.thread()), "thread thread_f"),
    (f.error_event("Boom", code="server_error"), "server_error: Boom"),
    (f.DONE, "[DONE]"),
    ((None, {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": "Hi"}}]}), '"Hi"'),
    (
        (None, {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}),
        "finish_reason → stop",
    ),
    (("response.output_text.delta", {"type": "response.output_text.delta", "delta": "Tr"}), '"Tr"'),
    (
        ("response.completed", {"response": {"status": "completed", "usage": {"input_tokens": 5, "output_tokens": 2}}}),
        "status → completed (tokens 5 in + 2 out)",
    ),
    (
        (
            "message_delta",
            {"type": "message_delta", "delta": {"stop_reason": "max_tokens"}, "usage": {"output_tokens": 124}},
        ),
        "stop_reason → max_tokens tokens 124 out",  # (no input count sent: none shown, not None)
    ),
    (("thread.run.step.delta", "not json"), '"not json"'),
    (("thread.message.delta", {"delta": {"content": "oops"}}), ""),
]


@pytest.mark.parametrize(("item", "want"), SUMMARIES, ids=[want or "empty" for _, want in SUMMARIES])
def test_summaries(item: tuple[str | None, Any], want: str) -> None:
    assert summarize(event(*item)) == want


KEYS = [
    "id",
    "type",
    "status",
    "delta",
    "content",
    "text",
    "value",
    "step_details",
    "tool_calls",
    "function",
    "name",
    "arguments",
    "code_interpreter",
    "input",
    "outputs",
    "logs",
    "usage",
    "last_error",
    "error",
    "message",
    "code",
    "choices",
    "response",
    "item",
    "annotations",
    "required_action",
    "index",
    "object",
]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    max_leaves=30,
)
NAMES = [
    "thread.message.delta",
    "thread.run.step.delta",
    "thread.run.completed",
    "thread.run.step.completed",
    "thread.message.completed",
    "error",
    "message",
    "response.completed",
    "response.output_item.added",
    "response.output_text.delta",
    "thread.created",
    "something.else",
]


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(NAMES), data=JSON)
def test_summarize_never_raises_and_is_one_line(name: str, data: Any) -> None:
    e = StreamEvent(0, name, json.dumps(data), 0.0, 0.0, 0, 0, 0)
    line = summarize(e)
    assert isinstance(line, str) and "\n" not in line and "\r" not in line
    assert text_of(e) is None or isinstance(text_of(e), str)


def test_every_recorded_event_summarizes_on_one_line() -> None:
    bodies = [item for path in FIXTURE_PATHS for item in load(path).interactions if item.streamed]
    bodies += [streamed(p.read_bytes()) for p in sorted(REAL_STREAMS.glob("*.sse"))]
    for item in bodies:
        for e in events(item):
            line = summarize(e)
            assert "\n" not in line and len(line) < 200


def test_text_of_reads_every_api() -> None:
    assert text_of(event(*f.message_delta("msg_1", f.text_delta(0, "a"), f.text_delta(1, "b")))) == "ab"
    assert text_of(event(*f.message_delta("msg_1", f.image_file_delta(0, "file-x")))) is None
    assert text_of(event("response.output_text.delta", {"delta": "x"})) == "x"
    assert text_of(event(None, {"object": "chat.completion.chunk", "choices": [{"delta": {"content": "y"}}]})) == "y"
    assert text_of(event(*f.run_event("completed"))) is None


def test_to_json_is_one_jq_friendly_record() -> None:
    record = event(*f.message_delta("msg_1", f.text_delta(0, "Hi"))).to_json()
    assert record["event"] == "thread.message.delta"
    assert record["summary"] == '"Hi"'
    assert record["data"]["id"] == "msg_1"
    assert set(record) == {"index", "event", "at", "gap", "start", "end", "chunk", "summary", "data"}


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_streams_decode_to_events(real_streams: Path, name: str) -> None:
    item = streamed((real_streams / name).read_bytes())
    found = events(item)
    assert found and all(e.name for e in found)


# --- each API's home says what its events say ---------------------------------------------------------


def protocol_functions(protocol: type) -> dict[str, inspect.Signature]:
    """The methods a Protocol asks for, with their signatures as a module-level function has them."""
    out = {}
    for name, member in vars(protocol).items():
        if inspect.isfunction(member) and not name.startswith("_"):
            signature = inspect.signature(member)
            out[name] = signature.replace(parameters=list(signature.parameters.values())[1:])
    return out


@pytest.mark.parametrize("entry", REGISTRY, ids=[entry.kind for entry in REGISTRY])
@pytest.mark.parametrize(("layer", "protocol"), [("events", Events), ("rules", Rules)])
def test_every_home_provides_its_events_and_rules(entry: Api, layer: str, protocol: type) -> None:
    module = getattr(entry, layer)
    assert module.__name__ == f"{entry.home}.{layer}"
    wanted = protocol_functions(protocol)
    assert wanted, protocol
    for name, signature in wanted.items():
        function = getattr(module, name, None)
        assert callable(function), f"{module.__name__} has no {name}()"
        assert list(inspect.signature(function).parameters) == list(signature.parameters), f"{module.__name__}.{name}"


@pytest.mark.parametrize(
    ("kind", "name", "family"),
    [
        ("assistants", "thread.created", "run"),
        ("assistants", "thread.run.created", "run"),
        ("assistants", "thread.run.requires_action", "run"),
        ("assistants", "thread.run.failed", "error"),
        ("assistants", "thread.run.step.delta", "step"),
        ("assistants", "thread.run.step.expired", "error"),
        ("assistants", "thread.message.delta", "message"),
        ("assistants", "error", "error"),
        ("assistants", "done", "other"),
        ("responses", "response.created", "run"),
        ("responses", "response.failed", "error"),
        ("responses", "response.output_text.delta", "message"),
        ("responses", "response.content_part.added", "message"),
        ("responses", "response.refusal.delta", "message"),
        ("responses", "response.output_item.added", "step"),
        ("responses", "response.function_call_arguments.delta", "step"),
        ("responses", "error", "error"),
        ("chat", "message", "message"),
        ("chat", "error", "error"),
        ("chat", "done", "other"),
    ],
)
def test_event_families(kind: str, name: str, family: str) -> None:
    assert api(kind).events.family(name, None) == family


#: The modules that ask the registry instead of knowing the APIs.
DISPATCHERS = [ROOT / "replayer" / name for name in ("stream_events.py", "stream_stats.py", "validation.py")]
KINDS = {entry.kind for entry in REGISTRY}
API_PREFIXES = ("thread.", "response.", "chat.completion")
AFFIXES = ("startswith", "endswith", "removeprefix", "removesuffix")


def _strings(node: ast.AST) -> list[str]:
    """The string constants ``node`` is, or holds as a tuple, list or set."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [value for element in node.elts for value in _strings(element)]
    return []


@pytest.mark.parametrize("path", DISPATCHERS, ids=[p.name for p in DISPATCHERS])
def test_the_generic_modules_know_no_api(path: Path) -> None:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Compare):
            for value in [s for side in (node.left, *node.comparators) for s in _strings(side)]:
                if value in KINDS or value.startswith(API_PREFIXES):
                    found.append(f"line {node.lineno}: compares with {value!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in AFFIXES:
            for value in [s for arg in node.args for s in _strings(arg)]:
                if value.startswith(API_PREFIXES):
                    found.append(f"line {node.lineno}: .{node.func.attr}({value!r})")
    assert found == []


def test_an_event_parses_its_text_when_its_data_is_read() -> None:
    """Events hold their text; ``data`` is its parse (the text itself when not JSON), the same object when
    the same event is read twice in a row, a fresh one once another event was read in between."""
    found = events(load(FIXTURES / "chat_text.yaml").interactions[0])
    for event in found:
        want = json.loads(event.raw) if event.raw != "[DONE]" else "[DONE]"
        assert event.data == want and event.data is event.data
    first, second = found[0], found[1]
    kept = first.data
    second.data  # noqa: B018 - read in between
    assert first.data == kept and first.data is not kept
