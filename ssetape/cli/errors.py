"""Turning our exceptions into one clear line and an exit code, for every command."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ssetape.errors import SsetapeError

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(command: F) -> F:
    """Our exceptions, and a file that cannot be read or written, become ``Error: …`` and exit code 2; a replayed
    API error exits 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except SsetapeError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
        except OSError as exc:  # a file that cannot be read or written: the file and why, not a traceback
            if isinstance(exc, BrokenPipeError):
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"Error: {where}{exc.strerror or exc}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]
