"""ssetape validate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssetape.recorder import cassette_from_sse
from tests import factories as f
from tests.conftest import FIXTURES
from tests.ssetape.golden import assert_golden, run


@pytest.fixture(autouse=True)
def _in_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES.parent)


def test_every_fixture_is_valid_and_the_cut_one_warns() -> None:
    paths = sorted(str(p.relative_to(FIXTURES.parent)) for p in FIXTURES.glob("*.yaml"))
    result = run("validate", *paths)
    assert result.exit_code == 0
    assert_golden("validate_fixtures.txt", result.stdout)
    assert run("validate", *paths, "--strict").exit_code == 1


def test_problems_are_located_and_exit_1(tmp_path: Path) -> None:
    events = [*f.run_prelude(), f.message_delta("msg_1", f.text_delta(0, "x")), f.run_event("completed"), f.DONE]
    path = tmp_path / "broken.yaml"
    cassette_from_sse(f.sse_bytes(events)).save(path)
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}, interaction 0, event 3: error: thread.message.delta for message msg_1 before its "
        "thread.message.created [order]",
        "1 error, 0 warnings in 1 cassette",
    ]
    lines = run("validate", str(path), "--json").stdout.splitlines()
    assert [json.loads(line)["event"] for line in lines] == [3]
    assert run("validate", str(path), "--ignore", "order").exit_code == 0


def test_a_corrupt_file_is_a_format_problem_and_a_missing_one_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ninteractions:\n  - [unclosed\n")
    result = run("validate", str(bad))
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{bad}:4: error: invalid YAML")
    result = run("validate", str(tmp_path / "nope.yaml"), "fixtures/text.yaml")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'nope.yaml'}: no such cassette\n"
    assert result.stdout == "1 cassette: no problems; 1 cassette could not be read\n"


def test_chunk_sizes_that_do_not_add_up_are_a_format_problem_of_their_interaction(tmp_path: Path) -> None:
    text = (FIXTURES / "text.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("0.373576:2411 ", "0.373576:9411 ", 1))  # interaction 2's first chunk, grown
    result = run("validate", str(bad))
    assert result.exit_code == 1, result.stderr
    (line, summary) = [line for line in result.stdout.splitlines() if "[format]" in line or "in 1 cassette" in line]
    assert "interaction 2" in line and "the recorded chunk sizes add up to" in line and line.endswith("[format]")
    assert summary.startswith("1 error")


def test_unknown_rule_is_bad_usage() -> None:
    result = run("validate", "fixtures/text.yaml", "--ignore", "nope")
    assert result.exit_code == 2 and "Invalid value for '--ignore'" in result.stderr
