"""The writer's usual shape of a complete interaction, read by one match from where the last one ended: what
:mod:`.skimming` reads first, before it cuts the rest out and reads them line by line.
"""

from __future__ import annotations

import re

from .format import is_event_stream
from .skim_fields import (
    _INDENT,
    Body,
    Skimmed,
    _body,
    _format,
    _headers,
    _scalar,
    _Unskimmable,
    _written_chunks,
    count_events,
)

#: Chunk timings as the writer writes them, ``seconds:size`` pairs one space apart (a line of them).
_PAIRS = rb"[0-9]++(?:\.[0-9]++)?+:[0-9]++(?: [0-9]++(?:\.[0-9]++)?+:[0-9]++)*+"
#: A whole interaction as the writer writes a complete one, its request's lines after the URI skipped (up to the
#: first ``  response:``, none the next interaction's or a top-level key), its response's keys in the writer's
#: order, its chunk timings on one line or as a literal block of lines: what :func:`.skimming._interaction` reads by
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


def _usual_interaction(raw: bytes, match: re.Match[bytes]) -> Skimmed:
    """:func:`.skimming._interaction` for one matched whole (:data:`_USUAL_INTERACTION`): what it reads line by line."""
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


def _usual_stream(raw: bytes, start: int, end: int) -> tuple[int, int] | None:
    """The size and event count of the body in a response's ``body`` section ``raw[start:end]`` when it matches
    :data:`_USUAL_STREAM_BLOCK`, else None."""
    if _USUAL_STREAM_BLOCK.fullmatch(raw, start, end) is None:
        return None
    # An empty line between each two events; every other line is eight spaces in. (Searches for these long
    # needles skip ahead: counting each line break took twice as long.)
    events = raw.count(b"\n\n        ", start, end) + 1
    return end - start - _STREAM_HEADER - 8 * raw.count(_INDENT, start, end), events
