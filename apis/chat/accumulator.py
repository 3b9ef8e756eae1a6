"""A pure replay of the SDK's Chat Completions stream: the events ``ChatCompletionStream`` yields for each
recorded chunk (``chunk``, ``content.delta``, ``tool_calls.function.arguments.delta``, ``content.done``,
...) and its accumulated completion after it, exactly.

:class:`ChatAccumulator` takes content and tool call argument deltas itself (see
:mod:`ssetape.apis._lagging`) and hands every other chunk to the SDK's own ``ChatCompletionStreamState``,
as ``client.chat.completions.stream(...)`` does. :class:`ChatState` is the state after one chunk. Token
logprobs are built once and shared between the moments that hold them (:mod:`.logprobs`).
"""

from __future__ import annotations

import copy
from collections.abc import Hashable, Iterable
from typing import Any

from openai import Omit, omit
from openai.lib._parsing._completions import get_input_tool_by_name
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.lib.streaming.chat._completions import ChoiceEventState
from openai.types.chat import ChatCompletionChunk, ParsedChatCompletion
from openai.types.chat.chat_completion_chunk import ChoiceLogprobs

from .._lagging import Hot, LaggingAccumulator, LaggingState
from .._openai import is_chat_chunk, mangled, read
from ..emitted import Stop
from .logprobs import FIELDS, Shortened, extend, shared_lists, to_keep, typed_logprobs
from .logprobs import snapshot_of as _snapshot

__all__ = ["ChatAccumulator", "ChatState"]

_CONTENT = ("chunk", "content.delta")
_REFUSAL = ("chunk", "refusal.delta")
_ARGUMENTS = ("chunk", "tool_calls.function.arguments.delta")


class ChatState(LaggingState):
    """What a ``ChatCompletionStream`` holds after a chunk. Each accessor returns a fresh copy, whose token
    logprob entries (``ChatCompletionTokenLogprob``) are shared with every other moment that holds them:
    its lists are the caller's to change, the entries in them are read-only."""

    __slots__ = ()
    kind = "chat"

    @property
    def current_snapshot(self) -> ParsedChatCompletion[object] | None:
        """The completion accumulated so far (``None`` before the first chunk): each choice's message with
        its content, refusal and tool calls, the finish reason, and the usage of the last chunk."""
        return _snapshot(self.sdk())

    #: The SDK's name for :attr:`current_snapshot` (``ChatCompletionStream.current_completion_snapshot``).
    current_completion_snapshot = current_snapshot

    @property
    def shared_snapshot(self) -> ParsedChatCompletion[object] | None:
        """:attr:`current_snapshot` without the copy: one for the panes of one moment
        (:meth:`~ssetape.apis._lagging.LaggingState.shared_sdk`), only to be read."""
        return _snapshot(self.shared_sdk())

    def get_final_completion(self) -> ParsedChatCompletion[Any]:
        """What the stream's ``get_final_completion()`` returns if the stream ended here (the SDK's
        parsing, and its errors, included)."""
        return self.sdk().get_final_completion()  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        snapshot = _snapshot(self._base)
        reasons = [choice.finish_reason for choice in snapshot.choices] if snapshot is not None else []
        return f"ChatState(finish_reasons={reasons!r}, stop={self._stop!r})"


