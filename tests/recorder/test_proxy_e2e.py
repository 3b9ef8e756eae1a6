"""``ssetape record`` end to end: the real openai SDK -> the proxy in its own process -> an upstream on loopback.

The emulated Assistants upstream (ssetape.fixtures.emulator) serves the SDK sessions; a small raw ASGI app
(``bad_upstream``) serves what the emulator never does: bodies that are not SSE or not UTF-8,
errors, compressed streams, stalls, a stream held back until the client has its first event, and
an echo of the headers it received.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import itertools
import json
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest
import uvicorn

from ssetape import replayer
from ssetape.fixtures.emulator import Upstream
from ssetape.fixtures.sessions import SESSIONS, Session
from ssetape.recorder import Cassette, load
from ssetape.recorder.proxy import read_journal
from tests.conftest import FIXTURES
from tests.oracle import LoggingHandler

ROOT = Path(__file__).resolve().parents[2]
#: The full command, as a user runs it (imports every command: slower to start).
SSETAPE_RECORD = [sys.executable, "-m", "ssetape", "record"]
#: The same click command, without importing the other commands first.
RECORD = [sys.executable, "-c", "from ssetape.cli.record import record; record(prog_name='ssetape record')"]

API_KEY = "sk-proj-Xq7secretkeyDoNotStore0123456789"
ORGANIZATION = "org-secretorgvalue"
PROJECT = "proj_secretprojectvalue"
COOKIE = "session=cookie-secret-value"
SECRETS = (API_KEY, ORGANIZATION, PROJECT, "cookie-secret-value")
#: The Assistants sessions (their handlers are what LoggingHandler logs).
ASSISTANT_SESSIONS = tuple(s for s in SESSIONS if getattr(s, "kind", "assistants") == "assistants")


# -- running the proxy -------------------------------------------------------------------------------------
@dataclass
class Proxy:
    process: subprocess.Popen[str]
    url: str
    log: Path

    @property
    def base_url(self) -> str:
        return self.url + "/v1"

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(30)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return code

    def stderr(self) -> str:
        return self.log.read_text()


_logs = itertools.count()


@contextlib.contextmanager
def proxy_process(
    tmp_path: Path, upstream: str, out: Path | str, *args: str, command: list[str] = RECORD, quiet: bool = True
) -> Iterator[Proxy]:
    log = tmp_path / f"proxy-{next(_logs)}.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [*command, "--upstream", upstream, "--out", str(out), "--port", "0", *(["--quiet"] * quiet), *args],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            cwd=ROOT,
        )
    proxy = Proxy(process, "", log)
    try:
        proxy.url = _first_line(process, log)
        yield proxy
    finally:
        proxy.stop()


def _first_line(process: subprocess.Popen[str], log: Path, timeout: float = 60) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise AssertionError(f"the proxy printed no URL within {timeout}s: {log.read_text()}")
    line = process.stdout.readline().strip()
    assert line.startswith("http://127.0.0.1:"), f"unexpected first line {line!r}: {log.read_text()}"
    return line


def run_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RECORD, *args], capture_output=True, text=True, cwd=ROOT, timeout=60)


def sdk(proxy: Proxy, **options: Any) -> openai.OpenAI:
    return openai.OpenAI(
        api_key=API_KEY,
        organization=ORGANIZATION,
        project=PROJECT,
        base_url=proxy.base_url,
        max_retries=0,
        default_headers={"Cookie": COOKIE},
        **options,
    )


@dataclass
class SessionRun:
    logs: list[list[dict[str, Any]]]
    error: str | None


def run_session(session: Session, client: openai.OpenAI) -> SessionRun:
    handlers: list[LoggingHandler] = []

    def factory() -> LoggingHandler:
        handlers.append(LoggingHandler())
        return handlers[-1]

    error = None
    try:
        session.run(client, factory)
    except Exception as exc:
        error = type(exc).__name__
    return SessionRun([handler.log for handler in handlers], error)


def files_text(directory: Path) -> str:
    return "\n".join(p.read_bytes().decode("latin-1") for p in directory.rglob("*") if p.is_file())


# -- every fixture session, recorded through one proxy and replayed --------------------------------------------
@dataclass
class Recorded:
    directory: Path
    cassette: Cassette
    live: dict[str, SessionRun]
    replayed: dict[str, SessionRun]
    upstream_requests: list[tuple[str, str]]
    returncode: int


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    tmp = tmp_path_factory.mktemp("sessions")
    out = tmp / "session.yaml"
    with Upstream(pace=0) as upstream:
        with proxy_process(tmp, upstream.base_url, out, command=SSETAPE_RECORD) as proxy:
            client = sdk(proxy)
            live = {session.name: run_session(session, client) for session in ASSISTANT_SESSIONS}
            returncode = proxy.stop()
        requests = list(upstream.requests)
    cassette = load(out)
    replay = replayer.openai_client(cassette)
    replayed = {session.name: run_session(session, replay) for session in ASSISTANT_SESSIONS}
    return Recorded(tmp, cassette, live, replayed, requests, returncode)


@pytest.mark.parametrize("name", [session.name for session in ASSISTANT_SESSIONS])
def test_each_session_replays_as_the_live_client_saw_it(recorded: Recorded, name: str) -> None:
    live, replayed = recorded.live[name], recorded.replayed[name]
    if name not in ("polling", "vector_store_uploads"):
        assert live.logs, "the session ran no stream"
    assert replayed.error == live.error
    assert replayed.logs == live.logs


def test_every_request_is_in_the_cassette_in_order_and_the_command_exits_0(recorded: Recorded) -> None:
    assert recorded.returncode == 0
    recorded_requests = [(i.request.method, i.request.uri.split("?")[0]) for i in recorded.cassette.interactions]
    assert [(m, u.split("127.0.0.1:", 1)[1].split("/", 1)[1]) for m, u in recorded_requests] == [
        (method, path.lstrip("/")) for method, path in recorded.upstream_requests
    ]
    assert not list(recorded.directory.glob(".*journal*")), "a clean exit removes the journal"


def test_the_cut_stream_is_recorded_incomplete_with_what_arrived(recorded: Recorded) -> None:
    cut = [i for i in recorded.cassette.interactions if i.streamed and not i.complete]
    assert len(cut) == 1
    recording = cut[0].response.ssetape
    assert recording is not None and recording.error is not None
    assert recording.error.type == "RemoteProtocolError"
    assert not cut[0].response.body_bytes.endswith(b"\n\n"), "it stops inside an event"
    assert recorded.live["connection_cut"].error == "RemoteProtocolError"


def test_secrets_never_reach_disk(recorded: Recorded) -> None:
    text = files_text(recorded.directory)
    for secret in SECRETS:
        assert secret not in text
    request = recorded.cassette.interactions[0].request
    for header in ("authorization", "openai-organization", "openai-project", "cookie"):
        assert request.headers[header] == ["REDACTED"], header
    assert run_scan(str(recorded.directory / "session.yaml")).returncode == 0


def run_scan(*paths: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from ssetape.cli.scan import scan; scan(prog_name='ssetape scan')"]
    return subprocess.run([*command, *paths], capture_output=True, text=True, cwd=ROOT, timeout=60)


# -- concurrency -------------------------------------------------------------------------------------------
def test_fifty_simultaneous_streams_are_each_recorded_whole_and_apart(tmp_path: Path) -> None:
    out = tmp_path / "many.yaml"
    streams = 50
    with Upstream(pace=0.05) as upstream, proxy_process(tmp_path, upstream.base_url, out) as proxy:
        client = sdk(proxy)
        threads = [client.beta.threads.create().id for _ in range(streams)]
        start = threading.Barrier(streams)
        texts: dict[str, str] = {}

        def stream(thread_id: str) -> None:
            client.beta.threads.messages.create(thread_id=thread_id, role="user", content="hello")
            start.wait(30)
            with client.beta.threads.runs.stream(
                thread_id=thread_id, assistant_id="asst_text", metadata={"deltas": "25"}
            ) as run:
                run.until_done()
                texts[thread_id] = "".join(
                    part.text.value for m in run.get_final_messages() for part in m.content if part.type == "text"
                )

        workers = [threading.Thread(target=stream, args=(t,)) for t in threads]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert len(texts) == streams
        assert proxy.stop() == 0
    cassette = load(out)
    runs = [i for i in cassette.interactions if i.streamed]
    assert len(runs) == streams
    assert len(cassette.interactions) == 3 * streams
    seen = set()
    for interaction in runs:
        assert interaction.complete
        thread_id = interaction.request.uri.split("/threads/")[1].split("/")[0]
        events = [e for e in _events(interaction.response.body_bytes) if e["data"] != "[DONE]"]
        owners = {json.loads(e["data"]).get("thread_id") for e in events} - {None}
        assert owners == {thread_id}, "events of another stream got in"
        deltas = [
            json.loads(e["data"])["delta"]["content"][0]["text"]["value"]
            for e in events
            if e["event"] == "thread.message.delta"
        ]
        assert "".join(deltas) == texts[thread_id]
        seen.add(thread_id)
    assert seen == set(threads)


def _events(body: bytes) -> list[dict[str, str]]:
    from ssetape.recorder.sse import decode

    return [{"event": e.event, "data": e.data} for e in decode(body)]


# -- crash safety ------------------------------------------------------------------------------------------
def _stream_until(proxy: Proxy, events: int, seen: list[str]) -> threading.Thread:
    """Start a long streamed run; return once the client has seen ``events`` events (still streaming)."""
    client = sdk(proxy)
    reached = threading.Event()

    class Handler(LoggingHandler):
        def on_event(self, event: Any) -> None:
            seen.append(event.event)
            if len(seen) >= events:
                reached.set()

    def run() -> None:
        with contextlib.suppress(Exception):
            thread = client.beta.threads.create()
            client.beta.threads.messages.create(thread_id=thread.id, role="user", content="hi")
            with client.beta.threads.runs.stream(
                thread_id=thread.id, assistant_id="asst_text", metadata={"deltas": "400"}, event_handler=Handler()
            ) as stream:
                stream.until_done()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    assert reached.wait(30), "the stream never got going"
    return worker


def test_kill_9_mid_stream_loses_nothing_that_arrived(tmp_path: Path) -> None:
    out = tmp_path / "crash.yaml"
    seen: list[str] = []
    with Upstream(pace=0.3) as upstream:
        with proxy_process(tmp_path, upstream.base_url, out) as proxy:
            worker = _stream_until(proxy, 12, seen)
            proxy.process.kill()  # SIGKILL: no chance to save anything
            proxy.process.wait(10)
            at_kill = len(seen)
            worker.join(10)
        journal = tmp_path / ".crash.yaml.journal"
        assert journal.exists()
        if out.exists():
            load(out)  # whatever is there parses
        found = read_journal(journal)
        assert found.interrupted == 1

        recovered = run_command("--out", str(out), "--recover")
        assert recovered.returncode == 0, recovered.stderr
        assert not journal.exists()

    cassette = load(out)
    assert [i.request.method for i in cassette.interactions] == ["POST", "POST", "POST"]
    stream = cassette.interactions[2]
    assert stream.streamed and not stream.complete
    recording = stream.response.ssetape
    assert recording is not None and recording.error is not None
    assert recording.error.type == "RecordingInterrupted"
    names = [e["event"] for e in _events(stream.response.body_bytes)]
    assert names == seen[: len(names)], "the recovered events are the ones the client saw"
    assert len(names) >= at_kill  # every chunk is journaled before the client is sent it
    # Replayed, the recovered stream fails as the live one did: a dropped connection, after the same events.
    replay = replayer.openai_client(cassette)
    log: list[str] = []

    class Handler(LoggingHandler):
        def on_event(self, event: Any) -> None:
            log.append(event.event)

    thread = replay.beta.threads.create()
    replay.beta.threads.messages.create(thread_id=thread.id, role="user", content="hi")
    with pytest.raises(httpx2.RemoteProtocolError):
        with replay.beta.threads.runs.stream(
            thread_id=thread.id, assistant_id="asst_text", metadata={"deltas": "400"}, event_handler=Handler()
        ) as replayed:
            replayed.until_done()
    assert log == names


def test_sigterm_records_the_stream_in_flight_and_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "stopped.json"
    seen: list[str] = []
    with Upstream(pace=0.3) as upstream, proxy_process(tmp_path, upstream.base_url, out, "--grace", "0") as proxy:
        worker = _stream_until(proxy, 5, seen)
        assert proxy.stop(signal.SIGTERM) == 0
        worker.join(10)
    cassette = load(out)
    stream = cassette.interactions[-1]
    assert stream.streamed and not stream.complete
    assert stream.response.ssetape is not None and stream.response.ssetape.error is not None
    assert stream.response.ssetape.error.type == "RecordingStopped"
    assert len(_events(stream.response.body_bytes)) >= 5
    assert not (tmp_path / ".stopped.json.journal").exists()


def test_append_recovers_first_then_adds(tmp_path: Path) -> None:
    out = tmp_path / "append.yaml"
    with Upstream(pace=0.3) as upstream:
        with proxy_process(tmp_path, upstream.base_url, out) as proxy:
            _stream_until(proxy, 3, [])
            proxy.stop(signal.SIGKILL)
        with proxy_process(tmp_path, upstream.base_url, out, "--append") as proxy:
            sdk(proxy).beta.threads.create()
            assert proxy.stop() == 0
    methods = [(i.request.method, i.complete) for i in load(out).interactions]
    assert methods == [("POST", True), ("POST", True), ("POST", False), ("POST", True)]


def test_a_recording_still_running_is_not_recovered_overwritten_or_joined(tmp_path: Path) -> None:
    out = tmp_path / "live.yaml"
    seen: list[str] = []
    with Upstream(pace=0.3) as upstream, proxy_process(tmp_path, upstream.base_url, out) as proxy:
        worker = _stream_until(proxy, 3, seen)
        journal = tmp_path / ".live.yaml.journal"
        before = journal.read_bytes()
        for args in (["--recover"], ["--upstream", upstream.base_url, "--port", "0", "--overwrite"]):
            refused = run_command("--out", str(out), *args)
            assert refused.returncode == 2, refused.stderr
            assert f"ssetape record (process {proxy.process.pid}) is recording there now" in refused.stderr
            assert refused.stderr.count("\n") == 1
        assert journal.exists() and journal.read_bytes().startswith(before)  # still the running proxy's
        assert proxy.stop() == 0
        worker.join(10)
    assert len(_events(load(out).interactions[-1].response.body_bytes)) >= len(seen) >= 3


def test_a_second_signal_during_the_last_save_does_not_cut_it_short(tmp_path: Path) -> None:
    out = tmp_path / "twice.yaml"
    fixture = load(FIXTURES / "text.yaml")
    Cassette(interactions=fixture.interactions * 150).save(out)  # a last save long enough to signal into
    with Upstream(pace=0) as upstream:
        with proxy_process(tmp_path, upstream.base_url, out, "--grace", "0", "--append") as proxy:
            sdk(proxy).beta.threads.create()
            proxy.process.send_signal(signal.SIGINT)
            for _ in range(40):  # what timeout(1) or a supervisor sends next, to the whole process group
                time.sleep(0.005)
                proxy.process.send_signal(signal.SIGTERM)
            assert proxy.stop() == 0, proxy.stderr()
    assert len(load(out).interactions) == len(fixture.interactions) * 150 + 1
    assert not (tmp_path / ".twice.yaml.journal").exists()
    assert "Traceback" not in proxy.stderr() and "Aborted" not in proxy.stderr()
    assert proxy.stderr().count("still saving") <= 1


def test_a_sigterm_as_soon_as_the_url_is_out_still_saves(tmp_path: Path) -> None:
    out = tmp_path / "early.yaml"
    with proxy_process(tmp_path, "http://127.0.0.1:9", out) as proxy:
        assert proxy.stop(signal.SIGTERM) == 0, proxy.stderr()
    assert load(out).interactions == []
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".log")) == ["early.yaml"]


def test_recovering_removes_the_half_written_files_of_saves_the_crash_cut_short(tmp_path: Path) -> None:
    out = tmp_path / "cut.yaml"
    with Upstream(pace=0.3) as upstream, proxy_process(tmp_path, upstream.base_url, out) as proxy:
        _stream_until(proxy, 3, [])
        proxy.stop(signal.SIGKILL)
    half = tmp_path / ".cut.yaml.k2j4_x9a.tmp"  # as write_atomically names them
    half.write_text("interactions:\n- request:")
    other = tmp_path / ".notes.tmp"
    other.write_text("not ours")
    recovered = run_command("--out", str(out), "--recover")
    assert recovered.returncode == 0, recovered.stderr
    assert not half.exists() and other.exists()


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--port", "99999", "99999 is not in the range 0<=x<=65535"),
        ("--connect-timeout", "nan", "nan is not a number of seconds over 0"),
        ("--timeout", "-1", "-1 is not a number of seconds over 0"),
        ("--grace", "-2", "-2 is not a number of seconds of 0 or more"),
    ],
)
def test_a_port_or_a_time_out_of_range_is_a_usage_error(tmp_path: Path, option: str, value: str, said: str) -> None:
    refused = run_command("--upstream", "http://127.0.0.1:9", "--out", str(tmp_path / "x.yaml"), option, value)
    assert refused.returncode == 2 and said in refused.stderr and "Traceback" not in refused.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_upstream_url_with_credentials_or_an_output_that_cannot_be_made_is_refused_in_one_line(
    tmp_path: Path,
) -> None:
    """A password in --upstream would be printed and never sent (the proxy passes on the client's Authorization);
    an --out whose directory cannot be made is the output's fault, not 'could not listen'."""
    refused = run_command("--upstream", "http://alice:s3cretPassw0rd@127.0.0.1:9", "--out", str(tmp_path / "x.yaml"))
    assert refused.returncode == 2 and "s3cretPassw0rd" not in refused.stderr
    assert "give the upstream URL without credentials" in refused.stderr
    (tmp_path / "afile").write_text("")
    refused = run_command(
        "--upstream", "http://127.0.0.1:9", "--port", "0", "--out", str(tmp_path / "afile" / "sub") + "/"
    )
    assert refused.returncode == 2 and refused.stderr.strip().endswith(
        "cannot write the recording there (Not a directory)"
    )
    assert "listen" not in refused.stderr and refused.stderr.count("\n") == 1


def test_the_last_status_line_is_one_line_in_a_log(tmp_path: Path) -> None:
    out = tmp_path / ("a-cassette-with-a-name-long-enough-to-pass-the-width-of-a-terminal-" * 2 + ".yaml")
    with proxy_process(tmp_path, "http://127.0.0.1:9", out) as proxy:
        assert proxy.stop() == 0
    (last,) = [line for line in proxy.stderr().splitlines() if "recording" in line and "→" in line]
    assert last.endswith(str(out))


# -- refusing, binding, splitting ------------------------------------------------------------------------------
def test_an_existing_cassette_is_never_overwritten_unless_asked(tmp_path: Path) -> None:
    out = tmp_path / "kept.yaml"
    Cassette().save(out)
    before = out.read_bytes()
    refused = run_command("--upstream", "http://127.0.0.1:9", "--out", str(out), "--port", "0")
    assert refused.returncode == 2
    assert "--overwrite" in refused.stderr and "--append" in refused.stderr
    assert out.read_bytes() == before


def test_out_dir_gives_each_streamed_run_its_own_cassette(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    by_name = {session.name: session for session in ASSISTANT_SESSIONS}
    with Upstream(pace=0) as upstream, proxy_process(tmp_path, upstream.base_url, f"{out}/") as proxy:
        client = sdk(proxy)
        live = {name: run_session(by_name[name], client) for name in ("text", "function_calling", "polling")}
        assert proxy.stop() == 0
        requests = len(upstream.requests)
    files = sorted(out.glob("*.yaml"))
    runs = [f for f in files if "-run_" in f.name]
    assert len(runs) == 2, [f.name for f in files]
    function_run = next(f for f in runs if len(load(f).streams()) == 2)  # both streams of the same run
    text_run = next(f for f in runs if f != function_run)
    assert [i.request.method for i in load(text_run).interactions] == ["POST", "POST", "POST"]  # thread, message, run
    # Each per-run cassette replays on its own, with the session's own code.
    assert run_session(by_name["text"], replayer.openai_client(text_run)).logs == live["text"].logs
    assert (
        run_session(by_name["function_calling"], replayer.openai_client(function_run)).logs
        == live["function_calling"].logs
    )
    assert sum(len(load(f).interactions) for f in files) == requests, "every request is in one cassette"
    leftovers = [f for f in files if f not in runs]
    assert any("thread_" in f.name for f in leftovers), "the polling session's thread has a cassette of its own"


# -- an upstream that misbehaves -----------------------------------------------------------------------------
GATE = threading.Event()
SSE = [b'event: a\ndata: {"n": 1}\n\n', b'event: b\ndata: {"n": 2}\n\n', b"event: done\ndata: [DONE]\n\n"]
GZIPPED = gzip.compress(b"".join(SSE))


async def bad_upstream(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    path = scope["path"]

    async def start(status: int, headers: list[tuple[bytes, bytes]]) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})

    async def chunk(data: bytes, more: bool = True) -> None:
        await send({"type": "http.response.body", "body": data, "more_body": more})

    sse = [(b"content-type", b"text/event-stream")]
    if path == "/v1/echo":
        echo = {"headers": [[k.decode(), v.decode()] for k, v in scope["headers"]], "body": body.decode()}
        await start(
            200,
            [
                (b"content-type", b"application/json"),
                (b"keep-alive", b"timeout=99"),
                (b"proxy-authenticate", b"Basic"),
                (b"x-upstream", b"yes"),
            ],
        )
        await chunk(json.dumps(echo).encode(), more=False)
    elif path == "/v1/set-cookie":
        await start(200, [(b"content-type", b"application/json"), (b"set-cookie", b"upstream=kept-by-whom; Path=/")])
        await chunk(b"{}", more=False)
    elif path == "/v1/body":
        await start(200, [(b"content-type", b"application/json")])
        await chunk(body, more=False)
    elif path == "/v1/gate":
        await start(200, sse)
        await chunk(SSE[0])
        await asyncio.to_thread(GATE.wait, 10)  # held back until the client has the first event
        await chunk(SSE[1])
        await chunk(SSE[2], more=False)
    elif path == "/v1/html":
        await start(200, [(b"content-type", b"text/html"), (b"content-length", b"21")])
        await chunk(b"<html>not sse</html>\n", more=False)
    elif path == "/v1/not-utf8":
        await start(200, sse)
        await chunk(b"data: \xff\xfe not utf-8 \xc3\n\n")
        await chunk(b"data: ok\n\n", more=False)
    elif path == "/v1/error500":
        await start(500, [(b"content-type", b"application/json")])
        await chunk(b'{"error": {"message": "boom", "type": "server_error"}}', more=False)
    elif path == "/v1/gzip":
        await start(200, [*sse, (b"content-encoding", b"gzip")])
        for piece in (GZIPPED[:10], GZIPPED[10:40], GZIPPED[40:]):
            await chunk(piece)
        await chunk(b"", more=False)
    elif path == "/v1/slow-headers":
        await asyncio.sleep(3)
        await start(200, sse)
        await chunk(SSE[2], more=False)
    elif path == "/v1/stall":
        await start(200, sse)
        await chunk(SSE[0])
        await asyncio.sleep(3)
        await chunk(SSE[2], more=False)
    else:
        await start(404, [(b"content-type", b"application/json")])
        await chunk(b'{"error": {"message": "no such route"}}', more=False)


@contextlib.contextmanager
def serve(app: Any) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, lifespan="off", log_level="critical", access_log=False, ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the test upstream did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        GATE.set()
        server.should_exit = True
        thread.join(10)
        sock.close()


@dataclass
class Bad:
    upstream: str
    proxy: Proxy
    out: Path


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bad]:
    tmp = tmp_path_factory.mktemp("bad")
    out = tmp / "bad.yaml"
    args = ("--timeout", "1", "--redact-header", "X-Custom", "--redact-json-field", "metadata.user_email")
    with serve(bad_upstream) as upstream, proxy_process(tmp, upstream, out, *args) as proxy:
        yield Bad(upstream, proxy, out)


