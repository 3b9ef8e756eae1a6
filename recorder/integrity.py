"""Telling a whole cassette from one cut short (a partial copy, a write that stopped, a bad merge).

A YAML cassette cut between two interactions still parses, as a shorter cassette; cut inside the last
one, it may still parse with that interaction's last fields missing. So since format 3 ssetape writes
how many interactions a cassette holds first, and again as its last line, under keys vcrpy ignores::

    version: 1
    ssetape:
      interactions: 12
    interactions:
    - ...
    ssetape_end: 12

A file with the header must hold that many interactions and end with the same count; a file whose
interactions were written by format 3 or later must have the header. One with no ssetape data at all
(plain vcrpy, another tool) has nothing to check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import CassetteDecodeError

#: The top-level key written before the interactions, and the one written after them.
HEADER_KEY = "ssetape"
TRAILER_KEY = "ssetape_end"
#: The first extension format whose cassettes have the header and the trailer.
SINCE_FORMAT = 3


def header(count: int) -> dict[str, int]:
    return {"interactions": count}


def check_whole(data: dict[str, Any], path: Path | None) -> None:
    """Raise :class:`CassetteDecodeError` when ``data`` (parsed, laid out as vcrpy's) was cut short."""
    interactions = data["interactions"]
    found = len(interactions)
    written = data.get(HEADER_KEY)
    if not isinstance(written, dict):
        if any(_format(interaction) >= SINCE_FORMAT for interaction in interactions):
            raise CassetteDecodeError(
                path,
                f"the '{HEADER_KEY}: {{interactions: N}}' header ssetape writes at the top is missing: "
                "restore the whole file (git checkout, a fresh copy) or re-record it",
            )
        return
    count = written.get("interactions")
    if count != found:
        raise CassetteDecodeError(
            path,
            f"holds {found} interaction{'' if found == 1 else 's'} but was written with {count!r}: it was cut short "
            "or interactions were lost (a bad merge?); restore the whole file, or if you removed interactions on "
            f"purpose, set both '{HEADER_KEY}: {{interactions: N}}' at its top and '{TRAILER_KEY}: N' at its end",
        )
    if data.get(TRAILER_KEY) != count:
        raise CassetteDecodeError(
            path,
            f"cut short: the file does not end with the '{TRAILER_KEY}: {count}' line ssetape writes last; "
            "restore the whole file (git checkout, a fresh copy) or re-record it",
        )


def _format(interaction: Any) -> int:
    response = interaction.get("response") if isinstance(interaction, dict) else None
    recording = response.get("ssetape") if isinstance(response, dict) else None
    found = recording.get("format") if isinstance(recording, dict) else None
    return found if isinstance(found, int) else 0
