"""The rows of two aligned streams, one line each (marked =, ~, -, +); draws what it is given."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList


class AlignedList(OptionList):
    """The aligned rows; the highlighted one is the row both sides show."""

    DEFAULT_CSS = """
    AlignedList {
        width: 1fr;
        min-width: 30;
        height: 1fr;
        border: round $panel-lighten-2;
        border-title-color: $text-primary;
        &:focus { border: round $accent; }
    }
    """

    def show(self, lines: list[Text]) -> None:
        self.clear_options()
        self.add_options(lines)
        if lines:
            self.highlighted = 0
