"""How ``ssetape replay`` prints a Gemini stream: thoughts and text as they stream, function calls with
their arguments, the finish reason (or why the prompt was blocked)."""

from __future__ import annotations

import json
from typing import Any


class GeminiLines:
    def __init__(self) -> None:
        self.failed = False
        self._speaking: str | None = None

    def line(self, chunk: Any) -> str:
        out = []
        candidates = chunk.candidates or []
        first = candidates[0] if candidates else None
        parts = first.content.parts if first is not None and first.content is not None else None
        for part in parts or []:
            if part.text:
                out.append(self._say("thinking" if part.thought else "assistant", part.text))
            if part.function_call is not None:
                self._speaking = None
                call = part.function_call
                arguments = json.dumps(call.args or {}, ensure_ascii=False)
                out.append(f"\nfunction_call > {call.name}({arguments})\n")
        if first is not None and first.finish_reason is not None:
            self._speaking = None
            out.append(f"\n\n[finish_reason {first.finish_reason.value}]\n")
        feedback = chunk.prompt_feedback
        if feedback is not None and feedback.block_reason is not None:
            self._speaking = None
            out.append(f"\n[prompt blocked: {feedback.block_reason.value}]\n")
        return "".join(out)

    def _say(self, who: str, text: str) -> str:
        prefix = "" if self._speaking == who else f"\n{who} > "
        self._speaking = who
        return prefix + text
