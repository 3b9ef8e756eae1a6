"""SDK clients (``openai``, ``anthropic``, ``google-genai``) wired to a cassette, so unmodified code runs offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anthropic
import httpx2
import openai
from google import genai

from ssetape.apis import api
from ssetape.recorder import Cassette, load

from .matching import Matching
from .transport import AsyncReplayTransport, ReplayTransport

DEFAULT_BASE_URL = "https://api.openai.com/v1"
REPLAY_API_KEY = "sk-ssetape-replay"
ANTHROPIC_BASE_URL = "https://api.anthropic.com"
ANTHROPIC_REPLAY_KEY = "sk-ant-ssetape-replay"


def base_url_of(cassette: Cassette, default: str = DEFAULT_BASE_URL, *, versioned: bool = True) -> str:
    """The API base URL the cassette was recorded against: up to ``/v1`` (``openai``'s), or up to what
    precedes it when not ``versioned`` (``anthropic``'s)."""
    for interaction in cassette.interactions:
        parts = urlsplit(interaction.request.uri)
        marker = parts.path.find("/v1/")
        if marker >= 0:
            return f"{parts.scheme}://{parts.netloc}{parts.path[: marker + 3 if versioned else marker]}"
    return default


def _client_options(
    cassette: Cassette, options: dict[str, Any], key: str = REPLAY_API_KEY, base_url: str | None = None
) -> dict[str, Any]:
    options.setdefault("api_key", key)
    options.setdefault("base_url", base_url or base_url_of(cassette))
    # A retry would ask for a recording that is not there; the recorded failure is the answer.
    options.setdefault("max_retries", 0)
    return options


def openai_options(cassette: Cassette) -> dict[str, Any]:
    """The ``openai.OpenAI`` arguments a replaying client needs: the recorded base URL, a placeholder key."""
    return _client_options(cassette, {})


def anthropic_options(cassette: Cassette) -> dict[str, Any]:
    """The ``anthropic.Anthropic`` arguments a replaying client needs."""
    return _anthropic_options(cassette, {})


def openai_client(
    cassette: Cassette | str | Path, speed: float = 0.0, *, matching: Matching | None = None, **options: Any
) -> openai.OpenAI:
    """An ``openai.OpenAI`` client whose every request is answered from ``cassette``.

    ``matching`` says which differences between a request and its recording do not matter
    (:class:`~replayer.Matching`). Extra keyword arguments go to ``openai.OpenAI`` (e.g. ``organization``).
    """
    loaded = cassette if isinstance(cassette, Cassette) else load(cassette)
    transport = ReplayTransport(loaded, speed, matching=matching)
    return openai.OpenAI(http_client=httpx2.Client(transport=transport), **_client_options(loaded, options))


def async_openai_client(
    cassette: Cassette | str | Path, speed: float = 0.0, *, matching: Matching | None = None, **options: Any
) -> openai.AsyncOpenAI:
    """The async twin of :func:`openai_client`."""
    loaded = cassette if isinstance(cassette, Cassette) else load(cassette)
    transport = AsyncReplayTransport(loaded, speed, matching=matching)
    return openai.AsyncOpenAI(http_client=httpx2.AsyncClient(transport=transport), **_client_options(loaded, options))


def _anthropic_options(cassette: Cassette, options: dict[str, Any]) -> dict[str, Any]:
    root = base_url_of(cassette, ANTHROPIC_BASE_URL, versioned=False)
    return _client_options(cassette, options, ANTHROPIC_REPLAY_KEY, root)


def anthropic_client(
    cassette: Cassette | str | Path, speed: float = 0.0, *, matching: Matching | None = None, **options: Any
) -> anthropic.Anthropic:
    """An ``anthropic.Anthropic`` client whose every request is answered from ``cassette``.

    Extra keyword arguments go to ``anthropic.Anthropic`` (e.g. ``default_headers``).
    """
    loaded = cassette if isinstance(cassette, Cassette) else load(cassette)
    transport = ReplayTransport(loaded, speed, matching=matching)
    return anthropic.Anthropic(http_client=httpx2.Client(transport=transport), **_anthropic_options(loaded, options))


def async_anthropic_client(
    cassette: Cassette | str | Path, speed: float = 0.0, *, matching: Matching | None = None, **options: Any
) -> anthropic.AsyncAnthropic:
    """The async twin of :func:`anthropic_client`."""
    loaded = cassette if isinstance(cassette, Cassette) else load(cassette)
    transport = AsyncReplayTransport(loaded, speed, matching=matching)
    return anthropic.AsyncAnthropic(
        http_client=httpx2.AsyncClient(transport=transport), **_anthropic_options(loaded, options)
    )


GEMINI_BASE_URL = "https://generativelanguage.googleapis.com/v1beta"


def gemini_client(
    cassette: Cassette | str | Path, speed: float = 0.0, *, matching: Matching | None = None, **options: Any
) -> genai.Client:
    """A ``google.genai.Client`` whose every request, sync or through ``client.aio``, is answered from
    ``cassette``: at the host and API version the recording was made against (``v1beta``), for Vertex AI
    with the recorded project and location (and a placeholder token: nothing asks Google for one).

    Extra keyword arguments go to ``genai.Client``.
    """
    loaded = cassette if isinstance(cassette, Cassette) else load(cassette)
    sync, asynchronous = (
        ReplayTransport(loaded, speed, matching=matching),
        AsyncReplayTransport(loaded, speed, matching=matching),
    )
    return gemini_over(loaded, sync, asynchronous, **options)


def gemini_over(cassette: Cassette, transport: Any, async_transport: Any, **options: Any) -> genai.Client:
    """A ``google.genai.Client`` at ``cassette``'s recorded base URL whose requests go through the given
    transports (the pytest plugin's, which share one cassette between ``client.models`` and ``client.aio``)."""
    uri = next(
        (
            item.request.uri
            for item in cassette.interactions
            if ":" in urlsplit(item.request.uri).path.rsplit("/", 1)[-1]
        ),
        GEMINI_BASE_URL,
    )
    home = api("gemini").module("sdk")  # the SDK's own options, as the home knows them
    client: genai.Client = home.replay_client(uri, transport, async_transport, **options)
    return client
