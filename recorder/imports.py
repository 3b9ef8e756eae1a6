"""Cassettes made from responses captured some other way: a raw SSE dump (``curl -N``), with or
without its headers (``curl -i``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from .cassette import Body, Cassette, Headers, Interaction, RecordedRequest, RecordedResponse, Recording, Status
from .errors import CassetteDecodeError
from .format import DEFAULT_URI
from .redact import redact_headers, redact_interaction
from .sse import decode

_STATUS_LINE = re.compile(rb"HTTP/\d(?:\.\d)? (\d{3})(?: ([^\r\n]*))?\r?\n")
_HEAD_END = re.compile(rb"\r?\n\r?\n")


def cassette_from_sse(
    body: bytes,
    *,
    method: str = "POST",
    uri: str = DEFAULT_URI,
    request_body: str | None = None,
    chunks: Sequence[tuple[float, int]] | None = None,
    status: int = 200,
    reason: str | None = "OK",
    headers: Headers | None = None,
    response_at: float = 0.0,
) -> Cassette:
    """One streamed interaction holding ``body``.

    With no ``chunks`` (``[seconds, size]`` pairs) nothing about timing is known: the cassette
    then has no ssetape extension, and each SSE event replays as one chunk with no delay.
    ``headers`` (the response's, as captured) default to an event-stream content type.
    """
    try:
        text: str | bytes = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body
    recording = None
    if chunks is not None:
        recording = Recording(recorded_at=datetime.now(UTC), response_at=response_at, chunks=list(chunks))
    return Cassette(
        interactions=[
            Interaction(
                request=RecordedRequest(
                    method=method,
                    uri=uri,
                    body=request_body,
                    headers={"content-type": ["application/json"]} if request_body else {},
                ),
                response=RecordedResponse(
                    status=Status(code=status, message=reason),
                    headers=headers if headers is not None else {"content-type": ["text/event-stream; charset=utf-8"]},
                    body=Body(string=text),
                    ssetape=recording,
                ),
            )
        ]
    )


def cassette_from_capture(
    data: bytes,
    *,
    method: str = "POST",
    uri: str = DEFAULT_URI,
    request_body: str | None = None,
    chunks: Sequence[tuple[float, int]] | None = None,
    source: Path | None = None,
) -> Cassette:
    """A cassette from what ``curl -N`` (the body) or ``curl -iN`` (headers, then the body) printed.

    ``chunks`` (``[seconds, size]`` pairs) time ``data`` as a whole, headers included: the response's
    arrival is the chunk that completes the headers, and the body keeps the rest. Without them the
    cassette holds no timing, as for :func:`cassette_from_sse`.

    A body with no server-sent event in it is refused (:class:`CassetteDecodeError` naming ``source``),
    unless its captured headers say it is something other than an event stream (a JSON error, say).
    """
    status, reason, headers, start = _split_head(data)
    body = data[start:]
    content_type = next((v[0] for k, v in (headers or {}).items() if k.lower() == "content-type" and v), None)
    streamed = content_type is None or content_type.split(";")[0].strip().lower() == "text/event-stream"
    if streamed and not decode(body):
        raise CassetteDecodeError(
            source,
            "holds no server-sent event: expected an event stream (lines like 'data: {...}' ending in a blank "
            "line), as curl -N prints it",
        )
    response_at = 0.0
    if chunks is not None:
        chunks, response_at = _drop_head(chunks, start)
    cassette = cassette_from_sse(
        body,
        method=method,
        uri=uri,
        request_body=request_body,
        chunks=chunks,
        status=status,
        reason=reason,
        headers=headers,
        response_at=response_at,
    )
    cassette.interactions = [redact_interaction(interaction) for interaction in cassette.interactions]
    return cassette


def _split_head(data: bytes) -> tuple[int, str | None, Headers | None, int]:
    """Status, reason, headers and where the body starts; the last header block wins (``100 Continue``)."""
    status, start = 200, 0
    reason: str | None = "OK"
    headers: Headers | None = None
    while match := _STATUS_LINE.match(data, start):
        end = _HEAD_END.search(data, match.end() - 2)
        if end is None:
            break
        status = int(match.group(1))
        reason = (match.group(2) or b"").decode("latin-1").strip() or None
        items = []
        for line in data[match.end() : end.start()].splitlines():
            name, sep, value = line.decode("latin-1").partition(":")
            if sep:
                items.append((name.strip(), value.strip()))
        headers = redact_headers(items)
        start = end.end()
    if headers is not None:
        # curl prints the body decoded and de-chunked: those headers no longer describe it.
        gone = {"content-encoding", "transfer-encoding"}
        if any(k.lower() == "content-encoding" for k in headers):
            gone.add("content-length")
        headers = {k: v for k, v in headers.items() if k.lower() not in gone}
    return status, reason, headers, start


def _drop_head(chunks: Sequence[tuple[float, int]], size: int) -> tuple[list[tuple[float, int]], float]:
    """The chunk timing of the body alone, and when the last header byte arrived."""
    out, seen, response_at = [], 0, 0.0
    for at, length in chunks:
        if seen + length <= size:
            seen += length
            response_at = at
            continue
        keep = length - max(size - seen, 0)
        if seen < size:
            response_at = at
        seen += length
        out.append((at, keep))
    return out, response_at
