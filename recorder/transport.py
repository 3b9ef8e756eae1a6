"""httpx transports that record every exchange into a cassette while passing it through.

One class serves both HTTP stacks: the ``openai`` SDK's ``httpx2`` and plain ``httpx``. The
stack is chosen per request from the request's own type, so the same transport object can sit
under an ``httpx2.Client`` (``openai.OpenAI(http_client=...)``) or an ``httpx.Client``.
"""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx
import httpx2

from ssetape.apis import error_document

from .capture import Capture, client_closed_error, transport_closed_error
from .cassette import Interaction
from .errors import CassetteError, RecordError
from .session import CassetteRecorder


def flavour_of(request: Any) -> types.ModuleType:
    """The HTTP library (``httpx2`` or ``httpx``) a request object belongs to."""
    return httpx2 if isinstance(request, httpx2.Request) else httpx


class _RecordingStream(httpx2.SyncByteStream, httpx.SyncByteStream):
    """Yields each upstream chunk the moment it arrives and records it on the side."""

    def __init__(self, upstream: Any, capture: Capture) -> None:
        self._upstream = upstream
        self._chunks: Iterator[bytes] = iter(())
        self._capture = capture

    def __iter__(self) -> Iterator[bytes]:
        self._chunks = iter(self._upstream)
        try:
            for chunk in self._chunks:
                self._capture.chunk(chunk)
                yield chunk
        except GeneratorExit:
            raise  # the client stopped reading; close() decides what that means
        except BaseException as exc:
            self._capture.finish(exc)
            raise
        self._capture.finish()

    def close(self) -> None:
        try:
            if not self._capture.finished:
                if self._capture.saw_end:
                    # The client stopped at the last event; only the end of the body is left to read.
                    for chunk in self._chunks:
                        self._capture.chunk(chunk)
                    self._capture.finish()
                else:
                    self._capture.finish(client_closed_error(self._capture))
        finally:
            self._upstream.close()


class _AsyncRecordingStream(httpx2.AsyncByteStream, httpx.AsyncByteStream):
    def __init__(self, upstream: Any, capture: Capture) -> None:
        self._upstream = upstream
        self._chunks: AsyncIterator[bytes] | None = None
        self._capture = capture

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self._chunks = aiter(self._upstream)
        try:
            async for chunk in self._chunks:
                self._capture.chunk(chunk)
                yield chunk
        except GeneratorExit:
            raise
        except BaseException as exc:
            self._capture.finish(exc)
            raise
        self._capture.finish()

    async def aclose(self) -> None:
        try:
            if not self._capture.finished:
                if self._capture.saw_end and self._chunks is not None:
                    async for chunk in self._chunks:
                        self._capture.chunk(chunk)
                    self._capture.finish()
                else:
                    self._capture.finish(client_closed_error(self._capture))
        finally:
            await self._upstream.aclose()


