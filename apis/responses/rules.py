"""``ssetape validate``'s rules for Responses streams: the SDK's types, ``sequence_number`` order, one final event."""

from __future__ import annotations

from collections.abc import Iterator

from openai.types.responses import ResponseStreamEvent

from ssetape.replayer import Problem, StreamEvent

from .._data import as_dict
from .._rules import check, members
from .wire import FINAL

__all__ = ["order", "schema", "sse"]

_EVENTS = members(ResponseStreamEvent, "type")


def sse(event: StreamEvent) -> Iterator[Problem]:
    return iter(())  # nothing beyond the generic rules: the JSON type names an event the SSE does not


def schema(event: StreamEvent) -> Iterator[Problem]:
    if event.name == "error":
        return
    data = as_dict(event.data)
    kind = data.get("type", event.name)
    model = _EVENTS.get(kind)
    if model is None:
        yield Problem(
            "schema", f"{kind}: not an event type the openai SDK knows", event=event.index, severity="warning"
        )
        return
    yield from check(model, data, event, prefix=".data")


def order(found: list[StreamEvent], complete: bool) -> Iterator[Problem]:
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
        if event.name in FINAL:
            terminal = terminal or event
        error = error or event.name == "error"
    if complete and not error and terminal is None:
        yield Problem(
            "order",
            "no terminal event (response.completed, response.failed, response.incomplete)",
            event=len(found) - 1 if found else None,
        )
