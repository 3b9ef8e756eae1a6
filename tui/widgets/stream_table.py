"""A table of streamed responses (the cassette picker, the list of a cassette's streams): draws the rows
it is given, one per stream; what they say comes from :func:`replayer.streams_of`."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from ssetape.replayer import StreamInfo

from ..formatting import request_path

#: What a row stands for: a stream, or a file that holds none or cannot be read (its path and why).
Entry = StreamInfo | tuple[Path, str]

COLUMNS = ("cassette", "#", "API", "events", "duration", "state", "model", "recorded")
#: A cassette's own streams (``t``): the request tells them apart, the file is known.
STREAM_COLUMNS = ("#", "API", "request", "events", "duration", "state", "model", "recorded")
#: The fewest cells a column that gives way (``squeeze``) is cut to, its ellipsis included.
MIN_SQUEEZED = 12


class StreamTable(DataTable[Text]):
    """One row per stream; a file with no stream, or that cannot be read, gets a row saying so."""

    DEFAULT_CSS = """
    StreamTable {
        height: 1fr;
        &.-fits { overflow-x: hidden; }
    }
    """

    def __init__(
        self,
        entries: list[Entry] | None = None,
        *,
        keep: Entry | None = None,
        root: Path | None = None,
        columns: tuple[str, ...] = COLUMNS,
        squeeze: str | None = None,
        id: str | None = None,
    ) -> None:
        """``entries``: the rows to show once mounted, the cursor on ``keep``; ``squeeze``: the column cut
        short (with an ellipsis) so that all the others fit the table's width."""
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        #: Paths are shown relative to this directory.
        self.root = root
        self.names = columns
        self.squeeze = squeeze if squeeze in columns else None
        self.entries: list[Entry] = []
        self._first = (list(entries or ()), keep)
        self._widths: tuple[int, ...] = ()
        self._room: int | None = None  # the cells the squeezed column may take (None: all it needs)

    def on_mount(self) -> None:
        self._add_columns()
        entries, keep = self._first
        if entries:
            self.show(entries, keep)

    def _add_columns(self) -> None:
        for column in self.names:
            self.add_column(column, key=column)

    def _row(self, entry: Entry) -> list[Text]:
        found = cells(entry, self.root)
        row = [found.get(name, Text("")) for name in self.names]
        if self.squeeze is not None and self._room is not None:
            at = self.names.index(self.squeeze)
            row[at] = Text(cut_middle(row[at].plain, self._room), style=row[at].style, justify=row[at].justify)
        return row

    def _measure(self) -> bool:
        """Work out the squeezed column's room at the table's width; whether it changed."""
        if self.squeeze is None or not self.size.width:
            return False
        rows = [cells(entry, self.root) for entry in self.entries]
        room = squeezed_width(self.names, rows, self.squeeze, self.scrollable_content_region.width, self.cell_padding)
        # Everything fits: no horizontal scroll bar. (Left to itself, a table of auto height kept the bar it had
        # when its rows were wider, over an empty line.)
        self.set_class(room >= MIN_SQUEEZED, "-fits")
        room = max(room, MIN_SQUEEZED)
        changed, self._room = room != self._room, room
        return changed

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Rows drawn again when the squeezed column's room changed (a new width, a vertical scroll bar)."""
        if self._measure() and self.entries:
            self.show(self.entries, keep=self.selected)

    def show(self, entries: list[Entry], keep: Entry | None = None) -> None:
        """Replace the rows by ``entries`` (in that order), the cursor on ``keep`` if it is among them."""
        self.entries = list(entries)
        if self.squeeze is None:
            self.clear()
        else:  # the columns too: DataTable widens a column for its rows, and never narrows it again
            self.clear(columns=True)
            self._add_columns()
            self._measure()
            self.call_after_refresh(self._fit)
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
        "request": Text(request_path(entry.request)),  # ids cut short, as the timeline's header cuts them
        "events": Text(f"{entry.events:,}", justify="right"),
        "duration": Text(f"{entry.duration:.2f}s" if entry.duration is not None else "-", justify="right"),
        "state": Text("complete", style="green") if entry.complete else Text("cut off", style="bold red"),
        "model": Text(entry.model or "-"),
        "recorded": Text(when, style="dim"),
    }


def cut_middle(text: str, width: int) -> str:
    """``text`` in ``width`` cells: whole if it fits, else its start and its end (where a request's path says
    which endpoint it is: ``POST /v1/threads/thr…/submit_tool_outputs``) either side of an ellipsis."""
    if cell_len(text) <= width:
        return text
    if width < 1:
        return ""
    head, tail = "", ""
    for char in text:  # the start: half of what is left beside the ellipsis
        if cell_len(head + char) > (width - 1) // 2:
            break
        head += char
    for char in reversed(text):  # the end: the rest
        if cell_len(head + tail + char) > width - 1:
            break
        tail = char + tail
    return f"{head}…{tail}"


def squeezed_width(names: tuple[str, ...], rows: list[dict[str, Text]], squeeze: str, width: int, padding: int) -> int:
    """The cells column ``squeeze`` may take in a table ``width`` wide once every other column has its label
    and its widest cell in ``rows`` (each column padded by ``padding`` on both sides); below ``MIN_SQUEEZED``
    (even negative) when they leave less."""
    others = sum(
        max([cell_len(name), *(row[name].cell_len for row in rows if name in row)]) + 2 * padding
        for name in names
        if name != squeeze
    )
    return width - others - 2 * padding
