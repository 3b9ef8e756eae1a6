"""replayer.validate: problems as data, located by interaction and event."""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssetape.recorder import Cassette, CassetteNotFoundError, cassette_from_sse, load
from ssetape.replayer.validation import RULES, Problem, validate
from tests import factories as f
from tests.conftest import FIXTURES, REAL_STREAMS

FIXTURE_PATHS = sorted(FIXTURES.glob("*.yaml"))
REAL_NAMES = sorted(p.name for p in REAL_STREAMS.glob("*.sse"))

GOOD = [
    *f.run_prelude(),
    f.step_event("created"),
    f.message_event("created"),
    f.message_delta("msg_1", f.text_delta(0, "Hi")),
    f.message_event("completed", content=[f.text_block("Hi")]),
    f.step_event("completed"),
    f.run_event("completed"),
    f.DONE,
]


def check(events: list[f.Event], **kw: Any) -> list[tuple[str, str, int | None]]:
    """(severity, rule, event index) of every problem in a one-stream cassette."""
    return [(p.severity, p.rule, p.event) for p in validate(cassette_from_sse(f.sse_bytes(events, **kw)))]


def messages(events: list[f.Event]) -> list[str]:
    return [p.message for p in validate(cassette_from_sse(f.sse_bytes(events)))]


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=[p.stem for p in FIXTURE_PATHS])
def test_every_fixture_is_valid(path: Path) -> None:
    problems = validate(path)
    if path.stem in ("anthropic_cut", "gemini_cut"):
        (problem,) = problems  # cut inside the text: only the cut says so, nothing is out of order
        assert (problem.severity, problem.rule, problem.interaction) == ("warning", "cut-off", 0)
    elif path.stem == "connection_cut":
        (problem,) = problems
        assert (problem.severity, problem.rule, problem.interaction, problem.event) == ("warning", "cut-off", 2, None)
        assert "RemoteProtocolError: peer closed connection" in problem.message
        assert str(problem).startswith(f"{path}, interaction 2: warning: the recording was cut off after ")
    else:
        assert problems == []


def test_a_well_formed_stream_has_no_problems() -> None:
    assert check(GOOD) == []


def test_a_delta_before_its_object_was_created() -> None:
    events = [*GOOD[:4], f.message_delta("msg_1", f.text_delta(0, "x")), *GOOD[4:]]
    assert check(events) == [("error", "order", 4)]
    assert messages(events) == ["thread.message.delta for message msg_1 before its thread.message.created"]
    events = [*GOOD[:3], f.step_delta("step_9", f.code_delta(0, input="x")), *GOOD[3:]]
    assert check(events) == [("error", "order", 3)]


def test_nothing_after_completion_or_the_terminal_run_event() -> None:
    late_delta = [*GOOD[:7], f.message_delta("msg_1", f.text_delta(0, "x")), *GOOD[7:]]
    assert check(late_delta) == [("error", "order", 7)]
    assert "after its thread.message.completed" in messages(late_delta)[0]
    two_endings = [*GOOD[:-1], f.run_event("failed"), f.DONE]
    assert check(two_endings) == [("error", "order", 9)]
    assert messages(two_endings) == ["thread.run.failed after the run's terminal event thread.run.completed (event 8)"]


def test_done_once_and_last() -> None:
    assert check(GOOD[:-1]) == [("error", "order", 8)]
    assert messages(GOOD[:-1]) == ["the stream does not end with `done`"]
    assert check([*GOOD, f.run_event("in_progress")]) == [("error", "order", 10)]
    assert check([*GOOD[:-2], f.DONE]) == [("error", "order", 8)]  # no terminal run event
    assert check([*GOOD[:3], f.DONE]) == [("error", "order", 3)]


def test_an_error_event_ends_the_stream() -> None:
    assert check([*GOOD[:6], f.error_event()]) == []
    assert check([*GOOD[:6], f.error_event(), f.DONE]) == [("error", "order", 7)]


def test_run_created_comes_first() -> None:
    events = [f.run_event("queued"), f.run_event("created"), *GOOD[2:]]
    assert check(events) == [("error", "order", 1)]


def test_a_status_that_contradicts_the_event_type_is_a_warning() -> None:
    events = [*GOOD[:-2], f.run_event("completed", status="incomplete"), f.DONE]
    assert check(events) == [("warning", "status", 8)]


def test_sse_well_formedness() -> None:
    assert check([*GOOD[:6], ("thread.run.step.delta", "{not json"), *GOOD[6:]]) == [("error", "sse", 6)]
    assert check([*GOOD[:5], (None, GOOD[5][1]), *GOOD[6:]]) == [("error", "sse", 5)]
    unterminated = check(GOOD, trailing_blank_line=False)
    assert unterminated == [("warning", "sse", 9)]  # the missing end is that problem, not another


def test_schema_against_the_sdk_types() -> None:
    wrong_type = [*GOOD[:-2], f.run_event("completed", tools="none"), f.DONE]
    assert check(wrong_type) == [("warning", "schema", 8)]
    assert messages(wrong_type)[0].startswith("thread.run.completed: .data.tools: Input should be a valid list")
    assert check([*GOOD[:6], ("thread.run.step.exploded", {"id": "x"}), *GOOD[6:]]) == [("warning", "schema", 6)]
    assert check([*GOOD[:6], ("thread.message.delta", [1, 2]), *GOOD[6:]]) == [("error", "schema", 6)]
    assert check([*GOOD[:6], ("error", {"message": "flat"})]) == [("error", "schema", 6)]


