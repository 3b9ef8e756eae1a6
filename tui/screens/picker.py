"""``ssetape tui DIR`` (or several files): the cassettes and their streams, searched and sorted; Enter
opens a stream's timeline, Escape comes back."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static
from textual.worker import get_current_worker

from ssetape.errors import SsetapeError
from ssetape.replayer import StreamInfo, cassette_files, streams_of

from ..picking import SORTS, arranged
from ..source import open_cassette
from ..widgets.stream_table import Entry, StreamTable
from .timeline import TimelineScreen

_SORT = Binding.Group("sort", compact=True)


class PickerScreen(Screen[None]):
    """Every stream of the cassettes under ``paths``; indexed in a thread, rows appearing as found."""

    DEFAULT_CSS = """
    PickerScreen {
        & > #picker-status { height: 1; padding: 0 1; background: $boost; color: $text-muted; }
        & > #picker-search {
            height: 1; display: none; background: $boost;
            &.-open { display: block; }
            & > Label { width: 2; padding-left: 1; text-style: bold; color: $accent; }
            & > Input { border: none; height: 1; padding: 0; width: 1fr; background: $boost; }
        }
    }
    """

    #: What ``?`` describes besides the keys (see ``HelpScreen``).
    HELP_TOPIC = "picker"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "app.help", "help", key_display="?", id="ssetape.picker.help"),
        Binding("enter", "open", "open", show=True, id="ssetape.picker.open"),
        Binding("slash", "search", "search", key_display="/", id="ssetape.picker.search"),
        Binding("o", "sort", "sort by the next column", group=_SORT, id="ssetape.picker.sort"),
        Binding("O", "reverse", "reverse the order", group=_SORT, id="ssetape.picker.reverse"),
        Binding("escape", "clear_search", "clear search", show=False, id="ssetape.picker.clear"),
    ]

    @dataclass
    class Indexed(Message):
        """The indexing thread read ``done`` of ``total`` files; ``entries`` are the rows of the last."""

        entries: list[Entry]
        done: int
        total: int

    def __init__(self, paths: list[Path], interaction: int | None = None) -> None:
        """``interaction``: list only the streams at that index of each cassette (``--interaction``)."""
        super().__init__()
        self.paths = paths
        self.interaction = interaction
        directories = [path for path in paths if path.is_dir()]
        self.root = directories[0] if len(directories) == 1 and len(paths) == 1 else None
        self.entries: list[Entry] = []
        self.query_text = ""
        self.sort = "cassette"
        self.reverse = False
        self.progress = (0, 0)
        #: Seconds from mounting to every file indexed (None until then).
        self.indexed_in: float | None = None
        self._started = 0.0

    def compose(self) -> ComposeResult:
        yield Static(id="picker-status", markup=False)
        yield StreamTable(root=self.root, id="picker-table")
        with Horizontal(id="picker-search"):
            yield Label("/", markup=False)
            yield Input(placeholder="words in the file name, API, model, request or state")
        yield Footer()

    @property
    def table(self) -> StreamTable:
        return self.query_one(StreamTable)

    def on_mount(self) -> None:
        self._started = time.monotonic()
        self.sub_title = ", ".join(map(str, self.paths))
        self._status()
        self.table.focus()
        self.index_files()

    @work(thread=True, exclusive=True, group="catalogue", exit_on_error=False)
    def index_files(self) -> None:
        worker = get_current_worker()
        files = cassette_files(self.paths)
        if not files:
            self.post_message(self.Indexed([], 0, 0))
            return
        batch: list[Entry] = []
        reported = time.monotonic()
        for done, path in enumerate(files, 1):
            if worker.is_cancelled:
                return
            batch.extend(_entries(path, self.interaction))
            now = time.monotonic()
            if now - reported >= 0.1 or done == len(files):  # a few redraws a second, not one per file
                reported = now
                self.post_message(self.Indexed(batch, done, len(files)))
                batch = []

    def on_picker_screen_indexed(self, message: PickerScreen.Indexed) -> None:
        self.entries.extend(message.entries)
        self.progress = (message.done, message.total)
        if message.done == message.total:
            self.indexed_in = time.monotonic() - self._started
        if self.query_text or self.sort != "cassette" or self.reverse:
            self._arrange()
        else:
            self.table.add(message.entries)  # in file order already: no redraw of what is there
        self._status()

    def _arrange(self) -> None:
        self.table.show(arranged(self.entries, self.query_text, self.sort, self.reverse), keep=self.table.selected)
        self._status()

    def _status(self) -> None:
        done, total = self.progress
        streams = sum(isinstance(entry, StreamInfo) for entry in self.entries)
        parts = [f"{streams:,} streams"]
        if self.indexed_in is None:
            parts.append(f"indexing: {done:,} of {total:,} files" if total else "looking for cassettes…")
        else:
            parts.append(f"in {total:,} files" if total else f"no cassette in {', '.join(map(str, self.paths))}")
        if self.interaction is not None:
            parts.append(f"interaction #{self.interaction} of each")
        if self.query_text:
            parts.append(f"/{self.query_text}: {len(self.table.entries):,} shown")
        parts.append(f"sorted by {self.sort}{' ↓' if self.reverse else ''}")
        self.query_one("#picker-status", Static).update(" · ".join(parts))

    # -- keys ---------------------------------------------------------------------------------------

    def action_open(self) -> None:
        entry = self.table.selected
        if entry is None:
            return
        if not isinstance(entry, StreamInfo):
            self.notify(f"{entry[0]}: {entry[1]}", severity="warning")
            return
        try:
            cassette = open_cassette(entry.path)
        except SsetapeError as exc:
            self.notify(str(exc), severity="error")
            return
        self.app.push_screen(TimelineScreen(cassette, entry.path.name, entry.interaction))

    def on_data_table_row_selected(self, event: StreamTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_search(self) -> None:
        bar = self.query_one("#picker-search")
        bar.add_class("-open")
        field = bar.query_one(Input)
        field.value = self.query_text
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self._arrange()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#picker-search").remove_class("-open")
        self.table.focus()

    def action_clear_search(self) -> None:
        bar = self.query_one("#picker-search")
        bar.remove_class("-open")
        if self.query_text:
            self.query_text = ""
            self._arrange()
        self.table.focus()

    def action_sort(self) -> None:
        names = list(SORTS)
        self.sort = names[(names.index(self.sort) + 1) % len(names)]
        self._arrange()

    def action_reverse(self) -> None:
        self.reverse = not self.reverse
        self._arrange()


def _entries(path: Path, interaction: int | None = None) -> list[Entry]:
    """The rows of one file: its streams (only the one at ``interaction``, when given), or one row saying
    why there are none."""
    try:
        found: list[Entry] = list(streams_of(open_cassette(path), path))
    except SsetapeError as exc:
        return [(path, _one_line(str(exc), path))]
    except OSError as exc:
        return [(path, f"cannot be read: {exc.strerror or exc}")]
    if interaction is not None and found:
        found = [entry for entry in found if isinstance(entry, StreamInfo) and entry.interaction == interaction]
        return found or [(path, f"interaction {interaction} is not a streamed response")]
    return found or [(path, "no streamed response")]


def _one_line(message: str, path: Path) -> str:
    line = message.splitlines()[0] if message else "cannot be read"
    for prefix in (f"{path}: ", f"{os.fspath(path)}: "):
        line = line.removeprefix(prefix)
    return line
