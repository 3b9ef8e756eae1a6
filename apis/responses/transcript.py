"""How ``ssetape replay`` prints a Responses stream: text, reasoning, tool calls and code-interpreter code and
outputs as they stream, how it ended. A reasoning item prints its label only once it has summary text."""

from __future__ import annotations

from typing import Any


class ResponsesLines:
    def __init__(self) -> None:
        self.failed = False
        #: A reasoning item has started but said nothing yet: its label waits for its first summary text.
        self._reasoning = False

    def line(self, event: Any) -> str:
        kind = event.type
        if kind == "response.output_item.added":
            item = event.item
            self._reasoning = item.type == "reasoning"
            if item.type == "message":
                return "\nassistant > "
            if item.type == "reasoning":
                return ""
            return f"\nassistant > {item.name if item.type == 'function_call' else item.type}\n"
        if kind == "response.reasoning_summary_part.added" and event.summary_index > 0:
            return "\n\n"  # the summary's parts are paragraphs
        if kind == "response.reasoning_summary_text.delta":
            label = "\nreasoning > " if self._reasoning else ""
            self._reasoning = False
            return label + str(event.delta)
        if kind in (
            "response.output_text.delta",
            "response.refusal.delta",
            "response.function_call_arguments.delta",
            "response.code_interpreter_call_code.delta",
        ):
            return str(event.delta)
        if kind == "response.output_item.done" and event.item.type == "code_interpreter_call":
            return _outputs(event.item)
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


def _outputs(call: Any) -> str:
    """A code-interpreter call's outputs once it is done: its logs, and the URL of each image."""
    lines = []
    for output in call.outputs or []:
        if output.type == "logs":
            lines.append("\n[logs]\n" + output.logs.rstrip("\n"))
        elif output.type == "image":
            lines.append(f"\n[image {output.url}]")
    return "".join(lines) + ("\n" if lines else "")
