"""The one upstream a proxy forwards to (``--upstream``), and how long it may take to connect and to answer."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Timeouts:
    """Like the openai SDK's own defaults: a run can stream for minutes. ``read`` is the longest the upstream
    may send nothing (for its response's head, or between two pieces of its body)."""

    connect: float = 10.0
    read: float = 600.0


DEFAULT_TIMEOUTS = Timeouts()


@dataclass(frozen=True)
class Origin:
    """Where requests go: scheme, host and port, and the ``Host`` header the upstream is sent."""

    #: ``--upstream`` as given (its path only tells clients their base URL).
    url: str
    tls: bool
    host: str
    port: int
    #: ``http(s)://host[:port]``: a request's target is appended to it.
    prefix: str
    host_header: bytes
    path: str


def upstream_origin(upstream: str) -> Origin:
    """Check ``--upstream``: an http(s) URL with a host."""
    parts = urlsplit(upstream)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in ("http", "https") or not parts.hostname or port == -1:
        raise ValueError(f"{upstream!r} is not an upstream URL: expected http(s)://host[:port][/path]")
    if "@" in parts.netloc:
        # Not sent by the proxy (it relays what clients send), and a password on a command line ends up in logs.
        raise ValueError(
            f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}{parts.path}: give the upstream URL without "
            "credentials (user:password@); the proxy passes on the Authorization the client sends"
        )
    tls = parts.scheme == "https"
    authority = parts.netloc
    return Origin(
        url=upstream,
        tls=tls,
        host=parts.hostname,
        port=port or (443 if tls else 80),
        prefix=f"{parts.scheme}://{authority}",
        host_header=authority.encode("idna" if not authority.isascii() else "ascii"),
        path=parts.path,
    )
