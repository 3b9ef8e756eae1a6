"""Options several commands share, checked as click reads them."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def _speed(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if math.isnan(value) or value < 0:
        raise click.BadParameter(f"{value:g} is not a speed of 0 or more")
    return value


def speed_option(command: F) -> F:
    """``--speed``: how fast recorded time passes (0 or more; nan refused, which a range lets through)."""
    return click.option(
        "--speed",
        type=float,
        default=1.0,
        show_default=True,
        callback=_speed,
        help="1 = recorded pace, 2 = twice as fast, 0 = no waiting.",
    )(command)


def port_option(default: int, help: str) -> Callable[[F], F]:
    """``--port``: a TCP port (0 picks a free one)."""
    return click.option("--port", type=click.IntRange(0, 65535), default=default, show_default=True, help=help)
