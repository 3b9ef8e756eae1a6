"""A handler that prints what the assistant says and does, as the SDK's README example does."""

from __future__ import annotations

import sys
from typing import TextIO

from openai import AssistantEventHandler
from openai.types.beta.threads import ImageFile, Message, Text, TextDelta
from openai.types.beta.threads.runs import RunStep, RunStepDelta, ToolCall, ToolCallDelta
from typing_extensions import override


class TranscriptHandler(AssistantEventHandler):
    """Writes ``assistant >`` text, tool calls, code interpreter input and logs as they stream."""

    def __init__(self, out: TextIO | None = None) -> None:
        super().__init__()
        self.out = out if out is not None else sys.stdout
        self._calls_started: dict[str, list[int]] = {}
        self._interleaved: set[str] = set()

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
    def on_run_step_delta(self, delta: RunStepDelta, snapshot: RunStep) -> None:
        # Not on_tool_call_delta: the SDK skips that callback for the delta that switches tool calls,
        # so a transcript built on it would lose text whenever parallel calls interleave.
        details = delta.step_details
        if details is None or details.type != "tool_calls" or snapshot.id in self._interleaved:
            return
        for call in details.tool_calls or []:
            started = self._calls_started.setdefault(snapshot.id, [])
            if started and call.index != started[-1] and call.index in started:
                # Parallel calls whose pieces alternate: print each whole when the step is done.
                self._interleaved.add(snapshot.id)
                self._write("\n[parallel tool calls: shown when the step completes]\n")
                return
            if not started or call.index != started[-1]:
                started.append(call.index)
                self._write(f"\nassistant > {_call_name(snapshot, call.index)}\n")
            self._write_call(call)

    def _write_call(self, call: ToolCallDelta | ToolCall) -> None:
        if call.type == "code_interpreter" and call.code_interpreter:
            if call.code_interpreter.input:
                self._write(call.code_interpreter.input)
            for output in call.code_interpreter.outputs or []:
                if output.type == "logs":
                    self._write(f"\n\noutput >\n{output.logs}\n")
                elif output.image:
                    self._write(f"\n\noutput > [image {output.image.file_id}]\n")
        elif call.type == "function" and call.function and call.function.arguments:
            self._write(call.function.arguments)

    @override
    def on_run_step_done(self, run_step: RunStep) -> None:
        if run_step.id in self._interleaved and run_step.step_details.type == "tool_calls":
            for index, call in enumerate(run_step.step_details.tool_calls):
                self._write(f"\nassistant > {_call_name(run_step, index)}\n")
                self._write_call(call)
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


def _call_name(step: RunStep, index: int) -> str:
    details = step.step_details
    if details.type != "tool_calls" or index >= len(details.tool_calls):
        return "tool call"
    call = details.tool_calls[index]
    name = call.function.name if call.type == "function" else call.type
    return f"{name} #{index + 1}" if len(details.tool_calls) > 1 else name
