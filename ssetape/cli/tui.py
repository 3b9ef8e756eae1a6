"""``ssetape tui``: step through a recorded stream in the terminal."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import reports_errors


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="CASSETTE... | DIR")
@click.option("--interaction", type=int, default=None, help="Which streamed response (default: the first).")
@click.option(
    "--pick",
    is_flag=True,
    help="List the streams of the files named, even of one or two (two: side by side otherwise).",
)
@click.option("--follow", is_flag=True, help="CASSETTE is being recorded (ssetape record): show it as it grows.")
@reports_errors
def tui(paths: tuple[Path, ...], interaction: int | None, pick: bool, follow: bool) -> None:
    """Step through a recorded stream, seeing at each event what an event handler sees.

    CASSETTE is any cassette ssetape reads: its own, vcrpy, Ruby VCR, HAR, or a raw .sse dump. Two
    cassettes open side by side, their first streams aligned as `ssetape diff` aligns them (streams of two
    APIs: their answers). A directory, or three files or more (or --pick), opens a picker of their
    cassettes and streams (Enter opens one, Escape comes back).

    \b
    Examples:
      ssetape tui fixtures/code_interpreter.yaml
      ssetape tui fixtures/
      ssetape tui before.yaml after.yaml
      ssetape tui fixtures/chat_text.yaml fixtures/anthropic_text.yaml
      ssetape tui --follow session.yaml     # while ssetape record --out session.yaml runs
    """
    from ssetape.recorder import CassetteNotFoundError
    from ssetape.tui import (
        check,
        open_cassette,
        run,
        run_compare,
        run_follow,
        run_picker,
    )  # Textual loads only for this command

    if follow:
        if len(paths) != 1 or _is_directory(paths[0]):
            raise click.UsageError("--follow takes one cassette file: the --out of ssetape record.")
        _needs_a_terminal()
        sys.exit(run_follow(paths[0]))
    picking = pick or len(paths) > 2 or any(_is_directory(path) for path in paths)
    if len(paths) == 2 and not picking:
        for path in paths:
            check(open_cassette(path))  # a bad file: Error: …, before the screen changes
        _needs_a_terminal()
        sys.exit(run_compare(*paths))
    if picking:
        missing = next((path for path in paths if not path.exists()), None)
        if missing is not None:
            raise CassetteNotFoundError(missing)
    else:
        check(open_cassette(paths[0]), interaction)  # a bad file or interaction: Error: …, before the screen changes
    _needs_a_terminal()
    sys.exit(run_picker(list(paths), interaction) if picking else run(paths[0], interaction))


def _needs_a_terminal() -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        click.echo("Error: ssetape tui needs an interactive terminal (stdin and stdout are not both a tty)", err=True)
        sys.exit(2)


def _is_directory(path: Path) -> bool:
    """A directory to search; a directory named like a dump (``x.sse``) is a mistake open_cassette names."""
    return path.is_dir() and path.suffix.lower() != ".sse"
