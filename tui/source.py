"""Opening what the user names on the command line: a cassette, or a raw ``.sse`` dump."""

from __future__ import annotations

import re
from pathlib import Path

from ssetape.recorder import Cassette, CassetteDecodeError, CassetteNotFoundError, cassette_from_sse, load

_DATA_LINE = re.compile(rb"(?m)^data:")


def open_cassette(path: str | Path) -> Cassette:
    """The cassette at ``path``; a file named ``*.sse`` is read as one raw SSE body (no timing).

    Raises a :class:`recorder.CassetteError` (never a bare ``OSError``) naming the file.
    """
    path = Path(path)
    if path.suffix.lower() != ".sse":
        return load(path)
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise CassetteNotFoundError(path) from None
    except IsADirectoryError:
        raise CassetteDecodeError(path, "is a directory, not an .sse file") from None
    except OSError as exc:
        raise CassetteDecodeError(path, f"cannot be read: {exc.strerror or exc}") from None
    if not _DATA_LINE.search(body):
        raise CassetteDecodeError(path, "holds no Server-Sent Events: expected `event:` and `data:` lines")
    return cassette_from_sse(body)
