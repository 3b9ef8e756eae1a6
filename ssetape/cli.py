"""The ``ssetape`` command: thin wrappers over the library that turn our errors into one clear line."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from recorder import CassetteError
from replayer import stream
from replayer.transcript import TranscriptHandler

from . import __version__

F = TypeVar("F", bound=Callable[..., Any])


def _reports_errors(command: F) -> F:
    """Our exceptions become ``Error: …`` and exit code 2; a replayed API error exits 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CassetteError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


@click.group()
@click.version_option(__version__, prog_name="ssetape")
def main() -> None:
    """Record, replay and step through streamed LLM API responses (Server-Sent Events)."""


@main.command()
@click.argument("cassette", type=click.Path(path_type=Path))
@click.option(
    "--speed", type=float, default=1.0, show_default=True, help="1 = recorded pace, 2 = twice as fast, 0 = no waiting."
)
@click.option("--interaction", type=int, default=None, help="Which streamed response (default: the first).")
@_reports_errors
def replay(cassette: Path, speed: float, interaction: int | None) -> None:
    """Print a recorded stream as an event handler sees it, at the recorded pace.

    \b
    Example:
      ssetape replay fixtures/code_interpreter.yaml --speed 2
    """
    if speed < 0:
        raise click.BadParameter("must be 0 or more", param_hint="--speed")
    with stream(cassette, TranscriptHandler(), interaction=interaction, speed=speed) as handler:
        try:
            handler.until_done()
        except Exception:
            sys.exit(1)  # the handler already printed how the stream ended
