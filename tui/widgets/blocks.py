"""A pane's renderable laid out block by block, each block's lines kept by what it shows.

Most events change one block of a pane (the line a delta grew, the callbacks fired) and leave the rest as
it was: a completed tool call's JSON, the earlier blocks of a message, the headings. Stepping lays out
only the blocks it has not seen at this width: a block is kept by its content (a ``Text`` or a callback's
``Folded`` line by its characters and styles, anything else by identity, so a home that hands the same
object back, as the cached ``arguments`` does, is not laid out again).

Laying out the blocks of a ``Group`` one by one gives the lines the whole gives, as long as each block
ends its last line (a ``Text`` with ``end="\\n"``, a ``Syntax``): a block that does not is laid out with
the rest of its group, as one. A ``Text`` of several lines is laid out line by line, as rich wraps it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator

from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from ..drawing import Folded, wrapped_line
from .wrapping import Wrapping, simple

__all__ = ["BlockLines"]

#: Blocks kept beyond those of the renderable shown: what a few steps back and forth show again.
_SPARE = 64

#: A block laid out: the block (kept, so that a key by identity stays its own), its lines, and whether it
#: ends its last line.
_Laid = tuple[RenderableType, list[Strip], bool]


def _first_reversed(strips: list[Strip]) -> int | None:
    for number, strip in enumerate(strips):
        if any(segment.style is not None and segment.style.reverse for segment in strip):
            return number
    return None


def _key(block: RenderableType) -> Hashable:
    """What ``block`` lays out as, as far as a cheap look tells: a ``Text`` (or a ``Folded`` one) by value,
    the rest by identity."""
    if type(block) is Folded:  # a callback's line: many events fire the same calls
        return ("folded", _key(block.text))
    if type(block) is Text:
        return (
            block.plain,
            tuple(block.spans),
            block.style,
            block.justify,
            block.overflow,
            block.no_wrap,
            block.end,
            block.tab_size,
        )
    return (id(block),)


def _lines_of(text: Text) -> list[Text]:
    """``text`` split at its line ends, each line a ``Text`` that lays out as it does within ``text`` (rich
    wraps a text line by line: ``Text.wrap``)."""
    lines = list(text.split("\n", allow_blank=True))
    for line in lines:
        line.no_wrap, line.tab_size = text.no_wrap, text.tab_size
    lines[-1].end = text.end
    return lines


def _flat(renderable: RenderableType) -> Iterator[RenderableType]:
    if type(renderable) is Group:
        for part in renderable.renderables:
            yield from _flat(part)
    else:
        yield renderable


class BlockLines:
    """The lines of the renderables a pane shows, at one width and style, by block."""

    def __init__(self) -> None:
        self._blocks: dict[Hashable, _Laid] = {}
        self._at: tuple[int, Style | None] = (0, None)
        self._wrapping = Wrapping()
        #: The first reversed line of each block laid out last time, by its lines' identity (those lines are
        #: kept while this is: a block laid out again has new ones).
        self._reversed: dict[int, int] = {}
        #: The first line of the last lines given that is drawn reversed (what the event changed), if any.
        self.first_reversed: int | None = None

    def lines(self, renderable: RenderableType, console: Console, options: ConsoleOptions, style: Style) -> list[Strip]:
        """``renderable`` laid out as ``console.render_lines(renderable, options, style=style, pad=True)``
        lays it out, one ``Strip`` a line."""
        width = options.max_width
        if self._at != (width, style):
            self._blocks, self._at, self._wrapping = {}, (width, style), Wrapping()
        blocks = list(_flat(renderable))
        used: dict[Hashable, _Laid] = {}
        out: list[Strip] = []
        known, found = self._reversed, None
        reversed_at: dict[int, int] = {}
        for number, block in enumerate(blocks):
            strips, ended = self._block(block, console, options, style, used)
            if not ended and number < len(blocks) - 1:  # its last line goes on with the next block
                strips = [
                    Strip(line, width) for line in console.render_lines(renderable, options, style=style, pad=True)
                ]
                self._reversed, self.first_reversed = {}, _first_reversed(strips)
                return strips
            if found is None:
                at = known.get(id(strips))
                if at is None:
                    at = _first_reversed(strips)
                reversed_at[id(strips)] = -1 if at is None else at
                if at is not None and at >= 0:
                    found = len(out) + at
            out.extend(strips)
        self._reversed, self.first_reversed = reversed_at, found
        spare = [item for item in self._blocks.items() if item[0] not in used][-_SPARE:]
        self._blocks = dict(spare)
        self._blocks.update(used)
        return out

    def _block(
        self,
        block: RenderableType,
        console: Console,
        options: ConsoleOptions,
        style: Style,
        used: dict[Hashable, _Laid],
        line: bool = False,
    ) -> tuple[list[Strip], bool]:
        """One block's lines, and whether it ends its last line; a ``Text`` of several lines by its lines (a
        raw event's JSON changes a line or two from one event to the next). A ``line`` of a ``Text`` drops
        the empty segment an empty line renders as on its own, as it does within the whole."""
        key = ("line", _key(block)) if line else _key(block)
        found = used.get(key) or self._blocks.get(key)
        if found is None:
            if type(block) is Text and not line and "\n" in block.plain:
                strips: list[Strip] = []
                ended = True
                for part in _lines_of(block):
                    more, ended = self._block(part, console, options, style, used, line=True)
                    strips.extend(more)
                found = (block, strips, ended)
            elif (
                type(block) is Text
                and len(block.plain) > options.max_width
                and simple(block, options.justify, options.overflow, bool(options.no_wrap))
            ):
                found = (block, *self._paragraph(block, console, options, style, used, line))
            else:
                found = (block, *self._lay_out(block, console, options, style, line))
        used[key] = found
        return found[1], found[2]

    def _paragraph(
        self,
        block: Text,
        console: Console,
        options: ConsoleOptions,
        style: Style,
        used: dict[Hashable, _Laid],
        line: bool,
    ) -> tuple[list[Strip], bool]:
        """A paragraph longer than a line, wrapped as rich wraps it (see ``wrapping``), each line laid out
        on its own and kept by what it shows: a paragraph that grew lays out its last lines again."""
        lines = self._wrapping.lines(block, options.max_width)
        strips: list[Strip] = []
        ended = True
        for number, part in enumerate(lines, 1):
            end = block.end if number == len(lines) else "\n"
            key = ("wrapped", _key(part), end)
            found = used.get(key) or self._blocks.get(key)
            if found is None:
                segments = list(wrapped_line(part, console, end))  # not wrapped again
                found = (part, *self._split(segments, options, style, line))
            used[key] = found
            strips.extend(found[1])
            ended = found[2]
        return strips, ended

    @classmethod
    def _lay_out(
        cls, block: RenderableType, console: Console, options: ConsoleOptions, style: Style, line: bool
    ) -> tuple[list[Strip], bool]:
        return cls._split(list(console.render(block, options)), options, style, line)

    @staticmethod
    def _split(
        segments: list[Segment], options: ConsoleOptions, style: Style, line: bool
    ) -> tuple[list[Strip], bool]:
        ended = not segments or segments[-1].text.endswith("\n")
        if line:
            segments = [segment for segment in segments if segment.text or segment.control]
        if style:
            segments = list(Segment.apply_style(segments, style))
        width = options.max_width
        lines = Segment.split_and_crop_lines(segments, width, include_new_lines=False, pad=True, style=style)
        return [Strip(line, width) for line in lines], ended
