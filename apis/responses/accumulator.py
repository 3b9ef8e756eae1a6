"""A pure replay of the SDK's Responses stream: the events ``ResponseStream`` yields for each recorded
event (``response.output_text.delta`` with its ``snapshot``, ``response.completed`` with the parsed
response, ...) and its accumulated response after it, exactly.

:class:`ResponsesAccumulator` takes text and function call argument deltas itself (see
:mod:`ssetape.apis._lagging`) and hands every other event to the SDK's own ``ResponseStreamState``, as
``client.responses.stream(...)`` does. :class:`ResponsesState` is the state after one event.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from openai import Omit, omit
from openai.lib.streaming.responses import ResponseStreamState
from openai.types.responses import ParsedResponse, ResponseStreamEvent

from .._lagging import Hot, LaggingAccumulator, LaggingState
from .._openai import mangled
from ..emitted import Stop

__all__ = ["ResponsesAccumulator", "ResponsesState"]

_TEXT, _ARGUMENTS = "response.output_text.delta", "response.function_call_arguments.delta"
_NAMES = {_TEXT: (_TEXT,), _ARGUMENTS: (_ARGUMENTS,)}


class ResponsesState(LaggingState):
    """What a ``ResponseStream`` holds after an event. Each accessor returns a fresh copy."""

    __slots__ = ()
    kind = "responses"

    @property
    def current_snapshot(self) -> ParsedResponse[object] | None:
        """The response accumulated so far (``None`` before ``response.created``): output items, their text
        and function call arguments, status and usage as the last lifecycle event left them."""
        return mangled(self.sdk(), ResponseStreamState, "current_snapshot")  # type: ignore[no-any-return]

    @property
    def completed_response(self) -> ParsedResponse[Any] | None:
        """What ``get_final_response()`` returns, once ``response.completed`` has arrived; else ``None``."""
        return self.sdk()._completed_response  # type: ignore[no-any-return]

    @property
    def shared_response(self) -> ParsedResponse[Any] | None:
        """:attr:`completed_response`, else :attr:`current_snapshot`, without the copies: one for the panes
        of one moment (:meth:`~ssetape.apis._lagging.LaggingState.shared_sdk`), only to be read."""
        sdk = self.shared_sdk()
        return sdk._completed_response or mangled(sdk, ResponseStreamState, "current_snapshot")  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        snapshot = mangled(self._base, ResponseStreamState, "current_snapshot")
        status = getattr(snapshot, "status", None)
        return f"ResponsesState(status={status!r}, stop={self._stop!r})"


class ResponsesAccumulator(LaggingAccumulator):
    """``handle_event(name, data)`` returns what ``ResponseStream`` yields for that event."""

    cast_to = ResponseStreamEvent
    state_class = ResponsesState

    def __init__(
        self,
        sdk_state: ResponseStreamState[Any] | None = None,
        stop: Stop | None = None,
        *,
        text_format: type[Any] | Omit = omit,
        tools: Iterable[Any] | Omit = omit,
    ) -> None:
        """``text_format`` and ``tools`` are ``client.responses.stream``'s: they decide what gets parsed."""
        if sdk_state is None:
            sdk_state = ResponseStreamState(text_format=text_format, input_tools=tools)
        super().__init__(sdk_state, stop)

    def _fire(self, raw: Any) -> list[Any]:
        return self._sdk.handle_event(raw)  # type: ignore[no-any-return]

    def _hot(self, name: str | None, data: Any) -> Hot | None:
        # What ``Stream`` and ``ResponseStreamState.handle_event`` check, in the order they check it.
        if type(data) is not dict or (name is not None and name.startswith("thread.")) or data.get("error"):
            return None
        kind, delta, position = data.get("type"), data.get("delta"), data.get("output_index")
        if kind not in _NAMES or type(delta) is not str or type(position) is not int:
            return None
        if mangled(self._sdk, ResponseStreamState, "current_snapshot") is None:
            return None
        output = self._sdk._output_items.get(position)
        if kind == _ARGUMENTS:
            if getattr(output, "type", None) != "function_call" or type(getattr(output, "arguments", None)) is not str:
                return None
            return _NAMES[kind], ((("arguments", position), delta),)
        part, content = data.get("content_index"), getattr(output, "content", None)
        if getattr(output, "type", None) != "message" or type(content) is not list or type(part) is not int:
            return None
        if not 0 <= part < len(content) or getattr(content[part], "type", None) != "output_text":
            return None
        if type(getattr(content[part], "text", None)) is not str:
            return None
        return _NAMES[kind], ((("text", position, part), delta),)

    @classmethod
    def _apply(cls, sdk: Any, joined: dict[Hashable, str]) -> None:
        for slot, text in joined.items():
            output = sdk._output_items[slot[1]]  # type: ignore[index]
            if slot[0] == "arguments":  # type: ignore[index]
                output.arguments += text
            else:
                output.content[slot[2]].text += text  # type: ignore[index]
