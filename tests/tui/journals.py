"""Journals of recordings in progress, written as the proxy writes them, from a fixture's stream."""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path

from ssetape.recorder import load
from ssetape.recorder.proxy.journal import JOURNAL_FORMAT, journal_path
from tests.conftest import FIXTURES


def in_flight(
    out: Path, fixture: str, chunks: int, *, base: int = 0, size: int | None = None, gzip: str | None = None
) -> None:
    """The journal of a recording into ``out`` holding ``fixture``'s first stream up to its first ``chunks``
    network chunks (or its first ``size`` bytes, in the chunks they arrived in), still arriving (no end line).
    ``gzip``: sent with ``content-encoding: gzip``, as one member flushed after each chunk (``"flushed"``) or as a
    member per chunk (``"members"``); ``size`` then counts the compressed bytes."""
    cassette = load(FIXTURES / f"{fixture}.yaml")
    item = cassette.interactions[cassette.streams()[0]]
    recording = item.response.ssetape
    assert recording is not None and recording.recorded_at is not None
    body = item.response.body_bytes
    sizes = list(recording.chunks)
    if gzip is not None:
        body, sizes = _gzipped(body, sizes, members=gzip == "members")
        item.response.headers = {**item.response.headers, "content-encoding": ["gzip"]}
    lines: list[dict] = [
        {"journal": JOURNAL_FORMAT, "base": base},
        {
            "req": 1,
            "at": recording.recorded_at.isoformat(),
            "method": item.request.method,
            "uri": item.request.uri,
            "headers": item.request.headers,
            "body": base64.b64encode(item.request.body_bytes).decode(),
        },
        {"res": 1, "at": recording.response_at, "code": 200, "message": "OK", "headers": item.response.headers},
    ]
    offset = 0
    for at, length in sizes[: chunks if size is None else None]:
        if size is not None:
            length = min(length, size - offset)
            if length <= 0:
                break
        lines.append({"data": 1, "at": at, "b": base64.b64encode(body[offset : offset + length]).decode()})
        offset += length
    journal_path(out).write_text("".join(json.dumps(line) + "\n" for line in lines))


def empty(out: Path) -> None:
    """The journal of a recording that has recorded nothing yet."""
    journal_path(out).write_text(json.dumps({"journal": JOURNAL_FORMAT, "base": 0}) + "\n")


def _gzipped(body: bytes, sizes: list[tuple[float, int]], *, members: bool) -> tuple[bytes, list[tuple[float, int]]]:
    """``body``, sent in chunks of ``sizes``, gzipped as a server streams it: each chunk decodes as soon as it
    arrives."""
    compressed, offset, packed = [], 0, zlib.compressobj(wbits=31)
    for at, length in sizes:
        piece = body[offset : offset + length]
        offset += length
        if members:
            packer = zlib.compressobj(wbits=31)
            compressed.append((at, packer.compress(piece) + packer.flush()))
        else:
            compressed.append((at, packed.compress(piece) + packed.flush(zlib.Z_SYNC_FLUSH)))
    return b"".join(data for _, data in compressed), [(at, len(data)) for at, data in compressed]
