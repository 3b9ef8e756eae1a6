"""Chat Completions streams through the SDK: ``client.chat.completions.stream``, whose
``ChatCompletionStreamState`` also drives ``Timeline``; the answer and the transcript."""

from __future__ import annotations

from operator import methodcaller
from typing import Any, TextIO

from openai import Omit, omit

from .._openai import public_base, session_client, tools_option
from .._openai import replay_client as client
from ..answer import Said, ToolCall
from ..requests import recorded_body, recorded_model
from ..transcripts import print_stream
from .accumulator import ChatAccumulator, ChatState
from .transcript import ChatLines

__all__ = [
    "OBSERVER",
    "OPTIONS",
    "YIELDS_EVENTS",
    "accumulator",
    "answer",
    "client",
    "manager",
    "options",
    "public_base",
    "session_client",
    "transcribe",
]

OPTIONS: tuple[str, ...] = ("response_format", "tools")
#: What a recording session watches each stream with by default (``ssetape.fixtures.sessions``).
OBSERVER: Any = methodcaller("until_done")
YIELDS_EVENTS = True


def options(item: Any, *, response_format: Any = omit, tools: Any = omit) -> dict[str, Any]:
    """What ``ChatCompletionStreamState`` is built with: ``response_format`` and ``tools`` (recorded by default)."""
    body = recorded_body(item)
    if isinstance(response_format, Omit) and isinstance(body.get("response_format"), dict):
        response_format = body["response_format"]
    return {"response_format": response_format, "tools": tools_option(body, tools)}


def manager(client: Any, item: Any, event_handler: Any, *, asynchronous: bool, given: dict[str, Any]) -> Any:
    body = recorded_body(item)
    model = recorded_model(body)
    messages = body.get("messages") if isinstance(body.get("messages"), list) else []
    chosen = options(item, **given)
    return client.chat.completions.stream(model=model, messages=messages, **chosen)


def accumulator(item: Any) -> tuple[Any, Any]:
    chosen = options(item)
    return (lambda: ChatAccumulator(**chosen)), ChatAccumulator.restore


def answer(state: ChatState, item: Any, index: int, said: Said) -> None:
    completion = state.current_snapshot
    if completion is None or not completion.choices:
        return
    choice = completion.choices[0]  # the first choice: a request for n > 1 answers has no single answer
    said.texts[(index, completion.id)] = choice.message.content or ""
    said.refusals[(index, completion.id)] = choice.message.refusal or ""
    for call in choice.message.tool_calls or []:
        if call.type == "function":
            said.calls[call.id] = ToolCall(call.function.name, call.function.arguments, call.id)


def transcribe(open_stream: Any, out: TextIO) -> bool:
    with open_stream(None) as stream:
        return print_stream(stream, ChatLines(), out)
