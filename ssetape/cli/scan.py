"""``ssetape scan``: look for API keys, tokens and JWTs in recordings before they are committed."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ssetape.recorder import files_to_scan, find_secrets

from .errors import reports_errors


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@reports_errors
def scan(paths: tuple[Path, ...]) -> None:
    """Find anything that looks like an API key, a bearer token or a JWT in cassettes and journals.

    Keys of OpenAI (sk-…), Anthropic (sk-ant-…), Google (AIza…, ya29.…), AWS (AKIA…/ASIA… and the
    secret key beside one) and GitHub (ghp_…, github_pat_…), bearer tokens and JWTs; any value but REDACTED of a
    credential header or query parameter (an Azure api-key, Basic credentials, ?access_token=), and a password in
    a URL; in every dialect of cassette, in base64 and gzip/zlib/zstd/brotli/deflate bodies, and across chunk
    boundaries in journals. PATHS are files or directories (searched for cassettes, raw .sse dumps, HAR files,
    exported .jsonl and journals). Prints one masked line per finding, with its
    file and line, and exits 1 if there is any, 0 if the files are clean.

    \b
    Example:
      ssetape scan fixtures/
    """
    try:
        files = files_to_scan(paths)
        findings = find_secrets(files)
    except OSError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    for finding in findings:
        click.echo(str(finding))
    click.echo(f"{len(files)} files scanned, {len(findings)} possible secrets found", err=True)
    if findings:
        sys.exit(1)
