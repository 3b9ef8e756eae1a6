"""The ``anthropic`` SDK's two Messages stream helpers, ``client.messages.stream`` and
``client.beta.messages.stream``: the types and functions of each that replaying relies on, kept in one place.

Both helpers read typed raw events from the SDK's ``Stream`` (``_process_response_data`` builds them,
without validation), fold each into the message snapshot with their module's ``accumulate_event`` and
yield what ``build_events`` makes of it. The beta one differs in its types, in the blocks that take tool
input, in a few deltas and message fields, and in reading the request's ``anthropic-beta`` header.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import anthropic
import httpx2
from anthropic.lib.streaming import _beta_messages, _messages
from anthropic.types import RawMessageStreamEvent
from anthropic.types.beta import BetaRawMessageStreamEvent

__all__ = ["BETA", "MESSAGES", "Flavour", "flavour_of", "headers_of", "status_error"]

_REQUEST = httpx2.Request("POST", "http://ssetape.invalid/v1/messages")


@dataclass(frozen=True)
class Flavour:
    """One of the two helpers: what its ``Stream`` casts events to, and its module's functions."""

    name: str
    event_type: Any
    accumulate: Callable[..., Any]
    build_events: Callable[..., list[Any]]
    #: The content block classes whose ``input`` grows with ``input_json_delta`` s.
    tracks_input: tuple[type, ...]
    #: Whether ``accumulate_event`` takes the request's headers (it reads ``anthropic-beta``).
    reads_headers: bool

    def read(self, data: Any, status: int = 200) -> Any:
        """The typed raw event the SDK's ``Stream`` yields for one event's decoded data."""
        return _client()._process_response_data(data=data, cast_to=self.event_type, response=_response(status))

    def fold(self, event: Any, snapshot: Any, json_bufs: dict[Any, bytes], headers: httpx2.Headers) -> Any:
        """``accumulate_event`` as the helper calls it (no ``output_format``: see the accumulator)."""
        extra = {"request_headers": headers} if self.reads_headers else {}
        return self.accumulate(event=event, current_snapshot=snapshot, json_bufs=json_bufs, **extra)

    def partial_mode(self, headers: httpx2.Headers) -> Any:
        """How the helper parses a tool's partial input JSON, by the request's headers."""
        if self.reads_headers and "fine-grained-tool-streaming-2025-05-14" in headers.get("anthropic-beta", ""):
            return "trailing-strings"
        return True


MESSAGES = Flavour(
    "messages",
    RawMessageStreamEvent,
    _messages.accumulate_event,
    _messages.build_events,
    _messages.TRACKS_TOOL_INPUT,
    reads_headers=False,
)
BETA = Flavour(
    "beta",
    BetaRawMessageStreamEvent,
    _beta_messages.accumulate_event,
    _beta_messages.build_events,
    _beta_messages.TRACKS_TOOL_INPUT,
    reads_headers=True,
)


def flavour_of(uri: str, headers: Mapping[str, list[str]] | None = None) -> Flavour:
    """The helper that made a recorded request: ``client.beta.messages.stream`` posted ``?beta=true`` in
    SDKs before 2.x, and now says ``x-stainless-stream-helper: beta.messages``."""
    if "beta=true" in uri.partition("?")[2]:
        return BETA
    for name, values in (headers or {}).items():
        if name.lower() == "x-stainless-stream-helper" and any(value.startswith("beta.") for value in values):
            return BETA
    return MESSAGES


def status_error(body: Any, message: str, response: httpx2.Response) -> anthropic.APIStatusError:
    """What the SDK's ``Stream`` raises for an ``event: error`` of ``response`` (see :func:`response_of`)."""
    return _client()._make_status_error(message, body=body, response=response)


def response_of(status: int, headers: Mapping[str, list[str]] | None = None, url: str | None = None) -> httpx2.Response:
    """The response the SDK's error for an ``error`` event carries: the recorded status and headers (its
    ``request_id``), and the request's URL (the path its message names)."""
    if not headers and url is None:
        return _response(status)
    request = httpx2.Request("POST", url) if url is not None else _REQUEST
    pairs = [(name, value) for name, values in (headers or {}).items() for value in values]
    return httpx2.Response(status, headers=pairs, request=request)


@functools.cache
def _client() -> anthropic.Anthropic:
    # Only its response-data conversion and its error factory are used: no request is ever sent.
    return anthropic.Anthropic(api_key="sk-ant-ssetape-replay", base_url="http://ssetape.invalid", max_retries=0)


@functools.cache
def _response(status: int) -> httpx2.Response:
    return httpx2.Response(status, request=_REQUEST)


def headers_of(recorded: Mapping[str, list[str]]) -> httpx2.Headers:
    """A recorded request's headers as the SDK's stream sees them on ``response.request.headers``."""
    return httpx2.Headers([(name, value) for name, values in recorded.items() for value in values])
