"""Timeline state at every index equals the SDK handler's state after that event."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest
from openai import AssistantEventHandler

from ssetape.recorder import Cassette, cassette_from_sse, load
from ssetape.replayer.stream_events import events
from ssetape.replayer.timeline import Timeline
from tests.conftest import FIXTURES, real_stream_names
from tests.oracle import log_entry, normalize, sdk_log
from tests.oracle_kinds import fixture_streams

# Assistants fixtures (Responses and Chat Completions ones: test_timeline_kinds.py).
FIXTURE_STREAMS = fixture_streams("assistants")
ASSISTANTS_STREAMS = real_stream_names("assistants")


def handler_state(handler: Any) -> dict[str, Any]:
    """The four accessors plus every message and run step snapshot (the SDK keeps those private)."""
    if isinstance(handler, AssistantEventHandler):
        messages = handler._AssistantEventHandler__message_snapshots  # type: ignore[attr-defined]
        steps = handler._AssistantEventHandler__run_step_snapshots  # type: ignore[attr-defined]
    else:
        messages, steps = handler.message_snapshots, handler.run_step_snapshots

    def safe(get: Any) -> Any:
        try:
            return normalize(get())
        except Exception as exc:  # the SDK's current_run_step_snapshot can raise KeyError
            return {"raises": type(exc).__name__}

    return {
        "current_event": safe(lambda: handler.current_event),
        "current_run": safe(lambda: handler.current_run),
        "current_message_snapshot": safe(lambda: handler.current_message_snapshot),
        "current_run_step_snapshot": safe(lambda: handler.current_run_step_snapshot),
        "messages": normalize(list(messages.values())),
        "steps": normalize(list(steps.values())),
    }


def sdk_states(body: bytes) -> list[dict[str, Any]]:
    """The SDK handler's state after each event it yields."""
    transport = httpx2.MockTransport(
        lambda request: httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=body)
    )
    client = openai.OpenAI(api_key="sk-x", base_url="http://o.test/v1", http_client=httpx2.Client(transport=transport))
    states = []
    with client.beta.threads.runs.stream(thread_id="t", assistant_id="a") as stream:
        try:
            for _ in stream:
                states.append(handler_state(stream))
        except Exception:
            pass
    return states


def timeline_states(timeline: Timeline) -> list[dict[str, Any]]:
    """Our state after each event the SDK yields: every event until the one where its stream stops
    (``[DONE]``, an ``error`` event, or a handler exception, none of which it yields)."""
    states = []
    for index in range(len(timeline)):
        state = timeline.state(index)
        if state.stop is not None:
            break
        states.append(handler_state(state))
    return states


def check(cassette: Cassette, interaction: int | None, every: int) -> None:
    timeline = Timeline(cassette, interaction, every=every)
    body = timeline.interaction_record.response.body_bytes
    ours = timeline_states(timeline)
    assert ours, "the stream yielded no event"
    assert ours == sdk_states(body)


@pytest.mark.parametrize(("path", "index"), FIXTURE_STREAMS, ids=[f"{p.stem}-{i}" for p, i in FIXTURE_STREAMS])
def test_state_after_every_event_matches_the_sdk_on_fixtures(path: Path, index: int) -> None:
    check(load(path), index, every=7)


@pytest.mark.parametrize("name", ASSISTANTS_STREAMS)
def test_state_after_every_event_matches_the_sdk_on_real_streams(real_streams: Path, name: str) -> None:
    check(cassette_from_sse((real_streams / name).read_bytes()), None, every=5)


@pytest.mark.parametrize(("path", "index"), FIXTURE_STREAMS, ids=[f"{p.stem}-{i}" for p, i in FIXTURE_STREAMS])
def test_callbacks_per_event_are_the_sdks_callbacks_in_order(path: Path, index: int) -> None:
    timeline = Timeline(path, index)
    item = timeline.interaction_record
    cut = httpx2.RemoteProtocolError(item.response.ssetape.error.message) if not item.complete else None  # type: ignore[union-attr]
    want = [entry["callback"] for entry in sdk_log([c.data for c in item.chunks()], raise_at_end=cut).log]
    got = [cb.name for i in range(len(timeline)) for cb in timeline.callbacks(i)]
    got += [cb.name for cb in timeline.end_callbacks]
    assert got == want
    first_delta = next(cb for i in range(len(timeline)) for cb in timeline.callbacks(i) if cb.name == "on_event")
    assert first_delta.args[0].event == timeline.events[0].name


