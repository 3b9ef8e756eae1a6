"""ssetape ls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssetape.apis import REGISTRY, recognise
from ssetape.recorder import cassette_from_sse, load
from ssetape.recorder.skimming import skim
from ssetape.recorder.sse import decode
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
        "unread": 0,
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


def _naming_events() -> dict[str, bytes]:
    """For each API, the first event of one of its fixture streams that names it (as the decoder gives it back)."""
    found: dict[str, bytes] = {}
    for path in FIXTURE_PATHS:
        for item in load(path).interactions:
            if item.streamed and kind_of(item) not in found:
                for event in decode(item.response.body_bytes):
                    if recognise(event.event, event.parsed()) is not None:
                        found[kind_of(item)] = f"event: {event.event}\ndata: {event.data}\n\n".encode()
                        break
    return found


NAMING = _naming_events()
#: Events no API recognises, to put before the one that names the stream's API.
NAMING_NONE = [b'data: {"n": 1}\n\n', b"event: tick\ndata: 1\n\n", b'event: error\ndata: {"message": "boom"}\n\n']


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(sorted(NAMING)),
    before=st.lists(st.sampled_from(NAMING_NONE), max_size=5),  # the naming event is the 1st to the 6th
    crlf=st.booleans(),
    path_of=st.sampled_from(sorted(NAMING)),
    after=st.sampled_from([1, 100]),  # (a body of more than one piece)
)
def test_ls_gives_a_stream_the_kind_loading_gives_it_wherever_its_api_is_first_named(
    tmp_path: Path, kind: str, before: list[bytes], crlf: bool, path_of: str, after: int
) -> None:
    """ls reads a stream's events for its kind as far as loading does (the first that names an API, then the
    path): under another API's path, a stream whose API is named by its 4th event or later is still its API's."""
    body = b"".join([*before, NAMING[kind], *NAMING_NONE * after])
    if crlf:
        body = body.replace(b"\n", b"\r\n")
    uris = {"assistants": "/v1/threads/runs", "responses": "/v1/responses", "chat": "/v1/chat/completions"}
    uris |= {"anthropic": "/v1/messages", "gemini": "/v1beta/models/m:streamGenerateContent?alt=sse"}
    cassette = cassette_from_sse(body, uri=f"https://api.example.com{uris[path_of]}")
    path = cassette.save(tmp_path / f"{kind}-{len(before)}.yaml")
    skimmed = skim(path)
    assert skimmed is not None and skimmed[0].body is not None  # listed from the skim, not loaded
    assert b"".join(skimmed[0].body.pieces()) == body
    result = run("ls", "--json", str(path))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["kind"] == kind_of(load(path).interactions[0]) == kind


GEMINI_URI = "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
_RUN = b'event: thread.run.created\ndata: {"id": "run_1", "object": "thread.run", "status": "queued"}\n\n'
_ERROR = b'event: error\ndata: {"error": {"message": "The server had an error", "type": "server_error"}}\n'
_GEMINI = b'data: {"candidates": [{"content": {"parts": [{"text": "Hi"}], "role": "model"}, "index": 0}]}'


def _openai_sdk_events(body: bytes) -> int:
    from openai._streaming import SSEDecoder

    return len(list(SSEDecoder().iter_bytes(iter([body]))))


@pytest.mark.parametrize(
    ("body", "uri", "events", "state"),
    [
        (_RUN + _ERROR, "https://api.openai.com/v1/threads/runs", 1, "unterminated"),  # the SDK never reads the error
        (_RUN + b": keep-alive\n", "https://api.openai.com/v1/threads/runs", 1, "complete"),  # a comment: nothing lost
        (_RUN, "https://api.openai.com/v1/threads/runs", 1, "complete"),
        (_GEMINI + b"\r\n\r\n" + _GEMINI, GEMINI_URI, 2, "complete"),  # google-genai reads the last line anyway
        (_GEMINI + b"\r\n\r\n" + _GEMINI + b"\r\n", GEMINI_URI, 2, "complete"),
    ],
    ids=["error-unterminated", "comment", "whole", "gemini-no-line-end", "gemini-no-blank-line"],
)
def test_a_whole_body_whose_last_event_no_blank_line_ends(
    tmp_path: Path, body: bytes, uri: str, events: int, state: str
) -> None:
    """A body that arrived whole but whose last event lacks its blank line (a raw dump saved without it) is listed
    as its SDK reads it: the openai and anthropic SDKs never dispatch that event ("unterminated", and how many bytes
    in --json), google-genai reads it. The same from a skimmed cassette and from a loaded one."""
    if "openai" in uri:
        assert _openai_sdk_events(body) == events  # the oracle
    cassette = cassette_from_sse(body, uri=uri, chunks=[(0.1, len(body))])
    skimmed, loaded = tmp_path / "skimmed.yaml", tmp_path / "loaded.json"
    cassette.save(skimmed)
    cassette.save(loaded)
    assert skim(skimmed) is not None and skim(loaded) is None  # both ways of listing
    for path in (skimmed, loaded):
        (record,) = [json.loads(line) for line in run("ls", str(path), "--json").stdout.splitlines()]
        unread = len(body) - body.rfind(b"\n\n") - 2 if state == "unterminated" else 0
        assert (record["events"], record["complete"], record["unread"]) == (events, True, unread), path
        assert run("ls", str(path)).stdout.splitlines()[1].split()[-1] == state
        ended = run("inspect", str(path), "--summary").stdout.splitlines()[-1]
        if state == "unterminated":
            assert f"its last {unread} bytes are an event no blank line ends: its SDK never reads it" in ended
        else:
            assert ended.split() == ["ended", "complete"]


def test_a_raw_dump_whose_last_event_no_blank_line_ends_is_listed_and_replayed_so(tmp_path: Path) -> None:
    dump = tmp_path / "run.sse"
    dump.write_bytes(_RUN + _ERROR)
    (record,) = [json.loads(line) for line in run("ls", str(dump), "--json").stdout.splitlines()]
    assert (record["events"], record["complete"], record["unread"]) == (1, True, len(_ERROR))
    validated = run("validate", str(dump))  # which says the same, as a warning (the body came whole)
    assert (
        validated.exit_code == 0 and f"its last {len(_ERROR)} bytes are an event no blank line ends" in validated.output
    )
    said = f"[the last {len(_ERROR)} bytes are an event no blank line ends: the SDK never read it]\n"
    for replayed in (run("replay", str(dump), "--speed", "0"), run("replay", str(dump), "--speed", "0", "--events")):
        assert (replayed.exit_code, replayed.stderr) == (0, said)  # as the SDK read it: no error event
    whole = tmp_path / "whole.sse"
    whole.write_bytes(_RUN + _ERROR + b"\n")
    replayed = run("replay", str(whole), "--speed", "0")
    assert (replayed.exit_code, replayed.stderr) == (1, "")  # the error event read, and nothing left unread
