"""``ssetape validate``: check cassettes the way a linter checks code."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ssetape.errors import SsetapeError
from ssetape.replayer import RULES, Problem, validate

from .output import closes_quietly, json_line

_COLOURS = {"error": "red", "warning": "yellow"}


@click.command(name="validate", short_help="Check cassettes: format, SSE, SDK types, event order.")
@click.argument("cassettes", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="CASSETTE...")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per problem (JSON Lines).")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("--ignore", "ignored", multiple=True, type=click.Choice(list(RULES)), help="Skip a rule (repeatable).")
@closes_quietly
def validate_command(cassettes: tuple[Path, ...], as_json: bool, strict: bool, ignored: tuple[str, ...]) -> None:
    """Check each cassette: its format, SSE well-formedness, every event against the openai SDK's
    types, and the ordering rules (deltas after created, one terminal run event, done last). Each
    problem is one line, located by file, interaction and event index (as in ssetape inspect).

    \b
    Rules: format, cut-off (warning), sse, schema (field mismatches: warnings), order, status (warning).

    Exits 0 when there are no errors (warnings too, with --strict), 1 when there are, 2 when a
    cassette cannot be read at all (after checking the others).

    \b
    Examples:
      ssetape validate fixtures/*.yaml
      ssetape validate session.yaml --json | jq -r 'select(.severity == "error") | .message'
    """
    problems: list[Problem] = []
    unreadable = 0
    for path in cassettes:
        try:
            found = validate(path, ignore=ignored)
        except SsetapeError as exc:
            click.echo(f"Error: {exc}", err=True)
            unreadable += 1
            continue
        problems += found
        for problem in found:
            if as_json:
                json_line(problem.to_json())
            else:
                click.echo(
                    f"{problem.location()}: {click.style(problem.severity, fg=_COLOURS[problem.severity])}: "
                    f"{problem.message} [{problem.rule}]"
                )
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if not as_json:
        checked = _count(len(cassettes) - unreadable, "cassette")
        summary = (
            f"{_count(errors, 'error')}, {_count(warnings, 'warning')} in {checked}"
            if problems
            else f"{checked}: no problems"
        )
        click.echo(f"{summary}; {_count(unreadable, 'cassette')} could not be read" if unreadable else summary)
    if unreadable:
        sys.exit(2)
    sys.exit(1 if errors or (strict and warnings) else 0)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
