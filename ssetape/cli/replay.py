"""``ssetape replay``: print a recorded stream as an event handler sees it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from replayer import stream
from replayer.transcript import TranscriptHandler

from .errors import reports_errors


@click.command()
@click.argument("cassette", type=click.Path(path_type=Path))
@click.option(
    "--speed", type=float, default=1.0, show_default=True, help="1 = recorded pace, 2 = twice as fast, 0 = no waiting."
)
@click.option("--interaction", type=int, default=None, help="Which streamed response (default: the first).")
@reports_errors
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
