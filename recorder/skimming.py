"""Skimming a cassette for a listing: the few fields ``ssetape ls`` shows, interaction by interaction.

A listing needs the method, URI, status, content type, body and recording state of each interaction,
not the cassette: building every model of a 100k-interaction file takes minutes and gigabytes. In
the layout ssetape's writer emits (a top-level ``interactions:`` list, each ``- request:`` at the
start of a line, the response's sections four spaces in), each interaction's lines are found with
byte searches and only the lines holding those fields are read, their scalars with
:mod:`.yaml_layout`'s rules (so ``200``, ``true`` and quoted text mean what PyYAML says they mean).

Anything else (another layout, a ``content-encoding``, a scalar outside the subset, a field of the
wrong type) makes :func:`skim` return None: the caller then loads the cassette, which checks everything
and reports errors with their line. Skimming checks only the fields it reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .cassette import FORMAT_VERSION, is_event_stream
from .chunks import Chunks
from .collector import collector_paused
from .errors import CassetteDecodeError
from .integrity import check_whole
from .sse import decode as decode_sse
from .yaml_layout import parse, plain_characters, scalar

__all__ = ["Skimmed", "count_events", "skim"]

_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Skimmed:
    """One interaction's fields for a listing."""

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
    #: A stream's first events (up to :data:`HEAD_EVENTS`), which tell its API (``replayer.kind_of``).
    head: bytes = b""


#: How many events :attr:`Skimmed.head` keeps: every API names itself in its first event or two.
HEAD_EVENTS = 3


class _Unskimmable(Exception):
    """Not in the writer's layout: the cassette must be loaded."""


#: First letters of header names other than ``content-*`` (any case), skipped without reading the line.
_NOT_CONTENT_HEADERS = frozenset(chr(c) for c in range(0x21, 0x7F)) - {"c", "C"}
#: The next top-level line after the list: a key at the start of a line.
_TOP_LEVEL = re.compile(rb"\n[^ \n-]")


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
    if not start or not raw.startswith(b"version: 1\n") or b"\r" in raw:
        return None
    start += len(b"interactions:\n")
    found = _TOP_LEVEL.search(raw, start)
    end = found.start() + 1 if found else len(raw)
    try:
        with collector_paused():
            skimmed = [_interaction(segment) for segment in _segments(raw, start, end)]
            _check_whole(raw[:start] + raw[end:], skimmed, path)
    except (_Unskimmable, UnicodeDecodeError, ValueError, KeyError, IndexError, CassetteDecodeError):
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


def _segments(raw: bytes, start: int, end: int) -> Iterator[str]:
    while start < end:
        following = raw.find(b"\n- request:\n", start, end)
        stop = following + 1 if following >= 0 else end
        yield raw[start:stop].decode("utf-8")
        start = stop


def _interaction(segment: str) -> Skimmed:
    lines = segment.split("\n")
    lines.pop()  # after the segment's last line break
    if lines[0] != "- request:" or not lines[1].startswith("    method: ") or not lines[2].startswith("    uri: "):
        raise _Unskimmable
    method, uri = _scalar(lines[1][12:]), _scalar(lines[2][9:])
    sections = _sections(lines, lines.index("  response:", 3) + 1)
    status = sections.get("status", [])
    code = _scalar(status[0][12:]) if status and status[0].startswith("      code: ") else None
    if not isinstance(method, str) or not isinstance(uri, str) or type(code) is not int:
        raise _Unskimmable
    headers = _headers(sections.get("headers"))
    if "content-encoding" in headers:
        raise _Unskimmable  # the events are in the decoded body
    body = _body(sections.get("body"))
    streamed = is_event_stream(headers.get("content-type"))
    events = count_events(body) if streamed else None
    response_at, last_at, complete, error, chunks, version = _recording(sections.get("ssetape"))
    if chunks and _chunks_total(chunks) != len(body):
        raise _Unskimmable  # loading names the fault
    head = b"\n\n".join(body.split(b"\n\n", HEAD_EVENTS)[:HEAD_EVENTS]) + b"\n\n" if streamed else b""
    return Skimmed(method, uri, code, streamed, events, len(body), response_at, last_at, complete, error, version, head)


#: Chunk timings as the writer writes them (``recorder.chunks``), matched whole: the sizes then just add up.
_WRITTEN_CHUNKS = re.compile(r"(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+):[0-9]+(?:[ \n]+(?!\Z)|\Z))*")


def _chunks_total(text: str) -> int:
    """The chunk sizes added up (a ValueError for text that is no chunk timings)."""
    if _WRITTEN_CHUNKS.fullmatch(text):
        return sum(map(int, text.replace(":", " ").split()[1::2]))
    return Chunks.from_text(text).total


