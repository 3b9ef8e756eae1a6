"""replayer.server: the real openai (or anthropic) client, over loopback, gets what the SDK got when recording."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import anthropic
import httpx
import httpx2
import openai
import pytest
from google import genai
from google.genai import types
from google.oauth2.credentials import Credentials

from ssetape.apis import api
from ssetape.fixtures.sessions import SESSION_BY_NAME, SESSIONS, Session
from ssetape.recorder import load
from ssetape.replayer import Matching, ReplayServer, ServedRequest, ServerError
from ssetape.replayer.server import BaseUrl, hosts_for
from tests.conftest import FIXTURES
from tests.fixtures.test_cassettes import assert_same, oracle, run_session

SESSION_IDS = [session.name for session in SESSIONS]


@pytest.fixture
def connect() -> Iterator[Callable[..., Any]]:
    """Clients on a server (``openai``'s, or ``anthropic``'s for kind ``anthropic``), all closed at the end (an
    unclosed one warns when collected)."""
    made: list[Any] = []

    def make(server: ReplayServer, kind: str = "openai", vertex: bool = False) -> Any:
        if kind == "gemini":  # the SDK adds the API version itself
            options = types.HttpOptions(base_url=server.url)
            if vertex:
                token = Credentials(token="anything")  # type: ignore[no-untyped-call]
                return genai.Client(
                    vertexai=True,
                    project="ssetape-fixtures",
                    location="us-central1",
                    credentials=token,
                    http_options=options,
                )
            return genai.Client(vertexai=False, api_key="anything", http_options=options)
        if kind == "anthropic":
            made.append(anthropic.Anthropic(base_url=server.url, api_key="sk-ant-anything", max_retries=0))
        else:
            made.append(openai.OpenAI(base_url=server.base_url, api_key="sk-anything", max_retries=0))
        return made[-1]

    yield make
    for client in made:
        client.close()


@pytest.mark.parametrize("session", SESSIONS, ids=SESSION_IDS)
def test_every_session_replays_over_http_as_recorded(session: Session, connect: Callable[..., Any]) -> None:
    path = FIXTURES / f"{session.name}.yaml"
    cassette = load(path)
    served: list[ServedRequest] = []
    with ReplayServer(path, speed=0, on_request=served.append, allow_repeats=False) as server:
        got = run_session(session, connect(server, session.kind, session.vertex))
    if session.kind == "gemini":  # each chunk keeps the response's headers, the server's own among them
        for run in got:
            for entry in run["log"]:
                entry["chunk"]["sdk_http_response"]["headers"].pop("x-ssetape-interaction")
    assert_same(session, got, [oracle(cassette.interactions[i], session) for i in cassette.streams()])
    # Every recording was asked for, once, in order (the uploads of a batch go concurrently).
    assert sorted(s.interaction for s in served if s.interaction is not None) == list(range(len(cassette.interactions)))
    assert all(s.status == cassette.interactions[s.interaction].response.status.code for s in served)  # type: ignore[index]


@pytest.mark.parametrize(
    ("name", "variable", "path"),
    [
        ("function_calling", "OPENAI_BASE_URL", "/v1"),
        ("responses_text", "OPENAI_BASE_URL", "/v1"),
        ("chat_text", "OPENAI_BASE_URL", "/v1"),
        ("anthropic_text", "ANTHROPIC_BASE_URL", ""),
        ("gemini_text", "GOOGLE_GEMINI_BASE_URL", ""),
        ("gemini_vertex_text", "GOOGLE_VERTEX_BASE_URL", ""),
    ],
)
def test_each_sdk_replays_its_session_given_only_the_base_url_in_the_variable_it_reads(
    name: str, variable: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = SESSION_BY_NAME[name]
    served: list[ServedRequest] = []
    with ReplayServer(FIXTURES / f"{name}.yaml", speed=0, on_request=served.append) as server:
        assert server.base_urls == [BaseUrl((api(session.kind).name,), variable, server.url + path)]
        assert server.base_url == server.url + path
        monkeypatch.setenv(variable, server.base_url)
        with sdk_client_from_environment(session) as client:
            run_session(session, client)
    assert served and all(s.status == 200 for s in served), [str(s) for s in served]


@contextlib.contextmanager
def sdk_client_from_environment(session: Session) -> Iterator[Any]:
    """The session's SDK client as an application makes it: no base URL given, so the SDK reads its variable
    (its API's home makes it, as for a recording, with fake credentials). Closed with its transport, which a
    client given one leaves open."""
    with httpx2.HTTPTransport() as transport:
        client = api(session.kind).module("sdk").session_client(None, transport, **session.client_options)
        with contextlib.closing(client):
            yield client


def test_a_cut_recording_is_cut_on_the_wire_after_the_same_bytes() -> None:
    cassette = load(FIXTURES / "connection_cut.yaml")
    item = cassette.interactions[2]
    served: list[ServedRequest] = []
    with ReplayServer(cassette, speed=0, on_request=served.append) as server:
        received = bytearray()
        with (
            httpx.Client() as http,
            http.stream(
                "POST",
                server.url + item.request.uri[len("https://api.openai.com") :],
                content=item.request.body_bytes,
                headers={"content-type": "application/json"},
            ) as response,
        ):
            with pytest.raises(httpx.RemoteProtocolError, match="incomplete chunked read"):
                for chunk in response.iter_raw():
                    received += chunk
    assert bytes(received) == item.response.body_bytes
    assert served[-1].ended is not None and served[-1].ended.startswith("cut off as recorded (RemoteProtocolError")


def test_streams_are_paced_as_recorded() -> None:
    cassette = load(FIXTURES / "text.yaml")
    item = cassette.interactions[2]
    speed = 20.0
    with ReplayServer(cassette, speed=speed) as server, httpx.Client() as http:
        start = time.perf_counter()
        first = None
        with http.stream(
            "POST",
            server.url + "/v1/threads/thread_mog3aTMOL2M3CUjc9jGkIzfx/runs",
            content=item.request.body_bytes,
            headers={"content-type": "application/json"},
        ) as response:
            for _ in response.iter_raw():
                first = first if first is not None else time.perf_counter() - start
        total = time.perf_counter() - start
    chunks = item.chunks()
    assert first is not None and first >= chunks[0].at / speed * 0.9
    assert total >= chunks[-1].at / speed * 0.95


def test_stopping_while_a_response_is_not_due_yet_is_one_log_line_and_no_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    item = load(FIXTURES / "chat_text.yaml").interactions[0]
    served: list[ServedRequest] = []
    asked, answered = threading.Event(), threading.Event()
    statuses: list[int] = []
    server = ReplayServer(FIXTURES / "chat_text.yaml", speed=0.01, on_request=served.append).start()
    serve = server.app.transport.serve

    async def noticed(*args: Any) -> Any:
        asked.set()
        return await serve(*args)

    server.app.transport.serve = noticed  # type: ignore[method-assign]

    def ask() -> None:
        statuses.append(httpx.post(server.url + "/v1/chat/completions", content=item.request.body_bytes).status_code)
        answered.set()

    threading.Thread(target=ask, daemon=True).start()
    assert asked.wait(10)  # the head is due in 45 s
    with caplog.at_level(logging.DEBUG, logger="uvicorn"):
        server.stop()
    assert answered.wait(10) and statuses == [500]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    assert [str(s).split(" in ")[0] for s in served] == ["POST /v1/chat/completions → 500"]
    assert served[0].ended == "cut off: the server stopped before the response began"


def test_an_unrecorded_request_is_a_404_the_sdk_reports_with_the_closest_recording(
    connect: Callable[..., Any],
) -> None:
    served: list[ServedRequest] = []
    with ReplayServer(FIXTURES / "text.yaml", speed=0, on_request=served.append) as server:
        with pytest.raises(openai.NotFoundError) as caught:
            connect(server).beta.threads.messages.list(thread_id="thread_other")
        body = httpx.get(server.url + "/v1/nowhere").json()
    assert "no recorded response matches GET /v1/threads/thread_other/messages" in str(caught.value)
    assert "closest recorded request: #" in str(caught.value)
    assert 'path: recorded "/v1/threads/' in str(caught.value)  # the difference, explained in the 404
    assert body["error"]["code"] == "ssetape_no_recording"
    assert [s.status for s in served] == [404, 404] and served[0].interaction is None
    assert str(served[0]).startswith("GET /v1/threads/thread_other/messages → 404 (no recording) in ")


def test_repeats_are_served_again_unless_once(connect: Callable[..., Any]) -> None:
    path = FIXTURES / "text.yaml"
    with ReplayServer(path, speed=0) as server:
        answers = [connect(server).beta.threads.create().id for _ in range(3)]
    assert len(set(answers)) == 1
    with ReplayServer(path, speed=0, allow_repeats=False) as server:
        connect(server).beta.threads.create()
        with pytest.raises(openai.NotFoundError, match="every recording of it is used up"):
            connect(server).beta.threads.create()


def test_plain_responses_carry_their_length_and_the_recorded_headers() -> None:
    cassette = load(FIXTURES / "polling.yaml")
    with ReplayServer(cassette, speed=0) as server:
        response = httpx.post(server.url + "/v1/threads", json={})
    recorded = cassette.interactions[0].response
    assert response.status_code == 200
    assert response.content == recorded.body_bytes
    assert response.headers["content-length"] == str(len(recorded.body_bytes))
    assert response.headers["x-request-id"] == recorded.header("x-request-id")
    assert response.headers["x-ssetape-interaction"] == "0"
    assert "transfer-encoding" not in response.headers


def test_a_port_in_use_is_a_clear_error() -> None:
    with ReplayServer(FIXTURES / "text.yaml") as server:
        with pytest.raises(ServerError, match=rf"cannot listen on 127\.0\.0\.1:{server.port}: "):
            ReplayServer(FIXTURES / "text.yaml", port=server.port)
    assert server.base_url == f"http://127.0.0.1:{server.port}/v1"


@pytest.mark.parametrize(
    ("host", "listen", "port", "answered"),
    [
        ("127.0.0.1", "127.0.0.1", 8000, True),
        ("localhost", "127.0.0.1", 8000, True),
        ("[::1]", "127.0.0.1", 8000, True),
        ("LOCALHOST", "127.0.0.1", 8000, True),
        ("rebound.example", "127.0.0.1", 8000, False),
        ("127.0.0.1.rebound.example", "127.0.0.1", 8000, False),
        ("127.0.0.1", "127.0.0.1", 9000, False),  # another port: another server
        ("", "127.0.0.1", 8000, False),
        ("192.168.1.7", "192.168.1.7", 8000, True),
        ("localhost", "192.168.1.7", 8000, False),
    ],
)
def test_only_a_host_naming_the_listening_address_is_served(host: str, listen: str, port: int, answered: bool) -> None:
    allowed = hosts_for(listen, 8000)
    value = f"{host}:{port}" if host else ""
    assert (value.lower() in allowed) is answered


def test_a_foreign_host_gets_a_421_over_the_wire_and_allow_host_adds_one() -> None:
    with ReplayServer(FIXTURES / "text.yaml", speed=0, allow_hosts=["box.local"]) as server:
        for host, status in (
            (f"evil.example:{server.port}", 421),
            (f"box.local:{server.port}", 404),
            ("box.local", 404),
        ):
            response = httpx2.get(server.url + "/v1/models", headers={"host": host})
            assert response.status_code == status, host
        assert "evil.example" in httpx2.get(server.url + "/v1/models", headers={"host": "evil.example"}).text


def test_matching_rules_leave_fields_out_and_the_404_names_the_field() -> None:
    cassette = load(FIXTURES / "text.yaml")
    index, interaction = next(
        (i, item) for i, item in enumerate(cassette.interactions) if item.request.body_bytes.startswith(b"{")
    )
    target = urlsplit(interaction.request.uri).path
    sent = {**json.loads(interaction.request.body_bytes), "trace": "t-2"}
    with ReplayServer(cassette, speed=0, allow_repeats=False) as server:
        refused = httpx.request(interaction.request.method, server.url + target, json=sent)
    assert refused.status_code == 404
    assert 'body.trace: recorded nothing, sent "t-2"' in refused.json()["error"]["message"]
    assert 'ignore_json_paths=["trace"]' in refused.json()["error"]["message"]
    with ReplayServer(cassette, speed=0, allow_repeats=False, matching=Matching(ignore_json_paths=["trace"])) as server:
        answered = httpx.request(interaction.request.method, server.url + target, json=sent)
    assert answered.status_code == 200
    assert answered.headers["x-ssetape-interaction"] == str(index)
