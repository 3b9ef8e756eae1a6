from __future__ import annotations

import asyncio
import contextlib
import time
import types
from pathlib import Path

import httpx
import httpx2
import pytest

from ssetape import replayer
from ssetape.recorder import Cassette, RecordingTransport, load
from ssetape.replayer import AsyncReplayTransport, ReplayTransport, UnmatchedRequestError
from tests.mock_upstream import Scripted, mock_transport

FLAVOURS = [pytest.param(httpx2, id="httpx2"), pytest.param(httpx, id="httpx")]
EVENTS = [f"data: {{\"i\": {i}}}\n\n".encode() for i in range(4)]


def record(tmp_path: Path, script: Scripted, *urls: str, method: str = "GET", **kwargs: object) -> Cassette:
    path = tmp_path / "c.yaml"
    transport = RecordingTransport(path, mock_transport(httpx2, script), append=True)
    with httpx2.Client(transport=transport) as client:
        for url in urls:
            with contextlib.suppress(httpx2.TransportError):  # a scripted cut: recorded as incomplete
                client.request(method, url, **kwargs)  # type: ignore[arg-type]
    return load(path)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_replay_keeps_chunk_boundaries(tmp_path: Path, flavour: types.ModuleType) -> None:
    cassette = record(tmp_path, Scripted([b"data: sp", b"lit\n\nda", b"ta: x\n\n"]), "http://up.test/v1/s")
    with flavour.Client(transport=ReplayTransport(cassette)) as client, client.stream(
        "GET", "http://elsewhere.test/v1/s"
    ) as response:
        assert list(response.iter_raw()) == [b"data: sp", b"lit\n\nda", b"ta: x\n\n"]
        assert response.headers["content-type"].startswith("text/event-stream")


@pytest.mark.parametrize("speed", [1.0, 2.0])
def test_speed_reproduces_and_scales_the_recorded_gaps(tmp_path: Path, speed: float) -> None:
    cassette = record(tmp_path, Scripted(EVENTS, gaps=[0.0, 0.15, 0.0, 0.15]), "http://up.test/v1/s")
    recorded = [c.at for c in cassette.interactions[0].chunks()]
    arrivals = []
    with httpx2.Client(transport=ReplayTransport(cassette, speed=speed)) as client:
        start = time.perf_counter()
        with client.stream("GET", "http://up.test/v1/s") as response:
            for _ in response.iter_raw():
                arrivals.append(time.perf_counter() - start)
    for got, want in zip(arrivals, recorded, strict=True):
        assert got >= want / speed - 0.01
        assert got <= want / speed + 0.1


def test_speed_zero_never_waits(tmp_path: Path) -> None:
    cassette = record(tmp_path, Scripted(EVENTS, gaps=[0.2, 0.2, 0.2, 0.2]), "http://up.test/v1/s")
    start = time.perf_counter()
    with httpx2.Client(transport=ReplayTransport(cassette)) as client:
        client.get("http://up.test/v1/s")
    assert time.perf_counter() - start < 0.2


def test_negative_speed_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="speed"):
        ReplayTransport(Cassette(), speed=-1)


def test_repeated_requests_get_their_recordings_in_order(tmp_path: Path) -> None:
    bodies = iter([b'{"status": "queued"}', b'{"status": "in_progress"}', b'{"status": "completed"}'])
    path = tmp_path / "c.yaml"
    for _ in range(3):
        script = Scripted([next(bodies)], headers={"content-type": "application/json"})
        with httpx2.Client(transport=RecordingTransport(path, mock_transport(httpx2, script), append=True)) as c:
            c.get("http://up.test/v1/threads/t/runs/r")
    with httpx2.Client(transport=ReplayTransport(path)) as client:
        statuses = [client.get("http://up.test/v1/threads/t/runs/r").json()["status"] for _ in range(3)]
        assert statuses == ["queued", "in_progress", "completed"]
        with pytest.raises(UnmatchedRequestError, match="every recording of it is used up"):
            client.get("http://up.test/v1/threads/t/runs/r")


def test_allow_repeats_serves_the_last_recording_again(tmp_path: Path) -> None:
    cassette = record(tmp_path, Scripted([b"x"]), "http://up.test/v1/a")
    with httpx2.Client(transport=ReplayTransport(cassette, allow_repeats=True)) as client:
        assert [client.get("http://up.test/v1/a").content for _ in range(3)] == [b"x"] * 3


def test_unmatched_request_lists_the_closest_recordings(tmp_path: Path) -> None:
    cassette = record(
        tmp_path,
        Scripted([b"{}"], headers={"content-type": "application/json"}),
        "http://up.test/v1/threads/t1/runs",
        "http://up.test/v1/files",
        method="POST",
        json={"assistant_id": "asst_1"},
    )
    with httpx2.Client(transport=ReplayTransport(cassette)) as client:
        with pytest.raises(UnmatchedRequestError) as info:
            client.post("http://up.test/v1/threads/t1/runs", json={"assistant_id": "asst_2"})
    message = str(info.value)
    assert "no recorded response matches POST /v1/threads/t1/runs" in message
    assert "closest recorded request: #0 POST /v1/threads/t1/runs, which differs in:" in message
    assert '  body.assistant_id: recorded "asst_1", sent "asst_2"' in message
    assert "also recorded: #1 POST /v1/files" in message
    assert 'ignore_json_paths=["assistant_id"]' in message


