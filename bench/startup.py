"""Start-up time: the ``ssetape`` command, and what the pytest plugin adds to projects that never use it.

    python -m bench.startup [--rounds 10]

(a) ``ssetape --help`` and (b) ``ssetape ls fixtures/text.yaml``, against ``python -c pass`` (the
interpreter's own start-up); (c) ``pytest -q`` in a scratch project with one trivial test, against
``pytest -q -p no:ssetape`` in the same project, so the difference is what loading the plugin costs;
and, since the other installed plugins (hypothesis's above all) take most of that start-up and its
noise, (c') the same pair with plugin autoloading off: ``-p ssetape`` against nothing.
Every command is a fresh process from this interpreter's environment (the venv's ``bin/``). The
commands take turns within each round, so a change in machine load hits them all alike; figures are
medians over the rounds, after one warm-up round (which also writes the bytecode caches).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TRIVIAL_TEST = "def test_nothing() -> None:\n    assert True\n"


@dataclass(frozen=True)
class Command:
    argv: list[str]
    cwd: Path
    env: dict[str, str] | None = None  #: added to this process's environment


def run_once(command: Command) -> float:
    env = {**os.environ, **command.env} if command.env else None
    start = time.perf_counter()
    result = subprocess.run(
        command.argv, cwd=command.cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command.argv)} exited {result.returncode}:\n{result.stderr}")
    return elapsed


def medians(commands: dict[str, Command], rounds: int) -> dict[str, float]:
    """The median wall time of each command over ``rounds`` interleaved rounds, after a warm-up round."""
    for command in commands.values():
        run_once(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            times[name].append(run_once(command))
    return {name: statistics.median(samples) for name, samples in times.items()}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    python, ssetape, pytest = str(BIN / "python"), str(BIN / "ssetape"), str(BIN / "pytest")
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        (scratch / "test_trivial.py").write_text(TRIVIAL_TEST)
        # A project of its own: no ini file above it is found, and pytest's cache stays out of the repository.
        (scratch / "pytest.ini").write_text("[pytest]\n")
        env_note = os.environ.get("PYTEST_ADDOPTS")
        if env_note:
            print(f"note: PYTEST_ADDOPTS={env_note!r} applies to both pytest runs")
        no_autoload = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
        commands = {
            "python -c pass": Command([python, "-c", "pass"], ROOT),
            "ssetape --help": Command([ssetape, "--help"], ROOT),
            "ssetape ls fixtures/text.yaml": Command([ssetape, "ls", "fixtures/text.yaml"], ROOT),
            "pytest -q -p no:ssetape": Command([pytest, "-q", "-p", "no:ssetape"], scratch),
            "pytest -q": Command([pytest, "-q"], scratch),
            "no autoload: pytest -q": Command([pytest, "-q"], scratch, no_autoload),
            "no autoload: pytest -q -p ssetape": Command([pytest, "-q", "-p", "ssetape"], scratch, no_autoload),
        }
        m = medians(commands, args.rounds)
    baseline = m["python -c pass"]
    print(f"medians of {args.rounds} interleaved rounds ({BIN})")
    print(f"  baseline  python -c pass                 {ms(baseline)}")
    for name in ("ssetape --help", "ssetape ls fixtures/text.yaml"):
        print(f"  (a/b)     {name:<32} {ms(m[name])}  ({m[name] / baseline:5.1f}x python -c pass)")
    pairs = (
        ("(c) ", "pytest -q -p no:ssetape", "pytest -q"),
        ("(c')", "no autoload: pytest -q", "no autoload: pytest -q -p ssetape"),
    )
    for label, without_name, with_name in pairs:
        without, with_plugin = m[without_name], m[with_name]
        print(f"  baseline  {without_name:<32} {ms(without)}")
        print(
            f"  {label}      {with_name:<32} {ms(with_plugin)}  ({with_plugin / without:5.2f}x; "
            f"the plugin adds {(with_plugin - without) * 1000:+.0f} ms)"
        )


if __name__ == "__main__":
    main()
