"""JSON-field redaction (``--redact-json-field``): paths, event streams, chunk boundaries, Capture."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ssetape.recorder import REDACTED, Interaction
from ssetape.recorder.capture import Capture
from ssetape.recorder.redact import BodyRedactor, parse_json_path, redact_json, redact_json_bytes
from ssetape.recorder.sse import decode

EVENT_STREAM = (
    b'event: thread.run.created\ndata: {"id":"run_1","metadata":{"user_email":"a@b.c","team":"x"}}\n\n'
    b'event: thread.message.delta\ndata: {"delta":{"content":[{"text":{"value":"hi"}}]}}\n\n'
    b"event: thread.run.completed\r\n"
    b'data: {"id":"run_1",\r\ndata: "metadata":{"user_email":"a@b.c"}}\r\n\r\n'
    b"event: done\ndata: [DONE]\n\n"
)
EMAIL = [parse_json_path("metadata.user_email")]


@pytest.mark.parametrize(
    ("path", "document", "expected"),
    [
        ("metadata.user_email", {"metadata": {"user_email": "a", "k": 1}},
         {"metadata": {"user_email": REDACTED, "k": 1}}),
        ("messages.*.content", {"messages": [{"content": "x"}, {"content": "y", "role": "user"}]},
         {"messages": [{"content": REDACTED}, {"content": REDACTED, "role": "user"}]}),
        ("messages.1.content", {"messages": [{"content": "x"}, {"content": "y"}]},
         {"messages": [{"content": "x"}, {"content": REDACTED}]}),
        ("**.api_key", {"a": {"b": [{"api_key": "k"}]}, "api_key": "k2"},
         {"a": {"b": [{"api_key": REDACTED}]}, "api_key": REDACTED}),
        ("metadata.absent", {"metadata": {}}, {"metadata": {}}),
        ("a.b", {"a": "not a container"}, {"a": "not a container"}),
    ],
)
def test_paths(path: str, document: object, expected: object) -> None:
    assert redact_json(document, [parse_json_path(path)])[0] == expected


@pytest.mark.parametrize("bad", ["", "a..b", ".a", "a."])
def test_bad_paths_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="JSON field path"):
        parse_json_path(bad)


def test_bytes_are_left_alone_unless_a_field_matches() -> None:
    body = b'{ "metadata" : {"team": "x"} }'
    assert redact_json_bytes(body, EMAIL) is body
    assert redact_json_bytes(b"not json", EMAIL) is None
    assert json.loads(redact_json_bytes(b'{"metadata": {"user_email": "a@b.c"}}', EMAIL) or b"") == {
        "metadata": {"user_email": REDACTED}
    }


def test_events_are_redacted_and_the_rest_kept_byte_for_byte() -> None:
    redactor = BodyRedactor(EMAIL, event_stream=True)
    out = redactor.feed(EVENT_STREAM) + redactor.flush()
    assert b"a@b.c" not in out
    events = decode(out)
    assert [e.event for e in events] == [e.event for e in decode(EVENT_STREAM)]
    assert events[0].json() == {"id": "run_1", "metadata": {"user_email": REDACTED, "team": "x"}}
    assert events[2].json() == {"id": "run_1", "metadata": {"user_email": REDACTED}}
    # Untouched events keep their exact bytes.
    assert out.endswith(b"event: done\ndata: [DONE]\n\n")
    assert b'data: {"delta":{"content":[{"text":{"value":"hi"}}]}}\n\n' in out


@given(st.lists(st.integers(min_value=0, max_value=len(EVENT_STREAM)), max_size=12), st.booleans())
def test_any_split_gives_the_same_body_and_chunks_that_cover_it(cuts: list[int], cut_short: bool) -> None:
    stream = EVENT_STREAM[:-30] if cut_short else EVENT_STREAM
    bounds = sorted({min(c, len(stream)) for c in cuts} | {0, len(stream)})
    pieces = [stream[a:b] for a, b in itertools.pairwise(bounds)]
    incremental = BodyRedactor(EMAIL, event_stream=True)
    released = b"".join(incremental.feed(p) for p in pieces) + incremental.flush(complete=not cut_short)
    whole = BodyRedactor(EMAIL, event_stream=True)
    body = whole.feed(stream) + whole.flush(complete=not cut_short)
    assert released == body
    chunks = whole.map_chunks([(float(i), len(p)) for i, p in enumerate(pieces)])
    assert sum(size for _, size in chunks) == len(body)
    assert all(size > 0 for _, size in chunks)
    assert [at for at, _ in chunks] == sorted(at for at, _ in chunks)


def test_a_cut_event_is_dropped_rather_than_written_unredacted() -> None:
    cut = EVENT_STREAM[: EVENT_STREAM.index(b"a@b.c") + 3]
    redactor = BodyRedactor(EMAIL, event_stream=True)
    assert redactor.feed(cut) + redactor.flush(complete=False) == b""


def test_a_json_body_arrives_with_its_last_chunk() -> None:
    body = b'{"metadata": {"user_email": "a@b.c"}}'
    redactor = BodyRedactor(EMAIL, event_stream=False)
    assert redactor.feed(body[:10]) == b""
    out = redactor.feed(body[10:]) + redactor.flush()
    assert out == b'{"metadata":{"user_email":"REDACTED"}}'
    assert redactor.map_chunks([(0.1, 10), (0.2, len(body) - 10)]) == [(0.2, len(out))]


def test_capture_redacts_request_and_response() -> None:
    finished: list[Interaction] = []
    capture = Capture(
        method="POST",
        url="https://api.openai.com/v1/threads",
        headers=[("content-type", "application/json")],
        body=b'{"metadata": {"user_email": "a@b.c"}}',
        on_finish=finished.append,
        redact_json=["metadata.user_email"],
    )
    capture.response(200, "OK", [("content-type", "text/event-stream")])
    for i in range(0, len(EVENT_STREAM), 7):
        capture.chunk(EVENT_STREAM[i : i + 7])
    interaction = capture.finish()
    assert b"a@b.c" not in interaction.request.body_bytes
    assert b"a@b.c" not in interaction.response.body_bytes
    recording = interaction.response.ssetape
    assert recording is not None
    assert sum(size for _, size in recording.chunks) == len(interaction.response.body_bytes)
    assert capture.events == 4
