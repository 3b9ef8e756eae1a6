"""``ssetape validate``'s rules for Assistants streams: every event named, the SDK's types, the run's order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openai.types.beta import AssistantStreamEvent

from ssetape.replayer import Problem, StreamEvent

from .._data import as_dict
from .._rules import check, members
from .wire import RUN_TERMINAL

__all__ = ["order", "schema", "sse"]

_EVENTS = members(AssistantStreamEvent, "event")
#: What a message's or a step's last event ends in.
_DONE_SUFFIXES = ("completed", "incomplete", "failed", "cancelled", "expired")


def sse(event: StreamEvent) -> Iterator[Problem]:
    if event.name == "message":
        yield Problem("sse", "an event with no `event:` name in an Assistants stream", event=event.index)


def schema(event: StreamEvent) -> Iterator[Problem]:
    data = as_dict(event.data)
    if event.name == "error":
        # The SDK's Stream raises APIError from data["error"] before it would parse an ErrorEvent.
        if not isinstance(as_dict(data.get("error")).get("message"), str):
            yield Problem("schema", 'error: data has no {"error": {"message": ...}}', event=event.index)
        return
    model = _EVENTS.get(event.name)
    if model is None:
        yield Problem(
            "schema", f"{event.name}: not an event type the openai SDK knows", event=event.index, severity="warning"
        )
        return
    yield from check(model, {"event": event.name, "data": data}, event, prefix="")


def order(found: list[StreamEvent], complete: bool) -> Iterator[Problem]:
    created: dict[str, set[str]] = {"message": set(), "step": set()}
    finished: dict[str, dict[str, str]] = {"message": {}, "step": {}}
    run_seen = False
    terminal: StreamEvent | None = None
    end: StreamEvent | None = None  # done or error
    for event in found:
        name, data = event.name, as_dict(event.data)
        if end is not None:
            yield Problem("order", f"{name} after `{end.name}` (event {end.index})", event=event.index)
            continue
        if name in ("done", "error"):
            end = event
            continue
        if terminal is not None:
            yield Problem(
                "order",
                f"{name} after the run's terminal event {terminal.name} (event {terminal.index})",
                event=event.index,
            )
        if not isinstance(event.data, dict):
            continue  # reported by the sse or schema rule
        yield from _status(event, data)
        kind = (
            "step" if name.startswith("thread.run.step.") else "message" if name.startswith("thread.message.") else None
        )
        if kind is not None:
            object_id = str(data.get("id"))
            action = name.rsplit(".", 1)[1]
            if object_id in finished[kind]:
                yield Problem(
                    "order", f"{name} for {kind} {object_id} after its {finished[kind][object_id]}", event=event.index
                )
            if action == "created":
                if object_id in created[kind]:
                    yield Problem("order", f"{kind} {object_id} created twice", event=event.index)
                created[kind].add(object_id)
            elif action == "delta" and object_id not in created[kind]:
                yield Problem("order", f"{name} for {kind} {object_id} before its {_created(kind)}", event=event.index)
            elif action in _DONE_SUFFIXES:
                finished[kind][object_id] = name
        elif name.startswith("thread.run."):
            if name == "thread.run.created" and run_seen:
                yield Problem("order", "thread.run.created after other run events", event=event.index)
            run_seen = True
            if name in RUN_TERMINAL:
                if terminal is not None:
                    continue  # already reported as an event after the terminal one
                terminal = event
    if complete and (end is None or end.name != "error"):
        last = len(found) - 1 if found else None
        if terminal is None:
            yield Problem(
                "order",
                "no terminal run event (completed, failed, cancelled, expired, incomplete, requires_action)",
                event=last,
            )
        if end is None:
            yield Problem("order", "the stream does not end with `done`", event=last)


def _created(kind: str) -> str:
    return "thread.run.step.created" if kind == "step" else "thread.message.created"


def _status(event: StreamEvent, data: dict[str, Any]) -> Iterator[Problem]:
    """The ``status`` rule: a ``thread.*`` event past ``created`` carries the status its type names."""
    action = event.name.rsplit(".", 1)[-1]
    if not event.name.startswith("thread.") or action in ("created", "delta") or "status" not in data:
        return
    if data["status"] != action:
        yield Problem(
            "status", f"{event.name} carries status {data['status']!r}", event=event.index, severity="warning"
        )