def _recorded(bad: Bad, path: str, where: Callable[[Any], bool] = lambda interaction: True) -> Any:
    """The last interaction for ``path``, once the proxy has saved it (it saves in the background)."""
    deadline = time.monotonic() + 15
    while True:
        if bad.out.exists():
            matches = [i for i in load(bad.out).interactions if i.request.uri.split("?")[0].endswith(path) and where(i)]
            if matches:
                return matches[-1]
        assert time.monotonic() < deadline, f"{path} was not recorded"
        time.sleep(0.1)


def test_the_client_gets_the_first_event_while_the_upstream_holds_the_rest(bad: Bad) -> None:
    GATE.clear()
    with httpx2.Client(timeout=10) as client, client.stream("GET", bad.proxy.base_url + "/gate") as response:
        chunks = response.iter_raw()
        first = next(chunks)
        assert first == SSE[0]  # a buffering proxy would still be waiting for the upstream here
        GATE.set()
        assert first + b"".join(chunks) == b"".join(SSE)
    interaction = _recorded(bad, "/gate")
    assert interaction.complete
    chunks = [c.data for c in interaction.chunks()]
    assert chunks[0] == SSE[0] and b"".join(chunks) == b"".join(SSE)
    times = [c.at for c in interaction.chunks()]
    assert times == sorted(times)


