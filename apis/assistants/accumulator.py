"""A pure, random-access Assistants stream accumulator with exact SDK parity.

:class:`AssistantAccumulator` replays ``openai.lib.streaming._assistants.AssistantEventHandler``:
``handle_event(name, data)`` returns the callbacks the SDK's handler would fire for that event (same
names, same arguments, same order, quirks included) and keeps the handler's accessor state. It does no
I/O, builds no SDK model until asked (callback ``args`` and the accessors materialise lazily), and its
state is a handful of references to immutable values (see :mod:`replayer._snapshot`), so
:meth:`~AssistantAccumulator.checkpoint` is O(#messages + #run steps) and a checkpoint can be restored
and replayed from any number of times: a timeline keeps one every K events and reaches event ``i`` by
restoring the nearest one and applying at most K events.

Where the SDK would raise, nothing is raised here. The result (:class:`Emitted`, a ``list`` of
:class:`Callback`) carries a :class:`Stop` instead, and the stream layer acts on it:

- ``"done"``: a ``[DONE]`` data line (:meth:`~AssistantAccumulator.handle_sse`); the SDK's Stream stops.
- ``"error_event"``: a non-``thread.*`` event whose JSON has a truthy ``error`` (``event: error``): the
  SDK's Stream raises ``APIError`` before the handler sees the event. ``Stop.exception`` is that
  ``APIError`` (its ``request`` is a placeholder; ``message`` / ``body`` are the SDK's).
- ``"exception"``: the handler itself (or the Stream's JSON decoding) raises: a step delta for an unknown
  step (``KeyError``), a message delta before any message, an index past the content, ... The callbacks
  fired before the failure are in the list and the state is left exactly as half-updated as the SDK's
  (``current_event`` stays set, like the SDK's).

After a stop, :meth:`~AssistantAccumulator.finish` gives the SDK's closing callbacks (``on_timeout`` for
timeouts, ``on_exception``, then ``on_end``); call it with the transport's exception, or with nothing at
a clean end of stream. Events handled after a stop are ignored, as the SDK would never read them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from typing import Any

from openai._httpx2 import timeout_exceptions
from openai.types.beta import AssistantStreamEvent

from .._openai import api_error
from ..emitted import Stop
from ._snapshot import (
    _WRAP,
    MISSING,
    Accessors,
    Event,
    MsgSnap,
    RopeStr,
    StepSnap,
    View,
    args_block_attr,
    args_completed_attr,
    args_data,
    args_delta_and_snapshot,
    args_event,
    args_plain,
    args_text_delta,
    args_tool_call,
    args_tool_call_delta,
    merge,
    merge_content,
)
from ._versioned import Versioned
from .wire import RUN_TERMINAL

__all__ = ["AssistantAccumulator", "Callback", "Emitted", "State", "Stop", "View"]

_RUN_STATUS = frozenset(f"thread.run.{s}" for s in ("created", "in_progress", "cancelling", "queued"))
_STEP_ENDED = frozenset(f"thread.run.step.{s}" for s in ("completed", "cancelled", "expired", "failed"))
_MESSAGE_ENDED = frozenset({"thread.message.completed", "thread.message.incomplete"})
_NO_MESSAGE = "Encountered a message delta with no previous snapshot"


class Callback:
    """One handler callback. ``args`` are the SDK objects the handler would receive, built on first use;
    ``state`` is what the handler's accessors return during the call."""

    __slots__ = ("_args", "_make", "_payload", "name", "state")

    def __init__(self, name: str, make: Callable[..., tuple[Any, ...]], payload: tuple[Any, ...], state: View):
        self.name = name
        self._make = make
        self._payload = payload
        self.state = state

    @property
    def args(self) -> tuple[Any, ...]:
        try:
            return self._args
        except AttributeError:  # not built yet
            self._args: tuple[Any, ...] = self._make(*self._payload)
            return self._args

    def __repr__(self) -> str:
        return f"Callback({self.name!r})"


class Emitted(list[Callback]):
    """The callbacks one event fires; ``stop`` when the stream ends there; ``event`` as handled."""

    stop: Stop | None = None
    event: Event | None = None

    @property
    def text_deltas(self) -> list[str]:
        """What the SDK's ``handler.text_deltas`` yields for this event (nothing if the handler raised)."""
        ev = self.event
        if ev is None or ev.name != "thread.message.delta" or (self.stop and self.stop.kind == "exception"):
            return []
        return [
            cd["text"]["value"]
            for cd in (ev.data["delta"].get("content") or [])
            if cd.get("type") == "text" and cd.get("text") is not None and cd["text"].get("value")
        ]


