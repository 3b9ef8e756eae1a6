"""A pane's lines laid out block by block (``tui.widgets.blocks``) are the lines rich lays out for the whole,
at every event of every fixture, stepping forward and back as a user does; what did not change is not laid
out again."""

from __future__ import annotations

import io
import random

import pytest
from rich.console import Console, Group
from rich.style import Style
from rich.syntax import Syntax
from rich.text import Text

from ssetape.recorder import load
from ssetape.replayer import Timeline
from ssetape.tui.drawing import arguments
from ssetape.tui.source import open_cassette
from ssetape.tui.widgets.blocks import BlockLines
from tests.conftest import FIXTURES
from tests.tui.test_panes import PANES

STREAMED = sorted(path.name for path in FIXTURES.glob("*.yaml") if load(path).streams())
WIDTH = 60
STYLE = Style(color="white", bgcolor="black")


def console() -> Console:
    return Console(width=WIDTH, file=io.StringIO(), color_system="truecolor", legacy_windows=False)


def whole(renderable: object, out: Console) -> list[list[object]]:
    """What rich lays out for the renderable as one, as the pane laid it out before blocks."""
    options = out.options.update(width=WIDTH, height=None, highlight=False)
    return [list(line) for line in out.render_lines(renderable, options, style=STYLE, pad=True)]


def by_blocks(blocks: BlockLines, renderable: object, out: Console) -> list[list[object]]:
    options = out.options.update(width=WIDTH, height=None, highlight=False)
    return [list(strip) for strip in blocks.lines(renderable, out, options, STYLE)]


def first_reversed(lines: list[list[object]]) -> int | None:
    reversed_at = (
        number for number, line in enumerate(lines) if any(s.style is not None and s.style.reverse for s in line)  # type: ignore[attr-defined]
    )
    return next(reversed_at, None)


@pytest.mark.parametrize("name", STREAMED)
def test_every_pane_laid_out_by_blocks_is_what_rich_lays_out_whole(name: str) -> None:
    cassette = open_cassette(FIXTURES / name)
    out = console()
    for interaction in cassette.streams():
        timeline = Timeline(cassette, interaction)
        panes = {slot: kind() for slot, kind in PANES.items()}
        blocks = {slot: BlockLines() for slot in PANES}
        # forward, then back over the last events: what was laid out comes from the blocks kept
        order = [*range(len(timeline)), *range(len(timeline) - 1, max(len(timeline) - 6, -1), -1)]
        for index in order:
            moment = timeline[index]
            for slot, pane in panes.items():
                renderable = pane.render_moment(timeline, moment)[2]
                lines = whole(renderable, out)
                assert by_blocks(blocks[slot], renderable, out) == lines, (name, index, slot)
                # the line a pane scrolls to, found as the blocks are laid out, is the first drawn reversed
                assert blocks[slot].first_reversed == first_reversed(lines), (name, index, slot)


def test_a_block_that_does_not_end_its_line_is_laid_out_with_the_next() -> None:
    out = console()
    renderable = Group(Text("on the same ", end=""), Text("line"), Text("x" * 130))
    assert by_blocks(BlockLines(), renderable, out) == whole(renderable, out)
    assert len(whole(renderable, out)) == 4


def test_a_text_of_several_lines_is_laid_out_line_by_line_as_rich_wraps_it() -> None:
    out = console()
    long = "word " * 30
    text = Text(f"first\n{long}\n\n\tthird, a tab\nlast\n", style="bold", justify="left")
    text.stylize("reverse", 3, 40)  # a span across a line end
    text.stylize("red", len(text) - 3)
    unwrapped = Text(f"no wrap {long}\nand more", no_wrap=True, overflow="ellipsis")
    for renderable in (text, unwrapped, Group(Text("head"), text, unwrapped)):
        blocks = BlockLines()
        assert by_blocks(blocks, renderable, out) == whole(renderable, out)
        assert by_blocks(blocks, renderable, out) == whole(renderable, out)  # from what was kept
    # a line changed: the others are the lines laid out before
    blocks, options = BlockLines(), out.options.update(width=WIDTH, height=None, highlight=False)
    before = blocks.lines(Text("one\ntwo\nthree"), out, options, STYLE)
    after = blocks.lines(Text("one\n2\nthree"), out, options, STYLE)
    assert [a is b for a, b in zip(before, after, strict=True)] == [True, False, True]


