"""``ssetape tui``: the application, and :func:`run` for the command line."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from ssetape.recorder import Cassette
from ssetape.replayer import pick

from .screens.compare import CompareScreen
from .screens.follow import following
from .screens.help import HelpScreen
from .screens.picker import PickerScreen
from .screens.timeline import TimelineScreen
from .source import open_cassette


class TapeApp(App[None]):
    """Step through a recorded stream, seeing at each event what an event handler would see."""

    CSS_PATH = "app.tcss"
    TITLE = "ssetape"
    #: Every action has a key in the footer and in the help: the palette would only take footer room.
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "quit", id="ssetape.quit"),
        Binding("escape", "back", "back", id="ssetape.back"),
    ]

    def __init__(
        self,
        cassette: Cassette | None = None,
        *,
        source: str = "cassette",
        interaction: int | None = None,
        freeze_heap: bool = False,
        screen: Callable[[], Screen[None]] | None = None,
    ) -> None:
        """``freeze_heap``: after indexing, ``gc.freeze()`` what was built (see ``TimelineScreen``), for a
        process that does nothing else. ``screen``: what to show first instead of ``cassette``'s timeline
        (the picker, side by side, a recording followed)."""
        super().__init__()
        self.cassette = cassette
        self.source = source
        self.interaction = interaction
        self.freeze_heap = freeze_heap
        self.start = screen

    def on_mount(self) -> None:
        # SIGTERM (a supervisor, timeout(1), kill) quits as q does: the terminal restored and, under record --tui,
        # the proxy stopped and the recording saved (the process would otherwise die at once, saving nothing).
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # not the main thread; Windows
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.exit)

    def get_default_screen(self) -> Screen[None]:
        if self.start is not None:
            return self.start()
        assert self.cassette is not None, "TapeApp needs a cassette or a screen"
        return TimelineScreen(self.cassette, self.source, self.interaction, freeze_heap=self.freeze_heap)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            # only where there is somewhere to go back to
            return len(self.screen_stack) > 1 and getattr(self.screen_stack[-2], "returnable", True)
        return True

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            own = list(getattr(self.screen, "BINDINGS", []))
            keys = {binding.key for binding in own if isinstance(binding, Binding)}
            shared = [b for b in self.BINDINGS if isinstance(b, Binding) and b.key not in keys]  # q: the screen's
            self.push_screen(HelpScreen([*own, *shared], getattr(self.screen, "HELP_TOPIC", None)))


def check(cassette: Cassette, interaction: int | None = None) -> int:
    """The interaction the TUI would open; raises :class:`replayer.ReplayError` if there is none."""
    return pick(cassette, interaction)


def run_picker(paths: list[Path], interaction: int | None = None) -> int:
    """The cassette picker on ``paths`` (directories and files), listing only each cassette's stream at
    ``interaction`` when given; the exit code."""
    app = TapeApp(screen=lambda: PickerScreen(paths, interaction))
    app.run()
    return app.return_code or 0


def run_compare(a: str | Path, b: str | Path) -> int:
    """The first streams of ``a`` and ``b`` side by side; the exit code. Bad files raise before the
    terminal is taken over."""
    first, second = open_cassette(a), open_cassette(b)
    check(first), check(second)
    app = TapeApp(screen=lambda: CompareScreen(first, second, (Path(a).name, Path(b).name)))
    app.run()
    return app.return_code or 0


def run_follow(out: str | Path, *, title: str = "") -> int:
    """Follow the recording into ``out`` (``--follow``, ``record --tui``); the exit code."""
    app = TapeApp(screen=lambda: following(Path(out)))
    if title:
        app.title = title
    app.run()
    return app.return_code or 0


def run(path: str | Path, interaction: int | None = None) -> int:
    """Open the cassette or ``.sse`` file at ``path`` in the TUI; the exit code.

    A bad file or interaction raises :class:`recorder.CassetteError` before the terminal is taken over.
    """
    cassette = open_cassette(path)
    check(cassette, interaction)
    app = TapeApp(cassette, source=Path(path).name, interaction=interaction, freeze_heap=True)
    app.run()
    return app.return_code or 0
