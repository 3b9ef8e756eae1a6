"""The events of a streamed interaction, where and when each arrived, and what each says in one line.

An event's time is the arrival of the network chunk that completed it (the chunk holding its
terminating blank line), in seconds since the request was sent: the moment a client could act on it.
Works on any SSE stream the OpenAI API sends: Assistants (``thread.*``), Chat Completions
(``data:``-only chunks ending in ``[DONE]``) and Responses (``response.*``).
"""

from __future__ import annotations

import bisect
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ssetape.apis import DEFAULT, as_dict, error_line, quote, recognise
from ssetape.recorder import collector_paused, decode_fields, loads_or_text

from .clock import Clock
from .kinds import api_of

if TYPE_CHECKING:  # the models (pydantic): ``ssetape ls`` lists a skimmed cassette without them
    from ssetape.recorder import Interaction

__all__ = ["StreamEvent", "events", "follow", "summarize", "text_of", "unread_bytes", "unterminated"]

#: Longest quoted text in a summary (the TUI and tables truncate further to their width).
QUOTE_WIDTH = 60


@dataclass(slots=True, unsafe_hash=True)
class StreamEvent:
    """One event of a recorded stream. Read-only: it holds its text, and parses it when ``data`` is read
    (not a frozen dataclass: building 50k of those costs five times as much)."""

    #: 0-based position in the stream.
    index: int
    #: The SSE event type (``"message"`` when the stream names none, as Chat Completions streams).
    name: str
    #: The ``data:`` text as sent.
    raw: str = field(repr=False)
    #: Seconds from sending the request to the arrival of the chunk that completed the event.
    at: float
    #: Seconds since the previous event arrived (for the first event: since the response headers).
    gap: float
    #: Byte range of the event in the body: ``body[start:end]`` (its blank line included).
    start: int
    end: int
    #: Index of the network chunk that completed the event.
    chunk: int
    #: The SSE ``id:`` in force, if the stream sets one.
    id: str | None = None

    @property
    def data(self) -> Any:
        """The ``data:`` text parsed as JSON; the text itself when it is not JSON (``"[DONE]"``).

        Parsed when read: an event keeps only its text, so the events of a long stream take little more
        memory than its body. The event read last keeps its parse, so reading it again in a row is free.
        """
        global _last_read
        last = _last_read
        if last[0] is self:
            return last[1]
        value = loads_or_text(self.raw)
        _last_read = (self, value)
        return value

    def to_json(self, *, timed: bool = True) -> dict[str, Any]:
        """A JSON-able record (one line of ``ssetape inspect --json``); ``at`` and ``gap`` are null when the
        recording is not ``timed`` (``Interaction.timed``: no arrival was recorded, which is not 0)."""
        return {
            "index": self.index,
            "event": self.name,
            "at": round(self.at, 6) if timed else None,
            "gap": round(self.gap, 6) if timed else None,
            "start": self.start,
            "end": self.end,
            "chunk": self.chunk,
            "summary": summarize(self),
            "data": self.data,
        }


#: The event whose data was read last, and that data.
_last_read: tuple[StreamEvent | None, Any] = (None, None)


def _decode(interaction: Interaction) -> tuple[list[StreamEvent], bytes]:
    """The body decoded in one piece (the decoder's events do not depend on the chunking), each event then
    given the chunk holding the last byte of its terminating blank line."""
    recording = interaction.response.ssetape
    if recording is not None and recording.chunks and not interaction.response.header("content-encoding"):
        # the chunk table as recorded: the body is not sliced into its 50k chunks to be joined again
        times = [at for at, _ in recording.chunks]
        ends = list(itertools.accumulate(size for _, size in recording.chunks))
        body = interaction.response.body_bytes
    else:
        chunks = interaction.decoded_chunks()
        times = [chunk.at for chunk in chunks]
        ends = list(itertools.accumulate(len(chunk.data) for chunk in chunks))
        body = b"".join(chunk.data for chunk in chunks)
    decoded, pending = decode_fields(body)
    if pending and interaction.complete and api_of(interaction).event_at_end:
        decoded, pending = decode_fields(body, dispatch_last=True)  # its SDK reads what is left as an event
    out: list[StreamEvent] = []
    append, find, count = out.append, bisect.bisect_right, len(times)
    previous = interaction.response_at
    for index, (name, data, id_, _, start, end, _) in enumerate(decoded):
        chunk = find(ends, end - 1)
        at = times[chunk] if chunk < count else previous
        gap = at - previous
        append(StreamEvent(index, name, data, at, gap if gap > 0.0 else 0.0, start, end, chunk, id_))
        previous = at
    return out, pending


