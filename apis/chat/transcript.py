"""How ``ssetape replay`` prints a Chat Completions stream: text and tool calls as they stream, the finish reason."""

from __future__ import annotations

from typing import Any


class ChatLines:
    def __init__(self) -> None:
        self.failed = False
        self._speaking = False

    def line(self, event: Any) -> str:
        kind = event.type
        if kind in ("content.delta", "refusal.delta"):
            prefix = "" if self._speaking else "\nassistant > "
            self._speaking = True
            return prefix + str(event.delta)
        if kind == "tool_calls.function.arguments.delta":
            return str(event.arguments_delta)
        if kind != "chunk":
            return ""
        parts = []
        for choice in event.chunk.choices:
            for call in choice.delta.tool_calls or []:
                if call.function is not None and call.function.name:
                    self._speaking = False
                    parts.append(f"\nassistant > {call.function.name}\n")
            if choice.finish_reason is not None:
                parts.append(f"\n\n[finish_reason {choice.finish_reason}]\n")
        return "".join(parts)
