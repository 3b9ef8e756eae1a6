"""A response's network chunks, ``(seconds since the request was sent, size in bytes)``, and their text.

On disk they are text (``"0.413101:183 0.438722:92 ..."``, a few pairs to a line), since a YAML list of
50k pairs takes seconds to load. Loading checks the text's shape (operations on the whole text, no
per-pair work); the pairs are parsed, and their sizes checked against the body's (:meth:`Chunks.cover`),
when something first reads them, which a listing or a Timeline over the events never does. A
mismatch found then is the same :class:`~ssetape.errors.CassetteDecodeError`, naming the file and line,
that loading would have raised.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import repeat
from typing import TYPE_CHECKING, Any, overload

from .errors import CassetteDecodeError

if TYPE_CHECKING:  # pydantic is imported with the models: the skim of ``ssetape ls`` needs neither
    from pydantic import ValidatorFunctionWrapHandler

Pair = tuple[float, int]

#: Pairs per line when chunks are written as text.
_PER_LINE = 8
_DIGITS = b"0123456789"
#: Digits as "0", what stands between two runs of them (a colon, a dot, a separator) as ":", anything else as "x".
_SIDES = bytes(ord("0") if byte in _DIGITS else ord(":") if byte in b":. \n" else ord("x") for byte in range(256))
#: A line break as the space it stands for: either puts one pair after the next.
_ONE_SEPARATOR = bytes.maketrans(b"\n", b" ")


def encode_chunks(chunks: Iterable[Pair]) -> str:
    """``at:size`` pairs, a few to a line: compact on disk, fast to read, still diffable."""
    pairs = [f"{at:.6f}".rstrip("0").rstrip(".") + f":{size}" for at, size in chunks]
    return "\n".join(" ".join(pairs[i : i + _PER_LINE]) for i in range(0, len(pairs), _PER_LINE))


def decode_chunks(text: str) -> list[Pair]:
    """The pairs ``text`` holds; a ValueError names the first that is not ``seconds:size``."""
    if _written(text) is not None:
        parts = text.replace(":", " ").split()
        return list(zip(map(float, parts[0::2]), map(int, parts[1::2]), strict=True))
    chunks = []
    for number, pair in enumerate(text.split()):
        at, colon, size = pair.partition(":")
        try:
            if not colon:
                raise ValueError
            chunks.append((float(at), int(size)))
        except ValueError:
            raise ValueError(f"chunk {number} is {pair!r}, expected seconds:size such as 0.413:183") from None
    return chunks


def _written(text: str) -> int | None:
    """How many pairs ``text`` holds when it is as the writer writes it: words of digits, at most one dot,
    a colon and digits, one space or line break apart (checked with operations on the whole text, not word
    by word: this runs on every load)."""
    if not text.isascii():
        return None
    raw = text.encode()
    # Without the digits, the words must read ":" or ".:" (the time's dot), one separator apart, and nothing else.
    shapes = raw.translate(_ONE_SEPARATOR, _DIGITS)
    undotted = shapes.translate(None, b".")
    pairs = (len(undotted) + 1) // 2
    if undotted != b": " * (pairs - 1) + b":" or shapes.count(b".:") != len(shapes) - len(undotted):
        return None if text.strip() else 0
    # Each side of a colon and of a dot holds a digit, as the writer writes them ("0.41:183", never "5.:3" or
    # ".5:3", which the plain loop reads): nothing between two runs of digits is next to another, or at an end.
    sides = raw.translate(_SIDES)
    if b"::" in sides or sides.startswith(b":") or sides.endswith(b":"):
        return None
    return pairs


class Chunks(Sequence[Pair]):
    """The recorded pairs, as a read-only sequence; from text, parsed on first use (see the module)."""

    __slots__ = ("_body", "_count", "_pairs", "_sizes", "_text", "_times", "_total", "_where")

    def __init__(self, pairs: Iterable[Pair] = ()) -> None:
        self._pairs: list[Pair] | None = list(pairs)
        self._text: str | None = None
        self._times: array[float] | None = None
        self._sizes: array[int] | None = None
        self._count = len(self._pairs)
        self._total: int | None = None
        #: The body's size the sizes must add up to (or what gives it), until they are parsed and found to.
        self._body: int | Callable[[], int] | None = None
        self._where: Callable[[str], CassetteDecodeError] = _nowhere

    @classmethod
    def from_text(cls, text: str) -> Chunks:
        """Check ``text``'s shape now (a ValueError says what is wrong); parse the pairs later."""
        count = _written(text)
        if count is None:  # (the written form has only digits and dots: times that are finite and >= 0)
            return cls(check_times(decode_chunks(text)))
        chunks = cls()
        chunks._pairs, chunks._text, chunks._count = None, text, count
        return chunks

    @classmethod
    def from_arrays(cls, times: Iterable[float], sizes: Iterable[int]) -> Chunks:
        """Pairs held as two arrays of numbers (copied), each time rounded to the microsecond as it is read: not a
        tuple, a float and an int per chunk, made on the proxy's event loop as each stream ends (``round`` converts
        to decimal: 0.3 µs a chunk) and kept for the rest of the session (about 116 bytes a chunk, not 16)."""
        chunks = cls()
        chunks._pairs = None
        chunks._times, chunks._sizes = array("d", times), array("q", sizes)
        if len(chunks._times) != len(chunks._sizes):
            raise ValueError(f"{len(chunks._times)} chunk times for {len(chunks._sizes)} sizes")
        chunks._count = len(chunks._sizes)
        return chunks

    def arrays(self) -> tuple[array[float], array[int]]:
        """The times and the sizes, each in an array (the times of :meth:`from_arrays` not yet rounded: rounding
        costs a conversion to decimal each; :meth:`from_arrays` of them gives the same pairs)."""
        if self._times is not None and self._sizes is not None:
            return self._times, self._sizes
        pairs = self._decoded()
        return array("d", (at for at, _ in pairs)), array("q", (size for _, size in pairs))

    @property
    def parsed(self) -> bool:
        return self._text is None

    def cover(self, size: int | Callable[[], int]) -> None:
        """The sizes must add up to ``size`` (the body's, or what works it out: a body of text beyond ASCII must
        be encoded to be measured): checked now when the pairs are parsed, else when something first reads
        them (a ValueError now, the error :meth:`locate` gives then)."""
        if self._text is not None:
            self._body = size
            return
        size = size() if callable(size) else size
        if self.total != size:
            raise ValueError(_mismatch(self.total, size))

    def locate(self, where: Callable[[str], CassetteDecodeError]) -> None:
        """How a mismatch found later is reported: ``where(problem)`` names the file and line."""
        self._where = where

    @property
    def total(self) -> int:
        """The sizes added up: the body's length in bytes when the recording is whole."""
        if self._total is None:
            if self._text is not None:  # as the writer writes it (checked): sizes are the words' second halves
                self._total = sum(map(int, self._text.replace(":", " ").split()[1::2]))
            elif self._sizes is not None:
                self._total = sum(self._sizes)
            else:
                self._total = sum(size for _, size in self._decoded())
        if self._body is not None:
            body = self._body() if callable(self._body) else self._body
            if self._total != body:
                raise self._where(_mismatch(self._total, body))
            self._body = None
        return self._total

    def _decoded(self) -> list[Pair]:
        if self._sizes is not None:  # made for whoever asks, not kept (see from_arrays)
            return list(self._iter_arrays())
        if self._pairs is None:
            assert self._text is not None
            _ = self.total  # the sizes must add up to the body's first
            self._pairs, self._text = decode_chunks(self._text), None
        return self._pairs

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Pair: ...
    @overload
    def __getitem__(self, index: slice) -> list[Pair]: ...
    def __getitem__(self, index: int | slice) -> Pair | list[Pair]:
        if self._times is not None and self._sizes is not None and isinstance(index, int):
            return round(self._times[index], 6), self._sizes[index]
        return self._decoded()[index]

    def __iter__(self) -> Iterator[Pair]:
        if self._sizes is not None:
            return self._iter_arrays()
        return iter(self._decoded())

    def _iter_arrays(self) -> Iterator[Pair]:
        assert self._times is not None and self._sizes is not None
        return zip(map(round, self._times, repeat(6)), self._sizes, strict=True)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, (str, bytes)):
            return self._decoded() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._decoded())


def _mismatch(total: int, size: int) -> str:
    return f"the recorded chunk sizes add up to {total} bytes but the body has {size} bytes"


def _nowhere(problem: str) -> CassetteDecodeError:
    return CassetteDecodeError(None, problem)


def validate_chunks(value: Any, handler: ValidatorFunctionWrapHandler) -> Chunks:
    """Pydantic's way in: text from a cassette, or pairs (checked by pydantic, errors naming the pair)."""
    if isinstance(value, Chunks):
        return value
    if isinstance(value, str):
        return Chunks.from_text(value)
    return Chunks(check_times(handler(value)))


def check_times(pairs: list[Pair]) -> list[Pair]:
    """``pairs``, when every time is a finite number of seconds of 0 or more and every size is 0 or more."""
    for number, (at, size) in enumerate(pairs):
        if not math.isfinite(at) or at < 0:
            raise ValueError(f"chunk {number} arrives at {at!r} seconds: expected a finite time of 0 or more")
        if size < 0:
            raise ValueError(f"chunk {number} has {size} bytes: expected 0 or more")
    return pairs
