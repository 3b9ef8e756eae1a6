"""Checking a cassette (``ssetape validate``): problems as data, each located by interaction and event.

Rules (a problem names the one it breaks):

- ``format``: the file is a readable cassette; a JSON response body is JSON; chunk times never go back.
- ``cut-off`` (warning): the recording holds the whole response body.
- ``sse``: a streamed body is well-formed: it ends on an event boundary, every ``data`` is JSON
  (``[DONE]`` aside), and an Assistants stream names every event.
- ``schema``: every event parses into the installed openai SDK's types. Data that is not a JSON object
  is an error; a missing field or a wrong type is a warning (the SDK parses leniently and lets it
  through, leaving e.g. ``run.parallel_tool_calls`` unset although its type says ``bool``: the API
  and the SDK's types disagree, the recording is not at fault), and so is an event type the SDK
  does not know. An Assistants ``error`` event must hold ``{"error": {"message": ...}}``, which the
  SDK's stream reads before any typed parsing.
- ``order``: deltas come after their object's ``created`` event and never after it completed; one
  terminal run event (``completed``, ``failed``, ``cancelled``, ``expired``, ``incomplete``,
  ``requires_action``) and nothing after it but ``done``; ``done`` (``[DONE]`` for Chat Completions)
  exactly once, last; nothing after an ``error`` event. Responses streams: ``sequence_number``
  increases, one terminal ``response.*`` event, last. A cut-off recording or an ``error`` event
  excuses the missing end.
- ``status`` (warning): an event's ``status`` agrees with its type (``thread.run.completed`` says
  ``completed``).
"""

from __future__ import annotations

import json
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pydantic
from openai.types.beta import AssistantStreamEvent
from openai.types.chat import ChatCompletionChunk
from openai.types.responses import ResponseStreamEvent

from ssetape.recorder import Cassette, CassetteDecodeError, Interaction, load

from ._data import as_dict
from .kinds import api_of_events
from .stream_events import StreamEvent, _decode

__all__ = ["RULES", "Problem", "validate"]

Severity = Literal["error", "warning"]

