"""Which headers the proxy passes on: end-to-end ones only, as an HTTP proxy must (RFC 9110 §7.6.1).

Hop-by-hop headers describe one connection (client to proxy, or proxy to upstream) and are
never forwarded: the fixed list below, plus any header a ``Connection`` header names. The
framing headers are each side's own business too: the body is forwarded as bytes, and each
connection frames it again (``Content-Length`` is kept when it still describes those bytes).
"""

from __future__ import annotations

from collections.abc import Iterable

RawHeaders = list[tuple[bytes, bytes]]

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-connection",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)

#: Not forwarded to the upstream: its own Host is set from --upstream (never from the client), and
#: the proxy has read the whole body already, so there is nothing to ``Expect: 100-continue`` for.
REQUEST_ONLY = frozenset({b"host", b"expect"})


def end_to_end(headers: Iterable[tuple[bytes, bytes]], drop: frozenset[bytes] = frozenset()) -> RawHeaders:
    """``headers`` without hop-by-hop ones (names lowercased, values untouched) and without ``drop``."""
    items = [(name.lower(), value) for name, value in headers]
    named = {token.strip().lower() for name, value in items if name == b"connection" for token in value.split(b",")}
    skip = HOP_BY_HOP | named | drop
    return [(name, value) for name, value in items if name not in skip]
