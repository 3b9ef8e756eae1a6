"""The one-line prompt under the event list: ``:`` jumps to an event, ``/`` searches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label

PLACEHOLDERS = {
    ":": "event number, +N / -N rows, or a time like 2.5s",
    "/": "text in the event type, JSON or text (lowercase: any case)",
}


class Prompt(Horizontal):
    """Hidden until :meth:`ask`; answers with :class:`Prompt.Answered`, or :class:`Prompt.Closed` on escape."""

    DEFAULT_CSS = """
    Prompt {
        dock: bottom;
        height: 1;
        display: none;
        background: $boost;
        &.-open { display: block; }
        & > Label { width: 2; padding-left: 1; text-style: bold; color: $accent; }
        & > Input { width: 1fr; background: $boost; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "cancel", id="ssetape.prompt.cancel")]

    @dataclass
    class Answered(Message):
        """The user pressed enter: ``kind`` is ``":"`` or ``"/"``."""

        prompt: Prompt
        kind: str
        value: str

    @dataclass
    class Closed(Message):
        """The prompt closed (answered or cancelled)."""

        prompt: Prompt

    kind = ":"

    def compose(self) -> ComposeResult:
        yield Label(":", markup=False)
        yield Input(select_on_focus=True, compact=True)  # compact: no border, the one row holds the text

    def ask(self, kind: str, value: str = "") -> None:
        self.kind = kind
        self.query_one(Label).update(kind)
        field = self.query_one(Input)
        field.placeholder = PLACEHOLDERS.get(kind, "")
        field.value = value
        self.add_class("-open")
        field.focus()

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_close()
        self.post_message(self.Answered(self, self.kind, event.value))

    def action_close(self) -> None:
        self.remove_class("-open")
        self.post_message(self.Closed(self))
