"""Random access to a recorded stream: for any event, what the SDK's stream gives the reader.

A :class:`Timeline` indexes one streamed interaction once: every SSE event with its arrival time, what
the SDK does with it, and a checkpoint of the accumulated state every ``every`` events. The state after
event ``i`` is the nearest checkpoint at or before it plus at most ``every - 1`` events, so stepping and
jumping cost the same anywhere in a 50k-event stream.

What "what the SDK does" means depends on the kind of stream (``timeline.kind``, see
:func:`replayer.kind_of`):

- ``"assistants"``: the callbacks ``AssistantEventHandler`` fires, from the pure
  :class:`~ssetape.apis.assistants.accumulator.AssistantAccumulator` (which matches the SDK exactly), and its state;
- ``"responses"`` / ``"chat"``: the events ``ResponseStream`` / ``ChatCompletionStream`` yield, as
  :class:`~ssetape.apis.StreamCallback` (``name`` is the event's ``type``, ``args`` is
  ``(event,)``), and the SDK's own accumulated state (:class:`~ssetape.apis.responses.accumulator.ResponsesState`,
  :class:`~ssetape.apis.chat.accumulator.ChatState`: ``current_snapshot`` is the ``ParsedResponse`` /
  ``ParsedChatCompletion`` so far). Those events are rebuilt on first use, from the nearest state, so
  each shows the snapshot as it was at its event (the SDK goes on mutating the one it yielded).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import Any, TypeAlias

import httpx2

from ssetape.apis import Stop, StreamCallback
from ssetape.recorder import Cassette, Interaction, collector_paused, load

from .kinds import Kind, api_of
from .stream_events import StreamEvent, events
from .streaming import pick
from .transport import _error_for

Progress = Callable[[int, int], None]
#: The state after an event: the API's accumulator's checkpoint (``AssistantAccumulator``'s ``State``, the
#: SDK's own stream state for Responses and Chat Completions; see each API's home in ``ssetape.apis``).
AnyState: TypeAlias = Any
#: What an event makes the SDK fire: a handler callback (Assistants) or an event the stream yields, each
#: with ``name`` and ``args``.
AnyCallback: TypeAlias = Any


@dataclass(frozen=True, slots=True)
class Moment:
    """Everything about event ``index``: the event, the callbacks it fires, and the state after it."""

    index: int
    event: StreamEvent
    callbacks: list[AnyCallback]
    state: AnyState

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
        #: ``"assistants"``, ``"responses"`` or ``"chat"``: which SDK stream reads the recording.
        api = api_of(item)
        self.kind: Kind = api.kind
        self._new, self._restore = api.sdk.accumulator(item)
        #: Whether the SDK's stream yields events, which are rebuilt on first use as they were at their moment.
        self._yields_events: bool = api.sdk.YIELDS_EVENTS
        with collector_paused():
            self._build(item, progress)

    def _build(self, item: Interaction, progress: Progress | None) -> None:
        every = self.every
        self.events = events(item)
        # Only the names of what each event fires are kept: the callbacks themselves (and, for the SDK streams
        # that yield events, those events) are rebuilt when asked for, from the nearest checkpoint (see _at).
        self._callbacks: list[tuple[str, ...]] = []
        self._checkpoints: list[AnyState] = []
        acc = self._new()
        shared: dict[tuple[str, ...], tuple[str, ...]] = {}
        total = len(self.events)
        for event in self.events:
            if event.index % every == 0:
                self._checkpoints.append(acc.checkpoint())
                if progress is not None:
                    progress(event.index, total)
            names = _names(acc, event)
            self._callbacks.append(shared.setdefault(names, names))
        self._final: AnyState = acc.checkpoint()
        # The working accumulator: the event it has handled last, itself, and what that event fired.
        self._cursor: tuple[int, Any, Any] = (-1, self._new(), None)
        #: Why the SDK stops reading (``[DONE]``, an error event, a handler exception), or ``None``.
        self.stop: Stop | None = acc.stop
        #: What the transport raises after the last recorded byte when the recording was cut off.
        self.transport_error = _error_for(httpx2, item)
        #: The SDK's closing callbacks after the last event: ``[on_timeout], [on_exception], on_end``.
        self.end_callbacks: list[Any] = acc.finish(self.transport_error if self.stop is None else None)
        if progress is not None:
            progress(total, total)

    @property
    def interaction_record(self) -> Interaction:
        return self.cassette.interactions[self.interaction]

    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self) -> Iterator[Moment]:
        acc = self._new()
        for event in self.events:
            fired = _feed(acc, event)
            callbacks: list[AnyCallback] = [*_frozen(acc, fired)] if self._yields_events else [*fired]
            yield Moment(event.index, event, callbacks, acc.checkpoint())

    def __getitem__(self, index: int) -> Moment:
        index = self._index(index)
        return Moment(index, self.events[index], self.callbacks(index), self.state(index))

    def callbacks(self, index: int) -> list[AnyCallback]:
        """What event ``index`` makes the SDK fire, in order: the handler's callbacks (Assistants), or the
        events the SDK's stream yields (Responses, Chat Completions)."""
        index = self._index(index)
        if self._yields_events:
            replay = self._replay
            built: list[list[Any]] = []  # the events, built together on first use, and this call's only
            return [
                StreamCallback(name, make=partial(replay, index, at, built))
                for at, name in enumerate(self._callbacks[index])
            ]
        return self.reading(index)

    def reading(self, index: int) -> list[AnyCallback]:
        """What :meth:`callbacks` gives, without the deep copy of what the stream yields: the objects as the
        SDK's state holds them now, to be read at once (asking for another event may change them). For a
        reader that only looks, as the TUI's callbacks pane does: near the end of a long stream, copying the
        message so far at every event cost a step milliseconds."""
        index = self._index(index)
        return [*self._fired(index)] if self._callbacks[index] else []

    def state(self, index: int) -> AnyState:
        """The SDK's accumulated state after event ``index``."""
        index = self._index(index)
        if index == len(self.events) - 1:
            return self._final
        base = (index + 1) // self.every
        if (index + 1) % self.every == 0 and base < len(self._checkpoints):
            return self._checkpoints[base]
        return self._at(index).checkpoint()  # type: ignore[no-any-return]

    def _at(self, index: int) -> Any:
        """A working accumulator after event ``index`` (-1: before the first). Stepping forward continues
        from the last one asked for; anything else starts at the nearest checkpoint."""
        base = min((index + 1) // self.every, len(self._checkpoints) - 1)
        at, acc, fired = self._cursor
        if not (base * self.every - 1 <= at <= index):
            at, acc, fired = base * self.every - 1, self._restore(self._checkpoints[base]), None
        for event in self.events[at + 1 : index + 1]:
            fired = _feed(acc, event)
        self._cursor = (index, acc, fired)
        return acc

    def _fired(self, index: int) -> Any:
        """What the working accumulator fired for event ``index``, replayed from the nearest checkpoint unless
        it has just handled that event (then nothing has changed it since)."""
        at, acc, fired = self._cursor
        if at != index or fired is None:
            acc = self._at(index - 1)
            fired = _feed(acc, self.events[index])
            self._cursor = (index, acc, fired)
        return fired

    def _replay(self, index: int, position: int, built: list[list[Any]]) -> Any:
        """Event ``position`` of those the stream yields at event ``index``, as it was then: all of them are
        copied together into ``built`` (one :meth:`callbacks` call's), so a caller who changes one changes
        nothing another call returns."""
        if not built:
            fired = self._fired(index)
            built.append([callback.event for callback in _frozen(self._cursor[1], fired)])
        return built[0][position]

    @cached_property
    def duration(self) -> float:
        """Seconds from sending the request to the last event."""
        return self.events[-1].at if self.events else self.interaction_record.response_at

    def _index(self, index: int) -> int:
        size = len(self.events)
        if not -size <= index < size:
            raise IndexError(f"event {index} is out of range: the stream has {size} events")
        return index % size


def final_state(interaction: Interaction, decoded: Sequence[StreamEvent] | None = None) -> AnyState:
    """The SDK's state after the last event of ``interaction``: one pass, no index and no checkpoints.

    ``decoded``: its events, when the caller already has them (``events(interaction)``).
    """
    acc = api_of(interaction).sdk.accumulator(interaction)[0]()
    for event in decoded if decoded is not None else events(interaction):
        _feed(acc, event)
    return acc.checkpoint()  # type: ignore[no-any-return]


def _frozen(acc: Any, fired: list[Any]) -> list[StreamCallback]:
    """What the stream yielded, deep-copied together: as it is now, whatever the SDK mutates later (by the
    accumulator's ``detached`` where it has one: Chat's shares the token logprob entries, which the SDK
    never changes)."""
    detached = getattr(acc, "detached", copy.deepcopy)
    frozen = detached([callback.event for callback in fired])
    return [StreamCallback(callback.name, event) for callback, event in zip(fired, frozen, strict=True)]


def _names(acc: Any, event: StreamEvent) -> tuple[str, ...]:
    """The names of what the SDK's stream yields for ``event``: the accumulator's ``names`` (which builds
    no event it can avoid) where it has one."""
    names = getattr(acc, "names", None)
    data = event.data
    if names is None or isinstance(data, str):
        return tuple([callback.name for callback in _handle(acc, event, data)])
    return names(None if event.name == "message" else event.name, data)  # type: ignore[no-any-return]


def _feed(acc: Any, event: StreamEvent) -> Any:
    return _handle(acc, event, event.data)


def _handle(acc: Any, event: StreamEvent, data: Any) -> Any:
    # The SDK's decoder reports a missing `event:` field as None where the WHATWG rules say "message".
    name = None if event.name == "message" else event.name
    if isinstance(data, str):  # not JSON: [DONE], or something the SDK fails to parse
        return acc.handle_sse(name, event.raw)
    return acc.handle_event(name, data)
