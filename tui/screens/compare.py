"""``ssetape tui A B``: two streams side by side, aligned as ``ssetape diff`` aligns them; streams of two
APIs compared by their answers."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.worker import Worker, WorkerState

from ssetape.recorder import Cassette
from ssetape.replayer import Alignment, Answer, align, answer, pick

from ..comparing import answer_view, row_line, side_view
from ..widgets.aligned_list import AlignedList
from ..widgets.side_pane import SidePane

_DIFFERENCE = Binding.Group("difference", compact=True)


class CompareScreen(Screen[None]):
    """The aligned rows on the left, A's and B's state at the highlighted row on the right."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]  # noqa: RUF012 (Textual declares it)

    DEFAULT_CSS = """
    CompareScreen {
        & > #compare-head { height: 1; padding: 0 1; background: $panel; text-style: bold; }
        & > #compare-body { height: 1fr; }
        & #sides { width: 2fr; }
        &.-narrow #compare-body { layout: vertical; }
        &.-narrow AlignedList { height: 40%; }
        &.-narrow #sides { width: 1fr; height: 1fr; }
        &.-answers AlignedList { display: none; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "app.help", "help", key_display="?", id="ssetape.compare.help"),
        Binding("n", "difference(1)", "next difference", group=_DIFFERENCE, id="ssetape.compare.next_difference"),
        Binding(
            "N", "difference(-1)", "previous difference", group=_DIFFERENCE, id="ssetape.compare.previous_difference"
        ),
        Binding("j", "move(1)", "next", show=False, id="ssetape.compare.next"),
        Binding("k", "move(-1)", "previous", show=False, id="ssetape.compare.previous"),
        Binding("t", "next_pair", "next pair of streams", show=False, id="ssetape.compare.next_pair"),
    ]

    def __init__(self, a: Cassette, b: Cassette, names: tuple[str, str]) -> None:
        super().__init__()
        self.cassettes = (a, b)
        self.names = names
        #: The streams compared, in turn (``t``): each cassette's first, then second ... (the one with fewer
        #: streams stays on its last).
        self.pairs = _pairs(a.streams() or [pick(a, None)], b.streams() or [pick(b, None)])
        self.pair = 0
        self.streams = self.pairs[0]
        self.alignment: Alignment | None = None
        self.answers: tuple[Answer, Answer] | None = None
        self._titles = ("A", "B")
        self._shown: int | None = None

    def compose(self) -> ComposeResult:
        yield Static("Aligning the two streams…", id="compare-head", markup=False)
        with Horizontal(id="compare-body"):
            yield AlignedList(id="aligned")
            with Horizontal(id="sides"):
                yield SidePane(id="side-a")
                yield SidePane(id="side-b")
        yield Footer()

    def on_mount(self) -> None:
        self.compare()

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def compare(self) -> tuple[tuple[int, int], Alignment, tuple[Answer, Answer] | None]:
        streams = self.streams
        a, b = (cassette.interactions[index] for cassette, index in zip(self.cassettes, streams, strict=True))
        alignment = align(a, b)
        answers = None
        if not alignment.comparable:
            answers = (answer(self.cassettes[0]), answer(self.cassettes[1]))  # every stream: calls, then the answer
        return streams, alignment, answers

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "compare" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        if event.state == WorkerState.ERROR:
            self.query_one("#compare-head", Static).update(f"Cannot compare: {worker.error}")
            return
        assert worker.result is not None
        result_streams, self.alignment, self.answers = worker.result
        if result_streams == self.streams:  # (not a pair left since)
            self._install()

    def _install(self) -> None:
        alignment = self.alignment
        assert alignment is not None
        head = self.query_one("#compare-head", Static)
        first, second = (
            f"{side} {name} #{stream} · {kind}"
            for side, name, stream, kind in zip("AB", self.names, self.streams, alignment.kinds, strict=True)
        )
        titles = (first, second)
        if self.answers is not None:
            self.add_class("-answers")
            same = self.answers[0].same_as(self.answers[1])
            head.update(
                f"{self.names[0]} ({alignment.kinds[0]}) vs {self.names[1]} ({alignment.kinds[1]}): "
                + ("the same answer" if same else "the answers differ")
                + " (different APIs: compared by answer)"
            )
            for side, pane in enumerate(self._panes):
                streams = len(self.cassettes[side].streams())
                pane.show(
                    answer_view(self.answers, side),
                    f"{'AB'[side]} {self.names[side]} · {streams} stream{'s' if streams != 1 else ''}",
                )
            self.refresh_bindings()
            return
        changed = len(alignment.differences)
        counts = {kind: sum(row.kind == kind for row in alignment.rows) for kind in ("changed", "removed", "added")}
        which = f"{self.names[0]} vs {self.names[1]}"
        if len(self.pairs) > 1:
            which = (
                f"{self.names[0]} #{self.streams[0]} vs {self.names[1]} #{self.streams[1]} "
                f"(t: pair {self.pair + 1}/{len(self.pairs)})"
            )
        head.update(
            f"{which} · {len(alignment.rows):,} rows · "
            + (
                f"{changed:,} differ: {counts['changed']} changed, "
                f"{counts['removed']} only in A, {counts['added']} only in B"
                if changed
                else "the same events (ids and times masked)"
            )
        )
        listing = self.query_one(AlignedList)
        listing.border_title = "= same  ~ changed  - only in A  + only in B"
        listing.show([row_line(row) for row in alignment.rows])
        self._titles = titles
        listing.focus()
        self.refresh_bindings()
        start = alignment.differences[0] if alignment.differences else 0
        listing.highlighted = start
        self._show_row(start)

    @property
    def _panes(self) -> tuple[SidePane, SidePane]:
        return self.query_one("#side-a", SidePane), self.query_one("#side-b", SidePane)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        current = self.query_one(AlignedList).highlighted  # a late message must not show a stale row
        if current is not None:
            self._show_row(current)

    def _show_row(self, row: int) -> None:
        if self.alignment is None or self.answers is not None or not self.alignment.rows:
            return
        if self._shown == row:
            return
        self._shown = row
        for side, pane in enumerate(self._panes):
            timed = self.cassettes[side].interactions[self.streams[side]].timed
            pane.show(side_view(self.alignment, row, side, timed=timed), self._titles[side])

    @property
    def row(self) -> int:
        return self.query_one(AlignedList).highlighted or 0

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("difference", "move"):
            return self.alignment is not None and self.answers is None
        return True

    def action_move(self, step: int) -> None:
        listing = self.query_one(AlignedList)
        listing.highlighted = min(max(self.row + step, 0), max(listing.option_count - 1, 0))

    def action_next_pair(self) -> None:
        if len(self.pairs) < 2:
            self.notify("Each cassette holds one streamed response.")
            return
        if self.answers is not None:
            self.notify("Streams of two APIs are compared by the answers of all their streams.")
            return
        self.pair = (self.pair + 1) % len(self.pairs)
        self.streams = self.pairs[self.pair]
        self.alignment, self._shown = None, None
        self.query_one("#compare-head", Static).update("Aligning the two streams…")
        self.refresh_bindings()
        self.compare()

    def action_difference(self, step: int) -> None:
        assert self.alignment is not None
        rows = self.alignment.differences
        found = [row for row in rows if row > self.row] if step > 0 else [row for row in rows if row < self.row][::-1]
        if not found:
            self.notify(f"No {'later' if step > 0 else 'earlier'} difference.", severity="warning")
            return
        self.query_one(AlignedList).highlighted = found[0]


def _pairs(a: list[int], b: list[int]) -> list[tuple[int, int]]:
    """The i-th stream of ``a`` with the i-th of ``b``; past the end of the shorter, its last."""
    return [(a[min(i, len(a) - 1)], b[min(i, len(b) - 1)]) for i in range(max(len(a), len(b)))]
