"""The recording proxy's parts on their own: headers, the journal and recovery, run ids, refusals, saves."""

from __future__ import annotations

import asyncio
import base64
import errno
import gc
import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ssetape.recorder import Cassette, Interaction, load
from ssetape.recorder.capture import Capture
from ssetape.recorder.cassette import Body, RecordedRequest, RecordedResponse, Recording, Status
from ssetape.recorder.errors import RecordError
from ssetape.recorder.proxy import OutputExistsError, ProxyOutput, UnrecoveredJournalError, read_journal, recover
from ssetape.recorder.proxy.client_side import ClientConnection
from ssetape.recorder.proxy.collection import Collections
from ssetape.recorder.proxy.exchange import Exchange, Relay
from ssetape.recorder.proxy.headers import REQUEST_ONLY, end_to_end
from ssetape.recorder.proxy.journal import Journal, journal_path
from ssetape.recorder.proxy.origin import DEFAULT_TIMEOUTS, upstream_origin
from ssetape.recorder.proxy.pool import Pool
from ssetape.recorder.proxy.recording import WORKER_NICENESS
from ssetape.recorder.proxy.saver import Saver
from ssetape.recorder.proxy.split import identify
from ssetape.recorder.proxy.upstream import UpstreamConnection

SSE = [
    b'event: thread.run.created\ndata: {"id":"run_A","object":"thread.run","thread_id":"thread_T"}\n\n',
    b'event: thread.message.delta\ndata: {"delta":{}}\n\n',
    b"event: done\ndata: [DONE]\n\n",
]


def test_hop_by_hop_headers_and_those_connection_names_are_dropped() -> None:
    headers = [
        (b"Connection", b"keep-alive, X-Private"),
        (b"X-Private", b"1"),
        (b"Keep-Alive", b"5"),
        (b"TE", b"trailers"),
        (b"Transfer-Encoding", b"chunked"),
        (b"Host", b"evil"),
        (b"X-Kept", b"2"),
        (b"Authorization", b"Bearer x"),
    ]
    assert end_to_end(headers, REQUEST_ONLY) == [(b"x-kept", b"2"), (b"authorization", b"Bearer x")]


def _capture(journal: Journal, key: int, finished: list[Interaction], **options: object) -> Capture:
    def on_finish(interaction: Interaction) -> None:
        journal.end(key, interaction)
        finished.append(interaction)

    capture = Capture(
        method="POST",
        url="https://api.openai.com/v1/threads/thread_T/runs",
        headers=[("authorization", "Bearer sk-secret")],
        body=b'{"stream":true}',
        on_finish=on_finish,
        on_chunk=lambda at, data: journal.chunk(key, at, data),
        **options,
    )
    journal.request(key, capture)
    return capture


def test_the_journal_gives_back_finished_and_interrupted_interactions(tmp_path: Path) -> None:
    journal = Journal(tmp_path / ".c.yaml.journal", base=2)
    finished: list[Interaction] = []
    done, cut, unanswered = (_capture(journal, key, finished) for key in range(3))
    for capture in (done, cut):
        capture.response(200, "OK", [("content-type", "text/event-stream")])
    for key, capture in ((0, done), (1, cut)):
        journal.response(key, capture)
    for chunk in SSE:
        done.chunk(chunk)
    done.finish()
    cut.chunk(SSE[0])
    cut.chunk(SSE[1][:10])
    journal.close(remove=False)
    with (tmp_path / ".c.yaml.journal").open("ab") as handle:
        handle.write(b'{"data":1,"at":0.5,"b":"dG9ybg')  # the write a crash cut short
    found = read_journal(tmp_path / ".c.yaml.journal")
    assert (found.base, found.interrupted, found.unanswered) == (2, 1, 1)
    by_key = found.by_key()
    assert by_key[0] == finished[0]  # exactly as it would have been saved
    assert not by_key[1].complete
    assert by_key[1].response.body_bytes == SSE[0] + SSE[1][:10]
    assert by_key[1].response.ssetape is not None and by_key[1].response.ssetape.error is not None
    assert by_key[1].response.ssetape.error.type == "RecordingInterrupted"
    assert "sk-secret" not in (tmp_path / ".c.yaml.journal").read_text()
    assert unanswered.request.headers["authorization"] == ["REDACTED"]


