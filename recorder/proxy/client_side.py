"""A client's connection to the proxy: HTTP/1.1 requests parsed with httptools (llhttp, in C), answered one
at a time in the order they came (pipelined ones wait their turn), kept alive between them.

A request's target is kept as the client sent it, so that an absolute-form one (``GET http://elsewhere/``,
a client using this as a forward proxy) and ``CONNECT`` are seen and refused in the API's error shape: the
proxy relays to its upstream and nowhere else. The whole request body is read (de-chunked) before it is
forwarded; ``Expect: 100-continue`` is answered when the request's turn comes. An answer's body is framed
as the upstream framed its length: ``Content-Length`` passed through when it sent one, else chunked (or,
for an HTTP/1.0 client, ended by closing the connection). No ``Server`` or ``Date`` header is added.
"""

from __future__ import annotations

import asyncio
from collections import deque
from http import HTTPStatus
from typing import cast

import httptools

from .exchange import Exchange, Relay, Request
from .headers import RawHeaders
from .replies import BAD_REQUEST, Reply, refusal

#: How long a kept-alive connection may sit without a request (uvicorn's default, which the proxy had).
KEEP_ALIVE = 5.0
#: Pipelined requests read ahead of the one being answered before the proxy stops reading.
MAX_QUEUED = 32
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


def _phrase(status: int) -> bytes:
    try:
        return HTTPStatus(status).phrase.encode()
    except ValueError:
        return b""


