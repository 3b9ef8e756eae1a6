from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import types
from collections.abc import Iterator
from pathlib import Path

import httpx
import httpx2
import openai
import pytest

from ssetape.recorder import AsyncRecordingTransport, RecordingTransport, load
from tests.mock_upstream import Scripted, mock_transport

FLAVOURS = [pytest.param(httpx2, id="httpx2"), pytest.param(httpx, id="httpx")]
EVENTS = [f'event: thread.message.delta\ndata: {{"i": {i}}}\n\n'.encode() for i in range(5)]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_chunks_reach_the_client_as_they_arrive(tmp_path: Path, flavour: types.ModuleType) -> None:
    first_seen, released = threading.Event(), threading.Event()

    def hold_back(index: int) -> None:
        if index == 1:
            # The upstream keeps the rest until the client has read chunk 0: a buffering recorder deadlocks here.
            assert first_seen.wait(5), "the client never got the first chunk while the upstream held back"
            released.set()

    script = Scripted(EVENTS, before_chunk=hold_back)
    transport = RecordingTransport(tmp_path / "c.yaml", mock_transport(flavour, script))
    with flavour.Client(transport=transport) as client, client.stream("GET", "http://up.test/v1/s") as response:
        received = []
        for chunk in response.iter_raw():
            received.append(chunk)
            first_seen.set()
    assert released.is_set()
    assert received == EVENTS
    interaction = load(tmp_path / "c.yaml").interactions[0]
    assert [c.data for c in interaction.chunks()] == EVENTS
    assert interaction.complete


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_arrival_times_are_recorded(tmp_path: Path, flavour: types.ModuleType) -> None:
    script = Scripted(EVENTS[:3], gaps=[0.0, 0.05, 0.1])
    transport = RecordingTransport(tmp_path / "c.yaml", mock_transport(flavour, script))
    with flavour.Client(transport=transport) as client:
        client.get("http://up.test/v1/s")
    times = [c.at for c in load(tmp_path / "c.yaml").interactions[0].chunks()]
    assert times == sorted(times)
    assert times[1] - times[0] >= 0.05
    assert times[2] - times[1] >= 0.1


def test_secrets_never_reach_disk(tmp_path: Path) -> None:
    script = Scripted([b'{"ok": true}'], headers={"content-type": "application/json", "set-cookie": "s=cookie-v"})
    transport = RecordingTransport(tmp_path / "c.yaml", mock_transport(httpx2, script), redact_headers=["X-Custom"])
    client = openai.OpenAI(
        api_key="sk-proj-verysecretkey123",
        organization="org-secretorg",
        project="proj_secretproject",
        base_url="http://up.test/v1",
        http_client=httpx2.Client(transport=transport),
        default_headers={"X-Custom": "custom-secret", "Cookie": "c=cookie-secret"},
    )
    client.models.with_raw_response.list()
    text = (tmp_path / "c.yaml").read_text()
    for secret in ("verysecretkey123", "secretorg", "secretproject", "custom-secret", "cookie-secret", "cookie-v"):
        assert secret not in text
    request = load(tmp_path / "c.yaml").interactions[0].request
    assert request.headers["authorization"] == ["REDACTED"]
    assert request.headers["x-custom"] == ["REDACTED"]


def test_gzip_bodies_are_stored_decoded(tmp_path: Path) -> None:
    body = b"".join(EVENTS)
    packed = gzip.compress(body)
    script = Scripted(
        [packed[:10], packed[10:30], packed[30:]],
        headers={"content-type": "text/event-stream", "content-encoding": "gzip", "content-length": str(len(packed))},
    )
    transport = RecordingTransport(tmp_path / "c.yaml", mock_transport(httpx2, script))
    with httpx2.Client(transport=transport) as client:
        assert client.get("http://up.test/v1/s").content == body  # the client still decodes what it got
    interaction = load(tmp_path / "c.yaml").interactions[0]
    assert interaction.response.body_bytes == body
    assert interaction.response.header("content-encoding") is None
    assert interaction.response.header("content-length") is None


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_dropped_connection_is_recorded_as_incomplete(tmp_path: Path, flavour: types.ModuleType) -> None:
    script = Scripted([*EVENTS[:2], b"event: thread.mess"], error=flavour.RemoteProtocolError("peer closed"))
    transport = RecordingTransport(tmp_path / "c.yaml", mock_transport(flavour, script))
    with flavour.Client(transport=transport) as client, pytest.raises(flavour.RemoteProtocolError):
        client.get("http://up.test/v1/s")
    interaction = load(tmp_path / "c.yaml").interactions[0]
    assert not interaction.complete
    assert interaction.response.body_bytes == b"".join(EVENTS[:2]) + b"event: thread.mess"
    assert interaction.response.ssetape is not None and interaction.response.ssetape.error is not None
    assert interaction.response.ssetape.error.type == "RemoteProtocolError"
    assert "peer closed" in interaction.response.ssetape.error.message


