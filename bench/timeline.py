"""Timeline on every kind of stream, against the SDK itself reading the same bytes in the same run.

    python -m bench.timeline [--kinds assistants responses chat anthropic gemini chat-logprobs]
                             [--sizes 1000 10000 50000] [--repeat 3] [--samples 400] [--sdk-max N]

For each kind and size: (a) the SDK's own stream helper reading the body through ``httpx2.MockTransport`` to
its end (the baseline: ``AssistantEventHandler``, ``ResponseStream``, ``ChatCompletionStream``,
``MessageStream``, google-genai's ``generate_content_stream`` with each chunk's ``.text`` read); (b) building
a ``Timeline`` of the loaded cassette, decoding included. Rounds interleave (a) and (b); the figures are
medians. Then, on that timeline, random access through the public API (``timeline[i]``, every callback's event
built, the state's snapshot built) in milliseconds, and the memory the timeline retains (tracemalloc) against
the body's size. Also ``replayer.events`` against its floor: the body split on blank lines and each ``data:``
parsed with ``json.loads``; an event parses its data when it is read, so ``events`` is timed with every
event's ``data`` read into a list, as the floor's are, both with the cyclic collector paused.

``chat-logprobs`` (not run by default; ``python -m bench`` runs it with ``--sdk-max 1000``) is a Chat
Completions stream asked with ``logprobs``: the SDK's helper takes time quadratic in its events there (each
chunk's ``logprobs.content.delta`` event is built with every entry so far: 5 s at 1k events, hours at 50k),
so ``--sdk-max N`` skips the SDK above N events (its time and the speed-up then print as nan). Its access
figures are the ones that matter: each moment holds every token entry so far.

``main(argv)`` prints the table and returns its rows (dicts), for ``python -m bench``.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import openai

from bench.streams import anthropic_stream, big_stream, chat_logprobs_stream, gemini_stream
from ssetape.fixtures.emulator import render_chat_stream, render_response_stream
from ssetape.recorder import Cassette, Interaction, cassette_from_sse, collector_paused, load
from ssetape.replayer import Timeline
from ssetape.replayer.stream_events import events

warnings.filterwarnings("ignore", category=DeprecationWarning)

KINDS = ("assistants", "responses", "chat", "anthropic", "gemini")
#: Run when asked for only (see the module docstring).
EXTRA_KINDS = ("chat-logprobs",)
#: The kinds whose streams ``bench.streams`` builds (the others are rendered by the emulator).
BUILT = {
    "assistants": big_stream,
    "anthropic": anthropic_stream,
    "gemini": gemini_stream,
    "chat-logprobs": chat_logprobs_stream,
}
#: The accessors that build a state's snapshot, by the name a kind's state gives it.
SNAPSHOTS = ("current_snapshot", "current_message_snapshot", "current_run")


class _Chunks(httpx2.SyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def __iter__(self):  # type: ignore[no-untyped-def]
        yield from self.chunks


def _transport(chunks: list[bytes]) -> httpx2.MockTransport:
    def respond(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, stream=_Chunks(chunks))

    return httpx2.MockTransport(respond)


def _openai(chunks: list[bytes]) -> openai.OpenAI:
    return openai.OpenAI(
        api_key="sk-bench",
        base_url="https://api.openai.com/v1",
        http_client=httpx2.Client(transport=_transport(chunks)),
    )


def _anthropic_reads(chunks: list[bytes]) -> None:
    client = anthropic.Anthropic(api_key="sk-ant-bench", http_client=httpx2.Client(transport=_transport(chunks)))
    with client.messages.stream(model="claude-bench", max_tokens=64000, messages=[]) as stream:
        stream.until_done()


def _assistants_reads(chunks: list[bytes]) -> None:
    manager: Any = _openai(chunks).beta.threads.create_and_run_stream(
        assistant_id="asst_text", event_handler=openai.AssistantEventHandler()
    )
    with manager as stream:
        stream.until_done()


def _responses_reads(chunks: list[bytes]) -> None:
    with _openai(chunks).responses.stream(model="gpt-4o", input="bench") as stream:
        stream.until_done()


def _chat_reads(chunks: list[bytes]) -> None:
    with _openai(chunks).chat.completions.stream(model="gpt-4o", messages=[]) as stream:
        stream.until_done()


def _gemini_reads(chunks: list[bytes]) -> None:
    """google-genai has no stream helper that accumulates: a reader takes each chunk's ``.text``."""
    from google import genai
    from google.genai import types

    transport = _transport(chunks)
    options = types.HttpOptions(
        base_url="http://bench.test",
        httpx_client=httpx2.Client(transport=transport),
        httpx_async_client=httpx2.AsyncClient(transport=transport),
    )
    client = genai.Client(vertexai=False, api_key="bench", http_options=options)
    for chunk in client.models.generate_content_stream(model="gemini-bench", contents="bench"):
        chunk.text  # noqa: B018 - read as a reader would


