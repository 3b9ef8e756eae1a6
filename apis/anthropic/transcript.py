"""How ``ssetape replay`` prints an Anthropic Messages stream: text, thinking and tool input as they stream,
the stop reason."""

from __future__ import annotations

from typing import Any


class MessageLines:
    def __init__(self) -> None:
        self.failed = False
        self._speaking: str | None = None

    def line(self, event: Any) -> str:
        kind = event.type
        if kind == "text":
            return self._say("assistant", event.text)
        if kind == "thinking":
            return self._say("thinking", event.thinking)
        if kind == "input_json":
            return str(event.partial_json)
        if kind == "content_block_start":
            block = event.content_block
            if block.type in ("tool_use", "server_tool_use", "mcp_tool_use"):
                self._speaking = None
                return f"\n{block.type} > {block.name}\n"
            if block.type.endswith("_tool_result"):
                self._speaking = None
                content = block.content
                found = f"{len(content)} results" if isinstance(content, list) else getattr(content, "type", "")
                return f"\n{block.type} > {found}\n"
            return ""
        if kind == "message_delta" and event.delta.stop_reason is not None:
            self._speaking = None
            return f"\n\n[stop_reason {event.delta.stop_reason}]\n"
        return ""

    def _say(self, who: str, text: str) -> str:
        prefix = "" if self._speaking == who else f"\n{who} > "
        self._speaking = who
        return prefix + text
