"""Anthropic Messages streams through the SDK: ``client.messages.stream`` (``client.beta.messages.stream`` for a
recording of ``/v1/messages?beta=true``), the pure :class:`~.accumulator.MessageAccumulator` behind
``Timeline``, the answer and the transcript."""

from __future__ import annotations

import json
from operator import methodcaller
from typing import Any, TextIO

import anthropic
import httpx2

from ..answer import Said, ToolCall
from ..requests import recorded_body, recorded_model
from ..transcripts import print_stream
from .accumulator import MessageAccumulator, MessageState
from .events import TOOL_BLOCKS
from .flavours import BETA, flavour_of, headers_of, response_of
from .transcript import MessageLines

__all__ = [
    "OBSERVER",
    "OPTIONS",
    "YIELDS_EVENTS",
    "accumulator",
    "answer",
    "client",
    "manager",
    "public_base",
    "session_client",
    "transcribe",
]

OPTIONS: tuple[str, ...] = ("output_format",)
YIELDS_EVENTS = True
#: What a replay asks for when the recorded request does not say (an imported ``.sse`` dump).
_MAX_TOKENS = 1024


def client(transport: Any, *, asynchronous: bool) -> Any:
    """An ``anthropic`` client (sync or async) whose every request goes to ``transport``."""
    options: dict[str, Any] = {
        "api_key": "sk-ant-ssetape-replay",
        "base_url": "http://replay.ssetape",
        "max_retries": 0,
    }
    if asynchronous:
        return anthropic.AsyncAnthropic(http_client=httpx2.AsyncClient(transport=transport), **options)
    return anthropic.Anthropic(http_client=httpx2.Client(transport=transport), **options)


def session_client(root: str | None, transport: Any, **options: Any) -> anthropic.Anthropic:
    """An ``anthropic`` client of the API at ``root`` (an emulated upstream: the SDK's paths start with ``/v1``;
    None: the one its environment variable names) sending through ``transport``, with a fake key; ``options``
    (another API's) do not apply."""
    key = "sk-ant-emulated-not-a-real-key"
    return anthropic.Anthropic(
        api_key=key, base_url=root, max_retries=0, http_client=httpx2.Client(transport=transport)
    )


def public_base(**options: Any) -> str:
    """The real API's base URL, which a recording against an emulated upstream is rewritten to."""
    return "https://api.anthropic.com"


#: What a recording session watches each stream with by default (``ssetape.fixtures.sessions``).
OBSERVER: Any = methodcaller("until_done")


def manager(client: Any, item: Any, event_handler: Any, *, asynchronous: bool, given: dict[str, Any]) -> Any:
    """``client.messages.stream(...)`` with the recorded request's model, max_tokens and messages."""
    body = recorded_body(item)
    model = recorded_model(body)
    max_tokens = body.get("max_tokens") if isinstance(body.get("max_tokens"), int) else _MAX_TOKENS
    messages = body.get("messages") if isinstance(body.get("messages"), list) else []
    messages_api = (
        client.beta.messages if flavour_of(item.request.uri, item.request.headers) is BETA else client.messages
    )
    extra = _beta_header(item)
    return messages_api.stream(model=model, max_tokens=max_tokens, messages=messages, **extra, **given)


def _beta_header(item: Any) -> dict[str, Any]:
    """The recorded ``anthropic-beta`` header, which the beta helper reads (fine-grained tool streaming)."""
    for name, values in item.request.headers.items():
        if name.lower() == "anthropic-beta" and values:
            return {"extra_headers": {"anthropic-beta": ",".join(values)}}
    return {}


def accumulator(item: Any) -> tuple[Any, Any]:
    flavour, headers = flavour_of(item.request.uri, item.request.headers), headers_of(item.request.headers)
    status = item.response.status.code
    response = response_of(status, item.response.headers, item.request.uri)
    return (lambda: MessageAccumulator(flavour, headers, status=status, response=response)), MessageAccumulator.restore


def answer(state: MessageState, item: Any, index: int, said: Said) -> None:
    message = state.current_message_snapshot
    if message is None:
        return
    said.texts[(index, message.id)] = "".join(block.text for block in message.content if block.type == "text")
    for position, block in enumerate(message.content):
        if block.type in TOOL_BLOCKS:
            written = state.input_json(position) or json.dumps(block.input)
            said.calls[block.id] = ToolCall(block.name, written, block.id)


def transcribe(open_stream: Any, out: TextIO) -> bool:
    with open_stream(None) as stream:
        return print_stream(stream, MessageLines(), out)
