"""A cassette in other formats (``ssetape export``): raw SSE, JSON Lines of events, HAR."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from ssetape.recorder import Cassette, cassette_to_har, load

from .stream_events import events
from .streaming import pick

__all__ = ["FORMATS", "export"]

Format = Literal["sse", "jsonl", "har"]
#: Every format, with what it holds.
FORMATS: dict[str, str] = {
    "sse": "the raw body of one streamed response, byte for byte (what curl -N prints)",
    "jsonl": "one JSON object per event, as ssetape inspect --json writes them, with its interaction",
    "har": "every interaction as HAR 1.2, chunk timing kept under _ssetape, events under _eventSourceMessages",
}


def export(cassette: Cassette | str | Path, format: Format, *, interaction: int | None = None) -> bytes:
    """The cassette as ``format``. ``sse`` takes one streamed interaction (default: the first);
    ``jsonl`` every streamed one unless ``interaction`` picks one; ``har`` all of them."""
    loaded = cassette if isinstance(cassette, Cassette) else load(cassette)
    if format == "sse":
        return loaded.interactions[pick(loaded, interaction)].response.decoded_body
    if format == "jsonl":
        indexes = [pick(loaded, interaction)] if interaction is not None else loaded.streams()
        lines = []
        for index in indexes:
            item = loaded.interactions[index]
            lines += [
                json.dumps(
                    {"interaction": index, **event.to_json(timed=item.timed)}, ensure_ascii=False, separators=(",", ":")
                )
                for event in events(item)
            ]
        return "".join(line + "\n" for line in lines).encode("utf-8")
    if format == "har":
        if interaction is not None:
            pick_one = loaded.model_copy(update={"interactions": [loaded.interactions[_index(loaded, interaction)]]})
            return _json(cassette_to_har(pick_one))
        return _json(cassette_to_har(loaded))
    raise ValueError(f"unknown format {format!r}; formats: {', '.join(FORMATS)}")


def _index(cassette: Cassette, interaction: int) -> int:
    if not 0 <= interaction < len(cassette.interactions):
        pick(cassette, interaction)  # raises the usual error
    return interaction


def _json(data: object) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
