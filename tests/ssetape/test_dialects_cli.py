"""Every command reads every dialect as it reads the fixture the dialect was written from: ``ls``,
``inspect``, ``validate``, ``export``, ``replay``, ``diff`` and ``scan`` give what they give for the fixture."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.ssetape.golden import run

from ..dialects import DIALECTS, STREAMS, WITH_REQUEST, write

CASES = [(dialect, stream) for dialect in DIALECTS for stream in STREAMS]


def _json_lines(*args: str) -> list[dict[str, object]]:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


@functools.cache
def _of_fixture(*args: str) -> tuple[int, str]:
    """What a command prints for a fixture (the same for every dialect written from it)."""
    result = run(*args)
    return result.exit_code, result.stdout


def _fixture_lines(*args: str) -> list[dict[str, object]]:
    code, out = _of_fixture(*args)
    assert code == 0
    return [json.loads(line) for line in out.splitlines()]


def _streamed(records: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{k: r[k] for k in ("kind", "events", "status")} for r in records if r["streamed"]]


@pytest.mark.parametrize(("dialect", "stream"), CASES)
def test_every_command_reads_the_dialect_as_the_fixture(dialect: str, stream: str, tmp_path: Path) -> None:
    path, fixture = str(write(dialect, stream, tmp_path)), str(FIXTURES / f"{stream}.yaml")

    assert _streamed(_json_lines("ls", "--json", path)) == _streamed(_fixture_lines("ls", "--json", fixture))

    keys = ("kind", "events", "text", "tool_calls", "status", "usage", "error_event")
    mine = _json_lines("inspect", "--summary", "--json", path)[0]
    theirs = _fixture_lines("inspect", "--summary", "--json", fixture)[0]
    assert {k: mine[k] for k in keys} == {k: theirs[k] for k in keys}
    assert mine["kind"] != "sse"

    exported = [(e["event"], e["data"]) for e in _json_lines("export", path, "--format", "jsonl")]
    assert exported == [(e["event"], e["data"]) for e in _fixture_lines("export", fixture, "--format", "jsonl")]

    validated = run("validate", path)
    assert validated.exit_code == 0, validated.output

    replayed = run("replay", path)
    assert replayed.exit_code == 0 and replayed.stdout.strip()
    assert (replayed.exit_code, replayed.stdout) == _of_fixture("replay", fixture)

    if dialect in WITH_REQUEST:
        compared = run("diff", fixture, path)
        assert compared.exit_code == 0, compared.output

    assert run("scan", path).exit_code == 0
