"""Incremental Server-Sent Events decoder following the WHATWG event-stream interpretation rules.

https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation

Lines are split at byte level (CR, LF, CRLF) and only then decoded as UTF-8 with ``errors="replace"``,
so a character split across chunks decodes as if the stream had arrived whole. Every decoded event
carries its byte span in the stream, and the result does not depend on how the stream was chunked
(except ``ServerSentEvent.chunk``, which says which chunk completed the event).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import jiter

__all__ = ["SSEDecoder", "ServerSentEvent", "decode", "decode_fields", "iter_events", "lazy_events", "loads_or_text"]

_BOM = b"\xef\xbb\xbf"
_CR = 0x0D
_LF = 0x0A
# Python refuses int() on strings longer than this by default; a retry value that long is ignored.
_MAX_INT_DIGITS = 4300
# The usual event, LF-terminated: an optional `event:` line, one `data:` line, a blank line. Matched, it
# means what the general rules make of it (one optional space after the colon is not part of the value).
_USUAL = re.compile(rb"(?:event: ?([^\n]*)\n)?data: ?([^\n]*)\n\n")
#: The same, CRLF-terminated (Gemini's), its lines holding no other CR or LF.
_USUAL_CRLF = re.compile(rb"(?:event: ?([^\r\n]*)\r\n)?data: ?([^\r\n]*)\r\n\r\n")
#: What a decoder builds each event as: called with ``(event, data, id, retry, start, end, chunk)``.
_E = TypeVar("_E")


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    """One dispatched event and where it sits in the stream."""

    #: The event type; ``"message"`` when no (non-empty) ``event:`` field was given.
    event: str
    #: The ``data:`` values joined with ``"\n"``.
    data: str
    #: The last event ID in force when the event was dispatched (it persists across events).
    id: str | None
    #: The ``retry:`` value given in this event, if any valid one was.
    retry: int | None
    #: Byte offset of the first line of the event (comments and unknown fields included).
    start: int
    #: Byte offset just past the terminator of the blank line that dispatched the event.
    end: int
    #: 0-based index of the fed chunk that held the last byte of the dispatching line terminator.
    chunk: int

    def json(self) -> Any:
        return json.loads(self.data)

    def parsed(self) -> Any:
        """The data as JSON, or the text itself when it is not JSON (``[DONE]``)."""
        return loads_or_text(self.data)


def loads_or_text(text: str) -> Any:
    """``json.loads(text)``, or ``text`` when it is not JSON.

    jiter parses first: seven times faster, and it gives what ``json.loads`` gives for everything it
    accepts (NaN, big integers, duplicate keys, correctly rounded floats); what it refuses (a lone
    surrogate escape, which ``json.loads`` takes) goes to ``json.loads``, so the result is always its.
    """
    try:
        return jiter.from_json(text.encode())
    except ValueError:
        pass
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # nested deeper than Python parses: not JSON we can read
        return text


class _Decoder(Generic[_E]):
    """Feed it chunks of an event stream; it returns the events each chunk completes, each built by ``make``
    from its fields (:class:`SSEDecoder` builds :class:`ServerSentEvent`)."""

    #: Whether whole LF-only events at an event boundary are read by :meth:`_whole` (the same events as the
    #: line-by-line rules give, several times faster); False reads every line by those rules.
    whole_events = True

    def __init__(self, make: Callable[[str, str, str | None, int | None, int, int, int], _E]) -> None:
        self._make = make
        self._names: dict[bytes, str] = {}  # event types decoded so far: one str each, however many events
        self._chunks = 0  # chunks fed so far
        self._closed = False
        # The first bytes while they may still be (a prefix of) the BOM; None once that is settled.
        self._head: bytes | None = b""
        self._pos = 0  # stream offset of the first byte not yet processed as part of a line
        self._tail: list[bytes] = []  # unprocessed bytes: a partial line, possibly ending in a held CR
        self._cr_chunk: int | None = None  # chunk index of the held CR ending self._tail, if any
        self._block: list[bytes] = []  # raw lines processed since the last blank line
        self._block_chunk = 0  # chunk index of the last line processed
        self._start = -1  # stream offset of self._block's first line, -1 when empty
        self._data: list[bytes] = []
        self._event = b""
        self._retry: int | None = None
        self._last_id: str | None = None

    @property
    def pending(self) -> bytes:
        """The bytes after the last blank line: an event still being assembled, or a stream cut mid-event.

        Empty when the stream so far ends on an event boundary. Blank lines and the BOM are never
        included (except while not yet decidable: a lone trailing CR or a partial BOM before flush()).
        """
        return (self._head or b"") + b"".join(self._block) + b"".join(self._tail)

    def feed(self, chunk: bytes) -> list[_E]:
        if self._closed:
            raise RuntimeError("SSEDecoder.feed() called after flush()")
        index = self._chunks
        self._chunks += 1
        if self._head is not None:
            chunk = self._head + chunk
            if len(chunk) < len(_BOM) and _BOM.startswith(chunk):
                self._head = chunk
                return []
            self._head = None
            if chunk.startswith(_BOM):
                chunk = chunk[len(_BOM) :]
                self._pos = len(_BOM)
        if not chunk:
            return []
        out: list[_E] = []
        if self._cr_chunk is not None:
            # A line ended in a CR that was the last byte received: only now do we know whether the
            # terminator is CR or CRLF. For a bare CR the line was complete in the CR's chunk, so that
            # is the chunk reported for an event it dispatches, even though it is emitted one feed later.
            line = b"".join(self._tail)
            if chunk[0] == _LF:
                line += b"\n"
                chunk = chunk[1:]
                at = index
            else:
                at = self._cr_chunk
            self._tail = []
            self._cr_chunk = None
            self._process([line], at, out)
            if not chunk:
                return out
        if self.whole_events and self._start < 0 and not self._tail and b"\r" not in chunk:
            chunk = chunk[self._whole(chunk, index, out) :]
            if not chunk:
                return out
        if b"\n" not in chunk and b"\r" not in chunk:
            # No line end: just remember the piece, so a long line in many chunks costs linear time.
            self._tail.append(chunk)
            return out
        if self._tail:
            self._tail.append(chunk)
            chunk = b"".join(self._tail)
            self._tail = []
        lines = chunk.splitlines(keepends=True)  # bytes.splitlines breaks at CR, LF and CRLF only
        last = lines[-1][-1]
        if last == _CR:
            self._tail.append(lines.pop())
            self._cr_chunk = index
        elif last != _LF:
            self._tail.append(lines.pop())
        self._process(lines, index, out)
        return out

    def flush(self, *, dispatch_last: bool = False) -> list[_E]:
        """End of stream: settle a trailing CR. An unterminated last event is not dispatched (see pending),
        unless ``dispatch_last``: the stream's end then ends its last line and its last event (a reader that
        takes what is left at the end of a complete body as one more event, as google-genai's, which reads lines
        and yields the last one whether or not a line end follows it)."""
        if self._closed:
            return []
        self._closed = True
        out: list[_E] = []
        if self._cr_chunk is not None:
            line = b"".join(self._tail)
            self._tail = []
            self._process([line], self._cr_chunk, out)
            self._cr_chunk = None
        if dispatch_last and self._tail:
            line = b"".join(self._tail)
            self._tail = []
            self._process([line], self._chunks - 1, out)
        if dispatch_last and self._data:
            self._process([b""], self._block_chunk, out)  # an empty blank line: the event ends at the last byte
        return out

    def _whole(self, chunk: bytes, index: int, out: list[_E]) -> int:
        """Reads the complete events at the start of ``chunk`` (an event boundary, no CR in it): the usual
        shape by one match each, any other by the general rules, one event at a time. Returns how many
        bytes it read: what is left holds no blank line."""
        pos, usual, last, make = 0, _USUAL.match, len(chunk), self._make
        while pos < last:
            found = usual(chunk, pos)
            if found is None:
                end = chunk.find(b"\n\n", pos)
                if end < 0:
                    break
                # At a line start, the first LF LF ends a line and then a blank one: the event is complete.
                self._process(chunk[pos : end + 2].splitlines(keepends=True), index, out)
                pos = end + 2
                continue
            event, data = found.groups()
            end = found.end()
            start = self._pos
            self._pos = start + end - pos
            out.append(
                make(
                    self._name(event) if event else "message",
                    data.decode("utf-8", "replace"),
                    self._last_id,
                    None,
                    start,
                    self._pos,
                    index,
                )
            )
            pos = end
        return pos

    def _name(self, event: bytes) -> str:
        name = self._names.get(event)
        if name is None:
            name = self._names[event] = event.decode("utf-8", "replace") or "message"
        return name

    def _process(self, lines: list[bytes], index: int, out: list[_E]) -> None:
        """Interpret complete lines (each with its terminator), all attributed to chunk ``index``."""
        pos = base = self._pos
        start = self._start
        data = self._data
        event = self._event
        retry = self._retry
        last_id = self._last_id
        for raw in lines:
            line = raw.rstrip(b"\r\n")  # only the terminator: a line cannot hold CR or LF otherwise
            if line:
                if start < 0:
                    start = pos
                # Splitting before decoding is safe: ":" and " " are ASCII and never inside a character.
                name, _, value = line.partition(b":")
                if value[:1] == b" ":
                    value = value[1:]
                if name == b"data":
                    data.append(value)
                elif name == b"event":
                    event = value
                elif name == b"id":
                    if b"\0" not in value:
                        last_id = value.decode("utf-8", "replace")
                elif name == b"retry" and value.isdigit():  # bytes.isdigit() accepts ASCII digits only
                    digits = value.lstrip(b"0") or b"0"
                    if len(digits) <= _MAX_INT_DIGITS:
                        retry = int(digits)
                # Comments (empty field name) and unknown fields are ignored.
            else:
                if data:
                    out.append(
                        self._make(
                            self._name(event),
                            b"\n".join(data).decode("utf-8", "replace"),
                            last_id,
                            retry,
                            start,
                            pos + len(raw),
                            index,
                        )
                    )
                    data = []
                event = b""
                retry = None
                start = -1
            pos += len(raw)

        if start < 0:
            self._block = []
        elif start < base:  # no blank line in these lines: they all continue the current block
            self._block.extend(lines)
        else:
            k, p = len(lines), pos
            while p > start:
                k -= 1
                p -= len(lines[k])
            self._block = lines[k:]
        self._pos = pos
        self._start = start
        self._block_chunk = index
        self._data = data
        self._event = event
        self._retry = retry
        self._last_id = last_id


class SSEDecoder(_Decoder[ServerSentEvent]):
    """Feed it chunks of an event stream; it returns the events each chunk completes."""

    def __init__(self) -> None:
        super().__init__(ServerSentEvent)


def decode(body: bytes) -> list[ServerSentEvent]:
    """Decode a complete stream body (one chunk)."""
    decoder = SSEDecoder()
    return decoder.feed(body) + decoder.flush()


#: An event's fields: ``(event, data, id, retry, start, end, chunk)``, as :class:`ServerSentEvent` has them.
Fields = tuple[str, str, "str | None", "int | None", int, int, int]


def _fields(*fields: Any) -> Any:
    return fields


def decode_fields(body: bytes, *, dispatch_last: bool = False) -> tuple[list[Fields], bytes]:
    """Decode a complete stream body into each event's fields (no :class:`ServerSentEvent` built: the
    caller builds its own), and the bytes after the last event (:attr:`SSEDecoder.pending`);
    ``dispatch_last``: see :meth:`SSEDecoder.flush`."""
    decoder: _Decoder[Fields] = _Decoder(_fields)
    return decoder.feed(body) + decoder.flush(dispatch_last=dispatch_last), decoder.pending


def lazy_events(pieces: Iterable[bytes]) -> Iterator[tuple[str, str]]:
    """``(event, data)`` of each event an :class:`SSEDecoder` fed ``pieces`` (a body, cut anywhere) and
    flushed gives, decoded as they are asked for: a caller after the first few (which API a stream is) decodes no
    further than they go, and builds no decoder for events in the usual shape at the start of the stream, read
    by one match each as the decoder reads them."""
    decoder: SSEDecoder | None = None
    matched = 0  # bytes read by matches
    for piece in pieces:
        pos = 0
        if decoder is None:
            if not matched and piece[:1] == _BOM[:1]:
                decoder = SSEDecoder()  # (maybe a BOM, which only the decoder's rules drop)
            else:
                usual, end = (_USUAL_CRLF if b"\r" in piece else _USUAL).match, len(piece)
                while pos < end:
                    found = usual(piece, pos)
                    if found is None:
                        break
                    event, data = found.groups()
                    name = (event.decode("utf-8", "replace") if event else "") or "message"
                    yield name, data.decode("utf-8", "replace")
                    pos = found.end()
                matched += pos
                if pos == end:
                    continue  # (an event boundary: the next piece starts at one)
                decoder = SSEDecoder()
                if matched:  # past the stream's start: a blank line, which dispatches nothing, says no BOM follows
                    decoder.feed(b"\n")
        for decoded in decoder.feed(piece[pos:] if pos else piece):
            yield decoded.event, decoded.data
    if decoder is not None:
        for decoded in decoder.flush():
            yield decoded.event, decoded.data


def iter_events(chunks: Iterable[bytes]) -> Iterator[ServerSentEvent]:
    """Decode a stream given as chunks, yielding events as they complete."""
    decoder = SSEDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.flush()
