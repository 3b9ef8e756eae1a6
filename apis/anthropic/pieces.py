"""The pieces a block's text (or thinking) deltas added, only ever appended to, and their join at any count.

A snapshot is rebuilt at every random access to a ``Timeline``; joining a long text from its tens of
thousands of pieces each time is most of that. :class:`Pieces` joins them in runs of :data:`RUN` pieces,
each run once, when first asked for, and keeps it: a run never changes, since pieces are only appended.
A copy (an accumulator restored from a checkpoint) shares the pieces it starts from, and their runs.
"""

from __future__ import annotations

__all__ = ["RUN", "Pieces"]

#: How many pieces a run joins.
RUN = 256


class Pieces:
    """Append-only pieces: ``append(piece)``, ``len()``, :meth:`joined` (the first ``count`` joined)."""

    __slots__ = ("_base", "_items", "_runs", "_shared", "append")

    def __init__(self, base: Pieces | None = None, shared: int = 0) -> None:
        """``base``, ``shared``: the first ``shared`` pieces are ``base``'s."""
        self._base, self._shared = base, shared
        self._items: list[str] = []
        #: Run ``k`` of this object's own pieces, joined (filled in order, from 0).
        self._runs: dict[int, str] = {}
        self.append = self._items.append

    def __len__(self) -> int:
        return self._shared + len(self._items)

    def copy(self, count: int) -> Pieces:
        """The first ``count`` pieces, shared with this object (which may still grow)."""
        if count <= self._shared:
            return Pieces(self._base, count) if count else Pieces()
        return Pieces(self, count)

    def joined(self, count: int) -> str:
        """The first ``count`` pieces joined."""
        if count <= self._shared:
            return self._base.joined(count) if self._base is not None and count else ""
        parts = [self._base.joined(self._shared)] if self._base is not None and self._shared else []
        items, runs, own = self._items, self._runs, count - self._shared
        whole = own // RUN
        for k in range(whole):
            run = runs.get(k)
            if run is None:  # (setdefault: two threads joining it keep one)
                run = runs.setdefault(k, "".join(items[k * RUN : (k + 1) * RUN]))
            parts.append(run)
        parts.append("".join(items[whole * RUN : own]))
        return "".join(parts)
