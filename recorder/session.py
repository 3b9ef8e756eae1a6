"""A cassette being recorded: interactions are added as they finish and saved at once."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

from .cassette import Cassette, Interaction
from .errors import CassetteError
from .reader import load


class CassetteRecorder:
    """Collects interactions into one cassette file, thread-safe.

    Each finished interaction is written straight away (atomically), so a crash loses at most
    the interactions still in flight. Interactions keep the order in which their requests
    started, even when a later request finishes first.
    """

    def __init__(self, path: str | Path, *, append: bool = False) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._sequence = itertools.count()
        self._order: list[int] = []
        if append and self.path.exists():
            self.cassette = load(self.path)
            self._order = [-1] * len(self.cassette.interactions)
        else:
            self.cassette = Cassette()

    def ticket(self) -> int:
        """A place in the order, taken when a request starts."""
        return next(self._sequence)

    def add(self, interaction: Interaction, ticket: int) -> None:
        with self._lock:
            position = len(self._order)
            while position > 0 and self._order[position - 1] > ticket:
                position -= 1
            self._order.insert(position, ticket)
            self.cassette.interactions.insert(position, interaction)
            self._save()

    def save(self) -> None:
        with self._lock:
            self._save()

    def _save(self) -> None:
        try:
            self.cassette.save(self.path)
        except OSError as exc:
            raise CassetteError(f"{self.path}: could not save the cassette: {exc}") from exc
