"""``ssetape import``: a raw SSE capture (curl -N, curl -iN) or a HAR file into a cassette."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from ssetape.recorder import (
    DEFAULT_URI,
    CassetteDecodeError,
    CassetteNotFoundError,
    cassette_from_capture,
    cassette_from_har,
    is_har,
)

from .errors import reports_errors


@click.command(name="import", short_help="Make a cassette from curl output or a HAR file.")
@click.argument("source", metavar="FILE", type=click.Path(path_type=Path, allow_dash=True))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="The cassette to write.")
@click.option(
    "--format",
    "kind",
    type=click.Choice(["auto", "sse", "har"]),
    default="auto",
    show_default=True,
    help="What FILE holds: raw SSE (with or without curl -i headers) or HAR; auto tells them apart.",
)
@click.option("--url", default=DEFAULT_URI, show_default=True, help="The request URL to record (raw SSE only).")
@click.option("--method", default="POST", show_default=True, help="The request method to record (raw SSE only).")
@click.option("--request-body", metavar="TEXT|@FILE", help="The request body to record (raw SSE only).")
@click.option("--match", metavar="REGEX", help="Keep only HAR entries whose URL matches.")
@click.option("--force", "-f", is_flag=True, help="Overwrite the cassette if it exists.")
@reports_errors
def import_command(
    source: Path,
    output: Path,
    kind: str,
    url: str,
    method: str,
    request_body: str | None,
    match: str | None,
    force: bool,
) -> None:
    """Make a cassette from a response captured elsewhere: the output of curl -N (the SSE body) or
    curl -iN (headers too), or a HAR file saved from a browser's devtools or a proxy; FILE - reads
    stdin. Secret headers are redacted, as when recording. A raw capture holds no timing (each
    event replays without delay); a HAR keeps Chrome's per-event times and ssetape's own.

    \b
    Examples:
      curl -sN https://api.openai.com/v1/threads/runs -H "Authorization: Bearer $OPENAI_API_KEY" \\
           -H 'OpenAI-Beta: assistants=v2' -H 'Content-Type: application/json' -d @run.json \\
        | ssetape import - -o run.yaml --request-body @run.json
      ssetape import session.har -o session.yaml --match '/v1/'
    """
    if output.is_dir():
        raise click.BadParameter(f"{output} is a directory: name the cassette file to write", param_hint="-o")
    if str(source) != "-" and output.exists() and source.exists() and output.samefile(source):
        raise click.BadParameter(
            f"{output} is the file being imported: name another cassette to write", param_hint="-o"
        )
    if output.exists() and not force:
        raise click.UsageError(f"{output} exists: pass --force to overwrite it")
    if match:
        try:
            re.compile(match)
        except re.error as exc:
            raise click.BadParameter(f"{match!r} is not a regular expression: {exc}", param_hint="--match") from None
    data = _read(source)
    if kind == "har" or (kind == "auto" and is_har(data)):
        cassette = cassette_from_har(data, match=match, source=source)
    else:
        if match:
            raise click.UsageError("--match applies to HAR files only")
        if not data.strip():
            raise CassetteDecodeError(source, "is empty: nothing to import")
        cassette = cassette_from_capture(
            data, method=method.upper(), uri=url, request_body=_body(request_body), source=source
        )
    cassette.save(output)
    count = len(cassette.interactions)
    click.echo(f"Wrote {output}: {count} interaction{'' if count == 1 else 's'}", err=True)


def _read(source: Path) -> bytes:
    if str(source) == "-":
        return sys.stdin.buffer.read()
    try:
        return source.read_bytes()
    except FileNotFoundError:
        raise CassetteNotFoundError(source) from None
    except IsADirectoryError:
        raise CassetteDecodeError(source, "is a directory") from None


def _body(value: str | None) -> str | None:
    if value is None or not value.startswith("@"):
        return value
    path = Path(value[1:])
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise click.BadParameter(f"cannot read {path}: {exc.strerror}", param_hint="--request-body") from None
