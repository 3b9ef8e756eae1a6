"""Responses streams through the SDK: ``client.responses.stream``, whose ``ResponseStreamState`` also
drives ``Timeline``; the answer and the transcript."""

from __future__ import annotations

from operator import methodcaller
from typing import Any, TextIO

from openai import omit

from .._openai import public_base, session_client, tools_option
from .._openai import replay_client as client
from ..answer import Said, ToolCall
from ..requests import recorded_body, recorded_model
from ..transcripts import print_stream
from .accumulator import ResponsesAccumulator, ResponsesState
from .transcript import ResponsesLines

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

OPTIONS: tuple[str, ...] = ("text_format", "tools")
#: What a recording session watches each stream with by default (``ssetape.fixtures.sessions``).
OBSERVER: Any = methodcaller("until_done")
YIELDS_EVENTS = True


def options(item: Any, *, text_format: Any = omit, tools: Any = omit) -> dict[str, Any]:
    """What ``ResponseStreamState`` is built with: ``text_format`` and ``tools`` (the recorded ones by default)."""
    return {"text_format": text_format, "tools": tools_option(recorded_body(item), tools)}


def manager(client: Any, item: Any, event_handler: Any, *, asynchronous: bool, given: dict[str, Any]) -> Any:
    body = recorded_body(item)
    model = recorded_model(body)
    chosen = options(item, **given)
    return client.responses.stream(model=model, input=body.get("input") or "", **chosen)


def accumulator(item: Any) -> tuple[Any, Any]:
    chosen = options(item)
    return (lambda: ResponsesAccumulator(**chosen)), ResponsesAccumulator.restore


def answer(state: ResponsesState, item: Any, index: int, said: Said) -> None:
    response = state.completed_response or state.current_snapshot
    if response is None:
        return
    for position, output in enumerate(response.output):
        key = getattr(output, "id", None) or (index, position)
        if output.type == "message":
            said.texts[key] = "".join(part.text for part in output.content if part.type == "output_text")
            said.refusals[key] = "".join(part.refusal for part in output.content if part.type == "refusal")
        elif output.type == "function_call":
            said.calls[output.call_id] = ToolCall(output.name, output.arguments, output.call_id)
        elif output.type.endswith("_call"):
            code = getattr(output, "code", None)
            said.calls[key] = ToolCall(output.type.removesuffix("_call"), code or "", getattr(output, "id", None))


def transcribe(open_stream: Any, out: TextIO) -> bool:
    with open_stream(None) as stream:
        return print_stream(stream, ResponsesLines(), out)