def test_what_did_not_change_is_not_laid_out_again() -> None:
    out = console()
    blocks = BlockLines()
    options = out.options.update(width=WIDTH, height=None, highlight=False)
    code = arguments('{"city": "Paris", "days": [1, 2, 3]}', 0)
    assert isinstance(code, Syntax)
    first = blocks.lines(Group(Text("head"), code, Text("tail 1")), out, options, STYLE)
    # the same arguments give the same object back; the Text of the same value is laid out from what was kept
    again = arguments('{"city": "Paris", "days": [1, 2, 3]}', 0)
    assert again is code
    second = blocks.lines(Group(Text("head"), again, Text("tail 2")), out, options, STYLE)
    assert len(first) == len(second)
    assert all(a is b for a, b in zip(first[:-1], second[:-1], strict=True))
    assert first[-1] is not second[-1]
    assert second[-1].text.rstrip() == "tail 2"
    # another width lays everything out again
    narrow = blocks.lines(Group(Text("head"), again), out, options.update(width=WIDTH - 10), STYLE)
    assert narrow[0] is not first[0] and narrow[0].cell_length == WIDTH - 10


def test_long_arguments_show_their_end_and_how_much_is_above() -> None:
    items = ", ".join(f'"item {n}"' for n in range(600))
    text = '{"items": [' + items + "]}"
    out = console()
    drawn = whole(arguments(text, 0), out)
    lines = ["".join(segment.text for segment in line).rstrip() for line in drawn]  # type: ignore[attr-defined]
    assert lines[0].startswith("… ") and lines[0].endswith("earlier lines not shown")
    assert lines[-1] == "}" and lines[-3] == '    "item 599"'
    assert len(lines) < 200  # of 603: the end alone
    arriving = whole(arguments(text[:5000], 7), out)
    first = "".join(segment.text for segment in arriving[0])  # type: ignore[attr-defined]
    assert first.startswith("… 3,000 earlier characters not shown")


@pytest.mark.parametrize("seed", range(2))
def test_a_paragraph_that_grows_and_shrinks_is_laid_out_as_rich_lays_it_out(seed: int) -> None:
    """A streamed paragraph, delta by delta (its last delta highlighted), forward then back and jumping:
    wrapped again from its last lines, it gives rich's lines for the whole at every step."""
    rng = random.Random(seed)
    pieces = ["word", " ", "  ", "a", "longerword", "x" * 70, "全角", "é", "👍🏽", ",", ".\u00a0", "  \u3000"]
    deltas = ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 4))) for _ in range(160)]
    texts = ["".join(deltas[: n + 1]) for n in range(len(deltas))]
    out = console()
    blocks = BlockLines()
    order = [*range(len(texts)), *range(len(texts) - 1, 120, -1), *(rng.randrange(len(texts)) for _ in range(20))]
    for n in order:
        text = Text(texts[n], style=rng.choice(["", "bold"]))
        text.stylize("reverse", len(texts[n]) - len(deltas[n]))
        renderable = Group(Text("… above", style="dim"), text) if n % 2 else text
        assert by_blocks(blocks, renderable, out) == whole(renderable, out), n


def test_the_arguments_of_every_call_of_a_long_stream_are_kept() -> None:
    calls = [f'{{"call": {n}, "city": "Paris"}}' for n in range(400)]  # Gemini's bench stream has 400
    drawn = [arguments(call, 0) for call in calls]
    for _ in range(2):  # the panes ask for every call again at each step
        assert all(arguments(call, 0) is first for call, first in zip(calls, drawn, strict=True))
