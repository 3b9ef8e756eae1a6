"""Running the proxy: a relay of asyncio protocols on uvloop serving a socket bound up front, until a signal.

The socket is bound and listening before anything else happens, so the URL printed is ready for
connections, ``port=0`` picks a free port, and a port in use fails before any file is touched.
SIGINT and SIGTERM stop accepting connections, close idle ones and give streams in flight ``grace`` seconds
to end; what is still running then is recorded as incomplete, everything is saved, the journal removed,
and :meth:`RecordingProxy.run` returns normally (the command exits 0).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import ssl
import sys
import threading
from collections.abc import Callable, Generator, Iterable
from pathlib import Path

from ..cassette import Interaction
from .client_side import ClientConnection
from .collection import Collections
from .exchange import Relay
from .origin import DEFAULT_TIMEOUTS, Timeouts, upstream_origin
from .pool import Pool
from .recording import ProxyOutput
from .status import StatusLine

DEFAULT_PORT = 8765
#: How often a stopping proxy looks whether the streams in flight have ended.
_POLL = 0.02


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed, else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop  # type: ignore[no-any-return]


class RecordingProxy:
    """``ssetape record`` as a library: forwards to ``upstream`` and records into ``out``.

    >>> proxy = RecordingProxy("https://api.openai.com", "session.yaml", port=0)
    >>> proxy.url   # doctest: +SKIP
    'http://127.0.0.1:40321'
    >>> proxy.run()  # until SIGINT/SIGTERM or proxy.stop()  # doctest: +SKIP

    ``tls`` is the context an ``https`` upstream's certificate is checked with (the system's CAs by default).
    """

    def __init__(
        self,
        upstream: str,
        out: str | Path,
        *,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        overwrite: bool = False,
        append: bool = False,
        redact_headers: Iterable[str] = (),
        redact_json: Iterable[str] = (),
        timeout: Timeouts = DEFAULT_TIMEOUTS,
        grace: float = 5.0,
        status: StatusLine | None = None,
        quiet: bool = False,
        live: bool | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.origin = upstream_origin(upstream)
        self.upstream = upstream
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # IPPROTO_TCP named explicitly: asyncio sets TCP_NODELAY only on connections from a socket that
        # says so, and without it Nagle holds a small event back until the client's delayed ACK (~40 ms).
        self._socket = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._socket.bind((host, port))
            self._socket.listen(2048)
            self._collections = Collections()
            self.recording = ProxyOutput(
                out,
                overwrite=overwrite,
                append=append,
                redact_headers=redact_headers,
                redact_json=redact_json,
                on_finish=self._finished,
                on_failure=self._failure,
                after_save=lambda idle: self._collections.tidy(idle=idle),
            )
        except BaseException:
            self._socket.close()
            raise
        bound_host, bound_port = self._socket.getsockname()[:2]
        self.url = f"http://{'[' + bound_host + ']' if family == socket.AF_INET6 else bound_host}:{bound_port}"
        self.status = status or StatusLine(self.recording.stats, target=str(out), quiet=quiet, live=live)
        self._timeouts = timeout
        self._tls = tls
        self._grace = grace
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._stop_asked = False
        self._told_saving = False

    @property
    def base_url(self) -> str:
        """What clients use as their base URL: the proxy's, with the upstream's path (``/v1`` if none)."""
        path = self.origin.path.rstrip("/") or "/v1"
        return self.url + path

    def _finished(self, key: int, interaction: Interaction, events: Callable[[], int]) -> None:
        self.status.finished(key, interaction, events)

    def _failure(self, reason: str) -> None:
        self.status.console.print(
            f"ssetape record: {reason}: new requests get a 503, nothing passes unrecorded; stop it (Ctrl-C) "
            "and recover what was recorded with --recover",
            style="red",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )

    def run(self, on_listening: Callable[[str], None] | None = None) -> None:
        """Serve until SIGINT/SIGTERM (or :meth:`stop`), then finish the recording."""
        # No full collection in the middle of streams (see .collection).
        self._collections.start()
        # The saver and status threads run Python too: when one holds the GIL, the event loop (every stream)
        # waits for it up to the switch interval, 5 ms by default; 1 ms keeps that off the streams' p99.
        sys.setswitchinterval(0.001)
        # The signals are ours from before the URL is out (a client may act on it at once, a supervisor stop it)
        # until the last save is done: a second Ctrl-C, or a SIGTERM sent to the whole process group after the
        # first, must not cut the save short (kill -9 still can: the journal then has it all).
        with self._signals():
            try:
                if on_listening is not None:
                    on_listening(self.url)
                self.status.start()
                with asyncio.Runner(loop_factory=_loop_factory()) as runner:
                    runner.run(self._serve())
            finally:
                try:
                    self.recording.close("the recorder was stopped")
                finally:
                    self._collections.stop()
                    self.status.stop()
                    self._socket.close()

    @contextlib.contextmanager
    def _signals(self) -> Generator[None, None, None]:
        """SIGINT and SIGTERM stop the proxy (only the main thread can be told of signals)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {
            sig: signal.signal(sig, lambda signum, frame: self._signalled()) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        self._loop = loop
        if self._stop_asked:
            return
        pool = Pool(self.origin, self._timeouts, tls=self._tls)
        relay = Relay(self.origin, self.recording, pool, self._timeouts, set(), self._collections)
        connections: set[ClientConnection] = set()
        server = await loop.create_server(lambda: ClientConnection(relay, connections), sock=self._socket)
        try:
            await self._stopping.wait()
        finally:
            server.close()
            for connection in list(connections):
                connection.shutdown()
            deadline = loop.time() + max(0.0, self._grace)
            while relay.exchanges and loop.time() < deadline:
                await asyncio.sleep(_POLL)
            for exchange in list(relay.exchanges):
                exchange.stop()
            for connection in list(connections):
                if connection.transport is not None:
                    connection.transport.abort()
            await relay.pool.aclose()

    def _signalled(self) -> None:
        if self._stop_asked and not self._told_saving:
            self._told_saving = True
            print(
                f"ssetape record: still saving {self.recording.out}; it exits when that is done "
                "(kill -9 would leave the journal, for --recover)",
                file=sys.stderr,
                flush=True,
            )
        self.stop()

    def stop(self) -> None:
        """Ask a running proxy to shut down (from any thread, or a signal handler)."""
        self._stop_asked = True
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stopping.set)
