"""``ssetape check``: cassettes out of step with a test suite (``replayer.drift``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import reports_errors


@click.command()
@click.argument("tests_dir", required=False, default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--max-age", metavar="AGE", help="Cassettes recorded longer ago than this are stale (30d, 12h, 90m).")
@reports_errors
def check(tests_dir: Path, max_age: str | None) -> None:
    """List cassettes no test uses, stale ones, and ones the tests no longer match.

    Collects TESTS_DIR with pytest (nothing runs) and lists, one line each: orphans (cassette files under
    the tests' cassette directories that no test uses), cassettes recorded longer ago than --max-age,
    and cassettes whose test, on its last run, sent a request or a model that no interaction of the
    cassette was recorded with. Exits 1 when there is any, 0 when there is none.

    \b
    Example:
      ssetape check tests/ --max-age 90d
    """
    from ssetape.replayer import check as find
    from ssetape.replayer import parse_age

    try:
        age = parse_age(max_age) if max_age else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--max-age") from None
    drift = find(tests_dir, max_age=age)
    for entry in drift:
        click.echo(str(entry))
    click.echo(f"{len(drift)} cassette problem(s) found", err=True)
    if drift:
        sys.exit(1)
