"""Cassettes in other tools' dialects, written from the bundled fixtures' bytes: every dialect holds the same
streams, so a test can compare what ssetape reads from each with what it reads from the fixture itself.

Each writer takes a loaded fixture and a directory and returns the file it wrote. These are our own samples
of each layout (vcrpy's serializers, a project serializer's ``parsed_body``, Ruby VCR, curl dumps, HAR),
never copies of other projects' files.
"""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import brotli
import yaml
from backports import zstd

from ssetape.recorder import Cassette, Interaction
from ssetape.recorder.writer import to_data

from .conftest import FIXTURES

#: The streams every dialect is tested on: one of each API.
STREAMS = ("text", "responses_text", "chat_text", "anthropic_text", "gemini_text")

COMPRESS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "deflate": zlib.compress,
    "br": brotli.compress,
    "zstd": zstd.compress,
}


def fixture(name: str) -> Cassette:
    from ssetape.recorder import load

    return load(FIXTURES / f"{name}.yaml")


def _plain(cassette: Cassette) -> dict[str, Any]:
    """vcrpy's own layout: no ssetape key, bodies as text."""
    data = to_data(cassette, for_json=True)
    data.pop("ssetape", None)  # ssetape's own top-level key
    for interaction in data["interactions"]:
        interaction["response"].pop("ssetape", None)
    return data


def _dump_yaml(data: Any, path: Path) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def vcrpy_yaml(cassette: Cassette, where: Path) -> Path:
    return _dump_yaml(_plain(cassette), where / "vcrpy.yaml")


def vcrpy_json(cassette: Cassette, where: Path) -> Path:
    path = where / "vcrpy.json"
    path.write_text(json.dumps(_plain(cassette), indent=4), encoding="utf-8")
    return path


def binary_yaml(cassette: Cassette, where: Path) -> Path:
    """Every body as bytes (``!!binary``), as vcrpy writes a body it could not keep as text."""
    data = _plain(cassette)
    for interaction in data["interactions"]:
        if interaction["request"]["body"] is not None:
            interaction["request"]["body"] = interaction["request"]["body"].encode()
        interaction["response"]["body"]["string"] = (interaction["response"]["body"]["string"] or "").encode()
    return _dump_yaml(data, where / "binary.yaml")


def base64_json(cassette: Cassette, where: Path) -> Path:
    """Every body base64-encoded in JSON: request and response bodies as ``{encoding: base64, string}``."""
    data = _plain(cassette)
    for interaction in data["interactions"]:
        for side in ("request", "response"):
            body = interaction[side]["body"]
            text = body["string"] if isinstance(body, dict) else body
            if text is not None:
                interaction[side]["body"] = {"encoding": "base64", "string": base64.b64encode(text.encode()).decode()}
    path = where / "base64.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def parsed_body(cassette: Cassette, where: Path) -> Path:
    """A project serializer's dialect: JSON bodies kept as their value under ``parsed_body`` (request and
    response), lower-case headers, the stream body as text."""
    data = _plain(cassette)
    for interaction in data["interactions"]:
        request, response = interaction["request"], interaction["response"]
        if request["body"]:
            request["parsed_body"] = json.loads(request.pop("body"))
        media = next(iter(response["headers"].get("content-type", [""])))
        if media.startswith("application/json") and response["body"]["string"]:
            response["parsed_body"] = json.loads(response.pop("body")["string"])
    return _dump_yaml(data, where / "parsed_body.yaml")


def single_headers(cassette: Cassette, where: Path) -> Path:
    """Header values as single strings, and keys vcrpy never wrote (ignored)."""
    data = _plain(cassette)
    for interaction in data["interactions"]:
        interaction["recorded_by"] = "a test"
        for side in ("request", "response"):
            interaction[side]["headers"] = {k: ", ".join(v) for k, v in interaction[side]["headers"].items()}
            interaction[side]["note"] = "ignored"
    return _dump_yaml(data, where / "single_headers.yaml")


def compressed(encoding: str) -> Callable[[Cassette, Path], Path]:
    """vcrpy's layout with every response body compressed (``!!binary``) under ``content-encoding``."""

    def write(cassette: Cassette, where: Path) -> Path:
        data = _plain(cassette)
        for interaction in data["interactions"]:
            response = interaction["response"]
            body = (response["body"]["string"] or "").encode()
            response["body"]["string"] = COMPRESS[encoding](body)
            headers = {k: v for k, v in response["headers"].items() if k.lower() != "content-length"}
            response["headers"] = headers | {"Content-Encoding": [encoding]}
        return _dump_yaml(data, where / f"{encoding}.yaml")

    write.__name__ = encoding
    return write


def timed_gzip(cassette: Cassette, where: Path) -> Path:
    """ssetape's own format recording a gzip response: each network chunk compressed as the server
    flushed it, the chunk sizes those of the compressed bytes."""
    out = Cassette(interactions=[_gzipped(item) for item in cassette.interactions])
    return out.save(where / "timed_gzip.yaml")


