"""Broken inputs for the fuzz tests, and the check that a command handled one: a seed cassette (YAML and
JSON), and ways to break it (cut it anywhere, flip bytes, nest deeply, bad base64, wrong types)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner, Result

from ssetape.cli import main
from ssetape.recorder import Cassette, CassetteError, cassette_from_sse, load
from ssetape.recorder.cassette import Body, Interaction, RecordedRequest, RecordedResponse, Recording, Status
from ssetape.recorder.writer import serialize

STREAM = (
    b'event: thread.run.created\ndata: {"id": "run_1", "object": "thread.run", "status": "queued"}\n\n'
    b'event: thread.message.delta\ndata: {"id": "msg_1", "object": "thread.message.delta", '
    b'"delta": {"content": [{"index": 0, "type": "text", "text": {"value": "Hi \xe2\x9c\x93"}}]}}\n\n'
    b"event: done\ndata: [DONE]\n\n"
)


def seed() -> Cassette:
    """Three interactions: a timed stream, a cut one, and a JSON body that is not UTF-8 (base64 in JSON)."""
    stream = cassette_from_sse(STREAM, chunks=[(0.1, 40), (0.25, len(STREAM) - 40)], response_at=0.05)
    cut = cassette_from_sse(STREAM[:60], chunks=[(0.3, 60)])
    cut.interactions[0].response.ssetape.complete = False  # type: ignore[union-attr]
    binary = Interaction(
        request=RecordedRequest(method="GET", uri="https://api.openai.com/v1/files/f/content"),
        response=RecordedResponse(
            status=Status(code=200, message="OK"),
            headers={"content-type": ["application/octet-stream"]},
            body=Body(string=b"\x89PNG\xff\x00\x01"),
            ssetape=Recording(response_at=0.01, chunks=[(0.02, 7)]),
        ),
    )
    return Cassette(interactions=[*stream.interactions, *cut.interactions, binary])


def seed_texts() -> dict[str, bytes]:
    cassette = seed()
    return {suffix: serialize(cassette, Path(f"c{suffix}")).encode() for suffix in (".yaml", ".json")}


def nested(depth: int, *, as_json: bool) -> bytes:
    """A document nested ``depth`` levels deep where a cassette's interactions would be."""
    inner = "[" * depth + "]" * depth
    if as_json:
        return f'{{"version": 1, "interactions": {inner}}}'.encode()
    return f"version: 1\ninteractions: {inner}\n".encode()


def nested_event(depth: int) -> bytes:
    """A well-formed cassette whose stream has an event nested ``depth`` levels deep."""
    body = b"event: thread.run.created\ndata: " + b"[" * depth + b"]" * depth + b"\n\n"
    return serialize(cassette_from_sse(body), Path("c.yaml")).encode()


def bad_base64() -> bytes:
    data = json.loads(seed_texts()[".json"])
    data["interactions"][2]["response"]["body"]["string"] = "not*base64!"
    return json.dumps(data).encode()


def with_value_at(data: Any, path: list[int], value: Any) -> Any:
    """``data`` with the ``path``-th node (walking containers depth first, indexes taken modulo) replaced."""
    if not path or not isinstance(data, (dict, list)) or not data:
        return value
    keys = list(data) if isinstance(data, dict) else list(range(len(data)))
    key = keys[path[0] % len(keys)]
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[key] = with_value_at(data[key], path[1:], value)  # type: ignore[index]
    return copy


def dump(data: Any, suffix: str) -> bytes:
    if suffix == ".json":
        return json.dumps(data).encode()
    return yaml.safe_dump(data, allow_unicode=True).encode()


#: Every command that reads a cassette, as run on a file: the arguments after ``ssetape``.
COMMANDS: dict[str, Callable[[Path, Path], list[str]]] = {
    "ls": lambda path, tmp: ["ls", str(path)],
    "ls --json": lambda path, tmp: ["ls", "--json", str(path)],
    "inspect": lambda path, tmp: ["inspect", str(path)],
    "inspect --summary --json": lambda path, tmp: ["inspect", "--summary", "--json", str(path)],
    "validate": lambda path, tmp: ["validate", str(path)],
    "replay": lambda path, tmp: ["replay", str(path)],
    "replay --events": lambda path, tmp: ["replay", "--events", str(path)],
    "diff": lambda path, tmp: ["diff", str(path), str(path)],
    "diff --text": lambda path, tmp: ["diff", "--text", str(path), str(path)],
    "export sse": lambda path, tmp: ["export", str(path), "--format", "sse", "-o", str(tmp / "out.sse")],
    "export jsonl": lambda path, tmp: ["export", str(path), "--format", "jsonl"],
    "export har": lambda path, tmp: ["export", str(path), "--format", "har", "-o", str(tmp / "out.har")],
    "import": lambda path, tmp: ["import", str(path), "-o", str(tmp / "imported.yaml"), "--force"],
    "scan": lambda path, tmp: ["scan", str(path)],
    "tui": lambda path, tmp: ["tui", str(path)],  # not a terminal: it reads the file, then stops
}
#: Commands that serve what they read until stopped: run only on inputs that do not load.
SERVING: dict[str, Callable[[Path, Path], list[str]]] = {
    "serve": lambda path, tmp: ["serve", str(path), "--port", "0"],
}


def run(args: list[str]) -> Result:
    return CliRunner().invoke(main, args)


def check_handled(result: Result, args: list[str], path: Path) -> None:
    """A command handled its input: it ended with an exit code (no exception got out), and an error is one
    ``Error:`` line naming the file."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"ssetape {' '.join(args)} raised {result.exception!r}") from result.exception
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    if result.exit_code == 2:
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
        assert errors, (args, result.stderr)
        assert "Traceback" not in result.stderr, (args, result.stderr)
        if "--port" not in args and "interactive terminal" not in errors[0]:
            assert str(path) in errors[0] or "imported.yaml" in errors[0], (args, result.stderr)


def loads_or_fails(path: Path) -> Cassette | None:
    """The cassette, or None when it is refused with our error (anything else is a bug)."""
    try:
        return load(path)
    except CassetteError:
        return None
