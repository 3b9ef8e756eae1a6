"""An HTTP server that answers recorded requests with recorded responses (``ssetape serve``).

:class:`ReplayApp` is a plain ASGI app around :class:`~replayer.AsyncReplayTransport`: the same
matching (method, path, query, body by meaning), the same ordered repeats, the same pacing and the
same recorded failures, so any client in any language (the openai Node SDK, curl) can replay a
cassette. A body the network cut off is cut off again: the server closes the connection after the
recorded bytes, without the terminating chunk, and the client sees the same incomplete read.

:class:`ReplayServer` runs the app under uvicorn, on loopback by default: in a background thread
(``with ReplayServer(path) as server: server.base_url``) or in the foreground (``serve_forever()``).
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import json
import logging
import socket
import threading
import time
import types
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx2

from ssetape.recorder import Cassette, Interaction

from .client import base_url_of
from .errors import ServerError, UnmatchedRequestError
from .kinds import api_of
from .matching import Matching
from .transport import AsyncReplayTransport

__all__ = ["BaseUrl", "ReplayApp", "ReplayServer", "ServedRequest", "ServerError"]

# Not passed on: they describe the connection, not the recorded response.
_HOP_BY_HOP = frozenset(
    # content-encoding is end to end: the body is served as recorded (compressed), so its header goes with it.
    {"connection", "keep-alive", "transfer-encoding", "content-length", "upgrade", "te", "trailer"}
)
_CUT_MESSAGE = "ASGI callable returned without completing response."
_STOPPED = "cut off: the server stopped"
#: What uvicorn logs when it cancels the requests still running at the end of its graceful shutdown.
_CANCELLED_TASKS = "Cancel %s running task(s), timeout graceful shutdown exceeded"


@dataclass(frozen=True, slots=True)
class ServedRequest:
    """What the server did with one request, for a log line."""

    method: str
    target: str
    status: int
    #: The interaction that answered, or None when none did (no recording matched, or the server stopped first).
    interaction: int | None
    #: Why the response ended early: the recorded cut, the client going away, or the server stopping.
    ended: str | None = None
    seconds: float = 0.0

    def __str__(self) -> str:
        line = f"{self.method} {self.target} → {self.status}"
        if self.interaction is not None:
            line += f" (interaction {self.interaction})"
        elif self.ended is None:
            line += " (no recording)"
        line += f" in {self.seconds:.3f}s"
        return line + (f", {self.ended}" if self.ended else "")


@dataclass(frozen=True, slots=True)
class BaseUrl:
    """Where one SDK is pointed to replay a cassette's requests of some APIs."""

    #: The APIs' names (``Chat Completions``, ``Responses``); none when the cassette holds no API's stream.
    apis: tuple[str, ...]
    #: The environment variable the SDK reads its base URL from: ``OPENAI_BASE_URL``, ``ANTHROPIC_BASE_URL``.
    variable: str
    url: str


def _sdk_bases(cassette: Cassette) -> list[tuple[tuple[str, ...], str, str]]:
    """``(API names, environment variable, base path)`` for each SDK the cassette's streams were recorded with,
    in the order of their first interactions (APIs sharing an SDK and a path, such as Chat Completions and
    Responses, on one line); a cassette with no API's stream gets the ``openai`` SDK's, as recorded."""
    found: dict[tuple[str, str], list[str]] = {}
    for interaction in cassette.interactions:
        api = api_of(interaction)
        base = api.sdk_base(interaction.request.uri)
        if base is not None:
            names = found.setdefault(base, [])
            if api.name not in names:
                names.append(api.name)
    if not found:
        return [((), "OPENAI_BASE_URL", urlsplit(base_url_of(cassette)).path)]
    return [(tuple(names), variable, path) for (path, variable), names in found.items()]


class _Transport(AsyncReplayTransport):
    """The replay transport, also saying which recording answered (the log names it)."""

    def _response(self, flavour: types.ModuleType, interaction: Interaction, stream: Any) -> Any:
        response = super()._response(flavour, interaction, stream)
        response.extensions["ssetape_interaction"] = interaction
        return response


#: ``ssetape serve``'s options for the arguments of :class:`Matching` it has.
SERVE_OPTIONS = {"ignore_json_paths": "--ignore-json-path", "ignore_query": "--ignore-query"}


