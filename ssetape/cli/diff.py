"""``ssetape diff``: structural comparison of two recordings, with ``git diff``'s exit codes."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import click

from ssetape.replayer import Answer, CassetteDiff, EventChange, InteractionDiff, ReplayError, answer, diff

from .errors import reports_errors
from .output import closes_quietly, json_line

#: Changed fields listed under one changed event before the rest are counted.
MAX_FIELDS = 5
_MARKS = {"added": ("+", "green"), "removed": ("-", "red"), "changed": ("~", "yellow")}


@click.command(name="diff", short_help="Compare two recordings (exit 1 when they differ).")
@click.argument("a", type=click.Path(path_type=Path))
@click.argument("b", type=click.Path(path_type=Path))
@click.option(
    "--ignore-ids/--no-ignore-ids",
    default=True,
    show_default=True,
    help="Rename generated ids (thread_…, run_…, msg_…) by first appearance before comparing.",
)
@click.option(
    "--ignore-timing/--no-ignore-timing",
    default=True,
    show_default=True,
    help="Mask timestamps (created_at …) and ignore the recorded pace (first byte, first text, total).",
)
@click.option(
    "--text",
    "text_only",
    is_flag=True,
    help="Compare only what the assistant answered (text, refusal, tool calls), whatever the API: "
    "an Assistants recording against its Responses or Chat Completions twin.",
)
@click.option("--json", "as_json", is_flag=True, help="The differences as one JSON object.")
@reports_errors
@closes_quietly
def diff_command(a: Path, b: Path, ignore_ids: bool, ignore_timing: bool, text_only: bool, as_json: bool) -> None:
    """Compare two recordings: interactions paired by request, the event sequences of streams
    aligned, events added (+), removed (-) or changed (~, with the fields that changed), then the
    differences in final text, tool calls, status and usage.

    Ids and timestamps are masked by default, so two recordings of the same conversation compare
    equal. Exits 0 when they do, 1 when they differ, 2 when a cassette cannot be read.

    \b
    Examples:
      ssetape diff before.yaml after.yaml
      ssetape diff before.yaml after.yaml --no-ignore-timing
      ssetape diff a.yaml b.yaml --json | jq '.interactions[].outcome'
      ssetape diff --text assistants_run.yaml responses_run.yaml
    """
    if text_only:
        sys.exit(_diff_answers(a, b, as_json))
    result = diff(a, b, ignore_ids=ignore_ids, ignore_timing=ignore_timing)
    if as_json:
        json_line(result.to_json())
    else:
        _print(result)
    sys.exit(0 if result.equal else 1)


def _print(result: CassetteDiff) -> None:
    if result.equal:
        return
    click.echo(click.style(f"--- {result.a}", bold=True))
    click.echo(click.style(f"+++ {result.b}", bold=True))
    counts = {"added": 0, "removed": 0, "changed": 0}
    for item in result.interactions:
        if item.equal:
            continue
        _print_interaction(item)
        for change in item.events:
            counts[change.kind] += 1
    differing = sum(not item.equal for item in result.interactions)
    click.echo(
        f"{differing} of {len(result.interactions)} interactions differ; events: "
        f"{counts['changed']} changed, {counts['added']} added, {counts['removed']} removed"
    )


def _print_interaction(item: InteractionDiff) -> None:
    if item.kind == "removed":
        click.echo(click.style(f"- interaction {item.a}: {item.request} (only in A)", fg="red"))
        return
    if item.kind == "added":
        click.echo(click.style(f"+ interaction {item.b}: {item.request} (only in B)", fg="green"))
        return
    where = f"interaction {item.a}" if item.a == item.b else f"interaction {item.a} → {item.b}"
    click.echo(click.style(f"{where}: {item.request}", fg="cyan", bold=True))
    for change in item.exchange:
        click.echo(f"  {change.describe()}")
    width = len(str(max((max(c.a or 0, c.b or 0) for c in item.events), default=0)))
    names = max((len(c.name) for c in item.events), default=0)
    for event in item.events:
        _print_event(event, width, names)
    if item.outcome:
        click.echo("  outcome:")
        for change in item.outcome:
            click.echo(f"    {change.describe()}")


def _print_event(change: EventChange, width: int, names: int) -> None:
    mark, colour = _MARKS[change.kind]
    if change.kind == "changed":
        where = f"{change.a:>{width}}→{change.b:<{width}}" if change.a != change.b else f"{change.a:>{width}}"
    else:
        where = f"{change.a if change.b is None else change.b:>{width}}"
    line = click.style(f"  {mark} {where}  {change.name:<{names}}", fg=colour)
    click.echo(f"{line}  {change.summary}".rstrip())
    for field in change.fields[:MAX_FIELDS]:
        click.echo(f"      {field.describe()}")
    if len(change.fields) > MAX_FIELDS:
        click.echo(f"      (and {len(change.fields) - MAX_FIELDS} more fields)")


def _diff_answers(a: Path, b: Path, as_json: bool) -> int:
    first, second = answer(a), answer(b)
    for path, found in ((a, first), (b, second)):
        if not found.kinds:  # nothing answered is not an answer equal to another
            raise ReplayError(f"{path}: holds no streamed response: --text compares what streamed responses answered")
    same = first.same_as(second)
    if as_json:
        json_line({"equal": same, "a": _answer_json(a, first), "b": _answer_json(b, second)})
        return 0 if same else 1
    if same:
        return 0
    click.echo(click.style(f"--- {a} ({', '.join(first.kinds)})", bold=True))
    click.echo(click.style(f"+++ {b} ({', '.join(second.kinds)})", bold=True))
    for name, left, right in (
        ("text", first.text, second.text),
        ("refusal", first.refusal, second.refusal),
        ("tool calls", _calls(first), _calls(second)),
    ):
        if left == right:
            continue
        click.echo(click.style(f"{name}:", fg="cyan", bold=True))
        for line in difflib.unified_diff(left.splitlines(), right.splitlines(), lineterm="", n=1):
            if line.startswith(("---", "+++")):
                continue
            colour = {"+": "green", "-": "red", "@": "cyan"}.get(line[:1])
            click.echo(click.style(line, fg=colour) if colour else line)
    return 1


def _calls(found: Answer) -> str:
    return "\n".join(f"{call.name}({call.arguments})" for call in found.tool_calls)


def _answer_json(path: Path, found: Answer) -> dict[str, object]:
    return {
        "path": str(path),
        "kinds": list(found.kinds),
        "text": found.text,
        "refusal": found.refusal,
        "tool_calls": [{"name": call.name, "arguments": call.arguments} for call in found.tool_calls],
        "status": found.status,
    }