class _RecordingBase:
    def __init__(
        self,
        path: str | Path,
        transport: Any = None,
        *,
        append: bool = False,
        redact_headers: Iterable[str] = (),
        redact_json: Iterable[str] = (),
        recorder: CassetteRecorder | None = None,
    ) -> None:
        # A ``recorder`` shared by several transports (a sync and an async client in one test) keeps
        # their interactions in one cassette, in the order their requests started.
        self.recorder = recorder if recorder is not None else CassetteRecorder(path, append=append)
        self._transport = transport
        self._owned: dict[types.ModuleType, Any] = {}
        self._redact = tuple(redact_headers)
        self._redact_json = tuple(redact_json)
        #: The requests whose response is not yet recorded (a sync client's threads add to it at once: a lock).
        self._open: list[Capture] = []
        self._open_lock = threading.Lock()
        #: Why the cassette cannot be written (the disk is full, a read-only directory), once it cannot:
        #: later requests are answered 503 rather than passed on unrecorded.
        self.failure: str | None = None
        self._reported = False

    @property
    def path(self) -> Path:
        return self.recorder.path

    def _capture(self, request: Any, body: bytes) -> Capture:
        ticket = self.recorder.ticket()
        capture = Capture(
            method=request.method,
            url=str(request.url),
            headers=request.headers.multi_items(),
            body=body,
            on_finish=lambda interaction: self._add(interaction, ticket),
            redact=self._redact,
            redact_json=self._redact_json,
        )
        with self._open_lock:
            self._open = [other for other in self._open if not other.finished]
            self._open.append(capture)
        return capture

    def _add(self, interaction: Interaction, ticket: int) -> None:
        if self.failure is not None:
            return
        try:
            self.recorder.add(interaction, ticket)
        except CassetteError as exc:
            self._fail(exc)

    def _fail(self, exc: CassetteError) -> None:
        cause = exc.__cause__
        reason = cause.strerror if isinstance(cause, OSError) and cause.strerror else str(exc)
        self.failure = f"the recording into {self.path} cannot be written ({reason})"
        print(f"ssetape: {self.failure}: later requests get a 503, nothing passes unrecorded", file=sys.stderr)

    def _refused(self, flavour: types.ModuleType, request: Any) -> Any:
        """A 503 in the error shape of the API asked, sent instead of a request that cannot be recorded."""
        assert self.failure is not None
        message = f"ssetape: {self.failure}; this request was not sent upstream"
        document = error_document(str(request.url), 503, message, "ssetape_recording_failed")
        headers = {"x-ssetape-error": "RecordingFailed", "x-should-retry": "false"}
        return flavour.Response(503, json=document, headers=headers, request=request)

    def _finish_open(self) -> None:
        """On close: save responses nobody read to the end as incomplete, and make sure the file exists;
        raise :class:`RecordError` if the recording could not be written."""
        with self._open_lock:
            unfinished, self._open = self._open, []
        for capture in unfinished:
            capture.finish(transport_closed_error(capture))
        if self.failure is None and not self.recorder.path.exists():
            try:
                self.recorder.save()
            except CassetteError as exc:
                self._fail(exc)
        if self.failure is not None and not self._reported:
            self._reported = True  # once: a client's close() closes its transport again
            raise RecordError(f"{self.failure}; the responses were passed on, but are not in the cassette")

    def _inner(self, flavour: types.ModuleType, factory: str) -> Any:
        if self._transport is not None:
            return self._transport
        if flavour not in self._owned:
            self._owned[flavour] = getattr(flavour, factory)()
        return self._owned[flavour]


class RecordingTransport(_RecordingBase, httpx2.BaseTransport, httpx.BaseTransport):
    """Wraps a real transport (default: a new ``HTTPTransport``) and records into ``path``.

    ``redact_headers`` adds secret headers to the built-in ones; ``redact_json`` names JSON fields
    (``metadata.user_email``, ``**.api_key``) replaced by ``REDACTED`` in request and response bodies.

    Every finished exchange is saved at once; a body cut off by an error or by the client is
    saved as incomplete, with the error and what had arrived. A request that got no response (the
    upstream could not be reached) is not recorded: the client gets its error, the cassette nothing.
    When the cassette cannot be written (the disk is full), one line says so on stderr, later requests
    get a 503 in the API's error shape without reaching it, and :meth:`close` raises :class:`RecordError`.
    """

    def handle_request(self, request: Any) -> Any:
        flavour = flavour_of(request)
        if self.failure is not None:
            return self._refused(flavour, request)
        capture = self._capture(request, request.read())
        try:
            response = self._inner(flavour, "HTTPTransport").handle_request(request)
        except BaseException:
            capture.abandon()
            raise
        return _passed_on(flavour, response, capture, _RecordingStream)

    def close(self) -> None:
        try:
            self._finish_open()
        finally:
            for transport in self._owned.values():
                transport.close()
            if self._transport is not None:
                self._transport.close()


class AsyncRecordingTransport(_RecordingBase, httpx2.AsyncBaseTransport, httpx.AsyncBaseTransport):
    """The async twin of :class:`RecordingTransport`."""

    async def handle_async_request(self, request: Any) -> Any:
        flavour = flavour_of(request)
        if self.failure is not None:
            return self._refused(flavour, request)
        capture = self._capture(request, await request.aread())
        try:
            response = await self._inner(flavour, "AsyncHTTPTransport").handle_async_request(request)
        except BaseException:
            capture.abandon()
            raise
        return _passed_on(flavour, response, capture, _AsyncRecordingStream)

    async def aclose(self) -> None:
        try:
            self._finish_open()
        finally:
            for transport in self._owned.values():
                await transport.aclose()
            if self._transport is not None:
                await self._transport.aclose()


def _passed_on(flavour: types.ModuleType, response: Any, capture: Capture, stream: type[Any]) -> Any:
    """The upstream's response as the client gets it: the same status and headers, its body recorded
    on the way through."""
    capture.response(response.status_code, _reason(response), response.headers.multi_items())
    return flavour.Response(
        status_code=response.status_code,
        headers=response.headers.raw,
        stream=stream(response.stream, capture),
        extensions=response.extensions,
    )


def _reason(response: Any) -> str | None:
    phrase = response.extensions.get("reason_phrase")
    return phrase.decode("ascii", "replace") if isinstance(phrase, bytes) else None
