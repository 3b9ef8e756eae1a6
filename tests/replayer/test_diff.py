"""replayer.diff and replayer.masking: structural comparison of two recordings."""

from __future__ import annotations

import json
import random
import re
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssetape.recorder import Cassette, cassette_from_sse, load
from ssetape.replayer.diffing import diff
from ssetape.replayer.masking import TIME_MASK, Masker
from tests import factories as f
from tests.conftest import FIXTURES

FIXTURE_PATHS = sorted(FIXTURES.glob("*.yaml"))
_IDS = re.compile(r"\b(?:thread|run|step|msg|call|file|asst|req|vs)[_-][A-Za-z0-9]{16,}\b")
_TIMES = re.compile(r'("(?:created|started|completed|expires|failed|cancelled)_at":\s*)(\d{10})')


def rerecorded(path: Path, tmp_path: Path, *, pace: float = 1.0) -> Path:
    """The same conversation as if recorded again: new ids, later timestamps, another pace."""
    rng = random.Random(path.name)
    text = path.read_text()
    fresh: dict[str, str] = {}

    def new_id(match: re.Match[str]) -> str:
        old = match.group(0)
        cut = len(old) - 16
        return fresh.setdefault(old, old[:cut] + "".join(rng.choices(string.ascii_letters + string.digits, k=16)))

    text = _IDS.sub(new_id, text)
    text = _TIMES.sub(lambda m: m.group(1) + str(int(m.group(2)) + 86_400), text)  # same length: chunk sizes hold
    out = tmp_path / path.name
    out.write_text(text)
    cassette = load(out)
    for item in cassette.interactions:
        if item.response.ssetape is not None:
            item.response.ssetape.chunks = [(at * pace, size) for at, size in item.response.ssetape.chunks]
    cassette.save(out)
    return out


def stream(events: list[f.Event], times: list[float] | None = None) -> Cassette:
    body = f.sse_bytes(events)
    chunks = None
    if times is not None:
        ends = [m.end() for m in re.finditer(rb"\n\n", body)]
        chunks = [(at, end - start) for at, start, end in zip(times, [0, *ends], ends, strict=False)]
    return cassette_from_sse(body, chunks=chunks)


BASE = [
    *f.run_prelude(),
    f.message_event("created"),
    f.message_delta("msg_1", f.text_delta(0, "Hello")),
    f.message_delta("msg_1", f.text_delta(0, " world")),
    f.message_event("completed", content=[f.text_block("Hello world")]),
    f.run_event("completed"),
    f.DONE,
]


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=[p.stem for p in FIXTURE_PATHS])
def test_every_fixture_equals_itself(path: Path) -> None:
    result = diff(path, path)
    assert result.equal
    assert result.to_json()["interactions"] == []


@pytest.mark.parametrize("name", ["function_calling", "code_interpreter", "vector_store_uploads", "polling"])
def test_two_recordings_of_the_same_conversation_compare_equal(name: str, tmp_path: Path) -> None:
    original = FIXTURES / f"{name}.yaml"
    again = rerecorded(original, tmp_path, pace=1.5)
    assert original.read_text() != again.read_text()
    assert diff(original, again).equal
    with_ids = diff(original, again, ignore_ids=False)
    assert not with_ids.equal
    assert not diff(original, again, ignore_timing=False).equal


def test_timing_is_compared_only_when_asked() -> None:
    a = stream(BASE, [0.1 * i for i in range(len(BASE))])
    b = stream(BASE, [0.3 * i for i in range(len(BASE))])
    assert diff(a, b).equal
    outcome = diff(a, b, ignore_timing=False).interactions[0].outcome
    assert [change.path for change in outcome] == [".first_text", ".duration"]
    assert outcome[1].a == pytest.approx(0.8) and outcome[1].b == pytest.approx(2.4)


def test_a_changed_text_delta_names_the_field_and_the_final_text() -> None:
    edited = list(BASE)
    edited[5] = f.message_delta("msg_1", f.text_delta(0, " there"))
    result = diff(stream(BASE), stream(edited))
    (item,) = result.interactions
    assert not result.equal
    (change,) = item.events
    assert (change.kind, change.a, change.b, change.name) == ("changed", 5, 5, "thread.message.delta")
    assert change.summary == '" there"'
    assert [field.describe() for field in change.fields] == ['.delta.content[0].text.value: " world" → " there"']
    assert [field.path for field in item.outcome] == [".text"]
    assert (item.outcome[0].a, item.outcome[0].b) == ("Hello world", "Hello there")


def test_added_and_removed_events_are_aligned_like_lines() -> None:
    longer = [*BASE[:5], f.message_delta("msg_1", f.text_delta(0, ",")), *BASE[5:]]
    (item,) = diff(stream(BASE), stream(longer)).interactions
    assert [(c.kind, c.a, c.b, c.summary) for c in item.events] == [("added", None, 5, '","')]
    (item,) = diff(stream(longer), stream(BASE)).interactions
    assert [(c.kind, c.a, c.b) for c in item.events] == [("removed", 5, None)]


