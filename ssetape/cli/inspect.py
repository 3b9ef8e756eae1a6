"""``ssetape inspect``: a recorded stream's event timeline and what it amounts to."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import click

from ssetape.apis import api, token_counts
from ssetape.recorder import load
from ssetape.replayer import Stats, events, pick, stats

from .errors import reports_errors
from .output import EventLines, closes_quietly, json_line, seconds


@click.command(short_help="Show a stream's event timeline and summary.")
@click.argument("cassette", type=click.Path(path_type=Path))
@click.option(
    "--interaction", "-i", type=int, default=None, help="Which streamed response (default: the first; see ssetape ls)."
)
@click.option(
    "--type",
    "-t",
    "types",
    multiple=True,
    metavar="GLOB",
    help="Only events whose type matches, e.g. 'thread.run.*'; '!*.delta' leaves out (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per event (JSON Lines), for jq.")
@click.option("--summary", "summary_only", is_flag=True, help="Only the summary (with --json: one JSON object).")
@reports_errors
@closes_quietly
def inspect(cassette: Path, interaction: int | None, types: tuple[str, ...], as_json: bool, summary_only: bool) -> None:
    """Show a recorded stream's events (index, arrival time, gap, type, summary) and a summary: total
    time, time to first byte, first event and first text, events/s, text length, tool calls, final
    status, usage, how the stream ended.

    Times are seconds since the request was sent; an event's time is the arrival of the network chunk
    that completed it. --type filters the timeline, never the summary.

    \b
    Examples:
      ssetape inspect fixtures/code_interpreter.yaml --type 'thread.run.step.*'
      ssetape inspect session.yaml --json | jq -r 'select(.event == "thread.message.delta") | .summary'
      ssetape inspect session.yaml --summary --json | jq .usage
    """
    loaded = load(cassette)
    index = pick(loaded, interaction)
    item = loaded.interactions[index]
    found = events(item)
    shown = [e for e in found if _wanted(e.name, types)]
    summary = stats(item, found)
    if as_json:
        if summary_only:
            json_line({"cassette": str(cassette), "interaction": index, **summary.to_json()})
        else:
            for event in shown:
                json_line({"interaction": index, **event.to_json(timed=item.timed)})
        return
    click.echo(
        click.style(f"{cassette}, interaction {index}: ", bold=True)
        + f"{item.request.method} {_path(item.request.uri)} → {item.response.status.code}"
    )
    if not summary_only:
        lines = EventLines(shown, timed=item.timed)
        click.echo(lines.header())
        for event in shown:
            click.echo(lines.line(event))
        if types:
            click.echo(f"({len(shown)} of {len(found)} events)")
        click.echo()
    for name, value in _summary(summary):
        click.echo(f"{click.style(f'{name:<13}', bold=True)} {value}")


def _wanted(name: str, globs: tuple[str, ...]) -> bool:
    """Whether an event type passes the --type filters: any include matches (if any), no exclude does."""
    include = [g for g in globs if not g.startswith("!")]
    exclude = [g[1:] for g in globs if g.startswith("!")]
    if include and not any(fnmatch.fnmatchcase(name, glob) for glob in include):
        return False
    return not any(fnmatch.fnmatchcase(name, glob) for glob in exclude)


def _summary(s: Stats) -> list[tuple[str, str]]:
    rate = f", {s.events_per_second:.1f}/s" if s.events_per_second is not None and s.timed else ""

    def time(value: float | None) -> str:
        return seconds(value if s.timed else None)

    rows = [
        ("total time", time(s.duration) if s.timed else "no timing recorded"),
        ("headers", time(s.response_at)),
        ("first byte", time(s.first_byte)),
        ("first event", time(s.first_event)),
        ("first text", time(s.first_text)),
        ("events", f"{s.events}{rate} ({_size(s)} in {s.chunks} chunk{'' if s.chunks == 1 else 's'})"),
        ("text", f"{s.text_length} characters"),
        ("tool calls", ", ".join(s.tool_calls) if s.tool_calls else "-"),
        ("final status", s.status or "-"),
        ("usage", _usage(s)),
    ]
    if s.cut_off_by:
        ended = click.style(f"cut off: {s.cut_off_by}", fg="red")
    elif s.error_event:
        ended = click.style(f"error event: {s.error_event}", fg="red")
    elif s.unread:
        ended = click.style(
            f"complete, but its last {s.unread} bytes are an event no blank line ends: its SDK never reads it",
            fg="yellow",
        )
    else:
        ended = "complete"
    rows.append(("ended", ended))
    return rows


def _size(s: Stats) -> str:
    if s.encoding:
        return f"{s.decoded_bytes} bytes; sent as {s.bytes} bytes of {s.encoding},"
    return f"{s.bytes} bytes"


def _usage(s: Stats) -> str:
    if not s.usage:
        return "-"
    prompt, completion, total = token_counts(s.usage, api(s.kind).tokens)
    line = f"{prompt} prompt + {completion} completion"
    return line + (f" = {total} tokens" if total is not None else " tokens")


def _path(uri: str) -> str:
    return uri[uri.find("/", uri.find("//") + 2) :] if "//" in uri else uri
