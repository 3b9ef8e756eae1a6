"""The SDK's own Responses stream state, replayed one recorded event at a time.

:class:`ResponsesAccumulator` hands each event to the SDK's ``ResponseStreamState`` exactly as
``client.responses.stream(...)`` does, so the events it yields (``response.output_text.delta`` with its
``snapshot``, ``response.completed`` with the parsed response, ...) and the accumulated response are the
SDK's. :class:`ResponsesState` is a detached copy of that state after one event.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from openai import Omit, omit
from openai.lib.streaming.responses import ResponseStreamState
from openai.types.responses import ParsedResponse, ResponseStreamEvent

from .._openai import SDKAccumulator, mangled
from ..emitted import Stop

__all__ = ["ResponsesAccumulator", "ResponsesState"]


class ResponsesState:
    """What a ``ResponseStream`` holds after an event. Each accessor returns a fresh copy."""

    __slots__ = ("_sdk", "_stop")
    kind = "responses"

    def __init__(self, sdk: ResponseStreamState[Any], stop: Stop | None) -> None:
        self._sdk = sdk
        self._stop = stop

    @property
    def current_snapshot(self) -> ParsedResponse[object] | None:
        """The response accumulated so far (``None`` before ``response.created``): output items, their text
        and function call arguments, status and usage as the last lifecycle event left them."""
        return copy.deepcopy(mangled(self._sdk, ResponseStreamState, "current_snapshot"))

    @property
    def completed_response(self) -> ParsedResponse[Any] | None:
        """What ``get_final_response()`` returns, once ``response.completed`` has arrived; else ``None``."""
        return copy.deepcopy(self._sdk._completed_response)

    @property
    def stop(self) -> Stop | None:
        """Why the SDK's stream stops at this event, if it does (see :class:`replayer.accumulator.Stop`)."""
        return self._stop

    def __repr__(self) -> str:
        snapshot = mangled(self._sdk, ResponseStreamState, "current_snapshot")
        status = getattr(snapshot, "status", None)
        return f"ResponsesState(status={status!r}, stop={self._stop!r})"


class ResponsesAccumulator(SDKAccumulator):
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
