"""One connection to the upstream: sends a request, parses the response with httptools (llhttp, in C) and hands
each piece to the exchange as it arrives, with no coroutine in between.

The body pieces of one network read are handed on together, as one chunk: its boundaries and arrival time
are the read's, as a client reading the socket would see them. The read timeout is one timer per response,
moved on only when it fires (a read costs a clock read, not a timer).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, cast

import httptools

from .headers import RawHeaders

#: Statuses whose response never has a body, whatever its headers say.
NO_BODY = frozenset({204, 304})


@dataclass(frozen=True)
class Failure:
    """Why an upstream response did not arrive whole, named as httpx names it (cassettes recorded by the
    transports name it so, and replay raises it)."""

    kind: str
    message: str


class Receiver(Protocol):
    """What a response is handed to (:class:`~recorder.proxy.exchange.Exchange`)."""

    def on_head(self, status: int, reason: bytes, headers: RawHeaders) -> None: ...
    def on_body(self, data: bytes) -> None: ...
    def on_end(self, reusable: bool) -> None: ...
    def on_lost(self, failure: Failure, received_any: bool) -> None: ...
    def on_read_start(self) -> None: ...
    def on_read_end(self) -> None: ...


class UpstreamConnection(asyncio.Protocol):
    """A kept-alive HTTP/1.1 connection to the upstream, carrying one exchange at a time."""

    def __init__(self, on_closed: Callable[[UpstreamConnection], None]) -> None:
        self._on_closed = on_closed
        self._loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self.closed = False
        #: Exchanges it has carried (more than one: it came from the pool).
        self.uses = 0
        self._receiver: Receiver | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._reset()
        self._timeout = 0.0
        self._last_read = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._timed_out = False

    def _reset(self) -> None:
        self._headers: RawHeaders = []
        self._reason = b""
        self._pieces: list[bytes] = []
        self._interim = False  # a 1xx before the response
        self._complete = False
        self._received_any = False
        self._head_only = False
        self._until_close = False  # a body that ends when the connection does
        self._length: int | None = None
        self._chunked = False
        self._body_size = 0
        self._keep_alive = False
        self._headers_done = False

    # -- the exchange's side ----------------------------------------------------------------------------------
    def send(self, receiver: Receiver, request: bytes, *, read_timeout: float, head_only: bool) -> None:
        """Send ``request`` (head and body) and hand its response to ``receiver``."""
        assert self.transport is not None
        self._reset()
        self.uses += 1
        self._receiver = receiver
        self._head_only = head_only
        self._timeout = read_timeout
        self._last_read = self._loop.time()
        self._timer = self._loop.call_at(self._last_read + read_timeout, self._check_read)
        self.transport.write(request)

    def detach(self) -> None:
        """The exchange is over: stop the timer, forget it."""
        self._receiver = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def close(self) -> None:
        """Close the connection (an exchange left it mid-response, or it sat idle too long)."""
        self.detach()
        if self.transport is not None and not self.closed:
            self.transport.close()

    def abort(self) -> None:
        """Drop the connection at once (a TLS one does not wait for the upstream's goodbye)."""
        self.detach()
        if self.transport is not None and not self.closed:
            self.transport.abort()

    def pause(self) -> None:
        if self.transport is not None and not self.closed:
            self.transport.pause_reading()

    def resume(self) -> None:
        if self.transport is not None and not self.closed:
            self.transport.resume_reading()

    @property
    def reusable(self) -> bool:
        return not self.closed and self._receiver is None and self.transport is not None

    # -- asyncio's side ---------------------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # (uvloop's transports are not its subclasses.) TCP_NODELAY: uvloop, like asyncio, sets it on every TCP
        # connection (tests/recorder/test_proxy_relay.py checks both sides).
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self._last_read = self._loop.time()
        receiver = self._receiver
        if receiver is None:  # nothing was asked: a connection to drop, not to reuse
            self.close()
            return
        self._received_any = True
        receiver.on_read_start()  # what this read passes on goes to the client in one send
        try:
            try:
                self._parser.feed_data(data)
            except (httptools.HttpParserError, httptools.HttpParserUpgrade) as exc:
                self._fail(Failure("RemoteProtocolError", f"the upstream's response could not be parsed ({exc})"))
                return
            if self._pieces and self._receiver is receiver:
                pieces, self._pieces = self._pieces, []
                data = pieces[0] if len(pieces) == 1 else b"".join(pieces)
                self._body_size += len(data)
                receiver.on_body(data)
            if self._complete and self._receiver is receiver:
                self._end(self._keep_alive)
        finally:
            receiver.on_read_end()

    def eof_received(self) -> bool | None:
        return None  # the transport closes; connection_lost says what that means for the response

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        receiver = self._receiver
        self.detach()
        self._on_closed(self)
        if receiver is None:
            return
        if self._timed_out:
            self._lost(receiver, Failure("ReadTimeout", f"the upstream sent nothing for {self._timeout:g} s"))
        elif self._until_close and exc is None:
            self._end(False, receiver)
        elif self._headers_done:
            self._lost(receiver, Failure("RemoteProtocolError", self._cut_message()))
        elif exc is not None:
            self._lost(receiver, Failure("ReadError", str(exc) or type(exc).__name__))
        else:
            self._lost(receiver, Failure("RemoteProtocolError", "Server disconnected without sending a response."))

    # -- httptools' callbacks ---------------------------------------------------------------------------------
    def on_message_begin(self) -> None:
        if self._complete:  # a second response to one request: the connection cannot be trusted with another
            self._keep_alive = False
        self._headers_done = False
        self._headers = []
        self._reason = b""

    def on_status(self, reason: bytes) -> None:
        self._reason += reason

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        status = self._parser.get_status_code()
        if status < 200:  # 100 Continue, 103 Early Hints: not the response (nothing asked for an upgrade)
            self._interim = True
            return
        self._headers_done = True
        self._keep_alive = self._parser.should_keep_alive()
        for name, value in self._headers:
            lowered = name.lower()
            if lowered == b"content-length":
                self._length = int(value) if value.strip().isdigit() else None
            elif lowered == b"transfer-encoding":
                self._chunked = value.lower().rstrip().endswith(b"chunked")
        body = not (self._head_only or status in NO_BODY)
        self._until_close = body and self._length is None and not self._chunked
        receiver = self._receiver
        assert receiver is not None
        receiver.on_head(status, self._reason, self._headers)
        if not body and self._receiver is receiver:
            # A HEAD's answer may say a length it never sends: llhttp cannot be told to expect no body, so
            # the response ends here and the connection goes (a 204/304 ends the usual way, kept alive).
            self._complete = True
            if self._head_only:
                self._keep_alive = False

    def on_body(self, body: bytes) -> None:
        if not self._complete:  # (a HEAD's answer is complete at its head)
            self._pieces.append(body)

    def on_message_complete(self) -> None:
        if self._interim:
            self._interim = False
            return
        self._complete = True

    # -- ending ----------------------------------------------------------------------------------------------
    def _end(self, reusable: bool, receiver: Receiver | None = None) -> None:
        receiver = receiver or self._receiver
        self.detach()
        if not reusable:
            self.close()
        if receiver is not None:
            receiver.on_end(reusable and not self.closed)

    def _fail(self, failure: Failure) -> None:
        receiver = self._receiver
        self.close()
        if receiver is not None:
            self._lost(receiver, failure)

    def _lost(self, receiver: Receiver, failure: Failure) -> None:
        receiver.on_lost(failure, self._received_any)

    def _cut_message(self) -> str:
        """A body that broke off, in the words the client's own HTTP library (h11, via httpx) uses for it, so
        that a replay fails exactly as the live stream did."""
        if self._length is not None:
            detail = f"received {self._body_size} bytes, expected {self._length}"
        else:
            detail = "incomplete chunked read"
        return f"peer closed connection without sending complete message body ({detail})"

    def _check_read(self) -> None:
        self._timer = None
        if self._receiver is None or self.closed:
            return
        due = self._last_read + self._timeout
        if self._loop.time() < due:
            self._timer = self._loop.call_at(due, self._check_read)
            return
        self._timed_out = True
        assert self.transport is not None
        self.transport.abort()
