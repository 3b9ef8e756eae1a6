"""The proxy's HTTP/1.1 server protocol: uvicorn's httptools one (a C parser, and response bodies framed
with a line of Python instead of h11's event machinery), keeping the request target as the client sent it.

uvicorn's httptools protocol reduces a target to its path: an absolute-form ``GET http://elsewhere/x``
would reach the app as ``/x``, and ``CONNECT host:443`` (whose authority-form target is no URL at
all) would be answered with a bare 400 before the app saw it. The app must see both to refuse them in
the API's error shape (:class:`~recorder.proxy.app.ProxyApp` never relays anywhere but its upstream),
so a target that is not a path is handed to it as it was sent, in ``raw_path``.
"""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class TargetKeepingProtocol(HttpToolsProtocol):  # type: ignore[misc]
    """uvicorn's httptools protocol, except that a request target that is not a path reaches the app as sent."""

    def on_headers_complete(self) -> None:
        target: bytes = self.url
        if target.startswith(b"/"):
            super().on_headers_complete()
            return
        self.url = b"/"  # lets uvicorn build the scope (and start the app) as for any request...
        try:
            super().on_headers_complete()
        finally:
            self.url = target
        # ...and the app, which runs later in the loop, sees the target as it came.
        self.scope["path"] = target.decode("latin-1")
        self.scope["raw_path"] = target
        self.scope["query_string"] = b""

    def _unsupported_upgrade_warning(self) -> None:
        """A ``CONNECT`` is an upgrade to llhttp: the app refuses it, uvicorn need not warn about it."""
