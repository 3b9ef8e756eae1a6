"""ssetape serve, run as a real process, answering the real openai client over loopback."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import httpx2
import openai
import pytest

from ssetape.fixtures.sessions import SESSION_BY_NAME
from ssetape.recorder import Cassette, load
from ssetape.replayer import ReplayServer
from tests.conftest import FIXTURES, ROOT
from tests.fixtures.test_cassettes import run_session
from tests.replayer.test_server import sdk_client_from_environment
from tests.ssetape.golden import run


@contextlib.contextmanager
def serving(cassette: Path, speed: str = "0") -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``ssetape serve cassette`` in a process of its own, with the first line it prints (a base URL)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ssetape", "serve", str(cassette), "--port", "0", "--speed", speed],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield process, process.stdout.readline().strip()  # printed before serving; the port is already bound
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[str], str]]:
    with serving(FIXTURES / "function_calling.yaml") as (process, base_url):
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1"), base_url
        yield process, base_url


def test_the_openai_client_runs_a_recorded_session_against_the_command(
    served: tuple[subprocess.Popen[str], str],
) -> None:
    process, base_url = served
    client = openai.OpenAI(base_url=base_url, api_key="sk-anything", max_retries=0)
    (first, second) = run_session(SESSION_BY_NAME["function_calling"], client)
    assert first["final_run"]["status"] == "requires_action"
    assert second["final_run"]["status"] == "completed"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    log = [line for line in stderr.splitlines() if "→" in line]
    assert log[0].startswith("POST /v1/threads/runs → 200 (interaction 0) in ")
    assert log[1].startswith("POST /v1/threads/thread_mog3aTMOL2M3CUjc9jGkIzfx/runs/run_AhY7NXjQcGB6lZo2J4h7FJmp/")


def test_sigterm_stops_it_with_exit_0_and_a_foreign_host_is_refused(
    served: tuple[subprocess.Popen[str], str],
) -> None:
    process, base_url = served
    port = base_url.split(":")[2].split("/")[0]
    refused = httpx2.get(base_url + "/models", headers={"host": f"attacker.example:{port}"}, timeout=10)
    assert refused.status_code == 421
    assert "attacker.example" in refused.json()["error"]["message"]
    for name in ("127.0.0.1", "localhost", "[::1]"):
        answered = httpx2.get(base_url + "/models", headers={"host": f"{name}:{port}"}, timeout=10)
        assert answered.status_code == 404, name  # served: no recording of GET /models
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_stopping_it_mid_stream_cuts_the_stream_in_one_line_and_exits_0(stop: signal.Signals) -> None:
    streaming, ended = threading.Event(), threading.Event()
    got: list[BaseException] = []

    def read(base_url: str) -> None:
        client = openai.OpenAI(base_url=base_url, api_key="sk-anything", max_retries=0)
        try:
            with client.with_options(timeout=30).chat.completions.create(**_chat_text_request()) as stream:
                for _ in stream:
                    streaming.set()
        except Exception as exc:
            got.append(exc)
        finally:
            ended.set()
            client.close()

    # At half speed the recorded stream lasts 17 s: far longer than the server's second of grace.
    with serving(FIXTURES / "chat_text.yaml", speed="0.5") as (process, base_url):
        threading.Thread(target=read, args=(base_url,), daemon=True).start()
        assert streaming.wait(30), f"the stream never started: {got}"
        process.send_signal(stop)
        _, stderr = process.communicate(timeout=30)
    assert ended.wait(30)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr and "CancelledError" not in stderr and "graceful shutdown" not in stderr
    (log,) = [line for line in stderr.splitlines() if "→" in line]
    assert log.startswith("POST /v1/chat/completions → 200 (interaction 0) in ")
    assert log.endswith(", cut off: the server stopped")
    assert [line for line in stderr.splitlines() if not line.startswith(("Serving ", "  "))] == [log]  # nothing else
    assert [type(exc) for exc in got] == [openai.APIConnectionError]  # the client sees the connection cut


def _chat_text_request() -> dict[str, Any]:
    """The recorded request (``stream`` in it)."""
    return json.loads(load(FIXTURES / "chat_text.yaml").interactions[0].request.body_bytes)


def test_each_api_of_a_cassette_gets_its_sdks_base_url_and_variable_and_each_sdk_replays_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ("chat_text", "anthropic_text", "gemini_text")
    mixed = Cassette(interactions=[item for name in names for item in load(FIXTURES / f"{name}.yaml").interactions])
    mixed.save(tmp_path / "mixed.yaml")
    with serving(tmp_path / "mixed.yaml") as (process, first):
        assert process.stdout is not None and process.stderr is not None
        urls = [first, *_lines(process.stdout, 1)]
        root = first.removesuffix("/v1")
        assert urls == [root + "/v1", root] and root.startswith("http://127.0.0.1:")
        heading, *said = _lines(process.stderr, 1 + len(names))
        assert heading.startswith(f"Serving {tmp_path / 'mixed.yaml'} (3 interactions) at speed 0")
        assert said == [
            f"  Chat Completions: OPENAI_BASE_URL={root}/v1",
            f"  Anthropic Messages: ANTHROPIC_BASE_URL={root}",
            f"  Gemini: GOOGLE_GEMINI_BASE_URL={root}",
        ]
        for name, line in zip(names, said, strict=True):
            variable, url = line.split(": ")[1].split("=")
            monkeypatch.setenv(variable, url)  # the SDK is given no base URL: it reads the variable, as an app does
            with sdk_client_from_environment(SESSION_BY_NAME[name]) as client:
                run_session(SESSION_BY_NAME[name], client)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert [line.split(" in ")[0] for line in stderr.splitlines()] == [
        "POST /v1/chat/completions → 200 (interaction 0)",
        "POST /v1/messages → 200 (interaction 1)",
        "POST /v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse → 200 (interaction 2)",
    ]


def _lines(stream: IO[str], count: int) -> list[str]:
    """The next ``count`` lines of a process's ``stream``, or those that came within 30 s (read in a thread: a pipe's
    readline waits for ever when the process says less than expected)."""
    got: list[str] = []

    def read() -> None:
        for _ in range(count):
            got.append(stream.readline().rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(30)
    return list(got)


def test_a_port_in_use_or_a_missing_cassette_exits_2(tmp_path: Path) -> None:
    with ReplayServer(FIXTURES / "text.yaml") as busy:
        result = run("serve", str(FIXTURES / "text.yaml"), "--port", str(busy.port))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{busy.port}: ")
    result = run("serve", str(tmp_path / "nope.yaml"))
    assert (result.exit_code, result.stderr) == (2, f"Error: {tmp_path / 'nope.yaml'}: no such cassette\n")


def test_help_has_an_example() -> None:
    result = run("serve", "--help")
    assert "OPENAI_BASE_URL=http://127.0.0.1:8000/v1" in result.stdout and "loopback by default" in result.stdout


def test_a_bad_ignored_path_is_a_one_line_error() -> None:
    from click.testing import CliRunner

    from ssetape.cli import main

    result = CliRunner().invoke(main, ["serve", str(FIXTURES / "text.yaml"), "--ignore-json-path", "a..b"])
    assert result.exit_code == 2
    assert "'a..b' is not a JSON field path" in result.output
    assert "Traceback" not in result.output


def test_a_request_nothing_matches_is_told_the_commands_own_options(served: tuple[subprocess.Popen[str], str]) -> None:
    _, base_url = served
    refused = httpx2.post(
        base_url + "/threads/runs",
        json={"assistant_id": "asst_other", "model": "gpt-5", "stream": True},
        headers={"authorization": "Bearer sk-anything"},
    )
    assert refused.status_code == 404
    message = refused.json()["error"]["message"]
    remedy = message.split("match without it: ")[1].splitlines()[0]
    assert remedy.startswith("--ignore-json-path ")
    assert "--ignore-json-path model" in remedy and "--ignore-json-path assistant_id" in remedy
    assert "ignore_json_paths=" not in message
