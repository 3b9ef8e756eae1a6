"""Token logprobs in a replayed Chat Completions stream, built once and shared.

A stream asked with ``logprobs`` carries each token's entry (``ChatCompletionTokenLogprob``, with its
``top_logprobs``) and the SDK's snapshot keeps every entry so far, in ``choices[i].logprobs.content``
(or ``.refusal``). Built again for every moment, 50k entries would cost seconds. Instead:

- each chunk's entries are built once, by the SDK's own validation of the chunk's ``logprobs`` field
  (:func:`typed_logprobs`), while the stream is indexed, and kept one entry per piece (:func:`to_keep`);
- a snapshot's lists are new lists of those same objects (:func:`extend`), and every copy of the SDK's
  state or of the events it yielded copies the lists and shares the entries (:func:`shared_lists`): the
  SDK never changes an entry once built;
- the SDK reads a chunk itself with each long list cut to its last entry (:class:`Shortened`), so that
  its events' lists, which it builds item by item, cost what the chunk adds; the entries before are put
  back in front of its lists afterwards.

So an entry is one object at the moments that hold it (those indexed before the nearest checkpoint; later
ones are built again when a moment is replayed from it): what a snapshot's or an event's lists hold is the
caller's to change, the entries in them are shared and read-only by contract.
"""

from __future__ import annotations

from typing import Any

from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.types.chat.chat_completion_chunk import Choice

from .._openai import mangled, validated_field

__all__ = ["FIELDS", "Shortened", "extend", "shared_lists", "snapshot_of", "to_keep", "typed_logprobs"]

#: The logprobs fields a chunk extends, and the event the SDK yields when it does.
FIELDS = (("content", "logprobs.content.delta"), ("refusal", "logprobs.refusal.delta"))
_NAMES = tuple(field for field, _ in FIELDS)


def snapshot_of(sdk: ChatCompletionStreamState[Any]) -> Any:
    """The SDK state's completion snapshot (``None`` before the first chunk)."""
    return mangled(sdk, ChatCompletionStreamState, "current_completion_snapshot")


def typed_logprobs(logprobs: Any) -> Any:
    """A chunk's ``choices[i].logprobs`` as the SDK's ``read`` builds it when its types take it (validated);
    raises where they do not."""
    return validated_field(Choice, "logprobs", logprobs)


#: The set of field names that every kept entry (and alternative) with those fields shares, by its names.
_FIELDS_SET: dict[frozenset[str], set[str]] = {}


def to_keep(entries: list[Any]) -> list[Any]:
    """``entries`` (validated), each and its alternatives holding one shared ``__pydantic_fields_set__`` per
    set of names: a set per model was a third of their memory, and a read-only entry never changes its set
    (pydantic adds a field's name to it when the field is assigned, where it is already)."""
    shared = _FIELDS_SET
    for entry in entries:
        for model in (entry, *entry.top_logprobs):
            names = model.__pydantic_fields_set__
            held = shared.get(key := frozenset(names))
            if held != names:  # first seen, or a caller changed the one shared
                shared[key] = held = names
            object.__setattr__(model, "__pydantic_fields_set__", held)
    return entries


def extend(snapshot: Any, index: int, field: str, entries: list[Any]) -> None:
    """Appends ``entries`` (a list given away) to choice ``index``'s ``field`` list, as the SDK's accumulation
    does (``content = []`` where it is None, then ``extend``): an empty list is replaced by ``entries``."""
    logprobs = snapshot.choices[index].logprobs
    held = getattr(logprobs, field)
    if held:
        held.extend(entries)
    else:
        setattr(logprobs, field, entries)


def _lists(snapshot: Any) -> list[tuple[Any, str, list[Any]]]:
    """Each choice's ``logprobs`` object, field and list of entries."""
    out = []
    for choice in getattr(snapshot, "choices", None) or ():
        logprobs = getattr(choice, "logprobs", None)
        if logprobs is None:
            continue
        for field in _NAMES:
            held = logprobs.__dict__.get(field)
            if type(held) is list:
                out.append((logprobs, field, held))
    return out


def shared_lists(objects: list[Any]) -> dict[int, Any]:
    """A ``copy.deepcopy`` memo for ``objects`` (the SDK's state, or the events it yielded) that shares the
    entries: the lists of a snapshot, which the SDK goes on extending, are copied; the lists an event holds
    of its own (a logprobs event's, its chunk's), which nothing changes once it is yielded, are kept."""
    memo: dict[int, Any] = {}
    kept: list[list[Any]] = []
    for obj in objects:
        if isinstance(obj, ChatCompletionStreamState):
            obj = snapshot_of(obj)
        fields = getattr(obj, "__dict__", {})
        kind = str(fields.get("type", ""))
        if kind == "chunk":  # the snapshot it shows, and the chunk
            obj = fields.get("snapshot")
            kept += [held for *_, held in _lists(fields.get("chunk"))]
        elif kind.startswith("logprobs."):
            kept += [value for value in fields.values() if type(value) is list]
        for *_, held in _lists(obj):
            memo[id(held)] = held[:]
    for held in kept:
        memo.setdefault(id(held), held)
    return memo


class Shortened:
    """The snapshot's lists of entries cut to their last one while the SDK reads a chunk, then made whole:
    in front of every list that starts with a kept last entry (the snapshot's, and the lists of the events
    the SDK built from it), the entries before it."""

    def __init__(self, snapshot: Any) -> None:
        self._cut: list[tuple[Any, str, list[Any], list[Any]]] = []
        #: The entries before each kept last one (by its id): how many of its whole list's first ones.
        self._before: dict[int, tuple[list[Any], int]] = {}
        for logprobs, field, held in _lists(snapshot):
            if len(held) > 1:
                short = held[-1:]
                logprobs.__dict__[field] = short
                self._cut.append((logprobs, field, held, short))
                self._before[id(short[0])] = (held, len(held) - 1)

    def restore(self) -> None:
        """Puts the whole lists back, with what the SDK appended to the short ones."""
        for logprobs, field, held, short in self._cut:
            if logprobs.__dict__.get(field) is short:
                held.extend(short[1:])
                logprobs.__dict__[field] = held

    def whole(self, events: list[Any]) -> list[Any]:
        """``events`` with each list the SDK built from a short one made whole."""
        before = self._before
        if not before:
            return events
        for event in events:
            fields = event.__dict__
            if not str(fields.get("type", "")).startswith("logprobs."):
                continue
            for key, value in list(fields.items()):
                if type(value) is list and value and id(value[0]) in before:
                    held, count = before[id(value[0])]
                    fields[key] = whole = held[:count]
                    whole += value
        return events
