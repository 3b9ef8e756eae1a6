"""Gemini streams through the SDK: ``client.models.generate_content_stream`` (``client.aio.models`` for
``astream``) of a ``google.genai.Client``, the pure :class:`~.accumulator.GeminiAccumulator` behind
``Timeline``, the answer and the transcript."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any, TextIO
from urllib.parse import urlsplit

import httpx2
from google import genai
from google.genai import types
from google.oauth2.credentials import Credentials

from ssetape.recorder import decode_fields

from ..answer import Said, ToolCall
from ..requests import recorded_body
from ..transcripts import print_stream
from ._genai import ChunkReader, response_headers, texts_read
from .accumulator import GeminiAccumulator, GeminiState, Reading
from .transcript import GeminiLines
from .verdicts import Verdicts
from .wire import is_vertex, model_of

__all__ = [
    "OBSERVER",
    "OPTIONS",
    "REPLAY_KEY",
    "YIELDS_EVENTS",
    "accumulator",
    "answer",
    "client",
    "http_options",
    "manager",
    "options",
    "public_base",
    "reader",
    "reading",
    "replay_client",
    "session_client",
    "transcribe",
    "vertex_place",
]

#: ``generate_content_stream``'s ``config``: its ``response_schema`` fills each chunk's ``parsed``.
OPTIONS: tuple[str, ...] = ("config",)
YIELDS_EVENTS = True
REPLAY_KEY = "ssetape-replay"
_MODEL = "gemini-replay"


def http_options(sync: Any = None, asynchronous: Any = None, *, base_url: str, api_version: str | None) -> Any:
    """``HttpOptions`` sending every request through ``sync`` / ``asynchronous`` (httpx2 transports), with no
    retries: a retry would ask for a recording that is not there."""
    return types.HttpOptions(
        base_url=base_url,
        api_version=api_version,
        httpx_client=httpx2.Client(transport=sync) if sync is not None else None,
        httpx_async_client=httpx2.AsyncClient(transport=asynchronous) if asynchronous is not None else None,
    )


#: What a recording session's client authenticates with: fake, and redacted before anything reaches disk.
SESSION_KEY = "AIza-emulated-not-a-real-key"


def session_client(root: str | None, transport: Any, *, vertex: bool = False, **options: Any) -> genai.Client:
    """A ``genai.Client`` of the API at ``root`` (an emulated upstream: the SDK adds the API version; None: the
    one its environment variable names) sending through ``transport``, with fake credentials; Vertex AI's
    (project ``ssetape-fixtures``) for ``vertex``."""
    http = types.HttpOptions(base_url=root, httpx_client=httpx2.Client(transport=transport))
    if vertex:
        credentials = Credentials(token=SESSION_KEY)  # type: ignore[no-untyped-call]
        return genai.Client(
            vertexai=True,
            project="ssetape-fixtures",
            location="us-central1",
            credentials=credentials,
            http_options=http,
        )
    return genai.Client(vertexai=False, api_key=SESSION_KEY, http_options=http)


def public_base(*, vertex: bool = False, **options: Any) -> str:
    """The real API's base URL (Vertex AI's for ``vertex``), which a recording against an emulated upstream
    is rewritten to."""
    return "https://us-central1-aiplatform.googleapis.com" if vertex else "https://generativelanguage.googleapis.com"


def _drain(chunks: Any) -> None:
    for _ in chunks:
        pass


#: What a recording session watches each stream with by default (``ssetape.fixtures.sessions``): it reads the
#: SDK's iterator of chunks to its end.
OBSERVER: Any = _drain


def vertex_place(uri: str) -> tuple[str, str]:
    """``(project, location)`` a Vertex AI request path names (placeholders when it names none)."""
    segments = [segment for segment in urlsplit(uri).path.split("/") if segment]
    found = dict(itertools.pairwise(segments))
    return found.get("projects", "ssetape-replay"), found.get("locations", "us-central1")


def _client(options: Any, vertex: bool, uri: str) -> genai.Client:
    if vertex:
        project, location = vertex_place(uri)
        credentials = Credentials(token=REPLAY_KEY)  # type: ignore[no-untyped-call]
        return genai.Client(
            vertexai=True, project=project, location=location, credentials=credentials, http_options=options
        )
    return genai.Client(vertexai=False, api_key=REPLAY_KEY, http_options=options)


def client(transport: Any, *, asynchronous: bool) -> Any:
    """A Gemini API ``genai.Client`` whose every request goes to ``transport``; :func:`manager` makes the
    Vertex AI twin of it for a Vertex AI recording."""
    unused = httpx2.MockTransport(_unused)  # the other side's client, given so that the SDK builds none
    options = http_options(
        unused if asynchronous else transport,
        transport if asynchronous else unused,
        base_url="http://replay.ssetape",
        api_version=None,
    )
    return _client(options, False, "")


def _unused(request: httpx2.Request) -> httpx2.Response:
    raise RuntimeError("replayer.stream's client answers only the stream it was made for")


def replay_client(uri: str, sync: Any, asynchronous: Any, **options: Any) -> genai.Client:
    """A client of the API ``uri`` was recorded from, at its host and version (``v1beta``), sending every
    request through ``sync`` / ``asynchronous``; ``options`` go to ``genai.Client``."""
    parts = urlsplit(uri)
    version = next((segment for segment in parts.path.split("/") if segment), None)
    options.setdefault(
        "http_options",
        http_options(sync, asynchronous, base_url=f"{parts.scheme}://{parts.netloc}", api_version=version),
    )
    if is_vertex(uri):
        project, location = vertex_place(uri)
        options.setdefault("project", project)
        options.setdefault("location", location)
        options.setdefault("credentials", Credentials(token=REPLAY_KEY))  # type: ignore[no-untyped-call]
        return genai.Client(vertexai=True, **options)
    options.setdefault("api_key", REPLAY_KEY)
    return genai.Client(vertexai=False, **options)


def options(item: Any, *, config: Any = None) -> Any:
    """The ``config`` the chunks are read with: the caller's, else the recorded request's response schema
    (``generationConfig.responseSchema`` / ``responseJsonSchema``), else None."""
    if config is None:
        generation = recorded_body(item).get("generationConfig")
        schema = {
            key: generation[key]
            for key in ("responseSchema", "responseJsonSchema")
            if isinstance(generation, dict) and isinstance(generation.get(key), dict)
        }
        if not schema:
            return None
        config = schema
    return types.GenerateContentConfig.model_validate(config) if isinstance(config, dict) else config


def manager(client: Any, item: Any, event_handler: Any, *, asynchronous: bool, given: dict[str, Any]) -> Any:
    """``client.models.generate_content_stream(...)``: its iterator of chunks (for ``asynchronous``, the
    coroutine ``client.aio.models`` returns, which gives the async iterator), with the recorded model and
    contents."""
    uri = item.request.uri
    if is_vertex(uri):
        client = _client(client._api_client._http_options, True, uri)  # the same transports, read as Vertex AI
    body = recorded_body(item)
    contents = body.get("contents") if isinstance(body.get("contents"), list) and body["contents"] else "ssetape"
    models = client.aio.models if asynchronous else client.models
    return models.generate_content_stream(
        model=model_of(uri) or _MODEL, contents=contents, config=options(item, **given)
    )


def reader(item: Any, config: Any = None) -> ChunkReader:
    """How the SDK reads ``item``'s chunks (see :class:`ChunkReader`)."""
    headers = [(name, value) for name, values in item.response.headers.items() for value in values]
    return ChunkReader(is_vertex(item.request.uri), response_headers(headers), options(item, config=config))


