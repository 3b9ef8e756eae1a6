"""``bench.timeline``'s figures as rows of ``python -m bench``'s table, with issue #15's targets."""

from __future__ import annotations

import math
from typing import Any

from bench import timeline
from bench.measure import Row, load_average

#: Chat Completions asked with ``logprobs``: the SDK's own helper is quadratic there, so it is timed up to
#: this many events only (1k: seconds; 50k: hours).
LOGPROBS_SDK_MAX = 1000


def rows(full: bool = False) -> list[Row]:
    sizes = ["1000", "10000", "50000"] if full else ["1000", "10000"]
    table = []
    for row in timeline.main(["--sizes", *sizes]):
        table += _rows(row)
    logprobs = ["--kinds", "chat-logprobs", "--sdk-max", str(LOGPROBS_SDK_MAX), "--sizes", *sizes]
    for row in timeline.main(logprobs):
        table += _rows(row, decoding=False)  # decoding: the chat rows' own
    return table


def _rows(row: dict[str, Any], decoding: bool = True) -> list[Row]:
    what = f"{row['kind']} {row['events']:,} events"
    if math.isnan(row["sdk_s"]):
        build = Row(
            f"Timeline build, {what} (load {load_average()})",
            f"{row['timeline_s']:.3f} s",
            f"SDK not run above {LOGPROBS_SDK_MAX:,} events (quadratic)",
            "—",
            ">= 5x",
            None,
        )
    else:
        build = Row(
            f"Timeline build, {what} (load {load_average()})",
            f"{row['timeline_s']:.3f} s",
            f"SDK {row['sdk_s']:.3f} s",
            f"{row['speedup']:.1f}x faster",
            ">= 5x",
            row["speedup"] >= 5,
        )
    out = [
        build,
        Row(
            f"Timeline random access p99, {what}",
            f"{row['p99_ms']:.2f} ms (p50 {row['p50_ms']:.2f}, p99 CPU {row['p99_cpu_ms']:.2f})",
            "—",
            "—",
            "< 5 ms",
            row["p99_ms"] < 5,
        ),
        Row(
            f"Timeline memory, {what}",
            f"{row['memory_mb']:.1f} MB",
            f"body {row['body_mb']:.1f} MB",
            f"{row['memory_x_body']:.1f}x the body",
            "< 5x",
            row["memory_x_body"] < 5,
        ),
    ]
    if decoding:
        out.append(
            Row(
                f"replayer.events, {what}",
                f"{row['events_s']:.3f} s",
                f"floor {row['floor_s']:.3f} s",
                f"{row['events_x_floor']:.2f}x the floor",
                "<= 1.2x",
                row["events_x_floor"] <= 1.2,
            )
        )
    return out
