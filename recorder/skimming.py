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
from pathlib import Path
from typing import Any

from .chunks import Chunks
from .collector import collector_paused
from .errors import CassetteDecodeError
from .format import is_event_stream
from .integrity import check_whole
from .skim_fields import (
    _LF,
    Body,
    Skimmed,
    _body,
    _format,
    _headers,
    _lines,
    _scalar,
    _Section,
    _Unskimmable,
    _written_chunks,
    count_events,
)
from .skim_usual import _USUAL_INTERACTION, _usual_interaction
from .yaml_layout import is_utf8, parse

__all__ = ["Body", "Skimmed", "count_events", "skim"]

#: The next top-level line after the list: a key at the start of a line.
_TOP_LEVEL = re.compile(rb"\n[^ \n-]")
#: A line of an interaction's response that is neither a key four spaces in, nor under one, nor empty.
_STRAY_LINE = re.compile(rb"\n(?!      |    [^ \n]|\n|\Z)")
#: A key of the response (``status``, ``headers``, ``body``, ``ssetape``): the line after its line break.
_KEY_LINE = re.compile(rb"\n    ([^ \n][^\n]*)")
#: The recording as the writer writes a complete one, on one line each (any other form is read line by line).
_USUAL_RECORDING = re.compile(
    rb"\n      format: ([0-9]+)\n      recorded_at: '[^'\n]*'\n      response_at: ([0-9]+\.[0-9]+)\n"
    rb"      chunks: ((?:[0-9]+\.[0-9]+|[0-9]+):[0-9]+(?: (?:[0-9]+\.[0-9]+|[0-9]+):[0-9]+)*)\n      complete: true"
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


def _status(section: _Section | None) -> Any:
    if section is None or section[0] or not section[1].startswith(b"\n      code: "):
        raise _Unskimmable
    lines = section[1]
    end = lines.find(b"\n", 13)
    return _scalar(lines[13:] if end < 0 else lines[13:end])


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


#: Chunk timings as the writer writes them (``recorder.chunks``), matched whole: the sizes then just add up.
_WRITTEN_CHUNKS = re.compile(r"(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+):[0-9]+(?:[ \n]+(?!\Z)|\Z))*")


def _chunks_total(text: str) -> int:
    """The chunk sizes added up (a ValueError for text that is no chunk timings)."""
    if _WRITTEN_CHUNKS.fullmatch(text):
        return sum(map(int, text.replace(":", " ").split()[1::2]))
    return Chunks.from_text(text).total
