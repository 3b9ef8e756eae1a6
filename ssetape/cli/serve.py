"""``ssetape serve``: answer recorded requests over HTTP, for clients in any language."""

from __future__ import annotations

import contextlib
import ipaddress
from pathlib import Path

import click
import pydantic

from ssetape.replayer import Matching, ReplayServer, ServedRequest

from .errors import reports_errors
from .options import port_option, speed_option


@click.command(short_help="Serve a cassette over HTTP, paced as recorded.")
@click.argument("cassette", type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@port_option(8000, "Port to listen on; 0 picks a free one.")
@speed_option
@click.option("--once", is_flag=True, help="Answer each recording once; then 404 (default: repeat the last one).")
@click.option("--quiet", "-q", is_flag=True, help="Do not log requests.")
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="Also answer requests whose Host is NAME (default: only the address listened on).",
)
@click.option(
    "--ignore-json-path",
    "ignore_json_paths",
    multiple=True,
    metavar="PATH",
    help="A request body field that may differ from the recording (metadata.trace_id, **.user).",
)
@click.option("--ignore-query", multiple=True, metavar="NAME", help="A query parameter that may differ.")
@reports_errors
def serve(
    cassette: Path,
    host: str,
    port: int,
    speed: float,
    once: bool,
    quiet: bool,
    allow_hosts: tuple[str, ...],
    ignore_json_paths: tuple[str, ...],
    ignore_query: tuple[str, ...],
) -> None:
    """Serve CASSETTE over HTTP: each request gets its recorded response, streams paced as recorded
    and cut where the recording was cut, so any client (the openai Node SDK, curl) can replay it.
    Requests match on method, path, query and body, as in replay; one with no recording gets a 404
    in the OpenAI API's error format, naming the fields in which it differs from the closest recording
    (--ignore-json-path and --ignore-query leave fields out of matching).

    The base URL of each SDK the cassette was recorded with is printed on stdout, one a line: the
    openai SDK's ends in /v1, anthropic's and google-genai's are the server itself (they add /v1 and
    /v1beta). stderr says, for each API the cassette holds, the variable its SDK reads that URL from
    (OPENAI_BASE_URL, ANTHROPIC_BASE_URL, GOOGLE_GEMINI_BASE_URL), then logs requests.

    Only requests whose Host names the address listened on (on loopback: 127.0.0.1, localhost, [::1],
    with the port) are answered, so a web page cannot read the recordings through DNS rebinding;
    others get a 421. Ctrl+C or SIGTERM stops it (exit 0); a response still being served a second
    later is cut, and its log line says so.

    \b
    Examples:
      ssetape serve fixtures/text.yaml
      OPENAI_BASE_URL=http://127.0.0.1:8000/v1 node app.js
      ANTHROPIC_BASE_URL=http://127.0.0.1:8000 python app.py        # a cassette of Anthropic streams
      ssetape serve session.yaml --port 0 --speed 0 > server.url &   # a free port, its URL in server.url
    """
    try:
        matching = Matching(ignore_json_paths=ignore_json_paths, ignore_query=ignore_query)
    except pydantic.ValidationError as exc:
        problems = "; ".join(error["msg"].removeprefix("Value error, ") for error in exc.errors())
        raise click.BadParameter(problems, param_hint="--ignore-json-path") from None
    server = ReplayServer(
        cassette,
        host=host,
        port=port,
        speed=speed,
        allow_repeats=not once,
        on_request=None if quiet else _log,
        allow_hosts=allow_hosts,
        matching=matching,
        command_line=True,
    )
    bases = server.base_urls
    for url in dict.fromkeys(base.url for base in bases):
        click.echo(url)
    count = len(server.app.cassette.interactions)
    click.echo(
        f"Serving {cassette} ({count} interaction{'' if count == 1 else 's'}) at speed {speed:g}, "
        "to SDKs given these base URLs (any API key works; Ctrl+C stops):",
        err=True,
    )
    for base in bases:
        click.echo(f"  {', '.join(base.apis) + ': ' if base.apis else ''}{base.variable}={base.url}", err=True)
    if not _is_loopback(host):
        click.echo(f"Warning: listening on {host}: anyone who can reach it can read these recordings.", err=True)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C: uvicorn has shut down gracefully
        server.serve_forever()


def _log(served: ServedRequest) -> None:
    colour = "red" if served.status >= 400 or served.ended else None
    click.echo(click.style(str(served), fg=colour), err=True)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
