"""The line under the event list: position, filter, search, playback."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class ListStatus(Widget):
    """One line, repainted on its own at every step (a border title would repaint the whole column)."""

    DEFAULT_CSS = """
    ListStatus {
        height: 1;
        padding: 0 1;
        background: $boost;
        color: $text-muted;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._line = Text()

    def show(self, position: str, notes: list[str], playing: str) -> None:
        line = Text(position, style="bold")
        for note in notes:
            line.append(" · ")
            line.append(note)
        line.append(" · ")
        line.append(playing, style="bold" if playing.startswith("▶") else "")
        if line != self._line:
            self._line = line
            self.refresh()

    def render(self) -> Text:
        return self._line
