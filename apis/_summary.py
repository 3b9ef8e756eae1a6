"""What the homes' ``events`` modules share: how a summary quotes text and says an error, a token usage
or how an object ended, which events are failures, and how tool calls are listed once each.

No SDK import, as for every ``events`` module: ``ssetape inspect`` and ``ssetape ls`` read only this.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from ._data import as_dict

__all__ = [
    "TOKENS",
    "TokenNames",
    "ToolCalls",
    "error_line",
    "is_failure",
    "last_usage",
    "outcome",
    "quote",
    "token_counts",
    "usage_line",
]


class TokenNames(NamedTuple):
    """What an API calls a usage's token counts (each tried in order); its home says, the code here formats."""

    prompt: tuple[str, ...]
    completion: tuple[str, ...]
    total: tuple[str, ...]
    #: The completion tokens spent thinking, shown beside the counts when there are some.
    thinking: tuple[str, ...] = ()
    #: What a count the usage leaves out amounts to (None: unknown).
    absent: int | None = None


#: OpenAI's names (``prompt_tokens``) then Anthropic's and the Responses API's (``input_tokens``): a home
#: whose usage says them otherwise gives its own ``events.TOKENS``.
TOKENS = TokenNames(("prompt_tokens", "input_tokens"), ("completion_tokens", "output_tokens"), ("total_tokens",))


def quote(text: str, width: int) -> str:
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


def error_line(error: dict[str, Any], width: int) -> str:
    """An error object as ``code: message``, the message cut to ``width``."""
    code = error.get("code") or error.get("type") or "error"
    message = str(error.get("message") or "")
    if len(message) > width:
        message = message[: width - 1] + "…"
    return f"{code}: {message}" if message else str(code)


def _count(usage: dict[str, Any], names: tuple[str, ...], absent: Any = None) -> Any:
    return next((usage[name] for name in names if name in usage), absent)


def token_counts(usage: Any, names: TokenNames = TOKENS) -> tuple[Any, Any, Any]:
    """``(prompt, completion, total)`` tokens of a usage as sent, by ``names`` (an API's ``events.TOKENS``);
    ``names.absent`` where it says none."""
    usage = as_dict(usage)
    return tuple(_count(usage, found, names.absent) for found in names[:3])  # type: ignore[return-value]


def usage_line(usage: Any, names: TokenNames = TOKENS) -> str:
    """A token usage as ``tokens X in + Y out (Z thinking)``, by ``names``; empty when it gives neither
    count."""
    usage = as_dict(usage)
    if _count(usage, names.prompt) is None and _count(usage, names.completion) is None:
        return ""
    prompt, completion, _ = token_counts(usage, names)
    thinking = _count(usage, names.thinking)
    counts = [f"{count} {side}" for count, side in ((prompt, "in"), (completion, "out")) if count is not None]
    return "tokens " + " + ".join(counts) + (f" ({thinking} thinking)" if thinking else "")


def outcome(obj: dict[str, Any], error_key: str, width: int) -> str:
    """How a run or a response ended, as a suffix: its error, why it is incomplete, its usage."""
    line = ""
    error = as_dict(obj.get(error_key))
    if error:
        line += ": " + error_line(error, width)
    incomplete = as_dict(obj.get("incomplete_details"))
    if incomplete.get("reason"):
        line += f": {incomplete['reason']}"
    usage = usage_line(obj.get("usage"))
    return line + (f" ({usage})" if usage else "")


def is_failure(name: str) -> bool:
    """Whether an event of this type is in the ``error`` family, whatever its API: ``error``, ``*.failed``,
    ``*.expired``."""
    return name == "error" or name.endswith((".failed", ".expired"))


def last_usage(
    pairs: Sequence[tuple[str, Any]], usage_of: Callable[[str, dict[str, Any]], Any]
) -> dict[str, Any] | None:
    """The token usage reported last: ``usage_of(name, data)`` of the last event whose data is an object
    that reports one (as sent)."""
    for name, data in reversed(pairs):
        if not isinstance(data, dict):
            continue
        usage = usage_of(name, data)
        if isinstance(usage, dict):
            return usage
    return None


class ToolCalls:
    """Tool calls in the order they started, each once.

    A call is known by its position in the stream (``(step or choice, index)``) until a delta gives its
    id; later deltas at that position, or naming that id, are the same call.
    """

    def __init__(self) -> None:
        self._names: dict[Any, str] = {}
        self._ids: dict[Any, Any] = {}  # position -> the call's id, once a delta has given it

    def add(self, position: tuple[Any, Any], call_id: Any, name: str | None) -> None:
        if call_id:
            self._ids[position] = call_id
        key = self._ids.get(position, position)
        if key not in self._names and name:
            self._names[key] = name

    def names(self) -> list[str]:
        return list(self._names.values())
