"""The events of a streamed interaction, where and when each arrived, and what each says in one line.

An event's time is the arrival of the network chunk that completed it (the chunk holding its
terminating blank line), in seconds since the request was sent: the moment a client could act on it.
Works on any SSE stream the OpenAI API sends: Assistants (``thread.*``), Chat Completions
(``data:``-only chunks ending in ``[DONE]``) and Responses (``response.*``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ssetape.recorder import Interaction, SSEDecoder

from ._data import as_dict, as_list
from .transport import _Clock

__all__ = ["StreamEvent", "events", "follow", "summarize", "text_of", "unterminated"]

#: Longest quoted text in a summary (the TUI and tables truncate further to their width).
QUOTE_WIDTH = 60


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """One event of a recorded stream."""

    #: 0-based position in the stream.
    index: int
    #: The SSE event type (``"message"`` when the stream names none, as Chat Completions streams).
    name: str
    #: The ``data:`` text parsed as JSON; the text itself when it is not JSON (``"[DONE]"``).
    data: Any = field(repr=False)
    #: The ``data:`` text as sent.
    raw: str = field(repr=False)
    #: Seconds from sending the request to the arrival of the chunk that completed the event.
    at: float
    #: Seconds since the previous event arrived (for the first event: since the response headers).
    gap: float
    #: Byte range of the event in the body: ``body[start:end]`` (its blank line included).
    start: int
    end: int
    #: Index of the network chunk that completed the event.
    chunk: int
    #: The SSE ``id:`` in force, if the stream sets one.
    id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-able record (one line of ``ssetape inspect --json``)."""
        return {
            "index": self.index,
            "event": self.name,
            "at": round(self.at, 6),
            "gap": round(self.gap, 6),
            "start": self.start,
            "end": self.end,
            "chunk": self.chunk,
            "summary": summarize(self),
            "data": self.data,
        }


def _decode(interaction: Interaction) -> tuple[list[StreamEvent], bytes]:
    chunks = interaction.chunks()
    decoder = SSEDecoder()
    decoded = [event for chunk in chunks for event in decoder.feed(chunk.data)]
    decoded += decoder.flush()
    out: list[StreamEvent] = []
    previous = interaction.response_at
    for index, sse in enumerate(decoded):
        at = chunks[sse.chunk].at if sse.chunk < len(chunks) else previous
        try:
            data = json.loads(sse.data)
        except ValueError:
            data = sse.data
        out.append(
            StreamEvent(
                index=index,
                name=sse.event,
                data=data,
                raw=sse.data,
                at=at,
                gap=max(at - previous, 0.0),
                start=sse.start,
                end=sse.end,
                chunk=sse.chunk,
                id=sse.id,
            )
        )
        previous = at
    return out, decoder.pending


def events(interaction: Interaction) -> list[StreamEvent]:
    """Every complete event of ``interaction``'s body, in order (empty for a body that is not SSE)."""
    return _decode(interaction)[0] if interaction.streamed else []


def unterminated(interaction: Interaction) -> bytes:
    """The bytes after the last complete event: a stream cut mid-event (empty when it ends cleanly)."""
    return _decode(interaction)[1] if interaction.streamed else b""


def follow(interaction: Interaction, speed: float = 1.0) -> Iterator[StreamEvent]:
    """The events of ``interaction`` as they arrived: each yielded at its recorded time (``speed`` 0: at once)."""
    clock = _Clock(speed)
    for event in events(interaction):
        wait = clock.delay(event.at)
        if wait > 0:
            time.sleep(wait)
        yield event


# --- what an event says ------------------------------------------------------------------------------


def text_of(event: StreamEvent) -> str | None:
    """The assistant text an event adds (a text delta's value), or None for any other event."""
    data = event.data
    if not isinstance(data, dict):
        return None
    if event.name == "thread.message.delta":
        parts = [
            part["text"].get("value") or ""
            for part in as_list(as_dict(data.get("delta")).get("content"))
            if part.get("type") == "text" and isinstance(part.get("text"), dict)
        ]
        return "".join(parts) if parts else None
    if event.name == "response.output_text.delta":
        return str(data.get("delta") or "")
    if data.get("object") == "chat.completion.chunk":
        parts = [
            as_dict(choice.get("delta")).get("content")
            for choice in as_list(data.get("choices"))
            if isinstance(as_dict(choice.get("delta")).get("content"), str)
        ]
        return "".join(str(part) for part in parts) if parts else None
    return None