class ChatAccumulator(LaggingAccumulator):
    """``handle_event(name, data)`` returns what ``ChatCompletionStream`` yields for that chunk."""

    cast_to = ChatCompletionChunk
    state_class = ChatState

    def __init__(
        self,
        sdk_state: ChatCompletionStreamState[Any] | None = None,
        stop: Stop | None = None,
        *,
        response_format: Any = omit,
        tools: Iterable[Any] | Omit = omit,
    ) -> None:
        """``response_format`` and ``tools`` are ``client.chat.completions.stream``'s: they decide what gets
        parsed, and whether a ``length`` finish raises."""
        if sdk_state is None:
            sdk_state = ChatCompletionStreamState(response_format=response_format, input_tools=tools)
        super().__init__(sdk_state, stop)

    def names(self, name: str | None, data: Any) -> tuple[str, ...]:
        # While indexing, the token entries the SDK's state took from the pieces for another chunk are taken
        # back out (a checkpoint then holds them as pieces only, and a copy of the SDK's state copies short
        # lists), unless that chunk added entries of its own or stopped the stream. What the SDK yields for
        # the chunk does not depend on them: only whether the lists exist.
        lagging = [slot for slot in self._pending if slot[0] == "logprobs"]  # type: ignore[index]
        if not lagging or self._stop is not None:
            return super().names(name, data)
        pending = self._pending
        before = {slot: len(held) if type(held := _entries(self._sdk, slot)) is list else None for slot in lagging}
        named = super().names(name, data)
        if self._pending is pending or self._stop is not None:  # a hot chunk: nothing was applied
            return named
        for slot in lagging:
            held, count = _entries(self._sdk, slot), before[slot]
            if type(held) is not list or count is None or len(held) != count + len(pending[slot]):
                continue
            del held[count:]
            self._pending[slot] = pending[slot]
        return named

    @classmethod
    def detached(cls, events: list[Any]) -> list[Any]:
        """A deep copy of events the SDK yielded, as they are now whatever it changes later: their lists of
        token entries are copied, the entries (which the SDK never changes) shared."""
        return copy.deepcopy(events, shared_lists(events))

    def _fire(self, raw: Any) -> list[Any]:
        if not is_chat_chunk(raw):  # the stream skips it without a word
            return []
        shortened = Shortened(_snapshot(self._sdk))
        try:
            events = list(self._sdk.handle_chunk(raw))
        finally:
            shortened.restore()
        return shortened.whole(events)

    def _hot(self, name: str | None, data: Any) -> Hot | None:
        # A chunk of one choice whose delta is only a content, refusal or one tool call's arguments piece,
        # perhaps with token logprobs, and nothing else the SDK would record (usage, a fingerprint change, a
        # finish reason).
        if type(data) is not dict or (name is not None and name.startswith("thread.")) or data.get("error"):
            return None
        if data.get("object") != "chat.completion.chunk" or data.get("usage") is not None:
            return None
        choices, snapshot = data.get("choices"), _snapshot(self._sdk)
        if type(choices) is not list or len(choices) != 1 or snapshot is None or snapshot.usage is not None:
            return None
        if data.get("moderation") is not None or data.get("system_fingerprint") != snapshot.system_fingerprint:
            return None
        choice = choices[0]
        if type(choice) is not dict or choice.get("finish_reason") is not None:
            return None
        index, delta = choice.get("index"), choice.get("delta")
        states = mangled(self._sdk, ChatCompletionStreamState, "choice_event_states")
        if (
            type(index) is not int
            or not 0 <= index < min(len(snapshot.choices), len(states))
            or type(delta) is not dict
        ):
            return None
        held = snapshot.choices[index]
        if held.finish_reason:
            return None
        hot: Hot | None = None
        keys = delta.keys()
        if keys == {"content"} or keys == {"refusal"}:
            field = "content" if keys == {"content"} else "refusal"
            piece = delta[field]
            if type(piece) is not str or type(getattr(held.message, field)) is not str:
                return None
            if not isinstance(self._sdk._rich_response_format, Omit):  # parsed again at every chunk
                return None
            hot = (_CONTENT if field == "content" else _REFUSAL), (((field, index), piece),)
        elif keys == {"tool_calls"}:
            hot = self._hot_arguments(index, delta["tool_calls"], held.message, states[index])
        logprobs = choice.get("logprobs")
        if hot is None or logprobs is None:
            return hot
        return _hot_logprobs(index, logprobs, held, hot)

    def _hot_arguments(self, index: int, calls: Any, message: Any, events: ChoiceEventState) -> Hot | None:
        """A piece of the arguments of the tool call the choice is on, unless the SDK parses them."""
        if (
            type(calls) is not list
            or len(calls) != 1
            or type(calls[0]) is not dict
            or calls[0].keys()
            != {
                "index",
                "function",
            }
        ):
            return None
        position, function = calls[0]["index"], calls[0]["function"]
        if type(function) is not dict or function.keys() != {"arguments"} or type(function["arguments"]) is not str:
            return None
        held = message.tool_calls
        if type(held) is not list or type(position) is not int or not 0 <= position < len(held):
            return None
        call = held[position]
        if getattr(call, "type", None) != "function" or type(getattr(call.function, "arguments", None)) is not str:
            return None
        if mangled(events, ChoiceEventState, "current_tool_call_index") != position:
            return None
        try:
            tool = get_input_tool_by_name(input_tools=self._sdk._input_tools, name=call.function.name)
        except Exception:  # the SDK raises it at this chunk
            return None
        if tool and tool.get("function", {}).get("strict"):  # parsed again at every chunk
            return None
        return _ARGUMENTS, ((("arguments", index, position), function["arguments"]),)

    @classmethod
    def _copy(cls, sdk: Any) -> Any:
        return copy.deepcopy(sdk, shared_lists([sdk]))

    @classmethod
    def _join(cls, slot: Hashable, pieces: list[Any]) -> Any:
        if slot[0] == "logprobs":  # type: ignore[index]
            return pieces  # one token entry per piece
        return "".join(pieces)

    @classmethod
    def _apply(cls, sdk: Any, joined: dict[Hashable, Any]) -> None:
        # One chunk per choice with all its text pieces: what the SDK's own accumulation makes of them; its
        # logprobs lists extended by every entry, in order, as chunk by chunk.
        snapshot = _snapshot(sdk)
        deltas: dict[int, dict[str, Any]] = {}
        for slot, value in joined.items():
            parts: tuple[Any, ...] = slot  # type: ignore[assignment]
            if parts[0] == "logprobs":
                extend(snapshot, parts[1], parts[2], value)
                continue
            delta = deltas.setdefault(parts[1], {})
            if parts[0] in ("content", "refusal"):
                delta[parts[0]] = value
            else:
                delta.setdefault("tool_calls", []).append({"index": parts[2], "function": {"arguments": value}})
        for index, delta in deltas.items():
            chunk = {
                "id": snapshot.id,
                "object": "chat.completion.chunk",
                "created": snapshot.created,
                "model": snapshot.model,
                "system_fingerprint": snapshot.system_fingerprint,
                "choices": [{"index": index, "delta": delta, "finish_reason": None, "logprobs": None}],
            }
            sdk._accumulate_chunk(read(None, chunk, ChatCompletionChunk))


