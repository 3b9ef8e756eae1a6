"""The SDK's own stream state, kept a few text pieces behind: the pure accumulator of Responses and Chat
Completions streams.

Nearly every event of a long stream only appends a string to one field of the SDK's snapshot (a text
delta, a tool call's arguments delta), and the SDK pays for each with typed models, and for a chat chunk
with a dump and rebuild of the whole message. :class:`LaggingAccumulator` takes those *hot* events without
the SDK: it checks that the SDK would take the event without raising and yield a known list of events,
then appends the piece to its field's list. Every other event goes to the SDK's own state object
(:class:`~ssetape.apis._openai.SDKAccumulator`), after the pieces are applied to it the way the SDK applies
them (so the state the SDK then reads is the one it would have built).

A checkpoint (:class:`LaggingState`) is the SDK state object as the last other event left it, shared
(copy on write: the accumulator copies it before changing it again), and how many pieces each field had:
it copies no text. The snapshot is built when asked for: a copy of that object with the pieces applied.
What a hot event yields is built the same way when first asked for: the SDK's own ``handle_event`` on the
state just before it, so it is the SDK's by construction.
"""

from __future__ import annotations

import copy
from collections.abc import Hashable
from functools import partial
from typing import Any, ClassVar

from ._openai import SDKAccumulator, read
from .emitted import Stop, StreamCallback, StreamEmitted

__all__ = ["Hot", "Joins", "LaggingAccumulator", "LaggingState", "Pieces"]

#: A field's pending pieces, by slot (which field of the snapshot they grow, see ``_apply``): strings, or
#: what else a subclass's ``_join`` joins (Chat's logprobs: token entries).
Pieces = dict[Hashable, list[Any]]
#: What a hot event does: the names of what the SDK yields for it, and the piece it adds to each slot.
Hot = tuple[tuple[str, ...], tuple[tuple[Hashable, Any], ...]]


#: The text a slot's pieces last joined to, by slot: the pieces list, how many of its pieces, and the text.
Joins = dict[Hashable, tuple[list[Any], int, str]]


class LaggingState:
    """The state after one event: the SDK's state object (never changed again) and, for each field, its
    list of pieces and how many of them had come. Subclasses add the SDK stream's accessors."""

    __slots__ = ("_base", "_joins", "_owner", "_pieces", "_stop")

    #: The state :meth:`shared_sdk` was last asked of, and what it gave.
    _shared: ClassVar[tuple[LaggingState, Any] | None] = None

    def __init__(
        self,
        owner: type[LaggingAccumulator],
        base: Any,
        pieces: dict[Hashable, tuple[list[Any], int]],
        stop: Stop | None,
        joins: Joins | None = None,
    ) -> None:
        self._owner, self._base, self._pieces, self._stop = owner, base, pieces, stop
        #: Shared by the states of one accumulator, whose pieces lists only grow: the text of one state's
        #: pieces is the start of the text of a later one's, so stepping forward joins only the new pieces.
        self._joins: Joins = {} if joins is None else joins

    def sdk(self) -> Any:
        """A fresh copy of the SDK's state object as it was at this event: the caller's to change."""
        owner = self._owner
        sdk = owner._copy(self._base)
        joined = {slot: self._joined(slot, pieces, count) for slot, (pieces, count) in self._pieces.items() if count}
        if joined:
            owner._apply(sdk, joined)
        return sdk

    def shared_sdk(self) -> Any:
        """:meth:`sdk` made once for the state last asked (the TUI's panes, each of which reads the state at one
        event, share it): the SDK's state object, only to be read."""
        last = LaggingState._shared
        if last is None or last[0] is not self:
            last = LaggingState._shared = (self, self.sdk())
        return last[1]

    def _joined(self, slot: Hashable, pieces: list[Any], count: int) -> Any:
        last = self._joins.get(slot)
        if last is not None and last[0] is pieces and last[1] <= count:
            text: Any = last[2] + self._owner._join(slot, pieces[last[1] : count])
        else:
            text = self._owner._join(slot, pieces[:count])
        if type(text) is str:
            self._joins[slot] = (pieces, count, text)
        return text

    @property
    def stop(self) -> Stop | None:
        """Why the SDK's stream stops at this event, if it does (see :class:`~ssetape.apis.Stop`)."""
        return self._stop


