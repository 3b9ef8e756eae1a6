"""Which OpenAI stream a recording holds: Assistants, Responses or Chat Completions.

The events decide when they can: they are what the SDK has to parse, and an ``.sse`` dump imported
without its URL sits under a placeholder path (``recorder.cassette_from_sse`` uses the Assistants
``/v1/threads/runs``). The first event that names its API settles it: a ``thread.*`` event, a
``response.*`` event (by its SSE name or its JSON ``type``), or a ``chat.completion.chunk``. A body
with no such event (empty, or only ``error`` / ``[DONE]``) is classified by the request path:
``/threads/...``, ``/responses...``, ``/chat/completions``. Anything else counts as Assistants, which
is what ssetape assumed before it knew other kinds.
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Literal
from urllib.parse import urlsplit

from ssetape.recorder import Interaction, SSEDecoder

__all__ = ["Kind", "kind_of"]

Kind = Literal["assistants", "responses", "chat"]


def kind_of(interaction: Interaction) -> Kind:
    """The kind of stream ``interaction`` holds (see the module docstring for how it is decided)."""
    return _kind_from_events(interaction) or _kind_from_path(interaction.request.uri) or "assistants"


def _kind_from_path(uri: str) -> Kind | None:
    segments = [segment for segment in urlsplit(uri).path.split("/") if segment]
    if "threads" in segments:
        return "assistants"
    if ("chat", "completions") in itertools.pairwise(segments):
        return "chat"
    if "responses" in segments:
        return "responses"
    return None


def _kind_from_events(interaction: Interaction) -> Kind | None:
    """The kind named by the first event that names one, decoding no further than that event."""
    decoder = SSEDecoder()
    for chunk in interaction.chunks():
        for event in decoder.feed(chunk.data):
            kind = _kind_of_event(event.event, event.data)
            if kind is not None:
                return kind
    for event in decoder.flush():
        kind = _kind_of_event(event.event, event.data)
        if kind is not None:
            return kind
    return None


def _kind_of_event(name: str, data: str) -> Kind | None:
    if name.startswith("thread."):
        return "assistants"
    if name.startswith("response."):
        return "responses"
    try:
        parsed: Any = json.loads(data)
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    if parsed.get("object") == "chat.completion.chunk":
        return "chat"
    kind = parsed.get("type")
    if isinstance(kind, str) and kind.startswith("response."):
        return "responses"
    return None
