"""Big recorded streams for benchmarks: the emulator's text run with N deltas, as a saved cassette."""

from __future__ import annotations

from itertools import accumulate
from pathlib import Path

from ssetape.fixtures.emulator import render_stream
from ssetape.recorder import Cassette, cassette_from_sse


def big_stream(deltas: int, directory: Path) -> tuple[Path, Cassette, list[bytes]]:
    """A cassette holding one ``asst_text`` run with ``deltas`` text deltas, and its network chunks."""
    planned = render_stream("asst_text", deltas=deltas)
    chunks = [chunk for _, chunk in planned]
    times = list(accumulate(delay for delay, _ in planned))
    cassette = cassette_from_sse(
        b"".join(chunks),
        uri="https://api.openai.com/v1/threads/runs",
        request_body='{"assistant_id":"asst_text","stream":true}',
        chunks=[(at, len(chunk)) for at, chunk in zip(times, chunks, strict=True)],
    )
    path = cassette.save(directory / f"text_{deltas}.yaml")
    return path, cassette, chunks
