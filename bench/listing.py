"""``ssetape ls`` on a big cassette: wall time and peak memory of the command, in a subprocess.

    python -m bench.listing [--full]

The cassette holds 100k small interactions (10k without ``--full``): the JSON answers and five-event
streams of ``bench.load``, written once by ssetape's writer and repeated. Targets (issue #15): under
5 s and under 3x the file's size in memory (peak RSS of the ``ssetape ls`` process). The streams' chunks
say what they are, as Chat Completions chunks do (``"object": "chat.completion.chunk"``); one more row
times the worst case, chunks that name no API, whose kind ``ls`` then tells from each stream's first
three events and its request path.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.load import small_interactions
from bench.measure import Row, load_average


def big_cassette(count: int, directory: Path, *, named: bool = True) -> Path:
    """``count`` interactions: a thousand written by the writer, repeated, and the counts it writes around
    them (``recorder.integrity``) set to the new total; ``named``: as :func:`bench.load.small_interactions`."""
    thousand = small_interactions(1000, directory, named=named).read_text()
    _, _, items = thousand.partition("interactions:\n")
    items, trailer, _ = items.partition("ssetape_end:")
    path = directory / f"listing_{count}{'' if named else '_unnamed'}.yaml"
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
        path = big_cassette(count, Path(tmp))
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
            f"ssetape ls, {count // 1000}k interactions, wall time (load {load})",
            f"{seconds:.2f} s ({cpu:.1f} s CPU)",
            "—",
            "—",
            "< 5 s",
            seconds < 5.0 if full else None,
        ),
        Row(
            f"ssetape ls, {count // 1000}k interactions, streams naming no API, wall time (load {load})",
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
            rss < 3 * size,
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
