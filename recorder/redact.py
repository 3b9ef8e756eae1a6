"""Keeping secrets off disk: headers that carry credentials, and chosen JSON fields, are replaced before anything
is written; values taken out of a request are taken out of its response too (:class:`ResponseRedactor`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from .cassette import Body, Headers, Interaction
from .credentials import (
    REDACTED,
    SECRET_HEADERS,
    ValueScrubber,
    forms,
    redact_headers_and_collect,
    redact_url,
    scrub_bytes,
    scrub_headers,
)
from .sse import ServerSentEvent, SSEDecoder

__all__ = [
    "REDACTED",
    "SECRET_HEADERS",
    "BodyRedactor",
    "JsonPath",
    "ResponseRedactor",
    "parse_json_path",
    "redact_headers",
    "redact_interaction",
    "redact_json",
    "redact_json_bytes",
    "resize_chunks",
]


def redact_headers(items: Iterable[tuple[str, str]], extra: Iterable[str] = ()) -> Headers:
    """Group header items by name (vcrpy's layout), replacing the values of secret ones."""
    return redact_headers_and_collect(items, extra)[0]


# -- JSON fields ----------------------------------------------------------------------------------------
#
# A path names fields from the top of a JSON document: ``metadata.user_email``, ``messages.*.content``.
# ``*`` stands for any one key or list index, ``**`` for any number of levels (``**.api_key`` finds the
# key at any depth). Paths apply to every JSON document the recording holds: request bodies, JSON
# response bodies and the ``data`` of each server-sent event.

JsonPath = tuple[str, ...]


def parse_json_path(text: str) -> JsonPath:
    """``"messages.*.content"`` -> ``("messages", "*", "content")``; raise ValueError on an empty segment."""
    segments = tuple(text.strip().split("."))
    if not text.strip() or any(not segment for segment in segments):
        raise ValueError(f"{text!r} is not a JSON field path: expected names separated by dots, like metadata.email")
    return segments


def redact_json(value: Any, paths: Iterable[JsonPath]) -> tuple[Any, bool]:
    """Replace the values at ``paths`` by :data:`REDACTED`; returns the new value and whether any matched.

    Containers are changed in place (the value is expected to be fresh from ``json.loads``).
    """
    changed = False
    for path in paths:
        value, hit = _redact_at(value, path)
        changed = changed or hit
    return value, changed


def _redact_at(value: Any, path: JsonPath) -> tuple[Any, bool]:
    if not path:
        return REDACTED, True
    head, rest = path[0], path[1:]
    if head == "**":
        value, changed = _redact_at(value, rest)
        for key, child in _children(value):
            new, hit = _redact_at(child, path)
            if hit:
                value[key] = new
                changed = True
        return value, changed
    changed = False
    for key, child in _children(value):
        if head == "*" or str(key) == head:
            value[key], hit = _redact_at(child, rest)
            changed = changed or hit
    return value, changed


def _children(value: Any) -> list[tuple[Any, Any]]:
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, list):
        return list(enumerate(value))
    return []


def redact_json_bytes(data: bytes, paths: Sequence[JsonPath]) -> bytes | None:
    """``data`` with the fields at ``paths`` redacted; ``data`` itself when none matched; None when not JSON."""
    try:
        value = json.loads(data)
    except ValueError:
        return None
    value, changed = redact_json(value, paths)
    if not changed:
        return data
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _redact_event(raw: bytes, paths: Sequence[JsonPath]) -> bytes:
    """One complete SSE event (its lines and the blank line ending it) with its ``data`` redacted."""
    lines = raw.splitlines(keepends=True)
    data_lines = [i for i, line in enumerate(lines) if line.rstrip(b"\r\n").partition(b":")[0] == b"data"]
    values = []
    for i in data_lines:
        value = lines[i].rstrip(b"\r\n").partition(b":")[2]
        values.append(value[1:] if value[:1] == b" " else value)
    redacted = redact_json_bytes(b"\n".join(values), paths)
    if redacted is None or redacted == b"\n".join(values):
        return raw
    first = lines[data_lines[0]]
    ending = first[len(first.rstrip(b"\r\n")) :]
    lines[data_lines[0]] = b"data: " + redacted + ending
    for i in reversed(data_lines[1:]):
        del lines[i]
    return b"".join(lines)


