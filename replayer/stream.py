"""``replayer.stream``: a recorded stream fed to an event handler through the SDK's own machinery.

The chosen interaction's response is served, chunk by chunk, to ``client.beta.threads.runs.stream``
of a real ``openai`` client, so every callback fires exactly as the SDK fires it.
"""

from __future__ import annotations

import re
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar, overload

import httpx2
import openai
from openai.lib.streaming import (
    AssistantEventHandler,
    AssistantStreamManager,
    AsyncAssistantEventHandler,
    AsyncAssistantStreamManager,
)

from recorder import Cassette, Chunk, Interaction, load

from .errors import ReplayError
from .faults import Fault, apply_faults
from .transport import AsyncReplayTransport, ReplayTransport

HandlerT = TypeVar("HandlerT", bound=AssistantEventHandler)
AsyncHandlerT = TypeVar("AsyncHandlerT", bound=AsyncAssistantEventHandler)

_THREAD_ID = re.compile(r"/threads/([^/]+)/")


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


def _thread_id(item: Interaction) -> str:
    match = _THREAD_ID.search(item.request.uri)
    return match.group(1) if match else "thread_replay"


@overload
def stream(
    cassette: Cassette | str | Path,
    event_handler: None = None,
    *,
    interaction: int | None = None,
    speed: float = 0.0,
    faults: Fault | Sequence[Fault] = (),
) -> AssistantStreamManager[AssistantEventHandler]: ...
@overload
def stream(
    cassette: Cassette | str | Path,
    event_handler: HandlerT,
    *,
    interaction: int | None = None,
    speed: float = 0.0,
    faults: Fault | Sequence[Fault] = (),
) -> AssistantStreamManager[HandlerT]: ...
def stream(
    cassette: Cassette | str | Path,
    event_handler: AssistantEventHandler | None = None,
    *,
    interaction: int | None = None,
    speed: float = 0.0,
    faults: Fault | Sequence[Fault] = (),
) -> AssistantStreamManager[Any]:
    """Like ``client.beta.threads.runs.stream(...)``, but reading a recorded stream.

    ``with replayer.stream(path, event_handler=MyHandler()) as handler: handler.until_done()``

    ``interaction`` picks the streamed response (default: the first); ``speed`` paces it as
    ``ReplayTransport`` does; ``faults`` (see :class:`Fault`) break it on purpose.
    """
    loaded = cassette if isinstance(cassette, Cassette) else load(cassette)
    index = pick(loaded, interaction)
    client = openai.OpenAI(
        api_key="sk-ssetape-replay",
        base_url="http://replay.ssetape/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=_Pinned(loaded, speed).pin(index, _as_list(faults))),
    )
    item = loaded.interactions[index]
    return client.beta.threads.runs.stream(
        thread_id=_thread_id(item),
        assistant_id="asst_replay",
        event_handler=event_handler if event_handler is not None else AssistantEventHandler(),
    )


def astream(
    cassette: Cassette | str | Path,
    event_handler: AsyncAssistantEventHandler | None = None,
    *,
    interaction: int | None = None,
    speed: float = 0.0,
    faults: Fault | Sequence[Fault] = (),
) -> AsyncAssistantStreamManager[Any]:
    """The async twin of :func:`stream`, for ``AsyncAssistantEventHandler``."""
    loaded = cassette if isinstance(cassette, Cassette) else load(cassette)
    index = pick(loaded, interaction)
    client = openai.AsyncOpenAI(
        api_key="sk-ssetape-replay",
        base_url="http://replay.ssetape/v1",
        max_retries=0,
        http_client=httpx2.AsyncClient(transport=_AsyncPinned(loaded, speed).pin(index, _as_list(faults))),
    )
    return client.beta.threads.runs.stream(
        thread_id=_thread_id(loaded.interactions[index]),
        assistant_id="asst_replay",
        event_handler=event_handler if event_handler is not None else AsyncAssistantEventHandler(),
    )
