"""Every benchmark, one table: ``python -m bench`` (quick sizes) or ``python -m bench --full`` (the 50k ones).

Each bench module gives ``rows(full) -> list[Row]`` (``bench.measure.Row``): what was measured, ssetape's
figure, the baseline measured in the same run, their ratio and the target. Adding a bench is one line
in ``BENCHES``. Benches run one after another in this process (the proxy bench starts its own); figures
are medians of interleaved rounds, with the load average beside them: the machine is shared.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback

from bench.measure import Row, load_average
from bench.table import print_table

#: The modules of ``bench/`` that give rows, in the order they run.
BENCHES = [
    "bench.load",
    "bench.listing",
    "bench.timeline_rows",
    "bench.tui_step",
    "bench.tui_picker",
    "bench.proxy_overhead",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="the 50k-event and 100k-interaction sizes too")
    parser.add_argument("--only", nargs="+", metavar="MODULE", help="run these benches only (e.g. bench.load)")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    failed = False
    for name in args.only or BENCHES:
        started = time.perf_counter()
        print(f"{name} (load average {load_average()})...", file=sys.stderr, flush=True)
        try:
            rows += importlib.import_module(name).rows(full=args.full)
        except Exception:  # one broken bench must not hide the others' figures
            traceback.print_exc()
            rows.append(Row(name, "failed", "—", "—", "—", False))
            failed = True
        print(f"  {time.perf_counter() - started:.0f}s", file=sys.stderr, flush=True)
    print_table(rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
