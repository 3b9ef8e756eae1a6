"""A pane's renderable laid out block by block, each block's lines kept by what it shows.

Most events change one block of a pane (the line a delta grew, the callbacks fired) and leave the rest as
it was: a completed tool call's JSON, the earlier blocks of a message, the headings. Stepping lays out
only the blocks it has not seen at this width: a block is kept by its content (a ``Text`` by its
characters and styles, anything else by identity, so a home that hands the same object back, as the
cached ``arguments`` does, is not laid out again).

Laying out the blocks of a ``Group`` one by one gives the lines the whole gives, as long as each block
ends its last line (a ``Text`` with ``end="\\n"``, a ``Syntax``): a block that does not is laid out with
the rest of its group, as one.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator

from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

__all__ = ["BlockLines"]

#: Blocks kept beyond those of the renderable shown: what a few steps back and forth show again.
_SPARE = 64


def _key(block: RenderableType) -> Hashable:
    """What ``block`` lays out as, as far as a cheap look tells: a ``Text`` by value, the rest by identity."""
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


def _flat(renderable: RenderableType) -> Iterator[RenderableType]:
    if type(renderable) is Group:
        for part in renderable.renderables:
            yield from _flat(part)
    else:
        yield renderable


class BlockLines:
    """The lines of the renderables a pane shows, at one width and style, by block."""

    def __init__(self) -> None:
        #: key -> (the block, kept so that an identity key stays its own; its lines; whether it ends its last line)
        self._blocks: dict[Hashable, tuple[RenderableType, list[Strip], bool]] = {}
        self._at: tuple[int, Style | None] = (0, None)

    def lines(self, renderable: RenderableType, console: Console, options: ConsoleOptions, style: Style) -> list[Strip]:
        """``renderable`` laid out as ``console.render_lines(renderable, options, style=style, pad=True)``
        lays it out, one ``Strip`` a line."""
        width = options.max_width
        if self._at != (width, style):
            self._blocks, self._at = {}, (width, style)
        blocks = list(_flat(renderable))
        used: dict[Hashable, tuple[RenderableType, list[Strip], bool]] = {}
        out: list[Strip] = []
        for number, block in enumerate(blocks):
            key = _key(block)
            found = used.get(key) or self._blocks.get(key)
            if found is None:
                found = (block, *self._lay_out(block, console, options, style))
            used[key] = found
            if not found[2] and number < len(blocks) - 1:  # its last line goes on with the next block
                strips = console.render_lines(renderable, options, style=style, pad=True)
                return [Strip(line, width) for line in strips]
            out.extend(found[1])
        spare = [item for item in self._blocks.items() if item[0] not in used][-_SPARE:]
        self._blocks = dict(spare)
        self._blocks.update(used)
        return out

    @staticmethod
    def _lay_out(
        block: RenderableType, console: Console, options: ConsoleOptions, style: Style
    ) -> tuple[list[Strip], bool]:
        segments = list(console.render(block, options))
        ended = not segments or segments[-1].text.endswith("\n")
        if style:
            segments = list(Segment.apply_style(segments, style))
        width = options.max_width
        lines = Segment.split_and_crop_lines(segments, width, include_new_lines=False, pad=True, style=style)
        return [Strip(line, width) for line in lines], ended
