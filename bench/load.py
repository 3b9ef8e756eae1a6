"""Cassette load against vcrpy's own load of the same file, measured in the same run.

    python -m bench.load [--full] [--rounds 7] [--rows "beyond ASCII" ...]

ssetape: ``recorder.load(path)``, the cassette validated and ready to replay. vcrpy:
``FilesystemPersister.load_cassette(path, yamlserializer)`` (its read, YAML parse and deserialize into
requests and responses). Both read the same file written by ssetape's writer: one stream of 1k / 10k
(and, with ``--full``, 50k) events, a Gemini stream of as many (CRLF: its body double-quoted over many lines
rather than a literal block), the same with an accented word and an emoji in its events, and 1000 small
interactions (JSON answers and short streams with
the headers a real SDK sends). Medians of interleaved rounds: each load always follows the other's, so
what one leaves in the allocator (memory to reuse, or pages given back that the next must fault in again)
weighs on both alike. One more row times the first load in a new process that has imported the TUI, as
``ssetape tui FILE`` loads: loads repeated in one process reuse what the last one freed, and hid a text grown
in place that a new process copied again at every piece (seconds for a 10 MB body).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from vcr.persisters.filesystem import FilesystemPersister
from vcr.serializers import yamlserializer

from bench.measure import Row, interleaved, load_average
from bench.streams import big_stream, gemini_stream
from ssetape.recorder import Cassette, Interaction, load
from ssetape.recorder.chunks import Chunks

#: ssetape's load must take at most this share of vcrpy's time (1.5x faster).
TARGET = 1 / 1.5

REQUEST_HEADERS = {
    "host": ["api.openai.com"],
    "accept-encoding": ["gzip, deflate"],
    "connection": ["keep-alive"],
    "accept": ["application/json"],
    "content-type": ["application/json"],
    "user-agent": ["OpenAI/Python 2.8.0"],
    "x-stainless-lang": ["python"],
    "x-stainless-package-version": ["2.8.0"],
    "x-stainless-os": ["Linux"],
    "x-stainless-arch": ["x64"],
    "x-stainless-runtime": ["CPython"],
    "x-stainless-runtime-version": ["3.11.7"],
    "authorization": ["REDACTED"],
    "x-stainless-async": ["false"],
    "x-stainless-retry-count": ["0"],
}


def small_interactions(count: int, directory: Path, *, named: bool = True) -> Path:
    """``count`` small interactions: every other one a JSON answer, the rest a five-event stream whose chunks
    say what they are (``"object": "chat.completion.chunk"``, as the API's do); ``named=False`` leaves that out,
    so that nothing in a stream names its API (the slowest case for telling kinds apart in a listing)."""
    interactions = []
    named_as = {"object": "chat.completion.chunk"} if named else {}
    for index in range(count):
        streamed = index % 2 == 1
        request = {
            "method": "POST",
            "uri": "https://api.openai.com/v1/chat/completions",
            "body": json.dumps({"model": "gpt-4o", "messages": [{"role": "user", "content": f"question {index}"}]}),
            "headers": dict(REQUEST_HEADERS, **{"content-length": [str(80 + index % 10)]}),
        }
        headers = {
            "date": ["Wed, 02 Dec 2026 19:04:31 GMT"],
            "content-type": ["text/event-stream; charset=utf-8" if streamed else "application/json"],
            "x-request-id": [f"req_{index:08d}"],
            "openai-processing-ms": [str(200 + index % 97)],
            "server": ["cloudflare"],
        }
        if streamed:
            events = [
                "data: "
                + json.dumps({"id": f"c{index}", **named_as, "choices": [{"delta": {"content": f"word {n} "}}]})
                + "\n\n"
                for n in range(5)
            ] + ["data: [DONE]\n\n"]
            body = "".join(events)
            recording = {
                "recorded_at": "2026-12-02T19:04:31.123456+00:00",
                "response_at": 0.31,
                "chunks": [(0.4 + 0.01 * n, len(event.encode())) for n, event in enumerate(events)],
            }
        else:
            body = json.dumps({"id": f"chatcmpl-{index}", "choices": [{"message": {"content": f"answer {index}"}}]})
            recording = {
                "recorded_at": "2026-12-02T19:04:31.123456+00:00",
                "response_at": 0.52,
                "chunks": [(0.52, len(body))],
            }
        response = {
            "status": {"code": 200, "message": "OK"},
            "headers": headers,
            "body": {"string": body},
            "ssetape": recording,
        }
        interactions.append(Interaction.model_validate({"request": request, "response": response}))
    return Cassette(interactions=interactions).save(directory / f"small_{count}{'' if named else '_unnamed'}.yaml")


def gemini_beyond_ascii(events: int, directory: Path) -> Path:
    """:func:`bench.streams.gemini_stream`'s stream with text beyond ASCII in every event, an accented word and an
    emoji past U+FFFF (which the writer escapes as ``\\U0001F600``), as a stream in French with emoji is."""
    _, cassette, chunks = gemini_stream(events, directory)
    body = _beyond_ascii(b"".join(chunks))
    interaction = cassette.interactions[0]
    recording = interaction.response.ssetape
    assert recording is not None
    sizes = [len(_beyond_ascii(chunk)) for chunk in chunks]
    recording.chunks = Chunks([(at, size) for (at, _), size in zip(recording.chunks, sizes, strict=True)])
    interaction.response.body.string = body.decode()
    return cassette.save(directory / f"gemini_beyond_ascii_{events}.yaml")


def _beyond_ascii(text: bytes) -> bytes:
    return text.replace(b"byte. ", "café 😀 ".encode()).replace(b"stream ", "flux ✓ ".encode())


def vcrpy_load(path: Path) -> object:
    return FilesystemPersister.load_cassette(path, yamlserializer)


#: One load timed in a new process, after the imports of ``ssetape tui``; argv: which loader, the file.
_FIRST_LOAD = """
import sys, time
import ssetape.tui
from bench.load import vcrpy_load
from ssetape.recorder import load
run = load if sys.argv[1] == "ssetape" else vcrpy_load
start = time.perf_counter()
run(sys.argv[2])
print(time.perf_counter() - start)
"""


def first_load(which: str, path: Path) -> float:
    root = str(Path(__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_LOAD, which, str(path)], capture_output=True, text=True, check=True, cwd=root
    )
    return float(done.stdout)


def first_load_row(label: str, path: Path, rounds: int) -> Row:
    times: dict[str, list[float]] = {"ssetape": [], "vcrpy": []}
    for _ in range(rounds):
        for which, spent in times.items():
            spent.append(first_load(which, path))
    ours, theirs = (statistics.median(spent) for spent in times.values())
    return _row(f"{label}, first load in a new process", path, ours, theirs)


def _row(label: str, path: Path, ours: float, theirs: float) -> Row:
    return Row(
        f"recorder.load, {label} ({path.stat().st_size / 1e6:.1f} MB; load {load_average()})",
        f"{ours * 1000:.1f} ms",
        f"vcrpy load {theirs * 1000:.1f} ms",
        f"{ours / theirs:.2f}x the time",
        f"<= {TARGET:.2f}x",
        ours / theirs <= TARGET,
    )


#: Rounds for a stream by its events: one of 1k or 10k loads in milliseconds, and with few rounds the machine's
#: other users would decide the median (vcrpy takes a second over the small interactions: a few rounds).
_ROUNDS = {1000: 101, 10_000: 21}


def rows(full: bool = False, rounds: int = 5, only: list[str] | None = None) -> list[Row]:
    """The table's rows; ``only``: just those whose label holds one of these texts (their cassettes alone built)."""
    sizes = [1000, 10_000, 50_000] if full else [1000, 10_000]
    table = []
    with tempfile.TemporaryDirectory() as tmp:
        # (label, how its cassette is made, rounds); the Gemini streams' bodies are double-quoted over many lines
        # (recorder/yaml_quoted.py), not a literal block; text beyond ASCII in each event (an accented word, an
        # emoji past U+FFFF) is checked character by character.
        beyond = "text beyond ASCII"
        cases: list[tuple[str, Callable[[], Path], int]] = [
            *(
                (f"stream of {n // 1000}k events", partial(_first, big_stream, n, Path(tmp)), _ROUNDS.get(n, 9))
                for n in sizes
            ),
            *(
                (
                    f"Gemini stream of {n // 1000}k events",
                    partial(_first, gemini_stream, n, Path(tmp)),
                    _ROUNDS.get(n, 9),
                )
                for n in sizes
            ),
            *(
                (
                    f"Gemini stream of {n // 1000}k events, {beyond}",
                    partial(gemini_beyond_ascii, n, Path(tmp)),
                    _ROUNDS.get(n, 9),
                )
                for n in sizes
            ),
            ("1000 small interactions", partial(small_interactions, 1000, Path(tmp)), rounds),
        ]
        longest = {cases[len(sizes) - 1][0], cases[2 * len(sizes) - 1][0]}  # the longest stream of each layout
        chosen = [case for case in cases if not only or any(text in case[0] for text in only)]
        made = {label: make() for label, make, _ in chosen}  # all made before any is timed, as the table always was
        for label, _, times in chosen:
            path = made[label]
            ours, theirs = interleaved([partial(load, path), partial(vcrpy_load, path)], max(rounds, times))
            table.append(_row(label, path, ours, theirs))
        for label in sorted(longest & made.keys(), key=list(made).index):
            table.append(first_load_row(label, made[label], rounds))
    return table


def _first(make: Callable[[int, Path], tuple[Path, object, object]], events: int, directory: Path) -> Path:
    return make(events, directory)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="include the 50k-event stream")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rows", nargs="+", metavar="TEXT", help="only the rows whose label holds one of these")
    args = parser.parse_args()
    from bench.table import print_table

    print_table(rows(args.full, args.rounds, args.rows))


if __name__ == "__main__":
    main()
