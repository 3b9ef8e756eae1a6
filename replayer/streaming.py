"""``replayer.stream``: a recorded stream read through the SDK's own streaming machinery.

The chosen interaction's response is served, chunk by chunk, to the stream helper of a real ``openai``
client (``client.beta.threads.runs.stream``, ``client.responses.stream`` or
``client.chat.completions.stream``, whichever the recording is: see :func:`replayer.kind_of`), so every
callback fires, and every event is yielded, exactly as the SDK does it.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeAlias, TypeVar, overload

from anthropic.lib.streaming import BetaMessageStreamManager, MessageStreamManager
from google.genai.types import GenerateContentResponse
from openai import Omit, omit
from openai.lib.streaming import AssistantEventHandler, AssistantStreamManager, AsyncAssistantEventHandler
from openai.lib.streaming.chat import ChatCompletionStreamManager
from openai.lib.streaming.responses import ResponseStreamManager

from ssetape.apis import REGISTRY
from ssetape.recorder import Cassette, Chunk, Interaction, load

from .errors import ReplayError
from .faults import Fault, apply_faults
from .kinds import api_of
from .transport import AsyncReplayTransport, ReplayTransport

HandlerT = TypeVar("HandlerT", bound=AssistantEventHandler)
AsyncHandlerT = TypeVar("AsyncHandlerT", bound=AsyncAssistantEventHandler)
#: What :func:`stream` returns without an event handler: the SDK's manager for the recorded kind of stream.
StreamManager: TypeAlias = (
    AssistantStreamManager[AssistantEventHandler]
    | ResponseStreamManager[Any]
    | ChatCompletionStreamManager[Any]
    | MessageStreamManager[Any]
    | BetaMessageStreamManager[Any]
    | Iterator[GenerateContentResponse]
)


def pick(cassette: Cassette, interaction: int | None) -> int:
    """The index of the streamed interaction to play: ``interaction``, or the first streamed one."""
    streamed = cassette.streams()
    name = str(cassette.path) if cassette.path else "cassette"
    if interaction is None:
        if not streamed:
            raise ReplayError(f"{name}: holds no streamed (text/event-stream) response to replay")
        return streamed[0]
    if not 0 <= interaction < len(cassette.interactions):
        raise ReplayError(
            f"{name}: has no interaction {interaction} (it has {len(cassette.interactions)}, numbered from 0)"
        )
    if interaction not in streamed:
        raise ReplayError(f"{name}: interaction {interaction} is not a streamed response; streamed ones: {streamed}")
    return interaction


def streams(cassette: Cassette | str | Path) -> list[str]:
    """One line per streamed interaction: index, request, status, size, duration, completeness."""
    loaded = cassette if isinstance(cassette, Cassette) else load(cassette)
    lines = []
    for index in loaded.streams():
        item = loaded.interactions[index]
        chunks = item.chunks()
        duration = chunks[-1].at if chunks else 0.0
        state = "complete" if item.complete else "cut off"
        lines.append(
            f"{index}: {item.request.method} {_path(item)} → {item.response.status.code}, "
            f"{len(item.response.body_bytes)} bytes in {len(chunks)} chunks over {duration:.3f}s, {state}"
        )
    return lines


def _path(item: Interaction) -> str:
    uri = item.request.uri
    return uri[uri.find("/", uri.find("//") + 2) :] if "//" in uri else uri


class _PinnedMixin:
    """Answers every request with one interaction (the SDK's request is ours, not the user's),
    with any injected faults applied to its body."""

    cassette: Cassette
    _clock: Any

    def pin(self, index: int, faults: Sequence[Fault]) -> Any:
        self._index = index
        self._faults = list(faults)
        return self

    def _lookup(self, request: Any, body: bytes) -> Any:
        return self.cassette.interactions[self._index], self._clock()

    def _body(self, flavour: types.ModuleType, interaction: Interaction) -> tuple[list[Chunk], Exception | None]:
        if not self._faults:
            return super()._body(flavour, interaction)  # type: ignore[misc,no-any-return]
        return apply_faults(interaction, self._faults, flavour)


class _Pinned(_PinnedMixin, ReplayTransport):
    pass


class _AsyncPinned(_PinnedMixin, AsyncReplayTransport):
    pass


def _as_list(faults: Fault | Sequence[Fault]) -> list[Fault]:
    return [faults] if isinstance(faults, Fault) else list(faults)


def _where(loaded: Cassette, index: int) -> str:
    return f"{loaded.path if loaded.path else 'cassette'}, interaction {index}"


@overload
def stream(
    cassette: Cassette | str | Path,
    event_handler: HandlerT,
    *,
    interaction: int | None = None,
    speed: float = 0.0,
    faults: Fault | Sequence[Fault] = (),
) -> AssistantStreamManager[HandlerT]: ...
@overload
def stream(
    cassette: Cassette | str | Path,
    event_handler: None = None,
    *,
    interaction: int | None = None,
    speed: float = 0.0,
    faults: Fault | Sequence[Fault] = (),
    text_format: type[Any] | Omit = omit,
    response_format: Any = omit,
    tools: Iterable[Any] | Omit = omit,
    output_format: type[Any] | Omit = omit,
    config: Any = omit,
) -> StreamManager: ...
def stream(
    cassette: Cassette | str | Path,
    event_handler: AssistantEventHandler | None = None,
    *,
    interaction: int | None = None,
    speed: float = 0.0,
    faults: Fault | Sequence[Fault] = (),
    text_format: type[Any] | Omit = omit,
    response_format: Any = omit,
    tools: Iterable[Any] | Omit = omit,
    output_format: type[Any] | Omit = omit,
    config: Any = omit,
) -> Any:
    """Like the SDK's stream helper for the recorded kind of stream, but reading the recording.

    ``with replayer.stream(path, event_handler=MyHandler()) as handler: handler.until_done()`` (Assistants);
    ``with replayer.stream(path) as stream: for event in stream: ...`` (Responses, Chat Completions: the
    SDK's ``ResponseStream`` / ``ChatCompletionStream``, ``get_final_response()`` / ``get_final_completion()``).

    ``interaction`` picks the streamed response (default: the first); ``speed`` paces it as
    ``ReplayTransport`` does; ``faults`` (see :class:`Fault`) break it on purpose. ``event_handler``
    applies to Assistants streams only; ``text_format`` (Responses), ``response_format`` (Chat) and
    ``tools`` (both) are the SDK helper's own, and default to the recorded request's (see each API's
    ``ssetape.apis.<kind>.sdk``). An Anthropic Messages recording gives the ``anthropic`` SDK's
    ``MessageStream`` (``client.beta.messages.stream``'s for a ``?beta=true`` request); ``output_format``
    is its helper's. A Gemini recording gives what ``google.genai``'s ``client.models.generate_content_stream``
    returns: an iterator of ``GenerateContentResponse`` (``for chunk in replayer.stream(path)``); ``config``
    is its (a ``response_schema`` fills each chunk's ``parsed``; default: the recorded request's schema).
    """
    options = {
        "text_format": text_format,
        "response_format": response_format,
        "tools": tools,
        "output_format": output_format,
        "config": config,
    }
    return _manager(cassette, interaction, speed, faults, event_handler, options, asynchronous=False)


def astream(
    cassette: Cassette | str | Path,
    event_handler: AsyncAssistantEventHandler | None = None,
    *,
    interaction: int | None = None,
    speed: float = 0.0,
    faults: Fault | Sequence[Fault] = (),
    text_format: type[Any] | Omit = omit,
    response_format: Any = omit,
    tools: Iterable[Any] | Omit = omit,
    output_format: type[Any] | Omit = omit,
    config: Any = omit,
) -> Any:
    """The async twin of :func:`stream`: ``AsyncAssistantEventHandler``, ``AsyncResponseStreamManager``,
    ``AsyncChatCompletionStreamManager`` or ``AsyncMessageStreamManager``; for a Gemini recording, the
    coroutine ``client.aio.models.generate_content_stream`` returns (``async for chunk in await
    replayer.astream(path)``)."""
    options = {
        "text_format": text_format,
        "response_format": response_format,
        "tools": tools,
        "output_format": output_format,
        "config": config,
    }
    return _manager(cassette, interaction, speed, faults, event_handler, options, asynchronous=True)


def _manager(
    cassette: Cassette | str | Path,
    interaction: int | None,
    speed: float,
    faults: Fault | Sequence[Fault],
    event_handler: Any,
    options: dict[str, Any],
    *,
    asynchronous: bool,
) -> Any:
    """The recorded API's own stream helper, on a client whose every request gets the chosen interaction."""
    loaded = cassette if isinstance(cassette, Cassette) else load(cassette)
    index = pick(loaded, interaction)
    item = loaded.interactions[index]
    api, where = api_of(item), _where(loaded, index)
    given = {name: value for name, value in options.items() if not isinstance(value, Omit)}
    wrong = [name for name in given if name not in api.sdk.OPTIONS]
    if wrong:
        raise ReplayError(f"{where} is {api.title} stream: {', '.join(wrong)} does not apply to it")
    if event_handler is not None and api.sdk.YIELDS_EVENTS:
        takers = " and ".join(entry.name for entry in REGISTRY if not entry.sdk.YIELDS_EVENTS)
        raise ReplayError(
            f"{where} is {api.title} stream: an event handler only applies to {takers} streams; "
            "iterate the returned stream instead"
        )
    pinned = (_AsyncPinned if asynchronous else _Pinned)(loaded, speed).pin(index, _as_list(faults))
    client = api.sdk.client(pinned, asynchronous=asynchronous)
    return api.sdk.manager(client, item, event_handler, asynchronous=asynchronous, given=given)
