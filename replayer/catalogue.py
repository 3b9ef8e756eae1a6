"""What a set of cassettes holds, one entry per streamed response (the TUI's cassette picker).

:func:`cassette_files` expands the paths a user names (directories are searched for cassettes and raw
``.sse`` dumps); :func:`streams_of` describes one loaded cassette's streams: the API, the model, how many
events, how long, whether the stream ended or was cut off, and when it was recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from ssetape.apis import recorded_body
from ssetape.recorder import Cassette

from .kinds import Kind, api_of
from .stream_events import events

__all__ = ["CASSETTE_SUFFIXES", "StreamInfo", "cassette_files", "streams_of"]

#: The files a directory is searched for.
CASSETTE_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".har", ".sse"})


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """One streamed response of a cassette, at a glance."""

    path: Path
    #: Its index among the cassette's interactions (what ``--interaction`` takes).
    interaction: int
    kind: Kind
    #: The model the request asked for ("" when the request names none: an Assistants run, a ``.sse`` dump).
    model: str
    #: ``METHOD /path`` of the request.
    request: str
    events: int
    #: Seconds from sending the request to the last byte (None when the recording kept no times:
    #: ``Interaction.timed``).
    duration: float | None
    complete: bool
    #: When it was recorded (None when the cassette does not say: plain vcrpy, a ``.sse`` dump).
    recorded_at: datetime | None


def cassette_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files ``paths`` name: files as given, directories searched (recursively, hidden entries and
    journals skipped) for ``CASSETTE_SUFFIXES``, in name order; each file once."""
    found: dict[Path, None] = {}
    for given in map(Path, paths):
        if given.is_dir():
            for path in sorted(given.rglob("*")):
                relative = path.relative_to(given).parts
                if path.suffix.lower() in CASSETTE_SUFFIXES and path.is_file() and not _hidden(relative):
                    found.setdefault(path)
        else:
            found.setdefault(given)
    return list(found)


def streams_of(cassette: Cassette, path: str | Path) -> list[StreamInfo]:
    """The streamed responses of ``cassette`` (read from ``path``), in order."""
    out = []
    for index in cassette.streams():
        item = cassette.interactions[index]
        chunks = item.chunks()
        home = api_of(item)
        model = recorded_body(item).get("model")
        if not isinstance(model, str):
            model = home.model_of(item.request.uri)  # Gemini names it in the path
        recording = item.response.ssetape
        parts = urlsplit(item.request.uri)
        out.append(
            StreamInfo(
                path=Path(path),
                interaction=index,
                kind=home.kind,
                model=model if isinstance(model, str) else "",
                request=f"{item.request.method.upper()} {parts.path or '/'}",
                events=len(events(item)),
                duration=max(chunks[-1].at if chunks else 0.0, item.response_at) if item.timed else None,
                complete=item.complete,
                recorded_at=recording.recorded_at if recording is not None else None,
            )
        )
    return out


def _hidden(parts: tuple[str, ...]) -> bool:
    return any(part.startswith(".") for part in parts)