class LaggingAccumulator(SDKAccumulator):
    """``handle_event(name, data)`` returns what the SDK's stream yields for that event; ``names(name,
    data)`` only their names (what ``Timeline`` keeps while indexing). Subclasses say which events are hot
    (:meth:`_hot`) and how pieces are applied to the SDK's state (:meth:`_apply`)."""

    def __init__(self, sdk_state: Any, stop: Stop | None = None) -> None:
        super().__init__(sdk_state, stop)
        self._pending: Pieces = {}
        #: Whether a checkpoint holds ``self._sdk``, which must then be copied before it changes.
        self._shared = False
        self._joins: Joins = {}

    def checkpoint(self) -> Any:
        self._shared = True
        pieces = {slot: (pieces, len(pieces)) for slot, pieces in self._pending.items()}
        return self.state_class(type(self), self._sdk, pieces, self._stop, self._joins)

    state = checkpoint

    @classmethod
    def restore(cls, checkpoint: Any) -> Any:
        out = cls(checkpoint._base, checkpoint.stop)
        out._shared = True
        out._pending = {slot: pieces[:count] for slot, (pieces, count) in checkpoint._pieces.items()}
        return out

    def handle_event(self, name: str | None, data: Any) -> StreamEmitted:
        if self._stop is None:
            hot = self._hot(name, data)
            if hot is not None:
                yielded = _Yielded(self.checkpoint(), name, data)
                named, pieces = hot
                for slot, piece in pieces:
                    self._pending.setdefault(slot, []).append(piece)
                return StreamEmitted(
                    StreamCallback(event_name, make=partial(yielded.event, at)) for at, event_name in enumerate(named)
                )
            self._settle()
        return super().handle_event(name, data)

    def names(self, name: str | None, data: Any) -> tuple[str, ...]:
        """The names of what the SDK's stream yields for the event, with no event built when it is hot."""
        if self._stop is None:
            hot = self._hot(name, data)
            if hot is not None:
                named, pieces = hot
                for slot, piece in pieces:
                    self._pending.setdefault(slot, []).append(piece)
                return named
        return tuple([callback.name for callback in self.handle_event(name, data)])

    def _settle(self) -> None:
        """Brings the SDK's state object up to date before it reads an event itself."""
        if self._shared:  # a checkpoint holds it: the SDK changes a copy
            self._sdk, self._shared = self._copy(self._sdk), False
        if not self._pending:
            return
        self._apply(self._sdk, {slot: self._join(slot, pieces[:]) for slot, pieces in self._pending.items()})
        self._pending = {}

    def _hot(self, name: str | None, data: Any) -> Hot | None:
        """``(names, ((slot, piece), ...))`` when the SDK would only append each piece to its slot's field and
        yield events named ``names``, without raising; None for anything else."""
        raise NotImplementedError

    @classmethod
    def _copy(cls, sdk: Any) -> Any:
        """A copy of the SDK's state object that nothing done to one of them changes in the other."""
        return copy.deepcopy(sdk)

    @classmethod
    def _join(cls, slot: Hashable, pieces: list[Any]) -> Any:
        """A slot's pieces (a list the caller gives away) as one (text pieces: the text, which a state
        extends with a later one's further pieces)."""
        return "".join(pieces)

    @classmethod
    def _apply(cls, sdk: Any, joined: dict[Hashable, Any]) -> None:
        """Appends each slot's pieces (joined, ``sdk``'s to keep) to its field of ``sdk``, as the SDK's appends
        would have."""
        raise NotImplementedError


class _Yielded:
    """The events the SDK yields for one hot event, built once, by the SDK itself, on the state before it."""

    __slots__ = ("_before", "_data", "_events", "_name")

    def __init__(self, before: LaggingState, name: str | None, data: Any) -> None:
        self._before, self._name, self._data = before, name, data
        self._events: list[Any] | None = None

    def event(self, position: int) -> Any:
        if self._events is None:
            owner = self._before._owner
            self._events = owner(self._before.sdk())._fire(read(self._name, self._data, owner.cast_to))
        return self._events[position]
