"""The ``ssetape`` command: thin wrappers over the library, one module per command.

Commands load on first use: ``ssetape record`` and ``ssetape scan`` need neither the ``openai``
SDK nor Textual, and start in a fraction of the time the whole set takes to import. ``ssetape --help``
imports none of them: it lists each command's one-line help from :data:`COMMANDS`, which a test keeps
equal to what the command itself says.
"""

from __future__ import annotations

import importlib
from gettext import gettext as _
from typing import NamedTuple

import click

from .. import __version__


class LazyCommand(NamedTuple):
    """Where a command lives, and the one line ``ssetape --help`` shows for it without importing it."""

    module: str
    attribute: str
    #: The command's ``get_short_help_str()`` with no length limit: its ``short_help``, or else the
    #: first sentence of its help.
    short_help: str


#: command name → where it lives and its one-line help, in the order ``--help`` lists them.
COMMANDS: dict[str, LazyCommand] = {
    "record": LazyCommand(
        "ssetape.cli.record", "record", "Record every request and streamed response between your app and the API."
    ),
    "replay": LazyCommand("ssetape.cli.replay", "replay", "Print a recorded stream as an event handler sees it."),
    "tui": LazyCommand(
        "ssetape.cli.tui", "tui", "Step through a recorded stream, seeing at each event what an event handler sees."
    ),
    "ls": LazyCommand("ssetape.cli.ls", "ls", "List the interactions in cassettes."),
    "inspect": LazyCommand("ssetape.cli.inspect", "inspect", "Show a stream's event timeline and summary."),
    "diff": LazyCommand("ssetape.cli.diff", "diff_command", "Compare two recordings (exit 1 when they differ)."),
    "validate": LazyCommand(
        "ssetape.cli.validate", "validate_command", "Check cassettes: format, SSE, SDK types, event order."
    ),
    "serve": LazyCommand("ssetape.cli.serve", "serve", "Serve a cassette over HTTP, paced as recorded."),
    "import": LazyCommand("ssetape.cli.imports", "import_command", "Make a cassette from curl output or a HAR file."),
    "export": LazyCommand("ssetape.cli.export", "export_command", "Write a cassette as raw SSE, JSON Lines or HAR."),
    "check": LazyCommand(
        "ssetape.cli.check", "check", "List cassettes no test uses, stale ones, and ones the tests no longer match."
    ),
    "scan": LazyCommand(
        "ssetape.cli.scan",
        "scan",
        "Find anything that looks like an API key, a bearer token or a JWT in cassettes and journals.",
    ),
}


def shorten_help(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word, ending ``...``, as click shortens a command's help."""
    if len(text) <= limit:
        return text
    if limit < len("..."):
        return "..."
    import textwrap  # only when a line is too long, as in click

    return textwrap.shorten(text, limit, placeholder="...", break_on_hyphens=False)


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        entry = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(entry.module), entry.attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's listing (same columns, same shortening), from :data:`COMMANDS` instead of each command."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, shorten_help(entry.short_help, limit)) for name, entry in COMMANDS.items()]
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)


@click.group(cls=_LazyGroup)
@click.version_option(__version__, prog_name="ssetape")
def main() -> None:
    """Record, replay and step through streamed LLM API responses (Server-Sent Events)."""


__all__ = ["COMMANDS", "main"]
