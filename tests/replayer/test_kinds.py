"""replayer.kind_of: which SDK stream a recording feeds, from its events or, failing that, its path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssetape import replayer
from ssetape.apis import REGISTRY
from ssetape.recorder import cassette_from_sse, load
from ssetape.replayer import kind_of
from tests.conftest import FIXTURES, REAL_STREAMS

REAL = sorted(p.name for p in REAL_STREAMS.glob("*.sse")) if REAL_STREAMS.is_dir() else []
FIXTURE_STREAMS = [(path, index) for path in sorted(FIXTURES.glob("*.yaml")) for index in load(path).streams()]

CHUNK = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": []}
CREATED = {"type": "response.created", "sequence_number": 0, "response": {"id": "resp_1"}}


def sse(*events: tuple[str | None, object]) -> bytes:
    out = b""
    for name, data in events:
        text = data if isinstance(data, str) else json.dumps(data)
        out += (f"event: {name}\n" if name else "").encode() + f"data: {text}\n\n".encode()
    return out


def kind(body: bytes, uri: str = "https://api.openai.com/v1/threads/runs") -> str:
    return kind_of(cassette_from_sse(body, uri=uri).interactions[0])


@pytest.mark.parametrize("name", REAL)
def test_real_streams_are_told_apart_by_their_events_under_the_import_placeholder_path(name: str) -> None:
    body = (REAL_STREAMS / name).read_bytes()
    known = {entry.kind for entry in REGISTRY}
    prefixes = {"chat": "chat", "responses": "responses", "anthropic": "anthropic", "gemini": "gemini"}
    expected = next((kind for prefix, kind in prefixes.items() if name.startswith(prefix)), "assistants")
    # A Gemini stream is generic SSE until the registry knows Gemini: never an Assistants one.
    assert kind_of(cassette_from_sse(body).interactions[0]) == (expected if expected in known else "sse")


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("https://api.openai.com/v1/threads/runs", "assistants"),
        ("https://api.openai.com/v1/threads/thread_1/runs/run_1/submit_tool_outputs", "assistants"),
        ("https://api.openai.com/v1/responses", "responses"),
        ("https://api.openai.com/v1/responses/resp_1?stream=true&starting_after=3", "responses"),
        ("https://api.openai.com/v1/chat/completions", "chat"),
        ("https://api.anthropic.com/v1/messages", "anthropic"),
        ("https://api.anthropic.com/v1/messages?beta=true", "anthropic"),
        (
            "https://europe-west1-aiplatform.googleapis.com/v1/projects/p/locations/l/publishers/anthropic/models/claude:streamRawPredict",
            "anthropic",
        ),
        ("https://x.openai.azure.com/openai/deployments/gpt/chat/completions?api-version=2024-10-21", "chat"),
        ("http://127.0.0.1:8080/somewhere/else", "sse"),
    ],
)
def test_without_a_telling_event_the_path_decides(uri: str, expected: str) -> None:
    assert kind(b"", uri) == expected
    assert kind(sse((None, "[DONE]")), uri) == expected
    assert kind(sse(("error", {"type": "error", "message": "boom"})), uri) == expected


def test_the_first_telling_event_wins_over_the_path() -> None:
    assert kind(sse((None, CHUNK), (None, "[DONE]")), "https://api.openai.com/v1/responses") == "chat"
    assert kind(sse(("response.created", CREATED))) == "responses"
    assert kind(sse((None, CREATED))) == "responses"  # named by its JSON type alone
    assert kind(sse(("error", {"message": "x"}), (None, "not json"), (None, [1]), (None, CHUNK))) == "chat"
    # an Azure content-filter chunk (object "") says nothing; the next one does
    assert kind(sse((None, {**CHUNK, "object": ""}), (None, CHUNK)), "http://h/x") == "chat"


def test_a_stream_no_api_recognises_is_generic_sse_whatever_placeholder_path_it_sits_under() -> None:
    unknown = sse((None, {"tick": 1}), ("progress", {"done": 0.5}))
    assert kind_of(cassette_from_sse(unknown).interactions[0]) == "sse"
    assert kind_of(cassette_from_sse(sse(("error", {"message": "boom"}))).interactions[0]) == "sse"
    assert kind_of(cassette_from_sse(b"").interactions[0]) == "sse"
    assert kind(sse(("tick", {"n": 1})), "https://example.com/events") == "sse"
    # a real Assistants URL still decides a body that names no API
    assert kind(sse(("error", {"message": "boom"}))) == "assistants"


def test_only_as_much_of_the_body_as_needed_is_decoded() -> None:
    # a broken tail after the first telling event is never looked at
    assert kind(sse(("response.created", CREATED)) + b"data: \xff\xfe{{{") == "responses"


@pytest.mark.parametrize(("path", "index"), FIXTURE_STREAMS, ids=[f"{p.stem}-{i}" for p, i in FIXTURE_STREAMS])
def test_fixture_paths_and_events_agree(path: Path, index: int) -> None:
    item = load(path).interactions[index]
    by_path = kind(b"", item.request.uri)
    assert kind_of(item) == by_path


def test_exported() -> None:
    assert replayer.kind_of is kind_of
    assert "kind_of" in replayer.__all__


GEMINI_CHUNK = {
    "candidates": [{"content": {"role": "model", "parts": [{"text": "Hi"}]}, "index": 0}],
    "usageMetadata": {"promptTokenCount": 1, "totalTokenCount": 2},
    "modelVersion": "gemini-2.5-flash",
    "responseId": "r1",
}


@pytest.mark.parametrize(
    "uri",
    [
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
        "https://generativelanguage.googleapis.com/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
        "https://generativelanguage.googleapis.com/v1beta/tunedModels/mine:streamGenerateContent?alt=sse",
        "https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/publishers/google/models/"
        "gemini-2.5-flash:streamGenerateContent?alt=sse",
    ],
)
def test_gemini_paths_are_gemini_even_with_nothing_but_an_error(uri: str) -> None:
    body = sse((None, {"error": {"code": 503, "message": "overloaded", "status": "UNAVAILABLE"}}))
    assert kind(body, uri) == "gemini"
    assert kind(sse((None, GEMINI_CHUNK)), uri) == "gemini"


def test_gemini_chunks_and_chat_chunks_are_not_taken_for_each_other() -> None:
    chat_path = "https://api.openai.com/v1/chat/completions"
    gemini_path = "https://generativelanguage.googleapis.com/v1beta/models/m:streamGenerateContent?alt=sse"
    assert kind(sse((None, GEMINI_CHUNK)), chat_path) == "gemini"  # the events decide
    assert kind(sse((None, CHUNK)), gemini_path) == "chat"
    # An object with a `candidates` key that is another API's (it has `object`/`type`/`id`) is not Gemini's.
    lookalike = {"id": "x", "object": "thing", "candidates": []}
    assert kind(sse((None, lookalike)), chat_path) == "chat"
    assert kind(sse(("message_start", {"type": "message_start", "message": {"id": "m"}})), gemini_path) == "anthropic"
    # Claude on Vertex AI is Anthropic's, Gemini's :generateContent (not streamed) is nobody's stream.
    vertex_claude = (
        "https://x-aiplatform.googleapis.com/v1/projects/p/locations/l/publishers/anthropic/models/c:streamRawPredict"
    )
    assert kind(b"", vertex_claude) == "anthropic"
    assert kind(b"", "https://generativelanguage.googleapis.com/v1beta/models/m:generateContent") != "gemini"


def test_a_lone_gemini_line_without_its_blank_line_is_what_its_path_says_it_is() -> None:
    """Under a Gemini URL, google-genai reads a complete body's last whole line as a chunk, so ssetape has an
    event for it. Under the import placeholder no reader is known: SSE dispatches no event there, so the
    body is generic SSE with no event, and ``validate`` warns that those bytes are an event the SDK never reads
    (``import`` refuses such a dump outright): it is shown as what it is, never guessed to be Gemini's."""
    line = f"data: {json.dumps(GEMINI_CHUNK)}\r\n".encode()
    gemini_path = "https://generativelanguage.googleapis.com/v1beta/models/m:streamGenerateContent?alt=sse"
    assert kind(line, gemini_path) == "gemini"
    assert len(replayer.events(cassette_from_sse(line, uri=gemini_path).interactions[0])) == 1
    unknown = cassette_from_sse(line)
    assert kind_of(unknown.interactions[0]) == "sse" and replayer.events(unknown.interactions[0]) == []
    (problem,) = replayer.validate(unknown)
    assert problem.severity == "warning" and "an event no blank line ends: the SDK never reads it" in problem.message