def test_client_closing_early_is_recorded_as_incomplete(tmp_path: Path) -> None:
    transport = RecordingTransport(tmp_path / "c.yaml", mock_transport(httpx2, Scripted(EVENTS)))
    with httpx2.Client(transport=transport) as client, client.stream("GET", "http://up.test/v1/s") as response:
        next(response.iter_raw())
    interaction = load(tmp_path / "c.yaml").interactions[0]
    assert not interaction.complete
    assert interaction.response.ssetape is not None and interaction.response.ssetape.error is not None
    assert interaction.response.ssetape.error.type == "ClientClosed"
    assert interaction.response.body_bytes == EVENTS[0]


def test_client_stopping_at_done_still_records_the_whole_body(tmp_path: Path) -> None:
    done = b"event: done\ndata: [DONE]\n\n"
    transport = RecordingTransport(tmp_path / "c.yaml", mock_transport(httpx2, Scripted([EVENTS[0], done, b""])))
    with httpx2.Client(transport=transport) as client, client.stream("GET", "http://up.test/v1/s") as response:
        for chunk in response.iter_raw():
            if b"[DONE]" in chunk:
                break
    interaction = load(tmp_path / "c.yaml").interactions[0]
    assert interaction.complete
    assert interaction.response.body_bytes == EVENTS[0] + done


def test_responses_nobody_read_are_saved_on_close(tmp_path: Path) -> None:
    transport = RecordingTransport(tmp_path / "c.yaml", mock_transport(httpx2, Scripted(EVENTS)))
    client = httpx2.Client(transport=transport)
    client.send(client.build_request("GET", "http://up.test/v1/s"), stream=True)
    assert not (tmp_path / "c.yaml").exists()
    transport.close()
    interaction = load(tmp_path / "c.yaml").interactions[0]
    assert not interaction.complete
    assert interaction.response.ssetape is not None and interaction.response.ssetape.error is not None
    assert interaction.response.ssetape.error.type == "TransportClosed"


def test_closing_with_nothing_recorded_leaves_an_empty_cassette(tmp_path: Path) -> None:
    RecordingTransport(tmp_path / "c.yaml", mock_transport(httpx2, Scripted([]))).close()
    assert load(tmp_path / "c.yaml").interactions == []


def test_interactions_keep_request_order_when_a_later_one_finishes_first(tmp_path: Path) -> None:
    transport = RecordingTransport(tmp_path / "c.yaml", mock_transport(httpx2, Scripted(EVENTS)))
    client = httpx2.Client(transport=transport)
    first = client.send(client.build_request("GET", "http://up.test/v1/first"), stream=True)
    client.get("http://up.test/v1/second")
    first.read()
    assert [i.request.uri for i in load(tmp_path / "c.yaml").interactions] == [
        "http://up.test/v1/first",
        "http://up.test/v1/second",
    ]


def test_append_adds_to_an_existing_cassette(tmp_path: Path) -> None:
    for path in ("/v1/a", "/v1/b"):
        transport = RecordingTransport(tmp_path / "c.yaml", mock_transport(httpx2, Scripted(EVENTS)), append=True)
        with httpx2.Client(transport=transport) as client:
            client.get(f"http://up.test{path}")
    assert [i.request.uri for i in load(tmp_path / "c.yaml").interactions] == [
        "http://up.test/v1/a",
        "http://up.test/v1/b",
    ]


