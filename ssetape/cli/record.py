"""``ssetape record``: the recording proxy."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ssetape.errors import RecordError
from ssetape.recorder.proxy import DEFAULT_PORT, RecordingProxy, Timeouts, recover

from .errors import reports_errors
from .options import port_option

F = TypeVar("F", bound=Callable[..., Any])


def _seconds_option(name: str, default: float, help: str, *, zero: bool = False) -> Callable[[F], F]:
    """An option taking seconds: over 0 and finite (a timeout), or, with ``zero``, 0 or more, inf too (a grace)."""
    return click.option(
        name, default=default, show_default=True, help=help, callback=lambda ctx, param, value: _seconds(value, zero)
    )


def _seconds(value: float, zero: bool) -> float:
    """A number of seconds over 0 and finite (a timeout); or, with ``zero``, 0 or more, inf too (a grace)."""
    if math.isnan(value) or value < 0 or (not zero and (value == 0 or math.isinf(value))):
        raise click.BadParameter(f"{value:g} is not a number of seconds {'of 0 or more' if zero else 'over 0'}")
    return value


@click.command()
@click.option("--upstream", metavar="URL", help="Where to forward every request, e.g. https://api.openai.com.")
@click.option(
    "--out",
    required=True,
    type=click.Path(),  # kept as typed: a trailing / asks for a directory
    help="A cassette file (.yaml or .json), or a directory (ending in /) for one cassette per streamed run.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@port_option(DEFAULT_PORT, "Port to listen on; 0 picks a free one.")
@click.option("--overwrite", is_flag=True, help="Replace an existing cassette; discard a crashed recording's journal.")
@click.option("--append", is_flag=True, help="Add to an existing cassette (recovering a crashed recording first).")
@click.option("--recover", "recover_only", is_flag=True, help="Fold a crashed recording's journal in, then exit.")
@click.option("--redact-header", "redact_headers", multiple=True, metavar="NAME", help="Another header to redact.")
@click.option(
    "--redact-json-field",
    "redact_json",
    multiple=True,
    metavar="PATH",
    help="A JSON field to redact in bodies and events, e.g. metadata.user_email, messages.*.content, **.api_key.",
)
@_seconds_option("--timeout", 600.0, "Seconds to wait for the upstream to send anything.")
@_seconds_option("--connect-timeout", 10.0, "Seconds to wait to connect to the upstream.")
@_seconds_option("--grace", 5.0, "On Ctrl-C/SIGTERM, seconds streams get to finish (inf: all they take).", zero=True)
@click.option("--quiet", is_flag=True, help="No line per interaction, only the status line.")
@click.option("--tui", is_flag=True, help="Show the recording in the TUI as it happens (quit it to stop recording).")
@reports_errors
def record(
    upstream: str | None,
    out: str,
    host: str,
    port: int,
    overwrite: bool,
    append: bool,
    recover_only: bool,
    redact_headers: tuple[str, ...],
    redact_json: tuple[str, ...],
    timeout: float,
    connect_timeout: float,
    grace: float,
    quiet: bool,
    tui: bool,
) -> None:
    """Record every request and streamed response between your app and the API.

    Prints the URL it listens on, then forwards each request to --upstream, streams each response
    back as it arrives and appends the exchange to the cassette. Ctrl-C or SIGTERM saves and exits.

    \b
    Example:
      ssetape record --upstream https://api.openai.com --out fixtures/session.yaml
      OPENAI_BASE_URL=http://127.0.0.1:8765/v1 python my_app.py
      ssetape record --upstream https://api.openai.com --out session.yaml --tui
    """
    if recover_only:
        found = recover(out)
        if found is None:
            click.echo(f"{out}: nothing to recover", err=True)
            return
        click.echo(
            f"{out}: recovered {len(found.interactions)} interactions ({found.interrupted} interrupted, "
            f"recorded as incomplete; {found.unanswered} requests without a response left out)",
            err=True,
        )
        return
    if upstream is None:
        raise click.UsageError("Missing option '--upstream' (or --recover).")
    if overwrite and append:
        raise click.UsageError("--overwrite and --append exclude each other.")
    if tui and (out.endswith(("/", "\\")) or Path(out).is_dir()):
        raise click.UsageError("--tui follows one cassette: give --out a file, not a directory.")
    if tui and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise click.UsageError("--tui needs an interactive terminal (stdin and stdout are not both a tty).")
    try:
        proxy = RecordingProxy(
            upstream,
            out,
            host=host,
            port=port,
            overwrite=overwrite,
            append=append,
            redact_headers=redact_headers,
            redact_json=redact_json,
            timeout=Timeouts(connect=connect_timeout, read=timeout),
            grace=grace,
            quiet=quiet or tui,
            live=False if tui else None,  # the TUI shows the recording: no status line under it
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    except OSError as exc:
        if isinstance(exc, FileExistsError):
            raise
        if exc.filename is not None:  # the output's place, not the socket
            raise RecordError(f"{out}: cannot write the recording there ({exc.strerror or exc})") from None
        raise click.ClickException(f"could not listen on {host}:{port}: {exc.strerror or exc}") from None
    if proxy.recording.recovered is not None:
        click.echo(f"{out}: recovered {len(proxy.recording.recovered.interactions)} interactions first", err=True)

    def listening(url: str) -> None:
        click.echo(url)
        sys.stdout.flush()
        root = proxy.url + proxy.origin.path.rstrip("/")  # the anthropic SDK and google-genai add their paths
        click.echo(
            f"Recording {proxy.upstream} into {out}. Point clients at it: "
            f"OPENAI_BASE_URL={proxy.base_url} (openai), ANTHROPIC_BASE_URL={root} (anthropic), "
            f"GOOGLE_GEMINI_BASE_URL={root} (google-genai)",
            err=True,
        )
        if host not in ("127.0.0.1", "localhost", "::1"):
            click.echo(f"Warning: listening on {host}: anyone who can reach it can use this proxy.", err=True)

    if tui:
        from ssetape.tui import run_recording  # Textual loads only with --tui

        sys.exit(run_recording(proxy, out, grace=grace))
    proxy.run(on_listening=listening)
