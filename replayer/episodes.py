"""Transports that replay what a cassette holds and record what it lacks, request by request
(vcrpy's ``new_episodes``): a request a recording answers is served from the cassette, any other goes
to the real API and is recorded beside it."""

from __future__ import annotations

from typing import Any

import httpx
import httpx2

from ssetape.recorder import AsyncRecordingTransport, RecordingTransport

from .transport import AsyncReplayTransport, ReplayTransport

__all__ = ["AsyncEpisodeTransport", "EpisodeTransport"]


class EpisodeTransport(httpx2.BaseTransport, httpx.BaseTransport):
    """Serves requests from ``replay`` when a recording matches, else passes them through ``record``."""

    def __init__(self, replay: ReplayTransport, record: RecordingTransport) -> None:
        self.replay = replay
        self.record = record

    def handle_request(self, request: Any) -> Any:
        found = self.replay.find(request, request.read())
        if found is not None:
            return self.replay.serve(request, found)
        return self.record.handle_request(request)

    def close(self) -> None:
        self.record.close()


class AsyncEpisodeTransport(httpx2.AsyncBaseTransport, httpx.AsyncBaseTransport):
    """The async twin of :class:`EpisodeTransport`."""

    def __init__(self, replay: AsyncReplayTransport, record: AsyncRecordingTransport) -> None:
        self.replay = replay
        self.record = record

    async def handle_async_request(self, request: Any) -> Any:
        found = self.replay.find(request, await request.aread())
        if found is not None:
            return await self.replay.serve(request, found)
        return await self.record.handle_async_request(request)

    async def aclose(self) -> None:
        await self.record.aclose()
