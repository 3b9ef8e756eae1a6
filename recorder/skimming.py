"""Skimming a cassette for a listing: the few fields ``ssetape ls`` shows, interaction by interaction.

A listing needs the method, URI, status, content type, body and recording state of each interaction,
not the cassette: building every model of a 100k-interaction file takes minutes and gigabytes. In
the layout ssetape's writer emits (a top-level ``interactions:`` list, each ``- request:`` at the
start of a line, the response's sections four spaces in), each interaction is found with byte searches
in the file's bytes, its request's lines are skipped but the first two, and its response's sections are
cut out by one match when they are in the writer's order (line by line otherwise); only the lines holding
those fields are read, their scalars with :mod:`.yaml_layout`'s rules (so ``200``, ``true`` and quoted text
mean what PyYAML says they mean), a double-quoted body with :mod:`.yaml_quoted`'s.

Anything else (another layout, a ``content-encoding``, a scalar outside the subset, a field of the
wrong type, a byte that is no UTF-8 anywhere in the file) makes :func:`skim` return None: the caller then
loads the cassette, which checks everything and reports errors with their line. Skimming checks only the
fields it reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from .chunks import Chunks
from .collector import collector_paused
from .errors import CassetteDecodeError
from .format import FORMAT_VERSION, is_event_stream
from .integrity import check_whole
from .sse import decode as decode_sse
from .yaml_layout import is_utf8, parse, plain_characters, scalar
from .yaml_quoted import double_quoted

__all__ = ["Body", "Skimmed", "count_events", "skim"]

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


#: The next top-level line after the list: a key at the start of a line.
_TOP_LEVEL = re.compile(rb"\n[^ \n-]")
#: A line of an interaction's response that is neither a key four spaces in, nor under one, nor empty.
_STRAY_LINE = re.compile(rb"\n(?!      |    [^ \n]|\n|\Z)")
#: A key of the response (``status``, ``headers``, ``body``, ``ssetape``): the line after its line break.
_KEY_LINE = re.compile(rb"\n    ([^ \n][^\n]*)")
#: A header line that may be ``content-type`` or ``content-encoding`` (any case), or is not a header line:
#: the other names (a first letter but c) are skipped without being read.
_MAYBE_CONTENT_HEADER = re.compile(rb"\n(?!      [!-BD-bd-~])([^\n]*)")
#: In a literal block: a line neither indented by the block's eight spaces nor empty, or one of spaces only
#: deeper than the block (YAML keeps those: :func:`parse` decides).
_ODD_BLOCK_LINE = re.compile(rb"\n(?:(?!        |\n)| {9,}(?=\n|\Z))")
#: The recording as the writer writes a complete one, on one line each (any other form is read line by line).
_USUAL_RECORDING = re.compile(
    rb"\n      format: ([0-9]+)\n      recorded_at: '[^'\n]*'\n      response_at: ([0-9]+\.[0-9]+)\n"
    rb"      chunks: ((?:[0-9]+\.[0-9]+|[0-9]+):[0-9]+(?: (?:[0-9]+\.[0-9]+|[0-9]+):[0-9]+)*)\n      complete: true"
)
#: Chunk timings as the writer writes them, ``seconds:size`` pairs one space apart (a line of them).
_PAIRS = rb"[0-9]++(?:\.[0-9]++)?+:[0-9]++(?: [0-9]++(?:\.[0-9]++)?+:[0-9]++)*+"
#: A whole interaction as the writer writes a complete one, its request's lines after the URI skipped (up to the
#: first ``  response:``, none the next interaction's or a top-level key), its response's keys in the writer's
#: order, its chunk timings on one line or as a literal block of lines: what :func:`_interaction` reads by
#: searches. (Possessive: nothing matched is tried again, so a file out of this shape costs one pass, not one per
#: way to cut its lines.)
_USUAL_INTERACTION = re.compile(
    rb"- request:\n    method: ([^\n]*+)\n    uri: ([^\n]*+)"
    rb"(?:\n(?!  response:\n|- request:\n|[^ \n-])[^\n]*+)*+\n  response:"
    rb"\n    status:\n      code: ([^\n]*+)(?:\n      [^\n]*+)*+"
    rb"\n    headers:((?:\n      [^\n]*+)*+)\n    body:((?:\n(?:      [^\n]*+|(?=\n)))*+)"
    rb"\n    ssetape:\n      format: ([0-9]++)\n      recorded_at: '[^'\n]*+'\n      response_at: ([0-9]++\.[0-9]++)\n"
    rb"      chunks: (?:(" + _PAIRS + rb")|\|-((?:\n        " + _PAIRS + rb")++))\n      complete: true\n"
)
_USUAL_KEYS = (b"status", b"headers", b"body", b"ssetape")
#: The response's keys in the writer's order, none on its key's line, every line under them indented or empty:
#: what :func:`_sections` finds line by line.
_USUAL_RESPONSE = re.compile(
    rb"\n    status:((?:\n      [^\n]*+)*+)\n    headers:((?:\n      [^\n]*+)*+)"
    rb"\n    body:((?:\n(?:      [^\n]*+|(?=\n)))*+)\n    ssetape:((?:\n      [^\n]*+)*+)"
)


def skim(path: str | Path) -> list[Skimmed] | None:
    """Every interaction of the cassette at ``path``, or None when it must be loaded instead."""
    path = Path(path)
    if path.suffix.lower() not in (".yaml", ".yml"):
        return None
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    start = raw.find(b"\ninteractions:\n- request:\n") + 1
    if not start or not raw.startswith(b"version: 1\n") or b"\r" in raw or not is_utf8(raw):
        return None
    start += len(b"interactions:\n")
    try:
        with collector_paused():
            skimmed, end = _interactions(raw, start)
            _check_whole(raw[:start] + raw[end:], skimmed, path)
    except (_Unskimmable, UnicodeError, ValueError, KeyError, IndexError, CassetteDecodeError):
        return None
    return skimmed


def _check_whole(outside: bytes, skimmed: list[Skimmed], path: Path) -> None:
    """The counts written around the interactions (``recorder.integrity``) match: a cassette cut short loads,
    and loading says so."""
    data = parse(outside.decode("utf-8"))
    if not isinstance(data, dict):
        raise _Unskimmable
    # One stand-in per format, shared: what check_whole reads of each interaction (100k dicts took half a second).
    formats = {item.format: {"response": {"ssetape": {"format": item.format}}} for item in skimmed}
    data["interactions"] = [formats[item.format] for item in skimmed]
    check_whole(data, path)


def _interactions(raw: bytes, start: int) -> tuple[list[Skimmed], int]:
    """Each interaction of the list starting at ``start``, and where the list ends (the next top-level line's
    start, or the file's end). An interaction in the writer's usual shape is read by one match from where the
    last one ended (no line of it can start the next one or a top-level key, so it ends where the searches
    below would have cut it: a pass over the file each, a tenth of a listing); the rest are cut out by those
    searches and read by :func:`_interaction`."""
    skimmed: list[Skimmed] = []
    usual, total = _USUAL_INTERACTION.match, len(raw)
    while start < total:
        match = usual(raw, start)
        if match is None:
            break
        stop = match.end()
        if stop < total and not raw.startswith(b"- request:\n", stop) and raw[stop] in _LINE_GOES_ON:
            break  # (an interaction with more lines after its recording: cut and read below)
        skimmed.append(_usual_interaction(raw, match))
        start = stop
    found = _TOP_LEVEL.search(raw, start - 1)
    end = found.start() + 1 if found else total
    while start < end:
        following = raw.find(b"\n- request:\n", start, end)
        stop = following + 1 if following >= 0 else end
        skimmed.append(_interaction(raw, start, stop))
        start = stop
    return skimmed, end


#: A line's first byte that does not end the list of interactions (:data:`_TOP_LEVEL`).
_LINE_GOES_ON = frozenset(b" \n-")


def _interaction(raw: bytes, start: int, stop: int) -> Skimmed:
    """The interaction in ``raw[start:stop]``: read with searches over the file, the request's lines skipped."""
    usual = _USUAL_INTERACTION.fullmatch(raw, start, stop)
    if usual is not None:
        return _usual_interaction(raw, usual)
    if not raw.startswith(b"- request:\n    method: ", start) or raw[stop - 1] != _LF:
        raise _Unskimmable  # (a file whose last line has no line break: loading decides)
    method_end = raw.find(b"\n", start + 23, stop)
    if method_end < 0 or not raw.startswith(b"    uri: ", method_end + 1):
        raise _Unskimmable
    uri_end = raw.find(b"\n", method_end + 10, stop)
    response = raw.find(b"\n  response:\n", uri_end, stop) if uri_end >= 0 else -1
    if response < 0:
        raise _Unskimmable
    method, uri = _scalar(raw[start + 23 : method_end]), _scalar(raw[method_end + 10 : uri_end])
    sections = _sections(raw, response + 12, stop - 1)
    code = _status(sections.get(b"status"))
    if not isinstance(method, str) or not isinstance(uri, str) or type(code) is not int:
        raise _Unskimmable
    headers = _headers(sections.get(b"headers"))
    if "content-encoding" in headers:
        raise _Unskimmable  # the events are in the decoded body
    body = _body(sections.get(b"body"))
    streamed = is_event_stream(headers.get("content-type"))
    events = count_events(body) if streamed else None
    response_at, last_at, complete, error, total, version = _recording(sections.get(b"ssetape"))
    if total is not None and total != len(body):
        raise _Unskimmable  # loading names the fault
    stream = Body(body, 0, len(body)) if streamed else None
    size = len(body)
    return Skimmed(method, uri, code, streamed, events, size, response_at, last_at, complete, error, version, stream)


def _usual_interaction(raw: bytes, match: re.Match[bytes]) -> Skimmed:
    """:func:`_interaction` for one matched whole (:data:`_USUAL_INTERACTION`): what it reads line by line."""
    method_text, uri_text, code_text, header_lines, format_text, at, chunks_line, chunk_lines = match.group(
        1, 2, 3, 4, 6, 7, 8, 9
    )
    method, uri, code = _scalar(method_text), _scalar(uri_text), _scalar(code_text)
    if not isinstance(method, str) or not isinstance(uri, str) or type(code) is not int:
        raise _Unskimmable
    version = _format(format_text)
    headers = _headers((b"", header_lines))
    if "content-encoding" in headers:
        raise _Unskimmable  # the events are in the decoded body
    streamed = is_event_stream(headers.get("content-type"))
    start, end = match.span(5)
    usual = _usual_stream(raw, start, end) if streamed else None
    body = b"" if usual is not None else _body((b"", raw[start:end]))
    size = usual[0] if usual is not None else len(body)
    total, last_at = _written_chunks(chunks_line or chunk_lines or b"")
    if total != size:
        raise _Unskimmable  # loading names the fault
    if usual is not None:
        block = Body(raw, start + _STREAM_HEADER, end, block=True)
        return Skimmed(method, uri, code, True, usual[1], size, float(at), last_at, True, None, version, block)
    if streamed:
        stream, events = Body(body, 0, size), count_events(body)
        return Skimmed(method, uri, code, True, events, size, float(at), last_at, True, None, version, stream)
    return Skimmed(method, uri, code, False, None, size, float(at), last_at, True, None, version)


#: A stream's body as the writer writes one whose events are all in the usual shape (``count_events``), of
#: printable ASCII only: a ``|+`` literal block, each event's lines eight spaces in and an empty line after it.
#: Such a block is read as it is, without its dedented copy: each pass over the body (the block's lines checked,
#: dedented, its characters checked, its events matched and counted) was a fifth of a listing.
_USUAL_STREAM_BLOCK = re.compile(rb"\n      string: \|\+(?:\n        (?:event:[ -~]*+\n        )?+data:[ -~]*+\n)++")
_STREAM_HEADER = len(b"\n      string: |+")
_INDENT = b"\n        "


def _usual_stream(raw: bytes, start: int, end: int) -> tuple[int, int] | None:
    """The size and event count of the body in a response's ``body`` section ``raw[start:end]`` when it matches
    :data:`_USUAL_STREAM_BLOCK`, else None."""
    if _USUAL_STREAM_BLOCK.fullmatch(raw, start, end) is None:
        return None
    # An empty line between each two events; every other line is eight spaces in. (Searches for these long
    # needles skip ahead: counting each line break took twice as long.)
    events = raw.count(b"\n\n        ", start, end) + 1
    return end - start - _STREAM_HEADER - 8 * raw.count(_INDENT, start, end), events


#: One key of the response: the text after its colon, and the lines under it, each after its line break.
_Section = tuple[bytes, bytes]


def _sections(raw: bytes, first: int, last: int) -> dict[bytes, _Section]:
    """The response's keys (four spaces in), between the line break ending ``  response:`` (``first``) and the
    interaction's last line break (``last``); every line of it must be a key, under one, or empty."""
    usual = _USUAL_RESPONSE.fullmatch(raw, first, last)
    if usual is not None:
        status, headers, body, recording = usual.groups()
        return dict(zip(_USUAL_KEYS, ((b"", status), (b"", headers), (b"", body), (b"", recording)), strict=True))
    if _STRAY_LINE.search(raw, first, last):
        raise _Unskimmable
    parts = _KEY_LINE.split(raw[first:last])
    if parts[0] or len(parts) < 3:
        raise _Unskimmable  # no key, or a line under none
    sections: dict[bytes, _Section] = {}
    for index in range(1, len(parts), 2):
        name, colon, rest = parts[index].partition(b":")
        if not colon or name in sections:
            raise _Unskimmable
        sections[name] = (rest, parts[index + 1])
    return sections


def _lines(section: _Section) -> list[bytes]:
    """A section's lines (its key's inline text first, when it has one)."""
    rest, lines = section
    return ([rest] if rest else []) + lines[1:].split(b"\n") if lines else [rest] if rest else []


def _status(section: _Section | None) -> Any:
    if section is None or section[0] or not section[1].startswith(b"\n      code: "):
        raise _Unskimmable
    lines = section[1]
    end = lines.find(b"\n", 13)
    return _scalar(lines[13:] if end < 0 else lines[13:end])


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


def _recording(section: _Section | None) -> tuple[float, float | None, bool, tuple[str, str] | None, int | None, int]:
    """Seconds to the headers, the last chunk's arrival, whether complete, the error, the chunk sizes added up
    (None without chunks) and the format."""
    if section is None:
        return 0.0, None, True, None, None, 0
    rest, lines = section
    if rest:
        raise _Unskimmable
    usual = _USUAL_RECORDING.fullmatch(lines)
    if usual is not None:  # the chunks as the writer writes them: their sizes just add up
        format_text, at, chunks = usual.groups()
        version = _format(format_text)
        total, latest = _written_chunks(chunks)
        return float(at), latest, True, None, total, version
    fields, chunk_lines = _recording_fields(_lines(section))
    version = _format(fields[b"format"]) if b"format" in fields else 0
    response_at = _scalar(fields[b"response_at"]) if b"response_at" in fields else 0.0
    complete = _scalar(fields[b"complete"]) if b"complete" in fields else True
    if type(complete) is not bool or type(response_at) not in (int, float):
        raise _Unskimmable
    text = b" ".join(chunk_lines).decode("utf-8")
    words = text.split()
    last_at = None
    if words and words != ["''"]:
        at_text, colon, _ = words[-1].partition(":")
        if not colon:
            raise _Unskimmable
        last_at = float(at_text)
    error = None
    if not complete and b"error" in fields:
        data = parse("ssetape:\n" + b"\n".join(_lines(section)).decode("utf-8") + "\n")
        problem = data["ssetape"].get("error") if data else None
        if not isinstance(problem, dict) or not all(isinstance(problem.get(k), str) for k in ("type", "message")):
            raise _Unskimmable
        error = (problem["type"], problem["message"])
    added_up = _chunks_total(text) if text and words != ["''"] else None
    return float(response_at), last_at, complete, error, added_up, version


def _recording_fields(lines: list[bytes]) -> tuple[dict[bytes, bytes], list[bytes]]:
    """The recording's fields by name (their text), and the chunk timings' lines."""
    fields: dict[bytes, bytes] = {}
    chunks: list[bytes] = []
    name = b""
    for line in lines:
        if line.startswith(b"      ") and line[6:7] not in (b" ", b"-", b""):
            name, _, rest = line[6:].partition(b":")
            fields[name] = rest.strip(b" ")
            if name == b"chunks" and not fields[name].startswith(b"|"):  # a literal block's header is no pair
                chunks.append(fields[name])
        elif name == b"chunks" and line.startswith(b"        "):
            chunks.append(line)
        elif line.startswith(b"        ") and name == b"error":
            continue
        elif line:
            raise _Unskimmable
    return fields, chunks


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


#: Chunk timings as the writer writes them (``recorder.chunks``), matched whole: the sizes then just add up.
_WRITTEN_CHUNKS = re.compile(r"(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+):[0-9]+(?:[ \n]+(?!\Z)|\Z))*")


def _chunks_total(text: str) -> int:
    """The chunk sizes added up (a ValueError for text that is no chunk timings)."""
    if _WRITTEN_CHUNKS.fullmatch(text):
        return sum(map(int, text.replace(":", " ").split()[1::2]))
    return Chunks.from_text(text).total


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
