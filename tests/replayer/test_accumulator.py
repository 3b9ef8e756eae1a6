"""Differential tests: replayer.accumulator against the real SDK (tests/oracle.py) on the same bytes."""

from __future__ import annotations

import gc
import sys
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:  # make ``tests.*`` importable however pytest was started
    sys.path.insert(0, str(_ROOT))

from openai._streaming import SSEDecoder  # noqa: E402

from ssetape.apis.assistants.accumulator import AssistantAccumulator, Callback, State  # noqa: E402
from tests import factories as f  # noqa: E402
from tests.conftest import real_stream_names  # noqa: E402
from tests.oracle import LoggingHandler, StrictLoggingHandler, log_entry, normalize, sdk_log  # noqa: E402

REAL_STREAMS = _ROOT.parent / "shared" / "real-streams"
ASSISTANT_STREAMS = [REAL_STREAMS / name for name in real_stream_names("assistants")]
needs_real_streams = pytest.mark.skipif(not ASSISTANT_STREAMS, reason="real streams not available")


# -- running the accumulator the way the SDK's Stream + handler run ------------------------------------


@dataclass
class AccRun:
    log: list[dict[str, Any]]
    exception: str | None
    final_run: Any
    final_messages: Any
    final_run_steps: Any
    text_deltas: list[str]
    callbacks: list[Callback]
    states: list[State]  # the state after each handled SSE event


def _final(getter: Any, strict: bool) -> Any:
    try:
        return normalize(getter(), exclude_unset=strict)
    except RuntimeError as exc:
        return str(exc)


def acc_run(
    chunks: list[bytes],
    *,
    strict: bool = False,
    raise_at_end: BaseException | None = None,
    acc: AssistantAccumulator | None = None,
) -> AccRun:
    acc = acc if acc is not None else AssistantAccumulator()
    callbacks: list[Callback] = []
    states: list[State] = []
    deltas: list[str] = []
    for sse in SSEDecoder().iter_bytes(iter(chunks)):
        emitted = acc.handle_sse(sse.event, sse.data)
        callbacks.extend(emitted)
        states.append(acc.checkpoint())
        if emitted.stop is not None:
            break
        deltas.extend(emitted.text_deltas)
    stop = acc.stop
    exc = stop.exception if stop is not None else raise_at_end
    callbacks.extend(acc.finish(exc))
    log = [log_entry(cb.name, cb.args, cb.state, exclude_unset=strict) for cb in callbacks]
    return AccRun(
        log=log,
        exception=None if exc is None else f"{type(exc).__name__}: {exc}",
        final_run=_final(acc.get_final_run, strict),
        final_messages=_final(acc.get_final_messages, strict),
        final_run_steps=_final(acc.get_final_run_steps, strict),
        text_deltas=deltas,
        callbacks=callbacks,
        states=states,
    )


def assert_parity(chunks: list[bytes], *, raise_at_end: BaseException | None = None, strict: bool = True) -> AccRun:
    handler_cls = StrictLoggingHandler if strict else LoggingHandler
    sdk = sdk_log(chunks, handler_cls=handler_cls, raise_at_end=raise_at_end)
    ours = acc_run(chunks, strict=strict, raise_at_end=raise_at_end)
    assert [e["callback"] for e in ours.log] == [e["callback"] for e in sdk.log]
    for i, (mine, theirs) in enumerate(zip(ours.log, sdk.log, strict=True)):
        assert mine == theirs, f"log entry {i} ({theirs['callback']}) differs"
    assert ours.exception == sdk.exception
    assert ours.final_run == sdk.final_run
    assert ours.final_messages == sdk.final_messages
    assert ours.final_run_steps == sdk.final_run_steps
    assert ours.text_deltas == sdk.text_deltas
    return ours


@needs_real_streams
@pytest.mark.parametrize("strict", [True, False], ids=["exclude_unset", "full_dump"])
@pytest.mark.parametrize("path", ASSISTANT_STREAMS, ids=lambda p: p.stem)
def test_real_stream_parity(path: Path, strict: bool) -> None:
    assert_parity(f.chunked(path.read_bytes(), 211), strict=strict)


# -- synthetic edge cases ----------------------------------------------------------------------------