def accumulator(item: Any) -> tuple[Any, Any]:
    verdicts = Verdicts(reader(item))  # shared: a chunk shape the SDK took once is not checked again
    read = reading(item.response.decoded_body, item.complete) if item.streamed else None
    # Every accumulator of the stream starts on one log (the Timeline's first and its working one): fed the
    # same chunks, each goes along it, so every state of the stream holds the same objects read from them.
    start = GeminiAccumulator(verdicts, read).checkpoint()
    return (lambda: GeminiAccumulator.restore(start)), GeminiAccumulator.restore


#: The start of a line google-genai's reader does not take as SSE does (neither blank nor ``data: ``, with
#: its space), after an LF and after a CR: two searches from a literal, much faster than one from a class.
_OTHER_AFTER_LF = re.compile(rb"\n(?!data: |[\r\n]|\Z)")
_OTHER_AFTER_CR = re.compile(rb"\r(?!data: |[\r\n]|\Z)")


def _plain(body: bytes) -> bool:
    """Whether every line of ``body`` is blank or a ``data: `` line."""
    if body and not body.startswith((b"data: ", b"\n", b"\r")):
        return False
    return _OTHER_AFTER_LF.search(body) is None and (b"\r" not in body or _OTHER_AFTER_CR.search(body) is None)


def reading(body: bytes, complete: bool = True) -> Reading | None:
    """What google-genai's reader takes as each chunk's JSON, by the SSE event that completes it, for a body
    with a line other than ``data: ...`` and blank ones; None when it has none (the SDK then reads the SSE
    events' data). Its reader takes only ``data: `` lines as SSE: any other (``data:{...}`` without the
    space, ``event:``, ``id:``, a comment, a byte-order mark) it reads as raw JSON, which fails to parse.
    What it reads at the end of a ``complete`` body belongs to the last event when that event lacks only its
    blank line (see ``wire.EVENT_AT_END``); anything else it reads after the last complete event is not here
    (the Timeline has no event for it)."""
    if _plain(body):
        return None
    fields, pending = decode_fields(body)
    at_end = False
    if pending and complete:
        fields, pending = decode_fields(body, dispatch_last=True)
        at_end = not pending
    ends = [end for *_, end, _ in fields]
    pieces = [body[start:end] for start, end in zip([0, *ends], [*ends, len(body)], strict=True)]
    out: Reading = {}
    for event, text in texts_read(pieces):
        if at_end and event == len(pieces):  # read when the body ended: the last event's
            event = len(fields) - 1
        if event < len(fields):
            out.setdefault(event, []).append(text)
    return out


def answer(state: GeminiState, item: Any, index: int, said: Said) -> None:
    said.texts[(index, state.response_id)] = state.text
    for position, call in enumerate(state.function_calls):
        arguments = json.dumps(call.args or {})
        said.calls[call.id or (index, position)] = ToolCall(call.name or "", arguments, call.id)


def transcribe(open_stream: Any, out: TextIO) -> bool:
    lines = GeminiLines()
    return print_stream(open_stream(None), lines, out)
