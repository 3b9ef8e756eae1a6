"""What one request/response looks like while it is being recorded, shared by every transport."""

from __future__ import annotations

import functools
import threading
import time
import zlib
from array import array
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from ssetape.apis import stream_ends

from .cassette import (
    Body,
    CutOff,
    Interaction,
    RecordedRequest,
    RecordedResponse,
    Recording,
    Status,
)
from .chunks import Chunks
from .credentials import forms, redact_headers_and_collect, redact_url, scrub_bytes, scrub_headers
from .redact import JsonPath, ResponseRedactor, parse_json_path, redact_headers, redact_json_bytes
from .sse import ServerSentEvent, SSEDecoder


class _ContentDecoder:
    """Undo gzip/deflate (and br, when a brotli module is installed) chunk by chunk."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._decompress: Callable[[bytes], bytes] | None = None
        self._flush: Callable[[], bytes] = bytes
        if encoding in ("gzip", "x-gzip"):
            obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
            self._decompress, self._flush = obj.decompress, obj.flush
        elif encoding == "deflate":
            obj = zlib.decompressobj()
            self._decompress, self._flush = obj.decompress, obj.flush
        elif encoding == "br":
            try:
                import brotli  # type: ignore[import-not-found]
            except ImportError:
                return
            br = brotli.Decompressor()
            self._decompress = br.process

    @property
    def supported(self) -> bool:
        return self._decompress is not None

    def decode(self, data: bytes) -> bytes:
        assert self._decompress is not None
        return self._decompress(data)

    def flush(self) -> bytes:
        return self._flush()


class Capture:
    """Records one exchange: the request up front, then the response headers and every chunk.

    Bodies are stored decoded (``Content-Encoding`` undone and its header dropped), so a
    cassette holds the bytes an SSE parser reads, with their arrival times. Credentials (the headers
    and query parameters of :mod:`~recorder.credentials`) are redacted, and so are their values
    wherever the response repeats them. ``redact`` names extra secret headers; ``redact_json`` paths
    (see :func:`~recorder.redact.parse_json_path`) are
    redacted in the request body and, at :meth:`finish`, in the response body. ``on_chunk`` sees
    each decoded chunk as it is recorded (a journal keeps in-flight bodies on disk with it). ``defer``, when
    given, is handed the building of the interaction (the proxy runs it later, one a turn of its event
    loop); :meth:`finish` then returns None.
    """

    def __init__(
        self,
        *,
        method: str,
        url: str,
        headers: Iterable[tuple[str, str]],
        body: bytes,
        on_finish: Callable[[Interaction], None],
        redact: Iterable[str] = (),
        redact_json: Iterable[str | JsonPath] = (),
        on_chunk: Callable[[float, bytes], None] | None = None,
        defer: Callable[[Callable[[], object]], None] | None = None,
    ) -> None:
        self._redact = tuple(redact)
        self.json_paths = tuple(parse_json_path(p) if isinstance(p, str) else p for p in redact_json)
        if body and self.json_paths:
            body = redact_json_bytes(body, self.json_paths) or body
        recorded_headers, in_headers = redact_headers_and_collect(headers, self._redact)
        uri, in_url = redact_url(url)
        #: The secrets the request carried, as they may reappear in a body: taken out of everything recorded.
        self.secrets = forms(in_headers + in_url)
        if body and self.secrets:
            body = scrub_bytes(body, self.secrets)
        # The request as recorded; its model is built when first asked for (after the stream, off the storm of
        # requests a proxy can get: the journal writes these).
        self.method = method
        self.uri = uri
        self.request_headers = recorded_headers
        self.request_body: bytes | None = body or None
        self._on_finish = on_finish
        self._on_chunk = on_chunk
        self._defer = defer
        self._started = time.perf_counter()
        self._recorded_at = datetime.now(UTC)
        self._response_at = 0.0
        self.status_code = 0
        self._reason = ""
        self._headers: list[tuple[str, str]] = []
        self._response_headers: dict[str, list[str]] | None = None
        self._decoder: _ContentDecoder | None = None
        # Each chunk's arrival and size, in two arrays rather than a tuple each: the garbage collector walks
        # every tuple a stream in flight holds, at every young pass (numbers in an array are not objects).
        self._arrivals = array("d")
        self._sizes = array("q")
        self._body = bytearray()
        self._sse: SSEDecoder | None = None
        self._decoded = 0  # how much of the body the SSE decoder has seen: it decodes when asked
        self._last_event: ServerSentEvent | None = None
        self._events = 0
        self.finished = False
        self._lock = threading.Lock()
        self._decoding = threading.Lock()

    def elapsed(self) -> float:
        return time.perf_counter() - self._started

    @property
    def recorded_at(self) -> datetime:
        return self._recorded_at

    @property
    def response_at(self) -> float:
        return self._response_at

    @functools.cached_property
    def request(self) -> RecordedRequest:
        body = self.request_body
        return RecordedRequest(
            method=self.method,
            uri=self.uri,
            headers=self.request_headers,
            body=_text_or_bytes(body) if body is not None else None,
        )

    @property
    def status(self) -> Status:
        return Status(code=self.status_code, message=self._reason if self.status_code else None)

    @property
    def reason(self) -> str:
        return self._reason

    @property
    def response_headers(self) -> dict[str, list[str]]:
        """The response headers as they will be written: decoded-away encoding dropped, secrets redacted (worked
        out once: the journal and the interaction both need them)."""
        headers = self._response_headers
        if headers is None:
            headers = redact_headers(self._headers, self._redact)
            if self.secrets:
                headers = scrub_headers(headers, self.secrets)
            self._response_headers = headers
        return headers

    def body_redactor(self) -> ResponseRedactor:
        """What the response body goes through on its way to disk (false when nothing is to be redacted)."""
        return ResponseRedactor(self.json_paths, self.secrets, event_stream=self.event_stream)

    @property
    def event_stream(self) -> bool:
        return self._sse is not None

    def response(self, status: int, reason: str | None, headers: Iterable[tuple[str, str]]) -> None:
        self._response_at = self.elapsed()
        self.status_code = status
        self._reason = reason or ""
        self._response_headers = None
        items = list(headers)
        encoding = next((v.strip().lower() for k, v in items if k.lower() == "content-encoding"), None)
        if encoding and encoding != "identity":
            decoder = _ContentDecoder(encoding)
            if decoder.supported:
                self._decoder = decoder
                skip = {"content-encoding", "content-length"}
                items = [(k, v) for k, v in items if k.lower() not in skip]
        self._headers = items
        content_type = next((v for k, v in items if k.lower() == "content-type"), "")
        if content_type.split(";")[0].strip().lower() == "text/event-stream":
            self._sse = SSEDecoder()

    def chunk(self, data: bytes, at: float | None = None) -> None:
        """Record a chunk of the body as received (still encoded); ``at`` defaults to now."""
        if at is None:
            at = self.elapsed()
        if self._decoder is not None:
            data = self._decoder.decode(data)
        if data:
            self._arrivals.append(at)
            self._sizes.append(len(data))
            self._body += data
            if self._on_chunk is not None:
                self._on_chunk(at, data)

    def _decode(self) -> None:
        """Bring the SSE decoder up to date (only when asked: nothing on the path of each chunk)."""
        if self._sse is None or self._decoded == len(self._body):
            return
        with self._decoding:  # a status line may ask from another thread
            end = len(self._body)
            events = self._sse.feed(bytes(self._body[self._decoded : end]))
            self._decoded = end
            if events:
                self._events += len(events)
                self._last_event = events[-1]

    @property
    def events(self) -> int:
        """Server-sent events in the body so far (an event stream only)."""
        self._decode()
        return self._events

    @property
    def saw_end(self) -> bool:
        """Whether the stream's last event has arrived (``[DONE]``, an error, a final response event)."""
        self._decode()
        last = self._last_event
        if last is None:
            return False
        return stream_ends(last.event, last.parsed())

    @property
    def size(self) -> int:
        return len(self._body)

    def abandon(self) -> None:
        """Record nothing: the request got no response (the upstream could not be reached), so there is no
        interaction to save, not even an incomplete one. Later calls to :meth:`finish` do nothing."""
        with self._lock:
            self.finished = True

    def finish(self, error: BaseException | CutOff | None = None) -> Interaction | None:
        """Build the interaction and hand it on. Only the first call counts: a later one (the stream's
        close after its iterator already ended it, say) does nothing and returns None."""
        with self._lock:
            if self.finished:
                return None
            self.finished = True
        if self._decoder is not None and error is None:
            tail = self._decoder.flush()
            if tail:
                at = self.elapsed()
                self._arrivals.append(at)
                self._sizes.append(len(tail))
                self._body += tail
                if self._on_chunk is not None:
                    self._on_chunk(at, tail)
        if isinstance(error, BaseException):
            error = CutOff(type=type(error).__name__, message=str(error))
        if self._defer is not None:
            cut: CutOff | None = error
            self._defer(lambda: self._build(cut))
            return None
        return self._build(error)

    def _build(self, error: CutOff | None) -> Interaction:
        body, chunks = bytes(self._body), Chunks.from_arrays(self._arrivals, self._sizes)
        redactor = self.body_redactor()
        if redactor:
            body = redactor.feed(body) + redactor.flush(complete=error is None)
            if redactor.resized:
                chunks = Chunks(redactor.map_chunks(chunks))
        # The response and its recording constructed, not validated: validation checks every chunk's time and the
        # sizes' sum in Python, a loop over the chunks, for pairs that are ours and add up to the body by
        # construction (the small models are validated: pydantic-core does that faster than model_construct).
        # test_capture_builds_what_validation_does holds this to what validation gives.
        recording = Recording.model_construct(
            recorded_at=self._recorded_at,
            response_at=round(self._response_at, 6),
            chunks=chunks,
            complete=error is None,
            error=error,
        )
        response = RecordedResponse.model_construct(
            status=self.status, headers=self.response_headers, body=Body(string=_text_or_bytes(body)), ssetape=recording
        )
        interaction = Interaction(request=self.request, response=response)
        self._on_finish(interaction)
        return interaction


def _text_or_bytes(data: bytes) -> str | bytes:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


def client_closed_error(capture: Capture) -> CutOff:
    return CutOff(
        type="ClientClosed",
        message=f"the client closed the response after {capture.size} bytes, before the stream ended",
    )


def transport_closed_error(capture: Capture) -> CutOff:
    return CutOff(
        type="TransportClosed",
        message=f"the transport was closed after {capture.size} bytes, before the response was read to its end",
    )
