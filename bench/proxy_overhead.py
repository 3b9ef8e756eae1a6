"""What recording through ``ssetape record`` costs a streaming client, compared with going direct.

    python bench/proxy_overhead.py                 # 200-event streams, 5 ms apart, 1 and 50 clients
    python bench/proxy_overhead.py --mitmdump PATH # the same through `mitmdump --mode reverse:...` too

The upstream is a minimal SSE server (uvicorn, like the emulator in fixtures/) run in its own
process: each stream sends ``--events`` events ``--gap`` seconds apart, every event stamped with
``time.monotonic_ns()`` as it is sent. The clients (httpx, one process, all streams concurrent)
stamp each event as it arrives, so per-event latency is measured end to end on one clock. Each
request carries an ``Authorization`` header as an SDK's does (so the proxy redacts it and scrubs
its echoes, as it does for real traffic). Each workload runs direct, through ``ssetape record`` (a
subprocess, recording into a temporary cassette) and, when mitmdump is found, through mitmproxy in
reverse mode with streaming on (``stream_large_bodies=1``). Reported: time to first byte, per-event
latency p50/p99 (added over direct, and as ratios), and throughput (a second workload with no
gaps, as fast as the path allows) as a ratio to direct.

Repeatable on a shared machine: the upstream, ssetape and mitmdump run all the time in their own
processes, all of them (and the clients) at a raised priority while it runs (nice -10 where allowed,
the same for every path, so that other users' work on the machine gets in the way less;
``--normal-priority`` leaves it), and every round measures each path in turn (the order rotating from round to round),
so that a change in the machine's load hits every path alike; each figure is the median of
``--rounds`` rounds and the report gives the spread of the rounds beside it. The clients run on
uvloop, as the upstream and the proxy do, so that their own Python overhead disturbs the
2-core machine as little as possible.

This is a benchmark, not a test: nothing here asserts. Numbers depend on the machine; issue #15's
targets, at 20 and 50 streams on 2 cores: added TTFB and added per-event p99 under 3 ms, throughput at
least 0.95x direct, ahead of mitmproxy on every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script (the upstream's process) or as bench.proxy_overhead

from bench.measure import Row, load_average  # noqa: E402


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


def serve_upstream() -> None:
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # so asyncio sets TCP_NODELAY
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    print(f"http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(upstream_app, lifespan="off", log_level="warning", access_log=False, ws="none")
    uvicorn.Server(config).run(sockets=[sock])


# -- processes ----------------------------------------------------------------------------------------------
@contextlib.contextmanager
def process(args: list[str], *, url_from_stdout: bool = True, port: int | None = None) -> Iterator[str]:
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
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
        yield url
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


# -- the clients --------------------------------------------------------------------------------------------
# A deliberately lean HTTP/1.1 client (asyncio streams, chunked bodies only), so that the clients' own
# CPU use disturbs the measurement as little as possible on a 2-core machine.
#: What an SDK sends besides the path: a key the proxy redacts (and looks for in every chunk, in case the
#: upstream echoes it), and the usual content negotiation.
HEADERS = (
    "Authorization: Bearer sk-proj-bench0123456789abcdefghijklmnopqrstuvwxyz\r\n"
    "Accept: text/event-stream\r\nUser-Agent: OpenAI/Python bench\r\n"
)


@dataclass
class Run:
    ttfb: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    events: int = 0
    wall: float = 0.0


async def one_stream(host: str, port: int, path: str, run: Run) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    sent = time.monotonic()
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{HEADERS}Connection: close\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    if b" 200 " not in head.split(b"\r\n", 1)[0] or b"chunked" not in head.lower():
        raise RuntimeError(f"unexpected response: {head[:200]!r}")
    first, buffer, body = True, b"", b""
    while True:
        data = await reader.read(65536)
        if not data:
            break
        now = time.monotonic_ns()
        if first:
            run.ttfb.append(time.monotonic() - sent)
            first = False
        buffer += data
        while True:  # take whole chunks out of the chunked framing
            line_end = buffer.find(b"\r\n")
            if line_end < 0:
                break
            size = int(buffer[:line_end].split(b";")[0], 16)
            if len(buffer) < line_end + 2 + size + 2:
                break
            body += buffer[line_end + 2 : line_end + 2 + size]
            buffer = buffer[line_end + 2 + size + 2 :]
            if size == 0:
                break
        *events, body = body.split(b"\n\n")
        for event in events:
            at = event.find(b'"t":')
            if at >= 0:
                stamp = int(event[at + 4 : event.index(b",", at)])
                run.latencies.append((now - stamp) / 1e6)
                run.events += 1
    writer.close()


def run_workload(base: str, clients: int, events: int, gap: float, pad: int, probes: Run | None = None) -> Run:
    """One workload on a fresh uvloop event loop (asyncio's where uvloop is missing)."""
    try:
        import uvloop

        factory = uvloop.new_event_loop
    except ImportError:  # pragma: no cover
        factory = None
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(workload(base, clients, events, gap, pad, probes))


async def workload(base: str, clients: int, events: int, gap: float, pad: int, probes: Run | None = None) -> Run:
    """``clients`` streams started together; with ``probes``, new requests are started one at a time while
    they all run, and their times to first byte go there."""
    host, port = base.removeprefix("http://").split(":")
    run = Run()
    await one_stream(host, int(port), "/v1/stream?n=5&gap=0&pad=10", Run())  # warm up
    started = time.monotonic()
    path = f"/v1/stream?n={events}&gap={gap}&pad={pad}"
    streams = asyncio.gather(*(one_stream(host, int(port), path, run) for _ in range(clients)))
    if probes is not None:
        await asyncio.sleep(PROBE_START * events * gap)  # every stream is under way
        for _ in range(PROBES):
            await one_stream(host, int(port), f"/v1/stream?n=1&gap={gap}&pad={pad}", probes)
            await asyncio.sleep(PROBE_SPACING * events * gap / PROBES)
    await streams
    run.wall = time.monotonic() - started
    return run


#: Probes: this many new requests, the first a fifth into the streams' run, spread over half of it.
PROBES, PROBE_START, PROBE_SPACING = 15, 0.2, 0.5


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


# -- the report ---------------------------------------------------------------------------------------------
FIGURES = ("ttfb_ms", "herd_ttfb_ms", "p50_ms", "p99_ms", "throughput_eps")


def one_round(base: str, clients: int, args: argparse.Namespace) -> dict[str, float]:
    probes = Run()
    paced = run_workload(base, clients, args.events, args.gap, args.pad, probes)
    burst = run_workload(base, clients, args.burst_events, 0.0, args.pad)
    return {
        "ttfb_ms": statistics.median(probes.ttfb) * 1000,
        "herd_ttfb_ms": statistics.median(paced.ttfb) * 1000,
        "p50_ms": pct(paced.latencies, 50),
        "p99_ms": pct(paced.latencies, 99),
        "throughput_eps": burst.events / burst.wall,
    }


def measure(paths: dict[str, str], args: argparse.Namespace) -> dict[str, dict[str, dict[str, float]]]:
    """Each path's figures by number of clients: the median over ``--rounds`` rounds (a shared 2-core machine
    is noisy), with ``FIGURE_min`` and ``FIGURE_max`` the spread of the rounds. Within a round every path
    runs the same workload in turn, starting with a different path each round."""
    names = list(paths)
    rounds: dict[str, dict[str, list[dict[str, float]]]] = {name: {} for name in names}
    for clients in args.clients:
        for number in range(args.rounds):
            for name in names[number % len(names) :] + names[: number % len(names)]:
                figures = one_round(paths[name], clients, args)
                rounds[name].setdefault(str(clients), []).append(figures)
    table: dict[str, dict[str, dict[str, float]]] = {}
    for name in names:
        for clients, measured in rounds[name].items():
            row = table.setdefault(name, {})[clients] = {}
            for key in FIGURES:
                values = [figures[key] for figures in measured]
                row[key] = statistics.median(values)
                row[f"{key}_min"], row[f"{key}_max"] = min(values), max(values)
    return table


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--gap", type=float, default=0.005)
    parser.add_argument("--pad", type=int, default=100, help="bytes of padding per event (about 200 B each)")
    parser.add_argument("--clients", type=lambda s: [int(x) for x in s.split(",")], default=[1, 50])
    parser.add_argument("--burst-events", type=int, default=2000, help="events per stream for throughput")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per workload; figures are their medians")
    parser.add_argument("--mitmdump", default=shutil.which("mitmdump"), help="mitmdump to compare with")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--normal-priority", action="store_true", help="run the bench at normal priority, not ahead of other work"
    )
    parser.add_argument("serve", nargs="?", help=argparse.SUPPRESS)
    return parser


