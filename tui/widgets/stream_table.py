"""A table of streamed responses (the cassette picker, the list of a cassette's streams): draws the rows
it is given, one per stream; what they say comes from :func:`replayer.streams_of`."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import DataTable

from ssetape.replayer import StreamInfo

#: What a row stands for: a stream, or a file that holds none or cannot be read (its path and why).
Entry = StreamInfo | tuple[Path, str]

COLUMNS = ("cassette", "#", "API", "events", "duration", "state", "model", "recorded")
#: A cassette's own streams (``t``): the request tells them apart, the file is known.
STREAM_COLUMNS = ("#", "API", "request", "events", "duration", "state", "model", "recorded")


class StreamTable(DataTable[Text]):
    """One row per stream; a file with no stream, or that cannot be read, gets a row saying so."""

    DEFAULT_CSS = """
    StreamTable { height: 1fr; }
    """

    def __init__(self, *, root: Path | None = None, columns: tuple[str, ...] = COLUMNS, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        #: Paths are shown relative to this directory.
        self.root = root
        self.names = columns
        self.entries: list[Entry] = []
        self._widths: tuple[int, ...] = ()

    def on_mount(self) -> None:
        for column in self.names:
            self.add_column(column, key=column)

    def _row(self, entry: Entry) -> list[Text]:
        found = cells(entry, self.root)
        return [found.get(name, Text("")) for name in self.names]

    def show(self, entries: list[Entry], keep: Entry | None = None) -> None:
        """Replace the rows by ``entries`` (in that order), the cursor on ``keep`` if it is among them."""
        self.clear()
        self.entries = list(entries)
        for number, entry in enumerate(self.entries):
            self.add_row(*self._row(entry), key=str(number))
        if keep is not None and keep in self.entries:
            self.move_cursor(row=self.entries.index(keep), scroll=True)

    def add(self, entries: list[Entry]) -> None:
        """Append rows, as indexing finds them."""
        for entry in entries:
            self.add_row(*self._row(entry), key=str(len(self.entries)))
            self.entries.append(entry)

    def on_idle(self) -> None:
        # DataTable widens its columns for new rows only when idle, and its cache of drawn rows is not keyed
        # by width: a row drawn in between (the cursor's, as the picker adds a batch) stayed narrow.
        widths = tuple(column.content_width for column in self.columns.values())
        if widths != self._widths:
            self._widths = widths
            self._clear_caches()
            self.refresh()

    @property
    def selected(self) -> Entry | None:
        if not self.entries or not 0 <= self.cursor_row < len(self.entries):
            return None
        return self.entries[self.cursor_row]


def name_of(path: Path, root: Path | None) -> str:
    if root is not None and path.is_relative_to(root):
        return str(path.relative_to(root))
    return str(path)


def cells(entry: Entry, root: Path | None) -> dict[str, Text]:
    """A row's cells by column."""
    if not isinstance(entry, StreamInfo):
        path, why = entry
        return {"cassette": Text(name_of(path, root)), "state": Text(why, style="red")}
    when = entry.recorded_at.strftime("%Y-%m-%d %H:%M") if entry.recorded_at is not None else "-"
    return {
        "cassette": Text(name_of(entry.path, root)),
        "#": Text(str(entry.interaction), justify="right"),
        "API": Text(entry.kind),
        "request": Text(entry.request),
        "events": Text(f"{entry.events:,}", justify="right"),
        "duration": Text(f"{entry.duration:.2f}s", justify="right"),
        "state": Text("complete", style="green") if entry.complete else Text("cut off", style="bold red"),
        "model": Text(entry.model or "-"),
        "recorded": Text(when, style="dim"),
    }
