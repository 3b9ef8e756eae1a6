"""The handler callbacks the SDK fires for the selected event, with their arguments."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import chop_cells
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text

from ssetape.replayer import Moment, Timeline

from ..describe import call, event_call
from ..ending import Ending, ending
from .pane import Pane


class CallbacksPane(Pane):
    """``on_text_delta(delta='lo', snapshot='Hello')``: one line per callback, in the order fired."""

    TITLE = "callbacks"
    TITLES: ClassVar[dict[str, str]] = {"responses": "stream events", "chat": "stream events"}

    DEFAULT_CSS = """
    CallbacksPane {
        height: 9;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._ending: tuple[Timeline, Ending] | None = None

    def render_moment(self, timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
        if self._ending is None or self._ending[0] is not timeline:
            self._ending = (timeline, ending(timeline))
        end = self._ending[1]
        last = len(timeline) - 1
        describe = call if timeline.kind == "assistants" else event_call
        lines: list[RenderableType] = [
            self._call(number, describe(callback)) for number, callback in enumerate(moment.callbacks, 1)
        ]
        stops_here = end.at == moment.index or (end.at is None and moment.index == last)
        if end.at is not None and moment.index > end.at:
            lines.append(Text(f"the SDK never reads this event: its stream stopped at #{end.at}", style="dim"))
        elif not moment.callbacks:
            lines.append(Text("no callback" if timeline.kind == "assistants" else "no stream event", style="dim"))
        if stops_here:
            lines.append(Text(end.describe(), style="bold yellow" if end.kind in (None, "done") else "bold red"))
            for number, callback in enumerate(timeline.end_callbacks, len(moment.callbacks) + 1):
                lines.append(self._call(number, call(callback)))
        count = len(moment.callbacks)
        if timeline.kind != "assistants":
            return f"stream events · {count} yielded", "", Group(*lines)
        return f"callbacks · {count} fired", "", Group(*lines)

    @staticmethod
    def _call(number: int, text: str) -> Folded:
        name, _, rest = text.partition("(")
        line = Text(f"{number} ", style="dim")
        line.append(name, style="bold")
        line.append("(" + rest)
        return Folded(line)


class Folded:
    """A line cut at the pane's edge wherever it falls: a call has few spaces to wrap at, and word
    wrapping would leave ``1`` alone on a line above ``on_event(...)``. (Cheaper than a table, too.)"""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width, 1)
        pieces = chop_cells(self.text.plain, width)
        offsets, at = [], 0
        for piece in pieces[:-1]:
            at += len(piece)
            offsets.append(at)
        yield from self.text.divide(offsets)
