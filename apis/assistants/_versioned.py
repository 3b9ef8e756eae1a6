"""An insertion-ordered map whose copies share storage: the handler's message and run step snapshots.

The SDK's handler keeps every message and run step snapshot by id, and a checkpoint must keep them as
they were. Copied whole at every checkpoint, a run with thousands of messages or steps would cost memory
quadratic in their number. :class:`Versioned` keeps its entries in blocks of :data:`BLOCK`; a copy shares
every block and a write copies only the block it changes, so a checkpoint costs one reference per block.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, TypeVar

__all__ = ["BLOCK", "Versioned"]

V = TypeVar("V")
#: Entries per block: a write copies one block, a copy one reference per block.
BLOCK = 32


class Versioned(Generic[V]):
    """A dict's reads (``get``, ``[key]``, ``items``, ``values``, ``len``, ``in``) and writes (``[key] =``),
    plus :meth:`copy`, which shares every block with this map until either writes to it."""

    __slots__ = ("_blocks", "_index", "_len", "_owned")

    def __init__(self) -> None:
        #: Each entry's position, by key; shared by the copies, which read only positions below their length.
        self._index: dict[Any, int] = {}
        self._blocks: list[list[tuple[Any, V]]] = []
        self._len = 0
        self._owned: set[int] = set()  # the blocks this map copied since it was last copied: its to change

    def copy(self) -> Versioned[V]:
        out: Versioned[V] = Versioned.__new__(Versioned)
        out._index, out._blocks, out._len, out._owned = self._index, list(self._blocks), self._len, set()
        self._owned = set()  # every block is shared now
        return out

    def _position(self, key: Any) -> int:
        position = self._index.get(key)
        return -1 if position is None or position >= self._len else position

    def get(self, key: Any, default: Any = None) -> Any:
        position = self._index.get(key)
        if position is None or position >= self._len:
            return default
        return self._blocks[position // BLOCK][position % BLOCK][1]

    def __getitem__(self, key: Any) -> V:
        position = self._position(key)
        if position < 0:
            raise KeyError(key)
        return self._blocks[position // BLOCK][position % BLOCK][1]

    def __setitem__(self, key: Any, value: V) -> None:
        position = self._index.get(key)
        if position is not None and position < self._len and position // BLOCK in self._owned:
            self._blocks[position // BLOCK][position % BLOCK] = (key, value)  # the usual write: nothing shared
            return
        self._write(key, value)

    def _write(self, key: Any, value: V) -> None:
        position = self._position(key)
        if position < 0:
            position = self._len
            if len(self._index) > position and self._index.get(key) != position:
                # a copy taken behind another one's writes, and going elsewhere: its own index from here on
                self._index = {k: p for k, p in self._index.items() if p < position}
            self._index[key] = position
            self._len += 1
        number, offset = divmod(position, BLOCK)
        if number == len(self._blocks):
            self._blocks.append([])
            self._owned.add(number)
        elif number not in self._owned:
            self._blocks[number] = self._blocks[number][: min(BLOCK, self._len - number * BLOCK)]
            self._owned.add(number)
        block = self._blocks[number]
        if offset == len(block):
            block.append((key, value))
        else:
            block[offset] = (key, value)

    def __contains__(self, key: Any) -> bool:
        return self._position(key) >= 0

    def __len__(self) -> int:
        return self._len

    def __bool__(self) -> bool:
        return self._len > 0

    def items(self) -> Iterator[tuple[Any, V]]:
        left = self._len
        for block in self._blocks:
            yield from block[: min(BLOCK, left)]
            left -= BLOCK
            if left <= 0:
                return

    def values(self) -> Iterator[V]:
        return (value for _, value in self.items())

    def __iter__(self) -> Iterator[Any]:
        return (key for key, _ in self.items())
