"""The recording proxy as an ASGI app: every request goes to one upstream, every response back unbuffered.

The app is a reverse proxy for exactly one upstream (``--upstream``): a request's path and query
are appended to the upstream's origin, and nothing a client sends (``Host``, an absolute-form
target like ``GET http://elsewhere/``, ``CONNECT``) can point it anywhere else, so it is never an
open relay. Hop-by-hop headers are dropped both ways (:mod:`.headers`); everything else,
including the status and any ``Content-Encoding``, passes through untouched.

Each upstream chunk is handed to the :class:`~recorder.capture.Capture` with the time it arrived
(its journal has it on disk at once), then sent to the client (the exact bytes, still compressed
if they were: nothing is decoded on the way), so nothing reaches the client unrecorded. When the
upstream cannot be reached or does not answer in time, the client gets a 502 or 504 in the API's
error shape, and that is what is recorded. When the upstream fails mid-body, the capture is
finished as incomplete with the error and the client's connection is dropped, so the client sees
the same cut. When the client goes away mid-stream, the upstream request is closed too and the
interaction is recorded as incomplete (``ClientClosed``), unless the stream had already sent its
last event.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import aiohttp
import yarl

from ssetape.apis import error_document

from ..capture import Capture, client_closed_error
from ..cassette import CutOff
from .headers import REQUEST_ONLY, end_to_end
from .recording import ProxyOutput

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: Like the openai SDK's own defaults: a run can stream for minutes.
DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=None, connect=10.0, sock_read=600.0)


def upstream_origin(upstream: str) -> yarl.URL:
    """Check ``--upstream``: an http(s) URL with a host; its path only tells clients their base URL."""
    url = yarl.URL(upstream)
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"{upstream!r} is not an upstream URL: expected http(s)://host[:port][/path]")
    return url


def error_type(exc: BaseException) -> str:
    """The httpx name of an upstream failure, as cassettes recorded by the transports name it (and replay raises)."""
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return "ConnectTimeout"
    if isinstance(exc, (aiohttp.SocketTimeoutError, TimeoutError)):
        return "ReadTimeout"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return "ConnectError"
    if isinstance(exc, (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError)):
        return "RemoteProtocolError"
    if isinstance(exc, aiohttp.ClientOSError):
        return "ReadError"
    return type(exc).__name__


class ProxyApp:
    """ASGI app forwarding to ``upstream`` and recording every exchange into ``recording``.

    The upstream client is aiohttp's: its C parser keeps the cost per forwarded chunk to a fraction
    of a pure-Python client's, which is what lets one proxy carry 50 busy streams on two cores.
    """

    def __init__(
        self, upstream: str, recording: ProxyOutput, *, timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT
    ) -> None:
        self.upstream = upstream_origin(upstream)
        self.origin = str(self.upstream.origin())
        self._host = self.upstream.raw_authority if self.upstream.explicit_port else self.upstream.raw_host or ""
        self.recording = recording
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None:  # created in the running loop, on first use
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=30),
                timeout=self._timeout,
                auto_decompress=False,  # pass the upstream's bytes on as they are
                trust_env=False,  # straight to the upstream (and no proxy/netrc lookups on every request)
                # Cookies are the client's: never kept from one response to be sent on another's request
                # (the upstream's Set-Cookie passes through to the client, which sends it back if it wants).
                cookie_jar=aiohttp.DummyCookieJar(),
                # Send only what the client sent (aiohttp would add these when missing).
                skip_auto_headers=("Accept", "Accept-Encoding", "User-Agent", "Content-Type"),
            )
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return
        target: bytes = scope.get("raw_path") or scope["path"].encode("latin-1")
        if scope["method"] == "CONNECT" or not target.startswith(b"/"):
            await _reply(
                send,
                405 if scope["method"] == "CONNECT" else 400,
                f"ssetape record forwards to {self.origin} only; the request target must be a path, "
                f"not {target.decode('latin-1')[:100]!r}",
            )
            return
        body = await _read_body(receive)
        if body is None:
            return  # the client left before sending its whole request
        url = self.origin + target.decode("latin-1")
        if scope.get("query_string"):
            url += "?" + scope["query_string"].decode("latin-1")
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in end_to_end(scope["headers"], REQUEST_ONLY)
        ]
        sent = [("host", self._host), *headers]  # as the upstream receives them
        if body and not any(name == "content-length" for name, _ in headers):
            sent.append(("content-length", str(len(body))))
        if self.recording.failure is not None:
            await _unrecordable(send, url, self.recording.failure)
            return
        key, capture = self.recording.begin(scope["method"], url, sent, body)
        if self.recording.failure is not None:  # the journal could not take the request
            self.recording.abandon(key)
            await _unrecordable(send, url, self.recording.failure)
            return
        exchange = _Exchange(self, key, capture, send)
        watcher = asyncio.ensure_future(exchange.watch(receive))
        try:
            await exchange.run(scope["method"], yarl.URL(url, encoded=True), headers, body)
        finally:
            watcher.cancel()


class _Exchange:
    """One request through the proxy: forwards it, streams the answer back, records both."""

    def __init__(self, app: ProxyApp, key: int, capture: Capture, send: Send) -> None:
        self.app, self.key, self.capture, self.send = app, key, capture, send
        self.client_gone = False
        self.body_done = False  # the upstream's whole body has been passed on
        self._task = asyncio.current_task()

    async def watch(self, receive: Receive) -> None:
        """Notice the client leaving: stop forwarding, unless all that is left is the end of the body."""
        while (await receive())["type"] != "http.disconnect":
            pass
        # saw_end decodes the body so far: asked only when the answer is not known without it.
        if self.capture.finished or self.body_done or self.capture.saw_end:
            return  # the response is complete (or only its tail is left to read and record)
        self.client_gone = True
        if self._task is not None:
            self._task.cancel()

    async def run(self, method: str, url: yarl.URL, headers: list[tuple[str, str]], body: bytes) -> None:
        recording = self.app.recording
        try:
            response = await self.app.session().request(
                method, url, headers=headers, data=body or None, allow_redirects=False
            )
        except asyncio.CancelledError:
            recording.abandon(self.key)
            if self.client_gone:
                _uncancel()
                return
            raise
        except (TimeoutError, aiohttp.ClientError) as exc:
            kind = error_type(exc)
            if kind.endswith("Timeout"):
                await self._fail(504, "Gateway Timeout", f"did not answer in time ({kind})", kind)
            else:
                await self._fail(502, "Bad Gateway", f"could not be reached ({kind}: {exc})", kind)
            return
        try:
            await self._relay(response)
        finally:
            response.release()

    async def _relay(self, response: aiohttp.ClientResponse) -> None:
        capture, send = self.capture, self.send
        raw = response.raw_headers
        capture.response(response.status, response.reason, [(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw])
        self.app.recording.responded(self.key)
        received = 0
        try:
            await send({"type": "http.response.start", "status": response.status, "headers": end_to_end(raw)})
            async for chunk in response.content.iter_any():
                capture.chunk(chunk, capture.elapsed())  # journaled before the client has it: a crash loses nothing
                if self.app.recording.failure is not None:
                    # Nothing more can be recorded, this chunk included: cut the stream here (returning without
                    # ending the body drops the client's connection) rather than pass anything on unrecorded.
                    capture.finish(CutOff(type="RecordingFailed", message=self.app.recording.failure))
                    return
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                received += len(chunk)
            self.body_done = True
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except asyncio.CancelledError:
            capture.finish(client_closed_error(capture) if self.client_gone else _stopped(capture))
            if self.client_gone:
                _uncancel()
                return
            raise
        except (TimeoutError, aiohttp.ClientError) as exc:
            # The upstream broke off: record the cut, and return without ending the body, so that the
            # server drops the client's connection and the client sees the same cut.
            capture.finish(_cut(exc, response, received))
            return
        capture.finish()

    async def _fail(self, status: int, reason: str, problem: str, kind: str) -> None:
        """The upstream gave no response: answer (and record) an error in the API's own shape."""
        message = f"ssetape record: the upstream {self.app.origin} {problem}"
        body = json.dumps({"error": {"message": message, "type": "upstream_error", "param": None, "code": kind}})
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"x-ssetape-error", kind.encode()),
        ]
        self.capture.response(status, reason, [(k.decode(), v.decode()) for k, v in headers])
        self.app.recording.responded(self.key)
        self.capture.chunk(body.encode())
        self.capture.finish()
        await self.send({"type": "http.response.start", "status": status, "headers": headers})
        await self.send({"type": "http.response.body", "body": body.encode(), "more_body": False})


