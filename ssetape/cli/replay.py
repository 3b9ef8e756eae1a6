"""``ssetape replay``: print a recorded stream as an event handler sees it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ssetape.errors import SsetapeError
from ssetape.recorder import Interaction, load
from ssetape.replayer import events, follow, pick, transcribe, unread_bytes

from .errors import reports_errors
from .options import speed_option
from .output import EventLines, closes_quietly


@click.command(short_help="Print a recorded stream as an event handler sees it.")
@click.argument("cassette", type=click.Path(path_type=Path))
@speed_option
@click.option("--interaction", type=int, default=None, help="Which streamed response (default: the first).")
@click.option("--events", "show_events", is_flag=True, help="Print each event's one-line summary as it arrives.")
@reports_errors
@closes_quietly
def replay(cassette: Path, speed: float, interaction: int | None, show_events: bool) -> None:
    """Print a recorded stream as an event handler sees it, at the recorded pace: the assistant's
    text, tool calls, code interpreter input and logs. With --events, one line per event instead
    (as in ssetape inspect). Exits 1 when the stream ends in an error or was cut off.

    \b
    Examples:
      ssetape replay fixtures/code_interpreter.yaml --speed 2
      ssetape replay fixtures/function_calling.yaml --events --interaction 1
    """
    if show_events:
        _events(cassette, speed, interaction)
        return
    loaded = load(cassette)
    item = loaded.interactions[pick(loaded, interaction)]  # a wrong one is reported, not printed as a stream ending
    try:
        ended_well = transcribe(loaded, interaction, speed=speed)
    except SsetapeError:
        raise  # the cassette itself is wrong (e.g. chunk sizes first read here): reported in one line
    except Exception:
        sys.exit(1)  # transcribe already printed how the stream ended
    _tell_unread(item)
    if not ended_well:
        sys.exit(1)


def _tell_unread(item: Interaction) -> None:
    """What the SDK did not read is said (on stderr: the transcript stays what a handler saw)."""
    unread = unread_bytes(item)
    if unread:
        click.echo(f"[the last {unread} bytes are an event no blank line ends: the SDK never read it]", err=True)


def _events(cassette: Path, speed: float, interaction: int | None) -> None:
    loaded = load(cassette)
    item = loaded.interactions[pick(loaded, interaction)]
    lines = EventLines(events(item))
    click.echo(lines.header())
    failed = False
    for event in follow(item, speed):
        click.echo(lines.line(event))
        failed = failed or event.name == "error"
    recording = item.response.ssetape
    if recording is not None and not recording.complete:
        error = f": {recording.error.type}: {recording.error.message}" if recording.error else ""
        click.echo(f"[stream cut off{error}]")
        failed = True
    _tell_unread(item)
    if failed:
        sys.exit(1)
