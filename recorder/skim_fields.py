"""What a skim (:mod:`.skimming`) reads of an interaction, whichever way it was cut out: what it gives for each
(:class:`Skimmed`, :class:`Body`), the scalars, content headers, body, format and chunk timings of the writer's
layout, and a stream's events counted. Any of them out of that layout raises :class:`_Unskimmable`: the cassette
is then loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

import yaml

from .format import FORMAT_VERSION
from .sse import decode as decode_sse
from .yaml_layout import parse, plain_characters, scalar
from .yaml_quoted import double_quoted

__all__ = ["Body", "Skimmed", "count_events"]

_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Skimmed(NamedTuple):
    """One interaction's fields for a listing (a named tuple: 100k frozen dataclasses took a fifth of a second
    to build)."""

    method: str
    uri: str
    status: int
    streamed: bool
    #: Complete SSE events in the body (None for a body that is not a stream).
    events: int | None
    #: The body's size in bytes.
    size: int
    #: Seconds to the response headers (0 without an ``ssetape`` recording).
    response_at: float
    #: Arrival of the last chunk, when chunks are recorded.
    last_at: float | None
    complete: bool
    #: ``(type, message)`` of the error that cut the body off.
    error: tuple[str, str] | None
    #: The ``ssetape`` extension's format (0 without one).
    format: int
    #: A stream's body, read for its API as loading reads it (``replayer.kind_of``): None for a body that is not
    #: a stream.
    body: Body | None = None


class Body(NamedTuple):
    """Where a listed stream's body is: ``source[start:end]`` as it is, or (``block``) the lines of the writer's
    ``|+`` block there, each after its line break and eight spaces (the body is not dedented whole: most streams
    name their API in their first event)."""

    source: bytes
    start: int
    end: int
    block: bool = False

    def pieces(self) -> Iterator[bytes]:
        """The body in pieces of a few kB, which put together are the body; a block's first event alone."""
        source, start, end = self.source, self.start, self.end
        if not self.block:
            for at in range(start, end, _PIECE):
                yield source[at : min(at + _PIECE, end)]
            return
        # Each piece from a line's line break to the next piece's (exclusive), dedented: without its first line
        # break (the last piece's line ending), with its last line's.
        stop = source.find(b"\n\n", start, end) + 1 or end
        while start < end:
            yield source[start:stop].replace(_INDENT, b"\n")[1:] + b"\n"
            start = stop
            stop = source.find(b"\n", start + _PIECE, end)
            stop = end if stop < 0 else stop


#: The size of a piece of :meth:`Body.pieces`.
_PIECE = 4096


class _Unskimmable(Exception):
    """Not in the writer's layout: the cassette must be loaded."""


#: A header line that may be ``content-type`` or ``content-encoding`` (any case), or is not a header line:
#: the other names (a first letter but c) are skipped without being read.
_MAYBE_CONTENT_HEADER = re.compile(rb"\n(?!      [!-BD-bd-~])([^\n]*)")
#: In a literal block: a line neither indented by the block's eight spaces nor empty, or one of spaces only
#: deeper than the block (YAML keeps those: :func:`parse` decides).
_ODD_BLOCK_LINE = re.compile(rb"\n(?:(?!        |\n)| {9,}(?=\n|\Z))")
_INDENT = b"\n        "


#: One key of the response: the text after its colon, and the lines under it, each after its line break.
_Section = tuple[bytes, bytes]


def _lines(section: _Section) -> list[bytes]:
    """A section's lines (its key's inline text first, when it has one)."""
    rest, lines = section
    return ([rest] if rest else []) + lines[1:].split(b"\n") if lines else [rest] if rest else []


_scalars: dict[bytes, Any] = {}


def _scalar(text: bytes) -> Any:
    """:func:`scalar`, remembered: a listing reads the same few values on every interaction."""
    try:
        return _scalars[text]
    except KeyError:
        value = scalar(text.decode("utf-8"))
        if not isinstance(value, list) and len(_scalars) < 10_000:  # (a list could be changed by its reader)
            _scalars[text] = value
        return value


#: What the header lines that may be content headers gave (most interactions have the same few).
_content_headers: dict[tuple[bytes, ...], dict[str, str]] = {}


def _headers(section: _Section | None) -> dict[str, str]:
    """``content-type`` and ``content-encoding`` (the first of each, as ``header()`` finds them)."""
    if section is None:
        return {}
    rest, lines = section
    if rest or not lines:
        if rest == b" {}" and not lines:
            return {}
        raise _Unskimmable  # headers on the key's line, or none: loading decides
    candidates = tuple(_MAYBE_CONTENT_HEADER.findall(lines))
    try:
        return _content_headers[candidates]
    except KeyError:
        pass
    found: dict[str, str] = {}
    for line in candidates:
        name, colon, value = line[6:].partition(b": ")
        if not line.startswith(b"      ") or not colon:
            raise _Unskimmable  # a value on lines of its own (``- text/event-stream``): not the writer's layout
        wanted = name.lower()
        if wanted in (b"content-type", b"content-encoding") and (key := wanted.decode()) not in found:
            values = _scalar(value)
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise _Unskimmable
            if values:
                found[key] = values[0]
    if len(_content_headers) < 1000:
        _content_headers[candidates] = found  # (read, never changed, by the caller)
    return found


