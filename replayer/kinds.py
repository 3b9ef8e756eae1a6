"""Which API's stream a recording holds, asked of the registry (``ssetape.apis``).

The events decide when they can: they are what the SDK has to parse. The first event that names its
API settles it (``thread.*``, ``response.*``, a ``chat.completion.chunk``, ...). A body with no such event
(empty, or only errors, ``[DONE]`` and keep-alives) is classified by the request path, unless that URL was made
up for a dump imported without one (``recorder.is_placeholder``). Anything else, events no API sends among them
whatever the path, is a generic SSE stream (``sse``): shown as the events it holds, never read as some API's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ssetape.apis import DEFAULT, Api, Kind, by_path, recognise, recognise_error
from ssetape.recorder import is_placeholder, lazy_events, loads_or_text

if TYPE_CHECKING:  # the models (pydantic): ``ssetape ls`` tells kinds apart from a skim, without them
    from ssetape.recorder import Interaction

__all__ = ["Kind", "api_of", "api_of_events", "api_of_stream", "kind_of"]


def kind_of(interaction: Interaction) -> Kind:
    """The kind of stream ``interaction`` holds (see the module docstring for how it is decided)."""
    return api_of(interaction).kind


def api_of(interaction: Interaction) -> Api:
    """The registry entry of the API whose stream ``interaction`` holds."""
    return api_of_stream(interaction.request.uri, _pieces(interaction))


def api_of_stream(uri: str, body: Iterable[bytes]) -> Api:
    """:func:`api_of` for a request URI and its stream's ``body`` in pieces cut anywhere (a listing's skim gives
    them), decoded no further than the event that names the API."""
    others: list[str] = []
    errors: list[Any] = []
    pairs = ((name, loads_or_text(data)) for name, data in lazy_events(body))
    named = api_of_events(pairs, others=others, errors=errors)
    if named is not None:
        return named
    if others:  # events no API sends, under an API's path (an MCP stream at /v1/messages): not that API's
        return DEFAULT
    by_uri = None if is_placeholder(uri) else by_path(uri)
    if by_uri is not None:
        return by_uri
    # Nothing but errors where no path tells (a raw dump): an error in one API's own shape names it.
    return next((found for found in map(recognise_error, errors) if found is not None), DEFAULT)


def api_of_events(
    pairs: Iterable[tuple[str, Any]], *, others: list[str] | None = None, errors: list[Any] | None = None
) -> Api | None:
    """The API named by the first of ``(name, data)`` pairs that names one, or None; ``others`` gets the names of
    the events before it that no API sends (see :func:`_foreign`), ``errors`` the data of its ``error`` events."""
    for name, data in pairs:
        found = recognise(name, data)
        if found is not None:
            return found
        if others is not None and _foreign(name, data):
            others.append(name)
        if errors is not None and name == "error":
            errors.append(data)
    return None


#: What any API may send without naming itself: an error, a keep-alive.
_NEUTRAL = frozenset({"error", "ping"})


def _foreign(name: str, data: Any) -> bool:
    """An event no API sends: one named (``event: endpoint``) or typed (``{"type": "start"}``) as none of them
    names or types an event, or data that is neither JSON nor ``[DONE]``. (Unnamed JSON objects with no
    ``type``, what Chat and Gemini send, are left to the path: their shape alone is not enough to rule on.)"""
    if data == "[DONE]":  # whatever names it (the Assistants API's ``event: done``)
        return False
    if name != "message" and name not in _NEUTRAL:
        return True
    if isinstance(data, dict):
        kind = data.get("type")
        return isinstance(kind, str) and kind not in _NEUTRAL
    return isinstance(data, str)


#: How much of a body is decoded at a time while looking for the event that names its API.
_PIECE = 4096


def _pieces(interaction: Interaction) -> Iterator[bytes]:
    """The body as a client reads it, a few kB at a time (the decoder's events do not depend on where it
    is cut), so that a long stream is not sliced into its network chunks to read its first event."""
    if interaction.response.header("content-encoding"):
        yield from (chunk.data for chunk in interaction.decoded_chunks())
        return
    body = interaction.response.body_bytes
    for start in range(0, len(body), _PIECE):
        yield body[start : start + _PIECE]