def test_journal_lines_are_what_the_json_module_writes() -> None:
    """The journal's encoder (its C part made once, not per line) writes what ``JSONEncoder.encode`` does."""
    from ssetape.recorder.proxy.journal import _ENCODER, _encode

    records = [
        {"req": 3, "at": "2026-12-07T18:00:00+00:00", "method": "GET", "uri": "http://h/v1?q=é&x=\u2028"},
        {"res": 3, "at": 0.000123, "code": 200, "message": "OK", "headers": {"a": ["b", 'q"\\\n\x00'], "ü": []}},
        {"end": 3, "error": None, "chunks": [[0.5, 10], [1e-7, 0], [float("inf"), 1]]},
        {"file": "x.yaml", "key": "run_\ud83d\ude00", "nested": {"deep": [True, False, None, -1.5, 10**30]}},
    ]
    for record in records:
        assert _encode(record) == _ENCODER.encode(record)


def test_journal_chunks_are_redacted_event_by_event(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j", base=0)
    finished: list[Interaction] = []
    capture = _capture(journal, 0, finished, redact_json=["thread_id"])
    capture.response(200, "OK", [("content-type", "text/event-stream")])
    journal.response(0, capture)
    stream = b"".join(SSE)
    for i in range(0, len(stream), 9):
        capture.chunk(stream[i : i + 9])
    capture.finish()
    assert "thread_T" not in (tmp_path / "j").read_text().replace("thread_T/runs", "")
    assert read_journal(tmp_path / "j").by_key()[0] == finished[0]


def test_the_exact_chunks_an_end_line_keeps_are_recovered_in_either_form(tmp_path: Path) -> None:
    """With a secret to take out of the response, the journal's chunk lines are split where the scrubber released
    them, so the end line keeps the chunks as they arrived: as two arrays' bytes, and in a journal written before
    them as a list of pairs, which recovery still reads. Damaged arrays are named as the journal's fault."""
    from ssetape.recorder.errors import CassetteDecodeError

    path = tmp_path / "j"
    journal = Journal(path, base=0)
    finished: list[Interaction] = []
    capture = _capture(journal, 0, finished)
    capture.response(200, "OK", [("content-type", "text/event-stream")])
    journal.response(0, capture)
    stream = b"".join(SSE)
    for i in range(0, len(stream), 9):
        capture.chunk(stream[i : i + 9], i / 9000 + 1e-7)
    capture.finish()
    journal.close(remove=False)
    recording = finished[0].response.ssetape
    assert recording is not None and len(recording.chunks) == len(range(0, len(stream), 9))
    assert read_journal(path).by_key()[0] == finished[0]
    *lines, end = path.read_text().splitlines()
    record = json.loads(end)
    assert set(record) == {"end", "error", "times", "sizes"}
    for replaced, recovers in (
        ({"chunks": [[at, size] for at, size in recording.chunks]}, True),
        ({"times": record["times"], "sizes": base64.b64encode(b"\x01" * 9).decode()}, False),
        ({"times": "not base64!", "sizes": record["sizes"]}, False),
    ):
        path.write_text("\n".join([*lines, json.dumps({"end": 0, "error": None, **replaced})]) + "\n")
        if recovers:
            assert read_journal(path).by_key()[0] == finished[0]
        else:
            with pytest.raises(CassetteDecodeError, match=r"j: not a journal ssetape can recover"):
                read_journal(path)


def test_recover_puts_journal_interactions_after_the_saved_ones(tmp_path: Path) -> None:
    out = tmp_path / "c.yaml"
    saved = load(Path(__file__).parents[2] / "fixtures" / "text.yaml")
    Cassette(interactions=saved.interactions[:2]).save(out)
    journal = Journal(journal_path(out), base=1)  # the second one was saved after the journal's base
    finished: list[Interaction] = []
    capture = _capture(journal, 0, finished)
    capture.response(200, "OK", [("content-type", "text/event-stream")])
    journal.response(0, capture)
    capture.chunk(SSE[0])
    journal.close(remove=False)
    found = recover(out)
    assert found is not None and found.interrupted == 1
    interactions = load(out).interactions
    assert len(interactions) == 2
    assert interactions[0] == saved.interactions[0]
    assert interactions[1].response.body_bytes == SSE[0]
    assert not journal_path(out).exists()
    assert recover(out) is None


def test_the_proxy_journals_a_request_before_it_is_sent_and_its_head_before_the_client_has_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request's line, redacted, is written when its recording begins, before it is sent upstream (should
    that write fail, the request is refused rather than sent: an answer that cannot be recorded may have cost
    the user), and its response's head in a line of its own before the head can reach the client."""
    out = tmp_path / "c.yaml"
    recording = ProxyOutput(out, serialize_in_subprocess=False)
    writes: list[bytes] = []
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: writes.append(bytes(data)) or real_write(fd, data))
    key, capture = recording.begin(
        "POST",
        "https://api.openai.com/v1/responses?key=sk-q",
        [("authorization", "Bearer sk-secret")],
        b'{"stream":true}',
    )
    assert len(writes) == 1
    request = json.loads(writes[0])
    assert "sk-secret" not in writes[0].decode() and "sk-q" not in writes[0].decode()
    assert request["req"] == key
    assert request["headers"] == capture.request.headers and request["uri"] == capture.request.uri
    capture.response(200, "OK", [("content-type", "text/event-stream"), ("x-echo", "sk-secret")])
    recording.responded(key)
    assert len(writes) == 2
    assert json.loads(writes[1])["res"] == key and "sk-secret" not in writes[1].decode()
    capture.chunk(SSE[0])
    recording.journal.close(remove=False)
    found = read_journal(journal_path(out))
    assert found.by_key()[key].request == capture.request
    monkeypatch.undo()
    recording.closed = True
    recording._saver.stop()


