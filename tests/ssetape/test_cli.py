from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from ssetape.cli import main
from ssetape.replayer import stream
from tests.conftest import FIXTURES, ROOT


def test_replay_prints_the_assistant_text_as_a_handler_sees_it() -> None:
    result = CliRunner().invoke(main, ["replay", str(FIXTURES / "text.yaml"), "--speed", "0"])
    assert result.exit_code == 0, result.output
    with stream(FIXTURES / "text.yaml") as handler:
        text = handler.get_final_messages()[-1].content[0].text.value  # type: ignore[union-attr]
    assert f"assistant > {text}" in result.output
    assert result.output.rstrip().endswith("[run completed]")


def test_replay_shows_code_interpreter_input_and_logs() -> None:
    result = CliRunner().invoke(main, ["replay", str(FIXTURES / "code_interpreter.yaml"), "--speed", "0"])
    assert result.exit_code == 0, result.output
    assert "df = pd.read_csv('/mnt/data/sales.csv')" in result.output
    assert "output >\n" in result.output
    assert "[image file-" in result.output


def test_replay_of_a_failed_stream_exits_1_and_says_how_it_ended() -> None:
    result = CliRunner().invoke(main, ["replay", str(FIXTURES / "connection_cut.yaml"), "--speed", "0"])
    assert result.exit_code == 1
    assert "[stream ended with RemoteProtocolError: peer closed connection" in result.output


def test_a_missing_cassette_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["replay", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert result.output == f"Error: {tmp_path / 'nope.yaml'}: no such cassette\n"


def test_a_corrupt_cassette_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ninteractions:\n  - [unclosed\n")
    result = CliRunner().invoke(main, ["replay", str(bad)])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {bad}:4: invalid YAML")
    assert "Traceback" not in result.output


def test_the_console_script_runs_as_a_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ssetape", "--version"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("ssetape, version ")