class ReplayApp:
    """ASGI app: every request is answered from ``cassette`` at ``speed`` (1 = recorded pace, 0 = at once).

    With ``allow_repeats`` (the default, since a server outlives one client run) a request whose
    recordings are all used up gets the last one again; without, it gets a 404.
    """

    def __init__(
        self,
        cassette: Cassette | str | Path,
        speed: float = 1.0,
        *,
        allow_repeats: bool = True,
        on_request: Callable[[ServedRequest], None] | None = None,
        allowed_hosts: Collection[str] | None = None,
        matching: Matching | None = None,
        command_line: bool = False,
    ) -> None:
        self.transport = _Transport(cassette, speed, allow_repeats=allow_repeats, matching=matching)
        #: A 404 names ``ssetape serve``'s options that would match the request, not ``Matching``'s arguments.
        self.command_line = command_line
        self.cassette = self.transport.cassette
        self.on_request = on_request
        #: ``Host`` values answered (lowercase); None answers any (the app mounted behind something else).
        self.allowed_hosts = None if allowed_hosts is None else frozenset(h.lower() for h in allowed_hosts)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        host = _host_header(scope)
        if self.allowed_hosts is not None and host.lower() not in self.allowed_hosts:
            # A web page can point a name it controls at 127.0.0.1 (DNS rebinding) and read the answers:
            # only a Host naming this server's own address is served.
            await _misdirected(send, host, sorted(self.allowed_hosts))
            self._log(ServedRequest(scope["method"], scope["path"], 421, None, seconds=time.perf_counter() - started))
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        target = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        request = httpx2.Request(
            scope["method"],
            "http://replay.ssetape" + target,
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]],
            content=body,
        )
        ended: str | None = None
        try:
            response = await self.transport.handle_async_request(request)
        except UnmatchedRequestError as exc:
            await _not_found(send, exc.explained(SERVE_OPTIONS) if self.command_line else str(exc))
            self._log(ServedRequest(scope["method"], target, 404, None, seconds=time.perf_counter() - started))
            return
        except asyncio.CancelledError:  # stopped while the recorded head was not due yet: uvicorn answers 500
            ended = _STOPPED + " before the response began"
            self._log(ServedRequest(scope["method"], target, 500, None, ended, time.perf_counter() - started))
            raise
        index = self._index_of(response)
        await send(
            {"type": "http.response.start", "status": response.status_code, "headers": _headers(response, index, self)}
        )
        try:
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except OSError as exc:  # the client went away
            ended = f"client disconnected ({type(exc).__name__})"
        except asyncio.CancelledError:  # the server stopping, once its grace period is over: uvicorn drops the stream
            seconds = time.perf_counter() - started
            self._log(ServedRequest(scope["method"], target, response.status_code, index, _STOPPED, seconds))
            raise
        except Exception as exc:
            # The recorded cut: returning now, unfinished, makes the server drop the connection.
            ended = f"cut off as recorded ({type(exc).__name__}: {exc})"
        else:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            await response.aclose()
        self._log(
            ServedRequest(scope["method"], target, response.status_code, index, ended, time.perf_counter() - started)
        )

    def _index_of(self, response: httpx2.Response) -> int:
        interaction = response.extensions["ssetape_interaction"]
        return next(i for i, item in enumerate(self.cassette.interactions) if item is interaction)

    def _log(self, served: ServedRequest) -> None:
        if self.on_request is not None:
            self.on_request(served)


def _headers(response: httpx2.Response, index: int, app: ReplayApp) -> list[tuple[bytes, bytes]]:
    headers = [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, value in response.headers.multi_items()
        if name.lower() not in _HOP_BY_HOP
    ]
    interaction = app.cassette.interactions[index]
    if not interaction.streamed and interaction.complete:
        headers.append((b"content-length", str(len(interaction.response.body_bytes)).encode()))
    headers.append((b"x-ssetape-interaction", str(index).encode()))
    return headers


def _host_header(scope: dict[str, Any]) -> str:
    return next((value.decode("latin-1") for name, value in scope["headers"] if name == b"host"), "")


