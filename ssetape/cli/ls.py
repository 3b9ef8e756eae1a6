"""``ssetape ls``: the interactions in each cassette."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import click

from ssetape.errors import SsetapeError
from ssetape.recorder import collector_paused
from ssetape.replayer import InteractionInfo, list_interactions

from .output import closes_quietly, json_line, seconds, table

#: Table lines written at a time.
_BATCH = 1000
HEADERS = ("#", "method", "path", "status", "stream", "kind", "events", "duration", "state")
#: The columns :func:`_style` may colour: the status and the state.
_STYLED = (3, 8)


@click.command(short_help="List the interactions in cassettes.")
@click.argument("cassettes", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="CASSETTE...")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per interaction (JSON Lines).")
@closes_quietly
def ls(cassettes: tuple[Path, ...], as_json: bool) -> None:
    """List the interactions in each cassette: method, path, status, streamed or not, which API's
    stream (kind: assistants, responses, chat, anthropic, ..., or sse when none), events, duration,
    complete, cut off, or unterminated (it arrived whole, but its last event lacks the blank line that ends
    it, so its SDK never reads that event: a raw dump saved without it).

    Exits 2 if a cassette cannot be read (after listing the others).

    \b
    Examples:
      ssetape ls fixtures/*.yaml
      ssetape ls session.yaml --json | jq 'select(.streamed) | .index'
    """
    failed = False
    for number, path in enumerate(cassettes):
        try:
            with collector_paused():
                infos = list_interactions(path)
        except SsetapeError as exc:
            click.echo(f"Error: {exc}", err=True)
            failed = True
            continue
        if as_json:
            for info in infos:
                json_line({"cassette": str(path), **info.to_json()})
            continue
        if len(cassettes) > 1:
            click.echo(("\n" if number else "") + click.style(f"{path}:", bold=True))
        if not infos:
            click.echo("(no interactions)")
            continue
        rows = [_row(info) for info in infos]
        _echo_lines(table(HEADERS, rows, right=(0, 3, 6, 7), elastic=2, styles=_style, styled=_STYLED))
    if failed:
        sys.exit(2)


def _echo_lines(lines: Iterator[str]) -> None:
    """One write per batch of lines: a write a line was most of a 100k-interaction listing's output time."""
    while batch := list(islice(lines, _BATCH)):
        click.echo("\n".join(batch))


def _row(info: InteractionInfo) -> list[str]:
    return [
        str(info.index),
        info.method,
        info.path,
        str(info.status),
        "SSE" if info.streamed else "-",
        info.kind or "-",
        str(info.events) if info.events is not None else "-",
        seconds(info.duration),
        _state(info),
    ]


def _state(info: InteractionInfo) -> str:
    """Why, in --json and in `ssetape inspect`."""
    if not info.complete:
        return "cut off"
    return "unterminated" if info.unread else "complete"


def _style(row: int, column: int, text: str) -> str | None:
    if column == 3 and text.strip().isdigit() and int(text) >= 400:
        return "red"
    if column == 8 and text.startswith("cut off"):
        return "red"
    if column == 8 and text.startswith("unterminated"):
        return "yellow"
    return None
