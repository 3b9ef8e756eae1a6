"""The ``ssetape`` command: thin wrappers over the library, one module per command."""

from __future__ import annotations

import click

from .. import __version__
from .diff import diff_command
from .export import export_command
from .imports import import_command
from .inspect import inspect
from .ls import ls
from .record import record
from .replay import replay
from .scan import scan
from .serve import serve
from .tui import tui
from .validate import validate_command


@click.group()
@click.version_option(__version__, prog_name="ssetape")
def main() -> None:
    """Record, replay and step through streamed LLM API responses (Server-Sent Events)."""


main.add_command(replay)
main.add_command(record)
main.add_command(scan)
main.add_command(diff_command)
main.add_command(inspect)
main.add_command(ls)
main.add_command(validate_command)
main.add_command(serve)
main.add_command(import_command)
main.add_command(export_command)
main.add_command(tui)

__all__ = ["main"]
