"""A cassette being recorded: interactions are added as they finish and saved at once."""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import Executor
from pathlib import Path

from .cassette import Cassette, Interaction
from .errors import CassetteError
from .reader import load
from .writer import is_json_path, serialize, write_atomically


class CassetteRecorder:
    """Collects interactions into one cassette file, thread-safe.

    Each finished interaction is written straight away (atomically), so a crash loses at most
    the interactions still in flight. Interactions keep the order in which their requests
    started, even when a later request finishes first.

    ``add(..., save=False)`` only collects; a caller that batches writes (the recording proxy)
    calls :meth:`save` itself, from any thread: the cassette is serialized outside the lock that
    ``add`` takes, and each interaction is serialized once, not again on every later save. With
    a process ``pool``, that pure-Python work happens in another process, off this one's GIL.
    """

    def __init__(self, path: str | Path, *, append: bool = False, pool: Executor | None = None) -> None:
        self.path = Path(path)
        self._pool = pool
        self._lock = threading.Lock()
        self._save_lock = threading.Lock()
        self._sequence = itertools.count()
        self._order: list[int] = []
        self._texts: dict[int, tuple[Interaction, bytes]] = {}
        if append and self.path.exists():
            self.cassette = load(self.path)
            self._order = [-1] * len(self.cassette.interactions)
        else:
            self.cassette = Cassette()

    def ticket(self) -> int:
        """A place in the order, taken when a request starts."""
        return next(self._sequence)

    def add(self, interaction: Interaction, ticket: int, *, save: bool = True) -> int:
        """Put ``interaction`` in its place by ``ticket``; its index in the cassette now (a request started before
        it and finishing after it still goes before it)."""
        with self._lock:
            position = len(self._order)
            while position > 0 and self._order[position - 1] > ticket:
                position -= 1
            self._order.insert(position, ticket)
            self.cassette.interactions.insert(position, interaction)
        if save:
            self.save()
        return position

    def __len__(self) -> int:
        return len(self.cassette.interactions)

    def save(self) -> int:
        """Write the cassette as it is now; returns how many interactions were written."""
        with self._save_lock:
            with self._lock:
                interactions = list(self.cassette.interactions)
            try:
                write_atomically(self.path, self._serialize(interactions))
            except OSError as exc:
                raise CassetteError(f"{self.path}: could not save the cassette: {exc}") from exc
            return len(interactions)

    def _serialize(self, interactions: list[Interaction]) -> list[bytes]:
        """The cassette's bytes, in pieces (an interaction's text each), for :func:`write_atomically`."""
        version = self.cassette.version
        snapshot = Cassette(version=version, interactions=interactions)
        if not interactions:
            return [serialize(snapshot, self.path).encode("utf-8")]
        # The cassette's text is a head, its interactions' texts and a tail: each interaction is
        # serialized (and encoded) once, standing alone, and reused by every later save; the pieces are
        # never joined (copying a large cassette in one call would hold the GIL, and the proxy, that long).
        head_format, separator, tail_format = _JSON_LAYOUT if is_json_path(self.path) else _YAML_LAYOUT
        # How each interaction's standalone text (a cassette of one) begins and ends.
        head, tail = head_format.format(version=version, count=1), tail_format.format(count=1)
        new = [i for i in interactions if self._texts.get(id(i), (None,))[0] is not i]
        fresh = dict(zip(map(id, new), self._standalone(version, new), strict=True))
        texts: dict[int, tuple[Interaction, bytes]] = {}
        for interaction in interactions:
            cached = self._texts.get(id(interaction))
            if id(interaction) in fresh:
                text = fresh[id(interaction)]
                if not (text.startswith(head) and text.endswith(tail)):  # not the layout this relies on
                    return [serialize(snapshot, self.path).encode("utf-8")]
                cached = (interaction, text[len(head) : len(text) - len(tail)].encode("utf-8"))
            assert cached is not None
            texts[id(interaction)] = cached
        self._texts = texts
        count = len(texts)
        pieces = [head_format.format(version=version, count=count).encode("utf-8")]
        between = separator.encode("utf-8")
        for position, (_, piece) in enumerate(texts.values()):
            if position and between:
                pieces.append(between)
            pieces.append(piece)
        pieces.append(tail_format.format(count=count).encode("utf-8"))
        return pieces

    def _standalone(self, version: int, interactions: list[Interaction]) -> list[str]:
        if self._pool is not None and interactions:
            try:
                jobs = [(version, self.path, i) for i in interactions]
                return list(self._pool.map(_standalone_text, jobs, chunksize=max(1, len(jobs) // 2)))
            except Exception:  # a broken pool must not lose a save: do the work here instead
                self._pool = None
        return [_standalone_text((version, self.path, interaction)) for interaction in interactions]


def _standalone_text(job: tuple[int, Path, Interaction]) -> str:
    """A cassette holding just this interaction, as text (run in a worker process by a pool)."""
    version, path, interaction = job
    return serialize(Cassette(version=version, interactions=[interaction]), path)


#: (head, separator, tail) of a cassette's text around its interactions, as the writer lays them out.
_YAML_LAYOUT = (
    "version: {version}\nssetape:\n  interactions: {count}\ninteractions:\n",
    "",
    "ssetape_end: {count}\n",
)
_JSON_LAYOUT = (
    '{{\n  "version": {version},\n  "ssetape": {{\n    "interactions": {count}\n  }},\n  "interactions": [\n',
    ",\n",
    '\n  ],\n  "ssetape_end": {count}\n}}\n',
)
