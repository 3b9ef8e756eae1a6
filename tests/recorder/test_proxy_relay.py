"""The relay's HTTP/1.1 edges, on real sockets: pipelined requests, chunked request bodies, ``Expect:
100-continue``, an upstream that closes a kept-alive connection as it is reused, a HEAD, a body ended by
the upstream closing, a 1xx before the answer, and a client that reads slower than the upstream sends."""

from __future__ import annotations

import contextlib
import errno
import http.client
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import httpx2
import pytest

from ssetape.recorder import RecordError, load
from ssetape.recorder.proxy import RecordingProxy
from tests.recorder.test_proxy_e2e import Proxy, proxy_process

Handler = Callable[[socket.socket, int], None]


class RawUpstream:
    """An upstream written byte by byte: ``handler(connection, n)`` serves its ``n``-th connection."""

    def __init__(self, handler: Handler, tls: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.tls = tls
        self.connections = 0
        self.requests: list[bytes] = []
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"{'https://localhost' if tls else 'http://127.0.0.1'}:{self._sock.getsockname()[1]}"
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _ = self._sock.accept()
                self.connections += 1
                threading.Thread(target=self._serve, args=(connection, self.connections), daemon=True).start()

    def _serve(self, connection: socket.socket, n: int) -> None:
        with contextlib.suppress(OSError), connection:
            if self.tls is None:
                self.handler(connection, n)
                return
            with self.tls.wrap_socket(connection, server_side=True) as secured:
                self.handler(secured, n)

    def read_request(self, connection: socket.socket) -> bytes:
        """One request's head and body (Content-Length framed, as the proxy sends them); b"" at EOF."""
        data = b""
        while b"\r\n\r\n" not in data:
            piece = connection.recv(65536)
            if not piece:
                return b""
            data += piece
        head, body = data.split(b"\r\n\r\n", 1)
        length = next(
            (
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            0,
        )
        while len(body) < length:
            body += connection.recv(65536)
        self.requests.append(head + b"\r\n\r\n" + body)
        return head + b"\r\n\r\n" + body

    def close(self) -> None:
        self._sock.close()


@contextlib.contextmanager
def upstream_and_proxy(tmp_path: Path, handler: Handler) -> Iterator[tuple[RawUpstream, Proxy]]:
    upstream = RawUpstream(handler)
    try:
        with proxy_process(tmp_path, upstream.url, tmp_path / "c.yaml") as proxy:
            yield upstream, proxy
    finally:
        upstream.close()


def connect(proxy: Proxy) -> socket.socket:
    host, port = proxy.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


class _Reader:
    """Lets http.client read several responses from one buffered stream (pipelining), which it would close."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def makefile(self, *args: Any, **kwargs: Any) -> _Reader:
        return self

    def close(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def read_response(stream: BinaryIO, method: str = "GET") -> tuple[http.client.HTTPResponse, bytes]:
    response = http.client.HTTPResponse(_Reader(stream), method=method)  # type: ignore[arg-type]
    response.begin()
    return response, response.read()


def json_ok(body: bytes, *extra: bytes) -> bytes:
    head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n" % len(body)
    return head + b"".join(extra) + b"\r\n" + body


def echo_forever(connection: socket.socket, n: int, upstream: list[RawUpstream]) -> None:
    """Answers each request with its body (kept alive), until the proxy closes the connection."""
    while request := upstream[0].read_request(connection):
        connection.sendall(json_ok(request.split(b"\r\n\r\n", 1)[1] or b"{}"))


def saved(out: Path, count: int) -> list[Any]:
    deadline = time.monotonic() + 15
    while True:
        if out.exists() and len(interactions := load(out).interactions) >= count:
            return interactions
        assert time.monotonic() < deadline, "not recorded"
        time.sleep(0.05)


def test_pipelined_requests_are_answered_in_order_and_each_recorded(tmp_path: Path) -> None:
    box: list[RawUpstream] = []
    with upstream_and_proxy(tmp_path, lambda c, n: echo_forever(c, n, box)) as (upstream, proxy):
        box.append(upstream)
        with connect(proxy) as sock, sock.makefile("rb") as stream:
            bodies = [b'{"n":%d}' % i for i in range(3)]
            sock.sendall(
                b"".join(
                    b"POST /v1/echo/%d HTTP/1.1\r\nhost: x\r\ncontent-length: %d\r\n\r\n%s" % (i, len(body), body)
                    for i, body in enumerate(bodies)
                )
            )  # all three before any answer
            answers = [read_response(stream, "POST")[1] for _ in bodies]
        assert answers == bodies
        interactions = saved(tmp_path / "c.yaml", 3)
    assert [i.request.uri.rsplit("/", 1)[1] for i in interactions] == ["0", "1", "2"]
    assert [i.response.body_bytes for i in interactions] == bodies


def test_a_chunked_request_body_is_forwarded_whole_with_its_length(tmp_path: Path) -> None:
    box: list[RawUpstream] = []
    with upstream_and_proxy(tmp_path, lambda c, n: echo_forever(c, n, box)) as (upstream, proxy):
        box.append(upstream)
        with connect(proxy) as sock, sock.makefile("rb") as stream:
            sock.sendall(b"POST /v1/echo HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n")
            sock.sendall(b'5\r\n{"a":\r\n')
            time.sleep(0.1)  # the body arrives in pieces
            sock.sendall(b"3\r\n12}\r\n0\r\n\r\n")
            response, body = read_response(stream, "POST")
        assert (response.status, body) == (200, b'{"a":12}')
        (sent,) = upstream.requests
        head = sent.split(b"\r\n\r\n")[0].lower()
        assert b"content-length: 8" in head and b"transfer-encoding" not in head
        (interaction,) = saved(tmp_path / "c.yaml", 1)
    assert interaction.request.body_bytes == b'{"a":12}'


def test_expect_100_continue_is_answered_before_the_body_is_sent(tmp_path: Path) -> None:
    box: list[RawUpstream] = []
    with upstream_and_proxy(tmp_path, lambda c, n: echo_forever(c, n, box)) as (upstream, proxy):
        box.append(upstream)
        with connect(proxy) as sock, sock.makefile("rb") as stream:
            sock.sendall(b"POST /v1/echo HTTP/1.1\r\nhost: x\r\nexpect: 100-continue\r\ncontent-length: 2\r\n\r\n")
            assert stream.readline() == b"HTTP/1.1 100 Continue\r\n"
            assert stream.readline() == b"\r\n"
            sock.sendall(b"{}")
            response, body = read_response(stream, "POST")
        assert (response.status, body) == (200, b"{}")
        assert b"expect" not in upstream.requests[0].lower()  # the proxy's own business, not the upstream's


def closes_when_reused(connection: socket.socket, n: int, box: list[RawUpstream]) -> None:
    """The first connection answers once, then closes as the next request arrives, answering nothing."""
    upstream = box[0]
    if not upstream.read_request(connection):
        return
    connection.sendall(json_ok(b'{"n":%d}' % n))
    if n == 1:
        upstream.read_request(connection)
        return  # closed under the proxy's feet, as a server whose keep-alive ran out does
    while upstream.read_request(connection):
        connection.sendall(json_ok(b'{"n":%d}' % n))


@pytest.mark.parametrize(("method", "retried"), [("GET", True), ("DELETE", True), ("POST", False)])
def test_a_reused_connection_the_upstream_closed_is_retried_once_for_idempotent_methods(
    tmp_path: Path, method: str, retried: bool
) -> None:
    """As aiohttp did: sent again on a new connection when nothing of an answer came back and the method is
    idempotent (RFC 9110 §9.2.2); a POST may have been acted on, so the client gets a 502 it can decide on."""
    box: list[RawUpstream] = []
    with upstream_and_proxy(tmp_path, lambda c, n: closes_when_reused(c, n, box)) as (upstream, proxy):
        box.append(upstream)
        with connect(proxy) as sock, sock.makefile("rb") as stream:
            sock.sendall(b"GET /v1/first HTTP/1.1\r\nhost: x\r\n\r\n")
            assert read_response(stream)[1] == b'{"n":1}'
            sock.sendall(b"%s /v1/second HTTP/1.1\r\nhost: x\r\n\r\n" % method.encode())
            response, body = read_response(stream, method)
        if retried:
            assert (response.status, body) == (200, b'{"n":2}')
            assert upstream.connections == 2
        else:
            assert response.status == 502
            assert response.headers["x-ssetape-error"] == "RemoteProtocolError"
            assert upstream.connections == 1
        second = saved(tmp_path / "c.yaml", 2)[1]
    assert second.response.status.code == (200 if retried else 502)


def head_and_close_delimited(connection: socket.socket, n: int, box: list[RawUpstream]) -> None:
    upstream = box[0]
    while request := upstream.read_request(connection):
        if request.startswith(b"HEAD"):
            connection.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 99\r\n\r\n")
        else:  # an early hint, then a body that ends when the connection does (no length, not chunked)
            connection.sendall(b"HTTP/1.1 103 Early Hints\r\nlink: </x>; rel=preload\r\n\r\n")
            connection.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n")
            for event in (b"data: 1\n\n", b"data: 2\n\n"):
                connection.sendall(event)
                time.sleep(0.05)
            return


def test_a_head_answer_and_a_body_ended_by_closing_pass_through_whole(tmp_path: Path) -> None:
    box: list[RawUpstream] = []
    with upstream_and_proxy(tmp_path, lambda c, n: head_and_close_delimited(c, n, box)) as (upstream, proxy):
        box.append(upstream)
        with connect(proxy) as sock, sock.makefile("rb") as stream:
            sock.sendall(b"HEAD /v1/head HTTP/1.1\r\nhost: x\r\n\r\n")
            response, body = read_response(stream, "HEAD")
            assert (response.status, response.headers["content-length"], body) == (200, "99", b"")
            sock.sendall(b"GET /v1/stream HTTP/1.1\r\nhost: x\r\n\r\n")  # the same client connection, kept alive
            response, body = read_response(stream)
        assert response.status == 200 and response.headers["transfer-encoding"] == "chunked"
        assert body == b"data: 1\n\ndata: 2\n\n"
        head, stream_ = saved(tmp_path / "c.yaml", 2)
    assert head.complete and head.response.body_bytes == b""
    assert stream_.complete and stream_.response.body_bytes == body
    assert len(stream_.chunks()) == 2


def floods(connection: socket.socket, n: int, box: list[RawUpstream], sent: list[int]) -> None:
    box[0].read_request(connection)
    connection.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")
    event = b"data: " + b"x" * 65_000 + b"\n\n"
    frame = b"%x\r\n%s\r\n" % (len(event), event)
    for _ in range(1000):  # 65 MB, as fast as the proxy takes it
        connection.sendall(frame)
        sent[0] += len(event)
    connection.sendall(b"0\r\n\r\n")


def test_a_slow_client_holds_the_upstream_back_instead_of_the_proxy_buffering(tmp_path: Path) -> None:
    box: list[RawUpstream] = []
    sent = [0]
    with upstream_and_proxy(tmp_path, lambda c, n: floods(c, n, box, sent)) as (upstream, proxy):
        box.append(upstream)
        with connect(proxy) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
            sock.sendall(b"GET /v1/flood HTTP/1.1\r\nhost: x\r\n\r\n")
            time.sleep(1.5)  # not reading: the proxy must stop reading the upstream
            held = sent[0]
            time.sleep(1.0)
            still = sent[0]
            received = 0
            while received < 1_000_000:  # it streams again
                received += len(sock.recv(1 << 20))
    # What the upstream got out is what the sockets' buffers hold (they grow to tens of MB on Linux), then
    # nothing more while the client reads nothing; not the whole 65 MB.
    assert still == held, (held, still)
    assert held < 40_000_000, held


def _nodelay_by_port() -> dict[tuple[int, int], int]:
    """TCP_NODELAY of this process's connected TCP sockets, by (local port, peer port)."""
    found = {}
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError), socket.socket(fileno=os.dup(int(fd))) as sock:
            if sock.family == socket.AF_INET and sock.type == socket.SOCK_STREAM:
                ports = (sock.getsockname()[1], sock.getpeername()[1])  # OSError when not connected
                found[ports] = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    return found


def test_nagle_is_off_on_both_sides_of_the_proxy(tmp_path: Path) -> None:
    """A small event goes out at once, not held back for the peer's delayed ACK (~40 ms), on the client's
    connection and on the upstream's."""
    box: list[RawUpstream] = []
    upstream = RawUpstream(lambda c, n: echo_forever(c, n, box))
    box.append(upstream)
    proxy = RecordingProxy(upstream.url, tmp_path / "c.yaml", port=0, quiet=True, live=False, grace=0)
    upstream_port = int(upstream.url.rsplit(":", 1)[1])
    proxy_port = int(proxy.url.rsplit(":", 1)[1])
    serving = threading.Thread(target=proxy.run, daemon=True)
    serving.start()
    try:
        with socket.create_connection(("127.0.0.1", proxy_port), timeout=10) as sock, sock.makefile("rb") as stream:
            sock.sendall(b"POST /v1/echo HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}")
            assert read_response(stream, "POST")[1] == b"{}"
            nodelay = _nodelay_by_port()  # both connections are kept alive
            client_side = nodelay[(proxy_port, sock.getsockname()[1])]
            upstream_side = [value for (_, peer), value in nodelay.items() if peer == upstream_port]
    finally:
        proxy.stop()
        serving.join(30)
        upstream.close()
    assert client_side
    assert upstream_side and all(upstream_side)


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost (the openssl command makes it)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert), "-days",
         "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def test_an_https_upstream_is_reached_over_tls_and_its_certificate_checked(
    tmp_path: Path, certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    box: list[RawUpstream] = []
    upstream = RawUpstream(lambda c, n: echo_forever(c, n, box), tls=server)
    box.append(upstream)
    trusting = ssl.create_default_context(cafile=str(cert))
    proxy = RecordingProxy(upstream.url, tmp_path / "c.yaml", port=0, quiet=True, live=False, grace=0, tls=trusting)
    serving = threading.Thread(target=proxy.run, daemon=True)
    serving.start()
    try:
        with socket.create_connection(("127.0.0.1", int(proxy.url.rsplit(":", 1)[1])), timeout=10) as sock:
            with sock.makefile("rb") as stream:
                for body in (b'{"a":1}', b'{"a":2}'):  # the second on the same TLS connection, kept alive
                    sock.sendall(b"POST /v1/echo HTTP/1.1\r\nhost: x\r\ncontent-length: 7\r\n\r\n" + body)
                    assert read_response(stream, "POST")[1] == body
    finally:
        proxy.stop()
        serving.join(30)
    assert upstream.connections == 1
    assert upstream.requests[0].split(b"\r\n")[1] == b"host: " + upstream.url.removeprefix("https://").encode()
    # A certificate the system does not trust: the connection is refused, and the client told why.
    with proxy_process(tmp_path, upstream.url, tmp_path / "untrusted.yaml") as untrusting:
        with connect(untrusting) as sock, sock.makefile("rb") as stream:
            sock.sendall(b"GET /v1/echo HTTP/1.1\r\nhost: x\r\n\r\n")
            response, body = read_response(stream)
    upstream.close()
    assert response.status == 502 and response.headers["x-ssetape-error"] == "ConnectError"
    assert b"CERTIFICATE_VERIFY_FAILED" in body