def test_request_bodies_are_recorded_and_still_sent(tmp_path: Path) -> None:
    script = Scripted([b"{}"], headers={"content-type": "application/json"})
    transport = RecordingTransport(tmp_path / "c.yaml", mock_transport(httpx2, script))
    with httpx2.Client(transport=transport) as client:
        client.post("http://up.test/v1/files", files={"file": ("a.bin", b"\x00\xffdata")})
    assert b"\x00\xffdata" in script.requests[0].content
    recorded = load(tmp_path / "c.yaml").interactions[0].request
    assert b"\x00\xffdata" in recorded.body_bytes


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_async_twin_records_chunks_and_cuts(tmp_path: Path, flavour: types.ModuleType) -> None:
    script = Scripted(EVENTS[:3], gaps=[0, 0.02, 0], error=flavour.ReadError("reset"))
    transport = AsyncRecordingTransport(tmp_path / "c.yaml", mock_transport(flavour, script, asynchronous=True))

    async def run() -> list[bytes]:
        got = []
        async with flavour.AsyncClient(transport=transport) as client:
            async with client.stream("GET", "http://up.test/v1/s") as response:
                with pytest.raises(flavour.ReadError):
                    async for chunk in response.aiter_raw():
                        got.append(chunk)
        return got

    assert asyncio.run(run()) == EVENTS[:3]
    interaction = load(tmp_path / "c.yaml").interactions[0]
    assert [c.data for c in interaction.chunks()] == EVENTS[:3]
    assert not interaction.complete
    assert interaction.response.ssetape is not None and interaction.response.ssetape.error is not None
    assert interaction.response.ssetape.error.type == "ReadError"


def test_client_stopping_at_a_chat_error_still_records_the_whole_body(tmp_path: Path) -> None:
    error = b'data: {"error": {"message": "overloaded", "type": "server_error"}}\n\n'
    body = [b'data: {"choices": []}\n\n', error, b"data: [DONE]\n\n"]
    transport = RecordingTransport(tmp_path / "c.yaml", mock_transport(httpx2, Scripted(body)))
    with httpx2.Client(transport=transport) as client, client.stream("GET", "http://up.test/v1/s") as response:
        for chunk in response.iter_raw():
            if b'"error"' in chunk:
                break
    interaction = load(tmp_path / "c.yaml").interactions[0]
    assert interaction.complete
    assert interaction.response.body_bytes == b"".join(body)


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A loopback address nothing listens on: a connection to it is refused (the port stays bound, unlistened)."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{bound.getsockname()[1]}/v1"


def test_a_request_that_got_no_response_is_not_recorded(tmp_path: Path, refused_url: str) -> None:
    transport = RecordingTransport(tmp_path / "c.yaml")
    client = openai.OpenAI(
        api_key="sk-x", base_url=refused_url, http_client=httpx2.Client(transport=transport), max_retries=1
    )
    with pytest.raises(openai.APIConnectionError):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    transport.close()
    assert load(tmp_path / "c.yaml").interactions == []


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_async_twin_records_nothing_for_a_refused_request_and_the_next_one_as_usual(
    tmp_path: Path, flavour: types.ModuleType, refused_url: str
) -> None:
    async def run() -> None:
        transport = AsyncRecordingTransport(tmp_path / "c.yaml")
        async with flavour.AsyncClient(transport=transport) as client:
            with pytest.raises(flavour.ConnectError):
                await client.get(refused_url + "/models")
        answered = AsyncRecordingTransport(
            tmp_path / "c.yaml", mock_transport(flavour, Scripted(EVENTS), asynchronous=True), append=True
        )
        async with flavour.AsyncClient(transport=answered) as client:
            await client.get("http://up.test/v1/s")

    asyncio.run(run())
    (interaction,) = load(tmp_path / "c.yaml").interactions
    assert interaction.request.uri == "http://up.test/v1/s"
    assert interaction.response.status.code == 200 and interaction.complete


def test_responses_nobody_read_are_all_saved_when_threads_start_requests_at_once(tmp_path: Path) -> None:
    """A sync client shared by threads: each request started is kept until its response is recorded, none lost
    when two threads start one at the same moment (each rebuilt the list of open ones and kept its own)."""
    import sys

    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch as often as they can: the race shows at once
    try:
        transport = RecordingTransport(tmp_path / "c.yaml", mock_transport(httpx2, Scripted(EVENTS)))
        client = httpx2.Client(transport=transport)

        def start(n: int) -> None:
            for i in range(8):
                client.send(client.build_request("GET", f"http://up.test/v1/s?t={n}&i={i}"), stream=True)

        threads = [threading.Thread(target=start, args=(n,)) for n in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        transport.close()
    finally:
        sys.setswitchinterval(previous)
    assert len(load(tmp_path / "c.yaml").interactions) == 16 * 8
