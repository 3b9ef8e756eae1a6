"""In a small terminal the panes take turns: this line names them and marks the one shown."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class PaneTabs(Static):
    """``p next pane: callbacks · [message] · run step · run · raw event``."""

    DEFAULT_CSS = """
    PaneTabs {
        height: 1;
        padding: 0 1;
        background: $boost;
        color: $text-muted;
    }
    """

    def select(self, titles: list[str], current: int) -> None:
        line = Text("p ", style="bold")
        line.append("next pane: ")
        for position, title in enumerate(titles):
            if position:
                line.append(" · ")
            line.append(title, style="bold reverse" if position == current else "")
        self.update(line)
