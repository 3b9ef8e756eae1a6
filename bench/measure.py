"""What every bench shares: medians of interleaved rounds, the machine's load, and a row of the summary table."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One line of ``python -m bench``'s table: a figure for ssetape, the baseline measured in the same run,
    their ratio and the target that ratio (or figure) must meet."""

    what: str
    ssetape: str
    baseline: str
    ratio: str
    target: str
    met: bool | None  # None: reported, no target


def interleaved(runs: list[Callable[[], object]], rounds: int) -> list[float]:
    """The median time of each run over ``rounds`` rounds, the runs taking turns within a round so that a change
    in the machine's load (it is shared) hits them all alike."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(rounds):
        for position, run in enumerate(runs):
            start = time.perf_counter()
            run()
            times[position].append(time.perf_counter() - start)
    return [statistics.median(spent) for spent in times]


def load_average() -> str:
    """The 1-minute load average, to read next to each figure (the machine has other users)."""
    return f"{os.getloadavg()[0]:.2f}"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(fraction * len(ordered)), len(ordered) - 1)]