@pytest.mark.parametrize("path", ["/html", "/not-utf8", "/error500", "/gzip", "/echo"])
def test_bodies_pass_through_byte_for_byte_and_are_recorded_as_received(bad: Bad, path: str) -> None:
    with httpx2.Client(timeout=10) as client:
        direct = client.get(bad.upstream + "/v1" + path)
        proxied = client.get(bad.proxy.base_url + path)
    assert proxied.status_code == direct.status_code
    if path != "/echo":
        assert proxied.content == direct.content  # decoded by the client: gzip arrived as gzip
        assert proxied.headers.get("content-encoding") == direct.headers.get("content-encoding")
    interaction = _recorded(bad, path)
    assert interaction.complete
    assert interaction.response.status.code == direct.status_code
    if path != "/echo":
        assert interaction.response.body_bytes == direct.content  # stored decoded
    replay = httpx2.Client(transport=replayer.ReplayTransport(Cassette(interactions=[interaction])))
    assert replay.get("http://api.test/v1" + path).content == interaction.response.body_bytes


def test_hop_by_hop_headers_stay_on_their_hop_and_host_is_the_upstreams(bad: Bad) -> None:
    headers = {
        "Connection": "keep-alive, X-Hop",
        "X-Hop": "only for the proxy",
        "Keep-Alive": "timeout=5",
        "TE": "trailers",
        "Proxy-Authorization": "Basic c2VjcmV0",
        "Host": "evil.example",
        "X-End-To-End": "kept",
    }
    with httpx2.Client(timeout=10) as client:
        response = client.post(bad.proxy.base_url + "/echo", headers=headers, json={"a": 1})
    received = {name: value for name, value in response.json()["headers"]}
    for name in ("x-hop", "keep-alive", "te", "proxy-authorization"):
        assert name not in received, name
    assert received.get("connection", "keep-alive") == "keep-alive"  # the proxy's own connection, if any
    assert received["host"] == bad.upstream.removeprefix("http://")
    assert received["x-end-to-end"] == "kept"
    assert response.json()["body"] == '{"a":1}'
    assert "keep-alive" not in response.headers and "proxy-authenticate" not in response.headers
    assert response.headers["x-upstream"] == "yes"


