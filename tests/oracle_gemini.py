"""The installed ``google-genai`` as a test oracle for Gemini streams.

A response body is served through ``httpx2.MockTransport``, chunk by chunk, to a real ``genai.Client``'s
``models.generate_content_stream`` (``aio.models`` when asked); every chunk it yields is recorded the
moment it is yielded: the chunk (strict dump), and what the SDK's own properties give of it (``.text``,
``.function_calls``). What a reader accumulates (the text, the thoughts, the calls, the last finish
reason, usage and grounding) is computed from those chunks here, the way a reader of the SDK would.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx2
from google import genai
from google.genai import types
from google.oauth2.credentials import Credentials

from tests.oracle import normalize

__all__ = ["GeminiRun", "accumulated", "chunk_view", "gemini_oracle"]

VERTEX = "https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
GEMINI = "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"


@dataclass
class GeminiRun:
    #: Every chunk the SDK yielded, as :func:`chunk_view` sees it.
    chunks: list[dict[str, Any]] = field(default_factory=list)
    #: The SDK's objects themselves (for what a view leaves out).
    objects: list[types.GenerateContentResponse] = field(default_factory=list)
    #: ``"TypeName: message"`` of what iterating raised, or None.
    exception: str | None = None


def chunk_view(chunk: types.GenerateContentResponse) -> dict[str, Any]:
    """A chunk as compared: its strict dump, and what the SDK's properties give of it."""
    return {
        "chunk": normalize(chunk, exclude_unset=True),
        "text": chunk.text,
        "function_calls": normalize(chunk.function_calls),
        "parsed": normalize(chunk.parsed),
    }


def accumulated(objects: list[types.GenerateContentResponse]) -> dict[str, Any]:
    """What a reader of these chunks has: every ``.text`` joined, the thought parts joined, every
    ``.function_calls`` in order, and the first candidate's last finish reason, grounding and safety
    ratings, and the last usage."""
    out: dict[str, Any] = {"text": "", "thoughts": "", "function_calls": [], "finish_reason": None}
    out.update({"usage": None, "grounding": None, "safety": None, "feedback": None})
    for chunk in objects:
        out["text"] += chunk.text or ""
        candidate = chunk.candidates[0] if chunk.candidates else None
        parts = candidate.content.parts if candidate is not None and candidate.content else None
        out["thoughts"] += "".join(part.text for part in parts or [] if part.thought and part.text is not None)
        out["function_calls"] += normalize(chunk.function_calls or [])
        if candidate is not None:
            for key, value in (
                ("finish_reason", candidate.finish_reason),
                ("grounding", candidate.grounding_metadata),
                ("safety", candidate.safety_ratings),
            ):
                if value is not None:
                    out[key] = normalize(value)
        if chunk.usage_metadata is not None:
            out["usage"] = normalize(chunk.usage_metadata)
        if chunk.prompt_feedback is not None:
            out["feedback"] = normalize(chunk.prompt_feedback)
    return out


class _Body(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    def __init__(self, chunks: list[bytes], raise_at_end: BaseException | None) -> None:
        self._chunks, self._raise_at_end = chunks, raise_at_end

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks
        if self._raise_at_end is not None:
            raise self._raise_at_end

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk
        if self._raise_at_end is not None:
            raise self._raise_at_end


def gemini_oracle(
    chunks: list[bytes],
    *,
    uri: str = GEMINI,
    headers: dict[str, str] | None = None,
    config: Any = None,
    raise_at_end: BaseException | None = None,
    asynchronous: bool = False,
) -> GeminiRun:
    """Run a response body through ``generate_content_stream`` of a client of the API ``uri`` is (Vertex AI or
    the Gemini API) and record every chunk it yields."""
    run = GeminiRun()
    sent = {"content-type": "text/event-stream"} if headers is None else headers

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers=sent, stream=_Body(list(chunks), raise_at_end), request=request)

    transport = httpx2.MockTransport(handler)
    options = types.HttpOptions(
        base_url="http://oracle.test",
        httpx_client=httpx2.Client(transport=transport),
        httpx_async_client=httpx2.AsyncClient(transport=transport),
    )
    if "aiplatform" in uri:
        client = genai.Client(
            vertexai=True, project="p", location="us-central1", credentials=Credentials(token="t"), http_options=options
        )
    else:
        client = genai.Client(vertexai=False, api_key="oracle", http_options=options)

    def take(chunk: types.GenerateContentResponse) -> None:
        run.chunks.append(chunk_view(chunk))
        run.objects.append(chunk)

    try:
        if asynchronous:

            async def read() -> None:
                stream = await client.aio.models.generate_content_stream(
                    model="gemini-2.5-flash", contents="oracle", config=config
                )
                async for chunk in stream:
                    take(chunk)

            asyncio.run(read())
        else:
            for chunk in client.models.generate_content_stream(
                model="gemini-2.5-flash", contents="oracle", config=config
            ):
                take(chunk)
    except Exception as exc:
        run.exception = f"{type(exc).__name__}: {exc}"
    return run
