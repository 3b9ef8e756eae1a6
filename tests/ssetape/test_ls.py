"""ssetape ls."""

from __future__ import annotations

import json
from pathlib import Path

from ssetape.apis import REGISTRY
from ssetape.recorder import load
from ssetape.replayer import kind_of
from tests.conftest import FIXTURES
from tests.ssetape.golden import assert_golden, run

FIXTURE_PATHS = sorted(FIXTURES.glob("*.yaml"))


def relative(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(FIXTURES.parent)) for p in paths]


def test_lists_every_interaction_of_every_fixture(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(FIXTURES.parent)
    result = run("ls", *relative(FIXTURE_PATHS))
    assert result.exit_code == 0, result.output
    assert_golden("ls_fixtures.txt", result.stdout)


def test_json_lines_one_per_interaction() -> None:
    result = run("ls", str(FIXTURES / "function_calling.yaml"), str(FIXTURES / "connection_cut.yaml"), "--json")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 2 + 3
    first = records[0]
    assert first == {
        "cassette": str(FIXTURES / "function_calling.yaml"),
        "index": 0,
        "method": "POST",
        "path": "/v1/threads/runs",
        "status": 200,
        "streamed": True,
        "kind": "assistants",
        "events": 36,
        "bytes": len(load(FIXTURES / "function_calling.yaml").interactions[0].response.body_bytes),
        "duration": 3.125826,
        "complete": True,
        "cut_off_by": None,
    }
    cut = records[-1]
    assert cut["complete"] is False and cut["cut_off_by"].startswith("RemoteProtocolError: peer closed")
    assert [r["events"] for r in records[2:4]] == [None, None]
    assert [r["kind"] for r in records[2:4]] == [None, None]


def test_every_fixture_stream_is_listed_with_its_kind() -> None:
    """The kind ls gives is the one replayer.kind_of decides, for every stream of every fixture."""
    paths = sorted(FIXTURES.glob("*.yaml"))
    result = run("ls", "--json", *map(str, paths))
    records = [json.loads(line) for line in result.stdout.splitlines()]
    streamed = [r for r in records if r["streamed"]]
    assert {r["kind"] for r in streamed} == {entry.kind for entry in REGISTRY} - {"sse"}
    for record in streamed:
        assert record["kind"] == kind_of(load(record["cassette"]).interactions[record["index"]])


def test_an_unreadable_cassette_is_one_line_and_the_others_are_still_listed(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ninteractions:\n  - [unclosed\n")
    result = run("ls", str(bad), str(FIXTURES / "text.yaml"), str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    unreadable, missing = result.stderr.splitlines()
    # The parser's own words follow (libyaml and pure-Python PyYAML word it differently).
    assert unreadable.startswith(f"Error: {bad}:4: invalid YAML: ") and "']'" in unreadable
    assert missing == f"Error: {tmp_path / 'nope.yaml'}: no such cassette"
    assert "POST    /v1/threads/thread_mog3aTMOL2M3CUjc9jGkIzfx/runs" in result.stdout
    assert "Traceback" not in result.output


def test_help_has_an_example() -> None:
    result = run("ls", "--help")
    assert result.exit_code == 0 and "Examples:" in result.stdout and "ssetape ls" in result.stdout


def test_an_empty_cassette(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("version: 1\ninteractions: []\n")
    result = run("ls", str(empty))
    assert (result.exit_code, result.stdout) == (0, "(no interactions)\n")