_FIELDS: tuple[str, ...] = ("_synthesize", "_event", "_run", "_msg", "_messages", "_steps", "_step_id")
_FIELDS += ("_cidx", "_cblock", "_tcidx", "_tc")


class State(Accessors):
    """An immutable checkpoint of an accumulator (everything the SDK handler holds, plus the stop)."""

    __slots__ = (*_FIELDS, "_stop")
    _stop: Stop | None

    def __init__(self, acc: AssistantAccumulator) -> None:
        for name in _FIELDS:
            object.__setattr__(self, name, getattr(acc, name))
        # the snapshot maps are the only mutable parts of a live accumulator: copies sharing their blocks
        object.__setattr__(self, "_messages", acc._messages.copy())
        object.__setattr__(self, "_steps", acc._steps.copy())
        object.__setattr__(self, "_stop", acc._stop)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("State is immutable")

    @property
    def stop(self) -> Stop | None:
        return self._stop


class AssistantAccumulator(Accessors):
    def __init__(self, *, synthesize_event_and_data: bool = False) -> None:
        """``synthesize_event_and_data``: the SDK request option; every ``.stream()`` helper (the only way
        to drive an ``AssistantEventHandler``) leaves it off, so non-``thread.*`` events are parsed from
        their JSON alone (``{"event": ..., "data": ...}`` in it is honoured, as by the SDK)."""
        self._synthesize = synthesize_event_and_data
        self._event: Event | None = None
        self._run: Event | None = None
        self._msg: MsgSnap | None = None  # the current message snapshot (also in _messages)
        self._messages: Versioned[MsgSnap] = Versioned()
        self._steps: Versioned[StepSnap] = Versioned()
        self._step_id: Any = None
        self._cidx: Any = None  # SDK: _current_message_content_index (per handler, not per message)
        self._cblock: Any = None  # SDK: _current_message_content, as it was when last assigned
        self._tcidx: Any = None  # SDK: _current_tool_call_index (per handler, not per step)
        self._tc: tuple[dict[str, Any], int] | None = None  # SDK: _current_tool_call = (step value, index)
        self._stop: Stop | None = None

    # -- checkpoints ------------------------------------------------------------------------------
    def checkpoint(self) -> State:
        return State(self)

    state = checkpoint

    @classmethod
    def restore(cls, checkpoint: State) -> AssistantAccumulator:
        acc = cls()
        for name in (*_FIELDS, "_stop"):
            setattr(acc, name, getattr(checkpoint, name))
        acc._messages = checkpoint._messages.copy()
        acc._steps = checkpoint._steps.copy()
        return acc

    @property
    def stop(self) -> Stop | None:
        return self._stop

    # -- input ------------------------------------------------------------------------------------
    def handle_sse(self, event: str | None, data: str) -> Emitted:
        """One decoded SSE event (its ``event`` field and raw ``data``), as the SDK's Stream treats it."""
        if self._stop is not None:
            return self._halt(Emitted(), self._stop)
        if data.startswith("[DONE]"):
            return self._halt(Emitted(), Stop("done", None))
        try:
            parsed = json.loads(data)
        except (ValueError, RecursionError) as exc:  # the SDK raises either from its json.loads
            return self._halt(Emitted(), Stop("exception", exc))
        return self.handle_event(event, parsed)

    def handle_model(self, event: AssistantStreamEvent) -> Emitted:
        """A typed event (its model is used as is for ``on_event`` / ``current_event``)."""
        data = event.data.model_dump(mode="json", exclude_unset=True, warnings=False)
        return self._handle(Event(event.event, data, event), from_stream=False)

    def handle_event(self, name: str | None, data: Any) -> Emitted:
        """One event: its SSE ``event`` name and its parsed JSON data."""
        return self._handle(Event(name, data))

    def finish(self, exception: BaseException | None = None) -> list[Callback]:
        """The SDK's closing callbacks: ``[on_timeout], [on_exception], on_end``. ``exception`` defaults
        to the stop's; pass the transport's (e.g. ``httpx2.RemoteProtocolError``) for a cut stream."""
        if exception is None and self._stop is not None:
            exception = self._stop.exception
        if self._stop is None:
            self._stop = Stop("exception", exception) if isinstance(exception, Exception) else Stop("done", None)
        out: list[Callback] = []
        if isinstance(exception, Exception):
            if isinstance(exception, (*timeout_exceptions(), asyncio.TimeoutError)):
                out.append(Callback("on_timeout", args_plain, (), self.view()))
            out.append(Callback("on_exception", args_plain, (exception,), self.view()))
        out.append(Callback("on_end", args_plain, (), self.view()))
        return out

    def _halt(self, out: Emitted, stop: Stop) -> Emitted:
        self._stop = out.stop = stop
        return out

    def _handle(self, ev: Event, *, from_stream: bool = True) -> Emitted:
        if self._stop is not None:
            return self._halt(Emitted(), self._stop)
        payload = ev.data
        if from_stream and not (isinstance(ev.name, str) and ev.name.startswith("thread.")):
            # the SDK's Stream: not a `thread.*` SSE event, so its JSON is the event itself
            if isinstance(payload, Mapping) and payload.get("error"):
                return self._halt(Emitted(), Stop("error_event", api_error(payload)))
            if not self._synthesize:
                if isinstance(payload, Mapping):
                    ev = Event(payload.get("event"), payload.get("data"), payload=payload)
                else:
                    ev = Event(None, None, payload=payload)
        out = Emitted()
        out.event = self._event = ev
        step_id = self._step_id
        view = View(ev, self._run, self._msg, step_id, self._steps.get(step_id, MISSING))
        out.append(Callback("on_event", args_event, (ev,), view))
        try:
            if ev.payload is not _WRAP and not isinstance(ev.payload, Mapping):
                raise AttributeError(f"'{type(ev.payload).__name__}' object has no attribute 'event'")
            self._apply(ev, ev.name, ev.data, out)
        except Exception as exc:  # the SDK's handler raised here: its state stays half-updated
            return self._halt(out, Stop("exception", exc))
        self._event = None
        return out

    # -- AssistantEventHandler._emit_sse_event ----------------------------------------------------
    def _cb(self, out: Emitted, name: str, make: Callable[..., tuple[Any, ...]], *payload: Any) -> None:
        out.append(Callback(name, make, payload, self.view()))

    @staticmethod
    def _cb_in(out: Emitted, view: View, name: str, make: Callable[..., tuple[Any, ...]], *payload: Any):
        """A callback fired while the accessors read ``view`` (the delta branches change none of them)."""
        out.append(Callback(name, make, payload, view))

    def _apply(self, ev: Event, name: str | None, data: Any, out: Emitted) -> None:
        if name == "thread.message.delta":  # the hot path; the same steps as below, in the same order
            if self._msg is None:  # accumulate_event
                raise RuntimeError(_NO_MESSAGE)
            new_content = self._accumulate_message(data)  # (updates _messages too)
            content = self._msg.content
            for content_delta in new_content:  # on_text_created for new blocks, before the branch
                block = content[content_delta["index"]]
                if block.get("type") == "text":
                    self._cb(out, "on_text_created", args_block_attr, block, "text")
            self._message_delta(ev, data, out)
            return
        # accumulate_event
        if name == "thread.message.created":
            self._msg = MsgSnap(ev, list(data.get("content") or ()), data.get("id"))
        if self._msg is not None:
            self._messages[self._msg.id] = self._msg
        # accumulate_run_step
        if name == "thread.run.step.created":
            self._steps[data.get("id")] = StepSnap(ev, data, merged=False)
        elif name == "thread.run.step.delta":
            snap = self._steps[data.get("id")]
            if data.get("delta") is not None:
                value = merge(snap.value, data["delta"])
                key = value.get("id")
                self._steps[key.value() if isinstance(key, RopeStr) else key] = StepSnap(None, value, True)

        if name in RUN_TERMINAL:
            self._run = ev
            if self._tc is not None:  # again on every terminal run event: the SDK never resets it
                self._cb(out, "on_tool_call_done", args_tool_call, *self._tc)
        elif name in _RUN_STATUS:
            self._run = ev
        elif name == "thread.message.created":
            self._cb(out, "on_message_created", args_data, ev)
        elif name in _MESSAGE_ENDED:
            self._msg = MsgSnap(ev, list(data.get("content") or ()), data.get("id"))
            self._messages[self._msg.id] = self._msg
            if self._cidx is not None:
                kind = data["content"][self._cidx].get("type")
                if kind in ("text", "image_file"):
                    done = "on_text_done" if kind == "text" else "on_image_file_done"
                    self._cb(out, done, args_completed_attr, ev, self._cidx, kind)
            self._cb(out, "on_message_done", args_data, ev)
        elif name == "thread.run.step.created":
            self._step_id = data.get("id")
            self._cb(out, "on_run_step_created", args_data, ev)
        elif name == "thread.run.step.in_progress":
            self._step_id = data.get("id")
        elif name == "thread.run.step.delta":
            self._step_delta(ev, data, out)
        elif name in _STEP_ENDED:
            if self._tc is not None:
                self._cb(out, "on_tool_call_done", args_tool_call, *self._tc)
            self._cb(out, "on_run_step_done", args_data, ev)
            self._step_id = None

    def _accumulate_message(self, data: Any) -> list[Any]:
        msg = self._msg
        assert msg is not None
        content = list(msg.content)
        new_content: list[Any] = []
        try:
            for content_delta in data["delta"].get("content") or ():
                index = content_delta["index"]
                try:
                    block = content[index]
                except IndexError:
                    content.insert(index, content_delta)  # list.insert: past the end appends
                    new_content.append(content_delta)
                else:
                    content[index] = merge_content(block, content_delta)
        finally:  # the SDK mutates its snapshot in place, so whatever was merged before a failure stays
            self._msg = MsgSnap(msg.event, content, msg.id)
            self._messages[msg.id] = self._msg
        return new_content

    def _message_delta(self, ev: Event, data: Any, out: Emitted) -> None:
        snap = self._msg
        assert snap is not None
        content = snap.content
        step_id = self._step_id
        view = View(self._event, self._run, snap, step_id, self._steps.get(step_id, MISSING))
        deltas = data["delta"].get("content")
        for k, content_delta in enumerate(deltas if deltas is not None else ()):
            index = content_delta["index"]
            if content_delta.get("type") == "text" and content_delta.get("text") is not None:
                block = content[index]
                if block.get("type") != "text":
                    raise AssertionError
                out.append(Callback("on_text_delta", args_text_delta, (ev, k, block), view))
            if index != self._cidx:
                previous = self._cblock
                if previous is not None and previous.get("type") in ("text", "image_file"):
                    kind = previous["type"]
                    done = "on_text_done" if kind == "text" else "on_image_file_done"
                    self._cb_in(out, view, done, args_block_attr, previous, kind)
                self._cidx = index
                self._cblock = content[index]
            self._cblock = content[index]
        out.append(Callback("on_message_delta", args_delta_and_snapshot, (ev, snap), view))

    def _step_delta(self, ev: Event, data: Any, out: Emitted) -> None:
        snap = self._steps[data.get("id")]
        step_delta = data.get("delta")
        view = self.view()
        if step_delta is None:
            raise AttributeError("'NoneType' object has no attribute 'step_details'")
        details = step_delta.get("step_details")
        if details is not None and details.get("type") == "tool_calls" and details.get("tool_calls") is not None:
            snap_details = snap.value.get("step_details") or {}
            if snap_details.get("type") != "tool_calls":
                raise AssertionError
            tool_calls = snap_details["tool_calls"]
            for k, tool_call_delta in enumerate(details["tool_calls"]):
                index = tool_call_delta["index"]
                if index == self._tcidx:
                    tool_calls[index]  # the SDK indexes before calling (IndexError), as below
                    payload = (ev, k, snap.value, index)
                    self._cb_in(out, view, "on_tool_call_delta", args_tool_call_delta, *payload)
                if index != self._tcidx:
                    if self._tc is not None:
                        self._cb_in(out, view, "on_tool_call_done", args_tool_call, *self._tc)
                    self._tcidx = index
                    tool_calls[index]
                    self._tc = (snap.value, index)
                    self._cb_in(out, view, "on_tool_call_created", args_tool_call, *self._tc)
                tool_calls[index]
                self._tc = (snap.value, index)
        self._cb_in(out, view, "on_run_step_delta", args_delta_and_snapshot, ev, snap)
