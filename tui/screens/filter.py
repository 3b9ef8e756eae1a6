"""``f``: choose which event types the list shows."""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList
from textual.widgets.selection_list import Selection

from ..formatting import short_name
from ..view import FAMILIES, family


class FilterScreen(ModalScreen[frozenset[str] | None]):
    """A checklist of the stream's event types with their counts; dismisses with the types chosen,
    or ``None`` when cancelled."""

    DEFAULT_CSS = """
    FilterScreen {
        align: center middle;
        & > Vertical {
            width: auto;
            min-width: 40;
            max-width: 90%;
            height: auto;
            max-height: 90%;
            border: round $accent;
            border-title-color: $text-accent;
            background: $surface;
            padding: 0 1;
        }
        & SelectionList { width: auto; height: auto; max-height: 30; padding: 0; }
        & Label { color: $text-muted; margin-top: 1; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "apply", "apply", priority=True, id="ssetape.filter.apply"),
        Binding("escape,q", "cancel", "cancel", id="ssetape.filter.cancel"),
        Binding("a", "all", "all/none", id="ssetape.filter.all"),
    ]

    def __init__(self, counts: Counter[str], shown: frozenset[str] | None, kind: str | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.counts = counts
        self.shown = shown

    def compose(self) -> ComposeResult:
        order = {name: position for position, name in enumerate(FAMILIES)}
        names = sorted(self.counts, key=lambda name: (order[family(name, self.kind)], name))
        width = max((len(short_name(name, self.kind)) for name in names), default=1)
        selections = [
            Selection(
                f"{short_name(name, self.kind).ljust(width)} {self.counts[name]:>7,}",
                name,
                self.shown is None or name in self.shown,
            )
            for name in names
        ]
        with Vertical() as box:
            box.border_title = "Show these event types"
            yield SelectionList[str](*selections)
            yield Label("space toggles · a all/none · enter applies · escape cancels", markup=False)

    def action_apply(self) -> None:
        chosen = frozenset(self.query_one(SelectionList).selected)
        if not chosen:
            self.notify("Choose at least one event type to show.", severity="warning")
            return
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_all(self) -> None:
        selection = self.query_one(SelectionList)
        if len(selection.selected) == len(self.counts):
            selection.deselect_all()
        else:
            selection.select_all()
