"""``ssetape tui`` on bad input: one ``Error:`` line and exit code 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ssetape.cli import main
from tests.conftest import FIXTURES


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["tui", *args])
    return result.exit_code, result.output


def test_a_missing_file(tmp_path: Path) -> None:
    assert run(str(tmp_path / "nope.yaml")) == (2, f"Error: {tmp_path / 'nope.yaml'}: no such cassette\n")


def test_a_corrupt_cassette_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ninteractions:\n  - [unclosed\n")
    code, output = run(str(bad))
    assert code == 2 and output.startswith(f"Error: {bad}:4: invalid YAML") and "Traceback" not in output


@pytest.mark.parametrize(
    ("content", "message"),
    [("not an event stream\n", "holds no Server-Sent Events"), (None, "is a directory")],
)
def test_a_bad_sse_dump(tmp_path: Path, content: str | None, message: str) -> None:
    dump = tmp_path / "dump.sse"
    if content is None:
        dump.mkdir()
    else:
        dump.write_text(content)
    code, output = run(str(dump))
    assert code == 2 and output.startswith(f"Error: {dump}: {message}")


def test_a_cassette_without_streams() -> None:
    code, output = run(str(FIXTURES / "polling.yaml"))
    assert code == 2 and "holds no streamed (text/event-stream) response" in output


def test_an_interaction_that_is_not_there() -> None:
    code, output = run(str(FIXTURES / "function_calling.yaml"), "--interaction", "7")
    assert code == 2 and "has no interaction 7 (it has 2, numbered from 0)" in output


def test_a_good_file_without_a_terminal_says_it_needs_one() -> None:
    code, output = run(str(FIXTURES / "text.yaml"))
    assert (code, output) == (
        2,
        "Error: ssetape tui needs an interactive terminal (stdin and stdout are not both a tty)\n",
    )
