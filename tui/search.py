"""``/``: find events whose type, JSON or text contains a query (smart case, as in vim and less)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from ssetape.replayer import StreamEvent, text_of

from .view import EventView

__all__ = ["Hit", "Search", "SearchIndex"]


@dataclass(frozen=True, slots=True)
class Hit:
    """Where a search lands: a row of the view, and whether it went round the end to get there."""

    row: int
    wrapped: bool


def _haystack(event: StreamEvent) -> str:
    # The JSON as sent escapes newlines and quotes; the decoded text lets "two words\nnext" match too.
    text = text_of(event)
    return f"{event.name}\n{event.raw}" if not text else f"{event.name}\n{event.raw}\n{text}"


class SearchIndex:
    """The searchable text of every event of one stream; the lowercased copy is built on first use."""

    def __init__(self, events: list[StreamEvent]) -> None:
        self.events = events
        self._folded: list[str] | None = None

    def matching(self, query: str, rows: Sequence[int]) -> list[int]:
        """The indexes among ``rows`` whose event holds ``query`` (any case, unless it has capitals)."""
        events = self.events
        if query != query.lower():
            return [index for index in rows if query in _haystack(events[index])]
        if self._folded is None:
            self._folded = [_haystack(event).lower() for event in events]
        folded = self._folded
        return [index for index in rows if query in folded[index]]


class Search:
    """A query, and the events of a view that match it."""

    def __init__(self, view: EventView, index: SearchIndex, query: str) -> None:
        self.view = view
        self.query = query
        #: The event indexes that match, in order.
        self.matches: list[int] = index.matching(query, view.rows) if query else []
        self._set = frozenset(self.matches)

    def __len__(self) -> int:
        return len(self.matches)

    def __contains__(self, index: object) -> bool:
        return index in self._set

    def next(self, row: int, step: int) -> Hit | None:
        """The nearest match after ``row`` (``step`` 1) or before it (-1), wrapping round the ends."""
        if not self.matches:
            return None
        index = self.view.index(row) if len(self.view) else -1
        if step > 0:
            at = bisect_right(self.matches, index)
            wrapped = at == len(self.matches)
            target = self.matches[0 if wrapped else at]
        else:
            at = bisect_left(self.matches, index) - 1
            wrapped = at < 0
            target = self.matches[at]
        return Hit(self.view.row_of(target), wrapped)
