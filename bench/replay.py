"""Replay throughput and random-access latency, against the SDK itself measured in the same run.

    python -m bench.replay [--sizes 1000 10000 50000] [--repeat 3]

(a) the SDK reading the bytes through ``httpx2.MockTransport`` (the baseline), (b) plain vcrpy +
SDK on the same cassette, (c) ``replayer.stream`` with the same handler, (d) building a
``Timeline`` and stepping through every event of it; then ``timeline[i]`` latency for random i.
Throughput is events per second (SSE events in the stream); ratios are to (a).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import httpx2
import openai
import vcr
from openai import AssistantEventHandler

from bench.streams import big_stream
from ssetape import replayer
from ssetape.recorder import load
from ssetape.replayer import Timeline
from ssetape.replayer.stream_events import events

warnings.filterwarnings("ignore", category=DeprecationWarning)


class _Chunks(httpx2.SyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def __iter__(self):  # type: ignore[no-untyped-def]
        yield from self.chunks


def sdk_direct(chunks: list[bytes]) -> Callable[[], None]:
    def respond(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, stream=_Chunks(chunks))

    def run() -> None:
        client = openai.OpenAI(
            api_key="sk-bench",
            base_url="https://api.openai.com/v1",
            http_client=httpx2.Client(transport=httpx2.MockTransport(respond)),
        )
        with client.beta.threads.create_and_run_stream(
            assistant_id="asst_text", event_handler=AssistantEventHandler()
        ) as s:
            s.until_done()

    return run


def plain_vcrpy(path: Path) -> Callable[[], None]:
    def run() -> None:
        with vcr.use_cassette(str(path), record_mode="none"):
            client = openai.OpenAI(api_key="sk-bench", base_url="https://api.openai.com/v1")
            with client.beta.threads.create_and_run_stream(
                assistant_id="asst_text", event_handler=AssistantEventHandler()
            ) as s:
                s.until_done()

    return run


def ssetape_stream(path: Path) -> Callable[[], None]:
    cassette = load(path)

    def run() -> None:
        with replayer.stream(cassette, AssistantEventHandler()) as s:
            s.until_done()

    return run


def timeline_walk(path: Path) -> Callable[[], None]:
    cassette = load(path)

    def run() -> None:
        timeline = Timeline(cassette)
        for index in range(len(timeline)):
            timeline[index]

    return run


def best_of_rounds(runs: list[Callable[[], None]], repeat: int) -> list[float]:
    """The best time of each run over ``repeat`` rounds, the runs taking turns within a round so that a
    change in machine load hits them all alike."""
    best = [float("inf")] * len(runs)
    for _ in range(repeat):
        for position, run in enumerate(runs):
            start = time.perf_counter()
            run()
            best[position] = min(best[position], time.perf_counter() - start)
    return best


def rate(count: int, seconds: float, baseline: float) -> str:
    """Events per second, and the speed-up over the baseline measured in the same run."""
    return f"{count / seconds:>9,.0f} ({baseline / seconds:4.2f}x)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    header = ("deltas", "events", "(a) SDK ev/s", "(b) vcrpy + SDK", "(c) replayer.stream", "(d) Timeline + walk")
    print(" | ".join(f"{h:>20}" for h in (*header, "Timeline build")))
    with tempfile.TemporaryDirectory() as tmp:
        timeline = None
        for size in args.sizes:
            path, cassette, chunks = big_stream(size, Path(tmp))
            count = len(events(cassette.interactions[0]))
            a, *measured = best_of_rounds(
                [
                    sdk_direct(chunks),
                    plain_vcrpy(path),
                    ssetape_stream(path),
                    timeline_walk(path),
                    lambda cassette=cassette: Timeline(cassette),  # type: ignore[misc]
                ],
                args.repeat,
            )
            cells = [str(size), str(count), f"{count / a:,.0f}", *(rate(count, m, a) for m in measured)]
            print(" | ".join(f"{c:>20}" for c in cells), flush=True)
            timeline = Timeline(cassette)
        assert timeline is not None
        rng = random.Random(0)
        latencies = []
        for _ in range(2000):
            index = rng.randrange(len(timeline))
            start = time.perf_counter()
            timeline[index]
            latencies.append((time.perf_counter() - start) * 1000)
        latencies.sort()
        p99 = latencies[int(len(latencies) * 0.99)]
        print(
            f"random access over {len(timeline)} events: timeline[i] p50 {statistics.median(latencies):.3f} ms, "
            f"p99 {p99:.3f} ms, max {latencies[-1]:.3f} ms"
        )


if __name__ == "__main__":
    main()
