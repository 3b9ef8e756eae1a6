"""What a recorded stream amounts to: timing, text, tool calls, final status and usage (``ssetape inspect``).

Derived from the events alone (no SDK objects), so it works the same on Assistants, Chat Completions
and Responses streams, and on streams the SDK would stop reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ssetape.recorder import Interaction

from ._data import as_dict, as_list
from .stream_events import StreamEvent, events, text_of

__all__ = ["Stats", "stats"]


@dataclass(frozen=True, slots=True)
class Stats:
    """The summary of one streamed interaction. Times are seconds since the request was sent."""

    #: How many complete events the body holds.
    events: int
    #: Body size in bytes, and how many network chunks it arrived in.
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

    @property
    def text_length(self) -> int:
        return len(self.text)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["text_length"] = self.text_length
        for key in ("response_at", "first_byte", "first_event", "first_text", "duration", "events_per_second"):
            if data[key] is not None:
                data[key] = round(data[key], 6)
        return data


def stats(interaction: Interaction, decoded: Sequence[StreamEvent] | None = None) -> Stats:
    """The summary of a streamed interaction (of any interaction: a plain body has no events).

    ``decoded``: its events, when the caller already has them (``events(interaction)``).
    """
    found = list(decoded) if decoded is not None else events(interaction)
    chunks = interaction.chunks()
    recording = interaction.response.ssetape
    first_text = next((e.at for e in found if text_of(e)), None)
    span = found[-1].at - found[0].at if found else 0.0
    error = _error_event(found)
    return Stats(
        events=len(found),
        bytes=len(interaction.response.body_bytes),
        chunks=len(chunks),
        response_at=interaction.response_at,
        first_byte=chunks[0].at if chunks else None,
        first_event=found[0].at if found else None,
        first_text=first_text,
        duration=max(chunks[-1].at if chunks else 0.0, interaction.response_at),
        events_per_second=(len(found) - 1) / span if span > 0 else None,
        text=_text(found),
        tool_calls=_tool_calls(found),
        status=_status(found),
        usage=_usage(found),
        error_event=error,
        complete=interaction.complete,
        cut_off_by=(
            f"{recording.error.type}: {recording.error.message}"
            if recording is not None and not recording.complete and recording.error is not None
            else None
        ),
    )


def _text(found: list[StreamEvent]) -> str:
    messages: dict[Any, list[str]] = {}
    for event in found:
        text = text_of(event)
        if text:
            key = event.data.get("id") or event.data.get("item_id")
            messages.setdefault(key, []).append(text)
    return "\n\n".join("".join(pieces) for pieces in messages.values())


def _tool_calls(found: list[StreamEvent]) -> list[str]:
    calls: dict[Any, str] = {}
    ids: dict[Any, Any] = {}  # (step or choice, index) -> the call's id, once a delta has given it

    def add(position: tuple[Any, Any], call_id: Any, name: str | None) -> None:
        if call_id:
            ids[position] = call_id
        key = ids.get(position, position)
        if key not in calls and name:
            calls[key] = name

    for event in found:
        data = event.data
        if not isinstance(data, dict):
            continue
        if event.name == "thread.run.step.delta":
            details = as_dict(as_dict(data.get("delta")).get("step_details"))
            for call in as_list(details.get("tool_calls")):
                add((data.get("id"), call.get("index")), call.get("id"), _call_name(call))
        elif event.name.startswith("thread.run.step."):
            for index, call in enumerate(as_list(as_dict(data.get("step_details")).get("tool_calls"))):
                add((data.get("id"), call.get("index", index)), call.get("id"), _call_name(call))
        elif event.name == "response.output_item.added":
            item = as_dict(data.get("item"))
            kind = str(item.get("type") or "")
            if kind.endswith("_call"):
                add(("response", item.get("id")), None, str(item.get("name") or kind.removesuffix("_call")))
        elif data.get("object") == "chat.completion.chunk":
            for choice in as_list(data.get("choices")):
                for call in as_list(as_dict(choice.get("delta")).get("tool_calls")):
                    name = as_dict(call.get("function")).get("name")
                    add((choice.get("index"), call.get("index")), call.get("id"), str(name) if name else None)
    return list(calls.values())


def _call_name(call: dict[str, Any]) -> str | None:
    if not call.get("type"):
        return None
    if call.get("type") == "function":
        return str(as_dict(call.get("function")).get("name") or "function")
    return str(call.get("type") or "tool call")


def _status(found: list[StreamEvent]) -> str | None:
    status = None
    for event in found:
        data = event.data
        if not isinstance(data, dict):
            continue
        if event.name.startswith("thread.run.") and not event.name.startswith("thread.run.step."):
            status = data.get("status", status)
        elif event.name.startswith("response.") and isinstance(data.get("response"), dict):
            status = data["response"].get("status", status)
        elif data.get("object") == "chat.completion.chunk":
            for choice in as_list(data.get("choices")):
                status = choice.get("finish_reason") or status
    return status


def _usage(found: list[StreamEvent]) -> dict[str, Any] | None:
    for event in reversed(found):
        data = event.data
        if not isinstance(data, dict) or event.name.startswith("thread.run.step."):
            continue
        usage = data.get("usage")
        if usage is None and isinstance(data.get("response"), dict):
            usage = data["response"].get("usage")
        if isinstance(usage, dict):
            return usage
    return None


def _error_event(found: list[StreamEvent]) -> str | None:
    for event in found:
        if event.name == "error" and isinstance(event.data, dict):
            error = as_dict(event.data.get("error")) or event.data
            code = error.get("code") or error.get("type") or "error"
            return f"{code}: {error.get('message', '')}".rstrip(": ")
    return None