def cuts_short(connection: socket.socket, n: int, box: list[RawUpstream]) -> None:
    box[0].read_request(connection)
    connection.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: 100\r\n\r\n")
    connection.sendall(b"data: 1\n\n")  # 9 bytes of the 100 said, then the connection goes


def test_a_body_cut_short_of_its_length_is_cut_for_the_client_and_recorded_in_h11s_words(tmp_path: Path) -> None:
    box: list[RawUpstream] = []
    with upstream_and_proxy(tmp_path, lambda c, n: cuts_short(c, n, box)) as (upstream, proxy):
        box.append(upstream)
        with httpx2.Client(timeout=10) as client, client.stream("GET", proxy.base_url + "/short") as response:
            assert response.headers["content-length"] == "100"  # passed through, as the upstream framed it
            received = b""
            with pytest.raises(httpx2.RemoteProtocolError) as cut:
                for chunk in response.iter_raw():
                    received += chunk
        (interaction,) = saved(tmp_path / "c.yaml", 1)
    assert received == b"data: 1\n\n"
    recording = interaction.response.ssetape
    assert recording is not None and recording.error is not None and not interaction.complete
    assert recording.error.type == "RemoteProtocolError"
    assert recording.error.message == str(cut.value)  # what the live client saw, replay raises
    assert recording.error.message.endswith("(received 9 bytes, expected 100)")