class BodyRedactor:
    """Redacts JSON fields in a response body as it arrives: ``feed(bytes) -> bytes``, ``flush() -> bytes``.

    An event stream is released event by event as each one completes, with its ``data`` redacted; an
    unterminated event at the end (a cut stream) cannot be parsed, so it is dropped rather than risk a
    secret. Any other body is released whole at ``flush``: redacted if it is JSON, unchanged if it is
    complete and not JSON, dropped if it was cut off and does not parse. The output does not depend on
    how the input was split, and :meth:`map_chunks` moves recorded chunk boundaries to match it.
    """

    def __init__(self, paths: Sequence[JsonPath], *, event_stream: bool) -> None:
        self._paths = tuple(paths)
        self._decoder = SSEDecoder() if event_stream else None
        self._buffer = bytearray()
        self._offset = 0  # stream offset of self._buffer[0]
        #: (start, end, new length) of every span of the input that was replaced, in order.
        self._replaced: list[tuple[int, int, int]] = []

    def feed(self, data: bytes) -> bytes:
        self._buffer += data
        if self._decoder is None:
            return b""
        return self._release(self._decoder.feed(data))

    def flush(self, *, complete: bool = True) -> bytes:
        if self._decoder is not None:
            out = self._release(self._decoder.flush())
            tail = bytes(self._buffer)
            if tail.strip():
                self._replace(self._offset, len(tail), b"")
            else:
                out += tail
            self._buffer.clear()
            return out
        whole = bytes(self._buffer)
        self._buffer.clear()
        redacted = redact_json_bytes(whole, self._paths)
        if redacted is None:
            redacted = whole if complete else b""
        if redacted != whole:
            self._replace(0, len(whole), redacted)
        return redacted

    def _release(self, events: list[ServerSentEvent]) -> bytes:
        out = bytearray()
        pos = self._offset
        for event in events:
            out += self._buffer[pos - self._offset : event.start - self._offset]
            raw = bytes(self._buffer[event.start - self._offset : event.end - self._offset])
            redacted = _redact_event(raw, self._paths)
            if redacted != raw:
                self._replace(event.start, len(raw), redacted)
            out += redacted
            pos = event.end
        del self._buffer[: pos - self._offset]
        self._offset = pos
        return bytes(out)

    def _replace(self, start: int, length: int, new: bytes) -> None:
        self._replaced.append((start, start + length, len(new)))

    @property
    def replaced(self) -> list[tuple[int, int, int]]:
        return self._replaced

    def map_chunks(self, chunks: Iterable[tuple[float, int]]) -> list[tuple[float, int]]:
        return resize_chunks(self._replaced, chunks)


def resize_chunks(
    replaced: Iterable[tuple[int, int, int]], chunks: Iterable[tuple[float, int]]
) -> list[tuple[float, int]]:
    """Recorded ``(at, size)`` chunks of an input, resized to cover the output once the ``replaced``
    spans (``(start, end, new length)``, in order) were replaced.

    A replaced span counts as arriving with the chunk that completed it; chunks left empty go.
    """
    out: list[tuple[float, int]] = []
    end = previous = shift = 0
    spans = iter(replaced)
    span = next(spans, None)
    for at, size in chunks:
        end += size
        while span is not None and end >= span[1]:  # offsets only grow: walk the spans once
            shift += span[2] - (span[1] - span[0])
            span = next(spans, None)
        mapped = span[0] + shift if span is not None and end > span[0] else end + shift
        if mapped > previous:
            out.append((at, mapped - previous))
            previous = mapped
    return out


class ResponseRedactor:
    """A response body on its way to disk: JSON fields redacted (:class:`BodyRedactor`), then every secret
    value the request carried (:class:`~recorder.credentials.ValueScrubber`). False when there is nothing
    to redact."""

    def __init__(self, paths: Sequence[JsonPath], values: Sequence[bytes], *, event_stream: bool) -> None:
        self._stages: list[BodyRedactor | ValueScrubber] = []
        if paths:
            self._stages.append(BodyRedactor(paths, event_stream=event_stream))
        if values:
            self._stages.append(ValueScrubber(values))

    def __bool__(self) -> bool:
        return bool(self._stages)

    def feed(self, data: bytes) -> bytes:
        for stage in self._stages:
            data = stage.feed(data)
        return data

    def flush(self, *, complete: bool = True) -> bytes:
        out = b""
        for stage in self._stages:
            out = (stage.feed(out) if out else b"") + stage.flush(complete=complete)
        return out

    @property
    def resized(self) -> bool:
        """Whether a stage replaced anything so far (only then do the output's chunks differ from the input's)."""
        return any(stage.replaced for stage in self._stages)

    def map_chunks(self, chunks: Iterable[tuple[float, int]]) -> list[tuple[float, int]]:
        """The recorded chunks resized to the output, stage by stage."""
        result = list(chunks)
        for stage in self._stages:
            result = resize_chunks(stage.replaced, result)
        return result


def redact_interaction(interaction: Interaction) -> Interaction:
    """An interaction captured elsewhere (a HAR, curl output) with the credentials of its request taken
    out of it everywhere, as recording does: headers, URL, request body, and the response's headers and
    body (chunk sizes follow the body)."""
    request, response = interaction.request, interaction.response
    items = [(name, value) for name, values in request.headers.items() for value in values]
    headers, in_headers = redact_headers_and_collect(items)
    uri, in_url = redact_url(request.uri)
    secrets = forms(in_headers + in_url)
    request_body = request.body
    if secrets and request_body is not None:
        request_body = _text_or_bytes(scrub_bytes(request.body_bytes, secrets))
    response_items = [(name, value) for name, values in response.headers.items() for value in values]
    response_headers = redact_headers(response_items)
    recording, body = response.ssetape, response.body.string
    if secrets:
        response_headers = scrub_headers(response_headers, secrets)
        scrubber = ValueScrubber(secrets)
        scrubbed = scrubber.feed(response.body_bytes) + scrubber.flush()
        if scrubber.replaced:
            body = _text_or_bytes(scrubbed)
            if recording is not None and recording.chunks:
                recording = recording.model_copy(update={"chunks": resize_chunks(scrubber.replaced, recording.chunks)})
    return interaction.model_copy(
        update={
            "request": request.model_copy(update={"uri": uri, "headers": headers, "body": request_body}),
            "response": response.model_copy(
                update={"headers": response_headers, "body": Body(string=body), "ssetape": recording}
            ),
        }
    )


def _text_or_bytes(data: bytes) -> str | bytes:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data
