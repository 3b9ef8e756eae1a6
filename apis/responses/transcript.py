"""How ``ssetape replay`` prints a Responses stream: text, reasoning and tool calls as they stream, how it ended."""

from __future__ import annotations

from typing import Any


class ResponsesLines:
    def __init__(self) -> None:
        self.failed = False

    def line(self, event: Any) -> str:
        kind = event.type
        if kind == "response.output_item.added":
            item = event.item
            if item.type == "message":
                return "\nassistant > "
            if item.type == "reasoning":
                return "\nreasoning > "
            return f"\nassistant > {item.name if item.type == 'function_call' else item.type}\n"
        if kind in (
            "response.output_text.delta",
            "response.refusal.delta",
            "response.reasoning_summary_text.delta",
            "response.function_call_arguments.delta",
        ):
            return str(event.delta)
        if kind in ("response.completed", "response.failed", "response.incomplete"):
            response = event.response
            self.failed = self.failed or response.status == "failed"
            detail = ""
            if response.error is not None:
                detail = f": {response.error.code} {response.error.message}"
            elif response.incomplete_details is not None:
                detail = f": {response.incomplete_details.reason}"
            return f"\n\n[response {response.status}{detail}]\n"
        if kind == "error":
            self.failed = True
            return f"\n\n[error {event.code}: {event.message}]\n"
        return ""
