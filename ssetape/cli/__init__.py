"""The ``ssetape`` command: thin wrappers over the library, one module per command."""

from __future__ import annotations

import click

from .. import __version__
from .replay import replay


@click.group()
@click.version_option(__version__, prog_name="ssetape")
def main() -> None:
    """Record, replay and step through streamed LLM API responses (Server-Sent Events)."""


main.add_command(replay)

__all__ = ["main"]
