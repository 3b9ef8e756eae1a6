"""In-process upstreams for transport tests: httpx/httpx2 mock transports that stream given chunks."""

from __future__ import annotations

import threading
import time
import types
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx
import httpx2

SSE_HEADERS = {"content-type": "text/event-stream; charset=utf-8"}


@dataclass
class Scripted:
    """A response body sent as ``chunks``, waiting ``gaps[i]`` seconds before chunk i."""

    chunks: Sequence[bytes]
    gaps: Sequence[float] = ()
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: dict(SSE_HEADERS))
    #: Raised after the chunks, as a dropped connection would be.
    error: Exception | None = None
    #: Called before each chunk (index); a test can block here to prove nothing is buffered.
    before_chunk: Callable[[int], None] | None = None
    requests: list[Any] = field(default_factory=list)

    def _gap(self, index: int) -> float:
        return self.gaps[index] if index < len(self.gaps) else 0.0


class _Stream(httpx2.SyncByteStream, httpx.SyncByteStream):
    def __init__(self, script: Scripted) -> None:
        self.script = script
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for index, chunk in enumerate(self.script.chunks):
            if self.script.before_chunk:
                self.script.before_chunk(index)
            if self.script._gap(index):
                time.sleep(self.script._gap(index))
            yield chunk
        if self.script.error is not None:
            raise self.script.error

    def close(self) -> None:
        self.closed = True


class _AsyncStream(httpx2.AsyncByteStream, httpx.AsyncByteStream):
    def __init__(self, script: Scripted) -> None:
        self.script = script

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for index, chunk in enumerate(self.script.chunks):
            if self.script._gap(index):
                await anyio.sleep(self.script._gap(index))
            yield chunk
        if self.script.error is not None:
            raise self.script.error


def mock_transport(flavour: types.ModuleType, script: Scripted, *, asynchronous: bool = False) -> Any:
    """A ``MockTransport`` of ``flavour`` (httpx or httpx2) answering every request with ``script``."""

    def respond(request: Any) -> Any:
        script.requests.append(request)
        stream = _AsyncStream(script) if asynchronous else _Stream(script)
        return flavour.Response(script.status, headers=script.headers, stream=stream)

    if asynchronous:

        async def arespond(request: Any) -> Any:
            await request.aread()
            return respond(request)

        return flavour.MockTransport(arespond)
    return flavour.MockTransport(respond)


def gate() -> tuple[threading.Event, threading.Event]:
    """(arrived, release): a pair of events to hold an upstream back until the client has seen a chunk."""
    return threading.Event(), threading.Event()
