"""The TUI's panes for a generic SSE stream: the event as the stream yields it, its data (pretty-printed
when it is JSON), the event names read so far, and the stream as a whole (a :class:`~ssetape.apis.contract.Panes`).

``moment.state`` is an :class:`~ssetape.apis.sse.accumulator.EventsState`.
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from ssetape.replayer import Moment, Timeline
from ssetape.tui import fired, is_first_look

__all__ = ["TITLES", "callbacks", "content", "facts", "items", "outcome"]

TITLES = {"callbacks": "stream events", "content": "data", "items": "event names", "outcome": "stream"}


def facts(timeline: Timeline) -> list[str]:
    """That no API recognises the stream: nothing in it is read as an API's."""
    return ["no API recognised: generic SSE"]


def _describe(callback: Any) -> str:
    return f"event {callback.name}"


def callbacks(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """The event the stream yields (every event is yielded as it is)."""
    return f"stream events · {len(moment.callbacks)} yielded", "", fired(timeline, moment, _describe, "no event")


def content(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """The event's name, id and data: JSON pretty-printed, anything else as sent."""
    event = moment.event
    text = event.raw if isinstance(event.data, str) else json.dumps(event.data, indent=2, ensure_ascii=False)
    subtitle = f"id {event.id}" if event.id is not None else "no id"
    return f"data · event {event.name}", subtitle, Text(text)


def items(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """How many events of each name the stream has sent so far, this event's name marked."""
    state: Any = moment.state
    lines: list[RenderableType] = []
    for name, count in state.names.items():
        here = name == moment.event.name
        lines.append(Text(("▶ " if here else "  ") + f"{name}: {count}", style="bold" if here else ""))
    return f"event names · {len(state.names)}", "", Group(*lines)


def outcome(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """Events read so far out of the whole stream (its total once it is indexed whole: a first look's is not
    the stream's), and the last event id sent (what a client reconnects with)."""
    state: Any = moment.state
    last_id = next((e.id for e in reversed(timeline.events[: moment.index + 1]) if e.id is not None), None)
    if is_first_look(timeline):
        read = Text(f"{state.count} events read so far (the whole stream is still being indexed)")
    else:
        read = Text(f"{state.count} of {len(timeline)} events read")
    lines = [
        read,
        Text(f"last event id {last_id}" if last_id is not None else "no event id sent yet", style="dim"),
    ]
    return "stream", "", Group(*lines)