def test_events_no_api_sends_are_not_read_as_the_api_of_their_path() -> None:
    messages = "https://mcp.example.com/v1/messages"
    mcp = sse(("endpoint", "/messages?session=1"), ("message", {"jsonrpc": "2.0", "id": 1, "result": {}}))
    assert kind(mcp, messages) == "sse"
    vercel = sse((None, {"type": "start"}), (None, {"type": "text-delta", "delta": "hi"}), (None, "[DONE]"))
    assert kind(vercel, "http://localhost:3000/api/responses") == "sse"
    # What any API sends without naming itself still leaves it to the path: an error, a keep-alive, the end.
    overloaded = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    assert kind(sse(("ping", {"type": "ping"}), ("error", overloaded)), messages) == "anthropic"
    assert kind(sse((None, {"error": {"message": "no"}}), (None, "[DONE]")), "https://x/v1/chat/completions") == "chat"
    assert kind(sse(("error", {"error": {"message": "no"}}), ("done", "[DONE]"))) == "assistants"


ANTHROPIC_ERROR = b'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n'


def test_a_dump_of_nothing_but_an_error_in_one_api_s_own_shape_is_that_api_s(tmp_path: Path) -> None:
    """An Anthropic error (a typed error nested in a typed error event) where no path tells: Anthropic's, so that
    it replays as the anthropic SDK raises it. A path still decides first; other errors stay generic."""
    import anthropic

    dump = tmp_path / "overloaded.sse"
    dump.write_bytes(ANTHROPIC_ERROR)
    assert kind_of(load(dump).interactions[0]) == "anthropic"
    with pytest.raises(anthropic.APIStatusError, match="Overloaded"), replayer.stream(dump) as stream:
        stream.until_done()
    responses_error = b'event: error\ndata: {"type":"error","code":"server_error","message":"boom"}\n\n'
    assert kind_of(cassette_from_sse(responses_error).interactions[0]) == "sse"
    under_responses = cassette_from_sse(ANTHROPIC_ERROR, uri="https://api.openai.com/v1/responses")
    assert kind_of(under_responses.interactions[0]) == "responses"