#: Every rule, with what it checks.
RULES: dict[str, str] = {
    "format": "the file is a readable cassette; JSON bodies are JSON; chunk times never go back",
    "cut-off": "the recording holds the whole response (a warning)",
    "sse": "streamed bodies are well-formed SSE, every data is JSON, Assistants events are named",
    "schema": "every event parses into the openai SDK's types (field mismatches are warnings)",
    "order": "deltas after created, one terminal run event, done last, nothing after an error",
    "status": "an event's status agrees with its type (a warning)",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a cassette, and where."""

    rule: str
    message: str
    interaction: int | None = None
    event: int | None = None
    severity: Severity = "error"
    #: The cassette's file, when it has one; and the line, for a file that does not parse.
    cassette: str | None = None
    line: int | None = None

    def location(self) -> str:
        where = self.cassette or "<cassette>"
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.interaction is not None:
            parts.append(f"interaction {self.interaction}")
        if self.event is not None:
            parts.append(f"event {self.event}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.severity}: {self.message} [{self.rule}]"

    def to_json(self) -> dict[str, Any]:
        return {
            "cassette": self.cassette,
            "line": self.line,
            "interaction": self.interaction,
            "event": self.event,
            "severity": self.severity,
            "rule": self.rule,
            "message": self.message,
        }


def validate(cassette: Cassette | str | Path, *, ignore: Iterable[str] = ()) -> list[Problem]:
    """Every problem found, in file order; rules in ``ignore`` are not checked.

    A file that is not a readable cassette is one ``format`` problem (located by line). A file that is
    not there, or written by a newer ssetape, raises the reader's :class:`~recorder.CassetteError`.
    """
    skip = frozenset(ignore)
    unknown = skip - RULES.keys()
    if unknown:
        raise ValueError(f"unknown rule(s): {', '.join(sorted(unknown))}; rules: {', '.join(RULES)}")
    if isinstance(cassette, Cassette):
        loaded, name = cassette, str(cassette.path) if cassette.path else None
    else:
        name = str(cassette)
        try:
            loaded = load(cassette)
        except CassetteDecodeError as exc:
            return [] if "format" in skip else [Problem("format", exc.problem, cassette=name, line=exc.line)]
    problems = []
    for index, interaction in enumerate(loaded.interactions):
        found = [problem for problem in _interaction(interaction, skip) if problem.rule not in skip]
        found.sort(key=lambda problem: -1 if problem.event is None else problem.event)
        problems += [Problem(p.rule, p.message, index, p.event, p.severity, name) for p in found]
    return problems


def _interaction(item: Interaction, skip: frozenset[str]) -> Iterator[Problem]:
    recording = item.response.ssetape
    if recording is not None:
        last = recording.response_at
        for number, (at, _size) in enumerate(recording.chunks):
            if at < last:
                yield Problem(
                    "format", f"chunk {number} arrives at {at:.6f}s, before the one preceding it ({last:.6f}s)"
                )
                break
            last = at
        if not recording.complete:
            error = f": {recording.error.type}: {recording.error.message}" if recording.error else ""
            yield Problem(
                "cut-off",
                f"the recording was cut off after {len(item.response.body_bytes)} bytes{error}",
                severity="warning",
            )
    if not item.streamed:
        media = (item.response.header("content-type") or "").split(";")[0].strip().lower()
        body = item.response.body_bytes
        if media == "application/json" and body and item.complete:
            try:
                json.loads(body)
            except ValueError as exc:
                yield Problem("format", f"the response says application/json but its body is not JSON: {exc}")
        return
    found, pending = _decode(item)
    if pending.strip() and item.complete:
        yield Problem(
            "sse",
            f"the body ends inside an event: {len(pending)} bytes after the last blank line ({_clip(pending)})",
            event=len(found),
        )
    api = _api(found)
    for event in found:
        if isinstance(event.data, str) and event.data == event.raw and event.raw != "[DONE]":
            yield Problem("sse", f"{event.name}: data is not JSON: {_clip(event.raw)}", event=event.index)
        elif api == "assistants" and event.name == "message":
            yield Problem("sse", "an event with no `event:` name in an Assistants stream", event=event.index)
        elif "schema" not in skip:
            yield from _schema(api, event)
    # A missing end is excused by a recorded cut, and already reported for a body that ends mid-event.
    ended = item.complete and not pending.strip()
    if api == "assistants":
        yield from _assistants_order(found, ended)
    elif api == "responses":
        yield from _responses_order(found, ended)
    elif api == "chat":
        yield from _chat_order(found, ended)


def _api(found: list[StreamEvent]) -> str:
    named = api_of_events((event.name, event.data) for event in found)
    return named.kind if named is not None else "unknown"


# --- schema ----------------------------------------------------------------------------------------


def _members(union: Any, tag: str) -> dict[str, type[pydantic.BaseModel]]:
    """The models of one of the SDK's tagged unions, by the value of their ``tag`` field."""
    while typing.get_origin(union) is typing.Annotated:
        union = typing.get_args(union)[0]
    out = {}
    for model in typing.get_args(union):
        literal = typing.get_args(model.model_fields[tag].annotation)
        if literal:
            out[literal[0]] = model
    return out


_ASSISTANT_EVENTS = _members(AssistantStreamEvent, "event")
_RESPONSE_EVENTS = _members(ResponseStreamEvent, "type")


def _schema(api: str, event: StreamEvent) -> Iterator[Problem]:
    if event.raw == "[DONE]":
        return
    if not isinstance(event.data, dict):
        yield Problem("schema", f"{event.name}: data is {_clip(event.raw)}, not a JSON object", event=event.index)
        return
    if api == "assistants":
        if event.name == "error":
            # The SDK's Stream raises APIError from data["error"] before it would parse an ErrorEvent.
            if not isinstance(as_dict(event.data.get("error")).get("message"), str):
                yield Problem("schema", 'error: data has no {"error": {"message": ...}}', event=event.index)
            return
        model = _ASSISTANT_EVENTS.get(event.name)
        if model is None:
            yield Problem(
                "schema", f"{event.name}: not an event type the openai SDK knows", event=event.index, severity="warning"
            )
            return
        yield from _check(model, {"event": event.name, "data": event.data}, event, prefix="")
    elif api == "responses" and event.name != "error":
        kind = event.data.get("type", event.name)
        model = _RESPONSE_EVENTS.get(kind)
        if model is None:
            yield Problem(
                "schema", f"{kind}: not an event type the openai SDK knows", event=event.index, severity="warning"
            )
            return
        yield from _check(model, event.data, event, prefix=".data")
    elif api == "chat":
        yield from _check(ChatCompletionChunk, event.data, event, prefix=".data")


def _check(model: type[pydantic.BaseModel], value: Any, event: StreamEvent, prefix: str) -> Iterator[Problem]:
    try:
        model.model_validate(value)
    except pydantic.ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        path = prefix + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in first["loc"])
        got = "" if first["type"] == "missing" else f" (got {_clip(json.dumps(first['input']), quote=False)})"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        yield Problem(
            "schema",
            f"{event.name}: {path}: {first['msg']}{got}, for the SDK's {model.__name__}{more}",
            event=event.index,
            severity="warning",
        )


