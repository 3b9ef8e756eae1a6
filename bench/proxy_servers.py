"""The processes of the proxy bench: the upstream, a pass-through relay (the floor), starting them, their CPU.

    python bench/proxy_servers.py upstream          # prints its URL, serves SSE streams
    python bench/proxy_servers.py floor URL         # prints its URL, relays bytes to URL

The upstream is a minimal SSE server (uvicorn, like the emulator in fixtures/): ``GET /...?n=N&gap=S&pad=P``
answers N events S seconds apart, each stamped with ``time.monotonic_ns()`` as it is sent. The floor is the
least a relay on loopback can do: a connection to the upstream per client connection and the bytes copied
both ways as they come (asyncio protocols on uvloop, as ``ssetape record``), with no HTTP parsing and no
recording. What ``ssetape record`` adds over the floor is its own; what the floor adds over direct is the
price of any relay process on the same two cores.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parents[1]


# -- the upstream -----------------------------------------------------------------------------------------
async def upstream_app(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
    if scope["type"] != "http":
        return
    query = parse_qs(scope["query_string"].decode())
    events, gap, pad = int(query["n"][0]), float(query["gap"][0]), "x" * int(query.get("pad", ["100"])[0])
    await send(  # type: ignore[operator]
        {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/event-stream")]}
    )
    for i in range(events):
        if gap:
            await asyncio.sleep(gap)
        data = f'{{"i":{i},"t":{time.monotonic_ns()},"pad":"{pad}"}}'
        body = f"event: thread.message.delta\ndata: {data}\n\n".encode()
        await send({"type": "http.response.body", "body": body, "more_body": True})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": b"event: done\ndata: [DONE]\n\n"})  # type: ignore[operator]


def _listening() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # so asyncio sets TCP_NODELAY
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    print(f"http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    return sock


def serve_upstream() -> None:
    import uvicorn

    config = uvicorn.Config(upstream_app, lifespan="off", log_level="warning", access_log=False, ws="none")
    uvicorn.Server(config).run(sockets=[_listening()])


# -- the floor: bytes copied both ways, nothing else --------------------------------------------------------
class _Pipe(asyncio.Protocol):
    """One side of a relayed connection: what it reads is written to ``peer``."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.peer: _Pipe | None = None
        self.pending: list[bytes] = []  # what came before the other side was connected
        self.connecting: asyncio.Task[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        peer = self.peer
        if peer is not None and peer.transport is not None:
            peer.transport.write(data)
        else:
            self.pending.append(data)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.peer is not None and self.peer.transport is not None:
            self.peer.transport.close()


def serve_floor(upstream: str) -> None:
    import uvloop

    host, port = upstream.removeprefix("http://").split(":")

    async def main() -> None:
        loop = asyncio.get_running_loop()

        def client_side() -> _Pipe:
            client = _Pipe()

            async def connect() -> None:
                try:
                    _, upstream_side = await loop.create_connection(_Pipe, host, int(port))
                except OSError:
                    if client.transport is not None:
                        client.transport.close()
                    return
                upstream_side.peer, client.peer = client, upstream_side
                assert upstream_side.transport is not None
                for data in client.pending:
                    upstream_side.transport.write(data)
                client.pending.clear()

            client.connecting = loop.create_task(connect())
            return client

        server = await loop.create_server(client_side, sock=_listening())
        await server.serve_forever()

    uvloop.run(main())


# -- starting them, and what they cost -----------------------------------------------------------------------
@dataclass(frozen=True)
class Server:
    """A path's process: where it listens, and its pid (None: the path has no process of its own)."""

    url: str
    pid: int | None = None


@contextlib.contextmanager
def process(
    args: list[str],
    *,
    url_from_stdout: bool = True,
    port: int | None = None,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
) -> Iterator[Server]:
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=cwd, env=env)
    try:
        if url_from_stdout:
            assert proc.stdout is not None
            url = proc.stdout.readline().strip()
            if not url:
                raise RuntimeError(f"{args[0]} printed no URL")
        else:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 20
            while True:
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{args[0]} did not start listening")
                time.sleep(0.1)
        time.sleep(3)  # let the process finish starting up (ssetape starts its serializing worker) before timing
        yield Server(url, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def loop_cpu_seconds(pid: int | None) -> float:
    """The CPU time of a process's main thread (where ssetape's, mitmdump's and the floor's event loop runs)."""
    if pid is None:
        return 0.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int(Path(f"/proc/{pid}/task/{pid}/schedstat").read_text().split()[0]) / 1e9
    return 0.0


def cpu_seconds(pid: int | None, *, children: bool = True) -> float:
    """The CPU time a process has used so far, every thread, and with ``children`` its children's (ssetape's
    serializing worker), from the scheduler's nanosecond counts (``/proc/PID/task/*/schedstat``; the
    clock-tick ones in ``stat`` are 10 ms coarse)."""
    if pid is None:
        return 0.0
    total, kids = 0, []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                total += int(Path(f"/proc/{pid}/task/{task}/schedstat").read_text().split()[0])
            if children:
                with contextlib.suppress(OSError, ValueError):
                    kids += [int(kid) for kid in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    return total / 1e9 + sum(cpu_seconds(kid) for kid in kids)


if __name__ == "__main__":
    if sys.argv[1:2] == ["upstream"]:
        serve_upstream()
    elif sys.argv[1:2] == ["floor"] and len(sys.argv) == 3:
        serve_floor(sys.argv[2])
    else:
        sys.exit(__doc__)
