"""How the callbacks pane writes a handler call: ``on_text_delta(delta='lo', snapshot='Hello')``.

Arguments are the SDK objects the handler receives. Text and text deltas show as their value (that is
what a handler reads from them); other models as their type with the fields that tell them apart
(ids, types, statuses, names, code, arguments), never every field; long strings are cut.
"""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel

__all__ = ["Fired", "event_call", "quote", "value"]

#: The fields worth showing, in the order shown; everything else (timestamps, ids of the thread,
#: the assistant's instructions and tools, metadata) is the same at every event and left out.
_FIELDS = (
    "id",
    "index",
    "type",
    "role",
    "status",
    "name",
    "file_id",
    "value",
    "input",
    "logs",
    "arguments",
    "output",
    "outputs",
    "content",
    "text",
    "thinking",
    "partial_json",
    "signature",
    "citation",
    "stop_reason",
    "input_tokens",
    "output_tokens",
    "image_file",
    "image",
    "code_interpreter",
    "function",
    "file_search",
    "step_details",
    "tool_calls",
    "message_creation",
    "message_id",
    "annotations",
    "required_action",
    "last_error",
    "code",
    "message",
)
_TEXTS = ("Text", "TextDelta")


class Fired(Protocol):
    """A handler callback (Assistants) or an event a Responses / Chat Completions stream yields."""

    name: str

    @property
    def args(self) -> tuple[Any, ...]: ...


def value(obj: Any, width: int = 40, *, tail: bool = False, depth: int = 0) -> str:
    """One argument, in one line."""
    if obj is None or isinstance(obj, (bool, int, float)):
        return repr(obj)
    if isinstance(obj, str):
        return quote(obj, width, tail=tail)
    if isinstance(obj, BaseException):
        return f"{type(obj).__name__}({quote(str(obj), width)})"
    if isinstance(obj, list):
        if not obj:
            return "[]"
        shown = [value(item, width, tail=tail, depth=depth + 1) for item in obj[:3]]
        return "[" + ", ".join(shown) + (f", … {len(obj) - 3} more" if len(obj) > 3 else "") + "]"
    if isinstance(obj, BaseModel):
        return _model(obj, width, tail, depth)
    return quote(repr(obj), width)


def _model(obj: BaseModel, width: int, tail: bool, depth: int) -> str:
    kind = type(obj).__name__
    if kind in _TEXTS and hasattr(obj, "value"):  # (Anthropic's TextDelta holds its text in .text: a model)
        text = quote(getattr(obj, "value", None) or "", width, tail=tail)
        annotations = getattr(obj, "annotations", None) or []
        return text + (f" +{len(annotations)} annotation{'s' if len(annotations) > 1 else ''}" if annotations else "")
    event = getattr(obj, "event", None)
    if isinstance(event, str) and hasattr(obj, "data"):  # the on_event argument: its type says enough
        return f"{kind}(event={event!r})"
    if depth >= 4:
        return f"{kind}(…)"
    fields = []
    for name in _FIELDS:
        field = getattr(obj, name, None)
        if field is None or field == [] or (name == "type" and _named_by(kind, field)):
            continue
        if name == "content" and kind == "Message":
            fields.append(f"content=[{_blocks(field)}]")
            continue
        fields.append(f"{name}={value(field, width, tail=tail, depth=depth + 1)}")
    return f"{kind}({', '.join(fields)})"


def _named_by(kind: str, type_: Any) -> bool:
    """Whether a model's class name says its ``type`` already (``TextDelta`` a ``text_delta``, Anthropic's beta
    ``BetaThinkingDelta`` a ``thinking_delta``)."""
    return kind.lower().removeprefix("beta").startswith(str(type_).replace("_", ""))


def _blocks(content: list[Any]) -> str:
    # A message's content in brief: a long message must not print its whole text at every event.
    parts = []
    for block in content:
        kind = getattr(block, "type", "?")
        if kind == "text":
            parts.append(f"text {len(block.text.value):,} chars")
        elif kind == "image_file":
            parts.append(f"image_file {block.image_file.file_id}")
        else:
            parts.append(str(kind))
    return ", ".join(parts)


def quote(text: str, width: int, *, tail: bool = False) -> str:
    """``text`` as a Python string literal, cut to about ``width`` characters (from the start if ``tail``)."""
    if len(text) <= width:
        return repr(text)
    if tail:
        literal = repr(text[-width:])
        return literal[0] + "…" + literal[1:]
    literal = repr(text[:width])
    return literal[:-1] + "…" + literal[-1]


#: The fields of a Responses or Chat Completions stream event worth showing, in the order shown (the
#: indexes, sequence numbers and obfuscation padding every event carries are left out).
_EVENT_FIELDS = {
    "content.delta": ("delta", "snapshot"),
    "refusal.delta": ("delta", "snapshot"),
    "tool_calls.function.arguments.delta": ("index", "name", "arguments_delta"),
    "tool_calls.function.arguments.done": ("index", "name", "arguments"),
    # Anthropic's MessageStream: its own events after each content_block_delta, and the delta's
    "text": ("text", "snapshot"),
    "thinking": ("thinking", "snapshot"),
    "input_json": ("partial_json", "snapshot"),
    "citation": ("citation",),
    "signature": ("signature",),
    "message_delta": ("delta", "usage"),
}
_COMMON_FIELDS = ("delta", "text", "content", "refusal", "name", "arguments", "code", "message", "param")
_OBJECT_FIELDS = ("item", "part", "response", "annotation")


def event_call(callback: Fired, width: int = 40) -> str:
    """``name(field=value, ...)`` for an event a Responses or Chat Completions stream yields."""
    event = callback.args[0] if callback.args else None
    parts = []
    if callback.name == "chunk":
        parts = _chunk(getattr(event, "chunk", None))
    else:
        for name in _EVENT_FIELDS.get(callback.name, _COMMON_FIELDS):
            field = getattr(event, name, None)
            if field is None or (isinstance(field, list) and not field):
                continue
            parts.append(f"{name}={value(field, width, tail=name == 'snapshot')}")
        for name in _OBJECT_FIELDS:
            field = getattr(event, name, None)
            if field is not None:
                parts.append(f"{name}={_brief(field)}")
    return f"{callback.name}({', '.join(parts)})"


def _brief(obj: Any) -> str:
    """An output item, content part, response or annotation by what tells it apart."""
    kind = getattr(obj, "type", None) or getattr(obj, "object", None) or type(obj).__name__
    fields = [
        f"{name}={getattr(obj, name)!r}"
        for name in ("id", "status", "name", "filename", "file_id")
        if getattr(obj, name, None) is not None
    ]
    return f"{kind}({', '.join(fields)})"


def _chunk(chunk: Any) -> list[str]:
    """A chat completion chunk: how its choices end and its usage, when it says (the deltas have their own events)."""
    parts = []
    for choice in getattr(chunk, "choices", None) or []:
        if choice.finish_reason:
            parts.append(f"finish_reason[{choice.index}]={choice.finish_reason!r}")
    usage = getattr(chunk, "usage", None)
    if usage is not None:
        parts.append(f"usage={usage.prompt_tokens}+{usage.completion_tokens}")
    return parts
