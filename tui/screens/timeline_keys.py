"""The timeline screen's keys, in footer order (a narrow footer cuts from the end, so the keys to find
one's way come first), and the actions that need an indexed stream."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from .takeout_keys import BINDINGS as TAKEOUT_BINDINGS

__all__ = ["BINDINGS", "NEEDS_STREAM"]

_STEP = Binding.Group("step", compact=True)
_TYPE = Binding.Group("type", compact=True)
_BOUNDARY = Binding.Group("boundary", compact=True)
_ENDS = Binding.Group("ends", compact=True)
_MATCH = Binding.Group("match", compact=True)
_SPEED = Binding.Group("speed", compact=True)
_TIMING = Binding.Group("timing", compact=True)

BINDINGS: list[BindingType] = [
    Binding("question_mark", "app.help", "help", key_display="?", id="ssetape.help"),
    Binding("j,down", "move(1)", "next", group=_STEP, id="ssetape.next"),
    Binding("k,up", "move(-1)", "previous", group=_STEP, id="ssetape.previous"),
    Binding("t", "next_stream", "streams", id="ssetape.next_stream"),
    Binding("p", "next_pane", "pane", id="ssetape.next_pane"),
    Binding("q", "app.quit", "quit", id="ssetape.timeline.quit"),
    Binding("colon", "jump", "jump", key_display=":", id="ssetape.jump"),
    Binding("slash", "search", "search", key_display="/", id="ssetape.search"),
    Binding("f", "filter", "filter", id="ssetape.filter"),
    Binding("space", "play", "play", id="ssetape.play"),
    Binding("J", "same_type(1)", "next of this type", group=_TYPE, id="ssetape.next_same_type"),
    Binding("K", "same_type(-1)", "previous of this type", group=_TYPE, id="ssetape.previous_same_type"),
    Binding("n", "boundary(1)", "next message/step boundary", group=_BOUNDARY, id="ssetape.next_boundary"),
    Binding("N", "boundary(-1)", "previous boundary", group=_BOUNDARY, id="ssetape.previous_boundary"),
    Binding("g,home", "first", "first event", group=_ENDS, id="ssetape.first"),
    Binding("G,end", "last", "last event", group=_ENDS, id="ssetape.last"),
    Binding("pagedown", "page(1)", "page down", show=False, id="ssetape.page_down"),
    Binding("pageup", "page(-1)", "page up", show=False, id="ssetape.page_up"),
    Binding("right_square_bracket", "next_match(1)", "next match", group=_MATCH, id="ssetape.next_match"),
    Binding("left_square_bracket", "next_match(-1)", "previous match", group=_MATCH, id="ssetape.previous_match"),
    Binding("plus,equals_sign", "speed(1)", "faster", group=_SPEED, id="ssetape.faster"),
    Binding("minus", "speed(-1)", "slower", group=_SPEED, id="ssetape.slower"),
    Binding("T", "timing", "time axis", group=_TIMING, id="ssetape.timing"),
    Binding("s", "next_stall", "next longest stall", group=_TIMING, id="ssetape.next_stall"),
    Binding("z", "zoom", "zoom pane", show=False, id="ssetape.zoom"),
    *TAKEOUT_BINDINGS,
]

#: Actions that need an indexed stream (disabled while indexing).
NEEDS_STREAM = {
    "move",
    "page",
    "first",
    "last",
    "same_type",
    "boundary",
    "jump",
    "search",
    "next_match",
    "filter",
    "play",
    "speed",
    "next_stream",
    "timing",
    "next_stall",
}