def main() -> None:
    args = parser().parse_args()
    if args.serve == "upstream":
        serve_upstream()
        return
    table = run(args)
    report(table, args)
    if args.json:
        args.json.write_text(json.dumps(table, indent=2) + "\n")


@contextlib.contextmanager
def raised_priority(nice: int = -10) -> Iterator[bool]:
    """Run this process, and the upstream and proxies it starts (they inherit it), ahead of the machine's other
    work while the bench runs: the same for every path, so that other users' load shifts the figures less.
    Linux shares the CPU between sessions first (autogroups) and by nice value only within one, so the
    session's autogroup gets the nice value too. Both are put back afterwards. Needs the privilege to lower
    a nice value; yields False (figures at normal priority) without it."""
    autogroup = Path("/proc/self/autogroup")
    before = os.nice(0)
    try:
        group = int(autogroup.read_text().split("nice")[1])
    except (OSError, IndexError, ValueError):
        group = None
    try:
        os.nice(nice - before)
    except OSError:
        yield False
        return
    try:
        if group is not None:
            with contextlib.suppress(OSError):
                autogroup.write_text(f"{nice}\n")
        yield True
    finally:
        with contextlib.suppress(OSError):
            os.nice(before - os.nice(0))
        if group is not None:
            with contextlib.suppress(OSError):
                autogroup.write_text(f"{group}\n")


