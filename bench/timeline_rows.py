"""``bench.timeline``'s figures as rows of ``python -m bench``'s table, with issue #15's targets."""

from __future__ import annotations

from bench import timeline
from bench.measure import Row, load_average


def rows(full: bool = False) -> list[Row]:
    sizes = ["1000", "10000", "50000"] if full else ["1000", "10000"]
    table = []
    for row in timeline.main(["--sizes", *sizes]):
        what = f"{row['kind']} {row['events']:,} events"
        table += [
            Row(
                f"Timeline build, {what} (load {load_average()})",
                f"{row['timeline_s']:.3f} s",
                f"SDK {row['sdk_s']:.3f} s",
                f"{row['speedup']:.1f}x faster",
                ">= 5x",
                row["speedup"] >= 5,
            ),
            Row(
                f"Timeline random access p99, {what}", f"{row['p99_ms']:.2f} ms", "—", "—", "< 5 ms", row["p99_ms"] < 5
            ),
            Row(
                f"Timeline memory, {what}",
                f"{row['memory_mb']:.1f} MB",
                f"body {row['body_mb']:.1f} MB",
                f"{row['memory_x_body']:.1f}x the body",
                "< 5x",
                row["memory_x_body"] < 5,
            ),
            Row(
                f"replayer.events, {what}",
                f"{row['events_s']:.3f} s",
                f"floor {row['floor_s']:.3f} s",
                f"{row['events_x_floor']:.2f}x the floor",
                "<= 1.2x",
                row["events_x_floor"] <= 1.2,
            ),
        ]
    return table
