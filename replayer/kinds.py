"""Which API's stream a recording holds, asked of the registry (``ssetape.apis``).

The events decide when they can: they are what the SDK has to parse, and an ``.sse`` dump imported
without its URL sits under a placeholder path (``recorder.cassette_from_sse`` uses the Assistants
``/v1/threads/runs``). The first event that names its API settles it (``thread.*``, ``response.*``, a
``chat.completion.chunk``, ...). A body with no such event (empty, or only ``error`` / ``[DONE]``) is
classified by the request path. Anything else counts as Assistants, which is what ssetape assumed
before it knew other kinds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ssetape.apis import DEFAULT, Api, Kind, by_path, recognise
from ssetape.recorder import Interaction, SSEDecoder

__all__ = ["Kind", "api_of", "api_of_events", "kind_of"]


def kind_of(interaction: Interaction) -> Kind:
    """The kind of stream ``interaction`` holds (see the module docstring for how it is decided)."""
    return api_of(interaction).kind


def api_of(interaction: Interaction) -> Api:
    """The registry entry of the API whose stream ``interaction`` holds."""
    return api_of_events(_decoded(interaction)) or by_path(interaction.request.uri) or DEFAULT


def api_of_events(pairs: Iterable[tuple[str, Any]]) -> Api | None:
    """The API named by the first of ``(name, data)`` pairs that names one, or None."""
    for name, data in pairs:
        found = recognise(name, data)
        if found is not None:
            return found
    return None


def _decoded(interaction: Interaction) -> Iterable[tuple[str, Any]]:
    """``(name, data)`` of each event, decoded lazily: no further than the event that names the API."""
    decoder = SSEDecoder()
    for chunk in interaction.chunks():
        for event in decoder.feed(chunk.data):
            yield event.event, event.parsed()
    for event in decoder.flush():
        yield event.event, event.parsed()
