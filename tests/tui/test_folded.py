"""``Folded`` renders its pieces as they are: the lines rich gives when it wraps each piece itself."""

from __future__ import annotations

import random

import pytest
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from ssetape.tui.drawing import Folded

SAMPLES = [
    "1 on_text_delta(delta='lo', snapshot='Hello')",
    "  leading and trailing spaces   ",
    "全角の文字と空白　漢字　かな" * 3,
    "combining e\u0301 a\u0300 marks " * 5,
    "emoji 👍🏽 and 🇫🇷 flags " * 4,
    "tab\tand\nline end",
    "x" * 130,
    "",
]


class Pieces:
    """What ``Folded`` did before: the pieces, each wrapped by rich."""

    def __init__(self, folded: Folded) -> None:
        self.folded = folded

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.cells import chop_cells

        width = max(options.max_width, 1)
        offsets, at = [], 0
        for piece in chop_cells(self.folded.text.plain, width)[:-1]:
            at += len(piece)
            offsets.append(at)
        yield from self.folded.text.divide(offsets)


def styled(plain: str, rng: random.Random) -> Text:
    text = Text(plain, style=rng.choice(["", "dim"]))  # a base style, as a numbered callback line has
    for _ in range(3):
        if plain:
            start = rng.randrange(len(plain))
            text.stylize(
                rng.choice(["bold", "dim", "reverse", "red on blue"]), start, rng.randrange(start, len(plain) + 1)
            )
    return text


@pytest.mark.parametrize("plain", SAMPLES)
def test_folded_lines_are_richs(plain: str) -> None:
    console = Console(width=200, color_system="truecolor", legacy_windows=False)
    rng = random.Random(plain)
    for width in (1, 2, 3, 7, 20, 41, 80) * 2:
        text = styled(plain, rng)
        options = console.options.update(width=width, height=None, highlight=False)
        want = console.render_lines(Pieces(Folded(text)), options, pad=True)
        got = console.render_lines(Folded(text), options, pad=True)
        assert got == want, width