def run(args: argparse.Namespace) -> dict[str, dict[str, dict[str, float]]]:
    """The figures of every path (direct, ssetape, mitmproxy when found), by number of clients."""
    python = sys.executable
    with contextlib.ExitStack() as stack:
        if not args.normal_priority and not stack.enter_context(raised_priority()):
            print("(could not raise the bench's priority: figures at normal priority)", file=sys.stderr)
        upstream = stack.enter_context(process([python, __file__, "upstream"]))
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        paths = {"direct": upstream}
        record = [python, "-m", "ssetape", "record", "--upstream", upstream, "--port", "0", "--quiet"]
        paths["ssetape"] = stack.enter_context(process([*record, "--out", os.path.join(tmp, "bench.yaml")]))
        if args.mitmdump:
            port = free_port()
            mitm = [args.mitmdump, "--mode", f"reverse:{upstream}", "--listen-host", "127.0.0.1"]
            mitm += ["--listen-port", str(port), "--set", "stream_large_bodies=1", "-q"]
            paths["mitmproxy"] = stack.enter_context(process(mitm, url_from_stdout=False, port=port))
        return measure(paths, args)


#: A separate virtualenv holding mitmproxy, when ``mitmdump`` is not on the PATH (it pins its own versions).
MITM_VENV = Path(os.environ.get("SSETAPE_BENCH_MITM_VENV", "/tmp/ssetape-bench-mitm"))


def install_mitmproxy() -> str | None:
    """``MITM_VENV``'s mitmdump, installed there from PyPI first if need be; None when that fails."""
    installed = MITM_VENV / "bin" / "mitmdump"
    if not installed.exists():
        print(f"installing mitmproxy into {MITM_VENV} (once) to compare with...", file=sys.stderr, flush=True)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(MITM_VENV)], check=True, timeout=300)
            pip = [str(MITM_VENV / "bin" / "pip"), "install", "--quiet", "mitmproxy"]
            subprocess.run(pip, check=True, timeout=900)
        except (OSError, subprocess.SubprocessError) as exc:
            print(f"  could not install mitmproxy ({exc}): its rows are left out", file=sys.stderr)
            return None
    return str(installed)