def _msg_stream(*middle: f.Event, end: list[f.Event] | None = None) -> list[f.Event]:
    return [
        *f.run_prelude(),
        f.step_event("created"),
        f.step_event("in_progress"),
        f.message_event("created"),
        f.message_event("in_progress"),
        *middle,
        *(end if end is not None else [f.DONE]),
    ]


def _completed_text(*values: str, mid: str = "msg_1") -> f.Event:
    return f.message_event("completed", mid, [f.text_block(v) for v in values])


SCENARIOS: dict[str, list[f.Event]] = {
    "two_messages_one_run": [
        *f.run_prelude(with_thread=True),
        f.step_event("created", "step_1"),
        f.message_event("created", "msg_1"),
        f.message_delta("msg_1", f.text_delta(0, "Hello", [])),
        f.message_delta("msg_1", f.text_delta(0, " world")),
        _completed_text("Hello world"),
        f.step_event("completed", "step_1"),
        f.step_event("created", "step_2"),
        f.step_event("in_progress", "step_2"),
        f.message_event("created", "msg_2"),
        f.message_delta("msg_2", f.text_delta(0, "Second", [])),
        f.message_delta("msg_2", f.text_delta(0, " one")),
        _completed_text("Second one", mid="msg_2"),
        f.step_event("completed", "step_2"),
        f.run_event("completed"),
        f.DONE,
    ],
    "several_content_parts_interleaved": _msg_stream(
        f.message_delta("msg_1", f.text_delta(0, "A", [])),
        f.message_delta("msg_1", f.text_delta(1, "B", [])),
        f.message_delta("msg_1", f.text_delta(0, "a")),
        f.message_delta("msg_1", f.text_delta(0, "x"), f.text_delta(1, "b")),
        f.message_delta("msg_1", f.text_delta(1, "y"), f.text_delta(0, "z")),  # stale on_text_done
        f.message_delta("msg_1", f.text_delta(2, "C", []), f.text_delta(2, "c")),  # created + merged at once
        _completed_text("Aaxz", "Bby", "Cc"),
        f.step_event("completed"),
        f.run_event("completed"),
    ),
    "annotations_in_deltas": _msg_stream(
        f.message_delta("msg_1", f.text_delta(0, "See ", [])),
        f.message_delta("msg_1", f.text_delta(0, "【4:0†a.pdf】", [f.file_citation(0, "【4:0†a.pdf】", 4, 15)])),
        # the same annotation index again: accumulate_delta merges it (strings concat, numbers add!)
        f.message_delta("msg_1", f.text_delta(0, " and ", [f.file_citation(0, "!", 1, 1)])),
        f.message_delta("msg_1", f.text_delta(0, "x", [f.file_path(1, "sandbox:/x", 20, 30)])),
        # a fresh block whose first delta has two entries for one index: inserted as is, not merged
        f.message_delta("msg_1", f.text_delta(1, "q", [f.file_path(0, "p", 0, 1), f.file_path(0, "r", 1, 2)])),
        f.message_delta("msg_1", f.text_delta(1, "w", [f.file_path(0, "s", 5, 5)])),
        f.message_delta("msg_1", f.text_delta(0, None, [f.file_path(5, "far", 0, 0)])),  # past the end
        _completed_text("See 【4:0†a.pdf】 and x", "qw"),
        f.step_event("completed"),
        f.run_event("completed"),
    ),
    "tool_calls_interleaved_then_requires_action": [
        *f.run_prelude(),
        f.step_event("created", "step_t", "tool_calls"),
        f.step_event("in_progress", "step_t", "tool_calls"),
        f.step_delta("step_t", f.function_delta(0, "call_a", "get_weather")),
        f.step_delta("step_t", f.function_delta(1, "call_b", "get_weather")),
        f.step_delta("step_t", f.function_delta(0, arguments='{"city":')),
        f.step_delta("step_t", f.function_delta(1, arguments='{"city":')),
        f.step_delta("step_t", f.function_delta(0, arguments='"Paris"}'), f.function_delta(1, arguments='"Rome"}')),
        f.step_delta("step_t", f.function_delta(1, arguments="")),
        f.requires_action(("call_a", "get_weather", '{"city":"Paris"}'), ("call_b", "get_weather", '{"city":"Rome"}')),
        f.DONE,
    ],
    "tool_call_index_carries_across_steps": [
        *f.run_prelude(),
        f.step_event("created", "step_a", "tool_calls"),
        f.step_delta("step_a", f.code_delta(0, "ci_1", "print(1)", [])),
        f.step_delta("step_a", f.code_delta(0, input="\nprint(2)")),
        f.step_delta("step_a", f.code_delta(0, outputs=[f.logs_output(0, "1\n")])),
        f.step_delta("step_a", f.code_delta(0, outputs=[f.logs_output(0, "2\n"), f.image_output(1, "file_img")])),
        f.step_event("completed", "step_a", "tool_calls"),
        f.step_event("created", "step_b", "tool_calls"),
        f.step_delta("step_b", f.code_delta(0, "ci_2", "x = 1", [])),  # index 0 again: no on_tool_call_created
        f.step_event("completed", "step_b", "tool_calls"),
        f.step_event("created", "step_c"),
        f.message_event("created", "msg_1"),
        f.message_delta("msg_1", f.text_delta(0, "Done.", [])),
        _completed_text("Done."),
        f.step_event("completed", "step_c"),  # on_tool_call_done for a tool call two steps back
        f.run_event("completed"),
        f.DONE,
    ],
    "image_file_content": _msg_stream(
        f.message_delta("msg_1", f.image_file_delta(0, "file_img")),
        f.message_delta("msg_1", f.image_file_delta(0, "", "high")),
        f.message_delta("msg_1", f.text_delta(1, "Here is the plot.", [])),
        f.message_delta("msg_1", f.image_file_delta(2, "file_img2"), f.text_delta(1, " Bye")),
        f.message_event(
            "completed",
            content=[
                f.image_file_block("file_img"),
                f.text_block("Here is the plot. Bye"),
                f.image_file_block("i2"),
            ],
        ),
        f.step_event("completed"),
        f.message_event("created", "msg_2"),
        f.message_delta("msg_2", f.image_file_delta(0, "file_z")),  # index 2 -> 0 switch, image done
        f.message_event("completed", "msg_2", [f.image_file_block("file_z")]),
        f.run_event("completed"),
    ),
    "message_incomplete_then_run_incomplete": _msg_stream(
        f.message_delta("msg_1", f.text_delta(0, "Cut sh", [])),
        f.message_event("incomplete", content=[f.text_block("Cut sh")], incomplete_details={"reason": "max_tokens"}),
        f.step_event("completed"),
        f.run_event("incomplete", incomplete_details={"reason": "max_completion_tokens"}),
    ),
    "run_failed": _msg_stream(
        f.message_delta("msg_1", f.text_delta(0, "Par", [])),
        f.step_event("failed", last_error={"code": "server_error", "message": "boom"}),
        f.run_event("failed", last_error={"code": "server_error", "message": "boom"}),
    ),
    "run_cancelled_and_expired_steps": [
        *f.run_prelude(),
        f.step_event("created", "step_t", "tool_calls"),
        f.step_delta("step_t", f.function_delta(0, "call_a", "get_weather", "{")),
        f.step_event("cancelled", "step_t", "tool_calls"),
        f.step_event("expired", "step_t", "tool_calls"),
        f.run_event("cancelling"),
        f.run_event("cancelled"),
        f.run_event("expired"),
        f.DONE,
    ],
    "submit_tool_outputs_continuation": [
        f.run_event("queued", "queued"),
        f.run_event("in_progress"),
        f.step_event("completed", "step_prev", "tool_calls"),  # created in the previous stream
        f.step_event("in_progress", "step_prev", "tool_calls"),  # current step id the handler never saw
        f.step_event("created", "step_2"),
        f.message_event("created"),
        f.message_delta("msg_1", f.text_delta(0, "Sunny.", [])),
        _completed_text("Sunny."),
        f.step_event("completed", "step_2"),
        f.run_event("completed"),
        f.DONE,
    ],
    # `type` is replaced by accumulate_delta, so the SDK's asserts on the snapshot's type never fire:
    "text_delta_flips_an_image_block_to_text": _msg_stream(
        f.message_delta("msg_1", f.image_file_delta(0, "f")),
        f.message_delta("msg_1", f.text_delta(0, "x")),
        f.message_delta("msg_1", f.image_file_delta(1, "g"), f.text_delta(1, "y")),
    ),
    "tool_calls_delta_turns_a_message_creation_step_into_tool_calls": _msg_stream(
        f.step_delta("step_1", f.function_delta(0, "c", "n")),
        f.step_delta("step_1", f.function_delta(0, arguments="{}")),
        f.step_delta("step_1", details={"type": "message_creation", "message_creation": {"message_id": "2"}}),
        f.step_event("completed"),
    ),
    "events_after_done_are_ignored": _msg_stream(
        f.message_delta("msg_1", f.text_delta(0, "x", [])),
        end=[f.DONE, f.message_delta("msg_1", f.text_delta(0, "never")), f.run_event("completed")],
    ),
    "odd_events_reach_on_event": [
        ("thread.created", f.thread()),
        (None, {"some": "data"}),  # no event name, no error key
        ("error", {"message": "not wrapped in an error key"}),  # an ErrorEvent the handler sees
        ("thread.unknown.kind", {"id": "x"}),
        ("ping", {"error": None}),  # a falsy error is no error
        ("thread.run.cancelled", {"error": {"message": "thread.* events are never checked"}}),
        # a nameless event whose JSON names itself: the SDK handles it as that event
        (None, {"event": "thread.run.completed", "data": f.run("completed", id="run_smuggled")}),
        ("ping", {"event": "thread.message.created", "data": f.message("msg_smuggled")}),
        f.DONE,
    ],
}