async def _misdirected(send: Any, host: str, allowed: list[str]) -> None:
    message = (
        f"ssetape serve answers requests for {', '.join(allowed)} only, not for Host {host[:200]!r}; "
        "start it with --allow-host NAME to serve another name"
    )
    body = json.dumps(
        {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": "ssetape_wrong_host"}}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 421,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


def hosts_for(host: str, port: int, extra: Iterable[str] = ()) -> frozenset[str]:
    """The ``Host`` values that name a server listening on ``host:port``: the address itself and, for a
    loopback or any-address listener, the loopback names; each with the port (and bare, on port 80)."""
    names = {f"[{host}]" if ":" in host else host, *extra}
    if host in ("localhost", "0.0.0.0", "::") or _is_loopback(host):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    values = {f"{name}:{port}" for name in names}
    if port == 80:
        values |= names
    values |= set(extra)  # a name given is answered as given too (a proxy in front may send it without the port)
    return frozenset(value.lower() for value in values)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


async def _not_found(send: Any, message: str) -> None:
    # The OpenAI API's error shape, so any SDK shows the message (it lists the closest recordings).
    body = json.dumps(
        {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": "ssetape_no_recording"}}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 404,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


class _HideRecordedCuts(logging.Filter):
    """uvicorn logs an app that stops mid-response as an error; here that is the recorded cut. So are the
    streams still running when the server stops (it cancels them, with a traceback each): the request log
    says which were cut."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage() == _CUT_MESSAGE or record.msg == _CANCELLED_TASKS:
            return False
        return not (record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError))


class ReplayServer:
    """``ReplayApp`` served over HTTP by uvicorn on ``host:port`` (port 0: any free port).

    Only requests whose ``Host`` names the address listened on are answered (:func:`hosts_for`;
    ``allow_hosts`` adds names, such as ``myhost.local``); others get a 421.
    """

    def __init__(
        self,
        cassette: Cassette | str | Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        speed: float = 1.0,
        allow_repeats: bool = True,
        on_request: Callable[[ServedRequest], None] | None = None,
        allow_hosts: Iterable[str] = (),
        matching: Matching | None = None,
        command_line: bool = False,
    ) -> None:
        self.app = ReplayApp(
            cassette,
            speed,
            allow_repeats=allow_repeats,
            on_request=on_request,
            matching=matching,
            command_line=command_line,
        )
        self.host = host
        self._socket = _listen(host, port)
        self.port: int = self._socket.getsockname()[1]
        self.app.allowed_hosts = hosts_for(host, self.port, allow_hosts)
        self._server = _uvicorn_server(self.app)
        self._thread: threading.Thread | None = None
        self._filter = _HideRecordedCuts()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @functools.cached_property
    def base_urls(self) -> list[BaseUrl]:
        """Where to point each SDK the cassette was recorded with (``/v1`` for ``openai``, the root for
        ``anthropic`` and ``google-genai``, which add ``/v1`` and ``/v1beta`` themselves)."""
        return [BaseUrl(apis, variable, self.url + path) for apis, variable, path in _sdk_bases(self.app.cassette)]

    @property
    def base_url(self) -> str:
        """Where to point the SDK of the cassette's first API (an ``openai`` client: the server plus ``/v1``)."""
        return self.base_urls[0].url

    def start(self, timeout: float = 10.0) -> ReplayServer:
        """Serve from a background thread; returns once the server accepts connections."""
        logging.getLogger("uvicorn.error").addFilter(self._filter)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name="ssetape-serve", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise ServerError(f"the replay server on {self.url} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self._socket.close()
        logging.getLogger("uvicorn.error").removeFilter(self._filter)

    def serve_forever(self) -> None:
        """Serve in this thread until SIGINT or SIGTERM, then shut down gracefully and return."""
        logging.getLogger("uvicorn.error").addFilter(self._filter)
        try:
            self._server.run(sockets=[self._socket])
        finally:
            self._socket.close()
            logging.getLogger("uvicorn.error").removeFilter(self._filter)

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ServerError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(128)
    return sock


def _uvicorn_server(app: ReplayApp) -> Any:
    try:
        import uvicorn
    except ImportError:
        raise ServerError("ssetape serve needs uvicorn: pip install uvicorn") from None
    config = uvicorn.Config(
        app,
        log_config=None,  # leave the process's logging alone
        log_level="warning",
        access_log=False,
        lifespan="off",
        server_header=False,  # the recorded headers say who served them
        date_header=False,
        timeout_graceful_shutdown=1,
    )
    from ssetape.recorder import ReturningServer

    return ReturningServer(config)
