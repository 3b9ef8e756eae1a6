"""One side of side by side: a titled, scrollable pane drawing the Text it is given."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static


class SidePane(VerticalScroll, can_focus=True):
    """Draws what :mod:`ssetape.tui.comparing` computed for one side."""

    DEFAULT_CSS = """
    SidePane {
        width: 1fr;
        height: 1fr;
        border: round $panel-lighten-2;
        border-title-color: $text-primary;
        padding: 0 1;
        &:focus { border: round $accent; }
        & > Static { width: 1fr; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(markup=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.content = Text()

    def show(self, content: Text, title: str) -> None:
        self.content = content
        self.border_title = title
        self.query_one(Static).update(content)

    @property
    def text(self) -> str:
        """What the pane shows, as plain text."""
        return self.content.plain
