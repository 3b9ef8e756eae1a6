"""How fast ``ssetape tui DIR`` opens on a directory of many cassettes, driven through Textual's Pilot.

    python bench/tui_picker.py [--cassettes 200] [--size 160x45]

Copies the bundled fixtures (every API; 36 files, some several streams, one with none) round-robin into a
temporary directory until it holds ``--cassettes`` files, then reports:

- first row: from starting the app to the first row of the picker on screen (the directory is indexed in
  a thread: the screen does not wait for it);
- all indexed: to every file read and every row listed;
- baseline: loading the same files one after another and listing their interactions
  (``recorder.load``, ``replayer.list_interactions``), with no screen, in the same run; the ratio is
  all-indexed / baseline (the picker also decodes every stream to name its API and count its events).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from itertools import cycle
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.measure import Row, load_average
from ssetape.recorder import load
from ssetape.replayer import cassette_files, list_interactions
from ssetape.tui import TapeApp
from ssetape.tui.screens import PickerScreen
from ssetape.tui.widgets import StreamTable

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def directory_of(count: int, into: Path) -> Path:
    sources = sorted(FIXTURES.glob("*.yaml"))
    for number, source in zip(range(count), cycle(sources), strict=False):
        shutil.copy(source, into / f"{number:04d}-{source.name}")
    return into


async def open_picker(directory: Path, size: tuple[int, int]) -> tuple[float, float, int]:
    started = time.perf_counter()
    app = TapeApp(screen=lambda: PickerScreen([directory]))
    first_row = None
    async with app.run_test(size=size) as pilot:
        while True:
            screen = app.screen
            if isinstance(screen, PickerScreen):
                rows = len(screen.query_one(StreamTable).entries)
                if rows and first_row is None:
                    first_row = time.perf_counter() - started
                if screen.indexed_in is not None:
                    await pilot.pause()
                    return first_row or 0.0, time.perf_counter() - started, rows
            await asyncio.sleep(0.005)


def baseline(directory: Path) -> float:
    started = time.perf_counter()
    for path in cassette_files([directory]):
        list_interactions(load(path))
    return time.perf_counter() - started


def measure(cassettes: int, size: tuple[int, int]) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        directory = directory_of(cassettes, Path(tmp))
        base = baseline(directory)
        first, indexed, rows = asyncio.run(open_picker(directory, size))
    print(f"picker on {cassettes} cassettes ({rows} rows, {size[0]}x{size[1]}, load {load_average()}):")
    print(f"  first row on screen {first:.3f}s, all indexed {indexed:.2f}s; baseline (load and list) {base:.2f}s")
    return [
        Row(
            f"TUI picker, {cassettes} cassettes, all indexed (load {load_average()})",
            f"{indexed:.2f}s",
            f"{base:.2f}s",
            f"{indexed / base:.2f}x",
            "reported",
            None,
        ),
        Row(f"TUI picker, {cassettes} cassettes, first row on screen", f"{first:.3f}s", "-", "-", "reported", None),
    ]


def rows(full: bool) -> list[Row]:
    """For ``python -m bench``: 200 cassettes with ``--full``, 60 otherwise."""
    return measure(200 if full else 60, (160, 45))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cassettes", type=int, default=200)
    parser.add_argument("--size", default="160x45")
    args = parser.parse_args()
    width, height = map(int, args.size.split("x"))
    measure(args.cassettes, (width, height))
