"""Immutable snapshot values behind :mod:`replayer.accumulator`, and their conversion to SDK models.

Every accumulated value is plain parsed JSON (``dict`` / ``list`` / scalars) that is **never mutated once
built**: a merge copies the dicts and lists along the path it changes and shares everything else, so any
older value (held by a checkpoint, or by a callback's state view) stays valid for free. Concatenated
strings are :class:`RopeStr` views on shared append-only piece lists, which keeps text accumulation
linear and lets thousands of checkpoints share one copy of the text.

SDK models are only built on request, with ``openai._models.construct_type`` on the same plain values the
SDK's own ``accumulate_event`` / ``accumulate_run_step`` feed it, so field values (validated or merely
constructed) match the SDK's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from openai._models import construct_type
from openai.types.beta import AssistantStreamEvent
from openai.types.beta.threads import Message, MessageContent
from openai.types.beta.threads.runs import RunStep, ToolCall

if TYPE_CHECKING:
    from ._versioned import Versioned

MISSING: Any = object()


class _Rope:
    """Append-only storage shared by every :class:`RopeStr` cut from it; caches its last join."""

    __slots__ = ("joined", "joined_n", "pieces")

    def __init__(self, pieces: list[str]) -> None:
        self.pieces = pieces
        self.joined = ""
        self.joined_n = 0


class RopeStr:
    """The string ``"".join(rope.pieces[:n])``, as an immutable value."""

    __slots__ = ("n", "rope")

    def __init__(self, rope: _Rope, n: int) -> None:
        self.rope = rope
        self.n = n

    @staticmethod
    def concat(left: str | RopeStr, piece: str) -> RopeStr:
        if isinstance(left, str):
            return RopeStr(_Rope([left, piece]), 2)
        rope, n = left.rope, left.n
        pieces = rope.pieces
        if len(pieces) == n:  # we own the tail: the common, O(1) case
            pieces.append(piece)
            return RopeStr(rope, n + 1)
        if pieces[n] == piece:  # re-applying what a later state already appended (restore + replay)
            return RopeStr(rope, n + 1)
        return RopeStr(_Rope([*pieces[:n], piece]), n + 1)  # a diverging branch: fork once

    def value(self) -> str:
        rope, n = self.rope, self.n
        if rope.joined_n != n:
            if rope.joined_n < n:
                rope.joined = rope.joined + "".join(rope.pieces[rope.joined_n : n])
            else:
                rope.joined = "".join(rope.pieces[:n])
            rope.joined_n = n
        return rope.joined

    def __str__(self) -> str:
        return self.value()

    def __repr__(self) -> str:
        return f"RopeStr({self.value()!r})"


def thaw(value: Any) -> Any:
    """A fresh, mutable, plain-JSON deep copy (ropes joined) of an accumulated value."""
    if isinstance(value, dict):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [thaw(v) for v in value]
    if isinstance(value, RopeStr):
        return value.value()
    return value


def _has_indexed_entries(value: object) -> bool:
    return isinstance(value, list) and any(isinstance(e, dict) and "index" in e for e in value)


def merge(acc: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any]:
    """``openai.lib.streaming._deltas.accumulate_delta`` without mutating ``acc`` or ``delta``.

    Same rules, same errors: strings and numbers (bools too) add up, dicts merge recursively, lists of
    dicts carrying an ``index`` merge entry by entry at that index (``list.insert`` semantics for a new
    index, so an index past the end appends), other lists extend, ``index`` / ``type`` are replaced,
    and a value whose type does not match the accumulated one is silently dropped.
    """
    out = dict(acc)
    for key, delta_value in delta.items():
        acc_value = out.get(key)
        if acc_value is None:  # absent or null
            if _has_indexed_entries(delta_value):
                acc_value = out[key] = []
            else:
                out[key] = delta_value
                continue
        if key == "index" or key == "type":
            out[key] = delta_value
            continue
        if isinstance(acc_value, (str, RopeStr)) and isinstance(delta_value, str):
            acc_value = RopeStr.concat(acc_value, delta_value)
        elif isinstance(acc_value, (int, float)) and isinstance(delta_value, (int, float)):
            acc_value = acc_value + delta_value
        elif isinstance(acc_value, dict) and isinstance(delta_value, dict):
            acc_value = merge(acc_value, delta_value)
        elif isinstance(acc_value, list) and isinstance(delta_value, list):
            if all(isinstance(x, (str, int, float)) for x in acc_value) and (
                acc_value or not _has_indexed_entries(delta_value)
            ):
                out[key] = acc_value + delta_value
                continue
            acc_value = list(acc_value)
            for entry in delta_value:
                if not isinstance(entry, dict):
                    raise TypeError(f"Unexpected list delta entry is not a dictionary: {entry}")
                try:
                    index = entry["index"]
                except KeyError as exc:
                    raise RuntimeError(f"Expected list delta entry to have an `index` key; {entry}") from exc
                if not isinstance(index, int):
                    raise TypeError(f"Unexpected, list delta entry `index` value is not an integer; {index}")
                try:
                    acc_entry = acc_value[index]
                except IndexError:
                    acc_value.insert(index, entry)
                else:
                    if not isinstance(acc_entry, dict):
                        raise TypeError("not handled yet")
                    acc_value[index] = merge(acc_entry, entry)
        out[key] = acc_value
    return out


_WRAP: Any = object()


def merge_content(acc: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any]:
    """:func:`merge` for a message content block, with a fast path for the overwhelmingly common delta
    ``{"index", "type", "text": {"value": str}}`` (same result as the general rules)."""
    text = delta.get("text")
    if len(delta) == 3 and type(text) is dict and len(text) == 1 and "index" in delta and "type" in delta:
        value = text.get("value")
        if type(value) is str:
            out = dict(acc)
            out["index"] = delta["index"]
            out["type"] = delta["type"]
            acc_text = out.get("text")
            if acc_text is None:
                out["text"] = text
            elif type(acc_text) is dict:
                acc_text = out["text"] = dict(acc_text)
                acc_value = acc_text.get("value")
                if acc_value is None:
                    acc_text["value"] = value
                elif isinstance(acc_value, (str, RopeStr)):
                    acc_text["value"] = RopeStr.concat(acc_value, value)
            return out
    return merge(acc, delta)


class Event:
    """One event as the handler gets it: ``name`` / ``data`` are what it branches on (``event.event`` /
    ``event.data``). The SDK model is built lazily and cached, since the SDK hands one event object to
    ``on_event``, ``current_event`` and the ``on_*(event.data)`` callbacks: from ``{"data", "event"}``
    for ``thread.*`` SSE events, from the raw ``payload`` otherwise (what the SDK's Stream does for the
    ``.stream()`` helpers, which do not ask it to synthesize ``{"data", "event"}``)."""

    __slots__ = ("_model", "data", "name", "payload")

    def __init__(self, name: Any, data: Any, model: Any = None, payload: Any = _WRAP) -> None:
        self.name = name
        self.data = data
        self._model = model
        self.payload = payload

    def fresh_model(self) -> Any:
        if self.payload is _WRAP:
            value: Any = {"data": thaw(self.data), "event": self.name}
        elif self.payload is None:
            return None
        else:
            value = thaw(self.payload)
        return construct_type(type_=AssistantStreamEvent, value=value)

    def model(self) -> Any:
        if self._model is None:
            self._model = self.fresh_model()
        return self._model


class MsgSnap:
    """A message snapshot: the event whose data became the snapshot, with the accumulated content (a
    list, never mutated once built: a list so that a bad index raises exactly the SDK's IndexError)."""

    __slots__ = ("content", "event", "id")

    def __init__(self, event: Event, content: list[Any], id: Any) -> None:
        self.event = event
        self.content = content
        self.id = id

    def model(self) -> Message:
        # A fresh object every time: the SDK mutates its snapshot in place, ours must not alias.
        message = self.event.fresh_model().data
        blocks = [block_model(block) for block in self.content]
        if isinstance(message.content, list):
            message.content[:] = blocks
        else:
            message.content = blocks
        return cast(Message, message)


class StepSnap:
    """A run step snapshot: the ``created`` event's data until a delta is merged into it (then the SDK
    rebuilds it with ``construct_type(RunStep, merged)``)."""

    __slots__ = ("event", "merged", "value")

    def __init__(self, event: Event | None, value: dict[str, Any], merged: bool) -> None:
        self.event = event
        self.value = value
        self.merged = merged

    def model(self) -> RunStep:
        if self.event is not None and not self.merged:
            return cast(RunStep, self.event.model().data)
        return cast(RunStep, construct_type(type_=RunStep, value=thaw(self.value)))


def block_model(block: Any) -> Any:
    return construct_type(type_=cast(Any, MessageContent), value=thaw(block))


def tool_call_model(step_value: dict[str, Any], index: int) -> ToolCall:
    step = cast(Any, StepSnap(None, step_value, merged=True).model())
    return cast(ToolCall, step.step_details.tool_calls[index])


# -- what the handler's accessors and callback arguments read ------------------------------------------


class View:
    """The four handler accessors as they read at one moment (a callback's, or after an event)."""

    __slots__ = ("_event", "_msg", "_run", "_step", "_step_id")

    def __init__(self, event: Event | None, run: Event | None, msg: MsgSnap | None, step_id: Any, step: Any):
        self._event = event
        self._run = run
        self._msg = msg
        self._step_id = step_id
        self._step = step

    @property
    def current_event(self) -> AssistantStreamEvent | None:
        return None if self._event is None else self._event.model()

    @property
    def current_run(self) -> Any:
        return None if self._run is None else self._run.model().data

    @property
    def current_message_snapshot(self) -> Message | None:
        return None if self._msg is None else self._msg.model()

    @property
    def current_run_step_snapshot(self) -> RunStep | None:
        if not self._step_id:
            return None
        if self._step is MISSING:  # the SDK's property raises too: in_progress for a step it never saw
            raise KeyError(self._step_id)
        return self._step.model()  # type: ignore[no-any-return]


def args_plain(*values: Any) -> tuple[Any, ...]:
    return values


def args_event(ev: Event) -> tuple[Any, ...]:
    return (ev.model(),)


def args_data(ev: Event) -> tuple[Any, ...]:
    return (ev.model().data,)


def args_block_attr(block: Any, attr: str) -> tuple[Any, ...]:
    return (getattr(block_model(block), attr),)


def args_completed_attr(ev: Event, index: int, attr: str) -> tuple[Any, ...]:
    return (getattr(ev.model().data.content[index], attr),)


def args_text_delta(ev: Event, k: int, block: Any) -> tuple[Any, ...]:
    return ev.model().data.delta.content[k].text, block_model(block).text


def args_tool_call(step_value: dict[str, Any], index: int) -> tuple[Any, ...]:
    return (tool_call_model(step_value, index),)


def args_tool_call_delta(ev: Event, k: int, step_value: dict[str, Any], index: int) -> tuple[Any, ...]:
    return ev.model().data.delta.step_details.tool_calls[k], tool_call_model(step_value, index)


def args_delta_and_snapshot(ev: Event, snap: MsgSnap | StepSnap) -> tuple[Any, ...]:
    return ev.model().data.delta, snap.model()


class Accessors:
    """The SDK handler's accessors and ``get_final_*``, materialised from immutable state."""

    __slots__ = ()
    _event: Event | None
    _run: Event | None
    _msg: MsgSnap | None
    _messages: Versioned[MsgSnap]
    _steps: Versioned[StepSnap]
    _step_id: Any

    def view(self) -> View:
        step_id = self._step_id
        return View(self._event, self._run, self._msg, step_id, self._steps.get(step_id, MISSING))

    @property
    def current_event(self) -> AssistantStreamEvent | None:
        return self.view().current_event

    @property
    def current_run(self) -> Any:
        return self.view().current_run

    @property
    def current_message_snapshot(self) -> Message | None:
        return self.view().current_message_snapshot

    @property
    def current_run_step_snapshot(self) -> RunStep | None:
        return self.view().current_run_step_snapshot

    @property
    def message_snapshots(self) -> dict[Any, Message]:
        return {key: snap.model() for key, snap in self._messages.items()}

    @property
    def run_step_snapshots(self) -> dict[Any, RunStep]:
        return {key: snap.model() for key, snap in self._steps.items()}

    def get_final_run(self) -> Any:
        if self._run is None or not self._run.model().data:
            raise RuntimeError("No final run object found")
        return self._run.model().data

    def get_final_messages(self) -> list[Message]:
        if not self._messages:
            raise RuntimeError("No messages found")
        return list(self.message_snapshots.values())

    def get_final_run_steps(self) -> list[RunStep]:
        if not self._steps:
            raise RuntimeError("No run steps found")
        return list(self.run_step_snapshots.values())
