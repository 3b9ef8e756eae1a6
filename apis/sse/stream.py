"""A generic SSE stream read the way any EventSource client reads it: the events, in order, as they arrive.

There is no SDK for a stream no API recognises, so :func:`replayer.stream` gives this: a manager whose
``with`` sends the recorded request through the replay transport (real HTTP semantics: status, headers,
``content-encoding``, pacing) and a stream yielding each :class:`~ssetape.recorder.ServerSentEvent` as its
blank line arrives.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx2

from ssetape.recorder import ServerSentEvent, SSEDecoder

__all__ = ["AsyncEventStream", "AsyncEventStreamManager", "EventStream", "EventStreamManager"]


#: Headers the client sets itself for the body it sends.
_NOT_SENT = frozenset({"content-length", "host", "transfer-encoding"})


def _request(item: Any) -> dict[str, Any]:
    request = item.request
    return {
        "method": request.method.upper(),
        "url": request.uri,
        "content": request.body_bytes or None,
        "headers": {
            name: values[0] for name, values in request.headers.items() if values and name.lower() not in _NOT_SENT
        },
    }


class EventStream:
    """Iterates the events of one response; ``until_done()`` reads them all, ``events`` holds those read."""

    def __init__(self, response: httpx2.Response) -> None:
        self.response = response
        self.events: list[ServerSentEvent] = []

    def __iter__(self) -> Iterator[ServerSentEvent]:
        decoder = SSEDecoder()
        for chunk in self.response.iter_bytes():
            for event in decoder.feed(chunk):
                self.events.append(event)
                yield event
        for event in decoder.flush():
            self.events.append(event)
            yield event

    def until_done(self) -> list[ServerSentEvent]:
        for _ in self:
            pass
        return self.events

    def close(self) -> None:
        self.response.close()


class EventStreamManager:
    """``with manager as stream:``: sends the request on entering, closes the response on leaving."""

    def __init__(self, client: httpx2.Client, item: Any) -> None:
        self._client, self._item = client, item
        self._stream: EventStream | None = None

    def __enter__(self) -> EventStream:
        request = self._client.build_request(**_request(self._item))
        self._stream = EventStream(self._client.send(request, stream=True))
        return self._stream

    def __exit__(self, *exc: object) -> None:
        if self._stream is not None:
            self._stream.close()


class AsyncEventStream:
    """The async twin of :class:`EventStream`."""

    def __init__(self, response: httpx2.Response) -> None:
        self.response = response
        self.events: list[ServerSentEvent] = []

    async def __aiter__(self) -> AsyncIterator[ServerSentEvent]:
        decoder = SSEDecoder()
        async for chunk in self.response.aiter_bytes():
            for event in decoder.feed(chunk):
                self.events.append(event)
                yield event
        for event in decoder.flush():
            self.events.append(event)
            yield event

    async def until_done(self) -> list[ServerSentEvent]:
        async for _ in self:
            pass
        return self.events

    async def close(self) -> None:
        await self.response.aclose()


class AsyncEventStreamManager:
    """``async with manager as stream:``."""

    def __init__(self, client: httpx2.AsyncClient, item: Any) -> None:
        self._client, self._item = client, item
        self._stream: AsyncEventStream | None = None

    async def __aenter__(self) -> AsyncEventStream:
        request = self._client.build_request(**_request(self._item))
        self._stream = AsyncEventStream(await self._client.send(request, stream=True))
        return self._stream

    async def __aexit__(self, *exc: object) -> None:
        if self._stream is not None:
            await self._stream.close()
