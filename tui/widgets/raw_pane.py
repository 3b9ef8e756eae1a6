"""The selected event as it arrived: its type, its JSON, and where it sits in the body."""

from __future__ import annotations

import json

from rich.console import Group, RenderableType
from rich.highlighter import JSONHighlighter
from rich.text import Text

from ssetape.replayer import Moment, Timeline

from ..formatting import format_gap, is_timed
from .pane import Pane

#: Longest JSON shown (a completed message repeats the whole text; 20k characters render fast).
LIMIT = 20_000

_highlight = JSONHighlighter()


class RawPane(Pane):
    """``event:`` and ``data:`` of the selected event, the JSON indented and highlighted."""

    TITLE = "raw event"

    DEFAULT_CSS = """
    RawPane {
        height: 2fr;
    }
    """

    def render_moment(self, timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
        event = moment.event
        head = Text("event: ", style="dim")
        head.append(event.name, style="bold")
        if isinstance(event.data, (dict, list)):
            body = json.dumps(event.data, indent=2, ensure_ascii=False)
        else:
            body = event.raw
        cut = len(body) > LIMIT
        data = Text(body[:LIMIT])
        _highlight.highlight(data)
        parts: list[RenderableType] = [head, data]
        if cut:
            parts.append(Text(f"… {len(body) - LIMIT:,} more characters not shown", style="dim italic"))
        when = (
            f"+{event.at:.3f}s gap {format_gap(event.gap).strip()}"
            if is_timed(timeline.interaction_record)
            else "no timing recorded"
        )
        where = f"#{event.index} {when} · bytes {event.start:,}-{event.end:,} · chunk {event.chunk}"
        return "raw event", where, Group(*parts)
