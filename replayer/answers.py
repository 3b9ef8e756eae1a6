"""What the assistant answered in a recording, whatever the API: its text, refusal and tool calls.

Read from the SDK's own final state (the Assistants handler's messages and run steps, the Responses
stream's response, the Chat Completions stream's completion), so an Assistants recording and the same
exchange recorded through the Responses API (or Chat Completions) give equal answers when the model said
the same thing: ids, timings and the shape of the events do not count. ``ssetape diff --text`` compares
two recordings this way.

A whole cassette's answer joins its streams in order: a function-calling exchange is two streams (the
calls, then the answer to their outputs) in every API.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ssetape.apis.chat.state import ChatState
from ssetape.apis.responses.state import ResponsesState
from ssetape.recorder import Cassette, Interaction, load

from .kinds import Kind, kind_of
from .stream_events import events
from .streaming import pick
from .timeline import final_state

__all__ = ["Answer", "ToolCall", "answer"]


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A tool call the model made: a function's ``name`` and ``arguments`` (JSON text, as written), or a
    built-in tool's type (``file_search``, ``code_interpreter``) with its input, if any."""

    name: str
    arguments: str
    #: The call's id, which differs between recordings (it is not compared).
    id: str | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ToolCall) and (self.name, self.arguments) == (other.name, other.arguments)

    def __hash__(self) -> int:
        return hash((self.name, self.arguments))


@dataclass(frozen=True, slots=True)
class Answer:
    """The assistant's side of one stream, or of all of a cassette's streams in order."""

    kinds: tuple[Kind, ...]
    #: The assistant's text, messages separated by a blank line.
    text: str
    #: What the model refused to do, if it did (refusal parts or deltas).
    refusal: str
    tool_calls: tuple[ToolCall, ...]
    #: The last stream's final status: of the run, of the response, or the finish reason.
    status: str | None

    def same_as(self, other: Answer) -> bool:
        """The same text, refusal and tool calls (names and arguments), whatever the API and the ids."""
        return (self.text, self.refusal, self.tool_calls) == (other.text, other.refusal, other.tool_calls)


def answer(cassette: Cassette | str | Path, interaction: int | None = None) -> Answer:
    """The answer in streamed ``interaction`` of ``cassette``; with ``interaction`` ``None``, in all of its
    streamed interactions, in order (tool calls and messages that a later stream repeats count once)."""
    loaded = cassette if isinstance(cassette, Cassette) else load(cassette)
    indexes = [pick(loaded, interaction)] if interaction is not None else loaded.streams()
    kinds: list[Kind] = []
    texts: dict[Any, str] = {}
    refusals: dict[Any, str] = {}
    calls: dict[Any, ToolCall] = {}
    status = None
    for index in indexes:
        item = loaded.interactions[index]
        kinds.append(kind_of(item))
        status = _read(item, index, texts, refusals, calls)
    return Answer(
        kinds=tuple(kinds),
        text="\n\n".join(text for text in texts.values() if text),
        refusal="\n\n".join(refusal for refusal in refusals.values() if refusal),
        tool_calls=tuple(calls.values()),
        status=status,
    )


def _read(
    item: Interaction, index: int, texts: dict[Any, str], refusals: dict[Any, str], calls: dict[Any, ToolCall]
) -> str | None:
    """Adds what stream ``item`` says to ``texts``, ``refusals`` and ``calls`` (keyed by message and call
    ids, so a repeat replaces rather than adds); returns its final status."""
    state = final_state(item)
    if isinstance(state, ResponsesState):
        return _responses(state, item, index, texts, refusals, calls)
    if isinstance(state, ChatState):
        return _chat(state, index, texts, refusals, calls)
    for message_id, message in state.message_snapshots.items():
        texts[message_id] = "".join(part.text.value for part in message.content if part.type == "text")
        refusals[message_id] = "".join(part.refusal for part in message.content if part.type == "refusal")
    for step in state.run_step_snapshots.values():
        for call in getattr(step.step_details, "tool_calls", None) or []:
            if call.type == "function":
                calls[call.id] = ToolCall(call.function.name, call.function.arguments, call.id)
            elif call.type == "code_interpreter":
                calls[call.id] = ToolCall("code_interpreter", call.code_interpreter.input, call.id)
            else:
                calls[call.id] = ToolCall(call.type, "", call.id)
    return getattr(state.current_run, "status", None)


def _responses(
    state: ResponsesState,
    item: Interaction,
    index: int,
    texts: dict[Any, str],
    refusals: dict[Any, str],
    calls: dict[Any, ToolCall],
) -> str | None:
    response = state.completed_response or state.current_snapshot
    if response is None:
        return None
    for position, output in enumerate(response.output):
        key = getattr(output, "id", None) or (index, position)
        if output.type == "message":
            texts[key] = "".join(part.text for part in output.content if part.type == "output_text")
            refusals[key] = "".join(part.refusal for part in output.content if part.type == "refusal")
        elif output.type == "function_call":
            calls[output.call_id] = ToolCall(output.name, output.arguments, output.call_id)
        elif output.type.endswith("_call"):
            code = getattr(output, "code", None)
            calls[key] = ToolCall(output.type.removesuffix("_call"), code or "", getattr(output, "id", None))
    return _response_status(item) or response.status


def _chat(
    state: ChatState, index: int, texts: dict[Any, str], refusals: dict[Any, str], calls: dict[Any, ToolCall]
) -> str | None:
    completion = state.current_snapshot
    if completion is None or not completion.choices:
        return None
    choice = completion.choices[0]  # the first choice: a request for n > 1 answers has no single answer
    texts[(index, completion.id)] = choice.message.content or ""
    refusals[(index, completion.id)] = choice.message.refusal or ""
    for call in choice.message.tool_calls or []:
        if call.type == "function":
            calls[call.id] = ToolCall(call.function.name, call.function.arguments, call.id)
    return choice.finish_reason


def _response_status(item: Interaction) -> str | None:
    """The status the last lifecycle event gave the response (the SDK's snapshot keeps the first one's)."""
    status = None
    for event in events(item):
        data = event.data
        if isinstance(data, dict) and isinstance(data.get("response"), dict):
            status = data["response"].get("status", status)
    return status
