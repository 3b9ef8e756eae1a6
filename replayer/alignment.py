"""Two streams side by side: their events aligned as ``ssetape diff`` aligns them (ids and timestamps
masked), every row marked the same, changed (with the fields that differ), removed (only in A) or added
(only in B), and what the assistant had said on each side at every row.

Streams of different APIs have no events in common; they compare at the level of the answer
(:func:`replayer.answer`), which :func:`align` leaves to the caller (``Alignment.comparable`` is False).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, Literal

from ssetape.recorder import Cassette, Interaction

from .diffing import FieldChange, _event_changes, _prepare
from .kinds import Kind, api_of
from .masking import Masker
from .stream_events import StreamEvent, text_of

__all__ = ["AlignedRow", "Alignment", "align"]


@dataclass(frozen=True, slots=True)
class AlignedRow:
    """One row of the alignment: event ``a`` of A beside event ``b`` of B (None where a side has none)."""

    kind: Literal["same", "changed", "removed", "added"]
    a: int | None
    b: int | None
    name: str
    fields: list[FieldChange] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Alignment:
    """The rows of two streams aligned, and what each side had said after each of its events."""

    kinds: tuple[Kind, Kind]
    events: tuple[list[StreamEvent], list[StreamEvent]]
    #: Each side's events with ids renamed and timestamps masked, as they were compared.
    masked: tuple[list[Any], list[Any]]
    rows: list[AlignedRow]
    #: Each side's assistant text, and ``ends[side][i]``: how much of it its events up to ``i`` added.
    said: tuple[str, str]
    ends: tuple[list[int], list[int]]

    @property
    def comparable(self) -> bool:
        """Whether the events compare one by one (the same API on both sides)."""
        return self.kinds[0] == self.kinds[1]

    @property
    def differences(self) -> list[int]:
        """The rows that are not the same."""
        return [number for number, row in enumerate(self.rows) if row.kind != "same"]

    def text_at(self, row: int) -> tuple[str, str]:
        """What each side had said by ``row`` (the latest event of each side at or before it)."""
        return self._said(0, row), self._said(1, row)

    def _said(self, side: int, row: int) -> str:
        for earlier in range(row, -1, -1):
            index = self.rows[earlier].a if side == 0 else self.rows[earlier].b
            if index is not None:
                return self.said[side][: self.ends[side][index]]
        return ""


def align(a: Interaction, b: Interaction, *, ignore_ids: bool = True) -> Alignment:
    """Align the events of two streamed interactions (of the same API: the rows of streams of two APIs
    are all removed and added, see ``Alignment.comparable``)."""
    side_a, side_b = (_prepare(Cassette(interactions=[item]), Masker(ids=ignore_ids, times=True))[0] for item in (a, b))
    changes = _event_changes(side_a, side_b)
    pieces_a, pieces_b = ([text_of(event) or "" for event in side.events] for side in (side_a, side_b))
    rows: list[AlignedRow] = []
    i = j = 0
    for change in changes:
        while (change.a is not None and i < change.a) or (change.b is not None and j < change.b):
            rows.append(AlignedRow("same", i, j, side_a.events[i].name))
            i, j = i + 1, j + 1
        kind = "same" if change.kind == "changed" and not change.fields else change.kind
        rows.append(AlignedRow(kind, change.a, change.b, change.name, change.fields))
        i += change.a is not None
        j += change.b is not None
    while i < len(side_a.events) and j < len(side_b.events):
        rows.append(AlignedRow("same", i, j, side_a.events[i].name))
        i, j = i + 1, j + 1
    return Alignment(
        kinds=(api_of(a).kind, api_of(b).kind),
        events=(side_a.events, side_b.events),
        masked=(side_a.masked, side_b.masked),
        rows=rows,
        said=("".join(pieces_a), "".join(pieces_b)),
        ends=(list(accumulate(map(len, pieces_a))), list(accumulate(map(len, pieces_b)))),
    )
