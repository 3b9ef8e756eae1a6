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


# Made-up values shaped like each provider's credentials (none is a real key).
SECRETS = {
    "anthropic-key": "sk-ant-api03-Zx9Qw8Ev7Rt6Yu5Io4Pa3Sd2Fg1Hj0Kl-AbCdEfGhIjKl_mn",
    "openai-key": "sk-svcacct-Zx9Qw8Ev7Rt6Yu5Io4Pa3Sd2Fg1Hj0Kl",
    "google-api-key": "AIzaSyZx9Qw8Ev7Rt6Yu5Io4Pa3Sd2Fg1Hj0Klm",
    "google-oauth-token": "ya29.a0AfB_byZx9Qw8Ev7Rt6Yu5Io4Pa3Sd2Fg1Hj0Kl",
    "aws-access-key-id": "AKIAZX9QW8EV7RT6YU5I",
    "github-token": "ghp_Zx9Qw8Ev7Rt6Yu5Io4Pa3Sd2Fg1Hj0KlMnBv",
    "jwt": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEyMyJ9.c2lnbmF0dXJlLWJ5dGVz",
}
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYZx9Qw8Ev7R"


@pytest.mark.parametrize("kind", sorted(SECRETS))
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_every_kind_is_found_in_either_serializer_and_never_printed(tmp_path: Path, kind: str, suffix: str) -> None:
    path = tmp_path / f"c{suffix}"
    cassette(f'{{"echo": "{SECRETS[kind]}"}}').save(path)
    result = CliRunner().invoke(scan_command, [str(path)])
    assert result.exit_code == 1
    (line,) = [line for line in result.stdout.splitlines() if f" {kind} " in line]
    assert line.startswith(f"{path}:") and SECRETS[kind] not in result.output
    number = int(line.split(":")[1])
    assert SECRETS[kind][:4] in path.read_text().splitlines()[number - 1]


def test_a_github_fine_grained_token_and_an_aws_key_pair_are_found(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    body = f"aws_access_key_id={SECRETS['aws-access-key-id']}\naws_secret_access_key={AWS_SECRET}\n"
    body += "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
    cassette(body).save(path)
    kinds = [f.kind for f in scan([path])]
    assert kinds.count("aws-secret-key") == 1 and "aws-access-key-id" in kinds and "github-token" in kinds


def test_a_40_character_string_far_from_any_aws_key_id_is_not_an_aws_secret(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    cassette(f"sha: {AWS_SECRET}").save(path)
    assert scan([path]) == []


def _gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # vcrpy's JSON serializer with a base64 body; its YAML one with !!binary; a gzip body kept compressed.
        (
            "vcrpy.json",
            json.dumps(
                {
                    "version": 1,
                    "interactions": [
                        {
                            "response": {
                                "body": {
                                    "encoding": "base64",
                                    "string": base64.b64encode(f"k={SECRETS['google-api-key']}".encode()).decode(),
                                }
                            }
                        }
                    ],
                }
            ),
        ),
        (
            "gzip.yaml",
            "version: 1\ninteractions:\n- response:\n    headers: {content-encoding: [gzip]}\n"
            "    body:\n      string: !!binary |\n        "
            + base64.b64encode(_gzip(f"data: {SECRETS['anthropic-key']}\n\n".encode())).decode()
            + "\n",
        ),
        (
            "gzip.json",
            json.dumps({"body": {"base64_string": base64.b64encode(_gzip(SECRETS["jwt"].encode())).decode()}}),
        ),
        (
            "ruby.yml",
            "http_interactions:\n- response:\n    body:\n      encoding: ASCII-8BIT\n      base64_string: |\n"
            "        " + base64.b64encode(SECRETS["github-token"].encode()).decode() + "\n",
        ),
    ],
    ids=["vcrpy-json-base64", "yaml-binary-gzip", "json-gzip", "ruby-vcr"],
)
def test_base64_and_compressed_bodies_of_every_dialect_are_searched(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    findings = scan([path])
    assert len(findings) == 1 and findings[0].line >= 1, findings


def test_a_key_split_across_two_journal_chunks_is_found_at_the_line_it_starts(tmp_path: Path) -> None:
    journal = tmp_path / ".c.yaml.journal"
    key = SECRETS["google-api-key"].encode()
    pieces = [b'data: {"k": "' + key[:7], key[7:] + b'"}\n\n']
    lines = [{"journal": 1, "base": 0}, {"data": 3, "at": 0.1, "b": base64.b64encode(b"data: x\n\n").decode()}]
    lines += [{"data": 0, "at": 0.1 * i, "b": base64.b64encode(piece).decode()} for i, piece in enumerate(pieces)]
    journal.write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert [(f.kind, f.line) for f in scan([journal])] == [("google-api-key", 3)]


def test_a_directory_is_searched_for_raw_dumps_and_exports_too(tmp_path: Path) -> None:
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "dump.sse").write_bytes(b'data: {"k": "' + KEY.encode() + b'"}\n\n')
    (tmp_path / "runs" / "events.jsonl").write_text(json.dumps({"event": "x", "data": KEY}) + "\n")
    cassette(KEY).save(tmp_path / "LOUD.YAML")
    (tmp_path / "notes.md").write_text(KEY)  # not a cassette of any kind: not searched
    found = sorted(finding.path.name for finding in scan([tmp_path]))
    assert found == ["LOUD.YAML", "dump.sse", "events.jsonl"]


