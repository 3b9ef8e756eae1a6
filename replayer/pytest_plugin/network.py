"""Refusing a replaying test's network connections, except to loopback and the hosts it allows."""

from __future__ import annotations

import contextvars
import ipaddress
import socket
import threading
from typing import Any

from ..errors import NetworkBlockedError

# The socket methods are patched once while any block is active; which hosts a connection may reach is
# the block of the context it is made in, so concurrent async tests each keep their own. A thread
# started without a context (a pool the test did not set up) gets what every active block allows.
_current: contextvars.ContextVar[NetworkBlock | None] = contextvars.ContextVar("ssetape_network_block", default=None)
_active: list[NetworkBlock] = []
_lock = threading.Lock()
_saved: tuple[Any, Any] | None = None


class NetworkBlock:
    """Refuse socket connections to anything but loopback and ``allowed_hosts`` while active."""

    def __init__(self, allowed_hosts: tuple[str, ...] | list[str], *, hint: str = "") -> None:
        self.allowed = frozenset(allowed_hosts)
        self.hint = hint
        self._token: contextvars.Token[NetworkBlock | None] | None = None
        self._addresses: frozenset[str] | None = None  # of the allowed host names, looked up when first needed

    def __enter__(self) -> NetworkBlock:
        global _saved
        with _lock:
            if not _active:
                _saved = (socket.socket.connect, socket.socket.connect_ex)
                socket.socket.connect = _connect  # type: ignore[method-assign,assignment]
                socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign,assignment]
            _active.append(self)
        self._token = _current.set(self)
        return self

    def __exit__(self, *exc: object) -> None:
        global _saved
        if self._token is not None:
            try:
                _current.reset(self._token)
            except ValueError:  # left from another context (an async fixture's teardown)
                _current.set(None)
        with _lock:
            _active.remove(self)
            if not _active and _saved is not None:
                socket.socket.connect, socket.socket.connect_ex = _saved  # type: ignore[method-assign]
                _saved = None

    def allows(self, host: str) -> bool:
        """``host`` is the address a socket connects to: a name allowed is allowed by its addresses."""
        if host in self.allowed or _is_loopback(host):
            return True
        if self._addresses is None:
            self._addresses = frozenset(address for name in self.allowed for address in _addresses(name))
        return host.split("%")[0] in self._addresses


def _check(sock: socket.socket, address: Any) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    host = str(address[0])
    block = _current.get()
    if block is not None:
        if block.allows(host):
            return
    elif any(active.allows(host) for active in list(_active)) or not _active:
        return
    hint = block.hint if block is not None else ""
    raise NetworkBlockedError(
        f"ssetape: this test replays a cassette, so it may not connect to {host}:{address[1]}; "
        "requests made through the ssetape fixtures are answered from the cassette "
        f"({hint + ', or ' if hint else ''}allow the host with @pytest.mark.ssetape(..., allowed_hosts=[...]))"
    )


def _connect(sock: socket.socket, address: Any) -> None:
    _check(sock, address)
    assert _saved is not None
    _saved[0](sock, address)


def _connect_ex(sock: socket.socket, address: Any) -> int:
    _check(sock, address)
    assert _saved is not None
    return int(_saved[1](sock, address))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _addresses(name: str) -> list[str]:
    """The addresses a host name has now (none for an address itself, or a name that does not resolve)."""
    try:
        ipaddress.ip_address(name)
        return []
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return [str(info[4][0]).split("%")[0] for info in found]
