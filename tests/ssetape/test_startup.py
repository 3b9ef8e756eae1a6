"""What start-up imports: ``ssetape --help``, the pytest plugin and the packages load no SDK and no Textual.

Behaviour, not time (``python -m bench.startup`` measures the time): ``--help`` lists every command's
one-line help from ``ssetape.cli.COMMANDS`` without importing the command, so these tests check that
the table says what each command says, and that the heavy modules stay out of ``sys.modules``.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from ssetape.cli import COMMANDS, main

HEAVY = ("openai", "textual")


def real_command(name: str) -> click.Command:
    entry = COMMANDS[name]
    command = getattr(importlib.import_module(entry.module), entry.attribute)
    assert isinstance(command, click.Command)
    return command


class _Eager(click.Group):
    """A plain click group holding the real commands, listed in the table's order."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


def help_text(group: click.Group, width: int) -> str:
    result = CliRunner().invoke(group, ["--help"], prog_name="ssetape", terminal_width=width)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_table_says_what_the_command_says(name: str) -> None:
    command = real_command(name)
    assert command.name == name
    assert not command.hidden and not command.deprecated  # the table lists it the same way as every other
    assert COMMANDS[name].short_help == command.get_short_help_str(limit=sys.maxsize)


@pytest.mark.parametrize("width", [80, 100, 72])
def test_help_lists_what_click_lists_with_every_command_imported(width: int) -> None:
    eager = _Eager(
        name="ssetape",
        commands={name: real_command(name) for name in COMMANDS},
        params=main.params,
        help=main.help,
    )
    assert help_text(main, width) == help_text(eager, width)


def test_help_lists_every_command_with_the_first_line_of_its_help() -> None:
    listed = help_text(main, 200).partition("Commands:\n")[2].splitlines()
    assert [line.split()[0] for line in listed] == list(COMMANDS)
    for line in listed:
        name, text = line.split(maxsplit=1)
        assert text == real_command(name).get_short_help_str(limit=sys.maxsize)


def imported_by(code: str, cwd: Path) -> set[str]:
    """The top-level names in ``sys.modules`` after a fresh interpreter runs ``code``."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{name.partition('.')[0] for name in sys.modules}})))"
    result = subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_help_imports_no_sdk_no_textual_and_no_httpx2(tmp_path: Path) -> None:
    code = (
        "import contextlib, io\n"
        "from ssetape.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    try:\n"
        "        main(['--help'], prog_name='ssetape')\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code == 0, exc.code\n"
        "assert 'Commands:' in out.getvalue()"
    )
    assert imported_by(code, tmp_path) & {*HEAVY, "httpx2"} == set()


@pytest.mark.parametrize(
    "code", ["import ssetape.replayer.pytest_plugin", "import ssetape.recorder, ssetape.replayer, ssetape.tui"]
)
def test_importing_the_plugin_and_the_packages_loads_no_sdk_and_no_textual(code: str, tmp_path: Path) -> None:
    assert imported_by(code, tmp_path) & set(HEAVY) == set()


def test_ls_of_a_cassette_it_skims_imports_no_pydantic(tmp_path: Path) -> None:
    """``ssetape ls`` lists a cassette in ssetape's layout from a skim, without the models (pydantic) or the other
    tools' dialects; one it cannot skim (vcrpy's own layout) still loads, models and all."""
    fixture = Path(__file__).resolve().parents[2] / "fixtures" / "anthropic_text.yaml"
    plain = tmp_path / "plain.yaml"
    plain.write_text("interactions: []\nversion: 1\n")
    listed = (
        "import contextlib, io\n"
        "from ssetape.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    try:\n"
        "        main(['ls', {path!r}], prog_name='ssetape')\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code == 0, exc.code\n"
        "assert out.getvalue().count('\\n') >= 1"
    )
    assert "pydantic" not in imported_by(listed.format(path=str(fixture)), tmp_path)
    assert "pydantic" in imported_by(listed.format(path=str(plain)), tmp_path)