def _shape(value: object) -> object:
    """Which fields each model of an interaction was given, and the type of every value, all the way down."""
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        fields = sorted(type(value).model_fields)
        return type(value), sorted(value.model_fields_set), [_shape(getattr(value, name)) for name in fields]
    if isinstance(value, dict):
        return type(value), [(_shape(k), _shape(v)) for k, v in value.items()]
    if isinstance(value, list | tuple):
        return type(value), [_shape(item) for item in value]
    return type(value)


@pytest.mark.parametrize(
    ("headers", "body", "options", "status", "content_type", "chunks", "error"),
    [
        ([("authorization", "Bearer sk-secret")], b'{"stream":true}', {}, 200, "text/event-stream", SSE, None),
        (
            [],
            b"",
            {"redact_json": ["thread_id"]},
            200,
            "text/event-stream",
            [b"".join(SSE)[i : i + 7] for i in range(0, 140, 7)],
            None,
        ),
        (
            [("x-api-key", "sk-ant-k")],
            b"\xff\x00",
            {},
            201,
            "application/octet-stream",
            [b"\xff\xfe", b"sk-ant-k!"],
            None,
        ),
        ([], b"", {}, 500, "application/json", [b'{"error":"\xc3\xa9"}'], None),
        ([], b"", {}, 200, "text/event-stream", SSE[:1], RuntimeError("peer closed")),
        ([], b"", {}, 204, "", [], None),
    ],
)
def test_capture_builds_what_validation_does(
    headers: list[tuple[str, str]],
    body: bytes,
    options: dict[str, object],
    status: int,
    content_type: str,
    chunks: list[bytes],
    error: BaseException | None,
    tmp_path: Path,
) -> None:
    """The interaction a capture builds (its models constructed, not validated) is the one pydantic's validation
    makes of the same data: equal, the same fields given, values of the same types, written byte for byte the same;
    and the one the journal's recovery (validated, from its own lines) gives back."""
    from ssetape.recorder.writer import serialize

    journal = Journal(tmp_path / "j", base=0)
    finished: list[Interaction] = []
    capture = Capture(
        method="POST",
        url="https://api.openai.com/v1/threads/thread_T/runs?key=sk-q",
        headers=headers,
        body=body,
        on_finish=lambda i: (journal.end(0, i), finished.append(i)),
        on_chunk=lambda at, data: journal.chunk(0, at, data),
        **options,
    )  # type: ignore[arg-type]
    journal.request(0, capture)
    capture.response(status, "OK" if status == 200 else "", [("content-type", content_type)] if content_type else [])
    journal.response(0, capture)
    for chunk in chunks:
        capture.chunk(chunk)
    built = capture.finish(error)
    assert built is not None and finished == [built]
    journal.close(remove=False)
    recovered = read_journal(tmp_path / "j").by_key()[0]
    assert recovered == built and _shape(recovered.response.body) == _shape(built.response.body)
    request, response, recording = built.request, built.response, built.response.ssetape
    assert recording is not None
    validated = Interaction(  # what the capture built before, validating every model
        request=RecordedRequest(method=request.method, uri=request.uri, headers=request.headers, body=request.body),
        response=RecordedResponse(
            status=Status(code=response.status.code, message=response.status.message),
            headers=response.headers,
            body=Body(string=response.body.string),
            ssetape=Recording(
                recorded_at=recording.recorded_at,
                response_at=recording.response_at,
                chunks=list(recording.chunks),
                complete=recording.complete,
                error=recording.error,
            ),
        ),
    )
    assert validated == built and validated.model_dump() == built.model_dump()
    assert _shape(validated) == _shape(built)
    for name in ("c.yaml", "c.json"):
        assert serialize(Cassette(interactions=[built]), tmp_path / name) == serialize(
            Cassette(interactions=[validated]), tmp_path / name
        )


