"""``recorder.scan`` and ``ssetape scan``: secrets in cassettes, journals and binary bodies are found and masked."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ssetape.cli.scan import scan as scan_command
from ssetape.recorder import Cassette, Interaction, RecordedRequest, RecordedResponse
from ssetape.recorder.cassette import Body, Status
from ssetape.recorder.scan import find_secrets as scan
from ssetape.recorder.scan import mask

KEY = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.payload.signature"


def cassette(body: str | bytes = "{}", headers: dict[str, list[str]] | None = None) -> Cassette:
    return Cassette(
        interactions=[
            Interaction(
                request=RecordedRequest(method="POST", uri="https://api.openai.com/v1/x", headers=headers or {}),
                response=RecordedResponse(status=Status(code=200), body=Body(string=body)),
            )
        ]
    )


def test_a_clean_cassette_has_no_findings(tmp_path: Path) -> None:
    cassette("{}", {"authorization": ["REDACTED"]}).save(tmp_path / "c.yaml")
    assert scan([tmp_path]) == []


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_keys_and_bearer_tokens_are_found_with_their_line(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"c{suffix}"
    cassette(f'{{"note": "key {KEY}"}}', {"authorization": [f"Bearer {TOKEN}"]}).save(path)
    findings = scan([path])
    assert {f.kind for f in findings} == {"openai-key", "bearer-token"}
    lines = path.read_text().splitlines()
    for finding in findings:
        assert finding.line >= 1
        assert finding.masked.split("…")[0] in lines[finding.line - 1]
        assert KEY not in str(finding) and TOKEN not in str(finding)


def test_binary_bodies_are_decoded_before_searching(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    cassette(b"\xff\xfe" + KEY.encode() + b"\x00").save(path)
    assert "!!binary" in path.read_text()
    assert KEY not in path.read_text()
    assert [f.kind for f in scan([path])] == ["openai-key"]


def test_journals_are_searched_in_their_base64_chunks(tmp_path: Path) -> None:
    journal = tmp_path / ".c.yaml.journal"
    chunk = base64.b64encode(f"data: {KEY}\n\n".encode()).decode()
    lines = [{"journal": 1, "base": 0}, {"data": 0, "at": 0.1, "b": chunk}]
    journal.write_text("".join(json.dumps(line) + "\n" for line in lines))
    findings = scan([tmp_path])
    assert [(f.kind, f.line) for f in findings] == [("openai-key", 2)]


def test_short_or_redacted_lookalikes_are_not_findings(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    cassette("sk-test and task-abcdefghijklmnopqrstuvwxyz and Bearer REDACTED", {"x": ["Bearer short"]}).save(path)
    assert scan([path]) == []


def test_mask_keeps_only_the_ends() -> None:
    assert mask(KEY) == "sk-proj-ab…89"


def test_the_command_exits_1_on_findings_and_0_when_clean(tmp_path: Path) -> None:
    runner = CliRunner()
    cassette().save(tmp_path / "clean.yaml")
    clean = runner.invoke(scan_command, [str(tmp_path / "clean.yaml")])
    assert clean.exit_code == 0, clean.output
    cassette(KEY).save(tmp_path / "dirty.json")
    dirty = runner.invoke(scan_command, [str(tmp_path)])
    assert dirty.exit_code == 1
    assert "dirty.json:" in dirty.output and "openai-key" in dirty.output and KEY not in dirty.output
    missing = runner.invoke(scan_command, [str(tmp_path / "absent.yaml")])
    assert missing.exit_code == 2


def test_ssetape_scan_is_a_command() -> None:
    result = subprocess.run([sys.executable, "-m", "ssetape", "scan", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "sk-" in result.stdout
