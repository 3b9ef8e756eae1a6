"""Adding an API is adding its home and one registry entry: a made-up "echo" API (tests/echo_api: wire,
events and rules, no other file) registered here is recognised, summarised, counted, validated, split
into its own cassette by the proxy's --out DIR/ and coloured in the TUI's list, with nothing else told."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from ssetape.apis import Api, api, by_path, recognise, registry, stream_ends
from ssetape.recorder import cassette_from_sse
from ssetape.replayer import events, kind_of, stats, summarize, validate
from ssetape.tui.formatting import short_name
from ssetape.tui.view import family

ECHO = Api("echo", "Echo", "tests.echo_api")


@pytest.fixture
def echo(monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    monkeypatch.setattr(registry, "REGISTRY", (*registry.REGISTRY, ECHO))
    yield ECHO


def _body(*texts: str, end: bool = True) -> bytes:
    out = [f"event: echo.say\ndata: {json.dumps({'text': text, 'echo_id': 'echo_7'})}\n\n" for text in texts]
    if end:
        out.append("event: echo.end\ndata: {}\n\n")
    return "".join(out).encode()


def test_the_registered_home_answers_every_question(echo: Api) -> None:
    cassette = cassette_from_sse(_body("Hello", " world"), uri="https://example.invalid/v1/echo")
    item = cassette.interactions[0]
    assert kind_of(item) == "echo" and api("echo") is echo
    assert recognise("echo.say", {}) is echo and stream_ends("echo.end", {})
    found = events(item)
    assert [summarize(event) for event in found] == ["says 'Hello'", "says ' world'", ""]
    summary = stats(item)
    assert (summary.text, summary.status, summary.tool_calls) == ("Hello world", "ended", [])
    assert family("echo.say", "echo") == "message" and short_name("echo.end", "echo") == "end"


def test_its_rules_are_the_ones_validate_applies(echo: Api) -> None:
    good = cassette_from_sse(_body("Hi"), uri="https://example.invalid/v1/echo")
    assert [p for p in validate(good) if p.severity == "error"] == []
    unended = cassette_from_sse(_body("Hi", end=False), uri="https://example.invalid/v1/echo")
    assert [p.rule for p in validate(unended)] == ["order"]


def test_without_its_registry_entry_the_stream_is_not_taken_for_one() -> None:
    cassette = cassette_from_sse(_body("Hi"), uri="https://example.invalid/v1/echo")
    assert kind_of(cassette.interactions[0]) != "echo"
    with pytest.raises(KeyError, match="no streaming API named 'echo'"):
        api("echo")


def test_a_path_asked_before_the_home_was_registered_is_asked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry remembers each path's API (a listing asks per stream), for the registry it was asked of."""
    uri = "https://example.invalid/v1/echo"
    assert by_path(uri) is None
    with monkeypatch.context() as patched:
        patched.setattr(registry, "REGISTRY", (*registry.REGISTRY, ECHO))
        assert by_path(uri) is ECHO and by_path(uri) is ECHO
    assert by_path(uri) is None


def test_the_proxy_names_its_cassette_after_the_run_the_home_reads(echo: Api) -> None:
    from ssetape.recorder.proxy.split import identify

    cassette = cassette_from_sse(_body("Hi"), uri="https://example.invalid/v1/echo")
    assert identify(cassette.interactions[0]) == (None, "echo_7")


def test_the_fixture_sessions_ask_their_homes_for_client_url_and_observer() -> None:
    """Recording a session needs, from its API's home, the SDK client of the emulator, the real API's URL and
    the default observer: every API with sessions has them, and ``fixtures/`` names no API to get them."""
    from pathlib import Path

    from ssetape.fixtures.sessions import SESSIONS

    for kind in {session.kind for session in SESSIONS}:
        sdk = api(kind).module("sdk")
        assert sdk.public_base().startswith("https://") and callable(sdk.OBSERVER), kind
        assert callable(sdk.session_client), kind
    root = Path(__file__).resolve().parents[1] / "fixtures"
    for name in ("regenerate.py", "sessions.py"):
        text = (root / name).read_text()
        assert "kind ==" not in text and "kind !=" not in text, name


def test_the_emulator_checks_each_kind_of_stream_from_one_table() -> None:
    """Checking a recorded stream's events against its SDK's types asks one table of the emulator's, which
    has every kind the fixture sessions record; ``fixtures/emulator`` branches on no API's kind."""
    from pathlib import Path

    from ssetape.fixtures.emulator.validation import CHECKS, check_stream_event
    from ssetape.fixtures.sessions import SESSIONS

    assert {session.kind for session in SESSIONS} <= set(CHECKS)
    with pytest.raises(ValueError, match="no emulator check for 'echo' streams"):
        check_stream_event("echo", "message", {})
    kinds = [entry.kind for entry in registry.REGISTRY]
    for path in (Path(__file__).resolve().parents[1] / "fixtures" / "emulator").glob("*.py"):
        text = path.read_text()
        for kind in kinds:
            assert f'kind == "{kind}"' not in text and f'kind != "{kind}"' not in text, (path.name, kind)
