"""The ``ssetape`` command: thin wrappers over the library, one module per command.

Commands load on first use: ``ssetape record`` and ``ssetape scan`` need neither the ``openai``
SDK nor Textual, and start in a fraction of the time the whole set takes to import.
"""

from __future__ import annotations

import importlib

import click

from .. import __version__

#: command name → (module, attribute), in the order ``--help`` lists them.
COMMANDS: dict[str, tuple[str, str]] = {
    "record": ("ssetape.cli.record", "record"),
    "replay": ("ssetape.cli.replay", "replay"),
    "tui": ("ssetape.cli.tui", "tui"),
    "ls": ("ssetape.cli.ls", "ls"),
    "inspect": ("ssetape.cli.inspect", "inspect"),
    "diff": ("ssetape.cli.diff", "diff_command"),
    "validate": ("ssetape.cli.validate", "validate_command"),
    "serve": ("ssetape.cli.serve", "serve"),
    "import": ("ssetape.cli.imports", "import_command"),
    "export": ("ssetape.cli.export", "export_command"),
    "scan": ("ssetape.cli.scan", "scan"),
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=_LazyGroup)
@click.version_option(__version__, prog_name="ssetape")
def main() -> None:
    """Record, replay and step through streamed LLM API responses (Server-Sent Events)."""


__all__ = ["main"]
