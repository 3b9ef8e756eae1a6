"""What recording through ``ssetape record`` costs a streaming client, compared with going direct.

    python -m bench.proxy_overhead                       # 20 and 50 streams, 5 paired rounds
    python -m bench.proxy_overhead --mitmdump PATH       # mitmproxy in reverse mode too
    python -m bench.proxy_overhead --floor               # and a relay that records nothing (the floor)
    python -m bench.proxy_overhead --herd --tree old=/tmp/old   # quick: streams and storms only, and
                                                         # another checkout's ssetape as one more path

The upstream (``bench/proxy_servers.py``, uvicorn, in its own process) streams SSE events, each stamped with
``time.monotonic_ns()`` as it is sent; the clients (one process, a lean HTTP/1.1 client on uvloop, all
streams concurrent) stamp each as it arrives, so per-event latency is measured end to end on one clock.
Each request carries an ``Authorization`` header as an SDK's does (so the proxy redacts it and scrubs its
echoes). The paths: direct, through ``ssetape record`` (a subprocess recording into a temporary cassette),
through mitmdump (``stream_large_bodies=1``) when found, and with ``--floor`` through a pass-through relay
(uvloop protocols copying bytes, no HTTP, no recording): what any relay process costs on the same cores.

A round runs, for each path, the same three workloads with the same clients, upstream and bytes: ``--events``
events per stream ``--gap`` seconds apart (per-event latency p50/p99; the streams' time to first byte, all
started at once, "herd"; and that of probes, new requests one at a time while they run), ``--burst-total``
events shared by the streams with no gaps (throughput at the client, and the path's own CPU per event), and a
few storms of one-event requests all at once (the path's own CPU per request): read from the scheduler's
counts of its process, every thread, from the workload's start until all is idle again (ssetape's serializing
worker, a child that writes the cassette later at a lower priority, is not in it). Every workload starts on a
quiet machine: the bench waits until all its processes are idle, so no workload runs beside what another left
behind (ssetape's worker serializes for seconds after a long burst; before, that landed on whichever path ran
next, and direct's throughput swung 2.6x with it). Every path runs once a round, each in every place of the order
in turn (where a path runs tells on its figures), and each proxy's figures are worked out against direct's of the same
round (added milliseconds, throughput as a ratio), then the median of ``--rounds`` rounds is reported with
their min-max. The bench and its processes run at a raised priority (nice -10 and the session's autogroup too,
where allowed; the same for every path; ``--normal-priority`` leaves it), so other users' work gets in the way
less.

``--herd`` runs only the paced streams and the storms (no throughput workload): their TTFB, all started at once
and new, their per-event latency and the CPU per request, in about a third of the time. ``--tree NAME=DIR`` adds
``ssetape record`` as another checkout ``DIR`` has it (the code before a change, say) as one more path of the
same rounds, so that old and new are compared side by side under the same load.

This is a benchmark, not a test: nothing here asserts. Issue #15's targets, at 20 and 50 streams on 2 cores:
added TTFB and added per-event p99 under 3 ms, throughput at least 0.95x direct, ahead of mitmproxy on every
figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script (the upstream's process) or as bench.proxy_overhead

from bench.measure import Row, load_average  # noqa: E402
from bench.proxy_servers import Server, cpu_seconds, free_port, loop_cpu_seconds, process  # noqa: E402

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


def run_workload(
    base: str, clients: int, events: int, gap: float, pad: int, probes: Run | None = None, *, warm: bool = True
) -> Run:
    """One workload on a fresh uvloop event loop (asyncio's where uvloop is missing)."""
    try:
        import uvloop

        factory = uvloop.new_event_loop
    except ImportError:  # pragma: no cover
        factory = None
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(workload(base, clients, events, gap, pad, probes, warm=warm))


async def workload(
    base: str, clients: int, events: int, gap: float, pad: int, probes: Run | None = None, *, warm: bool = True
) -> Run:
    """``clients`` streams started together, after one short one (``warm``); with ``probes``, new requests are
    started one at a time while they all run, and their times to first byte go there."""
    host, port = base.removeprefix("http://").split(":")
    run = Run()
    if warm:
        await one_stream(host, int(port), "/v1/stream?n=5&gap=0&pad=10", Run())
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
#: Events of the throughput workload, shared among its streams: a second or more of streaming on any path.
BURST_TOTAL = 300_000
#: Storms of one-event requests per round, for the CPU a request costs.
STORMS = 4


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


# -- one round -----------------------------------------------------------------------------------------------
#: What each path's workloads give in a round.
FIGURES = (
    "ttfb_ms",
    "herd_ttfb_ms",
    "p50_ms",
    "p99_ms",
    "throughput_eps",
    "loop_us_event",
    "loop_us_request",
    "cpu_us_event",
    "cpu_us_request",
)
#: After a workload, how long its deferred work on the loop (the interactions built, one a turn) is waited for.
LOOP_TAIL = 0.3
#: The figures compared with direct's of the same round by difference (the rest by ratio: throughput).
ADDED = ("ttfb_ms", "herd_ttfb_ms", "p50_ms", "p99_ms")


def settle(servers: list[Server], *, timeout: float = 120.0) -> None:
    """Wait until every process of the bench is quiet (under 4% of a core for half a second): ssetape's
    serializing worker writes what a workload recorded for seconds after it (at a lower priority), and no
    workload may run beside the work another one left behind."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = sum(cpu_seconds(server.pid) for server in servers)
        time.sleep(0.5)
        if sum(cpu_seconds(server.pid) for server in servers) - before < 0.02:
            return


def storm(base: str, clients: int, repeats: int = STORMS) -> int:
    """``clients`` one-event requests at once, ``repeats`` times: the requests' own cost."""
    for _ in range(repeats):
        run_workload(base, clients, 1, 0.0, 10, warm=False)
    return clients * repeats


#: The figures of ``--herd``, which skips the throughput workload.
HERD_FIGURES = ("ttfb_ms", "herd_ttfb_ms", "p50_ms", "p99_ms", "loop_us_request", "cpu_us_request")


def one_round(path: Server, servers: list[Server], clients: int, args: argparse.Namespace) -> dict[str, float]:
    """The three workloads through ``path``, each on a quiet machine: streams paced by the upstream (their
    per-event latency, their time to first byte all started at once, and probes' one at a time), streams as
    fast as the path allows (throughput, and the path's own CPU per event), a storm of one-event requests
    (the path's own CPU per request). Its CPU is read twice: its event loop's thread until the workload's
    deferred work is done (the interactions built: ``LOOP_TAIL``), which is what holds streams up and varies
    little; and the whole process until every process is idle again (ssetape's threads too: counting the
    events, handing the interactions to the serializing worker, whose saves come when they come). ssetape's
    worker itself, a child that writes the cassette later at a lower priority, is in neither."""
    settle(servers)
    probes = Run()
    paced = run_workload(path.url, clients, args.events, args.gap, args.pad, probes)
    settle(servers)
    figures = {
        "ttfb_ms": statistics.median(probes.ttfb) * 1000,
        "herd_ttfb_ms": statistics.median(paced.ttfb) * 1000,
        "p50_ms": pct(paced.latencies, 50),
        "p99_ms": pct(paced.latencies, 99),
    }
    if not args.herd:
        cpu, loop = cpu_seconds(path.pid, children=False), loop_cpu_seconds(path.pid)
        burst = run_workload(path.url, clients, max(1, args.burst_total // clients), 0.0, args.pad)
        time.sleep(LOOP_TAIL)
        loop_burst = loop_cpu_seconds(path.pid) - loop
        settle(servers)
        cpu_burst = cpu_seconds(path.pid, children=False) - cpu
        figures["throughput_eps"] = burst.events / burst.wall
        figures["loop_us_event"] = loop_burst / burst.events * 1e6
        figures["cpu_us_event"] = cpu_burst / burst.events * 1e6
    cpu, loop = cpu_seconds(path.pid, children=False), loop_cpu_seconds(path.pid)
    requests = storm(path.url, clients)
    time.sleep(LOOP_TAIL)
    loop_storm = loop_cpu_seconds(path.pid) - loop
    settle(servers)
    cpu_storm = cpu_seconds(path.pid, children=False) - cpu
    figures["loop_us_request"] = loop_storm / requests * 1e6
    figures["cpu_us_request"] = cpu_storm / requests * 1e6
    return figures


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def round_order(names: list[str], number: int) -> list[str]:
    """The order of round ``number``: every path takes every place in turn, and the next turn goes the other way.

    Where a path runs tells on its figures: the same code as two paths of the same herd rounds read +2.9 / +4.8 ms
    second in the order (right after direct in every other round) and +1.9 / +4.0 last. With a fixed order the
    path in the second place (ssetape) always had that place's share; turning the order gives each path the
    same, and each path is next to direct as often as the others."""
    shift = number % len(names)
    order = names[shift:] + names[:shift]
    return order[::-1] if (number // len(names)) % 2 else order


def measure(
    paths: dict[str, Server], args: argparse.Namespace, servers: list[Server]
) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    """Each path's figures by number of clients, each a median over ``--rounds`` rounds with its min and max.

    A round runs every path once, back to back, each workload on a quiet machine (:func:`settle`), in the order
    of :func:`round_order`. A proxy's added figures (``added_FIGURE``) and its throughput
    ratio (``throughput_x``) are worked out within each round, against direct's of that round, and then their
    median taken: a change of the machine's load between rounds moves both sides of a pair alike."""
    names = list(paths)
    table: dict[str, dict[str, dict[str, dict[str, float]]]] = {name: {} for name in names}
    for clients in args.clients:
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in names}
        for number in range(args.rounds):
            for name in round_order(names, number):
                rounds[name].append(one_round(paths[name], servers, clients, args))
        for name in names:
            figures = HERD_FIGURES if args.herd else FIGURES
            row = table[name][str(clients)] = {key: spread([r[key] for r in rounds[name]]) for key in figures}
            pairs = list(zip(rounds[name], rounds["direct"], strict=True))
            for key in ADDED:
                row[f"added_{key}"] = spread([ours[key] - direct[key] for ours, direct in pairs])
            if args.herd:
                continue
            row["throughput_x"] = spread([ours["throughput_eps"] / direct["throughput_eps"] for ours, direct in pairs])
    return table


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--gap", type=float, default=0.005)
    parser.add_argument("--pad", type=int, default=100, help="bytes of padding per event (about 200 B each)")
    parser.add_argument("--clients", type=lambda s: [int(x) for x in s.split(",")], default=[1, 50])
    parser.add_argument(
        "--burst-total", type=int, default=BURST_TOTAL, help="events of the throughput workload, over all streams"
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds per workload; figures are their medians")
    parser.add_argument("--mitmdump", default=shutil.which("mitmdump"), help="mitmdump to compare with")
    parser.add_argument("--floor", action="store_true", help="also a pass-through relay that records nothing")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--herd", action="store_true", help="only the paced streams and the storms: no throughput")
    parser.add_argument(
        "--tree",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="also ssetape record as the checkout DIR has it, as the path NAME (repeatable)",
    )
    parser.add_argument(
        "--normal-priority", action="store_true", help="run the bench at normal priority, not ahead of other work"
    )
    return parser


def main() -> None:
    args = parser().parse_args()
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


def run(args: argparse.Namespace) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    """The figures of every path (direct, ssetape, mitmproxy when found, the floor when asked), by clients."""
    python = sys.executable
    servers = str(ROOT / "bench" / "proxy_servers.py")
    with contextlib.ExitStack() as stack:
        if not args.normal_priority and not stack.enter_context(raised_priority()):
            print("(could not raise the bench's priority: figures at normal priority)", file=sys.stderr)
        upstream = stack.enter_context(process([python, servers, "upstream"]))
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        paths = {"direct": Server(upstream.url)}
        record = [python, "-m", "ssetape", "record", "--upstream", upstream.url, "--port", "0", "--quiet"]
        paths["ssetape"] = stack.enter_context(process([*record, "--out", os.path.join(tmp, "bench.yaml")]))
        if args.mitmdump:
            port = free_port()
            mitm = [args.mitmdump, "--mode", f"reverse:{upstream.url}", "--listen-host", "127.0.0.1"]
            mitm += ["--listen-port", str(port), "--set", "stream_large_bodies=1", "-q"]
            paths["mitmproxy"] = stack.enter_context(process(mitm, url_from_stdout=False, port=port))
        for name, tree in (tree.split("=", 1) for tree in args.tree):
            layout = installed_layout(Path(tree), Path(tmp) / f"tree-{name}")
            out = ["--out", os.path.join(tmp, f"{name}.yaml")]
            env = {**os.environ, "PYTHONPATH": str(layout)}
            paths[name] = stack.enter_context(process([*record, *out], env=env, cwd=layout))
        if args.floor:
            paths["floor"] = stack.enter_context(process([python, servers, "floor", upstream.url]))
        return measure(paths, args, [upstream, *paths.values()])


def installed_layout(tree: Path, into: Path) -> Path:
    """A folder where ``import ssetape`` finds ``tree``'s code as pyproject.toml's package-dir maps it (links):
    on ``PYTHONPATH`` and as the current directory (an editable install's finder comes after both), it runs
    that checkout rather than the installed one."""
    package = into / "ssetape"
    package.mkdir(parents=True)
    for entry in (tree / "ssetape").iterdir():
        (package / entry.name).symlink_to(entry)
    for name in ("recorder", "replayer", "tui", "fixtures", "apis"):
        (package / name).symlink_to(tree / name)
    return into


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
    # The floor (a relay that only copies bytes) shows what any relay process costs on the same cores.
    args = parser().parse_args(["--clients", "20,50", "--rounds", "7" if full else "5", "--floor"])
    args.mitmdump = shutil.which("mitmdump") or install_mitmproxy()
    table = run(args)
    report(table, args)
    load = load_average()
    out = []
    for clients, direct in table["direct"].items():
        ours = table["ssetape"][clients]
        mitm = table.get("mitmproxy", {}).get(clients)
        floor = table.get("floor", {}).get(clients)
        for label, key, target in (
            ("added TTFB of a new request", "ttfb_ms", 3.0),
            ("added TTFB, all started at once", "herd_ttfb_ms", 3.0),
            ("added per-event p99", "p99_ms", 3.0),
        ):
            added = ours[f"added_{key}"]
            theirs = f"mitmproxy {mitm[f'added_{key}']['median']:+.1f} ms" if mitm else "mitmproxy not installed"
            if floor:
                theirs += f"; floor {floor[f'added_{key}']['median']:+.1f} ms"
            ahead = mitm is None or added["median"] < mitm[f"added_{key}"]["median"]
            out.append(
                Row(
                    f"proxy, {clients} streams, {label} (load {load})",
                    f"{added['median']:+.1f} ms [{added['min']:+.1f} to {added['max']:+.1f}]",
                    theirs,
                    f"direct {direct[key]['median']:.1f} ms",
                    f"< {target:g} ms, ahead of mitmproxy",
                    added["median"] < target and ahead,
                )
            )
        ratio = ours["throughput_x"]
        theirs = f"mitmproxy {mitm['throughput_x']['median']:.2f}x" if mitm else "—"
        if floor:
            theirs += f"; floor {floor['throughput_x']['median']:.2f}x"
        ahead = mitm is None or ratio["median"] > mitm["throughput_x"]["median"]
        out.append(
            Row(
                f"proxy, {clients} streams, throughput",
                f"{ratio['median']:.2f}x direct [{ratio['min']:.2f}-{ratio['max']:.2f}]",
                theirs,
                f"direct {direct['throughput_eps']['median']:,.0f} ev/s",
                ">= 0.95x, ahead of mitmproxy",
                ratio["median"] >= 0.95 and ahead,
            )
        )

        def cpu(row: dict[str, dict[str, float]]) -> str:
            return (
                f"{row['loop_us_event']['median']:.1f} µs, {row['loop_us_request']['median']:.0f} µs "
                f"(all threads {row['cpu_us_event']['median']:.1f}, {row['cpu_us_request']['median']:.0f})"
            )

        out.append(
            Row(
                f"proxy, {clients} streams, its event loop's CPU per event, per request",
                cpu(ours),
                f"mitmproxy {cpu(mitm)}" if mitm else "—",
                "—",
                "—",
                None,
            )
        )
    return out


def report(table: dict[str, dict[str, dict[str, dict[str, float]]]], args: argparse.Namespace) -> None:
    print(
        f"{args.events}-event streams, {args.gap * 1000:g} ms apart; throughput: {args.burst_total} events over "
        f"the streams, no gaps. Medians of {args.rounds} paired rounds [their min-max]. {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the end."
    )
    print(
        f"TTFB: of {PROBES} new requests, one at a time, while the streams run; herd: of the streams themselves, "
        "all started at once. +: over direct in the same round. CPU (its loop's thread, then all of its process "
        f"until idle; not ssetape's worker): per event of the throughput workload, per request of {STORMS} storms "
        "of one-event requests."
    )
    header = f"{'path':<10} {'clients':>7} {'TTFB ms':>8} {'+TTFB':>15} {'herd ms':>8} {'+herd':>17} "
    header += f"{'p99 ms':>7} {'+p99':>15} {'events/s':>9} {'x direct':>16} {'µs/ev':>11} {'µs/req':>9}"
    print(header)

    def added(row: dict[str, dict[str, float]], key: str) -> str:
        figure = row[key]
        return f"{figure['median']:+.1f} [{figure['min']:+.1f},{figure['max']:+.1f}]"

    for name, by_clients in table.items():
        for clients, row in by_clients.items():
            if args.herd:
                print(
                    f"{name:<10} {clients:>7} {row['ttfb_ms']['median']:8.2f} {added(row, 'added_ttfb_ms'):>15} "
                    f"{row['herd_ttfb_ms']['median']:8.2f} {added(row, 'added_herd_ttfb_ms'):>17} "
                    f"{row['p99_ms']['median']:7.2f} {added(row, 'added_p99_ms'):>15} {'—':>9} {'—':>16} "
                    f"{'—':>11} {row['loop_us_request']['median']:4.0f} {row['cpu_us_request']['median']:4.0f} "
                    f"[{row['loop_us_request']['min']:.0f}-{row['loop_us_request']['max']:.0f}]"
                )
                continue
            ratio = row["throughput_x"]
            print(
                f"{name:<10} {clients:>7} {row['ttfb_ms']['median']:8.2f} {added(row, 'added_ttfb_ms'):>15} "
                f"{row['herd_ttfb_ms']['median']:8.2f} {added(row, 'added_herd_ttfb_ms'):>17} "
                f"{row['p99_ms']['median']:7.2f} {added(row, 'added_p99_ms'):>15} "
                f"{row['throughput_eps']['median']:9.0f} "
                f"{ratio['median']:5.2f} [{ratio['min']:.2f},{ratio['max']:.2f}] "
                f"{row['loop_us_event']['median']:5.1f} {row['cpu_us_event']['median']:5.1f} "
                f"{row['loop_us_request']['median']:4.0f} {row['cpu_us_request']['median']:4.0f}"
            )


if __name__ == "__main__":
    main()