class ClientConnection(asyncio.Protocol):
    """Serves one client connection; :class:`~recorder.proxy.exchange.Exchange` writes the answers through it."""

    def __init__(self, relay: Relay, connections: set[ClientConnection]) -> None:
        self.relay = relay
        self._connections = connections
        self._loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self._parser = httptools.HttpRequestParser(self)
        self.exchange: Exchange | None = None
        self._queue: deque[Request | Reply] = deque()
        self._gone = False
        self._closing = False  # close once the answer in flight is done
        self._ignore = False  # what follows a refused request or an upgrade is not HTTP to parse
        self._continue_owed = False
        self._idle: asyncio.TimerHandle | None = None
        self._reading_paused = False
        # The request being parsed.
        self._target = b""
        self._headers: RawHeaders = []
        self._body: list[bytes] = []
        self._refused = False
        self._parsing = False
        # The answer being written.
        self._http11 = True
        self._chunked = False
        self._keep_alive = True
        #: What was written while corked (one upstream read's worth): sent in one ``send`` by :meth:`uncork`.
        self._corked: list[bytes] | None = None

    # -- asyncio's side ---------------------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # (uvloop's transports are not its subclasses)
        self._connections.add(self)
        self._idle = self._loop.call_later(KEEP_ALIVE, self._idle_out)

    def data_received(self, data: bytes) -> None:
        if self._ignore:
            return
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._ignore = True  # CONNECT is refused; any other upgrade is answered as plain HTTP, then closed
            self._closing = True
        except httptools.HttpParserError:
            self._ignore = True
            self._queue.append(BAD_REQUEST)
        self._next()

    def eof_received(self) -> bool:
        """The client closed its side: it has gone (curl -m, a killed process, an SDK's timeout), and what it
        asked is given up, upstream too, as nginx does (``proxy_ignore_client_abort off``): an API left to
        generate for nobody costs the user, and an answer recorded as passed on was never read."""
        self._closing = True
        return False  # the transport closes; connection_lost tells the exchange in flight

    def connection_lost(self, exc: Exception | None) -> None:
        self._gone = True
        self._connections.discard(self)
        if self._idle is not None:
            self._idle.cancel()
        exchange, self.exchange = self.exchange, None
        self._queue.clear()
        if exchange is not None:
            exchange.client_left()

    def pause_writing(self) -> None:
        if self.exchange is not None:
            self.exchange.pause()

    def resume_writing(self) -> None:
        if self.exchange is not None:
            self.exchange.resume()

    # -- httptools' callbacks ---------------------------------------------------------------------------------
    def on_message_begin(self) -> None:
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        self._target = b""
        self._headers = []
        self._body = []
        self._refused = False
        self._parsing = True

    def on_url(self, url: bytes) -> None:
        self._target += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        parser = self._parser
        refused = refusal(self.relay.origin.prefix, parser.get_method(), self._target)
        if refused is not None:
            # Its body (or a CONNECT's tunnel) is not read: the answer is the connection's last.
            self._refused = self._ignore = True
            self._parsing = False
            self._queue.append(refused)
            return
        if parser.get_http_version() == "1.1" and any(
            name.lower() == b"expect" and value.lower() == b"100-continue" for name, value in self._headers
        ):
            self._continue_owed = True
            self._next()

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        self._parsing = False
        if self._refused:
            return
        parser = self._parser
        http11 = parser.get_http_version() == "1.1"
        self._queue.append(
            Request(
                parser.get_method(),
                self._target,
                self._headers,
                b"".join(self._body),
                keep_alive=http11 and parser.should_keep_alive(),
                http11=http11,
            )
        )
        if len(self._queue) >= MAX_QUEUED and self.transport is not None:
            self._reading_paused = True
            self.transport.pause_reading()

    # -- taking requests in turn ------------------------------------------------------------------------------
    def _next(self) -> None:
        if self.exchange is not None or self._gone:
            return
        if self._queue:
            if self._reading_paused and len(self._queue) < MAX_QUEUED // 2 and self.transport is not None:
                self._reading_paused = False
                self.transport.resume_reading()
            item = self._queue.popleft()
            if isinstance(item, Reply):
                self._keep_alive = False
                self._write_reply(item)
                return
            self._keep_alive = item.keep_alive and not self._closing
            self._chunked = False
            self._http11 = item.http11
            self.exchange = exchange = Exchange(self.relay, self, item)
            exchange.start(item)
            return
        if self._continue_owed and self.transport is not None:
            self._continue_owed = False
            self._write(CONTINUE)
        if self._closing:
            self._close()
        elif self._idle is None and not self._parsing:
            self._idle = self._loop.call_later(KEEP_ALIVE, self._idle_out)

    def _idle_out(self) -> None:
        self._idle = None
        if self.exchange is None and not self._queue:
            self._close()

    def shutdown(self) -> None:
        """The proxy is stopping: close now if idle, else after the answer in flight."""
        self._closing = True
        self._keep_alive = False
        if self.exchange is None and not self._queue:
            self._close()

    def _close(self) -> None:
        self.uncork()
        if self.transport is not None and not self._gone:
            self.transport.close()

    # -- writing an answer (Downstream) -----------------------------------------------------------------------
    def cork(self) -> None:
        """Hold what is written until :meth:`uncork`: the pieces of one upstream read (a head and its first
        chunk, a last chunk and the body's end) go out in one ``send``, not one each."""
        if self._corked is None:
            self._corked = []

    def uncork(self) -> None:
        held, self._corked = self._corked, None
        if held and not self._gone and self.transport is not None:
            self.transport.write(held[0] if len(held) == 1 else b"".join(held))

    def _write(self, data: bytes) -> None:
        assert self.transport is not None
        if self._corked is not None:
            self._corked.append(data)
        else:
            self.transport.write(data)

    def respond(self, status: int, reason: bytes, headers: RawHeaders, *, body: bool) -> None:
        if self._gone or self.transport is None:
            return
        if body and not any(name == b"content-length" for name, _ in headers):
            if self._http11:
                self._chunked = True
            else:
                self._keep_alive = False  # the body ends when the connection does
        lines = [b"HTTP/1.1 %d %s\r\n" % (status, reason or _phrase(status))]
        lines += [name + b": " + value + b"\r\n" for name, value in headers]
        if self._chunked:
            lines.append(b"transfer-encoding: chunked\r\n")
        if not self._keep_alive:
            lines.append(b"connection: close\r\n")
        lines.append(b"\r\n")
        self._write(b"".join(lines))

    def send(self, data: bytes) -> None:
        if self._gone or not data or self.transport is None:
            return
        if self._chunked:
            self._write(b"%x\r\n%b\r\n" % (len(data), data))
        else:
            self._write(data)

    def finish(self) -> None:
        """The answer is complete: end its body, then take the next request (or close)."""
        self.exchange = None
        if self._gone or self.transport is None:
            return
        if self._chunked:
            self._write(b"0\r\n\r\n")
        if not self._keep_alive:
            self.drop()
            return
        self._next()

    def drop(self) -> None:
        """The answer broke off: close after what was written, so the client sees the same cut."""
        self.exchange = None
        self._closing = True
        self._queue.clear()
        self._close()

    def reply(self, reply: Reply) -> None:
        self.respond(reply.status, reply.reason.encode(), reply.headers, body=True)
        self.send(reply.body)
        self.finish()

    def _write_reply(self, reply: Reply) -> None:
        self._http11 = True
        self._chunked = False
        self.reply(reply)
