"""The ways vcrpy cassettes differ from one project to another, brought to the one layout ``Cassette`` reads.

vcrpy's YAML and JSON serializers, and the serializers projects write for it, store the same interactions
with small differences: a body as text, as bytes (YAML ``!!binary``, base64 in JSON), or as the JSON value
itself under ``parsed_body`` (beside ``body``, in the request or the response); header values as lists
or as single values; a status as a mapping or a bare code. Each is rewritten in place here, so a request
reads as the bytes it was sent with and matches its own recording on replay.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from .encodings import UnknownEncodingError
from .encodings import decode as decode_encoding
from .errors import CassetteDecodeError

__all__ = ["normalise_interactions"]


class _Problem(ValueError):
    """A dialect value that cannot be read, located below the interaction (``response.body``)."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(problem)
        self.where = where


def normalise_interactions(data: dict[str, Any], path: Any, key: str = "interactions") -> None:
    """Rewrites every interaction of ``data[key]`` in ssetape's layout; a value that cannot be read raises
    :class:`CassetteDecodeError` naming the file and ``key.N.request.body``-style place."""
    interactions = data.get(key)
    if not isinstance(interactions, list):
        return
    for index, interaction in enumerate(interactions):
        if not isinstance(interaction, dict):
            continue
        try:
            _interaction(interaction)
        except _Problem as exc:
            loc: tuple[int | str, ...] = (key, index, *exc.where.split("."))
            raise CassetteDecodeError(path, f"{key}.{index}.{exc.where}: {exc}", loc=loc) from None


def _interaction(interaction: dict[str, Any]) -> None:
    request, response = interaction.get("request"), interaction.get("response")
    if isinstance(request, dict):
        request["headers"] = _headers(request.get("headers"), "request.headers")
        parsed = "parsed_body" in request
        if parsed:
            request["body"] = _dumped(request.pop("parsed_body"))
        else:
            request["body"] = _body(request.get("body"), "request.body")
        if parsed:
            _drop_encoding(request["headers"])
    if isinstance(response, dict):
        response["headers"] = _headers(response.get("headers"), "response.headers")
        status = response.get("status")
        if isinstance(status, int | str) and not isinstance(status, bool):
            response["status"] = {"code": status}
        body = response.get("body")
        recording = response.get("ssetape")
        if isinstance(recording, dict) and recording.get("body_encoding") == "base64" and isinstance(body, dict):
            # ssetape's own JSON cassettes keep a body that is not UTF-8 text as base64.
            body = {"string": body.get("string") or "", "encoding": "base64"}
            del recording["body_encoding"]
        if "parsed_body" in response:
            response["body"] = {"string": _dumped(response.pop("parsed_body"))}
            _drop_encoding(response["headers"])
        elif not (isinstance(body, dict) and "string" in body and set(body) <= {"string"}):
            response["body"] = {"string": _body(body, "response.body")}
        _check_encoding(response)


def _headers(value: Any, where: str) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _Problem(where, f"expected a mapping of header names to values, found {type(value).__name__}")
    out: dict[str, list[str]] = {}
    for name, values in value.items():
        items = values if isinstance(values, list | tuple) else [values]
        for item in items:
            if isinstance(item, dict | list | tuple):  # text, bytes or a number is a value; these are not
                raise _Problem(f"{where}.{name}", f"expected a header value (text), found {type(item).__name__}")
        out[str(name)] = [_text(item) for item in items if item is not None]
    return out


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def _body(value: Any, where: str) -> str | bytes | None:
    """A body as stored: text, bytes, or a mapping of ``string`` / ``base64_string`` / ``encoding``."""
    if value is None or isinstance(value, str | bytes):
        return value
    if not isinstance(value, dict):
        raise _Problem(where, f"expected text, bytes or a mapping with 'string', found {type(value).__name__}")
    if "base64_string" in value:
        return _base64(value["base64_string"], f"{where}.base64_string")
    string = value.get("string")
    if isinstance(value.get("encoding"), str) and value["encoding"].lower() == "base64":
        return _base64(string, f"{where}.string")
    if string is None or isinstance(string, str | bytes):
        return string
    raise _Problem(f"{where}.string", f"expected text or bytes, found {type(string).__name__}")


def _base64(value: Any, where: str) -> bytes:
    if not isinstance(value, str | bytes):
        raise _Problem(where, f"expected base64 text, found {type(value).__name__}")
    try:
        return base64.b64decode(
            "".join(value.split()) if isinstance(value, str) else b"".join(value.split()), validate=True
        )
    except (binascii.Error, ValueError) as exc:
        raise _Problem(where, f"is not base64: {exc}") from None


def _dumped(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _drop_encoding(headers: dict[str, list[str]]) -> None:
    """A body kept as parsed JSON was stored decoded: the coding and length no longer describe it."""
    for name in [name for name in headers if name.lower() in ("content-encoding", "content-length")]:
        del headers[name]


def _check_encoding(response: dict[str, Any]) -> None:
    """A compressed body must decode; one stored already decoded (a header left behind) loses the header."""
    headers = response["headers"]
    encoding = next((v[0] for k, v in headers.items() if k.lower() == "content-encoding" and v), None)
    body = response["body"].get("string") if isinstance(response.get("body"), dict) else None
    if not encoding or not body:
        return
    raw = body.encode("utf-8") if isinstance(body, str) else body
    try:
        decode_encoding(encoding, [raw])
    except UnknownEncodingError as exc:
        raise _Problem("response.headers.content-encoding", str(exc)) from None
    except ValueError as exc:
        if isinstance(body, str):
            _drop_encoding(headers)
            return
        raise _Problem("response.body", str(exc)) from None