def test_the_upstreams_cookies_go_to_the_client_and_are_never_sent_for_it(tmp_path: Path) -> None:
    """A Set-Cookie reaches the client; the proxy keeps no cookie jar of its own that would add it to the
    next request (one the client sent without it, and whose recording would not show it)."""
    with serve(bad_upstream) as upstream:
        by_name = upstream.replace("127.0.0.1", "localhost")  # a jar takes cookies from a host name, not an IP
        with proxy_process(tmp_path, by_name, tmp_path / "c.yaml") as proxy, httpx2.Client(timeout=10) as client:
            assert client.get(proxy.base_url + "/set-cookie").headers["set-cookie"].startswith("upstream=")
            client.cookies.clear()
            received = dict(client.get(proxy.base_url + "/echo").json()["headers"])
    assert "cookie" not in received


def test_only_paths_are_forwarded_never_another_host(bad: Bad) -> None:
    host, port = bad.proxy.url.removeprefix("http://").split(":")
    for request_line, status in (
        (b"GET http://example.com/v1/echo HTTP/1.1", b"400"),
        (b"CONNECT example.com:443 HTTP/1.1", b"405"),
    ):
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(request_line + b"\r\nHost: example.com\r\nConnection: close\r\n\r\n")
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        assert answer.split(b" ")[1] == status, answer[:200]