def summarize(event: StreamEvent, width: int = QUOTE_WIDTH) -> str:
    """What the event says, in one line: ``"Hello"`` for a text delta, ``status → requires_action`` ...

    Never raises, whatever the data: an event the API never sends summarizes as best it can.
    """
    data = event.data
    if not isinstance(data, dict):
        return event.raw if event.raw == "[DONE]" else _quote(event.raw, width)
    try:
        line = _summarize(event.name, data, width)
    except (AttributeError, KeyError, TypeError, ValueError):
        line = ""
    return " ".join(line.split()) if "\n" in line or "\r" in line else line


def _summarize(name: str, data: dict[str, Any], width: int) -> str:
    if name == "thread.created":
        return f"thread {data.get('id', '?')}"
    if name == "thread.message.delta":
        return _message_delta(as_dict(data.get("delta")), width)
    if name == "thread.run.step.delta":
        return _step_delta(as_dict(data.get("delta")), width)
    if name.startswith("thread.run.step."):
        return _step(data, width)
    if name.startswith("thread.message."):
        return _message(data, width)
    if name.startswith("thread.run."):
        return _run(data, width)
    if name == "error" or (isinstance(data.get("error"), dict) and not name.startswith("response.")):
        return _error(as_dict(data.get("error")) or data, width)
    if name.startswith("response."):
        return _response_event(name, data, width)
    if data.get("object") == "chat.completion.chunk":
        return _chat_chunk(data, width)
    if "status" in data:
        return f"status → {data['status']}"
    return ""


def _run(run: dict[str, Any], width: int) -> str:
    line = f"status → {run.get('status', '?')}"
    action = as_dict(as_dict(run.get("required_action")).get("submit_tool_outputs"))
    calls = [as_dict(as_dict(call).get("function")).get("name") or "?" for call in as_list(action.get("tool_calls"))]
    if calls:
        line += ": " + ", ".join(calls)
    return line + _outcome(run, "last_error", width)


def _step(step: dict[str, Any], width: int) -> str:
    kind = step.get("type") or as_dict(step.get("step_details")).get("type") or "?"
    details = as_dict(step.get("step_details"))
    tools = [_tool_name(call) for call in as_list(details.get("tool_calls"))]
    line = f"step {kind}" + (f" [{', '.join(tools)}]" if tools else "") + f" → {step.get('status', '?')}"
    error = as_dict(step.get("last_error"))
    if error:
        line += ": " + _error(error, width)
    usage = _usage(step.get("usage"))
    if usage:
        line += f" ({usage})"
    return line


def _message(message: dict[str, Any], width: int) -> str:
    line = f"message {message.get('role', '?')} → {message.get('status', '?')}"
    incomplete = as_dict(message.get("incomplete_details"))
    if incomplete.get("reason"):
        line += f": {incomplete['reason']}"
    text = "".join(
        as_dict(part.get("text")).get("value") or ""
        for part in as_list(message.get("content"))
        if part.get("type") == "text"
    )
    if text:
        line += f" {_quote(text, width)}"
    return line


def _message_delta(delta: dict[str, Any], width: int) -> str:
    pieces = []
    for part in as_list(delta.get("content")):
        kind = part.get("type")
        if kind == "text":
            text = as_dict(part.get("text"))
            if text.get("value") or not text.get("annotations"):
                pieces.append(_quote(text.get("value") or "", width))
            for annotation in as_list(text.get("annotations")):
                pieces.append(f"+ {annotation.get('type', 'annotation')} {annotation.get('text', '')}".rstrip())
        elif kind == "image_file":
            pieces.append(f"image_file {as_dict(part.get('image_file')).get('file_id', '?')}")
        elif kind == "image_url":
            pieces.append(f"image_url {as_dict(part.get('image_url')).get('url', '?')}")
        elif kind == "refusal":
            pieces.append(f"refusal {_quote(part.get('refusal') or '', width)}")
        elif kind:
            pieces.append(str(kind))
    return " ".join(pieces)


def _step_delta(delta: dict[str, Any], width: int) -> str:
    details = as_dict(delta.get("step_details"))
    if details.get("type") == "message_creation":
        return f"message_creation {as_dict(details.get('message_creation')).get('message_id', '')}".rstrip()
    return " · ".join(_tool_call_delta(call, width) for call in as_list(details.get("tool_calls")))