def test_a_recording_refuses_to_clobber_or_to_forget_a_crash(tmp_path: Path) -> None:
    out = tmp_path / "c.yaml"
    Cassette().save(out)
    with pytest.raises(OutputExistsError, match="--overwrite"):
        ProxyOutput(out)
    with pytest.raises(ValueError, match="exclude"):
        ProxyOutput(out, overwrite=True, append=True)
    journal_path(out).write_text('{"journal":1,"base":0}\n')
    with pytest.raises(UnrecoveredJournalError, match="--recover"):
        ProxyOutput(out, append=False)
    with pytest.raises(Exception, match=r"\.yaml"):
        ProxyOutput(tmp_path / "c.txt")
    recording = ProxyOutput(out, append=True)  # recovers (nothing) first
    recording.close()
    assert load(out).interactions == []
    assert not journal_path(out).exists()


def _interaction(uri: str, body: bytes, content_type: str) -> Interaction:
    finished: list[Interaction] = []
    capture = Capture(method="POST", url=uri, headers=[], body=b"", on_finish=finished.append)
    capture.response(200, "OK", [("content-type", content_type)])
    capture.chunk(body)
    return capture.finish()


@pytest.mark.parametrize(
    ("uri", "body", "content_type", "expected"),
    [
        ("https://x/v1/threads/thread_T/runs", b"".join(SSE), "text/event-stream", ("thread_T", "run_A")),
        (
            "https://x/v1/threads/runs",
            b'event: thread.created\ndata: {"id":"thread_N","object":"thread"}\n\n' + SSE[0],
            "text/event-stream",
            ("thread_N", "run_A"),
        ),
        (
            "https://x/v1/threads/thread_T/runs/run_B/submit_tool_outputs",
            SSE[1],
            "text/event-stream",
            ("thread_T", "run_B"),
        ),
        (
            "https://x/v1/chat/completions",
            b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk"}\n\n',
            "text/event-stream",
            (None, "chatcmpl-1"),
        ),
        (
            "https://x/v1/responses",
            b'event: response.created\ndata: {"response":{"id":"resp_1"}}\n\n',
            "text/event-stream",
            (None, "resp_1"),
        ),
        ("https://x/v1/threads", b'{"id":"thread_Z","object":"thread"}', "application/json", ("thread_Z", None)),
        ("https://x/v1/files", b'{"id":"file_1","object":"file"}', "application/json", (None, None)),
    ],
)
def test_run_and_thread_ids(uri: str, body: bytes, content_type: str, expected: tuple[str | None, str | None]) -> None:
    assert identify(_interaction(uri, body, content_type)) == expected


def test_saves_wait_while_streams_are_busy_but_not_forever() -> None:
    saves: list[float] = []
    busy = threading.Event()
    busy.set()
    saver = Saver(lambda: saves.append(time.monotonic()), busy=busy.is_set, min_interval=0.02, max_delay=0.3)
    started = time.monotonic()
    saver.request()
    time.sleep(0.15)
    assert saves == []  # still busy
    time.sleep(0.4)
    assert saves and saves[0] - started >= 0.28  # overdue: saved anyway
    busy.clear()
    saver.request()
    time.sleep(0.2)
    assert len(saves) == 2
    saver.close()
    assert len(saves) == 3  # close always saves