def test_upstream_timeouts_reach_the_client_and_the_cassette(bad: Bad) -> None:
    with httpx2.Client(timeout=10) as client:
        slow = client.get(bad.proxy.base_url + "/slow-headers")
        assert slow.status_code == 504
        assert slow.json()["error"]["code"] == "ReadTimeout"
        with pytest.raises(httpx2.RemoteProtocolError), client.stream("GET", bad.proxy.base_url + "/stall") as stalled:
            assert b"".join(stalled.iter_raw()).startswith(SSE[0])
    assert _recorded(bad, "/slow-headers").response.status.code == 504
    stall = _recorded(bad, "/stall")
    assert not stall.complete
    assert stall.response.ssetape is not None and stall.response.ssetape.error is not None
    assert stall.response.ssetape.error.type == "ReadTimeout"
    assert stall.response.body_bytes == SSE[0]


def test_a_client_that_gives_up_before_the_answer_takes_the_upstream_request_with_it(bad: Bad) -> None:
    with httpx2.Client(timeout=0.3) as client, pytest.raises(httpx2.ReadTimeout):
        client.get(bad.proxy.base_url + "/slow-headers?gave-up=1")  # closes its connection: nobody is waiting now
    time.sleep(1.2)  # past the proxy's --timeout 1: a proxy still waiting would have recorded a 504 by now
    with httpx2.Client(timeout=10) as client:
        assert client.get(bad.proxy.base_url + "/echo?after=gave-up").status_code == 200
    _recorded(bad, "/echo", lambda interaction: "after=gave-up" in interaction.request.uri)
    assert not [i for i in load(bad.out).interactions if "gave-up=1" in i.request.uri]