FAILING: dict[str, tuple[list[f.Event], str]] = {
    "error_event_without_done": (
        _msg_stream(f.message_delta("msg_1", f.text_delta(0, "Hi", [])), end=[f.error_event("Overloaded")]),
        "APIError: Overloaded",
    ),
    "error_event_without_message": (
        _msg_stream(end=[("error", {"error": "just a string"})]),
        "APIError: An error occurred during streaming",
    ),
    "error_event_without_a_name": (
        _msg_stream(end=[(None, {"error": {"message": "nameless", "code": 500}})]),
        "APIError: nameless",
    ),
    "step_delta_for_unknown_step": (
        [*f.run_prelude(), f.step_delta("step_nope", f.function_delta(0, "c", "n"))],
        "KeyError: 'step_nope'",
    ),
    "message_delta_before_any_message": (
        [*f.run_prelude(), f.message_delta("msg_1", f.text_delta(0, "x"))],
        "RuntimeError: Encountered a message delta with no previous snapshot",
    ),
    "content_index_past_the_end": (
        _msg_stream(f.message_delta("msg_1", f.text_delta(2, "x", []))),
        "IndexError: list index out of range",
    ),
    "completed_message_shorter_than_current_index": (
        _msg_stream(
            f.message_delta("msg_1", f.text_delta(0, "a", []), f.text_delta(1, "b", [])),
            _completed_text("ab"),
        ),
        "IndexError: list index out of range",
    ),
    "tool_call_index_past_the_end": (
        [
            *f.run_prelude(),
            f.step_event("created", "s", "tool_calls"),
            f.step_delta("s", f.function_delta(3, "c")),
        ],
        "IndexError: list index out of range",
    ),
    "list_delta_entry_without_index": (
        _msg_stream(
            f.message_delta("msg_1", f.text_delta(0, "a", [])),
            f.message_delta("msg_1", f.text_delta(1, "b", [])),
            f.message_delta("msg_1", f.text_delta(0, "c", [f.file_path(0, "x", 0, 1)]), f.text_delta(1, "d")),
            f.message_delta("msg_1", f.text_delta(1, "e"), {"index": 0, "type": "text", "text": {"annotations": [{}]}}),
        ),
        "RuntimeError: Expected list delta entry to have an `index` key; {}",
    ),
    "non_object_json_event": (
        _msg_stream(end=[("ping", [1, 2])]),
        "AttributeError: 'list' object has no attribute 'event'",
    ),
    "null_json_event": (
        _msg_stream(end=[(None, "null")]),
        "AttributeError: 'NoneType' object has no attribute 'event'",
    ),
    "malformed_json": (
        _msg_stream(end=[("thread.message.delta", "{not json")]),
        "JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
    ),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_synthetic_parity(name: str) -> None:
    run = assert_parity(f.chunked(f.sse_bytes(SCENARIOS[name]), 37))
    assert run.exception is None


@pytest.mark.parametrize("name", sorted(FAILING))
def test_synthetic_failure_parity(name: str) -> None:
    events, expected = FAILING[name]
    run = assert_parity(f.chunked(f.sse_bytes(events), 53))
    assert run.exception == expected
    assert [cb.name for cb in run.callbacks][-2:] == ["on_exception", "on_end"]


def test_full_dump_parity_on_synthetic_streams() -> None:
    for events in SCENARIOS.values():
        assert_parity(f.chunked(f.sse_bytes(events), 4096), strict=False)


CUT_BASE = SCENARIOS["tool_calls_interleaved_then_requires_action"]


@pytest.mark.parametrize("cut_at", [0.3, 0.5, 0.77, 0.99])
def test_cut_stream_parity(cut_at: float) -> None:
    body = f.sse_bytes(CUT_BASE)
    cut = body[: int(len(body) * cut_at)]
    run = assert_parity(f.chunked(cut, 29), raise_at_end=httpx2.RemoteProtocolError("peer closed connection"))
    assert run.exception == "RemoteProtocolError: peer closed connection"
    assert_parity(f.chunked(cut, 29))  # the same bytes ending cleanly: the partial event is dropped


def test_timeout_parity() -> None:
    body = f.sse_bytes(SCENARIOS["two_messages_one_run"][:8])
    run = assert_parity(f.chunked(body, 100), raise_at_end=httpx2.ReadTimeout("timed out"))
    assert [cb.name for cb in run.callbacks][-3:] == ["on_timeout", "on_exception", "on_end"]


@needs_real_streams
def test_real_error_event_parity() -> None:
    path = next(p for p in ASSISTANT_STREAMS if "error" in p.name)
    run = assert_parity(f.chunked(path.read_bytes().rstrip(b"\n") + b"\n\n", 500))
    assert run.exception is not None and run.exception.startswith("APIError: The server had an error")


@needs_real_streams
def test_real_streams_split_at_every_event_boundary_still_match() -> None:
    for path in ASSISTANT_STREAMS:
        body = path.read_bytes()
        assert_parity([body[i : i + 1] for i in range(0, min(len(body), 3000))] + [body[3000:]])


def _names(events: list[f.Event]) -> list[str]:
    run = acc_run(f.chunked(f.sse_bytes(events), 1 << 16))
    return [cb.name[3:] for cb in run.callbacks if cb.name != "on_event"]


def test_the_sdk_quirks_are_really_exercised() -> None:
    """The differential tests above pass on these streams; this pins down what the SDK actually does."""
    names = _names(SCENARIOS["tool_calls_interleaved_then_requires_action"])
    # 0,1,0,1 interleaving: a done/created pair at every switch; no on_tool_call_delta for a first delta;
    # the requires_action event fires on_tool_call_done once more
    assert names.count("tool_call_created") == 6 and names.count("tool_call_done") == 6
    assert names.count("tool_call_delta") == 1 and names[-2:] == ["tool_call_done", "end"]
    names = _names(SCENARIOS["tool_call_index_carries_across_steps"])
    assert names.count("tool_call_created") == 1  # step_b's tool call 0 is a "delta" of step_a's
    assert names.count("tool_call_done") == 4  # step_a, step_b, step_c (a message step!), run.completed
    run = acc_run(f.chunked(f.sse_bytes(SCENARIOS["several_content_parts_interleaved"]), 1 << 16))
    done = [cb.args[0].value for cb in run.callbacks if cb.name == "on_text_done"]
    assert done == ["A", "B", "Aax", "Bby", "Aaxz", "Cc"]  # "Aax": stale, the same event appended "z"
    run = acc_run(f.chunked(f.sse_bytes(SCENARIOS["annotations_in_deltas"]), 1 << 16))
    last = [cb for cb in run.callbacks if cb.name == "on_text_delta"][-1].args[1]
    assert last.annotations[0].text == "【4:0†a.pdf】!" and last.annotations[0].start_index == 5
    assert last.annotations[0].file_citation.file_id == "file_cfile_c"  # merged by index, concatenated
    first = [cb for cb in run.callbacks if cb.name == "on_text_delta"][4].args[1]
    assert [a.text for a in first.annotations] == ["p", "r"]  # a new block's first delta is not merged
    names = _names(SCENARIOS["image_file_content"])
    assert names[names.index("message_created", 3) + 1] == "text_done"  # msg_1's block, done in msg_2
    run = acc_run(f.chunked(f.sse_bytes(SCENARIOS["submit_tool_outputs_continuation"]), 1 << 16))
    after = next(i for i, cb in enumerate(run.callbacks) if cb.name == "on_run_step_done") + 2
    with pytest.raises(KeyError, match="step_prev"):  # on_event of the event after step.in_progress
        _ = run.callbacks[after].state.current_run_step_snapshot
    assert [s["status"] for s in run.final_run_steps] == ["in_progress"]  # step events never update it


# -- random access: checkpoints ----------------------------------------------------------------------


def _sse_events(body: bytes) -> list[tuple[str | None, str]]:
    return [(sse.event, sse.data) for sse in SSEDecoder().iter_bytes(iter([body]))]


def _dump(state: State | AssistantAccumulator) -> dict[str, Any]:
    out = log_entry("-", (), state, exclude_unset=True)["state"]
    out["messages"] = normalize(state.message_snapshots, exclude_unset=True)
    out["steps"] = normalize(state.run_step_snapshots, exclude_unset=True)
    for name in ("get_final_run", "get_final_messages", "get_final_run_steps"):
        out[name] = _final(getattr(state, name), True)
    stop = state.stop
    out["stop"] = None if stop is None else [stop.kind, normalize(stop.exception)]
    return out


def _event_logs(acc: AssistantAccumulator, events: list[tuple[str | None, str]]) -> list[list[Any]]:
    return [[log_entry(cb.name, cb.args, cb.state) for cb in acc.handle_sse(*ev)] for ev in events]


def _checkpoint_streams() -> dict[str, bytes]:
    streams = {name: f.sse_bytes(events) for name, events in SCENARIOS.items()}
    streams |= {name: f.sse_bytes(events) for name, (events, _) in FAILING.items()}
    streams |= {p.stem: p.read_bytes() for p in ASSISTANT_STREAMS}
    return streams


@pytest.mark.parametrize("every", [1, 5])
def test_restoring_checkpoints_reproduces_every_state(every: int) -> None:
    for name, body in _checkpoint_streams().items():
        events = _sse_events(body)
        acc = AssistantAccumulator()
        before: list[State] = []  # before[i]: the state before event i
        straight: list[dict[str, Any]] = []
        logs: list[list[Any]] = []
        for ev in events:
            before.append(acc.checkpoint())
            logs += _event_logs(acc, [ev])
            straight.append(_dump(acc))
        # a timeline: reach i from the checkpoint at or before it; visit indexes out of order so that
        # restored branches re-append to ropes that later states already extended
        order = list(range(len(events)))[::-1][::2] + list(range(len(events)))[::2]
        for i in order:
            c = (i // every) * every
            replay = AssistantAccumulator.restore(before[c])
            assert _event_logs(replay, events[c:i])[-1:] == logs[c:i][-1:], (name, i)
            assert _event_logs(replay, [events[i]]) == [logs[i]], (name, i)
            assert _dump(replay) == straight[i], (name, i)
        assert _dump(AssistantAccumulator.restore(acc.checkpoint())) == _dump(acc)


def _feed(acc: AssistantAccumulator, name: str | None, data: Any) -> Any:
    """Factories' events: parsed JSON, or a raw ``str`` (``[DONE]``) that goes through ``handle_sse``."""
    return acc.handle_sse(name, data) if isinstance(data, str) else acc.handle_event(name, data)


def test_a_diverging_branch_does_not_disturb_stored_states() -> None:
    events = SCENARIOS["two_messages_one_run"]
    acc = AssistantAccumulator()
    states = []
    for name, data in events:
        _feed(acc, name, data)
        states.append(acc.checkpoint())
    at = next(i for i, (name, _) in enumerate(events) if name == "thread.message.delta")  # after "Hello"
    texts = [_dump(s)["current_message_snapshot"] for s in states]
    branch = AssistantAccumulator.restore(states[at])
    branch.handle_event(*f.message_delta("msg_1", f.text_delta(0, " there")))
    branch.handle_event(*f.message_delta("msg_1", f.text_delta(0, "!")))
    assert branch.current_message_snapshot is not None
    assert branch.current_message_snapshot.content[0].text.value == "Hello there!"  # type: ignore[union-attr]
    replay = AssistantAccumulator.restore(states[at])
    for name, data in events[at + 1 :]:
        _feed(replay, name, data)
    assert [_dump(s)["current_message_snapshot"] for s in states] == texts
    assert _dump(replay) == _dump(acc)
    with pytest.raises(AttributeError):
        states[0]._run = None  # type: ignore[misc]


def test_checkpoint_and_accumulator_expose_the_same_accessors() -> None:
    acc = AssistantAccumulator()
    for name, data in SCENARIOS["tool_call_index_carries_across_steps"]:
        _feed(acc, name, data)
    state = acc.checkpoint()
    assert _dump(state) == _dump(acc)
    assert list(acc.message_snapshots) == ["msg_1"]
    assert list(acc.run_step_snapshots) == ["step_a", "step_b", "step_c"]
    assert acc.stop is not None and acc.stop.kind == "done"
    assert acc.handle_event(*f.run_event("failed")) == []  # nothing after [DONE]


def test_typed_events_are_accepted() -> None:
    from openai._models import construct_type
    from openai.types.beta import AssistantStreamEvent

    events = [e for e in SCENARIOS["annotations_in_deltas"] if e[0] != "done"]
    typed = AssistantAccumulator()
    raw = AssistantAccumulator()
    for name, data in events:
        model = construct_type(type_=AssistantStreamEvent, value={"data": data, "event": name})
        mine = typed.handle_model(model)  # type: ignore[arg-type]
        assert mine[0].args[0] is model
        theirs = raw.handle_event(name, data)
        assert [log_entry(c.name, c.args, c.state) for c in mine] == [
            log_entry(c.name, c.args, c.state) for c in theirs
        ]
    assert _dump(typed) == _dump(raw)


# -- long streams and checkpoint memory -----------------------------------------------------------------------

_WORDS = ["The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog", "."]


def _long_text_events(n: int) -> list[f.Event]:
    events = [*f.run_prelude(), f.step_event("created"), f.message_event("created")]
    events += [f.message_delta("msg_1", f.text_delta(0, _WORDS[i % 10], [] if i == 0 else None)) for i in range(n)]
    return events


def test_accumulator_matches_the_sdk_handler_on_a_long_text() -> None:
    """20k deltas of one text through the SDK handler (on ready-made event models) and the accumulator: the
    same text at the end. Its speed against the SDK is bench/timeline.py's to measure, not a test's."""
    from openai import AssistantEventHandler
    from openai._models import construct_type
    from openai.types.beta import AssistantStreamEvent

    events = _long_text_events(20_000)
    handler = AssistantEventHandler()
    for name, data in events:
        handler._emit_sse_event(construct_type(type_=AssistantStreamEvent, value={"data": data, "event": name}))
    acc = AssistantAccumulator()
    for name, data in events:
        acc.handle_event(name, data)
    expected = handler.current_message_snapshot.content[0].text.value  # type: ignore[union-attr]
    assert acc.current_message_snapshot.content[0].text.value == expected  # type: ignore[union-attr]


def test_checkpoints_every_256_events_of_a_50k_delta_stream_stay_small() -> None:
    events = _long_text_events(50_000)
    gc.collect()
    tracemalloc.start()
    try:
        acc = AssistantAccumulator()
        checkpoints = []
        base = tracemalloc.get_traced_memory()[0]
        for i, (name, data) in enumerate(events):
            if i % 256 == 0:
                checkpoints.append(acc.checkpoint())
            acc.handle_event(name, data)
        used = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert len(checkpoints) == 196
    assert used < 16 * 2**20, f"{used / 2**20:.1f} MiB"  # measured: < 1 MiB (text shared, not copied)
    # and they are usable: the last checkpoint plus the remaining events is the final state
    replay = AssistantAccumulator.restore(checkpoints[-1])
    for name, data in events[195 * 256 :]:
        replay.handle_event(name, data)
    final, expected = replay.current_message_snapshot, acc.current_message_snapshot
    assert final is not None and expected is not None
    assert final.content[0].text.value == expected.content[0].text.value  # type: ignore[union-attr]
