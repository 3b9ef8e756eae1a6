"""One request through the proxy: recorded, forwarded on a connection of the pool, its answer streamed back.

Each upstream chunk is handed to the :class:`~recorder.capture.Capture` with the time it arrived (its journal
has it on disk at once), then written to the client (the exact bytes, still compressed if they were: nothing
is decoded on the way), so nothing reaches the client unrecorded. It all happens in the upstream
connection's ``data_received``: no coroutine, no task per chunk. While the client's socket is over its
high-water mark, the upstream connection stops reading, so nothing piles up in the proxy.

When the upstream cannot be reached or does not answer in time, the client gets a 502 or 504 in the API's
error shape, and that is what is recorded. When the upstream fails mid-body, the capture is finished as
incomplete with the error and the client's connection is closed after what was passed on, so the client sees
the same cut. When the client goes away mid-stream, the upstream connection is closed too and the interaction
is recorded as incomplete (``ClientClosed``), unless the stream had already sent its last event (then the
rest is read and recorded whole). A request on a kept-alive connection the upstream closed as it was reused
is sent again once on a new connection, as aiohttp did, when its method is idempotent and nothing of an
answer had come back (a POST is not: it may have been acted on).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Protocol

from ..capture import Capture, client_closed_error
from ..cassette import CutOff
from .collection import Collections
from .headers import REQUEST_ONLY, RawHeaders, end_to_end
from .origin import Origin, Timeouts
from .pool import Pool
from .recording import ProxyOutput
from .replies import Reply, unrecordable, upstream_failed
from .upstream import Failure, UpstreamConnection

#: Sent again once when a reused connection turned out closed (RFC 9110 §9.2.2; aiohttp's rule).
IDEMPOTENT = frozenset({b"GET", b"HEAD", b"OPTIONS", b"TRACE", b"PUT", b"DELETE"})
#: Methods whose request has a body by definition: an empty one is still framed (``Content-Length: 0``).
WITH_BODY = frozenset({b"POST", b"PUT", b"PATCH"})


@dataclass
class Request:
    """A request as the client sent it (the body whole, de-chunked)."""

    method: bytes
    target: bytes
    headers: RawHeaders
    body: bytes
    #: The client's connection stays open after the answer (HTTP/1.1 without ``Connection: close``).
    keep_alive: bool = True
    #: The client reads HTTP/1.1 (chunked bodies).
    http11: bool = True


class Downstream(Protocol):
    """What an exchange writes its answer to (the client's connection, :mod:`.client_side`)."""

    def respond(self, status: int, reason: bytes, headers: RawHeaders, *, body: bool) -> None: ...
    def send(self, data: bytes) -> None: ...
    def finish(self) -> None: ...
    def drop(self) -> None: ...
    def reply(self, reply: Reply) -> None: ...
    def cork(self) -> None: ...
    def uncork(self) -> None: ...


@dataclass
class Relay:
    """What every exchange of one proxy shares."""

    origin: Origin
    recording: ProxyOutput
    pool: Pool
    timeouts: Timeouts
    #: The exchanges in flight (a stopping proxy waits for them).
    exchanges: set[Exchange]
    #: The garbage collector's passes, held while a request waits for the first byte of its answer's body.
    collections: Collections = field(default_factory=Collections)


class Exchange:
    """Forwards ``request`` to the upstream and its answer to ``client``, recording both."""

    def __init__(self, relay: Relay, client: Downstream, request: Request) -> None:
        self.relay = relay
        self.client = client
        self.method = request.method
        self._wire = b""
        self.key = -1
        self.capture: Capture | None = None
        self.upstream: UpstreamConnection | None = None
        self._connecting: asyncio.Task[None] | None = None
        self.responded = False  # the upstream's head is in
        self.body_done = False  # the upstream's whole body has been passed on
        self.client_gone = False
        self.done = False
        self._retried = False
        self._paused = False
        self._holding = False  # the collector's passes, until the first byte of the body has gone out
        self._sent_any = False

    # -- starting --------------------------------------------------------------------------------------------
    def start(self, request: Request) -> None:
        """Record and forward ``request`` (or refuse it at once: the recording cannot be written)."""
        relay, recording = self.relay, self.relay.recording
        # From here to the first byte of the body, no young collection: starting the recording allocates too.
        relay.collections.hold()
        self._holding = True
        url = relay.origin.prefix + request.target.decode("latin-1")
        forwarded = end_to_end(request.headers, REQUEST_ONLY)
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in forwarded]
        sent = [("host", relay.origin.host_header.decode("latin-1")), *headers]  # as the upstream receives them
        body = request.body
        framed = any(name == b"content-length" for name, _ in forwarded)
        if body and not framed:
            sent.append(("content-length", str(len(body))))
        if recording.failure is not None:
            self._refuse(unrecordable(url, recording.failure))
            return
        self.key, self.capture = recording.begin(request.method.decode("latin-1"), url, sent, body)
        if recording.failure is not None:  # the journal could not take the request
            recording.abandon(self.key)
            self._refuse(unrecordable(url, recording.failure))
            return
        head = [b"%s %s HTTP/1.1\r\nhost: %s\r\n" % (request.method, request.target, relay.origin.host_header)]
        head += [name + b": " + value + b"\r\n" for name, value in forwarded]
        if not framed and (body or request.method in WITH_BODY):
            head.append(b"content-length: %d\r\n" % len(body))
        head.append(b"\r\n")
        self._wire = b"".join(head) + body
        relay.exchanges.add(self)
        connection = relay.pool.take()
        if connection is not None:
            self._send(connection)
        else:
            self._connecting = asyncio.get_running_loop().create_task(self._connect())

    async def _connect(self) -> None:
        try:
            connection = await self.relay.pool.connect()
        except TimeoutError:
            self._fail("ConnectTimeout", "did not answer in time (ConnectTimeout)")
            return
        except OSError as exc:
            self._fail("ConnectError", f"could not be reached (ConnectError: {exc})")
            return
        finally:
            self._connecting = None
        if self.done:  # the client left meanwhile: the new connection serves the next exchange
            self.relay.pool.release(connection)
            return
        self._send(connection)

    def _send(self, connection: UpstreamConnection) -> None:
        self.upstream = connection
        if self._paused:
            connection.pause()
        connection.send(self, self._wire, read_timeout=self.relay.timeouts.read, head_only=self.method == b"HEAD")

    # -- the upstream's answer (Receiver) ---------------------------------------------------------------------
    def on_read_start(self) -> None:
        self.client.cork()

    def on_read_end(self) -> None:
        self.client.uncork()
        if self._holding and self._sent_any:
            self._release()

    def _release(self) -> None:
        self._holding = False
        self.relay.collections.release()

    def on_head(self, status: int, reason: bytes, headers: RawHeaders) -> None:
        capture = self.capture
        assert capture is not None
        capture.response(
            status, reason.decode("latin-1"), [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers]
        )
        recording = self.relay.recording
        recording.responded(self.key)
        if recording.failure is not None:  # the journal could not take the head: nothing of the answer passes
            capture.finish(CutOff(type="RecordingFailed", message=recording.failure))
            self._close_upstream()
            self._refuse(unrecordable(capture.uri, recording.failure, forwarded=True))
            return
        self.responded = True
        self.client.respond(
            status, reason, end_to_end(headers), body=self.method != b"HEAD" and status not in (204, 304)
        )

    def on_body(self, data: bytes) -> None:
        capture = self.capture
        assert capture is not None
        capture.chunk(data, capture.elapsed())  # journaled before the client has it: a crash loses nothing
        failure = self.relay.recording.failure
        if failure is not None:
            # Nothing more can be recorded, this chunk included: cut the stream here rather than pass anything
            # on unrecorded.
            capture.finish(CutOff(type="RecordingFailed", message=failure))
            self._close_upstream()
            self.client.drop()
            self._finish()
            return
        self.client.send(data)
        self._sent_any = True

    def on_end(self, reusable: bool) -> None:
        self.body_done = True
        connection, self.upstream = self.upstream, None
        if connection is not None:
            if reusable:
                self.relay.pool.release(connection)
            else:
                connection.close()
        assert self.capture is not None
        self.capture.finish()
        self._finish()
        self.client.finish()

    def on_lost(self, failure: Failure, received_any: bool) -> None:
        connection, self.upstream = self.upstream, None
        if not self.responded:
            retry = not received_any and not self._retried and connection is not None and connection.uses > 1
            if retry and self.method in IDEMPOTENT and failure.kind != "ReadTimeout":
                self._retried = True
                self._connecting = asyncio.get_running_loop().create_task(self._connect())
                return
            if failure.kind == "ReadTimeout":
                self._fail(failure.kind, f"did not answer in time ({failure.kind})")
            else:
                self._fail(failure.kind, f"could not be reached ({failure.kind}: {failure.message})")
            return
        # The upstream broke off mid-body: record the cut, and close the client's connection after what it
        # was sent, so that the client sees the same cut.
        assert self.capture is not None
        self.capture.finish(CutOff(type=failure.kind, message=failure.message))
        self._finish()
        self.client.drop()

    # -- the client's side -----------------------------------------------------------------------------------
    def client_left(self) -> None:
        """The client went away: stop forwarding, unless all that is left is the end of the body."""
        self.client_gone = True
        capture = self.capture
        if self.done or capture is None:
            return
        # saw_end decodes the body so far: asked only when the answer is not known without it.
        if capture.finished or self.body_done or (self.responded and capture.saw_end):
            self.resume()
            return  # the response is complete (or only its tail is left to read and record)
        if self.responded:
            capture.finish(client_closed_error(capture))
        else:
            self.relay.recording.abandon(self.key)
        self._close_upstream()
        self._finish()

    def stop(self) -> None:
        """The proxy is stopping and this exchange did not end in time: record it as incomplete."""
        if self.done:
            return
        capture = self.capture
        assert capture is not None
        if self.responded:
            capture.finish(
                CutOff(type="RecordingStopped", message=f"the recorder stopped after {capture.size} bytes of the body")
            )
        else:
            self.relay.recording.abandon(self.key)
        self._close_upstream()
        self._finish()
        self.client.drop()

    def pause(self) -> None:
        """The client's socket is over its high-water mark: stop reading the upstream until it drains."""
        self._paused = True
        if self.upstream is not None:
            self.upstream.pause()

    def resume(self) -> None:
        if self._paused:
            self._paused = False
            if self.upstream is not None:
                self.upstream.resume()

    # -- ending ----------------------------------------------------------------------------------------------
    def _fail(self, kind: str, problem: str) -> None:
        """The upstream gave no response: answer (and record) an error in the API's own shape."""
        capture = self.capture
        assert capture is not None
        reply = upstream_failed(self.relay.origin.prefix, capture.uri, kind, problem)
        if not self.done:
            capture.response(reply.status, reply.reason, [(k.decode(), v.decode()) for k, v in reply.headers])
            self.relay.recording.responded(self.key)
            capture.chunk(reply.body)
            capture.finish()
        self._refuse(reply)

    def _refuse(self, reply: Reply) -> None:
        self._finish()
        self.client.reply(reply)

    def _close_upstream(self) -> None:
        if self._connecting is not None:
            self._connecting.cancel()
            self._connecting = None
        connection, self.upstream = self.upstream, None
        if connection is not None:
            connection.close()

    def _finish(self) -> None:
        if self.done:
            return
        self.done = True
        self.relay.exchanges.discard(self)
        if self._holding:
            self._release()
