"""Shared output for the commands: JSON Lines, aligned tables and event lines, quiet exits on a closed pipe.

Plain aligned text rather than a table library: it streams, costs nothing for 50k events, and what a
pipe receives is exactly what the terminal shows, minus colour and truncation.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import click

from ssetape.apis import api_for
from ssetape.replayer import StreamEvent, summarize

F = TypeVar("F", bound=Callable[..., Any])

#: An event's colour by its family (as its API's home groups it; the TUI colours the same families).
_FAMILY_COLOURS = {"run": "cyan", "step": "magenta", "message": "green", "error": "red", "other": "bright_black"}


def terminal_width() -> int | None:
    """The terminal's width, or None when stdout is a pipe or file (nothing is cut for grep)."""
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: Iterable[int] = (),
    elastic: int | None = None,
    styles: Callable[[int, int, str], str | None] | None = None,
    styled: Iterable[int] | None = None,
) -> Iterator[str]:
    """Aligned columns, two spaces apart. On a terminal, column ``elastic`` is shortened from the left
    (``…/runs``) to fit; ``styles(row, column, text)`` may name a colour for a cell (asked of the ``styled``
    columns only, when they are given)."""
    right = set(right)
    columns = zip(*rows, strict=True) if rows else ([] for _ in headers)
    widths = [max([len(h), *map(len, column)]) for h, column in zip(headers, columns, strict=True)]
    width = terminal_width()
    shortened = False
    if width is not None and elastic is not None:
        excess = sum(widths) + 2 * (len(widths) - 1) - width
        if excess > 0:
            widths[elastic] = max(len(headers[elastic]), widths[elastic] - excess)
            shortened = True

    pads = [str.rjust if i in right else str.ljust for i in range(len(widths))]
    last = len(widths) - 1
    asked = range(len(widths)) if styled is None else tuple(styled)

    def cells(row: Sequence[str], number: int | None) -> str:
        out = []
        for i, text in enumerate(row):
            width = widths[i]
            if len(text) > width:
                # The elastic column (a path) keeps its end, the most specific part.
                text = "…" + text[1 - width :] if i == elastic else text[: width - 1] + "…"
            padded = text if i == last and i not in right else pads[i](text, width)
            if styles is not None and number is not None and i in asked and (colour := styles(number, i, text)):
                padded = click.style(padded, fg=colour)
            out.append(padded)
        return "  ".join(out).rstrip()

    yield click.style(cells(headers, None), bold=True)
    # What cells() gives a row with no cell cut and no colour, in one call: str.format pads as ljust / rjust do.
    line = "  ".join(
        "{}" if i == last and i not in right else f"{{:{'>' if i in right else '<'}{width}}}"
        for i, width in enumerate(widths)
    ).format
    cut = elastic if shortened else None
    for number, row in enumerate(rows):
        if (cut is not None and len(row[cut]) > widths[cut]) or (
            styles is not None and any(styles(number, i, row[i]) for i in asked)
        ):
            yield cells(row, number)
        else:
            yield line(*row).rstrip()


def json_line(record: Any) -> None:
    click.echo(json.dumps(record, ensure_ascii=False, separators=(",", ":")))


def json_lines(records: Iterable[Any]) -> None:
    for record in records:
        json_line(record)


def seconds(value: float | None, *, sign: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+.3f}s" if sign else f"{value:.3f}s"


class EventLines:
    """Aligned one-line-per-event output, cheap enough for 50k events (no table to lay out)."""

    def __init__(self, events: Sequence[StreamEvent], *, timed: bool = True) -> None:
        #: Without timings (a raw dump, another tool's cassette) the offset and gap columns say so: "-".
        self.timed = timed
        self.index_width = len(str(max((event.index for event in events), default=0)))
        self.name_width = max((len(event.name) for event in events), default=5)
        self.width = terminal_width()

    def header(self) -> str:
        line = f"{'#':>{self.index_width}}  {'offset':>8}  {'gap':>8}  {'event':<{self.name_width}}  summary"
        return click.style(line, bold=True)

    def line(self, event: StreamEvent) -> str:
        name = click.style(f"{event.name:<{self.name_width}}", fg=_colour(event))
        at, gap = (seconds(event.at), seconds(event.gap, sign=True)) if self.timed else ("-", "-")
        head = f"{event.index:>{self.index_width}}  {at:>8}  {gap:>8}  "
        summary = summarize(event)
        if self.width is not None:
            room = self.width - len(head) - self.name_width - 2
            if room > 1 and len(summary) > room:
                summary = summary[: room - 1] + "…"
        return f"{head}{name}  {summary}"


def _colour(event: StreamEvent) -> str | None:
    home = api_for(event.name, event.data)
    family = home.events.family(event.name, event.data)
    if family == "message" and event.name.endswith(".delta"):
        return None  # the text itself: left plain, as the bulk of most streams
    return _FAMILY_COLOURS.get(family)


def closes_quietly(command: F) -> F:
    """``ssetape … | head`` : stop without a traceback when the reader goes away."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:
            # Python would complain again when flushing stdout at exit: point it at /dev/null first.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)

    return wrapper  # type: ignore[return-value]