def test_a_recording_saves_once_requests_stop_not_in_the_gaps_between_them(tmp_path: Path) -> None:
    """A save rewrites the whole cassette (a second at 500 MB): while requests come one after another, each over
    before the next begins, no save runs in the gaps between them; one runs once a whole interval goes by with
    none."""
    saves: list[float] = []
    recording = ProxyOutput(
        tmp_path / "c.yaml",
        serialize_in_subprocess=False,
        save_interval=0.2,
        after_save=lambda idle: saves.append(time.monotonic()),
    )
    try:
        deadline = time.monotonic() + 1.0  # (a save overdue by max_delay, 5 s, would run anyway)
        while time.monotonic() < deadline:
            key, capture = recording.begin("GET", "http://127.0.0.1:9/v1/models", [], b"")
            capture.response(200, "OK", [("content-type", "application/json")])
            recording.responded(key)
            capture.chunk(b"{}")
            capture.finish()
            time.sleep(0.01)
        stopped = time.monotonic()
        assert saves == []
        time.sleep(1.0)
        assert saves and saves[0] - stopped >= 0.2
    finally:
        recording.close()
    assert len(load(tmp_path / "c.yaml").interactions) > 10


def test_the_listening_socket_lets_asyncio_turn_nagle_off(tmp_path: Path) -> None:
    """asyncio sets TCP_NODELAY on accepted connections only when the socket says IPPROTO_TCP; without it a
    small event waits for the client's delayed ACK (about 40 ms at the start of every stream)."""
    import socket

    from ssetape.recorder.proxy import RecordingProxy

    proxy = RecordingProxy("http://127.0.0.1:9", tmp_path / "c.yaml", port=0, quiet=True, live=False)
    try:
        assert proxy._socket.proto == socket.IPPROTO_TCP
        assert proxy._socket.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        assert proxy.url.startswith("http://127.0.0.1:")
    finally:
        proxy.recording.close()
        proxy._socket.close()


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_saves_serialize_each_interaction_once_and_match_the_writer(tmp_path: Path, suffix: str) -> None:
    """The proxy saves often; CassetteRecorder builds the file from per-interaction texts, which must add up
    to exactly what the writer writes for the whole cassette (and never fall back to serializing it all)."""
    from ssetape.recorder import session
    from ssetape.recorder.writer import serialize

    fixtures = sorted((Path(__file__).parents[2] / "fixtures").glob("*.yaml"))
    cassette = load(next(f for f in fixtures if f.name == "function_calling.yaml"))
    recorder = session.CassetteRecorder(tmp_path / f"c{suffix}")
    calls: list[int] = []
    original = session.serialize

    def counting(c: Cassette, path: Path) -> str:
        calls.append(len(c.interactions))
        return original(c, path)

    session.serialize = counting  # type: ignore[assignment]
    try:
        for interaction in cassette.interactions:
            recorder.add(interaction, recorder.ticket(), save=False)
            recorder.save()
    finally:
        session.serialize = original  # type: ignore[assignment]
    assert (tmp_path / f"c{suffix}").read_text() == serialize(cassette, tmp_path / f"c{suffix}")
    assert calls == [1] * len(cassette.interactions)


def test_a_finished_streams_events_are_counted_off_the_event_loop_but_all_counted(tmp_path: Path) -> None:
    """Finishing a stream must not decode it on the proxy's loop (a long one takes milliseconds, holding up
    every other stream); the status line's counts come out the same all the same."""
    from ssetape.recorder.capture import Capture as CaptureType

    lines: list[tuple[int, Callable[[], int]]] = []
    recording = ProxyOutput(
        tmp_path / "c.yaml",
        serialize_in_subprocess=False,
        save_interval=60,
        on_finish=lambda key, interaction, events: lines.append((key, events)),
    )
    decoded: list[int] = []
    original = CaptureType._decode

    def watched(capture: CaptureType) -> None:
        decoded.append(1)
        original(capture)

    try:
        key, capture = recording.begin("POST", "https://x/v1/threads/runs", [], b"{}")
        capture.response(200, "OK", [("content-type", "text/event-stream")])
        recording.responded(key)
        for chunk in SSE:
            capture.chunk(chunk)
        CaptureType._decode = watched  # type: ignore[method-assign]
        capture.finish()
        recording.settle()  # the interaction is built a turn of the event loop later
        assert decoded == []  # finishing decoded nothing
        assert recording.stats().events == len(SSE)
        assert [(finished, events()) for finished, events in lines] == [(key, len(SSE))]
    finally:
        CaptureType._decode = original  # type: ignore[method-assign]
        recording.close()


