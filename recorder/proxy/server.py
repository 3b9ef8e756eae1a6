"""Running the proxy: uvicorn serving :class:`.ProxyApp` on a socket bound up front, until a signal.

The socket is bound and listening before anything else happens, so the URL printed is ready for
connections, ``port=0`` picks a free port, and a port in use fails before any file is touched.
SIGINT and SIGTERM stop accepting connections and give streams in flight ``grace`` seconds to end;
what is still running then is recorded as incomplete, everything is saved, the journal removed,
and :meth:`RecordingProxy.run` returns normally (the command exits 0).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import aiohttp
import uvicorn

from ..cassette import Interaction
from ..uvicorn_server import ReturningServer
from .app import DEFAULT_TIMEOUT, ProxyApp, upstream_origin
from .collection import Collections
from .protocol import TargetKeepingProtocol
from .recording import ProxyOutput
from .status import StatusLine

DEFAULT_PORT = 8765


class _DeliberateCuts(logging.Filter):
    """Quiet what the proxy does on purpose: leave a body unfinished to pass an upstream's cut on, and
    let a stream still running when the grace period ends be cancelled (it is recorded as incomplete)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage() == "ASGI callable returned without completing response.":
            return False
        return not (record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError))


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed (as uvicorn itself picks it), else asyncio's."""
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
        timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
        grace: float = 5.0,
        status: StatusLine | None = None,
        quiet: bool = False,
        live: bool | None = None,
    ) -> None:
        self.upstream = upstream_origin(upstream)
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
        self.app = ProxyApp(upstream, self.recording, timeout=timeout)
        config = uvicorn.Config(
            self.app,
            # httptools' C parser, with the request target kept as sent (an absolute-form one, from a client
            # using this as a forward proxy, is seen and refused).
            http=TargetKeepingProtocol,
            lifespan="off",
            ws="none",
            proxy_headers=False,  # clients' X-Forwarded-* mean nothing here: forwarded as they are, never read
            log_config=None,
            log_level="warning",
            access_log=False,
            server_header=False,  # the upstream's Server and Date headers pass through instead
            date_header=False,
            timeout_graceful_shutdown=max(0, round(grace)),
        )
        self._server = ReturningServer(config)

    @property
    def base_url(self) -> str:
        """What clients use as their base URL: the proxy's, with the upstream's path (``/v1`` if none)."""
        path = self.upstream.raw_path.rstrip("/") or "/v1"
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
        logger = logging.getLogger("uvicorn.error")
        cuts = _DeliberateCuts()
        logger.addFilter(cuts)
        # No full collection in the middle of streams (see .collection).
        self._collections.start()
        # The saver and status threads run Python too: when one holds the GIL, the event loop (every stream)
        # waits for it up to the switch interval, 5 ms by default; 1 ms keeps that off the streams' p99.
        sys.setswitchinterval(0.001)
        try:
            if on_listening is not None:
                on_listening(self.url)
            self.status.start()
            with asyncio.Runner(loop_factory=_loop_factory()) as runner:
                runner.run(self._serve())
        finally:
            logger.removeFilter(cuts)
            try:
                self.recording.close("the recorder was stopped")
            finally:
                self._collections.stop()
                self.status.stop()
                self._socket.close()

    async def _serve(self) -> None:
        try:
            await self._server.serve(sockets=[self._socket])
        finally:
            await self.app.aclose()

    def stop(self) -> None:
        """Ask a running proxy to shut down (from another thread)."""
        self._server.should_exit = True