#: The SDK's own stream helper reading a body to its end, by kind: the baseline.
SDK_READS: dict[str, Callable[[list[bytes]], None]] = {
    "assistants": _assistants_reads,
    "responses": _responses_reads,
    "chat": _chat_reads,
    "anthropic": _anthropic_reads,
    "gemini": _gemini_reads,
    "chat-logprobs": _chat_reads,
}


def sdk_reads(kind: str, chunks: list[bytes]) -> Callable[[], None]:
    """The SDK's own stream helper reading ``chunks`` to the end."""
    return lambda: SDK_READS[kind](chunks)


def stream_of(kind: str, events_wanted: int, directory: Path) -> tuple[Cassette, list[bytes]]:
    """A saved and reloaded cassette of one ``kind`` stream of about ``events_wanted`` events, and its chunks."""
    if kind in BUILT:
        path, _, chunks = BUILT[kind](events_wanted, directory)
        return load(path), chunks
    body = {"model": "gpt-4o", "metadata": {"scenario": "text", "deltas": str(events_wanted)}}
    if kind == "responses":
        planned, uri = render_response_stream({**body, "input": "bench"}), "https://api.openai.com/v1/responses"
    else:
        planned, uri = render_chat_stream({**body, "messages": []}), "https://api.openai.com/v1/chat/completions"
    chunks = [chunk for _, chunk in planned]
    times = list(accumulate(delay for delay, _ in planned))
    cassette = cassette_from_sse(
        b"".join(chunks),
        uri=uri,
        request_body=json.dumps({**body, "stream": True}),
        chunks=[(at, len(chunk)) for at, chunk in zip(times, chunks, strict=True)],
    )
    return load(cassette.save(directory / f"{kind}_{events_wanted}.yaml")), chunks


def timed(run: Callable[[], object]) -> float:
    gc.collect()
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def access(timeline: Timeline, samples: int, clock: Callable[[], float] = time.perf_counter) -> list[float]:
    """Milliseconds for ``timeline[i]`` at random ``i``, its callbacks' events and its snapshot built, by
    ``clock`` (``time.process_time``: the CPU this process spent, without the time a busy machine gave
    other processes meanwhile)."""
    rng = random.Random(5)
    out = []
    for _ in range(samples):
        i = rng.randrange(len(timeline))
        started = clock()
        moment = timeline[i]
        for callback in moment.callbacks:
            callback.args  # noqa: B018 - built on access
        for name in SNAPSHOTS:
            if hasattr(type(moment.state), name):
                getattr(moment.state, name)
                break
        out.append((clock() - started) * 1000)
    return sorted(out)