def test_an_interaction_that_cannot_be_built_stops_the_recording(tmp_path: Path) -> None:
    """The interaction is built after the stream's end has gone on (a turn of the event loop later): an error
    then is not lost, it stops the recording (new requests get a 503) as a disk that cannot take it does."""
    recording = ProxyOutput(tmp_path / "c.yaml", serialize_in_subprocess=False, save_interval=60)

    def refuse(interaction: Interaction, ticket: int) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    recording.output.add = refuse  # type: ignore[method-assign]
    key, capture = recording.begin("POST", "https://x/v1/threads/runs", [], b"{}")
    capture.response(200, "OK", [("content-type", "text/event-stream")])
    recording.responded(key)
    capture.chunk(SSE[0])
    assert capture.finish() is None  # handed to the recording to build
    recording.settle()
    assert recording.failure is not None and "Read-only file system" in recording.failure
    with pytest.raises(RecordError, match="--recover"):
        recording.close()


def test_no_full_collection_runs_by_itself_while_recording_and_tidying_runs_one_while_idle() -> None:
    """A full pass walks every interaction recorded so far (tens of ms, every stream stopped): CPython never
    starts one while the proxy runs; the saver's tidy does while nothing streams, then freezes the survivors
    (never while streams are in flight: what they leave in reference cycles would never be collected)."""
    passes: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    before = gc.get_threshold()
    collections = Collections()
    gc.callbacks.append(watch)
    try:
        collections.start()
        survivors = []
        for n in range(200_000):  # cyclic garbage and survivors: many young passes, and a full one due
            cycle: list[object] = [n]
            cycle.append(cycle)
            survivors.append([n])
        assert 1 in passes and 2 not in passes
        frozen = gc.get_freeze_count()
        collections.tidy(idle=False)  # streams in flight: not yet
        assert 2 not in passes and gc.get_freeze_count() == frozen
        collections.tidy(idle=True)
        assert passes[-1] == 2
        assert gc.get_freeze_count() >= frozen + len(survivors)  # left out of every later pass
        passes.clear()
        collections.tidy(idle=True)  # nothing is due: no pass
        assert passes == []
    finally:
        gc.callbacks.remove(watch)
        collections.stop()
    assert gc.get_threshold() == before


def test_no_young_pass_while_requests_wait_for_their_first_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    """A storm of requests keeps what each one starts alive: a young pass in the middle of it would walk all of
    that while every stream waits for its first byte. The passes wait until the last request held is released,
    or until ``MAX_HOLD`` has gone by (an answer can be long in coming), even when no request comes or goes."""
    from ssetape.recorder.proxy import collection

    passes: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    monkeypatch.setattr(collection, "MAX_HOLD", 0.05)

    async def storm() -> None:
        collections = Collections()
        gc.callbacks.append(watch)
        try:
            collections.hold()  # not started: nothing held
            assert gc.isenabled()
            collections.release()
            collections.start()
            collections.hold()
            collections.hold()
            kept = [[n] for n in range(20_000)]  # survivors: young passes would be due many times over
            assert passes == [] and not gc.isenabled()
            collections.release()
            assert not gc.isenabled()  # one is still waiting
            collections.release()
            assert gc.isenabled()
            for n in range(100):  # the pass that was due runs at the next allocations
                kept.append([n])
            assert passes
            collections.hold()
            assert not gc.isenabled()
            await asyncio.sleep(0.1)  # held too long, with nothing else happening: the passes go on
            assert gc.isenabled()
            collections.hold()  # still in the same long hold
            assert gc.isenabled()
            collections.release()
            collections.release()
            assert gc.isenabled() and len(kept) == 20_100
            collections.hold()  # a new hold after the last one ended
            assert not gc.isenabled()
        finally:
            gc.callbacks.remove(watch)
            collections.stop()

    asyncio.run(storm())
    assert gc.isenabled()


def test_the_serializing_worker_yields_the_cpu_to_the_streams(tmp_path: Path) -> None:
    """Serializing a long stream takes a few hundred milliseconds of CPU: the worker runs at a lower priority
    than the proxy, so that saves never slow the streams on a busy machine."""
    recording = ProxyOutput(tmp_path / "c.yaml")
    try:
        assert recording._pool is not None
        assert recording._pool.submit(os.nice, 0).result(timeout=60) == min(19, os.nice(0) + WORKER_NICENESS)
    finally:
        recording.close()


