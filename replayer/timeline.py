"""Random access to a recorded Assistants stream: for any event, what the SDK's handler sees.

A :class:`Timeline` indexes one streamed interaction once: every SSE event with its arrival time,
the callbacks the SDK's ``AssistantEventHandler`` fires for it (from the pure
:class:`~replayer.accumulator.AssistantAccumulator`, which matches the SDK exactly), and a
checkpoint of the accumulated state every ``every`` events. The state after event ``i`` is the
nearest checkpoint at or before it plus at most ``every - 1`` events, so stepping and jumping cost
the same anywhere in a 50k-event stream.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import httpx2

from recorder import Cassette, Interaction, load

from .accumulator import AssistantAccumulator, Callback, Emitted, State, Stop
from .events import StreamEvent, events
from .stream import pick
from .transport import _error_for

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Moment:
    """Everything about event ``index``: the event, the callbacks it fires, and the state after it."""

    index: int
    event: StreamEvent
    callbacks: list[Callback]
    state: State

    @property
    def at(self) -> float:
        return self.event.at


class Timeline:
    """An indexed stream: ``len(timeline)`` events; ``timeline[i]`` is a :class:`Moment`."""

    def __init__(
        self,
        cassette: Cassette | str | Path,
        interaction: int | None = None,
        *,
        every: int = 64,
        progress: Progress | None = None,
    ) -> None:
        if every < 1:
            raise ValueError(f"every must be at least 1, not {every}")
        self.cassette = cassette if isinstance(cassette, Cassette) else load(cassette)
        self.interaction = pick(self.cassette, interaction)
        self.every = every
        item = self.cassette.interactions[self.interaction]
        with _gc_paused():
            self._build(item, progress)

    def _build(self, item: Interaction, progress: Progress | None) -> None:
        every = self.every
        self.events = events(item)
        self._callbacks: list[Emitted] = []
        self._checkpoints: list[State] = []
        acc = AssistantAccumulator()
        total = len(self.events)
        for event in self.events:
            if event.index % every == 0:
                self._checkpoints.append(acc.checkpoint())
                if progress is not None:
                    progress(event.index, total)
            self._callbacks.append(_feed(acc, event))
        self._final = acc.checkpoint()
        self._cursor: tuple[int, AssistantAccumulator] = (-1, AssistantAccumulator())
        #: Why the SDK stops reading (``[DONE]``, an error event, a handler exception), or ``None``.
        self.stop: Stop | None = acc.stop
        #: What the transport raises after the last recorded byte when the recording was cut off.
        self.transport_error = _error_for(httpx2, item)
        #: The SDK's closing callbacks after the last event: ``[on_timeout], [on_exception], on_end``.
        self.end_callbacks: list[Callback] = acc.finish(self.transport_error if self.stop is None else None)
        if progress is not None:
            progress(total, total)

    @property
    def interaction_record(self) -> Interaction:
        return self.cassette.interactions[self.interaction]

    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self) -> Iterator[Moment]:
        acc = AssistantAccumulator()
        for event, emitted in zip(self.events, self._callbacks, strict=True):
            _feed(acc, event)
            yield Moment(event.index, event, list(emitted), acc.checkpoint())

    def __getitem__(self, index: int) -> Moment:
        index = self._index(index)
        return Moment(index, self.events[index], list(self._callbacks[index]), self.state(index))

    def callbacks(self, index: int) -> list[Callback]:
        """The callbacks the SDK's handler fires for event ``index``, in order."""
        return list(self._callbacks[self._index(index)])

    def state(self, index: int) -> State:
        """The handler's accumulated state after event ``index``."""
        index = self._index(index)
        if index == len(self.events) - 1:
            return self._final
        base = (index + 1) // self.every
        if (index + 1) % self.every == 0 and base < len(self._checkpoints):
            return self._checkpoints[base]
        # Stepping forward continues from the last state asked for; anything else starts at a checkpoint.
        at, acc = self._cursor
        if not (base * self.every - 1 <= at <= index):
            at, acc = base * self.every - 1, AssistantAccumulator.restore(self._checkpoints[base])
        for event in self.events[at + 1 : index + 1]:
            _feed(acc, event)
        self._cursor = (index, acc)
        return acc.checkpoint()

    @cached_property
    def duration(self) -> float:
        """Seconds from sending the request to the last event."""
        return self.events[-1].at if self.events else self.interaction_record.response_at

    def _index(self, index: int) -> int:
        size = len(self.events)
        if not -size <= index < size:
            raise IndexError(f"event {index} is out of range: the stream has {size} events")
        return index % size


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Indexing allocates a few small objects per event and keeps them all: the cyclic collector would
    rescan the growing heap again and again (half the build time on 50k events) and find nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _feed(acc: AssistantAccumulator, event: StreamEvent) -> Emitted:
    # The SDK's decoder reports a missing `event:` field as None where the WHATWG rules say "message".
    name = None if event.name == "message" else event.name
    if isinstance(event.data, str):  # not JSON: [DONE], or something the SDK fails to parse
        return acc.handle_sse(name, event.raw)
    return acc.handle_event(name, event.data)  # already parsed once, by events()
