"""A handler that prints what the assistant says and does, as the SDK's README example does."""

from __future__ import annotations

import sys
from typing import TextIO

from openai import AssistantEventHandler
from openai.types.beta.threads import ImageFile, Message, Text, TextDelta
from openai.types.beta.threads.runs import RunStep, ToolCall, ToolCallDelta
from typing_extensions import override


class TranscriptHandler(AssistantEventHandler):
    """Writes ``assistant >`` text, tool calls, code interpreter input and logs as they stream."""

    def __init__(self, out: TextIO | None = None) -> None:
        super().__init__()
        self.out = out if out is not None else sys.stdout

    def _write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    @override
    def on_text_created(self, text: Text) -> None:
        self._write("\nassistant > ")

    @override
    def on_text_delta(self, delta: TextDelta, snapshot: Text) -> None:
        self._write(delta.value or "")

    @override
    def on_image_file_done(self, image_file: ImageFile) -> None:
        self._write(f"\nassistant > [image {image_file.file_id}]\n")

    @override
    def on_tool_call_created(self, tool_call: ToolCall) -> None:
        name = tool_call.function.name if tool_call.type == "function" else tool_call.type
        self._write(f"\nassistant > {name}\n")

    @override
    def on_tool_call_delta(self, delta: ToolCallDelta, snapshot: ToolCall) -> None:
        if delta.type == "code_interpreter" and delta.code_interpreter:
            if delta.code_interpreter.input:
                self._write(delta.code_interpreter.input)
            for output in delta.code_interpreter.outputs or []:
                if output.type == "logs":
                    self._write(f"\n\noutput >\n{output.logs}\n")
                elif output.image:
                    self._write(f"\n\noutput > [image {output.image.file_id}]\n")
        elif delta.type == "function" and delta.function and delta.function.arguments:
            self._write(delta.function.arguments)

    @override
    def on_run_step_done(self, run_step: RunStep) -> None:
        if run_step.status != "completed":
            self._write(f"\n[run step {run_step.status}]\n")

    @override
    def on_message_done(self, message: Message) -> None:
        if message.status == "incomplete" and message.incomplete_details:
            self._write(f"\n[message incomplete: {message.incomplete_details.reason}]")

    @override
    def on_end(self) -> None:
        run = self.current_run
        if run is not None:
            detail = f": {run.last_error.code} {run.last_error.message}" if run.last_error else ""
            self._write(f"\n\n[run {run.status}{detail}]\n")

    @override
    def on_exception(self, exception: Exception) -> None:
        self._write(f"\n\n[stream ended with {type(exception).__name__}: {exception}]\n")