def test_streams_ending_together_are_built_one_a_turn_of_the_event_loop(tmp_path: Path) -> None:
    """Building an interaction takes a fraction of a millisecond: when many streams end at once, the streams
    still running wait for one build at most, never for all of them (nor for another thread's turn)."""
    recording = ProxyOutput(tmp_path / "c.yaml", serialize_in_subprocess=False, save_interval=60)
    built: list[int] = []

    async def streams_end() -> None:
        captures = []
        for _ in range(3):
            key, capture = recording.begin("POST", "https://x/v1/threads/runs", [], b"{}")
            capture.response(200, "OK", [("content-type", "text/event-stream")])
            recording.responded(key)
            capture.chunk(SSE[0])
            captures.append(capture)
        for capture in captures:
            capture.finish()
        built.append(recording.stats().interactions)  # nothing built on the streams' path
        for _ in captures:
            await asyncio.sleep(0)  # a turn of the loop
            built.append(recording.stats().interactions)

    try:
        asyncio.run(streams_end())
        assert built == [0, 1, 2, 3]
    finally:
        recording.close()
    assert len(load(tmp_path / "c.yaml").interactions) == 3


def test_settling_while_a_build_is_scheduled_leaves_the_next_turn_nothing_to_do(tmp_path: Path) -> None:
    """``settle`` builds at once what the event loop was due to build a turn later: that turn then finds
    nothing left and does nothing (it raised IndexError from the loop's callback before), and a stream that
    ends before that turn is built once, as usual."""
    recording = ProxyOutput(tmp_path / "c.yaml", serialize_in_subprocess=False, save_interval=60)
    failures: list[dict[str, object]] = []

    def stream() -> Capture:
        key, capture = recording.begin("POST", "https://x/v1/threads/runs", [], b"{}")
        capture.response(200, "OK", [("content-type", "text/event-stream")])
        recording.responded(key)
        capture.chunk(SSE[0])
        return capture

    async def settle_between() -> list[int]:
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: failures.append(context))
        stream().finish()  # its build is scheduled for the next turn
        recording.settle()
        built = [recording.stats().interactions]
        stream().finish()  # ends before that turn
        for _ in range(3):
            await asyncio.sleep(0)
        return [*built, recording.stats().interactions]

    try:
        assert asyncio.run(settle_between()) == [1, 2]
        assert failures == []
    finally:
        recording.close()
    assert len(load(tmp_path / "c.yaml").interactions) == 2


class _Socket:
    """A transport that keeps what is written to it, each ``write`` (one ``send``) apart, and calls ``on_write``
    first."""

    def __init__(self, on_write: Callable[[bytes], None] = lambda data: None) -> None:
        self.writes: list[bytes] = []
        self.closed = False
        self._on_write = on_write

    def write(self, data: bytes) -> None:
        self._on_write(data)
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def pause_reading(self) -> None: ...
    def resume_reading(self) -> None: ...


def _chunked(*pieces: bytes) -> bytes:
    return b"".join(b"%x\r\n%b\r\n" % (len(piece), piece) for piece in pieces)


def _relay_with_one_upstream(
    recording: ProxyOutput, on_client_write: Callable[[bytes], None]
) -> tuple[Relay, UpstreamConnection, ClientConnection, _Socket]:
    """A relay whose pool holds one kept-alive upstream connection, and a client connected to it, on sockets that
    keep what is written (called on the running event loop)."""
    origin = upstream_origin("http://127.0.0.1:9")
    relay = Relay(origin, recording, Pool(origin, DEFAULT_TIMEOUTS), DEFAULT_TIMEOUTS, set())
    upstream = UpstreamConnection(lambda connection: None)
    upstream.connection_made(_Socket())  # type: ignore[arg-type]
    relay.pool.release(upstream)
    client = ClientConnection(relay, set())
    client_socket = _Socket(on_client_write)
    client.connection_made(client_socket)  # type: ignore[arg-type]
    return relay, upstream, client, client_socket