def _body(section: _Section | None) -> bytes:
    if section is None:
        return b""
    rest, lines = section
    if rest or not lines.startswith(b"\n      string:"):
        raise _Unskimmable  # (``body:`` with nothing under it is null, which loading refuses)
    first_end = lines.find(b"\n", 1)
    if first_end < 0:
        if lines.startswith(b"\n      string: '") and len(lines) > 16 and lines[-1] == _QUOTE:
            quoted = lines[16:-1]  # one line in single quotes (a JSON answer): '' stands for '
            if b"'" not in quoted.replace(b"''", b""):
                return quoted.replace(b"''", b"'")
    else:
        chomping = _CHOMPING.get(lines[:first_end])
        if chomping is not None:
            literal = _literal_body(lines, first_end, chomping)
            if literal is not None:
                return literal
    if lines.startswith(b'\n      string: "'):
        quoted_body = _double_quoted_body(lines)
        if quoted_body is not None:
            return quoted_body
    return _parsed_body(b"\n".join(_lines(section)).decode("utf-8"))


def _parsed_body(lines: str) -> bytes:
    """The body in the section's ``lines``, read by :func:`parse` (PyYAML, when that declines)."""
    text = "body:\n" + lines + "\n"
    data = parse(text)
    if data is None:
        try:
            data = yaml.load(text, Loader=_SafeLoader)
        except yaml.YAMLError:
            raise _Unskimmable from None
    if not isinstance(data, dict) or not isinstance(data.get("body"), dict) or set(data["body"]) != {"string"}:
        raise _Unskimmable
    string = data["body"]["string"]
    if string is None:
        return b""
    if not isinstance(string, str):
        raise _Unskimmable
    return string.encode("utf-8")


#: The literal block headers the writer gives a body, and what each does with the block's last line breaks.
_CHOMPING = {b"\n      string: |+": "keep", b"\n      string: |-": "strip", b"\n      string: |": "clip"}
_BLOCK_INDENT = b" " * 8
_LF, _QUOTE = ord("\n"), ord("'")


def _literal_body(lines: bytes, header_end: int, chomping: str) -> bytes | None:
    """A body the writer wrote as a literal block (most streams), its lines those of ``lines`` after
    ``header_end``, read as YAML reads it; None for any other (an indentation indicator, a line of spaces only,
    ...: :func:`parse` reads those)."""
    block = lines[header_end:].rstrip(b"\n")  # without the empty lines after its last line
    first_end = block.find(b"\n", 1)
    first = block[1:] if first_end < 0 else block[1:first_end]
    last = block[block.rfind(b"\n") + 1 :]
    if not first.startswith(_BLOCK_INDENT) or not first[8:].strip(b" ") or not last[8:].strip(b" "):
        return None
    if _ODD_BLOCK_LINE.search(block):
        return None
    # Every line is indented by the block's eight spaces, or empty: dropping them after each line break dedents.
    if chomping == "keep":
        block = lines[header_end:] + b"\n"  # with the empty lines after it
    elif chomping == "clip":
        block += b"\n"
    body = block.replace(b"\n        ", b"\n")[1:]
    return body if plain_characters(body, encoded=True) else None  # else YAML may refuse it: parse() and PyYAML say


def _double_quoted_body(lines: bytes) -> bytes | None:
    """A body PyYAML's emitter wrote double-quoted (CRLF streams), read by :mod:`.yaml_quoted` when it is the
    section's only text and holds only characters libyaml reads; None otherwise."""
    text = lines + b"\n"
    found = double_quoted(text, 15, 6)
    if found is None or found[1] != len(text):
        return None
    if not lines.isascii() and not plain_characters(lines, encoded=True):
        return None  # (ASCII, it was checked as it was read: jiter refuses control characters)
    return found[0].encode("utf-8")


def _format(text: bytes) -> int:
    """The recording's ``format``, one this version reads (else loading says which it is)."""
    version = _scalar(text)
    if type(version) is not int or version > FORMAT_VERSION:
        raise _Unskimmable
    return version


def _written_chunks(pairs: bytes) -> tuple[int, float]:
    """The sizes added up and the last arrival of chunk timings as the writer writes them (``seconds:size``
    pairs one space apart, on one line or several): matched by :data:`_PAIRS`, they need no other reading."""
    total = sum(map(int, pairs.replace(b":", b" ").split()[1::2]))
    return total, float(pairs[pairs.rfind(b" ") + 1 : pairs.rfind(b":")])


#: Events in the usual shape only (``sse``'s): each has a data line and ends with the body's only blank lines;
#: LF-terminated, or CRLF-terminated with no other CR or LF (Gemini's).
_USUAL_EVENTS = re.compile(rb"(?:(?:event: ?[^\n]*+\n)?+data: ?[^\n]*+\n\n)++")
_USUAL_CRLF_EVENTS = re.compile(rb"(?:(?:event: ?[^\r\n]*+\r\n)?+data: ?[^\r\n]*+\r\n\r\n)++")


def count_events(body: bytes) -> int:
    """How many events an SSE decoder dispatches from ``body``: blocks ended by a blank line with a ``data``
    field (counted with byte searches, events in the usual shape, LF or CRLF, by one match and a count; any other
    body with a CR, or a BOM, goes through the decoder itself)."""
    if body.startswith(b"\xef\xbb\xbf"):
        return len(decode_sse(body))
    if b"\r" in body:
        return body.count(b"\r\n\r\n") if _USUAL_CRLF_EVENTS.fullmatch(body) else len(decode_sse(body))
    if _USUAL_EVENTS.fullmatch(body):
        return body.count(b"\n\n")
    blocks = body.split(b"\n\n")
    blocks.pop()  # after the last blank line: an event not ended, never dispatched
    return sum(
        1
        for block in blocks
        if (block.startswith(b"data") and block[4:5] in (b"", b":", b"\n"))
        or b"\ndata:" in block
        or b"\ndata\n" in block
        or block.endswith(b"\ndata")
    )