def retained(cassette: Cassette) -> int:
    """Bytes a built timeline holds (the cassette itself excluded)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    timeline = Timeline(cassette)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del timeline
    return after - before


def paused(run: Callable[[Any], list[Any]], given: Any) -> list[Any]:
    """``run(given)`` with the cyclic collector paused: both sides of the events/floor ratio keep every parsed
    value, and a full collection of this process's heap (half a second at 50k events on a busy machine)
    would otherwise land in one side or the other by chance."""
    with collector_paused():
        return run(given)


def parsed(item: Interaction) -> list[Any]:
    """``replayer.events`` with every event's data read: what the floor gives."""
    return [event.data for event in events(item)]


def floor(body: bytes) -> list[Any]:
    """The least any decoder does: split on blank lines, parse each ``data:`` line as JSON."""
    out = []
    for block in body.split(b"\n\n"):
        for line in block.split(b"\n"):
            if line.startswith(b"data:"):
                try:
                    out.append(json.loads(line[5:]))
                except ValueError:
                    out.append(line[5:])
    return out


def measure(
    kind: str, size: int, repeat: int, samples: int, directory: Path, sdk_max: int | None = None
) -> dict[str, Any]:
    cassette, chunks = stream_of(kind, size, directory)
    item = cassette.interactions[0]
    with_sdk = sdk_max is None or size <= sdk_max
    sdk, ours = sdk_reads(kind, chunks), (lambda: Timeline(cassette))
    body = item.response.body_bytes
    rounds: dict[str, list[float]] = {"sdk": [], "ours": [], "events": [], "floor": []}
    if with_sdk:
        sdk()  # warm-up: imports and first-use caches, on both sides
    ours()
    for _ in range(repeat):
        rounds["sdk"].append(timed(sdk) if with_sdk else float("nan"))
        rounds["ours"].append(timed(ours))
        for _ in range(3):  # cheap next to the SDK's read: more pairs, for a steadier ratio on a busy machine
            rounds["events"].append(timed(lambda: paused(parsed, item)))
            rounds["floor"].append(timed(lambda: paused(floor, body)))
    median = {name: statistics.median(values) for name, values in rounds.items()}
    timeline = Timeline(cassette)
    latencies = access(timeline, samples)
    cpu = access(timeline, samples, time.process_time)
    memory = retained(cassette)
    return {
        "kind": kind,
        "events": len(timeline),
        "sdk_s": median["sdk"],
        "timeline_s": median["ours"],
        "speedup": median["sdk"] / median["ours"],
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "p99_cpu_ms": cpu[min(len(cpu) - 1, int(len(cpu) * 0.99))],
        "memory_mb": memory / 2**20,
        "body_mb": len(body) / 2**20,
        "memory_x_body": memory / len(body),
        "events_s": median["events"],
        "floor_s": median["floor"],
        "events_x_floor": median["events"] / median["floor"],
    }


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kinds", nargs="+", choices=KINDS + EXTRA_KINDS, default=list(KINDS))
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--sdk-max", type=int, default=None, help="skip the SDK on streams of more events")
    args = parser.parse_args(argv)
    print(
        f"{'kind':>10} {'events':>7} {'SDK':>8} {'Timeline':>9} {'speed-up':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'p99 CPU':>7} {'memory':>18} {'events()':>9} {'floor':>7} {'x floor':>7}"
    )
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for kind in args.kinds:
            for size in args.sizes:
                row = measure(kind, size, args.repeat, args.samples, Path(directory), args.sdk_max)
                rows.append(row)
                print(
                    f"{row['kind']:>10} {row['events']:>7} {row['sdk_s']:>7.3f}s {row['timeline_s']:>8.3f}s "
                    f"{row['speedup']:>7.1f}x {row['p50_ms']:>7.2f} {row['p99_ms']:>7.2f} {row['p99_cpu_ms']:>7.2f} "
                    f"{row['memory_mb']:>6.1f} MB ({row['memory_x_body']:>4.1f}x) {row['events_s']:>8.3f}s "
                    f"{row['floor_s']:>6.3f}s {row['events_x_floor']:>6.2f}x",
                    flush=True,
                )
    return rows


if __name__ == "__main__":
    main()
