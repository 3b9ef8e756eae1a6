"""What a cassette holds, one line per interaction (``ssetape ls``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ssetape import recorder
from ssetape.recorder import Skimmed, decode_fields, skim

from .kinds import api_of_stream, kind_of
from .stream_events import events, unread, unread_bytes

if TYPE_CHECKING:  # the models (pydantic), imported only for a cassette the skim cannot list
    from ssetape.recorder import Cassette, Interaction

__all__ = ["InteractionInfo", "list_interactions"]


@dataclass(frozen=True, slots=True)
class InteractionInfo:
    """One interaction at a glance."""

    index: int
    method: str
    #: Path and query, without scheme and host.
    path: str
    status: int
    streamed: bool
    #: Which API's stream it is (``replayer.kind_of``; ``sse`` when none recognises it), None for a body that
    #: is not a stream.
    kind: str | None
    #: Complete SSE events in the body (None for a body that is not a stream).
    events: int | None
    bytes: int
    #: Seconds from sending the request to the last byte (to the headers, for an empty body); None when the
    #: recording does not say when bytes arrived (another tool's cassette, a raw dump).
    duration: float | None
    complete: bool
    #: ``Type: message`` of the error that cut the body off, when it was.
    cut_off_by: str | None
    #: Bytes at the end of a body that arrived whole that its SDK never reads: an event no blank line ends.
    unread: int = 0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["duration"] = round(self.duration, 6) if self.duration is not None else None
        return data


def list_interactions(cassette: Cassette | str | Path) -> list[InteractionInfo]:
    if isinstance(cassette, (str, Path)):
        skimmed = skim(cassette)  # a big cassette in ssetape's layout lists without being loaded
        if skimmed is not None:
            return [_skimmed(index, item) for index, item in enumerate(skimmed)]
        cassette = recorder.load(cassette)
    return [_info(index, item) for index, item in enumerate(cassette.interactions)]


def _skimmed(index: int, item: Skimmed) -> InteractionInfo:
    api = api_of_stream(item.uri, item.body.pieces()) if item.body is not None else None
    events, unread_end = _skimmed_end(item, api.event_at_end) if api is not None else (item.events, 0)
    return InteractionInfo(
        index=index,
        method=item.method.upper(),
        path=_path(item.uri),
        status=item.status,
        streamed=item.streamed,
        kind=api.kind if api is not None else None,
        events=events,
        bytes=item.size,
        duration=max(item.last_at or 0.0, item.response_at) if _timed(item) else None,
        complete=item.complete,
        cut_off_by=f"{item.error[0]}: {item.error[1]}" if item.error is not None and not item.complete else None,
        unread=unread_end,
    )


def _skimmed_end(item: Skimmed, event_at_end: bool) -> tuple[int | None, int]:
    """The events of a skimmed stream and its :func:`unread_bytes`, as loading gives them: the end of a body that
    arrived whole read as its SDK reads it (Gemini's reads a last event lacking its blank line: one more)."""
    body = item.body
    # A literal block holds events in the usual shape only, each ended by a blank line.
    if body is None or body.block or not item.complete:
        return item.events, 0
    source, start, end = body.source, body.start, body.end
    if source.endswith(b"\n\n", start, end) or source.endswith(b"\r\n\r\n", start, end):
        return item.events, 0
    fields, pending = decode_fields(source[start:end], dispatch_last=event_at_end)
    return len(fields), unread(pending)


def _timed(item: Skimmed) -> bool:
    """``Interaction.timed``, from a skim: a recording (format 1 or more) with a time in it."""
    return item.format > 0 and (item.last_at is not None or item.response_at > 0)


_paths: dict[str, str] = {}


def _path(uri: str) -> str:
    """Path and query of ``uri`` (remembered: a cassette asks the same few endpoints again and again)."""
    try:
        return _paths[uri]
    except KeyError:
        parts = urlsplit(uri)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if len(_paths) < 10_000:
            _paths[uri] = path
        return path


def _info(index: int, item: Interaction) -> InteractionInfo:
    chunks = item.chunks()
    recording = item.response.ssetape
    error = recording.error if recording is not None and not recording.complete else None
    return InteractionInfo(
        index=index,
        method=item.request.method.upper(),
        path=_path(item.request.uri),
        status=item.response.status.code,
        streamed=item.streamed,
        kind=kind_of(item) if item.streamed else None,
        events=len(events(item)) if item.streamed else None,
        bytes=len(item.response.body_bytes),
        duration=max(chunks[-1].at if chunks else 0.0, item.response_at) if item.timed else None,
        complete=item.complete,
        cut_off_by=f"{error.type}: {error.message}" if error is not None else None,
        unread=unread_bytes(item),
    )
