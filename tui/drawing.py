"""Drawing helpers the APIs' panes share (``ssetape.apis.<kind>.panes``): the TUI draws, the homes say what.

Nothing here knows which API a stream is: a home passes in what differs (how a callback is written,
what "nothing fired" is called) and gets rich renderables back.
"""

from __future__ import annotations

import json
import re
import weakref
from collections.abc import Callable, Iterable
from functools import lru_cache

from rich.cells import chop_cells
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.syntax import Syntax
from rich.text import Text

from ssetape.replayer import Moment, Timeline

from .describe import Fired
from .ending import Ending, ending

__all__ = [
    "HIGHLIGHT",
    "STATUS_STYLE",
    "WINDOW",
    "Folded",
    "arguments",
    "fired",
    "stream_ending",
    "tail",
    "window",
    "window_start",
]

#: Style that marks what the selected event added (the panes scroll to its first mark).
HIGHLIGHT = "reverse"

#: The stretch of a text block shown (up to half as much again: see :func:`window_start`): its end, where
#: the news is (some 30 lines). Laying out a 250 kB message at every step would cost far more than a step may.
WINDOW = 2000

#: How a status (a run's, a response's, a finish reason's run look-alike) is styled.
STATUS_STYLE = {
    "completed": "bold green",
    "requires_action": "bold yellow",
    "failed": "bold red",
    "expired": "bold red",
    "cancelled": "bold red",
    "cancelling": "yellow",
    "incomplete": "bold yellow",
}


# -- the callbacks pane ---------------------------------------------------------------------------------


class Folded:
    """A line cut at the pane's edge wherever it falls: a call has few spaces to wrap at, and word
    wrapping would leave ``1`` alone on a line above ``on_event(...)``. (Cheaper than a table, too.)"""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width, 1)
        plain = self.text.plain
        pieces = chop_cells(plain, width)
        offsets, at = [], 0
        for piece in pieces[:-1]:
            at += len(piece)
            offsets.append(at)
        lines = self.text.divide(offsets)
        as_is = not _CONTROL.search(plain) and self.text.justify in (None, "default") and not options.justify
        for line in lines:
            if as_is and len(line) <= width:  # it fits: wrapped again, it would come back as it is, only later
                yield from wrapped_line(line, console, line.end)
            else:
                yield line


def wrapped_line(line: Text, console: Console, end: str) -> Iterable[Segment]:
    """The segments of ``line``, one of the lines rich wrapped a text into, as rich lays it out: joined as rich
    joins the lines it wraps (a base style becomes a span, where rendering the line alone would drop it)."""
    return Text("\n").join([line]).render(console, end=end)


#: What makes rich lay a line out other than as it is: line ends, tabs, other control characters.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_ENDINGS: weakref.WeakKeyDictionary[Timeline, Ending] = weakref.WeakKeyDictionary()


def stream_ending(timeline: Timeline) -> Ending:
    """:func:`~ssetape.tui.ending.ending` of ``timeline``, worked out on first use."""
    found = _ENDINGS.get(timeline)
    if found is None:
        found = _ENDINGS[timeline] = ending(timeline)
    return found


def fired(timeline: Timeline, moment: Moment, describe: Callable[[Fired], str], nothing: str) -> RenderableType:
    """One numbered line per callback ``moment`` fires (written by ``describe``; ``nothing`` when none),
    then, where the SDK stops reading, why and the closing callbacks."""
    end = stream_ending(timeline)
    last = len(timeline) - 1
    # described at once, as the SDK's state holds them: no copy of what they carry (the message so far)
    lines: list[RenderableType] = [
        _numbered(number, describe(callback)) for number, callback in enumerate(timeline.reading(moment.index), 1)
    ]
    stops_here = end.at == moment.index or (end.at is None and moment.index == last)
    if end.at is not None and moment.index > end.at:
        lines.append(Text(f"the SDK never reads this event: its stream stopped at #{end.at}", style="dim"))
    elif not moment.callbacks:
        lines.append(Text(nothing, style="dim"))
    if stops_here:
        lines.append(Text(end.describe(), style="bold yellow" if end.kind in (None, "done") else "bold red"))
        for number, callback in enumerate(timeline.end_callbacks, len(moment.callbacks) + 1):
            lines.append(_numbered(number, describe(callback)))
    return Group(*lines)


def _numbered(number: int, text: str) -> Folded:
    name, _, rest = text.partition("(")
    line = Text(f"{number} ", style="dim")
    line.append(name, style="bold")
    line.append("(" + rest)
    return Folded(line)


# -- text that grows --------------------------------------------------------------------------------------


def window_start(value: str) -> int:
    """Where the part of ``value`` a pane shows starts: before its last :data:`WINDOW` characters, at a
    multiple of half a window (so, up to half a window more). Between two moves of the start, a text that
    grows only grows at its end, and a pane lays out its last lines alone (``tui.widgets.wrapping``)."""
    stride = max(WINDOW // 2, 1)
    return max(len(value) - WINDOW, 0) // stride * stride


def window(value: str, chars: int, prefix: str = "") -> list[RenderableType]:
    """``value`` from :func:`window_start`, the last ``chars`` characters highlighted; a refusal
    (``prefix``) in red."""
    start = window_start(value)
    text = Text()  # not Text(prefix, style=...): that style would cover everything appended too
    text.append(prefix, style="bold red")
    text.append(value[start:], style="bold red" if prefix else "")
    if chars:
        text.stylize(HIGHLIGHT, max(len(text) - chars, len(prefix)), len(text))
    out: list[RenderableType] = []
    if start:
        out.append(Text(f"… {start:,} earlier characters not shown", style="dim italic"))
    out.append(text)
    return out


def tail(text: str, chars: int) -> Text:
    """``text`` with its last ``chars`` characters highlighted."""
    out = Text(text)
    if chars:
        out.stylize(HIGHLIGHT, max(len(text) - chars, 0), len(text))
    return out


#: How many calls' arguments :func:`arguments` keeps: more than a long stream has calls in its panes (each
#: asked again at every step: with 64 kept, a stream of more calls laid out every one again at every step).
_ARGUMENTS_KEPT = 1024


@lru_cache(maxsize=_ARGUMENTS_KEPT)
def arguments(text: str, chars: int) -> RenderableType:
    """A function call's arguments: as sent while they arrive (the last ``chars`` highlighted), then as
    indented JSON; of long ones, the end (the last :data:`WINDOW` characters, the JSON from a line's start)
    and how much is above.

    The same arguments give the same object back: a pane lays out again what changed, and knows an object
    it has laid out (a ``Syntax`` it cannot compare); a complete call's JSON stays as it is at every event
    after it, and indenting and highlighting 40 kB of it took a step 100 ms and more."""
    if chars or not text:  # still arriving: as sent, so the new characters can be shown
        return _as_sent(text, chars)
    try:
        dumped = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return _as_sent(text, 0)
    start = window_start(dumped)
    start = dumped.find("\n", start) + 1 if start else 0  # from a line's start
    syntax = Syntax(dumped[start:], "json", theme="ansi_dark", word_wrap=True, background_color="default")
    if not start:
        return syntax
    above = dumped.count("\n", 0, start)
    return Group(Text(f"… {above:,} earlier lines not shown", style="dim italic"), syntax)


def _as_sent(text: str, chars: int) -> RenderableType:
    """``text`` as sent (its end, when long: :func:`window`), the last ``chars`` highlighted."""
    parts = window(text, chars)
    return parts[0] if len(parts) == 1 else Group(*parts)
