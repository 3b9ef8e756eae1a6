"""Timeline on Anthropic Messages streams, against the SDK itself measured in the same run.

    python -m bench.timeline_anthropic [--sizes 1000 10000 50000] [--repeat 3]

(a) the ``anthropic`` SDK's ``MessageStream`` reading the bytes through ``httpx2.MockTransport`` to its end
(the baseline); (b) building a ``Timeline`` of the loaded cassette (decoding included); then, on that
timeline, random access (``timeline.state(i).current_message_snapshot`` and the events yielded at ``i``,
built) in milliseconds, and the memory the timeline retains against the body's size. Rounds interleave
(a) and (b); the figures are medians.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import anthropic
import httpx2

from bench.streams import anthropic_stream
from ssetape.recorder import Cassette, load
from ssetape.replayer import Timeline


class _Chunks(httpx2.SyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def __iter__(self):  # type: ignore[no-untyped-def]
        yield from self.chunks


def sdk_reads(chunks: list[bytes]) -> Callable[[], None]:
    def respond(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, stream=_Chunks(chunks))

    def run() -> None:
        client = anthropic.Anthropic(
            api_key="sk-ant-bench", http_client=httpx2.Client(transport=httpx2.MockTransport(respond))
        )
        with client.messages.stream(model="claude-bench", max_tokens=64000, messages=[]) as stream:
            stream.until_done()

    return run


def timeline_build(cassette: Cassette) -> Callable[[], None]:
    return lambda: Timeline(cassette)


def timed(run: Callable[[], None]) -> float:
    gc.collect()
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def access(timeline: Timeline, samples: int) -> list[float]:
    rng = random.Random(5)
    out = []
    for _ in range(samples):
        i = rng.randrange(len(timeline))
        started = time.perf_counter()
        timeline.state(i).current_message_snapshot  # noqa: B018 - built on access
        [callback.event for callback in timeline.callbacks(i)]
        out.append((time.perf_counter() - started) * 1000)
    return sorted(out)


def retained(cassette: Cassette) -> int:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    timeline = Timeline(cassette)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del timeline
    return after - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'events':>7}  {'SDK reads':>10}  {'Timeline':>10}  {'speed-up':>8}  {'p50 ms':>7}  {'p99 ms':>7}  memory")
    with tempfile.TemporaryDirectory() as directory:
        for size in args.sizes:
            path, _, chunks = anthropic_stream(size, Path(directory))
            cassette = load(path)
            sdk, ours = sdk_reads(chunks), timeline_build(cassette)
            rounds: dict[str, list[float]] = {"sdk": [], "ours": []}
            for _ in range(args.repeat):
                rounds["sdk"].append(timed(sdk))
                rounds["ours"].append(timed(ours))
            sdk_s, ours_s = statistics.median(rounds["sdk"]), statistics.median(rounds["ours"])
            latencies = access(Timeline(cassette), 400)
            body = len(cassette.interactions[0].response.body_bytes)
            memory = retained(cassette)
            print(
                f"{len(chunks):>7}  {sdk_s:>9.3f}s  {ours_s:>9.3f}s  {sdk_s / ours_s:>7.1f}x  "
                f"{statistics.median(latencies):>7.2f}  {latencies[int(len(latencies) * 0.99)]:>7.2f}  "
                f"{memory / 2**20:.1f} MB for a {body / 2**20:.1f} MB body ({memory / body:.1f}x)"
            )


if __name__ == "__main__":
    main()