def test_chat_and_responses_streams() -> None:
    chunk = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": []}
    assert check([(None, chunk), (None, "[DONE]")]) == []
    assert check([(None, chunk)]) == [("error", "order", 0)]
    assert check([(None, chunk), (None, "[DONE]"), (None, chunk)]) == [("error", "order", 2)]
    created = {"type": "response.in_progress", "sequence_number": 2, "response": {}}
    problems = check([("response.in_progress", created), ("response.in_progress", created | {"sequence_number": 1})])
    assert ("error", "order", 1) in problems and ("error", "order", None) not in problems


def test_chunk_times_and_json_bodies() -> None:
    cassette = load(FIXTURES / "polling.yaml")
    cassette.interactions[3].response.body.string = "{truncated"
    stream = cassette_from_sse(f.sse_bytes(GOOD), chunks=[(0.5, 10), (0.2, len(f.sse_bytes(GOOD)) - 10)])
    assert [(p.rule, p.interaction) for p in validate(cassette)] == [("format", 3)]
    assert [(p.rule, p.message) for p in validate(stream)] == [
        ("format", "chunk 1 arrives at 0.200000s, before the one preceding it (0.500000s)")
    ]


def test_a_file_that_is_not_a_cassette_is_one_located_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ninteractions:\n  - [unclosed\n")
    (problem,) = validate(bad)
    assert (problem.rule, problem.line, problem.cassette) == ("format", 4, str(bad))
    assert str(problem).startswith(f"{bad}:4: error: invalid YAML")
    with pytest.raises(CassetteNotFoundError):
        validate(tmp_path / "missing.yaml")


def test_rules_can_be_ignored() -> None:
    events = [*GOOD[:-2], f.run_event("completed", status="incomplete", tools="none"), f.DONE]
    assert {rule for _, rule, _ in check(events)} == {"status", "schema"}
    assert validate(cassette_from_sse(f.sse_bytes(events)), ignore=["schema", "status"]) == []
    with pytest.raises(ValueError, match="unknown rule"):
        validate(Cassette(), ignore=["nope"])
    assert set(RULES) == {"format", "cut-off", "sse", "schema", "order", "status"}


def test_problems_are_json() -> None:
    problem = Problem("order", "m", interaction=2, event=5, cassette="x.yaml")
    assert json.loads(json.dumps(problem.to_json())) == {
        "cassette": "x.yaml",
        "line": None,
        "interaction": 2,
        "event": 5,
        "severity": "error",
        "rule": "order",
        "message": "m",
    }
    assert str(problem) == "x.yaml, interaction 2, event 5: error: m [order]"


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_streams_have_no_errors(real_streams: Path, name: str) -> None:
    """Some were extracted without the final blank line: a warning says the SDK never reads that event."""
    problems = validate(cassette_from_sse((real_streams / name).read_bytes()))
    assert [p for p in problems if p.severity == "error"] == []
    unterminated = [p for p in problems if "no blank line ends" in p.message]
    assert all(p.rule == "sse" and p.severity == "warning" for p in unterminated)


ANY_EVENT = st.sampled_from(
    [
        *GOOD,
        f.error_event(),
        f.step_delta("step_1", f.code_delta(0, "call_1", input="x")),
        f.message_delta("msg_2", f.text_delta(0, "y")),
        (None, {"object": "chat.completion.chunk", "choices": []}),
        ("response.completed", {"type": "response.completed", "sequence_number": 1, "response": {}}),
        ("thread.run.step.delta", "not json"),
        ("thread.message.delta", None),
        ("message", "[DONE]"),
        ("x", {"status": 1}),
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(ANY_EVENT, max_size=12), st.booleans())
def test_any_sequence_of_events_is_judged_without_crashing(events: list[f.Event], blank: bool) -> None:
    for problem in validate(cassette_from_sse(f.sse_bytes(events, trailing_blank_line=blank))):
        assert problem.rule in RULES and problem.message


CHAT_CHUNK = (
    b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m",'
    b'"choices":[{"index":0,"delta":{"content":"%s"},"finish_reason":null}]}\n\n'
)


def test_a_body_that_is_not_utf8_is_an_sse_error() -> None:
    body = CHAT_CHUNK % "caf\xe9".encode("latin-1") + b"data: [DONE]\n\n"
    cassette = cassette_from_sse(body, uri="https://api.openai.com/v1/chat/completions")
    (problem,) = [p for p in validate(cassette) if p.rule == "sse"]
    assert problem.severity == "error"
    assert problem.message.startswith(f"the body is not UTF-8 text: byte 0xe9 at offset {body.index(0xE9)} (")


def test_a_byte_order_mark_is_a_warning_that_names_what_the_sdk_does_with_it() -> None:
    from openai._streaming import SSEDecoder

    body = codecs.BOM_UTF8 + CHAT_CHUNK % b"Hel" + CHAT_CHUNK % b"lo" + b"data: [DONE]\n\n"
    sdk = [event.data for event in SSEDecoder().iter_bytes(iter([body]))]
    assert len(sdk) == 2  # the oracle: the first event is gone
    cassette = cassette_from_sse(body, uri="https://api.openai.com/v1/chat/completions")
    (problem,) = validate(cassette)
    assert (problem.rule, problem.severity, problem.event) == ("sse", "warning", 0)
    assert "drop the first event" in problem.message