def _cut(exc: BaseException, response: aiohttp.ClientResponse, received: int) -> CutOff:
    """How a body that broke off is recorded: a dropped connection in the words the client's own HTTP
    library uses for it (h11's, via httpx), so that a replay fails exactly as the live stream did."""
    kind = error_type(exc)
    if kind != "RemoteProtocolError":
        return CutOff(type=kind, message=str(exc) or repr(exc))
    length = response.headers.get("content-length")
    detail = f"received {received} bytes, expected {length}" if length else "incomplete chunked read"
    return CutOff(type=kind, message=f"peer closed connection without sending complete message body ({detail})")


def _stopped(capture: Capture) -> CutOff:
    return CutOff(type="RecordingStopped", message=f"the recorder stopped after {capture.size} bytes of the body")


def _uncancel() -> None:
    task = asyncio.current_task()
    if task is not None:
        task.uncancel()


async def _read_body(receive: Receive) -> bytes | None:
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        body += message.get("body", b"")
        if not message.get("more_body", False):
            return bytes(body)


async def _unrecordable(send: Send, url: str, reason: str) -> None:
    """A 503 in the error shape of the API ``url`` is (so its SDK shows why), not sent upstream."""
    message = f"ssetape record: {reason}; this request was not sent upstream"
    body = json.dumps(error_document(url, 503, message, "ssetape_recording_failed")).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"x-ssetape-error", b"RecordingFailed"),
        (b"x-should-retry", b"false"),  # the openai and anthropic SDKs would retry a 503 otherwise
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _reply(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body.encode(), "more_body": False})
