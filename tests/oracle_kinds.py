"""The installed SDKs as a test oracle for Responses, Chat Completions and Anthropic Messages streams.

Raw SSE bytes are served through ``httpx2.MockTransport``, chunk by chunk, to a real client's
``client.responses.stream(...)``, ``client.chat.completions.stream(...)`` or
``client.messages.stream(...)`` (``anthropic``; ``client.beta.messages.stream`` for kind
``anthropic-beta``); every event the SDK's stream
yields is recorded as a JSON-able copy taken the moment it is yielded, together with the stream's
accumulated snapshot after each chunk. Serve one SSE event per chunk (:func:`event_chunks`) and the steps
line up with the events of the stream.

Both sides of a differential test must use :func:`tests.oracle.normalize`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import anthropic
import httpx2
import openai

from ssetape import replayer
from ssetape.fixtures.emulator import render_chat_stream, render_response_stream
from ssetape.recorder import Cassette, Interaction, cassette_from_sse, load
from ssetape.replayer import kind_of
from tests.conftest import FIXTURES
from tests.oracle import normalize

__all__ = [
    "SDKStreamRun",
    "arguments_of",
    "emulated",
    "event_chunks",
    "event_entry",
    "fixture_streams",
    "oracle_kind",
    "read_stream",
    "recorded_oracle",
    "replayed",
    "sdk_stream",
    "snapshot_of",
]

Kind = Literal["responses", "chat", "anthropic", "anthropic-beta"]


@dataclass
class SDKStreamRun:
    #: Every event the stream yielded, as it was when yielded, with the stream's snapshot at that moment.
    events: list[dict[str, Any]] = field(default_factory=list)
    #: One entry per chunk the SDK read (:func:`sdk_stream` only): the events yielded while it was the last
    #: chunk read, then the snapshot (and, for Responses, the completed response) after it.
    steps: list[dict[str, Any]] = field(default_factory=list)
    #: ``"TypeName: message"`` of what iterating raised, or ``None``.
    exception: str | None = None
    #: ``get_final_response()`` / ``get_final_completion()``, or ``"TypeName: message"`` of what it raised.
    final: Any = None


def read_stream(
    kind: Kind, stream: Any, run: SDKStreamRun | None = None, *, on_event: Any = None, reraise: bool = False
) -> SDKStreamRun:
    """Iterate one of the SDK's ``ResponseStream`` / ``ChatCompletionStream`` to its end, recording it all
    (``reraise``: then raise what iterating raised, as code reading the stream would see it)."""
    run = run if run is not None else SDKStreamRun()
    failure: Exception | None = None
    try:
        for event in stream:
            entry = event_entry(event)
            run.events.append({**entry, **snapshot_of(kind, stream)})
            if on_event is not None:
                on_event(entry)
    except Exception as exc:
        failure = exc
        run.exception = f"{type(exc).__name__}: {exc}"
    if on_event is not None:
        on_event(None)  # the end: the last chunk read is done with
    try:
        if kind.startswith("anthropic"):
            final = stream.get_final_message()
        else:
            final = stream.get_final_response() if kind == "responses" else stream.get_final_completion()
        run.final = normalize(final)
    except Exception as exc:
        run.final = f"{type(exc).__name__}: {exc}"
    if reraise and failure is not None:
        raise failure
    return run


def oracle_kind(interaction: Interaction) -> str:
    """Which SDK helper reads the recording: its ``kind_of``, ``"anthropic-beta"`` for one the beta
    helper made (by ``ssetape.apis.anthropic.flavours.flavour_of``, as the replay decides)."""
    from ssetape.apis.anthropic.flavours import BETA, flavour_of

    kind = kind_of(interaction)
    request = interaction.request
    return "anthropic-beta" if kind == "anthropic" and flavour_of(request.uri, request.headers) is BETA else kind


def event_chunks(body: bytes) -> list[bytes]:
    """``body`` cut after every blank line, one SSE event per piece (LF-only streams, as the API sends)."""
    pieces = [piece for piece in re.split(rb"(?<=\n\n)", body) if piece]
    assert b"".join(pieces) == body
    return pieces


def arguments_of(kind: Kind, request_body: bytes | str | None) -> dict[str, Any]:
    """The stream helper's arguments that change what it parses, from the recorded request body."""
    try:
        body = json.loads(request_body or "{}")
    except ValueError:
        body = {}
    arguments: dict[str, Any] = {}
    if isinstance(body.get("tools"), list):
        arguments["tools"] = body["tools"]
    if kind == "chat" and isinstance(body.get("response_format"), dict):
        arguments["response_format"] = body["response_format"]
    return arguments


def snapshot_of(kind: Kind, stream: Any) -> dict[str, Any]:
    """What the SDK's stream has accumulated (its state keeps the Responses snapshot private)."""
    if kind.startswith("anthropic"):
        return {"snapshot": normalize(stream._current_snapshot_or_none())}
    state = stream._state
    if kind == "responses":
        return {
            "snapshot": normalize(state._ResponseStreamState__current_snapshot),
            "completed": normalize(state._completed_response),
        }
    return {"snapshot": normalize(state._ChatCompletionStreamState__current_completion_snapshot)}


def event_entry(event: Any) -> dict[str, Any]:
    return {"class": type(event).__name__, "data": normalize(event)}


class _Body(httpx2.SyncByteStream):
    """Yields the chunks one at a time, noting each boundary (all events of the previous chunk yielded)."""

    def __init__(self, chunks: list[bytes], on_boundary: Any, raise_at_end: BaseException | None) -> None:
        self._chunks, self._on_boundary, self._raise_at_end = chunks, on_boundary, raise_at_end

    def __iter__(self) -> Iterator[bytes]:
        for index, chunk in enumerate(self._chunks):
            if index:
                self._on_boundary()
            yield chunk
        if self._raise_at_end is not None:
            raise self._raise_at_end


