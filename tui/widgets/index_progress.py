"""What the screen shows while a stream is being indexed: a label and a progress bar."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, ProgressBar


class IndexProgress(Vertical):
    """Indexing progress; the indexing thread posts :class:`IndexProgress.Advanced` to it."""

    DEFAULT_CSS = """
    IndexProgress {
        align: center middle;
        height: 1fr;
        & > Label { width: auto; margin-bottom: 1; }
        & > ProgressBar { width: auto; }
    }
    """

    @dataclass
    class Advanced(Message):
        """``done`` of ``total`` events indexed."""

        done: int
        total: int

    # The bar starts empty rather than indeterminate: an indeterminate bar animates at 60 fps, and
    # those frames take the GIL from the indexing thread (50k events indexed 1.6x slower).

    def compose(self) -> ComposeResult:
        yield Label("Reading the stream…", markup=False)
        yield ProgressBar(total=1, show_eta=False)

    def start(self, what: str) -> None:
        self._what = what
        self.query_one(Label).update(f"Reading {what}…")
        self.query_one(ProgressBar).update(total=1, progress=0)

    def on_index_progress_advanced(self, message: IndexProgress.Advanced) -> None:
        message.stop()
        what = getattr(self, "_what", "the stream")
        self.query_one(Label).update(f"Indexing {what}: {message.done:,} of {message.total:,} events")
        self.query_one(ProgressBar).update(total=max(message.total, 1), progress=message.done)
