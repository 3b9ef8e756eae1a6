"""How ``ssetape replay`` prints a Chat Completions stream: text and tool calls as they stream, the finish reason.

A request for n > 1 choices streams them interleaved, chunk by chunk. Each choice is printed whole, one after
the other: the first one seen streams live, the others are held until it finishes (then the next unfinished
one goes on live), so no line mixes two choices.
"""

from __future__ import annotations

from typing import Any


class _Choice:
    """What one choice has said: its printed pieces, whether its text is running, whether it finished."""

    def __init__(self, index: int) -> None:
        self.label = "assistant" if index == 0 else f"assistant [choice {index}]"
        self.pieces: list[str] = []
        self.speaking = False
        self.finished = False

    def take(self, choice: Any) -> None:
        delta = choice.delta
        for text in (delta.content, delta.refusal):
            if text:
                self.pieces.append(text if self.speaking else f"\n{self.label} > {text}")
                self.speaking = True
        for call in delta.tool_calls or []:
            function = call.function
            if function is not None and function.name:
                self.speaking = False
                self.pieces.append(f"\n{self.label} > {function.name}\n")
            if function is not None and function.arguments:
                self.pieces.append(function.arguments)
        if choice.finish_reason is not None:
            self.finished = True
            self.pieces.append(f"\n\n[finish_reason {choice.finish_reason}]\n")

    def drain(self) -> str:
        text = "".join(self.pieces)
        self.pieces.clear()
        return text


class ChatLines:
    def __init__(self) -> None:
        self.failed = False
        self._choices: dict[int, _Choice] = {}
        self._live: int | None = None

    def line(self, event: Any) -> str:
        if event.type != "chunk":
            return ""
        out = []
        for choice in event.chunk.choices:
            said = self._choices.setdefault(choice.index, _Choice(choice.index))
            said.take(choice)
            if self._live is None:
                self._live = choice.index
        live = self._choices.get(self._live) if self._live is not None else None
        while live is not None:
            out.append(live.drain())
            if not live.finished:
                break
            waiting = sorted(index for index, said in self._choices.items() if said.pieces or not said.finished)
            self._live = waiting[0] if waiting else None
            live = self._choices[self._live] if self._live is not None else None
        return "".join(out)

    def rest(self) -> str:
        """What the held choices said, in order, when the stream ends before they finish."""
        return "".join(self._choices[index].drain() for index in sorted(self._choices))
