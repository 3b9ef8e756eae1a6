"""Assistants streams through the SDK: ``client.beta.threads.runs.stream`` with an ``AssistantEventHandler``,
the pure accumulator behind ``Timeline``, the answer and the transcript."""

from __future__ import annotations

import re
from typing import Any, TextIO

from openai.lib.streaming import AssistantEventHandler, AsyncAssistantEventHandler

from .._openai import public_base, session_client
from .._openai import replay_client as client
from ..answer import Said, ToolCall
from .accumulator import AssistantAccumulator, State
from .transcript import TranscriptHandler

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

OPTIONS: tuple[str, ...] = ()
#: What a recording session watches each stream with by default (``ssetape.fixtures.sessions``).
OBSERVER: Any = AssistantEventHandler
YIELDS_EVENTS = False
_THREAD_ID = re.compile(r"/threads/([^/]+)/")


def manager(client: Any, item: Any, event_handler: Any, *, asynchronous: bool, given: dict[str, Any]) -> Any:
    if event_handler is None:
        event_handler = AsyncAssistantEventHandler() if asynchronous else AssistantEventHandler()
    match = _THREAD_ID.search(item.request.uri)
    thread_id = match.group(1) if match else "thread_replay"
    return client.beta.threads.runs.stream(thread_id=thread_id, assistant_id="asst_replay", event_handler=event_handler)


def accumulator(item: Any) -> tuple[Any, Any]:
    return AssistantAccumulator, AssistantAccumulator.restore


def answer(state: State, item: Any, index: int, said: Said) -> None:
    for message_id, message in state.message_snapshots.items():
        said.texts[message_id] = "".join(part.text.value for part in message.content if part.type == "text")
        said.refusals[message_id] = "".join(part.refusal for part in message.content if part.type == "refusal")
    for step in state.run_step_snapshots.values():
        for call in getattr(step.step_details, "tool_calls", None) or []:
            if call.type == "function":
                said.calls[call.id] = ToolCall(call.function.name, call.function.arguments, call.id)
            elif call.type == "code_interpreter":
                said.calls[call.id] = ToolCall("code_interpreter", call.code_interpreter.input, call.id)
            else:
                said.calls[call.id] = ToolCall(call.type, "", call.id)


def transcribe(open_stream: Any, out: TextIO) -> bool:
    handler = TranscriptHandler(out)
    with open_stream(handler) as stream:
        stream.until_done()
    run = handler.current_run
    return run is None or run.status != "failed"
