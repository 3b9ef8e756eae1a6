"""A long paragraph wrapped as rich wraps it, from where it differs from one wrapped lately.

A streamed text grows at its end: at each step, the paragraph the delta lands in is the one before plus a
few characters (one step back, minus them). Rich breaks a paragraph greedily, word by word (``divide_line``),
so the breaks before its last word do not depend on what follows it: they are the breaks of the paragraph
wrapped before, and only the lines from there on are worked out again. Each line then lays out on its own,
kept by what it shows (``BlockLines``), so the lines above the news are not laid out again either.
"""

from __future__ import annotations

from bisect import bisect_left

from rich._wrap import divide_line
from rich.text import Text

__all__ = ["Wrapping", "simple"]

#: Paragraphs whose breaks are kept.
_KEPT = 8


def simple(text: Text, justify: str | None, overflow: str | None, no_wrap: bool) -> bool:
    """Whether rich wraps ``text`` (one paragraph) as :meth:`Wrapping.lines` does: folding long words, not
    justified, no tabs."""
    return (
        (text.justify or justify) in (None, "default")
        and (text.overflow or overflow) in (None, "fold")
        and not (text.no_wrap or no_wrap)
        and "\t" not in text.plain
        and "\n" not in text.plain
    )


def _last_word(plain: str) -> int:
    """Where the last word of ``plain`` starts, as rich's ``words`` splits it (0: it is the first)."""
    end = len(plain)
    while end and plain[end - 1].isspace():
        end -= 1
    start = end
    while start and not plain[start - 1].isspace():
        start -= 1
    return 0 if not plain[:start] or plain[:start].isspace() else start


def _starts_word(plain: str, at: int) -> bool:
    return plain[at - 1].isspace() and not plain[at].isspace()


class Wrapping:
    """The breaks of the paragraphs wrapped lately, at one width."""

    def __init__(self) -> None:
        self._recent: list[tuple[str, list[int]]] = []

    def breaks(self, plain: str, width: int) -> list[int]:
        """The offsets rich's ``divide_line(plain, width, fold=True)`` gives, worked out from a paragraph wrapped
        lately that ``plain`` extends or is the start of."""
        found = None
        for old, old_breaks in reversed(self._recent):
            if old == plain:
                return old_breaks
            if plain.startswith(old) or old.startswith(plain):
                found = old, old_breaks
                break
        if found is None:
            breaks = divide_line(plain, width, fold=True)
        else:
            old, old_breaks = found
            # the breaks before the shorter one's last word are both paragraphs' breaks
            common = old_breaks[: bisect_left(old_breaks, _last_word(min(old, plain, key=len)))]
            while common and not _starts_word(plain, common[-1]):  # a line that starts mid-word (a fold)
                common.pop()
            start = common[-1] if common else 0
            breaks = common + [start + at for at in divide_line(plain[start:], width, fold=True)]
        self._recent = [*(item for item in self._recent if item[0] != plain)][-_KEPT + 1 :]
        self._recent.append((plain, breaks))
        return breaks

    def lines(self, text: Text, width: int) -> list[Text]:
        """``text`` (a :func:`simple` paragraph) cut into the lines rich's ``Text.wrap`` gives."""
        lines = list(text.divide(self.breaks(text.plain, width)))
        for line in lines:
            line.rstrip_end(width)
            line.truncate(width, overflow="fold")
        return lines
