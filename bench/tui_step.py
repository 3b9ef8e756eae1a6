"""How fast ``ssetape tui`` opens and steps on a 50k-delta stream, driven through Textual's Pilot.

    python bench/tui_step.py [--kind assistants|anthropic|gemini|responses|chat] [--deltas 50000]
                             [--steps 200] [--size 160x50]

Writes the cassette to disk (``bench.streams``: an Assistants run from the emulator, or an Anthropic
Messages stream), then reports:

- open: as ``ssetape tui FILE`` opens it, from reading the file (``open_cassette``, ``check``) to the
  first event selected and drawn on screen (the panes filled, the frame written), which for a long stream
  is its first look (``tui.indexing``); the steps then wait for the whole index;
- step: from one ``j`` (or ``k``) key press to the end of the last screen frame it causes (the
  event list, all five panes, the titles, composed and written to the headless driver), p50 / p99 /
  max, at the start, the middle and the end of the stream, where the message snapshot is longest;
  the CPU time of those steps (which other work on a shared machine inflates less than their wall
  time); and, within that, the time spent computing the panes for the new event.

Pilot's own ``press`` / ``pause`` wait for the process to look idle (comparing CPU and wall time),
which takes far longer than the update itself, so they are not what is timed: frames are.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.measure import Row, load_average, percentile
from bench.streams import anthropic_stream, big_stream, gemini_stream
from bench.timeline import stream_of
from ssetape.recorder import Cassette
from ssetape.tui import TapeApp, check, open_cassette
from ssetape.tui.screens import TimelineScreen

#: What writes a stream of N events into a directory: the cassette's path, the cassette, its chunks.
Writer = Callable[[int, Path], tuple[Path, Cassette, list[bytes]]]


def _rendered(kind: str) -> Writer:
    """What writes a Responses or Chat Completions stream (the emulator's, as ``bench.timeline`` does)."""

    def write(events: int, directory: Path) -> tuple[Path, Cassette, list[bytes]]:
        cassette, chunks = stream_of(kind, events, directory)
        return next(directory.glob("*.yaml")), cassette, chunks

    return write


#: The streams stepped through, by kind: what writes one of N events, and what its events are called.
BUILT: dict[str, tuple[Writer, str]] = {
    "assistants": (big_stream, "deltas"),
    "anthropic": (anthropic_stream, "events"),
    "gemini": (gemini_stream, "chunks"),
    "responses": (_rendered("responses"), "events"),
    "chat": (_rendered("chat"), "chunks"),
}


#: Milliseconds spent filling the panes for each newly selected event (state, callbacks, layout).
handler: list[float] = []
#: When each newly selected event's panes were filled.
shown_at: list[float] = []


def time_the_panes() -> None:
    show = TimelineScreen._show

    def timed(screen: TimelineScreen, index: int) -> None:
        shown, before = screen._shown, time.perf_counter()
        show(screen, index)
        if screen._shown != shown:  # not the no-op for an event already shown
            handler.append((time.perf_counter() - before) * 1000)
            shown_at.append(time.perf_counter())

    TimelineScreen._show = timed  # type: ignore[method-assign]


async def bench(path: Path, steps: int, size: tuple[int, int]) -> tuple[float, dict[str, list[float]], list[float]]:
    """Seconds from reading ``path`` to its first event drawn; milliseconds of each step, by position; the CPU
    milliseconds of each step."""
    shown_at.clear()
    start = time.perf_counter()
    cassette = open_cassette(path)  # as `ssetape tui FILE` does (tui/app.py's run)
    check(cassette, None)
    app = TapeApp(cassette, source=path.name, freeze_heap=True)
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        # A private hook, for measuring only: when each frame is finished.
        frames: list[float] = []
        #: The process's CPU time at each frame's end: less inflated than wall time by other work on the machine.
        frames_cpu: list[float] = []
        compose_frame = screen._compositor_refresh

        def timed_frame() -> None:
            compose_frame()
            frames.append(time.perf_counter())
            frames_cpu.append(time.process_time())

        screen._compositor_refresh = timed_frame  # type: ignore[method-assign]
        while not shown_at or not frames or frames[-1] < shown_at[0]:
            await asyncio.sleep(0.002)  # not pilot.pause(): its idle checks would compete with the indexing
        opened = next(frame for frame in frames if frame >= shown_at[0]) - start
        while screen.timeline is None:  # indexed whole (a first look is shown before)
            await asyncio.sleep(0.01)
        await pilot.pause()
        events = len(screen.view)
        print(f"open: {opened:.2f}s to the first event on screen, {events:,} events ({size[0]}x{size[1]})")
        handler.clear()

        latency: dict[str, list[float]] = {}
        cpu: list[float] = []
        for label, where, key in (("start", "0", "j"), ("middle", str(events // 2), "j"), ("end", "G", "k")):
            if where == "G":
                await pilot.press("G")
            else:
                await pilot.press("colon", *where, "enter")
            await pilot.pause()
            spent = latency[label] = []
            for _ in range(steps):
                frames.clear()
                frames_cpu.clear()
                before, before_cpu = time.perf_counter(), time.process_time()
                await pilot.press(key)
                await pilot.pause()
                spent.append((frames[-1] - before) * 1000)
                cpu.append((frames_cpu[-1] - before_cpu) * 1000)
        everything = [value for values in latency.values() for value in values]
        for label, values in [*latency.items(), ("all", everything)]:
            print(
                f"step ({label:>6}): p50 {statistics.median(values):5.1f} ms  "
                f"p99 {percentile(values, 0.99):5.1f} ms  max {max(values):5.1f} ms  ({len(values)} steps)"
            )
        print(
            f"  CPU time of a step: p50 {statistics.median(cpu):5.1f} ms  p99 {percentile(cpu, 0.99):5.1f} ms "
            "(the process's, Pilot's included: on a loaded machine, less inflated than wall time)"
        )
        print(
            f"  of which the panes: p50 {statistics.median(handler):5.1f} ms  "
            f"p99 {percentile(handler, 0.99):5.1f} ms  max {max(handler):5.1f} ms"
        )
        return opened, latency, cpu


_timed = False


def measure(
    deltas: int, steps: int, size: tuple[int, int], kind: str = "assistants"
) -> tuple[float, dict[str, list[float]], list[float]]:
    global _timed
    with tempfile.TemporaryDirectory() as directory:
        path = BUILT[kind][0](deltas, Path(directory))[0]
        if not _timed:
            time_the_panes()
            _timed = True
        handler.clear()
        return asyncio.run(bench(path, steps, size))


#: The kinds ``--full`` steps through at 50k events, every one (each at 50k adds about a minute to the run);
#: the target is for every size the bench uses.
FULL = tuple(BUILT)


def rows(full: bool = False) -> list[Row]:
    """``python -m bench``: open and step p99 of every kind at 10k events; ``full``: of :data:`FULL` at 50k."""
    return [row for kind in BUILT for row in _rows(kind, full and kind in FULL)]


def _rows(kind: str, full: bool) -> list[Row]:
    deltas = 50_000 if full else 10_000
    opened, latency, cpu = measure(deltas, 100 if full else 30, (160, 50), kind)
    steps = [value for values in latency.values() for value in values]
    p99 = percentile(steps, 0.99)
    what = BUILT[kind][1]
    return [
        Row(
            f"TUI open, {kind} {deltas // 1000}k {what}, to the first event on screen (load {load_average()})",
            f"{opened:.2f} s",
            "—",
            "—",
            "< 1 s",
            opened < 1.0,
        ),
        Row(
            f"TUI step p99, {kind} {deltas // 1000}k {what}, {len(steps)} steps (load {load_average()})",
            f"{p99:.1f} ms",
            "—",
            "—",
            "< 30 ms",
            p99 < 30.0,
        ),
        Row(
            f"TUI step p99, CPU time, {kind} {deltas // 1000}k {what} (load {load_average()})",
            f"{percentile(cpu, 0.99):.1f} ms",
            "—",
            "—",
            "reported",
            None,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", choices=tuple(BUILT), default="assistants")
    parser.add_argument("--deltas", type=int, default=50_000, help="deltas (Assistants) or events (Anthropic)")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--size", default="160x50")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    measure(args.deltas, args.steps, (width, height), args.kind)


if __name__ == "__main__":
    main()