def sdk_stream(
    kind: Kind,
    chunks: list[bytes],
    *,
    arguments: dict[str, Any] | None = None,
    raise_at_end: BaseException | None = None,
    headers: dict[str, str] | None = None,
    response_headers: list[tuple[str, str]] | None = None,
) -> SDKStreamRun:
    """Run a response body through the SDK's own stream helper and record everything it yields (``headers``: the
    request's extra ones; ``response_headers``: the response's, a content-type for SSE by default)."""
    run = SDKStreamRun()
    pending: list[dict[str, Any]] = []
    holder: dict[str, Any] = {}

    def boundary() -> None:
        run.steps.append({"events": list(pending), **snapshot_of(kind, holder["stream"])})
        pending.clear()

    def on_event(entry: dict[str, Any] | None) -> None:
        if entry is None:
            boundary()
        else:
            pending.append(entry)

    def handler(request: httpx2.Request) -> httpx2.Response:
        body = _Body(list(chunks), boundary, raise_at_end)
        sent = response_headers if response_headers is not None else [("content-type", "text/event-stream")]
        return httpx2.Response(200, headers=sent, stream=body, request=request)

    http_client = httpx2.Client(transport=httpx2.MockTransport(handler))
    arguments = dict(arguments or {})
    if kind.startswith("anthropic"):
        messages = anthropic.Anthropic(
            api_key="sk-ant-oracle", base_url="http://oracle.test", max_retries=0, http_client=http_client
        )
        helper: Any = messages.beta.messages if kind == "anthropic-beta" else messages.messages
        manager: Any = helper.stream(
            model="claude-oracle", max_tokens=1024, messages=[], extra_headers=headers, **arguments
        )
        with manager as stream:
            holder["stream"] = stream
            read_stream(kind, stream, run, on_event=on_event)
        return run
    client = openai.OpenAI(
        api_key="sk-oracle", base_url="http://oracle.test/v1", max_retries=0, http_client=http_client
    )
    if kind == "responses":
        manager = client.responses.stream(model="gpt-4o", input="oracle", **arguments)
    else:
        manager = client.chat.completions.stream(model="gpt-4o", messages=[], **arguments)
    with manager as stream:
        holder["stream"] = stream
        read_stream(kind, stream, run, on_event=on_event)
    return run


def recorded_oracle(
    kind: Kind, item: Interaction, *, per_event: bool = False, parse: dict[str, Any] | None = None
) -> SDKStreamRun:
    """The SDK reading ``item``'s recorded body (its chunks, or one event per chunk), ending in the
    recorded network failure if there was one, with the recorded request's parsing arguments (and
    ``parse``: model classes the recording cannot hold, e.g. ``{"text_format": Weather}``)."""
    recording = item.response.ssetape
    cut = None
    if recording is not None and recording.error is not None:
        cut = httpx2.RemoteProtocolError(recording.error.message)
    body = item.response.body_bytes
    chunks = event_chunks(body) if per_event else [chunk.data for chunk in item.chunks()]
    arguments = {**arguments_of(kind, item.request.body), **(parse or {})}
    return sdk_stream(kind, chunks, arguments=arguments, raise_at_end=cut)


@functools.cache
def fixture_streams(kind: str) -> list[tuple[Path, int]]:
    """Every streamed interaction of the bundled fixtures that holds a ``kind`` stream."""
    return [
        (path, index)
        for path in sorted(FIXTURES.glob("*.yaml"))
        for index, item in ((i, load(path).interactions[i]) for i in load(path).streams())
        if kind_of(item) == kind
    ]


def emulated(kind: Kind, scenario: str, *, seed: int = 0, **request: Any) -> Cassette:
    """A cassette of one stream the emulator writes for ``scenario`` (no server: its bytes, its chunking and
    its pacing at pace 1), under the endpoint's real path, with the request body it answers."""
    body: dict[str, Any] = {"model": "gpt-4o", "stream": True, "metadata": {"scenario": scenario}, **request}
    if kind == "responses":
        body.setdefault("input", "What is in the recording?")
        planned = render_response_stream(body, seed=seed)
    else:
        body.setdefault("messages", [{"role": "user", "content": "What is in the recording?"}])
        planned = render_chat_stream(body, seed=seed)
    at, chunks = 0.0, []
    for delay, data in planned:
        at += delay
        chunks.append((round(at, 6), len(data)))
    path = "responses" if kind == "responses" else "chat/completions"
    return cassette_from_sse(
        b"".join(data for _, data in planned),
        uri=f"https://api.openai.com/v1/{path}",
        request_body=json.dumps(body),
        chunks=chunks,
        response_at=chunks[0][0],
    )


def replayed(kind: Kind, cassette: Cassette | Path, **options: Any) -> SDKStreamRun:
    """What ``replayer.stream(cassette, **options)`` yields, recorded as :func:`sdk_stream` records the SDK."""
    with replayer.stream(cassette, **options) as stream:
        return read_stream(kind, stream)


def assert_same_as_the_sdk(kind: Kind, cassette: Cassette, index: int = 0, **parse: Any) -> None:
    """Replaying stream ``index`` gives the events, exception and final object the SDK gets from its bytes."""
    want = recorded_oracle(kind, cassette.interactions[index], parse=parse)
    got = replayed(kind, cassette, interaction=index, **parse)
    assert got.events == want.events
    assert (got.exception, got.final) == (want.exception, want.final)
