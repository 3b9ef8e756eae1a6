"""The SDK's own Chat Completions stream state, replayed one recorded chunk at a time.

:class:`ChatAccumulator` hands each chunk to the SDK's ``ChatCompletionStreamState`` exactly as
``client.chat.completions.stream(...)`` does, so the events it yields (``chunk``, ``content.delta``,
``tool_calls.function.arguments.delta``, ``content.done``, ...) and the accumulated completion are the
SDK's. :class:`ChatState` is a detached copy of that state after one chunk.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from openai import Omit, omit
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.types.chat import ChatCompletionChunk, ParsedChatCompletion

from .._openai import SDKAccumulator, is_chat_chunk, mangled
from ..emitted import Stop

__all__ = ["ChatAccumulator", "ChatState"]


class ChatState:
    """What a ``ChatCompletionStream`` holds after a chunk. Each accessor returns a fresh copy."""

    __slots__ = ("_sdk", "_stop")
    kind = "chat"

    def __init__(self, sdk: ChatCompletionStreamState[Any], stop: Stop | None) -> None:
        self._sdk = sdk
        self._stop = stop

    @property
    def current_snapshot(self) -> ParsedChatCompletion[object] | None:
        """The completion accumulated so far (``None`` before the first chunk): each choice's message with
        its content, refusal and tool calls, the finish reason, and the usage of the last chunk."""
        return copy.deepcopy(mangled(self._sdk, ChatCompletionStreamState, "current_completion_snapshot"))

    #: The SDK's name for :attr:`current_snapshot` (``ChatCompletionStream.current_completion_snapshot``).
    current_completion_snapshot = current_snapshot

    def get_final_completion(self) -> ParsedChatCompletion[Any]:
        """What the stream's ``get_final_completion()`` returns if the stream ended here (the SDK's
        parsing, and its errors, included)."""
        return copy.deepcopy(self._sdk).get_final_completion()

    @property
    def stop(self) -> Stop | None:
        """Why the SDK's stream stops at this chunk, if it does (see :class:`replayer.accumulator.Stop`)."""
        return self._stop

    def __repr__(self) -> str:
        snapshot = mangled(self._sdk, ChatCompletionStreamState, "current_completion_snapshot")
        reasons = [choice.finish_reason for choice in snapshot.choices] if snapshot is not None else []
        return f"ChatState(finish_reasons={reasons!r}, stop={self._stop!r})"


class ChatAccumulator(SDKAccumulator):
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