def events(interaction: Interaction) -> list[StreamEvent]:
    """Every complete event of ``interaction``'s body, in order (empty for a body that is not SSE)."""
    if not interaction.streamed:
        return []
    with collector_paused():
        return _decode(interaction)[0]


def unterminated(interaction: Interaction) -> bytes:
    """The bytes after the last complete event: a stream cut mid-event (empty when it ends cleanly)."""
    return _decode(interaction)[1] if interaction.streamed else b""


def unread(pending: bytes) -> int:
    """How many bytes of ``pending`` (what follows a body's last complete event) its SDK never reads although they
    carry an event (a raw dump saved without its last blank line): 0 when there are none, or only blank and
    comment lines."""
    if any(line.strip() and not line.startswith(b":") for line in pending.splitlines()):
        return len(pending)
    return 0


def unread_bytes(interaction: Interaction) -> int:
    """How many bytes at the end of ``interaction``'s body its SDK never reads although they hold an event (no blank
    line ends it: a raw dump saved without it), when the body arrived whole (one cut off says so itself); else 0."""
    if not (interaction.streamed and interaction.complete):
        return 0
    response = interaction.response
    if not response.header("content-encoding") and response.body_bytes.endswith((b"\n\n", b"\r\n\r\n")):
        return 0  # (the usual end: not decoded again)
    return unread(unterminated(interaction))


def follow(interaction: Interaction, speed: float = 1.0) -> Iterator[StreamEvent]:
    """The events of ``interaction`` as they arrived: each yielded at its recorded time (``speed`` 0: at once)."""
    clock = Clock(speed)
    for event in events(interaction):
        wait = clock.delay(event.at)
        if wait > 0:
            time.sleep(wait)
        yield event


# --- what an event says ------------------------------------------------------------------------------
# Each API's home says what its events say (``ssetape.apis.<kind>.events``); an event that names no API
# (``error``, ``[DONE]``, a bare status object), or that its API leaves alone, says what any event does.


def text_of(event: StreamEvent) -> str | None:
    """The assistant text an event adds (a text delta's value), or None for any other event."""
    return text_in(event.name, event.data)


def text_in(name: str, data: Any) -> str | None:
    """:func:`text_of` an event given as its name and parsed data."""
    if not isinstance(data, dict):
        return None
    home = recognise(name, data)
    return home.events.text_of(name, data) if home is not None else None


def summarize(event: StreamEvent, width: int = QUOTE_WIDTH) -> str:
    """What the event says, in one line: ``"Hello"`` for a text delta, ``status → requires_action`` ...

    Never raises, whatever the data: an event the API never sends summarizes as best it can.
    """
    data = event.data
    if not isinstance(data, dict):
        return event.raw if event.raw == "[DONE]" else quote(event.raw, width)
    try:
        line = _summarize(event.name, data, width)
    except (AttributeError, KeyError, TypeError, ValueError):
        line = ""
    return " ".join(line.split()) if "\n" in line or "\r" in line else line


def _summarize(name: str, data: dict[str, Any], width: int) -> str:
    home = recognise(name, data) if name != "error" else None
    if home is not None:
        line = home.events.summary(name, data, width)
        if line is not None:
            return line
    if name == "error" or isinstance(data.get("error"), dict):
        return error_line(as_dict(data.get("error")) or data, width)
    if "status" in data:
        return f"status → {data['status']}"
    # An event no API recognises is shown as what it is: its data (the generic SSE home's summary).
    return (DEFAULT.events.summary(name, data, width) or "") if home is None else ""
