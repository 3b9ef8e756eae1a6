"""Opening what the user names on the command line: any file ``recorder.load`` reads."""

from __future__ import annotations

from pathlib import Path

from ssetape.recorder import Cassette, load


def open_cassette(path: str | Path) -> Cassette:
    """The cassette at ``path``: ssetape's own, another tool's (vcrpy, Ruby VCR, HAR) or a raw SSE dump.

    Raises a :class:`recorder.CassetteError` naming the file.
    """
    return load(path)
