"""``ssetape validate``'s rules for Anthropic Messages streams: every event one of the SDK's raw stream events,
named as its data's ``type``, in the order the API sends them."""

from __future__ import annotations

from collections.abc import Iterator

from anthropic.types import RawMessageStreamEvent
from anthropic.types.beta import BetaRawMessageStreamEvent

from ssetape.replayer import Problem, StreamEvent

from .._rules import check, members
from .wire import MESSAGE_EVENTS

__all__ = ["order", "schema", "sse"]

#: The SDK's model of each event type: the stable one's, else the beta one's.
_MODELS = {**members(BetaRawMessageStreamEvent, "type"), **members(RawMessageStreamEvent, "type")}
_OTHERS = frozenset({"ping", "error"})


def sse(event: StreamEvent) -> Iterator[Problem]:
    data = event.data
    kind = data.get("type") if isinstance(data, dict) else None
    if event.name == "message":
        yield Problem("sse", "an unnamed event: the SDK's stream skips every event without `event:`", event=event.index)
    elif kind != event.name:
        yield Problem("sse", f"event `{event.name}` carries data of type {kind!r}", event=event.index)


def schema(event: StreamEvent) -> Iterator[Problem]:
    if event.name == "ping":
        return
    data = event.data
    if event.name == "error":
        error = data.get("error")
        if not isinstance(error, dict) or not isinstance(error.get("type"), str):
            yield Problem("schema", "error: .data.error: an error event carries {type, message}", event=event.index)
        return
    model = _MODELS.get(data.get("type"))  # a mismatched or unknown type is an ``sse`` problem
    if model is not None:
        yield from check(model, data, event, prefix=".data")


def order(found: list[StreamEvent], complete: bool) -> Iterator[Problem]:
    """``message_start`` first; a block starts before its deltas and stops after them, once; no block is
    open at ``message_delta`` (but one cut by ``max_tokens``, as the API leaves it); ``message_stop`` last;
    nothing after an ``error``."""
    started, open_blocks, stopped = False, set[object](), set[object]()
    ended: StreamEvent | None = None
    for event in found:
        name, data = event.name, event.data
        data = data if isinstance(data, dict) else {}
        if ended is not None:
            yield Problem("order", f"{name} after {ended.name} (event {ended.index})", event=event.index)
            return
        if name not in MESSAGE_EVENTS and name not in _OTHERS:
            continue
        if name == "message_start":
            if started:
                yield Problem("order", "a second message_start", event=event.index)
            started = True
        elif name != "error" and name != "ping" and not started:
            yield Problem("order", f"{name} before message_start", event=event.index)
            started = True
        index = data.get("index")
        if name == "content_block_start":
            if index in open_blocks or index in stopped:
                yield Problem("order", f"block {index} starts twice", event=event.index)
            elif index != len(open_blocks) + len(stopped):
                yield Problem("order", f"block {index} starts out of turn", event=event.index)
            open_blocks.add(index)
        elif name in ("content_block_delta", "content_block_stop"):
            if index not in open_blocks:
                where = "after its content_block_stop" if index in stopped else "before its content_block_start"
                yield Problem("order", f"{name} of block {index} {where}", event=event.index)
            if name == "content_block_stop" and index in open_blocks:
                open_blocks.discard(index)
                stopped.add(index)
        elif name == "message_delta" and open_blocks and _stop_reason(data) != "max_tokens":
            yield Problem(
                "order", f"message_delta while block {sorted(map(str, open_blocks))[0]} is open", event=event.index
            )
        elif name in ("message_stop", "error"):
            ended = event
    if ended is None and complete:
        yield Problem("order", "the stream does not end with message_stop", event=len(found) - 1 if found else None)


def _stop_reason(data: dict[str, object]) -> object:
    delta = data.get("delta")
    return delta.get("stop_reason") if isinstance(delta, dict) else None