def rows(full: bool = False) -> list[Row]:
    """``python -m bench``: 20 and 50 concurrent streams through ``ssetape record`` against direct, and
    mitmproxy on the same workload when it is installed (on the PATH, or in ``MITM_VENV``)."""
    args = parser().parse_args(["--clients", "20,50", "--rounds", "5" if full else "3"])
    args.mitmdump = shutil.which("mitmdump") or install_mitmproxy()
    table = run(args)
    report(table, args)
    load = load_average()
    out = []
    for clients, direct in table["direct"].items():
        ours = table["ssetape"][clients]
        mitm = table.get("mitmproxy", {}).get(clients)
        for label, key, target in (
            ("added TTFB of a new request", "ttfb_ms", 3.0),
            ("added TTFB, all started at once", "herd_ttfb_ms", 3.0),
            ("added per-event p99", "p99_ms", 3.0),
        ):
            added = ours[key] - direct[key]
            theirs = f"mitmproxy +{mitm[key] - direct[key]:.1f} ms" if mitm else "mitmproxy not installed"
            ahead = mitm is None or added < mitm[key] - direct[key]
            out.append(
                Row(
                    f"proxy, {clients} streams, {label} (load {load})",
                    f"+{added:.1f} ms",
                    theirs,
                    f"direct {direct[key]:.1f} ms",
                    f"< {target:g} ms, ahead of mitmproxy",
                    added < target and ahead,
                )
            )
        ratio = ours["throughput_eps"] / direct["throughput_eps"]
        theirs = f"mitmproxy {mitm['throughput_eps'] / direct['throughput_eps']:.2f}x" if mitm else "—"
        ahead = mitm is None or ratio > mitm["throughput_eps"] / direct["throughput_eps"]
        out.append(
            Row(
                f"proxy, {clients} streams, throughput",
                f"{ours['throughput_eps']:,.0f} ev/s",
                theirs,
                f"{ratio:.2f}x direct",
                ">= 0.95x, ahead of mitmproxy",
                ratio >= 0.95 and ahead,
            )
        )
    return out


def report(table: dict[str, dict[str, dict[str, float]]], args: argparse.Namespace) -> None:
    print(
        f"{args.events}-event streams, {args.gap * 1000:g} ms apart; throughput: {args.burst_events} events "
        f"per stream, no gaps. Medians of {args.rounds} interleaved rounds [their min-max]. {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the end."
    )
    print(
        f"TTFB: of {PROBES} new requests, one at a time, while the streams run; herd: of the streams themselves, "
        "all started at once."
    )
    header = f"{'path':<10} {'clients':>7} {'TTFB ms':>8} {'+TTFB':>7} {'herd ms':>8} {'+herd':>7} {'p50 ms':>7} "
    header += f"{'+p50':>7} {'p99 ms':>7} {'+p99':>7} {'events/s':>9} {'tput x':>6}  spread: TTFB, p99, events/s"
    print(header)
    for name, rows in table.items():
        for clients, row in rows.items():
            direct = table["direct"][clients]
            spread = "  ".join(
                f"[{row[key + '_min']:.{digits}f}-{row[key + '_max']:.{digits}f}]"
                for key, digits in (("ttfb_ms", 1), ("p99_ms", 1), ("throughput_eps", 0))
            )
            print(
                f"{name:<10} {clients:>7} {row['ttfb_ms']:8.2f} {row['ttfb_ms'] - direct['ttfb_ms']:+7.2f} "
                f"{row['herd_ttfb_ms']:8.2f} {row['herd_ttfb_ms'] - direct['herd_ttfb_ms']:+7.2f} "
                f"{row['p50_ms']:7.2f} {row['p50_ms'] - direct['p50_ms']:+7.2f} {row['p99_ms']:7.2f} "
                f"{row['p99_ms'] - direct['p99_ms']:+7.2f} {row['throughput_eps']:9.0f} "
                f"{row['throughput_eps'] / direct['throughput_eps']:6.2f}  {spread}"
            )


if __name__ == "__main__":
    main()
