"""Printing benchmark rows as one table."""

from __future__ import annotations

from collections.abc import Iterable

from bench.measure import Row

HEADER = ("what", "ssetape", "baseline (same run)", "ratio", "target", "met?")


def print_table(rows: Iterable[Row]) -> None:
    cells = [HEADER, *((r.what, r.ssetape, r.baseline, r.ratio, r.target, _met(r.met)) for r in rows)]
    print("| " + " | ".join(HEADER) + " |")
    print("|" + "|".join("---" for _ in HEADER) + "|")
    for line in cells[1:]:
        print("| " + " | ".join(line) + " |", flush=True)


def _met(met: bool | None) -> str:
    return "—" if met is None else ("yes" if met else "NO")