def _entries(sdk: Any, slot: Any) -> Any:
    """The SDK state's list of token entries ``slot`` (``("logprobs", choice, field)``) grows, or None."""
    snapshot = _snapshot(sdk)
    choices = snapshot.choices if snapshot is not None else []
    logprobs = choices[slot[1]].logprobs if slot[1] < len(choices) else None
    return getattr(logprobs, slot[2], None) if logprobs is not None else None


def _hot_logprobs(index: int, logprobs: Any, held: Any, hot: Hot) -> Hot | None:
    """``hot`` with the chunk's token entries, as the SDK builds them, one piece each: the SDK appends them
    to the choice's lists (once it has them: the first logprobs a choice gets are the chunk's own lists,
    which the SDK keeps)."""
    kept = held.logprobs
    if type(logprobs) is not dict or kept is None:
        return None
    try:
        typed = typed_logprobs(logprobs)
    except Exception:  # the SDK builds the chunk's entries unchecked: it reads it itself
        return None
    if type(typed) is not ChoiceLogprobs:
        return None
    named, pieces = hot
    for field, event in FIELDS:
        entries = getattr(typed, field)
        if not entries:
            continue  # nothing to append (the SDK's ``if choice.logprobs.content``)
        held_entries = getattr(kept, field)
        if type(entries) is not list or (held_entries is not None and type(held_entries) is not list):
            return None
        named += (event,)
        slot = ("logprobs", index, field)
        pieces += tuple([(slot, entry) for entry in to_keep(entries)])
    return named, pieces
