"""httpx transports that answer requests from a cassette, chunk by chunk, at the recorded pace."""

from __future__ import annotations

import threading
import time
import types
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2

from ssetape.recorder import Cassette, Chunk, Interaction, flavour_of, load

from .clock import Clock
from .errors import UnmatchedRequestError
from .matching import RequestKey, differences, interaction_key, matches, request_key, similarity

POLL_AFTER_HEADER = "openai-poll-after-ms"


class _Cursor:
    """Which recordings have been served: the same request recorded N times is answered N times, in order."""

    def __init__(self, cassette: Cassette, allow_repeats: bool) -> None:
        self.cassette = cassette
        self.allow_repeats = allow_repeats
        self._keys = [interaction_key(interaction) for interaction in cassette.interactions]
        self._used = [False] * len(self._keys)
        self._lock = threading.Lock()

    def take(self, key: RequestKey) -> Interaction:
        with self._lock:
            last = None
            for index, recorded in enumerate(self._keys):
                if matches(recorded, key):
                    last = index
                    if not self._used[index]:
                        self._used[index] = True
                        return self.cassette.interactions[index]
            if last is not None and self.allow_repeats:
                return self.cassette.interactions[last]
        raise UnmatchedRequestError(key.describe(), self._name(), self._closest(key))

    def unused(self) -> list[Interaction]:
        return [i for i, used in zip(self.cassette.interactions, self._used, strict=True) if not used]

    def _closest(self, key: RequestKey) -> list[str]:
        ranked = sorted(range(len(self._keys)), key=lambda i: similarity(key, self._keys[i]), reverse=True)[:3]
        return [f"#{i} {self._keys[i].describe()} ({differences(key, self._keys[i])})" for i in ranked]

    def _name(self) -> str:
        return str(self.cassette.path) if self.cassette.path else "cassette"


def _error_for(flavour: types.ModuleType, interaction: Interaction) -> Exception | None:
    """The exception that ended the recorded body, rebuilt in the client's HTTP library."""
    recording = interaction.response.ssetape
    if recording is None or recording.complete or recording.error is None:
        return None
    if recording.error.type in ("ClientClosed", "TransportClosed"):
        return None
    cls = getattr(flavour, recording.error.type, None)
    if not (isinstance(cls, type) and issubclass(cls, Exception)):
        cls = flavour.RemoteProtocolError
    try:
        return cls(recording.error.message)  # type: ignore[no-any-return]
    except TypeError:
        return flavour.RemoteProtocolError(recording.error.message)  # type: ignore[no-any-return]


def _headers(interaction: Interaction, speed: float) -> list[tuple[str, str]]:
    items = []
    for name, values in interaction.response.headers.items():
        for value in values:
            if name.lower() == POLL_AFTER_HEADER:
                # Polling helpers sleep for this long between requests: pace it like the body.
                value = str(int(float(value) / speed)) if speed > 0 else "0"
            items.append((name, value))
    return items


class _ReplayStream(httpx2.SyncByteStream, httpx.SyncByteStream):
    def __init__(self, chunks: list[Chunk], error: Exception | None, *, clock: Clock) -> None:
        self._chunks, self._clock, self._error = chunks, clock, error

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            wait = self._clock.delay(chunk.at)
            if wait > 0:
                time.sleep(wait)
            yield chunk.data
        if self._error is not None:
            raise self._error


class _AsyncReplayStream(httpx2.AsyncByteStream, httpx.AsyncByteStream):
    def __init__(self, chunks: list[Chunk], error: Exception | None, *, clock: Clock) -> None:
        self._chunks, self._clock, self._error = chunks, clock, error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            wait = self._clock.delay(chunk.at)
            if wait > 0:
                await anyio.sleep(wait)
            yield chunk.data
        if self._error is not None:
            raise self._error


class _ReplayBase:
    def __init__(self, cassette: Cassette | str | Path, speed: float = 0.0, *, allow_repeats: bool = False) -> None:
        if speed < 0:
            raise ValueError(f"speed must be 0 (no waiting) or positive, not {speed}")
        self.cassette = cassette if isinstance(cassette, Cassette) else load(cassette)
        self.speed = speed
        self._cursor = _Cursor(self.cassette, allow_repeats)

    def unused(self) -> list[Interaction]:
        """Recorded interactions no request has asked for yet."""
        return self._cursor.unused()

    def _clock(self) -> Clock:
        return Clock(self.speed)

    def _lookup(self, request: Any, body: bytes) -> tuple[Interaction, Clock]:
        clock = self._clock()
        key = request_key(request.method, str(request.url), request.headers.get("content-type"), body)
        return self._cursor.take(key), clock

    def _body(self, flavour: types.ModuleType, interaction: Interaction) -> tuple[list[Chunk], Exception | None]:
        """The chunks to serve and the exception that ends them, if the recording ended in one."""
        return interaction.chunks(), _error_for(flavour, interaction)

    def _response(self, flavour: types.ModuleType, interaction: Interaction, stream: Any) -> Any:
        message = interaction.response.status.message
        extensions = {"reason_phrase": message.encode("ascii", "replace")} if message else {}
        return flavour.Response(
            status_code=interaction.response.status.code,
            headers=_headers(interaction, self.speed),
            stream=stream,
            extensions=extensions,
        )


class ReplayTransport(_ReplayBase, httpx2.BaseTransport, httpx.BaseTransport):
    """Serves a cassette's responses with their original chunk boundaries.

    ``speed`` 1.0 reproduces the recorded timing, 2.0 plays twice as fast, 0 never waits.
    Requests are matched on method, path and body; a request with no recording raises
    :class:`UnmatchedRequestError` listing the closest recorded requests.
    """

    def handle_request(self, request: Any) -> Any:
        flavour = flavour_of(request)
        interaction, clock = self._lookup(request, request.read())
        wait = clock.delay(interaction.response_at)
        if wait > 0:
            time.sleep(wait)
        stream = _ReplayStream(*self._body(flavour, interaction), clock=clock)
        return self._response(flavour, interaction, stream)


class AsyncReplayTransport(_ReplayBase, httpx2.AsyncBaseTransport, httpx.AsyncBaseTransport):
    """The async twin of :class:`ReplayTransport`."""

    async def handle_async_request(self, request: Any) -> Any:
        flavour = flavour_of(request)
        interaction, clock = self._lookup(request, await request.aread())
        wait = clock.delay(interaction.response_at)
        if wait > 0:
            await anyio.sleep(wait)
        stream = _AsyncReplayStream(*self._body(flavour, interaction), clock=clock)
        return self._response(flavour, interaction, stream)
