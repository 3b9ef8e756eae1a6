"""A disk that fills up (a real tmpfs of 256 KB) or a read-only one while recording: one clear line, 503s in the
API's error shape for new requests, nothing passed on unrecorded, the journal kept for --recover, a non-zero exit."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import openai
import pytest

from ssetape.recorder import RecordError, RecordingTransport, load
from ssetape.recorder.proxy.journal import journal_path
from tests.mock_upstream import Scripted, mock_transport
from tests.recorder.test_proxy_e2e import proxy_process, run_command, serve
from tests.ssetape.golden import run

EVENT = b'data: {"pad": "' + b"x" * 2000 + b'"}\n\n'
BIG = 200  # events: 400 KB, more than the disk holds


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KB tmpfs mounted for the test (root only; skipped where mounting is not possible)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def remount(disk: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(disk)], check=True)


async def streams(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
    """``/small`` streams two short events, anything else ``BIG`` events of 2 KB."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    events = [b'data: {"n": 1}\n\n', b"data: [DONE]\n\n"] if scope["path"].endswith("/small") else [EVENT] * BIG
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/event-stream")]})
    for event in events:
        await send({"type": "http.response.body", "body": event, "more_body": True})
        await asyncio.sleep(0.001)  # the proxy reads the big stream in pieces, not all of it at once
    await send({"type": "http.response.body", "body": b""})


def test_the_proxy_on_a_full_disk_refuses_new_requests_and_keeps_the_journal(tiny_disk: Path, tmp_path: Path) -> None:
    out = tiny_disk / "session.yaml"
    with serve(streams) as upstream, proxy_process(tmp_path, upstream, out, "--grace", "1", quiet=False) as proxy:
        with httpx2.Client(base_url=proxy.url, timeout=30) as client:
            assert client.post("/v1/small", json={}).text.endswith("data: [DONE]\n\n")
            time.sleep(1)  # saved, and the journal reset
            received = b""
            with pytest.raises(httpx2.RemoteProtocolError), client.stream("POST", "/v1/big", json={}) as big:
                for chunk in big.iter_raw():
                    received += chunk
            assert 0 < len(received) < BIG * len(EVENT)  # cut where the disk filled, not passed on unrecorded
        with openai.OpenAI(api_key="sk-x", base_url=proxy.url + "/v1", max_retries=2) as sdk:
            started = time.monotonic()
            with pytest.raises(openai.InternalServerError) as refused:
                sdk.chat.completions.create(model="m", messages=[], stream=True)
            assert time.monotonic() - started < 2  # not retried
        assert refused.value.status_code == 503
        assert "cannot be written (No space left on device)" in refused.value.message
        with (
            anthropic.Anthropic(api_key="sk-ant-x", base_url=proxy.url, max_retries=0) as claude,
            pytest.raises(anthropic.InternalServerError) as refused_too,
        ):
            claude.messages.create(model="m", max_tokens=5, messages=[{"role": "user", "content": "hi"}])
        assert isinstance(refused_too.value.body, dict) and refused_too.value.body["type"] == "error"
        assert proxy.stop(signal.SIGTERM) == 2
    stderr = proxy.stderr()
    assert "Traceback" not in stderr
    said = [line for line in stderr.splitlines() if line.startswith(("ssetape record:", "Error:"))]
    assert len(said) == 2, stderr  # once when it happened, once as the reason for the exit code
    assert "incomplete: RecordingFailed: the recording into" in stderr  # the line of the stream it cut
    assert said[0].startswith(f"ssetape record: the recording into {out} cannot be written (No space left on device)")
    assert said[1].startswith("Error: ") and f"ssetape record --recover --out {out}" in said[1]
    assert journal_path(out).exists()
    remount(tiny_disk, "size=4m")
    recovered = run_command("--recover", "--out", str(out))
    assert recovered.returncode == 0, recovered.stderr
    small, big = load(out).interactions
    assert small.complete and not big.complete
    assert 0 < len(big.response.body_bytes) <= len(received)
    assert received.startswith(big.response.body_bytes)


def test_the_transport_on_a_full_disk_says_so_once_and_answers_503(
    tiny_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = Scripted([EVENT] * BIG)
    transport = RecordingTransport(tiny_disk / "c.json", mock_transport(httpx2, script))
    with httpx2.Client(transport=transport) as client:
        assert len(client.get("https://api.openai.com/v1/x").content) == BIG * len(EVENT)
        claude = anthropic.Anthropic(api_key="k", http_client=client, max_retries=0)
        with pytest.raises(anthropic.InternalServerError) as refused:
            claude.messages.create(model="m", max_tokens=5, messages=[{"role": "user", "content": "hi"}])
        assert refused.value.status_code == 503 and refused.value.body["type"] == "error"  # type: ignore[index]
        gemini = client.post("https://generativelanguage.googleapis.com/v1beta/models/g:streamGenerateContent")
        assert json.loads(gemini.content)["error"]["status"] == "UNAVAILABLE"
        assert len(script.requests) == 1  # the refused ones never reached the upstream
        with pytest.raises(RecordError, match="cannot be written \\(No space left on device\\)"):
            transport.close()
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"ssetape: the recording into {tiny_disk / 'c.json'} cannot be written (No space left on device): "
        "later requests get a 503, nothing passes unrecorded"
    ]


def test_recording_into_a_read_only_place_is_one_line_and_exit_2(tiny_disk: Path) -> None:
    remount(tiny_disk, "ro")
    result = run("record", "--upstream", "http://127.0.0.1:9", "--out", str(tiny_disk / "c.yaml"), "--port", "0")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tiny_disk / 'c.yaml'}: cannot write the recording there (Read-only file system)\n"