def _gzipped(item: Interaction) -> Interaction:
    compressor = zlib.compressobj(wbits=zlib.MAX_WBITS | 16)
    chunks = item.chunks()
    pieces = [compressor.compress(chunk.data) + compressor.flush(zlib.Z_SYNC_FLUSH) for chunk in chunks]
    if pieces:
        pieces[-1] += compressor.flush()
    body = b"".join(pieces)
    response = item.response.model_copy(deep=True)
    response.headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"} | {
        "content-encoding": ["gzip"]
    }
    response.body.string = body
    if response.ssetape is not None:
        response.ssetape.chunks = [(chunk.at, len(piece)) for chunk, piece in zip(chunks, pieces, strict=True)]
    return Interaction(request=item.request, response=response)


def ruby_vcr(cassette: Cassette, where: Path) -> Path:
    """Ruby VCR: ``http_interactions``, ``{encoding, string}`` bodies, ``{code, message}`` statuses, the
    stream body compressed under ``base64_string`` (binary), ``recorded_at`` / ``recorded_with``."""
    interactions = []
    for item in cassette.interactions:
        request, response = item.request, item.response
        body: dict[str, Any]
        if item.streamed:
            body = {
                "encoding": "ASCII-8BIT",
                "base64_string": base64.encodebytes(gzip.compress(response.body_bytes)).decode(),
            }
            headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
            headers |= {"Content-Encoding": ["gzip"]}
        else:
            body, headers = {"encoding": "UTF-8", "string": response.body_bytes.decode()}, dict(response.headers)
        interactions.append(
            {
                "request": {
                    "method": request.method.lower(),
                    "uri": request.uri,
                    "body": {"encoding": "UTF-8", "string": request.body_bytes.decode()},
                    "headers": dict(request.headers),
                },
                "response": {
                    "status": {"code": response.status.code, "message": response.status.message or ""},
                    "headers": headers,
                    "body": body,
                    "http_version": None,
                },
                "recorded_at": "Mon, 07 Dec 2026 05:00:00 GMT",
            }
        )
    data = {"http_interactions": interactions, "recorded_with": "VCR 6.3.1"}
    return _dump_yaml(data, where / "ruby_vcr.yml")


def sse_dump(cassette: Cassette, where: Path) -> Path:
    """What ``curl -N`` prints: the first stream's body alone, in a ``.sse`` file."""
    path = where / "dump.sse"
    path.write_bytes(_stream(cassette).response.body_bytes)
    return path


def curl_i(cassette: Cassette, where: Path) -> Path:
    """What ``curl -iN`` prints (status line, headers, body) in a file with no telling name."""
    item = _stream(cassette)
    head = f"HTTP/1.1 {item.response.status.code} {item.response.status.message or ''}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, values in item.response.headers.items() for v in values)
    path = where / "capture.txt"
    path.write_bytes(head.encode("latin-1") + b"\r\n" + item.response.body_bytes)
    return path


def har(cassette: Cassette, where: Path) -> Path:
    """A browser's HAR export: every entry's body under ``content.text``, no timing extension."""
    entries = []
    for item in cassette.interactions:
        request, response = item.request, item.response
        entries.append(
            {
                "startedDateTime": "2026-12-07T05:00:00.000Z",
                "time": 10,
                "request": {
                    "method": request.method,
                    "url": request.uri,
                    "httpVersion": "HTTP/1.1",
                    "headers": [{"name": k, "value": v} for k, vs in request.headers.items() for v in vs],
                    "queryString": [],
                    "postData": {"mimeType": "application/json", "text": request.body_bytes.decode()},
                },
                "response": {
                    "status": response.status.code,
                    "statusText": response.status.message or "",
                    "httpVersion": "HTTP/1.1",
                    "headers": [{"name": k, "value": v} for k, vs in response.headers.items() for v in vs],
                    "content": {
                        "size": len(response.body_bytes),
                        "mimeType": response.header("content-type") or "",
                        "text": response.body_bytes.decode(),
                    },
                },
                "timings": {"send": 0, "wait": 5, "receive": 5},
            }
        )
    path = where / "session.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "creator": {"name": "test"}, "entries": entries}}))
    return path


def _stream(cassette: Cassette) -> Interaction:
    return cassette.interactions[cassette.streams()[0]]


#: Every dialect, by name.
DIALECTS: dict[str, Callable[[Cassette, Path], Path]] = {
    "vcrpy_yaml": vcrpy_yaml,
    "vcrpy_json": vcrpy_json,
    "binary_yaml": binary_yaml,
    "base64_json": base64_json,
    "parsed_body": parsed_body,
    "single_headers": single_headers,
    **{f"content_{name}": compressed(name) for name in COMPRESS},
    "timed_gzip": timed_gzip,
    "ruby_vcr": ruby_vcr,
    "sse_dump": sse_dump,
    "curl_i": curl_i,
    "har": har,
}
#: The dialects that keep the request (an SSE dump has only the response).
WITH_REQUEST = tuple(name for name in DIALECTS if name not in ("sse_dump", "curl_i"))
#: The dialects plain vcrpy reads with its own serializers.
VCRPY_READS = ("vcrpy_yaml", "binary_yaml", "content_gzip", "content_deflate", "content_br", "content_zstd")


def write(dialect: str, stream: str, where: Path) -> Path:
    """The fixture ``stream`` written in ``dialect`` under ``where`` (a directory of its own)."""
    folder = where / f"{dialect}-{stream}"
    folder.mkdir(parents=True, exist_ok=True)
    return DIALECTS[dialect](fixture(stream), folder)