def _tool_call_delta(call: dict[str, Any], width: int) -> str:
    kind = call.get("type") or "tool call"
    index = call.get("index")
    label = f"{kind} #{index + 1}" if isinstance(index, int) and index > 0 else str(kind)
    pieces: list[str] = []
    if kind == "code_interpreter":
        ci = as_dict(call.get("code_interpreter"))
        if ci.get("input"):
            pieces.append(f"input {_quote(ci['input'], width)}")
        for output in as_list(ci.get("outputs")):
            if output.get("type") == "logs":
                pieces.append(f"logs {_quote(output.get('logs') or '', width)}")
            elif output.get("type") == "image":
                pieces.append(f"image {as_dict(output.get('image')).get('file_id', '?')}")
    elif kind == "function":
        function = as_dict(call.get("function"))
        if function.get("name"):
            pieces.append(str(function["name"]))
        if function.get("arguments"):
            pieces.append(f"arguments {_quote(function['arguments'], width)}")
        if function.get("output"):
            pieces.append(f"output {_quote(function['output'], width)}")
    elif kind == "file_search":
        results = as_list(as_dict(call.get("file_search")).get("results"))
        if results:
            pieces.append(f"{len(results)} results")
    if not pieces and call.get("id"):
        pieces.append(str(call["id"]))
    return " ".join([label, *pieces])


def _chat_chunk(chunk: dict[str, Any], width: int) -> str:
    pieces = []
    for choice in as_list(chunk.get("choices")):
        delta = as_dict(choice.get("delta"))
        if delta.get("role"):
            pieces.append(f"role {delta['role']}")
        if delta.get("content"):
            pieces.append(_quote(delta["content"], width))
        if delta.get("refusal"):
            pieces.append(f"refusal {_quote(delta['refusal'], width)}")
        for call in as_list(delta.get("tool_calls")):
            function = as_dict(call.get("function"))
            index = call.get("index")
            label = f"function #{index + 1}" if isinstance(index, int) and index > 0 else "function"
            piece = " ".join(
                [label]
                + ([str(function["name"])] if function.get("name") else [])
                + ([f"arguments {_quote(function['arguments'], width)}"] if function.get("arguments") else [])
            )
            pieces.append(piece)
        if choice.get("finish_reason"):
            pieces.append(f"finish_reason → {choice['finish_reason']}")
    usage = _usage(chunk.get("usage"))
    if usage:
        pieces.append(usage)
    return " ".join(pieces)


def _response_event(name: str, data: dict[str, Any], width: int) -> str:
    if isinstance(data.get("response"), dict):
        response = data["response"]
        return f"status → {response.get('status', '?')}" + _outcome(response, "error", width)
    if name.endswith(".delta") and isinstance(data.get("delta"), str):
        prefix = "" if name == "response.output_text.delta" else name.removeprefix("response.").split(".")[0] + " "
        return prefix + _quote(data["delta"], width)
    if name == "response.output_text.done":
        return _quote(str(data.get("text") or ""), width)
    if isinstance(data.get("item"), dict):
        item = data["item"]
        line = f"item {item.get('type', '?')}"
        if item.get("name"):
            line += f" {item['name']}"
        return line + (f" → {item['status']}" if item.get("status") else "")
    if isinstance(data.get("annotation"), dict):
        annotation = data["annotation"]
        return f"+ {annotation.get('type', 'annotation')} {annotation.get('filename') or annotation.get('url') or ''}"
    if name == "error":
        return _error(data, width)
    return ""


def _outcome(obj: dict[str, Any], error_key: str, width: int) -> str:
    """How a run or a response ended, as a suffix: its error, why it is incomplete, its usage."""
    line = ""
    error = as_dict(obj.get(error_key))
    if error:
        line += ": " + _error(error, width)
    incomplete = as_dict(obj.get("incomplete_details"))
    if incomplete.get("reason"):
        line += f": {incomplete['reason']}"
    usage = _usage(obj.get("usage"))
    return line + (f" ({usage})" if usage else "")


def _error(error: dict[str, Any], width: int) -> str:
    code = error.get("code") or error.get("type") or "error"
    message = str(error.get("message") or "")
    if len(message) > width:
        message = message[: width - 1] + "…"
    return f"{code}: {message}" if message else str(code)


def _usage(usage: Any) -> str:
    usage = as_dict(usage)
    prompt = usage.get("prompt_tokens", usage.get("input_tokens"))
    completion = usage.get("completion_tokens", usage.get("output_tokens"))
    if prompt is None and completion is None:
        return ""
    return f"tokens {prompt} in + {completion} out"


def _tool_name(call: Any) -> str:
    call = as_dict(call)
    kind = call.get("type") or "?"
    name = as_dict(call.get("function")).get("name") if kind == "function" else None
    return str(name or kind)


def _quote(text: str, width: int) -> str:
    """``text`` as a JSON string (so a newline shows as ``\\n``), cut after about ``width`` characters."""
    out: list[str] = []
    used = 0
    for char in text:
        escaped = json.dumps(char, ensure_ascii=False)[1:-1]
        if used + len(escaped) > width:
            return '"' + "".join(out) + '…"'
        out.append(escaped)
        used += len(escaped)
    return '"' + "".join(out) + '"'
