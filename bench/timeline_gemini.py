"""Timeline on Gemini streams, against the SDK itself measured in the same run.

    python -m bench.timeline_gemini [--sizes 1000 10000 50000] [--repeat 3]

(a) ``google-genai``'s ``generate_content_stream`` reading the bytes through ``httpx2.MockTransport`` to its
end, every chunk's ``.text`` read as a reader would (the baseline); (b) building a ``Timeline`` of the loaded
cassette (decoding included: every chunk is read through the SDK's own pipeline, so what would make it
raise is found); then, on that timeline, random access (``timeline.state(i)``'s text, thoughts and
function calls, and the chunk yielded at ``i``, built) in milliseconds, and the memory the timeline
retains against the body's size, at 1k and 10k events (the ratio says whether it is linear). Rounds
interleave (a) and (b); the figures are medians.
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

import httpx2
from google import genai
from google.genai import types

from bench.streams import gemini_stream
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
        transport = httpx2.MockTransport(respond)
        options = types.HttpOptions(
            base_url="http://bench.test",
            httpx_client=httpx2.Client(transport=transport),
            httpx_async_client=httpx2.AsyncClient(transport=transport),
        )
        client = genai.Client(vertexai=False, api_key="bench", http_options=options)
        text = []
        for chunk in client.models.generate_content_stream(model="gemini-bench", contents="bench"):
            text.append(chunk.text or "")

    return run


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
        state = timeline.state(i)
        state.text, state.thoughts, state.function_calls  # noqa: B018 - built on access
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
    print(f"{'events':>7}  {'SDK reads':>10}  {'Timeline':>10}  {'ratio':>6}  {'p50 ms':>7}  {'p99 ms':>7}  memory")
    with tempfile.TemporaryDirectory() as directory:
        for size in args.sizes:
            path, _, chunks = gemini_stream(size, Path(directory))
            cassette = load(path)
            sdk = sdk_reads(chunks)
            rounds: dict[str, list[float]] = {"sdk": [], "ours": []}
            for _ in range(args.repeat):
                rounds["sdk"].append(timed(sdk))
                rounds["ours"].append(timed(lambda: Timeline(cassette)))  # noqa: B023 - run in this iteration
            sdk_s, ours_s = statistics.median(rounds["sdk"]), statistics.median(rounds["ours"])
            latencies = access(Timeline(cassette), 400)
            body = len(cassette.interactions[0].response.body_bytes)
            memory = retained(cassette) if size <= 10000 else None
            kept = f"{memory / 2**20:.1f} MB for a {body / 2**20:.1f} MB body ({memory / body:.2f}x)" if memory else "-"
            print(
                f"{len(chunks):>7}  {sdk_s:>9.3f}s  {ours_s:>9.3f}s  {sdk_s / ours_s:>5.2f}x  "
                f"{statistics.median(latencies):>7.2f}  {latencies[int(len(latencies) * 0.99)]:>7.2f}  {kept}"
            )


if __name__ == "__main__":
    main()
