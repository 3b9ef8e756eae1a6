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

What is particular to one API (its ``sse`` rule, its schema, its order and status rules) is that API's
home's to check (``ssetape.apis.<kind>.rules``, which import the SDK's types; this module does not): the
stream's first event that names its API decides which; a stream that names none gets the generic rules.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ssetape.apis import DEFAULT, Rules
from ssetape.recorder import Cassette, CassetteDecodeError, Interaction, load

from .kinds import api_of, api_of_events
from .stream_events import StreamEvent, _decode, unread

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
        try:
            found = [problem for problem in _interaction(interaction, skip) if problem.rule not in skip]
        except CassetteDecodeError as exc:  # chunk sizes are added up when first read (recorder.chunks)
            if "format" not in skip:
                problems.append(Problem("format", exc.problem, index, cassette=name, line=exc.line))
            continue
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
        body = item.response.decoded_body
        if media == "application/json" and body and item.complete:
            try:
                json.loads(body)
            except ValueError as exc:
                yield Problem("format", f"the response says application/json but its body is not JSON: {exc}")
        return
    yield from _text(item.response.decoded_body)
    found, pending = _decode(item)
    if unread(pending) and item.complete:
        # A whole body (lines whole or not) whose SDK reads less than it holds: ls calls it unterminated.
        yield Problem(
            "sse",
            f"its last {len(pending)} bytes are an event no blank line ends: the SDK never reads it "
            f"({clip(pending)})",
            event=len(found),
            severity="warning",
        )
    named = api_of_events((event.name, event.data) for event in found)
    rules: Rules | None = named.rules if named is not None else None
    # An API sends JSON data; a generic SSE stream (no API named, no API's path) may send anything.
    generic = named is None and api_of(item) is DEFAULT
    for event in found:
        if generic:
            continue
        if isinstance(event.data, str) and event.data == event.raw and event.raw != "[DONE]":
            yield Problem("sse", f"{event.name}: data is not JSON: {clip(event.raw)}", event=event.index)
            continue
        framing = list(rules.sse(event)) if rules is not None else []
        if framing:
            yield from framing
        elif "schema" not in skip:
            yield from _schema(rules, event)
    # A missing end is excused by a recorded cut, and already reported for a body that ends mid-event.
    ended = item.complete and not pending.strip()
    if rules is not None:
        yield from rules.order(found, ended)


def _text(body: bytes) -> Iterator[Problem]:
    """An event stream is UTF-8 text; and one that starts with a byte-order mark is read two ways."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        yield Problem(
            "sse",
            f"the body is not UTF-8 text: byte {body[exc.start]:#04x} at offset {exc.start} ({exc.reason}); "
            "an SDK reading it fails there",
        )
    if body.startswith(codecs.BOM_UTF8):
        yield Problem(
            "sse",
            "the body starts with a byte-order mark: ssetape skips it, as the SSE standard says, but the openai and "
            "anthropic SDKs do not, and drop the first event (its field reads as '\\ufeffdata')",
            event=0,
            severity="warning",
        )


def _schema(rules: Rules | None, event: StreamEvent) -> Iterator[Problem]:
    """``[DONE]`` aside, data must be a JSON object; the API's rules check the object against the SDK's types."""
    if event.raw == "[DONE]":
        return
    if not isinstance(event.data, dict):
        yield Problem("schema", f"{event.name}: data is {clip(event.raw)}, not a JSON object", event=event.index)
        return
    if rules is not None:
        yield from rules.schema(event)


def clip(text: str | bytes, width: int = 40, *, quote: bool = True) -> str:
    """``text`` for a problem's message: cut to ``width``, JSON-quoted unless ``quote`` is False."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if len(text) > width:
        text = text[:width] + "…"
    return json.dumps(text, ensure_ascii=False) if quote else text
