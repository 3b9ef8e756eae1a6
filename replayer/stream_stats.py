"""What a recorded stream amounts to: timing, text, tool calls, final status and usage (``ssetape inspect``).

Derived from the events alone (no SDK objects), so it works the same on Assistants, Chat Completions
and Responses streams, and on streams the SDK would stop reading. What an event adds to the text, and
what a stream's tool calls, status and usage are, is its API's to say (``ssetape.apis.<kind>.events``);
timing and an ``error`` event read the same in any stream.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ssetape.apis import Events, as_dict
from ssetape.recorder import Interaction

from .kinds import api_of
from .stream_events import StreamEvent, events, text_in, unread_bytes

__all__ = ["Stats", "stats"]


@dataclass(frozen=True, slots=True)
class Stats:
    """The summary of one streamed interaction. Times are seconds since the request was sent."""

    #: Which API's stream it is (``replayer.kind_of``): ``assistants``, ``responses``, ``chat``, ``anthropic``,
    #: ... or ``sse`` for a stream no API recognises.
    kind: str

    #: How many complete events the body holds.
    events: int
    #: Body size in bytes as sent (compressed, when it was), and how many network chunks it arrived in.
    bytes: int
    chunks: int
    #: Arrival of the response headers, of the first body byte, of the first event, of the first text.
    response_at: float
    first_byte: float | None
    first_event: float | None
    first_text: float | None
    #: Arrival of the last byte: the whole exchange.
    duration: float
    #: Events per second while streaming (first to last event); None with fewer than two distinct times.
    events_per_second: float | None
    #: The assistant's text, messages separated by a blank line.
    text: str = field(repr=False)
    #: Tool calls in the order they started: function names, or the tool type (``code_interpreter``).
    tool_calls: list[str]
    #: The final status: of the run (Assistants), the response (Responses), or the finish reason (Chat).
    status: str | None
    #: The token usage reported last, as sent.
    usage: dict[str, Any] | None
    #: The ``error`` event's code and message, when the stream sent one.
    error_event: str | None
    #: Whether the body arrived whole; when not, the error that cut it off.
    complete: bool
    cut_off_by: str | None
    #: The body's ``content-encoding`` (``gzip``, ``br``, ...), None when it was sent as it is; and its size decoded.
    encoding: str | None = None
    decoded_bytes: int = 0
    #: Bytes at the end of a body that arrived whole that its SDK never reads: an event no blank line ends (a raw
    #: dump saved without it). 0 when there are none.
    unread: int = 0
    #: Whether the recording says when each byte arrived (``Interaction.timed``); without, the times above are 0
    #: and mean nothing (``to_json`` gives them as null).
    timed: bool = True

    @property
    def text_length(self) -> int:
        return len(self.text)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["text_length"] = self.text_length
        for key in ("response_at", "first_byte", "first_event", "first_text", "duration", "events_per_second"):
            if not self.timed:
                data[key] = None
            elif data[key] is not None:
                data[key] = round(data[key], 6)
        return data


def stats(interaction: Interaction, decoded: Sequence[StreamEvent] | None = None) -> Stats:
    """The summary of a streamed interaction (of any interaction: a plain body has no events).

    ``decoded``: its events, when the caller already has them (``events(interaction)``).
    """
    found = list(decoded) if decoded is not None else events(interaction)
    chunks = interaction.chunks()
    recording = interaction.response.ssetape
    pairs = [(event.name, event.data) for event in found]  # each event's data parsed once
    texts = [text_in(name, data) for name, data in pairs]
    first_text = next((event.at for event, text in zip(found, texts, strict=True) if text), None)
    span = found[-1].at - found[0].at if found else 0.0
    error = _error_event(found)
    api = api_of(interaction)
    home: Events = api.events
    return Stats(
        kind=api.kind,
        events=len(found),
        bytes=len(interaction.response.body_bytes),
        chunks=len(chunks),
        response_at=interaction.response_at,
        first_byte=chunks[0].at if chunks else None,
        first_event=found[0].at if found else None,
        first_text=first_text,
        duration=max(chunks[-1].at if chunks else 0.0, interaction.response_at),
        events_per_second=(len(found) - 1) / span if span > 0 else None,
        text=_text(pairs, texts),
        tool_calls=home.tool_calls(pairs),
        status=home.status(pairs),
        usage=home.usage(pairs),
        error_event=error,
        complete=interaction.complete,
        cut_off_by=(
            f"{recording.error.type}: {recording.error.message}"
            if recording is not None and not recording.complete and recording.error is not None
            else None
        ),
        timed=interaction.timed,
        unread=unread_bytes(interaction),
        encoding=interaction.response.header("content-encoding"),
        decoded_bytes=len(interaction.response.decoded_body),
    )


def _text(pairs: list[tuple[str, Any]], texts: list[str | None]) -> str:
    messages: dict[Any, list[str]] = {}
    for (_, data), text in zip(pairs, texts, strict=True):
        if text:
            key = data.get("id") or data.get("item_id")
            messages.setdefault(key, []).append(text)
    return "\n\n".join("".join(pieces) for pieces in messages.values())


def _error_event(found: list[StreamEvent]) -> str | None:
    for event in found:
        if event.name == "error" and isinstance(event.data, dict):
            error = as_dict(event.data.get("error")) or event.data
            code = error.get("code") or error.get("type") or "error"
            return f"{code}: {error.get('message', '')}".rstrip(": ")
    return None
