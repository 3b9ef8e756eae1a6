"""``ssetape tui``: the application, and :func:`run` for the command line."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from ssetape.recorder import Cassette
from ssetape.replayer import pick

from .screens.help import HelpScreen
from .screens.timeline import TimelineScreen
from .source import open_cassette


class TapeApp(App[None]):
    """Step through a recorded stream, seeing at each event what an event handler would see."""

    CSS_PATH = "app.tcss"
    TITLE = "ssetape"
    #: Every action has a key in the footer and in the help: the palette would only take footer room.
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "quit", id="ssetape.quit")]

    def __init__(
        self,
        cassette: Cassette,
        *,
        source: str = "cassette",
        interaction: int | None = None,
        freeze_heap: bool = False,
    ) -> None:
        """``freeze_heap``: after indexing, ``gc.freeze()`` what was built (see ``TimelineScreen``), for a
        process that does nothing else."""
        super().__init__()
        self.cassette = cassette
        self.source = source
        self.interaction = interaction
        self.freeze_heap = freeze_heap

    def get_default_screen(self) -> Screen[None]:
        return TimelineScreen(self.cassette, self.source, self.interaction, freeze_heap=self.freeze_heap)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(TimelineScreen.BINDINGS))  # q among them


def check(cassette: Cassette, interaction: int | None = None) -> int:
    """The interaction the TUI would open; raises :class:`replayer.ReplayError` if there is none."""
    return pick(cassette, interaction)


def run(path: str | Path, interaction: int | None = None) -> int:
    """Open the cassette or ``.sse`` file at ``path`` in the TUI; the exit code.

    A bad file or interaction raises :class:`recorder.CassetteError` before the terminal is taken over.
    """
    cassette = open_cassette(path)
    check(cassette, interaction)
    app = TapeApp(cassette, source=Path(path).name, interaction=interaction, freeze_heap=True)
    app.run()
    return app.return_code or 0
