"""A generic SSE stream's reader: no SDK knows it, so ``replayer.stream`` gives an EventSource-like
:class:`~ssetape.apis.sse.stream.EventStream` over an ``httpx2`` client; ``Timeline`` counts its events."""

from __future__ import annotations

from typing import Any, TextIO

import httpx2

from ..answer import Said
from .accumulator import EventsAccumulator
from .stream import AsyncEventStreamManager, EventStreamManager
from .transcript import print_events

__all__ = ["OPTIONS", "YIELDS_EVENTS", "accumulator", "answer", "client", "manager", "transcribe"]

OPTIONS: tuple[str, ...] = ()
YIELDS_EVENTS = True


def client(transport: Any, *, asynchronous: bool) -> Any:
    if asynchronous:
        return httpx2.AsyncClient(transport=transport)
    return httpx2.Client(transport=transport)


def manager(client: Any, item: Any, event_handler: Any, *, asynchronous: bool, given: dict[str, Any]) -> Any:
    return AsyncEventStreamManager(client, item) if asynchronous else EventStreamManager(client, item)


def accumulator(item: Any) -> tuple[Any, Any]:
    return EventsAccumulator, EventsAccumulator.restore


def answer(state: Any, item: Any, index: int, said: Said) -> None:
    """Nothing: no API says which of a generic stream's fields is the assistant's answer."""


def transcribe(open_stream: Any, out: TextIO) -> bool:
    with open_stream(None) as stream:
        return print_events(stream, out)