def test_a_different_ending_shows_in_events_and_outcome() -> None:
    failed = [*BASE[:6], f.run_event("failed", last_error={"code": "server_error", "message": "x"}), f.DONE]
    (item,) = diff(stream(BASE), stream(failed)).interactions
    kinds = [(c.kind, c.name) for c in item.events]
    assert ("removed", "thread.message.completed") in kinds
    assert ("removed", "thread.run.completed") in kinds and ("added", "thread.run.failed") in kinds
    status = next(c for c in item.outcome if c.path == ".status")
    assert (status.a, status.b) == ("completed", "failed")


def test_interactions_pair_by_request_and_extra_ones_are_reported() -> None:
    a = load(FIXTURES / "polling.yaml")
    b = a.model_copy(deep=True)
    del b.interactions[4]
    result = diff(a, b)
    assert [item.kind for item in result.interactions if not item.equal] == ["removed"]
    removed = next(item for item in result.interactions if item.kind == "removed")
    # Identical polls: which one is "the" missing one is ambiguous, as in a text diff.
    assert removed.a in (3, 4, 5, 6) and removed.request == "GET /v1/threads/thread_1/runs/run_1"


def test_status_and_request_body_differences() -> None:
    a = load(FIXTURES / "failed.yaml")
    b = a.model_copy(deep=True)
    b.interactions[0].response.status.code = 500
    b.interactions[1].request.body = json.dumps({"role": "user", "content": "Bye"})
    changed = {item.a: item for item in diff(a, b).interactions if not item.equal}
    assert [c.describe() for c in changed[0].exchange] == [".status: 200 → 500"]
    assert any(c.path == ".request.content" for c in changed[1].exchange)


def test_the_diff_is_json() -> None:
    result = diff(FIXTURES / "failed.yaml", FIXTURES / "cancelled.yaml")
    data = json.loads(json.dumps(result.to_json()))
    assert data["equal"] is False
    (item,) = data["interactions"]
    assert item["a"] == item["b"] == 2
    assert {"kind", "a", "b", "event", "summary", "fields"} <= set(item["events"][0])


def test_masker_renames_ids_by_first_appearance_and_masks_times() -> None:
    masker = Masker()
    data: Any = {
        "id": "run_AhY7NXjQcGB6lZo2J4h7FJmp",
        "thread_id": "thread_mog3aTMOL2M3CUjc9jGkIzfx",
        "created_at": 1748736000,
        "completed_at": None,
        "tools": [{"type": "code_interpreter"}],
        "name": "get_current_weather",
        "model": "gpt-4o-2024-08-06",
        "obfuscation": "Xy1",
    }
    assert masker.data(data) == {
        "id": "run_1",
        "thread_id": "thread_1",
        "created_at": TIME_MASK,
        "completed_at": None,
        "tools": [{"type": "code_interpreter"}],
        "name": "get_current_weather",
        "model": "gpt-4o-2024-08-06",
        "obfuscation": "<noise>",
    }
    assert masker.text("/v1/threads/thread_mog3aTMOL2M3CUjc9jGkIzfx/runs/run_Z6osjOBBBD4gDMSDxd0XUtt4") == (
        "/v1/threads/thread_1/runs/run_2"
    )
    assert masker.text("file-HKB7ryW2ajrEyt9fQBzQaC req_0e427c4f3d1b891e4f6ca3347cebeace") == "file-1 req_1"
    plain = Masker(ids=False, times=False)
    assert plain.data(data) == data | {"obfuscation": "<noise>"}


ANY_EVENT = st.sampled_from(
    [
        *BASE,
        f.error_event(),
        f.message_delta("msg_1", f.text_delta(0, "x")),
        f.step_delta("step_1", f.code_delta(0, "call_1", input="y")),
        ("thread.message.delta", "not json"),
        (None, {"object": "chat.completion.chunk", "choices": [{"delta": {"content": "z"}}]}),
    ]
)


@settings(max_examples=100, deadline=None)
@given(st.lists(ANY_EVENT, max_size=10), st.lists(ANY_EVENT, max_size=10))
def test_any_two_streams_compare_without_crashing(a: list[f.Event], b: list[f.Event]) -> None:
    first, second = stream(a), stream(b)
    assert diff(first, first).equal
    result = diff(first, second)
    if a == b:
        assert result.equal
    if [name for name, _ in a] != [name for name, _ in b]:
        assert not result.equal
    json.dumps(result.to_json())


def test_a_stream_against_a_plain_answer_shows_what_the_stream_said() -> None:
    """Not ``.response: null``, as if the streamed side had no answer: its events, text and status."""
    from ssetape.replayer import diff as diff_cassettes

    result = diff_cassettes(FIXTURES / "text.yaml", FIXTURES / "polling.yaml")
    compared = next(item for item in result.interactions if item.a == 2 and item.b == 2)
    changes = {change.path: change for change in compared.exchange}
    stream, text = changes[".response.stream"], changes[".response.text"]
    assert stream.a == "219 events" and stream.b is None
    assert str(text.a).startswith("Server-sent events") and changes[".response.status"].a == "completed"
