"""``ssetape export``: a cassette as raw SSE, JSON Lines or HAR."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ssetape.recorder import write_atomically
from ssetape.replayer import FORMATS, export

from .errors import reports_errors
from .output import closes_quietly

_SUFFIXES = {".sse": "sse", ".txt": "sse", ".jsonl": "jsonl", ".ndjson": "jsonl", ".har": "har"}


@click.command(name="export", short_help="Write a cassette as raw SSE, JSON Lines or HAR.")
@click.argument("cassette", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "kind",
    type=click.Choice(list(FORMATS)),
    help="sse: one stream's raw body; jsonl: one JSON object per event; har: every interaction. "
    "Default: from the -o file's suffix.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write here instead of stdout.")
@click.option("--interaction", "-i", type=int, default=None, help="Which interaction (sse: default the first stream).")
@reports_errors
@closes_quietly
def export_command(cassette: Path, kind: str | None, output: Path | None, interaction: int | None) -> None:
    """Write CASSETTE in another format: the raw SSE body of a stream (byte for byte, as curl -N would
    print it), the events as JSON Lines (as ssetape inspect --json), or HAR 1.2 for HAR viewers and
    other tools (chunk timing kept, so ssetape import reads it back exactly).

    \b
    Examples:
      ssetape export fixtures/text.yaml --format sse > run.sse
      ssetape export fixtures/text.yaml --format jsonl | jq -c 'select(.event == "done")'
      ssetape export session.yaml -o session.har
    """
    if output is not None and output.is_dir():
        raise click.BadParameter(f"{output} is a directory: name the file to write", param_hint="-o")
    if kind is None:
        kind = _SUFFIXES.get(output.suffix.lower()) if output is not None else None
        if kind is None:
            raise click.UsageError(
                "say which format: --format sse, jsonl or har (or an -o file ending .sse/.jsonl/.har)"
            )
    data = export(cassette, kind, interaction=interaction)  # type: ignore[arg-type]
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomically(output, data)