def check_callbacks_in_random_order(cassette: Cassette, interaction: int | None, every: int) -> None:
    """Every callback (name, arguments, the accessors it reads) of every event, asked for in a random order
    from a timeline that keeps only their names and rebuilds them from its checkpoints, against the SDK's
    handler reading the same chunks."""
    timeline = Timeline(cassette, interaction, every=every)
    item = timeline.interaction_record
    cut = httpx2.RemoteProtocolError(item.response.ssetape.error.message) if not item.complete else None  # type: ignore[union-attr]
    want = sdk_log([c.data for c in item.chunks()], raise_at_end=cut).log
    order = list(range(len(timeline)))
    random.Random(len(timeline)).shuffle(order)
    seen = {index: [log_entry(cb.name, cb.args, cb.state) for cb in timeline.callbacks(index)] for index in order}
    got = [entry for index in range(len(timeline)) for entry in seen[index]]
    got += [log_entry(cb.name, cb.args, cb.state) for cb in timeline.end_callbacks]
    assert got == want


@pytest.mark.parametrize(("path", "index"), FIXTURE_STREAMS, ids=[f"{p.stem}-{i}" for p, i in FIXTURE_STREAMS])
def test_callbacks_in_random_order_are_the_sdks_on_fixtures(path: Path, index: int) -> None:
    check_callbacks_in_random_order(load(path), index, every=6)


@pytest.mark.parametrize("name", ASSISTANTS_STREAMS)
def test_callbacks_in_random_order_are_the_sdks_on_real_streams(real_streams: Path, name: str) -> None:
    check_callbacks_in_random_order(cassette_from_sse((real_streams / name).read_bytes()), None, every=5)


def test_random_access_equals_stepping_through() -> None:
    timeline = Timeline(FIXTURES / "code_interpreter.yaml", every=16)
    stepped = [handler_state(moment.state) for moment in timeline]
    rng = random.Random(7)
    for index in [*rng.sample(range(len(timeline)), 40), 0, len(timeline) - 1, -1]:
        assert handler_state(timeline[index].state) == stepped[index]


def test_events_carry_their_recorded_arrival_times() -> None:
    timeline = Timeline(FIXTURES / "text.yaml")
    times = [event.at for event in timeline.events]
    assert times == sorted(times)
    assert timeline.events[0].at >= timeline.interaction_record.response_at
    assert sum(event.gap for event in timeline.events) == pytest.approx(
        times[-1] - timeline.interaction_record.response_at
    )
    assert timeline.duration == times[-1]


def test_a_cut_stream_ends_with_the_transport_error() -> None:
    timeline = Timeline(FIXTURES / "connection_cut.yaml")
    assert isinstance(timeline.transport_error, httpx2.RemoteProtocolError)
    assert [cb.name for cb in timeline.end_callbacks] == ["on_exception", "on_end"]


def test_progress_is_reported_while_indexing() -> None:
    seen: list[tuple[int, int]] = []
    timeline = Timeline(FIXTURES / "text.yaml", every=10, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, len(timeline)) and seen[-1] == (len(timeline), len(timeline))


def test_out_of_range_index_says_how_long_the_stream_is() -> None:
    timeline = Timeline(FIXTURES / "text.yaml")
    with pytest.raises(IndexError, match=f"the stream has {len(timeline)} events"):
        timeline[len(timeline)]


def test_building_a_timeline_leaves_the_parsed_events_untouched() -> None:
    timeline = Timeline(FIXTURES / "citations.yaml", every=3)
    for index in range(len(timeline)):
        timeline[index]
    assert [e.data for e in timeline.events] == [e.data for e in events(timeline.interaction_record)]
