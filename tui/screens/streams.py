"""``t``: the streamed responses of the open cassette, to choose one (instead of cycling blindly)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from ssetape.replayer import StreamInfo

from ..widgets.stream_table import STREAM_COLUMNS, StreamTable


class StreamsScreen(ModalScreen[int | None]):
    """A table of the cassette's streams, the current one selected; dismisses with the interaction
    chosen (Enter), or ``None`` (Escape)."""

    DEFAULT_CSS = """
    StreamsScreen {
        align: center middle;
        & > Vertical {
            width: 90%;
            max-width: 130;
            height: auto;
            max-height: 90%;
            border: round $accent;
            border-title-color: $text-accent;
            background: $surface;
        }
        & StreamTable { height: auto; max-height: 30; }
        & Label { color: $text-muted; padding: 0 1; }
    }
    """

    #: Focused once composed (``on_mount`` querying for it raised when ``t`` came right behind ``q``: a
    #: screen pushed while the app exits is mounted without its children).
    AUTO_FOCUS = "StreamTable"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,t", "cancel", "back", id="ssetape.streams.cancel"),
    ]

    def __init__(self, streams: list[StreamInfo], current: int) -> None:
        super().__init__()
        self.streams = streams
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"{len(self.streams)} streamed responses"
            current = next((info for info in self.streams if info.interaction == self.current), None)
            yield StreamTable(list(self.streams), keep=current, columns=STREAM_COLUMNS, squeeze="request")
            yield Label("enter: open · escape: back")

    def on_data_table_row_selected(self, event: StreamTable.RowSelected) -> None:
        event.stop()
        entry = self.query_one(StreamTable).selected
        self.dismiss(entry.interaction if isinstance(entry, StreamInfo) else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
