"""The proxy's connections to its upstream: opened on demand (TLS verified with the system's CAs, as aiohttp
and the SDKs' clients do), kept alive between exchanges, the most recently used taken first, closed after
``KEEP_ALIVE`` seconds unused."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Callable

from .origin import Origin, Timeouts
from .upstream import UpstreamConnection

#: How long an unused connection is kept (aiohttp's keepalive_timeout, which the proxy used before).
KEEP_ALIVE = 30.0
#: How long the upstream's addresses are kept (aiohttp's DNS cache).
DNS_TTL = 10.0


def tls_context() -> ssl.SSLContext:
    """Certificates and host names verified; HTTP/1.1 asked for (the relay speaks nothing else)."""
    context = ssl.create_default_context()
    if not context.get_ca_certs() and not context.cert_store_stats().get("x509_ca"):
        import certifi  # no system CAs (a slim container): the bundle httpx, and so the SDKs, use

        context.load_verify_locations(certifi.where())
    context.set_alpn_protocols(["http/1.1"])
    return context


class Pool:
    """Connections to ``origin``: :meth:`take` one kept alive or :meth:`connect` a new one, :meth:`release` it
    after a whole response."""

    def __init__(self, origin: Origin, timeouts: Timeouts, *, tls: ssl.SSLContext | None = None) -> None:
        self.origin = origin
        self.timeouts = timeouts
        self._tls = (tls or tls_context()) if origin.tls else None
        #: Kept-alive connections and when each was released, the most recent last.
        self._idle: list[tuple[UpstreamConnection, float]] = []
        #: One timer closes the connections unused for ``KEEP_ALIVE`` (not a timer per release: one less to
        #: start and cancel per request).
        self._sweep: asyncio.TimerHandle | None = None
        self._open: set[UpstreamConnection] = set()
        self._resolving: asyncio.Task[list[tuple[str, int]]] | None = None
        self._resolved_until = 0.0

    def take(self) -> UpstreamConnection | None:
        """A kept-alive connection, or None."""
        while self._idle:
            connection, _ = self._idle.pop()
            if connection.reusable:
                return connection
        return None

    async def connect(self) -> UpstreamConnection:
        """A new connection; ``TimeoutError`` after ``timeouts.connect``, ``OSError`` (``ssl.SSLError``
        among them) when it cannot be made."""
        loop = asyncio.get_running_loop()
        factory: Callable[[], UpstreamConnection] = lambda: UpstreamConnection(self._closed)  # noqa: E731
        async with asyncio.timeout(self.timeouts.connect):
            addresses = self._known_addresses() or await self._addresses()
            for n, address in enumerate(addresses):  # each in turn, as asyncio does with a host name
                try:
                    _, connection = await loop.create_connection(
                        factory,
                        address[0],
                        address[1],
                        ssl=self._tls,
                        server_hostname=self.origin.host if self._tls is not None else None,
                    )
                    break
                except OSError:
                    if n == len(addresses) - 1:
                        raise
        self._open.add(connection)
        return connection

    def _known_addresses(self) -> list[tuple[str, int]] | None:
        """The addresses looked up less than ``DNS_TTL`` seconds ago, or None: without a future and an await
        for each connection of a storm."""
        resolving = self._resolving
        if resolving is None or not resolving.done() or resolving.cancelled() or resolving.exception() is not None:
            return None
        if asyncio.get_running_loop().time() > self._resolved_until:
            return None
        return resolving.result()

    async def _addresses(self) -> list[tuple[str, int]]:
        """The upstream's addresses, looked up at most once every ``DNS_TTL`` seconds (aiohttp's cache, which
        the proxy had): a storm of new connections does not make as many lookups."""
        loop = asyncio.get_running_loop()
        if self._resolving is None or (self._resolving.done() and loop.time() > self._resolved_until):
            self._resolving = loop.create_task(self._resolve())
            self._resolved_until = loop.time() + DNS_TTL
        try:
            return await asyncio.shield(self._resolving)
        except OSError:
            self._resolving = None  # looked up again next time
            raise

    async def _resolve(self) -> list[tuple[str, int]]:
        infos = await asyncio.get_running_loop().getaddrinfo(
            self.origin.host, self.origin.port, type=socket.SOCK_STREAM
        )
        return [(str(info[4][0]), int(info[4][1])) for info in infos]

    def release(self, connection: UpstreamConnection) -> None:
        """Keep ``connection`` for the next exchange (it carried a whole response and may carry another)."""
        if not connection.reusable:
            connection.close()
            return
        connection.resume()
        loop = asyncio.get_running_loop()
        now = loop.time()
        self._idle.append((connection, now))
        if self._sweep is None:
            self._sweep = loop.call_at(now + KEEP_ALIVE, self._expire)

    def _expire(self) -> None:
        """Close the connections unused for ``KEEP_ALIVE`` seconds; come back when the next one will be."""
        self._sweep = None
        now = asyncio.get_running_loop().time()
        kept = [(connection, since) for connection, since in self._idle if now - since < KEEP_ALIVE]
        expired = [connection for connection, since in self._idle if now - since >= KEEP_ALIVE]
        self._idle = kept
        for connection in expired:
            connection.close()
        if kept:
            self._sweep = asyncio.get_running_loop().call_at(kept[0][1] + KEEP_ALIVE, self._expire)

    def _closed(self, connection: UpstreamConnection) -> None:
        self._open.discard(connection)
        self._idle = [(other, since) for other, since in self._idle if other is not connection]

    async def aclose(self, wait: float = 1.0) -> None:
        """Close every connection (the proxy is stopping): a TLS one says goodbye first, for at most ``wait``
        seconds, then is dropped (the event loop cannot close while a connection is still closing)."""
        for connection in list(self._open):
            connection.close()
        self._idle.clear()
        if self._sweep is not None:
            self._sweep.cancel()
            self._sweep = None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while self._open and loop.time() < deadline:
            await asyncio.sleep(0.01)
        for connection in list(self._open):
            connection.abort()
        while self._open and loop.time() < deadline + wait:
            await asyncio.sleep(0.01)