def test_redaction_options_keep_more_secrets_off_disk(bad: Bad) -> None:
    with httpx2.Client(timeout=10) as client:
        response = client.post(
            bad.proxy.base_url + "/body",
            headers={"X-Custom": "custom-secret-header", "Authorization": f"Bearer {API_KEY}"},
            json={"metadata": {"user_email": "someone@example.com", "team": "blue"}},
        )
    assert response.json() == {"metadata": {"user_email": "someone@example.com", "team": "blue"}}  # passed as is
    interaction = _recorded(bad, "/body")
    assert json.loads(interaction.request.body_bytes) == {"metadata": {"user_email": "REDACTED", "team": "blue"}}
    assert interaction.request.headers["x-custom"] == ["REDACTED"]
    assert b"someone@example.com" not in interaction.response.body_bytes  # the echo, redacted in the response too
    on_disk = "".join(p.read_text("latin-1") for p in bad.out.parent.iterdir() if p.name.startswith(("bad", ".bad")))
    for secret in ("custom-secret-header", "someone@example.com", API_KEY):
        assert secret not in on_disk


def test_an_unreachable_upstream_is_a_502_and_recorded_and_the_url_is_loopback(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    out = tmp_path / "down.json"
    with proxy_process(tmp_path, closed, out) as proxy:
        assert proxy.url.startswith("http://127.0.0.1:")  # loopback unless --host says otherwise
        said = _wait_for(proxy.stderr, "GOOGLE_GEMINI_BASE_URL")
        assert "OPENAI_BASE_URL=" + proxy.url + "/v1 (openai)" in said  # each SDK's: the others add their paths
        assert f"ANTHROPIC_BASE_URL={proxy.url} (anthropic)" in said and f"GOOGLE_GEMINI_BASE_URL={proxy.url} " in said
        response = httpx2.get(proxy.base_url + "/models", timeout=10)
        assert response.status_code == 502
        assert response.headers["x-ssetape-error"] == "ConnectError"
        assert proxy.stop() == 0
    interaction = load(out).interactions[0]
    assert interaction.response.status.code == 502
    assert interaction.response.body_bytes == response.content


def _wait_for(read: Callable[[], str], text: str) -> str:
    deadline = time.monotonic() + 10
    while text not in (content := read()):
        assert time.monotonic() < deadline, content
        time.sleep(0.05)
    return content