@pytest.mark.parametrize("escape", ["\\n", "\\t", "\\r"])
@pytest.mark.parametrize("suffix", [".sse", ".json"])
def test_a_key_right_after_an_escaped_line_break_is_found(tmp_path: Path, escape: str, suffix: str) -> None:
    """In JSON (an event's data, a JSON cassette) a key on a line of its own follows the ``n`` of ``\\n``."""
    text = f"Found in your .env:{escape}{KEY}{escape}Bearer {TOKEN}xyz{escape}{SECRETS['google-api-key']}"
    event = json.dumps({"choices": [{"delta": {"content": text}}]})
    path = tmp_path / f"leak{suffix}"
    path.write_text(f"data: {event}\n\n" if suffix == ".sse" else json.dumps({"interactions": [{"body": text}]}))
    kinds = sorted(finding.kind for finding in scan([path]))
    assert kinds == ["bearer-token", "google-api-key", "openai-key"], kinds


@pytest.mark.parametrize("coding", ["br", "deflate"])
def test_brotli_and_raw_deflate_bodies_are_searched(tmp_path: Path, coding: str) -> None:
    """Codings with no magic bytes, which a cassette may keep its body in (vcrpy keeps what the server sent)."""
    import zlib

    import brotli

    body = f'data: {{"key": "{KEY}"}}\n\n'.encode()
    packed = brotli.compress(body) if coding == "br" else zlib.compress(body)[2:-4]  # raw deflate: no zlib header
    path = tmp_path / "c.yaml"
    path.write_text(
        f"interactions:\n- response:\n    headers: {{content-encoding: [{coding}]}}\n"
        "    body:\n      string: !!binary |\n"
        f"        {base64.b64encode(packed).decode()}\nversion: 1\n"
    )
    assert [finding.kind for finding in scan([path])] == ["openai-key"]


AZURE = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("flow.yaml", f"    headers:\n      api-key: [{AZURE}]\n"),
        ("block.yaml", f"    headers:\n      Api-Key:\n      - {AZURE}\n"),
        ("c.json", json.dumps({"headers": {"x-api-key": [AZURE]}}, indent=2)),
        ("c.har", json.dumps({"headers": [{"name": "api-key", "value": AZURE}]}, indent=2)),
        (
            "query.yaml",
            f"    uri: https://x.openai.azure.com/openai/deployments/d/chat?api-version=1&api_key={AZURE}\n",
        ),
        ("token.yaml", f"    uri: https://api.example.com/v1/events?access_token={AZURE}\n"),
        ("password.yaml", "    uri: https://user:hunter2secretpassword@api.example.com/v1/x\n"),
        ("basic.yaml", "    headers:\n      authorization: [Basic dXNlcjpodW50ZXIyc2VjcmV0]\n"),
    ],
)
def test_the_credentials_the_recorder_redacts_are_found_whatever_they_look_like(
    tmp_path: Path, name: str, text: str
) -> None:
    """An Azure api-key is 32 hex digits, an x-api-key may have no known prefix: found by where they are (the headers
    and query parameters the recorder redacts), as are a password in a URL and Basic credentials."""
    path = tmp_path / name
    path.write_text(text)
    findings = scan([path])
    assert len(findings) == 1, findings
    assert AZURE not in str(findings[0]) and "hunter2secretpassword" not in str(findings[0])  # masked


@pytest.mark.parametrize(
    "text",
    [
        "    headers:\n      api-key: [REDACTED]\n      authorization: [Bearer REDACTED]\n",
        json.dumps({"headers": [{"name": "api-key", "value": "REDACTED"}]}, indent=2),
        "    uri: https://x.test/v1/events?access_token=REDACTED&key=REDACTED\n",
        "    headers:\n      content-type: [application/json]\n      x-request-id: [req_0123456789abcdef]\n",
    ],
    ids=["yaml", "har", "query", "ordinary"],
)
def test_redacted_credentials_and_ordinary_headers_are_not_findings(tmp_path: Path, text: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    assert scan([path]) == []


def test_a_known_key_in_a_credential_header_is_one_finding_of_its_kind(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        f"    headers:\n      x-api-key: [{SECRETS['anthropic-key']}]\n      authorization: [Bearer {TOKEN}]\n"
    )
    assert [finding.kind for finding in scan([path])] == ["anthropic-key", "bearer-token"]
