"""``ssetape tui``: step through a recorded stream in the terminal."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import reports_errors


@click.command()
@click.argument("cassette", type=click.Path(path_type=Path))
@click.option("--interaction", type=int, default=None, help="Which streamed response (default: the first; t switches).")
@reports_errors
def tui(cassette: Path, interaction: int | None) -> None:
    """Step through a recorded stream, seeing at each event what an event handler sees.

    CASSETTE is any cassette ssetape reads: its own, vcrpy, Ruby VCR, HAR, or a raw .sse dump.

    \b
    Example:
      ssetape tui fixtures/code_interpreter.yaml
    """
    from ssetape.tui import check, open_cassette, run  # Textual loads only for this command

    check(open_cassette(cassette), interaction)  # a bad file or interaction: Error: …, before the screen changes
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        click.echo("Error: ssetape tui needs an interactive terminal (stdin and stdout are not both a tty)", err=True)
        sys.exit(2)
    sys.exit(run(cassette, interaction))
