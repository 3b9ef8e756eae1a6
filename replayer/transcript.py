"""``ssetape replay``: a recorded stream printed as it streams, the way each API's home words it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from ssetape.recorder import Cassette, load

from .kinds import api_of
from .streaming import pick, stream

__all__ = ["transcribe"]


def transcribe(
    cassette: Cassette | str | Path, interaction: int | None = None, *, speed: float = 0.0, out: TextIO | None = None
) -> bool:
    """Print what the assistant says and does in a streamed interaction (text, tool calls and their
    arguments, how it ended) through the SDK's own stream, at ``speed``. Returns False when the stream
    ended in an error; raises what the stream raises, after printing it."""
    loaded = cassette if isinstance(cassette, Cassette) else load(cassette)
    index = pick(loaded, interaction)
    api = api_of(loaded.interactions[index])

    def open_stream(event_handler: Any) -> Any:
        return stream(loaded, event_handler, interaction=index, speed=speed)

    return api.sdk.transcribe(open_stream, out if out is not None else sys.stdout)
