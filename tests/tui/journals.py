"""Journals of recordings in progress, written as the proxy writes them, from a fixture's stream."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from ssetape.recorder import load
from ssetape.recorder.proxy.journal import JOURNAL_FORMAT, journal_path
from tests.conftest import FIXTURES


def in_flight(out: Path, fixture: str, chunks: int, *, base: int = 0, size: int | None = None) -> None:
    """The journal of a recording into ``out`` holding ``fixture``'s first stream up to its first ``chunks``
    network chunks (or its first ``size`` bytes, in the chunks they arrived in), still arriving (no end line)."""
    cassette = load(FIXTURES / f"{fixture}.yaml")
    item = cassette.interactions[cassette.streams()[0]]
    recording = item.response.ssetape
    assert recording is not None and recording.recorded_at is not None
    body = item.response.body_bytes
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
    for at, length in recording.chunks[: chunks if size is None else None]:
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
