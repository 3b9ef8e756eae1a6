"""httpx transports that answer requests from a cassette, chunk by chunk, at the recorded pace."""

from __future__ import annotations

import functools
import itertools
import threading
import time
import types
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, Self

import anyio
import httpx
import httpx2

from ssetape.recorder import Cassette, Chunk, Interaction, flavour_of, load

from .clock import Clock
from .errors import UnmatchedRequestError
from .matching import (
    DEFAULT_MATCHING,
    Matching,
    RequestKey,
    differences,
    interaction_key,
    matches,
    request_key,
    similarity,
)

POLL_AFTER_HEADER = "openai-poll-after-ms"


class _Cursor:
    """Which recordings have been served: the same request recorded N times is answered N times, in order."""

    def __init__(self, cassette: Cassette, allow_repeats: bool, matching: Matching, hint: str | None) -> None:
        self.cassette = cassette
        self.allow_repeats = allow_repeats
        self.matching = matching
        self.hint = hint
        self._keys = [interaction_key(interaction) for interaction in cassette.interactions]
        self._used = [False] * len(self._keys)
        self._lock = threading.Lock()

    def find(self, key: RequestKey) -> Interaction | None:
        """The next recording answering ``key`` (marked used), or None."""
        with self._lock:
            last = None
            for index, recorded in enumerate(self._keys):
                if matches(recorded, key, self.matching):
                    last = index
                    if not self._used[index]:
                        self._used[index] = True
                        return self.cassette.interactions[index]
            if last is not None and self.allow_repeats:
                return self.cassette.interactions[last]
        return None

    def take(self, key: RequestKey) -> Interaction:
        found = self.find(key)
        if found is None:
            raise self.unmatched(key)
        return found

    def unused(self) -> list[Interaction]:
        return [i for i, used in zip(self.cassette.interactions, self._used, strict=True) if not used]

    def unused_indexes(self) -> list[int]:
        return [index for index, used in enumerate(self._used) if not used]

    def unmatched(self, key: RequestKey) -> UnmatchedRequestError:
        """The error for a request no recording answers, explained against the closest recording."""
        name = str(self.cassette.path) if self.cassette.path else "cassette"
        if not self._keys:
            return UnmatchedRequestError(key.describe(), name, None, [], hint=self.hint)
        ranked = sorted(
            range(len(self._keys)), key=lambda i: similarity(key, self._keys[i], self.matching), reverse=True
        )
        best = self._keys[ranked[0]]
        found = list(itertools.islice(differences(best, key, self.matching), _SHOWN_DIFFERENCES))
        remedies = list(dict.fromkeys(r for r in (d.remedy() for d in found) if r is not None))
        return UnmatchedRequestError(
            key.describe(),
            name,
            f"#{ranked[0]} {best.describe()}",
            [str(d) for d in found],
            others=[f"#{i} {self._keys[i].describe()}" for i in ranked[1:3]],
            remedies=remedies,
            hint=self.hint,
        )


#: How many differing fields an unmatched request's error lists.
_SHOWN_DIFFERENCES = 8


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


@functools.cache
def _anthropic_unmatched() -> type[UnmatchedRequestError]:
    """:class:`UnmatchedRequestError` as an ``anthropic.AnthropicError`` too: the anthropic SDK passes its own errors
    through as they are and wraps any other a transport raises in ``APIConnectionError: Connection error.`` (the
    openai SDK passes on all but httpx's), which would hide what does not match behind a network failure."""
    import anthropic

    return type(
        "UnmatchedRequestError", (UnmatchedRequestError, anthropic.AnthropicError), {"__module__": "ssetape.errors"}
    )


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
    def __init__(
        self,
        cassette: Cassette | str | Path,
        speed: float = 0.0,
        *,
        allow_repeats: bool = False,
        matching: Matching | None = None,
        hint: str | None = None,
    ) -> None:
        if not speed >= 0:  # (nan too)
            raise ValueError(f"speed must be 0 (no waiting) or positive, not {speed}")
        self.cassette = cassette if isinstance(cassette, Cassette) else load(cassette)
        self.speed = speed
        self.matching = matching or DEFAULT_MATCHING
        self._cursor = _Cursor(self.cassette, allow_repeats, self.matching, hint)
        #: Every request asked of this transport, in order, whether a recording answered it or not.
        self.sent: list[RequestKey] = []

    @classmethod
    def sharing(cls, other: _ReplayBase) -> Self:
        """A transport of this class over ``other``'s cassette that shares which recordings are used
        (and its log of requests): a sync and an async client replaying one cassette in one test."""
        twin = cls(other.cassette, other.speed, matching=other.matching)
        twin._cursor, twin.sent = other._cursor, other.sent
        return twin

    def unused(self) -> list[Interaction]:
        """Recorded interactions no request has asked for yet."""
        return self._cursor.unused()

    def unused_indexes(self) -> list[int]:
        """Indexes of the recorded interactions no request has asked for yet."""
        return self._cursor.unused_indexes()

    def _clock(self) -> Clock:
        return Clock(self.speed)

    def _key(self, request: Any, body: bytes) -> RequestKey:
        key = request_key(
            request.method, str(request.url), request.headers.get("content-type"), body, request.headers.multi_items()
        )
        self.sent.append(key)
        return key

    def _lookup(self, request: Any, body: bytes) -> tuple[Interaction, Clock]:
        clock = self._clock()
        try:
            return self._cursor.take(self._key(request, body)), clock
        except UnmatchedRequestError as exc:
            if "anthropic" in request.headers.get("user-agent", "").lower():  # (Anthropic/, AsyncAnthropic/ ...)
                exc.__class__ = _anthropic_unmatched()
            raise

    def find(self, request: Any, body: bytes) -> Interaction | None:
        """The recording answering ``request``, or None (nothing raised)."""
        return self._cursor.find(self._key(request, body))

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
    Requests are matched as ``matching`` says (by default on method, path, query and body); a request
    with no recording raises :class:`UnmatchedRequestError` naming the fields in which it differs from
    the closest recording. ``hint`` replaces the error's default advice ("record the cassette again").
    """

    def handle_request(self, request: Any) -> Any:
        interaction, clock = self._lookup(request, request.read())
        return self.serve(request, interaction, clock)

    def serve(self, request: Any, interaction: Interaction, clock: Clock | None = None) -> Any:
        """``interaction``'s recorded response to ``request``, paced from now (or from ``clock``'s start)."""
        flavour = flavour_of(request)
        clock = clock or self._clock()
        wait = clock.delay(interaction.response_at)
        if wait > 0:
            time.sleep(wait)
        stream = _ReplayStream(*self._body(flavour, interaction), clock=clock)
        return self._response(flavour, interaction, stream)


class AsyncReplayTransport(_ReplayBase, httpx2.AsyncBaseTransport, httpx.AsyncBaseTransport):
    """The async twin of :class:`ReplayTransport`."""

    async def handle_async_request(self, request: Any) -> Any:
        interaction, clock = self._lookup(request, await request.aread())
        return await self.serve(request, interaction, clock)

    async def serve(self, request: Any, interaction: Interaction, clock: Clock | None = None) -> Any:
        """The async twin of :meth:`ReplayTransport.serve`."""
        flavour = flavour_of(request)
        clock = clock or self._clock()
        wait = clock.delay(interaction.response_at)
        if wait > 0:
            await anyio.sleep(wait)
        stream = _AsyncReplayStream(*self._body(flavour, interaction), clock=clock)
        return self._response(flavour, interaction, stream)
