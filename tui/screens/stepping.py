"""What the timeline screen's key mixins (``navigation``, ``playing``, ``takeout_keys``) ask of the screen
they are mixed into, declared once: ``TimelineScreen`` provides it."""

from __future__ import annotations

from functools import cached_property

from textual.screen import Screen

from ssetape.replayer import Timeline

from ..view import EventView
from ..widgets.event_list import EventList


class Stepping(Screen[None]):
    """A screen stepping through one stream's events: its list, the rows it shows, where the cursor goes."""

    source: str
    interaction: int
    view: EventView | None

    @cached_property
    def event_list(self) -> EventList:
        """The list (the screen composes one, for good: looked up once, not at every step)."""
        return self.query_one(EventList)

    @property
    def timeline(self) -> Timeline | None:
        """The stream shown, once indexed whole."""
        raise NotImplementedError

    @property
    def selected(self) -> int | None:
        """The selected event's index."""
        raise NotImplementedError

    def _select(self, row: int) -> None:
        """Move the cursor to ``row``; the panes follow."""
        raise NotImplementedError

    def _install(self) -> None:
        """Show the stream indexed whole (again: after a filter)."""
        raise NotImplementedError

    def _update_titles(self) -> None:
        """The list's title and status line."""
        raise NotImplementedError