def _sections(lines: list[str], first: int) -> dict[str, list[str]]:
    """The response's keys (four spaces in) and the lines under each; an inline value is its first line."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines[first:]:
        if line.startswith("      ") or not line:  # most lines: within a section
            if current is None:
                raise _Unskimmable
            current.append(line)
        elif line.startswith("    ") and line[4] != " ":
            name, colon, rest = line[4:].partition(":")
            if not colon or name in sections:
                raise _Unskimmable
            current = sections[name] = [rest] if rest else []
        else:
            raise _Unskimmable
    return sections


_scalars: dict[str, Any] = {}


def _scalar(text: str) -> Any:
    """:func:`scalar`, remembered: a listing reads the same few values on every interaction."""
    try:
        return _scalars[text]
    except KeyError:
        value = _scalars[text] = scalar(text)
        if isinstance(value, list) or len(_scalars) > 10_000:  # (a list could be changed by its reader)
            del _scalars[text]
        return value


def _headers(lines: list[str] | None) -> dict[str, str]:
    """``content-type`` and ``content-encoding`` (the first of each, as ``header()`` finds them)."""
    if not lines or lines == [" {}"]:
        return {}
    found: dict[str, str] = {}
    for line in lines:  # (each starts with six spaces or is empty: _sections saw to it)
        if line[6:7] in _NOT_CONTENT_HEADERS:
            continue  # a name that cannot be content-type or content-encoding
        name, colon, rest = line[6:].partition(": ")
        if not colon:
            raise _Unskimmable  # a value on lines of its own (``- text/event-stream``): not the writer's layout
        wanted = name.lower()
        if wanted in ("content-type", "content-encoding") and wanted not in found:
            values = _scalar(rest)
            if not colon or not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise _Unskimmable
            if values:
                found[wanted] = values[0]
    return found


def _body(lines: list[str] | None) -> bytes:
    if not lines:
        return b""
    if not lines[0].startswith("      string:"):
        raise _Unskimmable
    if len(lines) == 1 and lines[0].startswith("      string: '") and lines[0].endswith("'"):
        quoted = lines[0][15:-1]  # one line in single quotes (a JSON answer): '' stands for '
        if "'" not in quoted.replace("''", ""):
            return quoted.replace("''", "'").encode("utf-8")
    literal = _literal_body(lines)
    if literal is not None:
        return literal
    text = "body:\n" + "\n".join(lines) + "\n"
    data = parse(text)
    if data is None:  # a body PyYAML wrote double-quoted over several lines (CRLF streams): PyYAML reads it
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
_CHOMPING = {"      string: |+": "keep", "      string: |-": "strip", "      string: |": "clip"}
_BLOCK_INDENT = " " * 8


def _literal_body(lines: list[str]) -> bytes | None:
    """A body the writer wrote as a literal block (most streams), read as YAML reads it; None for any other
    (an indentation indicator, a line of spaces only, ...: :func:`parse` reads those)."""
    chomping = _CHOMPING.get(lines[0])
    if chomping is None or len(lines) < 2 or not lines[1].startswith(_BLOCK_INDENT) or not lines[1][8:].strip(" "):
        return None
    last = len(lines)
    while not lines[last - 1]:
        last -= 1
    block = lines[1:last]
    if not all(line.startswith(_BLOCK_INDENT) or not line for line in block) or not block[-1].strip(" "):
        return None
    if any(line[8:9] == " " and not line.strip(" ") for line in block):
        return None  # spaces only, deeper than the block: YAML keeps them, but let parse() decide
    text = "\n".join(line[8:] for line in block)
    ending = {"keep": "\n" * (len(lines) - last + 1), "strip": "", "clip": "\n"}[chomping]
    body = (text + ending).encode("utf-8")
    return body if plain_characters(body, encoded=True) else None  # else YAML may refuse it: parse() and PyYAML say


def _recording(lines: list[str] | None) -> tuple[float, float | None, bool, tuple[str, str] | None, str, int]:
    """Seconds to the headers, the last chunk's arrival, whether complete, the error, the chunks' text and
    the format."""
    if lines is None:
        return 0.0, None, True, None, "", 0
    fields: dict[str, str] = {}
    chunks: list[str] = []
    name = ""
    for line in lines:
        if line.startswith("      ") and line[6] not in " -":
            name, _, rest = line[6:].partition(":")
            fields[name] = rest.strip(" ")
            if name == "chunks" and not fields[name].startswith("|"):  # a literal block's header is no pair
                chunks.append(fields[name])
        elif name == "chunks" and line.startswith("        "):
            chunks.append(line)
        elif line.startswith("        ") and name == "error":
            continue
        elif line:
            raise _Unskimmable
    version = _scalar(fields["format"]) if "format" in fields else 0
    response_at = _scalar(fields["response_at"]) if "response_at" in fields else 0.0
    complete = _scalar(fields["complete"]) if "complete" in fields else True
    if type(version) is not int or version > FORMAT_VERSION or type(complete) is not bool:
        raise _Unskimmable  # a newer format: loading says so
    if type(response_at) not in (int, float):
        raise _Unskimmable
    text = " ".join(chunks)
    words = text.split()
    last_at = None
    if words and words != ["''"]:
        at, colon, _ = words[-1].partition(":")
        if not colon:
            raise _Unskimmable
        last_at = float(at)
    error = None
    if not complete and "error" in fields:
        data = parse("ssetape:\n" + "\n".join(lines) + "\n")
        problem = data["ssetape"].get("error") if data else None
        if not isinstance(problem, dict) or not all(isinstance(problem.get(k), str) for k in ("type", "message")):
            raise _Unskimmable
        error = (problem["type"], problem["message"])
    return float(response_at), last_at, complete, error, text if words != ["''"] else "", version


def count_events(body: bytes) -> int:
    """How many events an SSE decoder dispatches from ``body``: blocks ended by a blank line with a ``data``
    field (counted with byte searches; a body with a CR or a BOM goes through the decoder itself)."""
    if b"\r" in body or body.startswith(b"\xef\xbb\xbf"):
        return len(decode_sse(body))
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
