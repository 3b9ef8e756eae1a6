"""The timeline screen's keys for taking things out (``y`` ``Y`` ``c`` ``R`` copy, ``w`` writes a cut cassette)
and for the request (``r``)."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding

from ssetape.errors import SsetapeError

from ..takeout import copy_path, event_json, request_json, snapshot_json, text_so_far, write_cut
from ..widgets.request_pane import RequestPane
from .stepping import Stepping

#: Hidden from the footer (no room), listed by ``?``.
BINDINGS = [
    Binding("r", "request", "request", id="ssetape.request"),
    Binding("y", "copy('event')", "copy the event as JSON", show=False, id="ssetape.copy_event"),
    Binding("Y", "copy('snapshot')", "copy the SDK's snapshot as JSON", show=False, id="ssetape.copy_snapshot"),
    Binding("c", "copy('text')", "copy the text so far", show=False, id="ssetape.copy_text"),
    Binding("R", "copy('request')", "copy the request as JSON", show=False, id="ssetape.copy_request"),
    Binding("w", "write_cut", "write the stream up to here as a cassette", show=False, id="ssetape.write_cut"),
]


class TakeOut(Stepping):
    """Mixed into the timeline screen: what it needs is the timeline, the selected event and the source."""

    #: Where ``w`` writes cut cassettes (the working directory; tests change it).
    cuts = Path()

    def action_copy(self, what: str) -> None:
        timeline, index = self.timeline, self.selected
        if timeline is None:
            return
        if what == "request":  # (a stream with no event still has its request: all it has)
            text = request_json(timeline)
        elif index is None:
            self.notify(f"No event is selected: no {what} to copy.", severity="warning")
            return
        else:
            text = {"event": event_json, "snapshot": snapshot_json, "text": text_so_far}[what](timeline, index)
        path = copy_path(self.source, timeline, what, None if what == "request" else index)
        self.app.copy_to_clipboard(text)  # OSC 52: the terminal may or may not pass it on
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            self.notify(f"Copied the {what} ({len(text):,} characters); cannot write {path}: {exc}", severity="warning")
            return
        self.notify(f"Copied the {what} ({len(text):,} characters), also written to {path}")

    def action_write_cut(self) -> None:
        timeline, index = self.timeline, self.selected
        if timeline is None or index is None:
            return
        try:
            path = write_cut(timeline, index, self.cuts, self.source)
        except (SsetapeError, OSError) as exc:
            self.notify(f"Cannot write the cut cassette: {exc}", severity="error")
            return
        self.notify(f"Wrote events 0-{index} as a cassette: {path}")

    def action_request(self) -> None:
        pane = self.query_one(RequestPane)
        if pane.has_class("-open"):
            pane.remove_class("-open")
            self.minimize()
            return
        timeline = self.timeline
        if timeline is None:
            return
        pane.add_class("-open")
        pane.show_request(timeline, getattr(self, "search_query", ""))
        self.maximize(pane)
