"""``ssetape ls`` on a big cassette: wall time and peak memory of the command, in a subprocess.

    python -m bench.listing [--full] [--rounds 3]

The cassette holds 100k interactions (10k without ``--full``) as a test suite records them: every other one a
JSON answer, the rest short streams of each API in turn (Assistants, Responses, Chat Completions, Anthropic,
Gemini, whose CRLF body the writer double-quotes), each of a few deltas with its API's events as the emulator
and ``bench.streams`` write them, a thousand written once by ssetape's writer and repeated. Targets (issue
#15): under 5 s and under 3x the file's size in memory (peak RSS of the ``ssetape ls`` process). One more row
times the worst case for telling kinds apart: ``bench.load``'s five-event Chat streams with chunks that name
no API, whose kind ``ls`` then tells from every event of each stream (none names an API) and its request path.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from itertools import accumulate
from pathlib import Path

from bench.load import REQUEST_HEADERS, small_interactions
from bench.measure import Row, load_average
from bench.streams import anthropic_stream, gemini_stream
from ssetape.fixtures.emulator import render_stream
from ssetape.fixtures.emulator.render import render_chat_stream, render_response_stream
from ssetape.recorder import Cassette, Interaction, cassette_from_sse, load


def mixed_interactions(count: int, directory: Path) -> Path:
    """``count`` interactions: every other one a JSON answer (:func:`bench.load.small_interactions`'), the rest
    a stream of each API in turn, three text deltas or so each, requested with an SDK's headers."""
    answers = [item for item in load(small_interactions(count, directory)).interactions if not item.streamed]
    streams = _streams(directory)
    interactions = [answers[n // 2] if n % 2 == 0 else streams[n // 2 % len(streams)] for n in range(count)]
    return Cassette(interactions=interactions).save(directory / f"mixed_{count}.yaml")


def _streams(directory: Path) -> list[Interaction]:
    """One short stream of each API, with its request path, body and an SDK's request headers."""
    openai = "https://api.openai.com/v1"
    asked = {"model": "gpt-4o", "metadata": {"deltas": "3"}}
    responses, chat = {**asked, "input": "hi"}, {**asked, "messages": [{"role": "user", "content": "hi"}]}
    planned = [
        (f"{openai}/threads/thread_bench/runs", {"assistant_id": "asst_text"}, render_stream("asst_text", deltas=3)),
        (f"{openai}/responses", responses, render_response_stream(responses)),
        (f"{openai}/chat/completions", chat, render_chat_stream(chat)),
    ]
    interactions = []
    for uri, request, chunks in planned:
        times = list(accumulate(delay for delay, _ in chunks))
        body = b"".join(chunk for _, chunk in chunks)
        sizes = [(round(at, 6), len(chunk)) for at, (_, chunk) in zip(times, chunks, strict=True)]
        interactions.append(
            cassette_from_sse(body, uri=uri, request_body=json.dumps({**request, "stream": True}), chunks=sizes)
            .interactions[0]
        )
    interactions.append(anthropic_stream(12, directory)[1].interactions[0])
    interactions.append(gemini_stream(6, directory)[1].interactions[0])
    for interaction in interactions:
        host = interaction.request.uri.split("/")[2]
        interaction.request.headers = {**REQUEST_HEADERS, "host": [host]}
        interaction.response.headers = {"content-type": ["text/event-stream; charset=utf-8"], **_RESPONSE_HEADERS}
    return interactions


_RESPONSE_HEADERS = {
    "date": ["Wed, 02 Dec 2026 19:04:31 GMT"],
    "x-request-id": ["req_bench"],
    "server": ["cloudflare"],
}


def big_cassette(count: int, directory: Path, *, named: bool = True, mixed: bool = False) -> Path:
    """``count`` interactions: a thousand written by the writer, repeated, and the counts it writes around
    them (``recorder.integrity``) set to the new total; ``mixed``: :func:`mixed_interactions`, else
    :func:`bench.load.small_interactions`, ``named`` as it says."""
    source = mixed_interactions(1000, directory) if mixed else small_interactions(1000, directory, named=named)
    thousand = source.read_text()
    _, _, items = thousand.partition("interactions:\n")
    items, trailer, _ = items.partition("ssetape_end:")
    path = directory / f"listing_{count}{'_mixed' if mixed else '' if named else '_unnamed'}.yaml"
    with path.open("w") as out:
        out.write(f"version: 1\nssetape:\n  interactions: {count}\ninteractions:\n" if trailer else "version: 1\n")
        if not trailer:
            out.write("interactions:\n")
        for _ in range(count // 1000):
            out.write(items)
        if trailer:
            out.write(f"ssetape_end: {count}\n")
    return path


def run_ls(path: Path) -> tuple[float, int, float]:
    """Seconds, peak RSS in bytes and CPU seconds of ``ssetape ls PATH`` (its table thrown away)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "ssetape", "ls", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"ssetape ls failed: {process.stderr.read().decode() if process.stderr else ''}")
    return seconds, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime


def rows(full: bool = False, rounds: int | None = None) -> list[Row]:
    count = 100_000 if full else 10_000
    rounds = rounds or (1 if full else 3)  # 100k takes minutes on a busy machine
    with tempfile.TemporaryDirectory() as tmp:
        path = big_cassette(count, Path(tmp), mixed=True)
        unnamed = big_cassette(count, Path(tmp), named=False)
        size = path.stat().st_size
        runs, worst = [], []
        for _ in range(rounds):  # the two files in turn: a change in the machine's load hits both
            runs.append(run_ls(path))
            worst.append(run_ls(unnamed))
    seconds = sorted(run[0] for run in runs)[len(runs) // 2]
    rss = max(run[1] for run in runs)
    cpu = sorted(run[2] for run in runs)[len(runs) // 2]
    worst_seconds = sorted(run[0] for run in worst)[len(worst) // 2]
    worst_cpu = sorted(run[2] for run in worst)[len(worst) // 2]
    load = load_average()
    return [
        Row(
            f"ssetape ls, {count // 1000}k interactions (JSON answers, streams of every API), wall time (load {load})",
            f"{seconds:.2f} s ({cpu:.1f} s CPU)",
            "—",
            "—",
            "< 5 s",
            seconds < 5.0 if full else None,
        ),
        Row(
            f"ssetape ls, {count // 1000}k interactions, Chat streams naming no API, wall time (load {load})",
            f"{worst_seconds:.2f} s ({worst_cpu:.1f} s CPU)",
            "—",
            "—",
            "< 5 s",
            worst_seconds < 5.0 if full else None,
        ),
        Row(
            f"ssetape ls, {count // 1000}k interactions, peak RSS",
            f"{rss / 2**20:.0f} MB",
            f"file {size / 2**20:.0f} MB",
            f"{rss / size:.2f}x the file",
            "< 3x",
            rss < 3 * size if full else None,  # (at 10k, the interpreter and its imports are most of it)
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="100k interactions")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from bench.table import print_table

    print_table(rows(args.full, args.rounds))


if __name__ == "__main__":
    main()