# --- order -----------------------------------------------------------------------------------------

_RUN_TERMINAL = frozenset(
    {
        "thread.run.completed",
        "thread.run.failed",
        "thread.run.cancelled",
        "thread.run.expired",
        "thread.run.incomplete",
        "thread.run.requires_action",
    }
)
_DONE_SUFFIXES = ("completed", "incomplete", "failed", "cancelled", "expired")


def _assistants_order(found: list[StreamEvent], complete: bool) -> Iterator[Problem]:
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
            if name in _RUN_TERMINAL:
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
    action = event.name.rsplit(".", 1)[-1]
    if not event.name.startswith("thread.") or action in ("created", "delta") or "status" not in data:
        return
    if data["status"] != action:
        yield Problem(
            "status", f"{event.name} carries status {data['status']!r}", event=event.index, severity="warning"
        )


_RESPONSE_TERMINAL = frozenset({"response.completed", "response.failed", "response.incomplete"})


def _responses_order(found: list[StreamEvent], complete: bool) -> Iterator[Problem]:
    previous: int | None = None
    terminal: StreamEvent | None = None
    error = False
    for event in found:
        data = as_dict(event.data)
        number = data.get("sequence_number")
        if isinstance(number, int):
            if previous is not None and number <= previous:
                yield Problem("order", f"sequence_number {number} after {previous}", event=event.index)
            previous = number
        if terminal is not None:
            yield Problem("order", f"{event.name} after {terminal.name} (event {terminal.index})", event=event.index)
        if event.name in _RESPONSE_TERMINAL:
            terminal = terminal or event
        error = error or event.name == "error"
    if complete and not error and terminal is None:
        yield Problem(
            "order",
            "no terminal event (response.completed, response.failed, response.incomplete)",
            event=len(found) - 1 if found else None,
        )


def _chat_order(found: list[StreamEvent], complete: bool) -> Iterator[Problem]:
    done = next((event for event in found if event.raw == "[DONE]"), None)
    if done is not None:
        for event in found[done.index + 1 :]:
            yield Problem("order", f"an event after [DONE] (event {done.index})", event=event.index)
    elif complete:
        yield Problem("order", "the stream does not end with [DONE]", event=len(found) - 1 if found else None)


def _clip(text: str | bytes, width: int = 40, *, quote: bool = True) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if len(text) > width:
        text = text[:width] + "…"
    return json.dumps(text, ensure_ascii=False) if quote else text
