"""What ``ssetape record`` shows while it runs: a line per finished interaction, and a live status line.

On a terminal the status line (rich ``Live``) stays at the bottom and redraws a few times a
second; elsewhere (a log file, a pipe) only the per-interaction lines are written, plainly.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from rich.console import Console
from rich.live import Live
from rich.text import Text

from ..cassette import Interaction
from .recording import ProxyStatus


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB"):
        if value < 1024 or unit == "MB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"  # pragma: no cover


class StatusLine:
    """Prints finished interactions and keeps a summary line under them up to date."""

    def __init__(
        self,
        stats: Callable[[], ProxyStatus],
        *,
        target: str,
        console: Console | None = None,
        live: bool | None = None,
        quiet: bool = False,
    ) -> None:
        self._stats = stats
        self._target = target
        self.console = console or Console(stderr=True)
        self._quiet = quiet
        use_live = self.console.is_terminal if live is None else live
        self._live = Live(self, console=self.console, refresh_per_second=4, transient=True) if use_live else None

    def __rich__(self) -> Text:
        stats = self._stats()
        text = Text("● ", style="bold red")
        text.append("recording", style="bold")
        text.append(f"  {stats.interactions} interactions")
        if stats.in_flight:
            text.append(f" ({stats.in_flight} in flight)", style="yellow")
        text.append(f" · {stats.streams} streams · {stats.events:,} events · {_size(stats.bytes)}")
        if stats.incomplete:
            text.append(f" · {stats.incomplete} incomplete", style="red")
        files = f"{stats.files} files in " if stats.files > 1 else ""
        text.append(f"  → {files}{self._target}", style="dim")
        return text

    def start(self) -> None:
        if self._live is not None:
            self._live.start()

    def stop(self) -> None:
        if self._live is not None:
            self._live.stop()
        self.console.print(self.__rich__(), soft_wrap=True)  # one line, however long, for whoever reads the log

    def finished(self, key: int, interaction: Interaction, events: Callable[[], int]) -> None:
        """Print a line for a finished interaction; ``events`` counts its events (only when printed)."""
        if self._quiet:
            return
        response = interaction.response
        parts = urlsplit(interaction.request.uri)
        line = Text(f"#{key:<4} ", style="dim")
        line.append(f"{interaction.request.method} {parts.path}{'?' + parts.query if parts.query else ''} ")
        code = response.status.code
        line.append(str(code), style="green" if code < 400 else "red")
        if interaction.streamed:
            line.append(f"  {events()} events", style="cyan")
        line.append(f"  {_size(len(response.body_bytes))}")
        recording = response.ssetape
        if recording is not None and recording.chunks:
            line.append(f"  {recording.chunks[-1][0]:.2f}s", style="dim")
        if recording is not None and recording.error is not None:
            line.append(f"  incomplete: {recording.error.type}: {recording.error.message}", style="red")
        self.console.print(line, soft_wrap=True, highlight=False)