def test_one_upstream_read_goes_to_the_client_in_one_send_after_the_journal_has_it(tmp_path: Path) -> None:
    """Head, body and end that come in one network read leave in one ``send`` (not one each: a system call and
    a wake-up of the client apiece); a body piece reaches the client only once the journal's ``write`` holding
    it has returned; pieces that come in reads of their own leave at once, each in its own ``send``."""
    recording = ProxyOutput(tmp_path / "c.yaml", serialize_in_subprocess=False, save_interval=60)
    journal = journal_path(tmp_path / "c.yaml")
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
    journaled_first: list[bool] = []

    def client_write(data: bytes) -> None:
        lines = [json.loads(line) for line in journal.read_bytes().splitlines()]
        key = max(line["req"] for line in lines if "req" in line)
        journaled = b"".join(base64.b64decode(line["b"]) for line in lines if line.get("data") == key)
        journaled_first.append(all(piece in journaled for piece in SSE if piece in data))

    async def exchange(*reads: bytes) -> list[bytes]:
        _, upstream, client, client_socket = _relay_with_one_upstream(recording, client_write)
        client.data_received(b"GET /v1/threads/runs HTTP/1.1\r\nHost: proxy\r\n\r\n")
        assert upstream.transport.writes == [b"GET /v1/threads/runs HTTP/1.1\r\nhost: 127.0.0.1:9\r\n\r\n"]  # type: ignore[union-attr]
        for read in reads:
            upstream.data_received(read)
        client.connection_lost(None)
        return client_socket.writes

    try:
        whole = asyncio.run(exchange(head + _chunked(*SSE) + b"0\r\n\r\n"))
        paced = [head, _chunked(SSE[0]), _chunked(SSE[1]), _chunked(SSE[2]) + b"0\r\n\r\n"]
        sent = asyncio.run(exchange(*paced))
        assert all(journaled_first) and len(journaled_first) == len(whole) + len(sent)
        assert whole == [head + _chunked(b"".join(SSE)) + b"0\r\n\r\n"]
        assert sent == paced
    finally:
        recording.close()
    bodies = [interaction.response.body_bytes for interaction in load(tmp_path / "c.yaml").interactions]
    assert bodies == [b"".join(SSE)] * 2


def test_no_young_collection_runs_from_a_requests_start_to_its_first_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A young pass walks everything a storm of requests keeps alive: none runs while a request's recording
    begins, is sent upstream, and waits for its answer, until the first byte of its body has gone to the client;
    then the passes that were due run."""
    stage = ["parsing"]
    passes: list[str] = []
    start = Exchange.start

    def starting(self: Exchange, request: object) -> None:
        stage[0] = "starting"
        start(self, request)  # type: ignore[arg-type]
        stage[0] = "waiting"

    def sent(data: bytes) -> None:
        if b"data:" in data:
            stage[0] = "sent"

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(stage[0])

    monkeypatch.setattr(Exchange, "start", starting)
    recording = ProxyOutput(tmp_path / "c.yaml", serialize_in_subprocess=False, save_interval=60)
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"

    async def exchange() -> None:
        relay, upstream, client, _ = _relay_with_one_upstream(recording, sent)
        relay.collections.start()
        gc.callbacks.append(watch)
        try:
            client.data_received(b"GET /v1/threads/runs HTTP/1.1\r\nHost: proxy\r\nAuthorization: Bearer sk-x\r\n\r\n")
            upstream.data_received(head)
            upstream.data_received(_chunked(SSE[0]))
            kept = [[n] for n in range(2_000)]  # allocations after the first byte: the passes due run
            upstream.data_received(_chunked(*SSE[1:]) + b"0\r\n\r\n")
            assert len(kept) == 2_000
        finally:
            gc.callbacks.remove(watch)
            relay.collections.stop()
        client.connection_lost(None)

    threshold = gc.get_threshold()
    gc.set_threshold(1, 1, 1)  # a young pass at nearly every allocation, unless held
    try:
        asyncio.run(exchange())
    finally:
        gc.set_threshold(*threshold)
        recording.close()
    assert "sent" in passes and not {"starting", "waiting"} & set(passes), passes


def test_the_line_of_a_finished_interaction_gives_its_index_in_the_cassette(tmp_path: Path) -> None:
    """What ls and inspect number: a request given up before its answer takes no index, and --append starts
    after what the cassette held (the proxy's count of requests said #1 and #0 for the cassette's 0 and 1)."""
    out = tmp_path / "c.yaml"
    numbers: list[int] = []
    for append in (False, True):
        recording = ProxyOutput(
            out,
            append=append,
            serialize_in_subprocess=False,
            on_finish=lambda index, interaction, events: numbers.append(index),
        )
        abandoned, _ = recording.begin("POST", "https://x/v1/messages", [], b"{}")
        recording.abandon(abandoned)  # the client left before any answer: nothing recorded
        key, capture = recording.begin("POST", "https://x/v1/messages", [], b"{}")
        capture.response(200, "OK", [("content-type", "application/json")])
        recording.responded(key)
        capture.chunk(b"{}")
        capture.finish()
        recording.settle()
        recording.close()
    assert numbers == [0, 1]
    assert len(load(out).interactions) == 2