def test_json_bodies_match_whatever_the_key_order(tmp_path: Path) -> None:
    cassette = record(
        tmp_path, Scripted([b"ok"]), "http://up.test/v1/x", method="POST", content=b'{"a": 1, "b": [1, 2]}'
    )
    with httpx2.Client(transport=ReplayTransport(cassette)) as client:
        assert client.post("http://up.test/v1/x", content=b'{"b":[1,2],"a":1}').content == b"ok"


def test_multipart_uploads_match_despite_a_new_boundary(tmp_path: Path) -> None:
    files = {"file": ("notes.txt", b"some file content")}
    cassette = record(
        tmp_path, Scripted([b"ok"]), "http://up.test/v1/files", method="POST", files=files, data={"purpose": "x"}
    )
    with httpx2.Client(transport=ReplayTransport(cassette)) as client:
        response = client.post("http://up.test/v1/files", files=files, data={"purpose": "x"})
        assert response.content == b"ok"
        with pytest.raises(UnmatchedRequestError):
            client.post("http://up.test/v1/files", files={"file": ("notes.txt", b"other")}, data={"purpose": "x"})


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_cut_recording_replays_as_the_same_failure(tmp_path: Path, flavour: types.ModuleType) -> None:
    cassette = record(tmp_path, Scripted(EVENTS[:2], error=httpx2.RemoteProtocolError("peer closed")), "http://u/v1/s")
    got = []
    with flavour.Client(transport=ReplayTransport(cassette)) as client, client.stream("GET", "http://u/v1/s") as resp:
        with pytest.raises(flavour.RemoteProtocolError, match="peer closed"):
            for chunk in resp.iter_raw():
                got.append(chunk)
    assert got == EVENTS[:2]


def test_poll_after_header_follows_the_speed(tmp_path: Path) -> None:
    script = Scripted([b"{}"], headers={"content-type": "application/json", "openai-poll-after-ms": "1000"})
    cassette = record(tmp_path, script, "http://up.test/v1/r", "http://up.test/v1/r", "http://up.test/v1/r")
    assert httpx2.Client(transport=ReplayTransport(cassette)).get("http://up.test/v1/r").headers[
        "openai-poll-after-ms"
    ] == "0"
    assert httpx2.Client(transport=ReplayTransport(cassette, speed=4)).get("http://up.test/v1/r").headers[
        "openai-poll-after-ms"
    ] == "250"
    assert httpx2.Client(transport=ReplayTransport(cassette, speed=1)).get("http://up.test/v1/r").headers[
        "openai-poll-after-ms"
    ] == "1000"


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_async_replay(tmp_path: Path, flavour: types.ModuleType) -> None:
    cassette = record(tmp_path, Scripted(EVENTS, gaps=[0, 0.05, 0, 0]), "http://up.test/v1/s")

    async def run() -> tuple[list[bytes], float]:
        start = time.perf_counter()
        async with flavour.AsyncClient(transport=AsyncReplayTransport(cassette, speed=1.0)) as client:
            async with client.stream("GET", "http://up.test/v1/s") as response:
                chunks = [chunk async for chunk in response.aiter_raw()]
        return chunks, time.perf_counter() - start

    chunks, took = asyncio.run(run())
    assert chunks == EVENTS
    assert took >= 0.05


def test_unused_lists_what_was_not_asked_for(tmp_path: Path) -> None:
    cassette = record(tmp_path, Scripted([b"x"]), "http://up.test/v1/a", "http://up.test/v1/b")
    transport = ReplayTransport(cassette)
    httpx2.Client(transport=transport).get("http://up.test/v1/a")
    assert [i.request.uri for i in transport.unused()] == ["http://up.test/v1/b"]


def test_public_api_is_exported() -> None:
    assert set(replayer.__all__) >= {"ReplayTransport", "AsyncReplayTransport", "openai_client", "async_openai_client"}
    for name in replayer.__all__:
        assert getattr(replayer, name) is not None


def test_file_id_lists_match_in_any_order(tmp_path: Path) -> None:
    cassette = record(
        tmp_path, Scripted([b"ok"]), "http://up.test/v1/b", method="POST", json={"file_ids": ["f-1", "f-2"]}
    )
    with httpx2.Client(transport=ReplayTransport(cassette)) as client:
        assert client.post("http://up.test/v1/b", json={"file_ids": ["f-2", "f-1"]}).content == b"ok"
        with pytest.raises(UnmatchedRequestError):
            client.post("http://up.test/v1/b", json={"file_ids": ["f-2", "f-3"]})


def test_a_redacted_json_field_matches_any_value(tmp_path: Path) -> None:
    cassette = record(
        tmp_path,
        Scripted([b"ok"]),
        "http://up.test/v1/b",
        method="POST",
        json={"metadata": {"user_email": "REDACTED"}, "model": "gpt-4o"},
    )
    with httpx2.Client(transport=ReplayTransport(cassette)) as client:
        sent = {"metadata": {"user_email": "someone@example.com"}, "model": "gpt-4o"}
        assert client.post("http://up.test/v1/b", json=sent).content == b"ok"
        with pytest.raises(UnmatchedRequestError) as info:
            client.post("http://up.test/v1/b", json={"metadata": {"user_email": "x"}, "model": "gpt-5"})
    assert 'body.model: recorded "gpt-4o", sent "gpt-5"' in str(info.value)
    assert "user_email" not in str(info.value)
