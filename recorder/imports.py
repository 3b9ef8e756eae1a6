"""Cassettes made from responses captured some other way (a raw SSE dump from ``curl -N``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from .cassette import Body, Cassette, Interaction, RecordedRequest, RecordedResponse, Recording, Status

DEFAULT_URI = "https://api.openai.com/v1/threads/runs"


def cassette_from_sse(
    body: bytes,
    *,
    method: str = "POST",
    uri: str = DEFAULT_URI,
    request_body: str | None = None,
    chunks: Sequence[tuple[float, int]] | None = None,
) -> Cassette:
    """One streamed interaction holding ``body``.

    With no ``chunks`` (``[seconds, size]`` pairs) nothing about timing is known: the cassette
    then has no ssetape extension, and each SSE event replays as one chunk with no delay.
    """
    try:
        text: str | bytes = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body
    recording = None
    if chunks is not None:
        recording = Recording(recorded_at=datetime.now(UTC), chunks=list(chunks))
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
                    status=Status(code=200, message="OK"),
                    headers={"content-type": ["text/event-stream; charset=utf-8"]},
                    body=Body(string=text),
                    ssetape=recording,
                ),
            )
        ]
    )
