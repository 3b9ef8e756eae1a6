"""``ssetape validate``'s rules for Gemini streams: every event a ``GenerateContentResponse`` by the SDK's
types, unnamed (the SDK reads only ``data:`` lines), and nothing after the chunk that finished the
candidates (but a chunk of usage only), nor after an error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from google.genai import types

from ssetape.replayer import Problem, StreamEvent

from .._rules import check
from ._genai import converted
from .wire import CHUNK_KEYS

__all__ = ["order", "schema", "sse"]


def sse(event: StreamEvent) -> Iterator[Problem]:
    if event.name != "message":
        yield Problem(
            "sse",
            f"a named event (`{event.name}`): the SDK reads only data lines, and fails on this one",
            event=event.index,
        )


def schema(event: StreamEvent) -> Iterator[Problem]:
    data = event.data
    if isinstance(data.get("error"), dict):
        error = data["error"]
        if not isinstance(error.get("code"), int):
            yield Problem(
                "schema", "error: .data.error.code: an error event carries {code, message, status}", event=event.index
            )
        return
    unknown = sorted(set(data) - CHUNK_KEYS)
    if unknown:
        yield Problem(
            "schema",
            f"chunk: .data: fields the SDK's GenerateContentResponse does not know: {', '.join(unknown)}",
            event=event.index,
            severity="warning",
        )
    try:
        parsed = converted(data)
    except Exception as exc:  # the SDK's converter fails on it as the stream would
        yield Problem("schema", f"chunk: the SDK cannot read it: {type(exc).__name__}: {exc}", event=event.index)
        return
    yield from check(types.GenerateContentResponse, parsed, event, prefix=".data")


def _finished(data: Any) -> bool:
    candidates = data.get("candidates") if isinstance(data, dict) else None
    return (
        isinstance(candidates, list)
        and bool(candidates)
        and all(isinstance(candidate, dict) and candidate.get("finishReason") for candidate in candidates)
    )


def _usage_only(data: Any) -> bool:
    return isinstance(data, dict) and not data.get("candidates") and isinstance(data.get("usageMetadata"), dict)


def order(found: list[StreamEvent], complete: bool) -> Iterator[Problem]:
    """Nothing after an error event; after the chunk that finished every candidate, only usage."""
    finished: StreamEvent | None = None
    for event in found:
        data = event.data
        if isinstance(data, dict) and isinstance(data.get("error"), dict):
            after = found[event.index + 1 :] if found and found[-1].index >= event.index else []
            if after:
                yield Problem("order", f"an event after the error (event {event.index})", event=after[0].index)
            return
        if finished is not None and not _usage_only(data):
            yield Problem("order", f"a chunk after the candidates finished (event {finished.index})", event=event.index)
            return
        if finished is None and _finished(data):
            finished = event