@pytest.mark.parametrize(
    ("line", "forwarded", "said"),
    [(b'"req":', False, b"this request was not sent upstream"), (b'"res":', True, b"its answer was not passed on")],
)
def test_a_request_or_head_the_journal_cannot_take_is_answered_with_a_503(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: bytes, forwarded: bool, said: bytes
) -> None:
    """A request is journaled before it is sent upstream, an answer's head before any of it reaches the client:
    when that write fails (the disk just filled up), the client gets the 503 that says so. A request is then not
    sent (an answer that cannot be recorded may cost the user), a head's answer not passed on."""
    from ssetape.recorder.proxy import journal

    class FullDisk:
        def __getattr__(self, name: str) -> Any:
            return getattr(os, name)

        @staticmethod
        def write(fd: int, data: bytes) -> int:
            if line in data:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return os.write(fd, data)

    monkeypatch.setattr(journal, "os", FullDisk())
    box: list[RawUpstream] = []
    upstream = RawUpstream(lambda c, n: echo_forever(c, n, box))
    box.append(upstream)
    proxy = RecordingProxy(upstream.url, tmp_path / "c.yaml", port=0, quiet=True, live=False, grace=0)
    stopped: list[BaseException] = []

    def run() -> None:
        try:
            proxy.run()
        except RecordError as exc:  # what it says on stopping after a failure
            stopped.append(exc)

    serving = threading.Thread(target=run, daemon=True)
    serving.start()
    try:
        with socket.create_connection(("127.0.0.1", int(proxy.url.rsplit(":", 1)[1])), timeout=10) as sock:
            sock.sendall(b'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: 9\r\n\r\n{"a": 1}\n')
            with sock.makefile("rb") as stream:
                response, body = read_response(stream, "POST")
    finally:
        proxy.stop()
        serving.join(30)
        upstream.close()
    assert bool(upstream.requests) is forwarded
    assert response.status == 503 and response.getheader("x-ssetape-error") == "RecordingFailed"
    assert b"No space left on device" in body and said in body
    assert b'{"a": 1}' not in body
    assert stopped and "--recover" in str(stopped[0])
