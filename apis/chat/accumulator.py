"""A pure replay of the SDK's Chat Completions stream: the events ``ChatCompletionStream`` yields for each
recorded chunk (``chunk``, ``content.delta``, ``tool_calls.function.arguments.delta``, ``content.done``,
...) and its accumulated completion after it, exactly.

:class:`ChatAccumulator` takes content and tool call argument deltas itself (see
:mod:`ssetape.apis._lagging`) and hands every other chunk to the SDK's own ``ChatCompletionStreamState``,
as ``client.chat.completions.stream(...)`` does. :class:`ChatState` is the state after one chunk.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from openai import Omit, omit
from openai.lib._parsing._completions import get_input_tool_by_name
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.lib.streaming.chat._completions import ChoiceEventState
from openai.types.chat import ChatCompletionChunk, ParsedChatCompletion

from .._lagging import LaggingAccumulator, LaggingState
from .._openai import is_chat_chunk, mangled, read
from ..emitted import Stop

__all__ = ["ChatAccumulator", "ChatState"]

_CONTENT = ("chunk", "content.delta")
_ARGUMENTS = ("chunk", "tool_calls.function.arguments.delta")


class ChatState(LaggingState):
    """What a ``ChatCompletionStream`` holds after a chunk. Each accessor returns a fresh copy."""

    __slots__ = ()
    kind = "chat"

    @property
    def current_snapshot(self) -> ParsedChatCompletion[object] | None:
        """The completion accumulated so far (``None`` before the first chunk): each choice's message with
        its content, refusal and tool calls, the finish reason, and the usage of the last chunk."""
        return _snapshot(self.sdk())

    #: The SDK's name for :attr:`current_snapshot` (``ChatCompletionStream.current_completion_snapshot``).
    current_completion_snapshot = current_snapshot

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

    def _fire(self, raw: Any) -> list[Any]:
        if not is_chat_chunk(raw):  # the stream skips it without a word
            return []
        return list(self._sdk.handle_chunk(raw))

    def _hot(self, name: str | None, data: Any) -> tuple[Hashable, str, tuple[str, ...]] | None:
        # A chunk of one choice whose delta is only a content or one tool call's arguments piece, with
        # nothing else the SDK would record (usage, a fingerprint change, logprobs, a finish reason).
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
        if type(choice) is not dict or choice.get("finish_reason") is not None or choice.get("logprobs") is not None:
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
        if delta.keys() == {"content"}:
            piece = delta["content"]
            if type(piece) is not str or type(held.message.content) is not str:
                return None
            if not isinstance(self._sdk._rich_response_format, Omit):  # parsed again at every chunk
                return None
            return ("content", index), piece, _CONTENT
        if delta.keys() == {"tool_calls"}:
            return self._hot_arguments(index, delta["tool_calls"], held.message, states[index])
        return None

    def _hot_arguments(
        self, index: int, calls: Any, message: Any, events: ChoiceEventState
    ) -> tuple[Hashable, str, tuple[str, ...]] | None:
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
        return ("arguments", index, position), function["arguments"], _ARGUMENTS

    @classmethod
    def _apply(cls, sdk: Any, joined: dict[Hashable, str]) -> None:
        # One chunk per choice with all its pieces: what the SDK's own accumulation makes of them.
        snapshot = _snapshot(sdk)
        deltas: dict[int, dict[str, Any]] = {}
        for slot, text in joined.items():
            parts: tuple[Any, ...] = slot  # type: ignore[assignment]
            delta = deltas.setdefault(parts[1], {})
            if parts[0] == "content":
                delta["content"] = text
            else:
                delta.setdefault("tool_calls", []).append({"index": parts[2], "function": {"arguments": text}})
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


def _snapshot(sdk: ChatCompletionStreamState[Any]) -> Any:
    return mangled(sdk, ChatCompletionStreamState, "current_completion_snapshot")
