"""What ``google-genai`` does to each chunk of ``generate_content_stream``, from its own functions.

The SDK keeps this pipeline inside ``Models._generate_content_stream`` and ``BaseApiClient.request_streamed``
(no public function parses one chunk), so replaying it exactly means calling the private converters those
use: ``models._GenerateContentResponse_from_mldev`` / ``_from_vertex`` and
``GenerateContentResponse._from_response`` (and, for ``validate``, ``_common._remove_extra_fields``); and,
for a body that is not plain ``data: `` lines, the reader itself (``_api_client.HttpResponse``). They are
imported here only, so that an SDK release moving them breaks one small module.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import httpx2
from google.genai import _api_client, _common, errors, models, types

__all__ = ["ChunkReader", "convert", "converted", "not_json", "response_headers", "texts_read"]


def response_headers(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The response's headers as the SDK keeps them in each chunk's ``sdk_http_response`` (from httpx's)."""
    headers = httpx2.Headers(list(items))
    return {key: ", ".join(headers.get_list(key)) for key in headers.keys()}  # noqa: SIM118 - as the SDK does


def not_json(raw: str) -> Exception:
    """What the SDK raises for an event whose data is not JSON."""
    return errors.UnknownApiResponseError(f"Failed to parse response as JSON. Raw response: {raw}")


class ChunkReader(NamedTuple):
    """How one stream's chunks are read: by the Gemini API's or Vertex AI's converter, with the response's
    headers, and the request's ``config`` (its ``response_schema`` fills each chunk's ``parsed``)."""

    vertex: bool
    headers: dict[str, str]
    config: Any = None

    def read(self, data: Any) -> types.GenerateContentResponse:
        """The ``GenerateContentResponse`` the SDK yields for an event's parsed data, or what it raises there
        (an ``{"error": ...}`` event raises the SDK's ``APIError`` for its code)."""
        # ``request_streamed``'s steps: each chunk dumped, checked for an error, loaded again (which also
        # gives the converters a copy of their own: ``_from_response`` trims unknown fields in place).
        dumped = json.dumps(data)
        if dumped.startswith('{"error":'):
            found = json.loads(dumped)
            errors.APIError.raise_error(found.get("error", {}).get("code"), found, None)  # type: ignore[arg-type]
        kwargs: dict[str, Any] = {}
        if self.config is not None:
            config = self.config
            kwargs = {
                "config": {
                    "response_schema": getattr(config, "response_schema", None),
                    "response_json_schema": getattr(config, "response_json_schema", None),
                    "include_all_fields": getattr(config, "include_all_fields", None),
                }
            }
        response = types.GenerateContentResponse._from_response(
            response=convert(json.loads(dumped), self.vertex), kwargs=kwargs
        )
        response.sdk_http_response = types.HttpResponse(headers=self.headers)
        return response

    def check(self, data: Any) -> None:
        """Raises what :meth:`read` raises for ``data``, faster: a chunk whose converted form the SDK's model
        takes with unknown fields forbidden is one its own pipeline (which drops unknown fields first, and
        swallows a ``response_schema`` that does not parse) takes too; anything else goes the SDK's way."""
        if type(data) is dict and next(iter(data), None) != "error":
            try:
                types.GenerateContentResponse.model_validate(convert(data, self.vertex))
                return
            except Exception:  # read() says what the SDK says of it
                pass
        self.read(data)


def convert(data: Any, vertex: bool) -> dict[str, Any]:
    """A chunk as the SDK converts it for its types (by the Gemini API's or Vertex AI's converter)."""
    converter = models._GenerateContentResponse_from_vertex if vertex else models._GenerateContentResponse_from_mldev
    return converter(data, None, None)


def converted(data: dict[str, Any]) -> dict[str, Any]:
    """A Gemini API chunk as the SDK validates it: converted, without the fields its types do not know."""
    out = convert(json.loads(json.dumps(data)), False)
    _common._remove_extra_fields(types.GenerateContentResponse, out)
    return out


def texts_read(pieces: list[bytes]) -> list[tuple[int, str]]:
    """What google-genai's own reader takes as each chunk's JSON text from a body given in ``pieces``, with
    the piece that completed it (``len(pieces)``: read after the last one, when the body ended)."""
    at = [0]

    def body() -> Iterator[bytes]:
        for index, piece in enumerate(pieces):
            at[0] = index
            yield piece
        at[0] = len(pieces)

    response = _api_client.HttpResponse({}, httpx2.Response(200, content=body()))
    return [(at[0], text) for text in response._iter_response_stream()]
