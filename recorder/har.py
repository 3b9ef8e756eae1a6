"""HAR (HTTP Archive 1.2) in and out: what browsers' devtools, mitmproxy and proxies export.

Reading takes every entry (or those whose URL matches a pattern) as an interaction, secrets
redacted as when recording. A HAR says nothing about chunk timing, except in two extensions read
here: ssetape's own ``_ssetape`` (written by :func:`cassette_to_har`, so a cassette survives the
round trip exactly) and Chrome's ``_eventSourceMessages`` (each event with its arrival time, and the
only copy of an ``EventSource`` body, which Chrome does not keep in ``content.text``).
"""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pydantic import ValidationError

from .cassette import (
    Body,
    Cassette,
    CutOff,
    Headers,
    Interaction,
    RecordedRequest,
    RecordedResponse,
    Recording,
    Status,
)
from .errors import CassetteDecodeError
from .format import is_event_stream
from .redact import redact_interaction
from .sse import decode as decode_sse

__all__ = ["cassette_from_har", "cassette_to_har", "is_har"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def cassette_from_har(
    data: bytes | str | dict[str, Any], *, match: str | None = None, source: Path | None = None
) -> Cassette:
    """The entries of a HAR file as a cassette; ``match`` (a regular expression) keeps the URLs it finds.

    Raises :class:`CassetteDecodeError` (naming ``source``) for anything that is not a HAR with entries.
    """
    har = data
    if not isinstance(har, dict):
        try:
            har = json.loads(har)
        except ValueError as exc:
            raise CassetteDecodeError(source, f"not a HAR file: invalid JSON: {exc}") from None
    entries = har.get("log", {}).get("entries") if isinstance(har, dict) and isinstance(har.get("log"), dict) else None
    if not isinstance(entries, list):
        raise CassetteDecodeError(source, "not a HAR file: expected a JSON object with log.entries")
    pattern = re.compile(match) if match else None
    interactions = []
    for number, entry in enumerate(entries):
        try:
            url = entry["request"]["url"]
            if pattern is not None and not pattern.search(url):
                continue
            interactions.append(_interaction(entry))
        except (KeyError, TypeError, ValueError, ValidationError) as exc:
            problem = f"missing {exc}" if isinstance(exc, KeyError) else str(exc).splitlines()[0]
            raise CassetteDecodeError(source, f"HAR entry {number}: {problem}") from None
    if not interactions:
        wanted = f" whose URL matches {match!r}" if match else ""
        raise CassetteDecodeError(source, f"the HAR file has no entries{wanted} ({len(entries)} in all)")
    return Cassette(interactions=interactions)


def _interaction(entry: dict[str, Any]) -> Interaction:
    request, response = entry["request"], entry["response"]
    request_body = _post_data(request.get("postData"))
    headers = _headers(response.get("headers", []))
    content = response.get("content") or {}
    body = _content(content)
    messages = entry.get("_eventSourceMessages") or []
    if not body and messages:
        body = b"".join(_sse(message) for message in messages)
        if not any(k.lower() == "content-type" for k in headers):
            headers["content-type"] = ["text/event-stream"]
    recording = _recording(entry, body, messages)
    stream_type = next((v for k, values in headers.items() if k.lower() == "content-type" for v in values), None)
    if not body and recording is None and is_event_stream(stream_type):
        # DevTools keeps no body for a stream still open when the HAR was saved: not a stream that sent nothing.
        recording = Recording(complete=False, error=CutOff(type="NoBodyKept", message=_NO_BODY))
    return redact_interaction(
        Interaction(
            request=RecordedRequest(
                method=request["method"],
                uri=request["url"],
                body=request_body,
                headers=_headers(request.get("headers", [])),
            ),
            response=RecordedResponse(
                status=Status(code=response["status"], message=response.get("statusText") or None),
                headers=headers,
                body=Body(string=_text(body)),
                ssetape=recording,
            ),
        )
    )


_NO_BODY = "the HAR file keeps no body for this stream (a browser keeps none for a stream still open when it saves)"


def _headers(items: list[dict[str, Any]]) -> Headers:
    pairs = [(h["name"], str(h["value"])) for h in items if not h["name"].startswith(":")]  # no HTTP/2 pseudo-headers
    headers: Headers = {}
    for name, value in pairs:  # secret ones are redacted with the whole interaction
        headers.setdefault(name, []).append(value)
    # The HAR body is decoded; a content-length would describe the encoded one.
    if any(k.lower() == "content-encoding" for k in headers):
        headers = {k: v for k, v in headers.items() if k.lower() not in ("content-encoding", "content-length")}
    return headers


def _post_data(post: dict[str, Any] | None) -> str | bytes | None:
    if not post or post.get("text") is None:
        return None
    if post.get("_encoding") == "base64":
        return base64.b64decode(post["text"])
    return str(post["text"])


def _content(content: dict[str, Any]) -> bytes:
    text = content.get("text")
    if not text:
        return b""
    if content.get("encoding") == "base64":
        return base64.b64decode(text)
    return str(text).encode("utf-8")


def _text(body: bytes) -> str | bytes:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body


def _sse(message: dict[str, Any]) -> bytes:
    lines = []
    name = message.get("eventName") or ""
    if name and name != "message":
        lines.append(f"event: {name}")
    if message.get("eventId"):
        lines.append(f"id: {message['eventId']}")
    lines += [f"data: {line}" for line in str(message.get("data", "")).split("\n")]
    return ("\n".join(lines) + "\n\n").encode("utf-8")


def _recording(entry: dict[str, Any], body: bytes, messages: list[dict[str, Any]]) -> Recording | None:
    own = entry.get("_ssetape")
    if isinstance(own, dict):
        return Recording.model_validate(own)
    times = [m.get("time") for m in messages]
    if not messages or not all(isinstance(t, int | float) for t in times):
        return None
    events = decode_sse(body)
    if len(events) != len(messages):
        return None  # the body and the messages disagree: no timing rather than wrong timing
    timings = entry.get("timings") or {}
    before = sum(max(float(timings.get(k) or 0), 0.0) for k in ("blocked", "dns", "connect", "send", "wait")) / 1000
    first = float(times[0])  # type: ignore[arg-type]
    chunks, position = [], 0
    for event, at in zip(events, times, strict=True):
        chunks.append((before + float(at) - first, event.end - position))  # type: ignore[arg-type]
        position = event.end
    if position < len(body):
        chunks.append((chunks[-1][0], len(body) - position))
    return Recording(recorded_at=_started(entry), response_at=before, chunks=chunks)


def _started(entry: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(entry["startedDateTime"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None


# --- writing ---------------------------------------------------------------------------------------


def cassette_to_har(cassette: Cassette) -> dict[str, Any]:
    """The cassette as a HAR 1.2 log, with ssetape's recording under ``_ssetape`` in each entry and
    streamed events under ``_eventSourceMessages`` (as Chrome writes them), so HAR viewers show them."""
    try:
        version = metadata.version("ssetape")
    except metadata.PackageNotFoundError:
        version = "0"
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "ssetape", "version": version},
            "entries": [_entry(item) for item in cassette.interactions],
        }
    }


def _entry(item: Interaction) -> dict[str, Any]:
    recording = item.response.ssetape
    # HAR keeps the body decoded (content.text), the size sent in bodySize, the encoding in the headers.
    encoded = bool(item.response.header("content-encoding"))
    chunks = item.decoded_chunks() if encoded else item.chunks()
    duration = max(chunks[-1].at if chunks else 0.0, item.response_at)
    started = recording.recorded_at if recording is not None and recording.recorded_at is not None else _EPOCH
    request, response = item.request, item.response
    entry: dict[str, Any] = {
        "startedDateTime": started.isoformat().replace("+00:00", "Z"),
        "time": round(duration * 1000, 3),
        "request": {
            "method": request.method,
            "url": request.uri,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _har_headers(request.headers),
            "queryString": [{"name": k, "value": v} for k, v in parse_qsl(urlsplit(request.uri).query, True)],
            "headersSize": -1,
            "bodySize": len(request.body_bytes),
        },
        "response": {
            "status": response.status.code,
            "statusText": response.status.message or "",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _har_headers(response.headers),
            "content": _har_content(b"".join(chunk.data for chunk in chunks), response.header("content-type") or ""),
            "redirectURL": response.header("location") or "",
            "headersSize": -1,
            "bodySize": len(response.body_bytes),
        },
        "cache": {},
        "timings": {
            "send": 0,
            "wait": round(item.response_at * 1000, 3),
            "receive": round((duration - item.response_at) * 1000, 3),
        },
    }
    if request.body is not None:
        post = _har_content(request.body_bytes, request.header("content-type") or "")
        entry["request"]["postData"] = {"mimeType": post["mimeType"], "text": post["text"]}
        if post.get("encoding"):
            entry["request"]["postData"]["_encoding"] = post["encoding"]
    if encoded:
        entry["response"]["content"]["compression"] = entry["response"]["content"]["size"] - len(response.body_bytes)
    # ssetape's own recording, which import reads back as it is: for a body kept decoded, the sizes of what each
    # network chunk decoded to; for one recorded with no times (another tool's, a raw dump), a recording that says
    # so, where the events' times (0, from nothing) would read as times.
    own = recording if recording is not None else Recording()
    if encoded and own.chunks:
        own = own.model_copy(update={"chunks": [(chunk.at, len(chunk.data)) for chunk in chunks]})
    entry["_ssetape"] = own.model_dump(mode="json", exclude_none=True)
    if item.streamed:
        base = started if started is not _EPOCH else None
        entry["_eventSourceMessages"] = [
            {
                "time": _time(base, chunks[event.chunk].at if event.chunk < len(chunks) else duration),
                "eventName": event.event,
                "eventId": event.id or "",
                "data": event.data,
            }
            for event in decode_sse(response.decoded_body)
        ]
    return entry


def _time(base: datetime | None, at: float) -> float:
    return round((base + timedelta(seconds=at)).timestamp() if base is not None else at, 6)


def _har_headers(headers: Headers) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, values in headers.items() for value in values]


def _har_content(body: bytes, mime: str) -> dict[str, Any]:
    try:
        return {"size": len(body), "mimeType": mime, "text": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {
            "size": len(body),
            "mimeType": mime,
            "text": base64.b64encode(body).decode("ascii"),
            "encoding": "base64",
        }


def is_har(data: bytes) -> bool:
    """Whether ``data`` looks like a HAR file (a JSON object with a ``log``), without parsing it all."""
    head = data.lstrip()[:4096]
    return head.startswith(b"{") and re.search(rb'"log"\s*:', head) is not None
