"""A recording in progress, read while the proxy writes it: what ``ssetape tui --follow`` shows.

The proxy saves the cassette a few times a second and appends every chunk to its journal as it arrives
(see :mod:`.journal`). The recording so far is the cassette's first ``base`` interactions (those the
journal says are saved) followed by the journal's. The journal is read first: a journal reset after a
save names a ``base`` the cassette, read after, already holds. Without a journal (the proxy has exited,
or has nothing in flight and has just reset it to a header), the cassette is all there is.

A stream still arriving is shown up to the end of its last whole event (its blank line arrived), and
as complete, not cut: read as complete with the bytes after that, an API whose reader takes a last event
lacking its blank line (Gemini's) would show the event being written, and a last CR, which may be a CRLF's
first half, would end an event a byte early. A compressed one is shown decoded, without its
``content-encoding`` (its events do not end at a byte of what was sent), each chunk what it decoded to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..cassette import Cassette, Interaction
from ..chunks import Chunks
from ..errors import CassetteDecodeError, CassetteNotFoundError
from ..reader import load
from ..sse import SSEDecoder
from .journal import journal_path, read_journal

__all__ = ["LiveRecording", "read_live", "revision"]


@dataclass(frozen=True, slots=True)
class LiveRecording:
    """The recording so far, and which of its interactions are still arriving."""

    cassette: Cassette
    #: Indexes of interactions whose response is still streaming (shown as they are so far, not as cut).
    in_flight: frozenset[int]
    #: :func:`revision` just before the files were read: what changes after it is read again.
    revision: tuple[tuple[int, int], ...] = ()


def revision(out: str | Path) -> tuple[tuple[int, int], ...]:
    """Changes whenever the recording into ``out`` does (the journal's and the cassette's size and time),
    so a follower reads it again only then."""
    out = Path(out)
    stamps = []
    for path in (journal_path(out), out):
        try:
            stat = path.stat()
        except OSError:
            stamps.append((-1, -1))
        else:
            stamps.append((stat.st_size, stat.st_mtime_ns))
    return tuple(stamps)


def read_live(out: str | Path) -> LiveRecording:
    """The recording into the cassette file ``out`` so far (which may be nothing yet).

    Raises :class:`CassetteNotFoundError` when there is neither a cassette nor a journal, and
    :class:`CassetteDecodeError` when either cannot be read.
    """
    out = Path(out)
    journal = journal_path(out)
    before = revision(out)
    found = None
    try:
        found = read_journal(journal) if journal.exists() else None
    except CassetteDecodeError:
        if journal.exists():
            raise
        # gone between the check and the read: the proxy has saved and exited
    if found is None:
        if not out.exists():
            raise CassetteNotFoundError(out)
        return LiveRecording(load(out), frozenset(), before)
    saved = load(out).interactions[: found.base] if out.exists() and found.base else []
    ended = set(found.finish_order[: len(found.finish_order) - found.interrupted])
    in_flight: set[int] = set()
    interactions = list(saved)
    for key, interaction in found.interactions:
        if key not in ended and interaction.response.ssetape is not None:
            _so_far(interaction)
            in_flight.add(len(interactions))
        interactions.append(interaction)
    return LiveRecording(Cassette(interactions=interactions), frozenset(in_flight), before)


_ENCODING = "content-encoding"


def _so_far(interaction: Interaction) -> None:
    """Makes ``interaction``, still arriving, complete up to its last whole event (see the module
    docstring); a body that is not an event stream is kept whole, a compressed one decoded."""
    response = interaction.response
    recording = response.ssetape
    assert recording is not None
    recording.complete, recording.error = True, None
    if not interaction.streamed:
        return
    encoded = response.header(_ENCODING) is not None
    if encoded:
        try:
            decoded = interaction.decoded_chunks()
        except ValueError:
            return  # not in its coding, or one ssetape lacks: kept as sent, for the reader of its events to say so
        body = b"".join(chunk.data for chunk in decoded)
        sizes: Iterable[tuple[float, int]] = [(chunk.at, len(chunk.data)) for chunk in decoded]
    else:
        body, sizes = response.body_bytes, recording.chunks
    decoder = SSEDecoder()
    decoder.feed(body)  # not flushed: the stream goes on
    whole = len(body) - len(decoder.pending)
    if whole == len(body) and not encoded:
        return
    chunks, used = [], 0
    for at, size in sizes:
        if used >= whole:
            break
        chunks.append((at, min(size, whole - used)))
        used += size
    recording.chunks = Chunks(chunks)
    if encoded:
        response.headers = {name: values for name, values in response.headers.items() if name.lower() != _ENCODING}
    kept = body[:whole]  # whole lines: a UTF-8 body stays UTF-8
    response.body.string = kept.decode() if isinstance(response.body.string, str) else kept
