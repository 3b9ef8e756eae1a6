"""What the assistant said in a stream, as each API's home reports it to ``replayer.answer``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Said", "ToolCall"]


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A tool call the model made: a function's ``name`` and ``arguments`` (JSON text, as written), or a
    built-in tool's type (``file_search``, ``code_interpreter``) with its input, if any."""

    name: str
    arguments: str
    #: The call's id, which differs between recordings (it is not compared).
    id: str | None = None

    def __eq__(self, other: object) -> bool:
        """Arguments compare as JSON where both are: APIs space the same arguments differently."""
        return isinstance(other, ToolCall) and (self.name, self._value()) == (other.name, other._value())

    def __hash__(self) -> int:
        return hash((self.name, json.dumps(self._value(), sort_keys=True)))

    def _value(self) -> Any:
        try:
            return json.loads(self.arguments)
        except ValueError:
            return self.arguments


@dataclass
class Said:
    """Texts, refusals and tool calls keyed by message and call ids, so a later stream that repeats one
    replaces it rather than adding it again."""

    texts: dict[Any, str] = field(default_factory=dict)
    refusals: dict[Any, str] = field(default_factory=dict)
    calls: dict[Any, ToolCall] = field(default_factory=dict)
