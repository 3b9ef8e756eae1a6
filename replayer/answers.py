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

from ssetape.apis import Said, ToolCall
from ssetape.recorder import Cassette, load

from .kinds import Kind, api_of
from .stream_events import events
from .streaming import pick
from .timeline import final_state

__all__ = ["Answer", "ToolCall", "answer"]


@dataclass(frozen=True, slots=True)
class Answer:
    """The assistant's side of one stream, or of all of a cassette's streams in order."""

    kinds: tuple[Kind, ...]
    #: The assistant's text, messages separated by a blank line.
    text: str
    #: What the model refused to do, if it did (refusal parts or deltas).
    refusal: str
    tool_calls: tuple[ToolCall, ...]
    #: The last stream's final status, as ``stats`` reads it from the events: of the run, of the response,
    #: or the finish reason.
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
    said = Said()
    status = None
    for index in indexes:
        item = loaded.interactions[index]
        api = api_of(item)
        kinds.append(api.kind)
        found = events(item)
        api.sdk.answer(final_state(item, found), item, index, said)
        status = api.events.status([(event.name, event.data) for event in found])
    return Answer(
        kinds=tuple(kinds),
        text="\n\n".join(text for text in said.texts.values() if text),
        refusal="\n\n".join(refusal for refusal in said.refusals.values() if refusal),
        tool_calls=tuple(said.calls.values()),
        status=status,
    )
