"""Injected faults make the SDK's handler react exactly as it does to the same failure on a real network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx2
import pytest

from ssetape import replayer
from ssetape.recorder import load
from ssetape.recorder.sse import decode
from ssetape.replayer import Fault, ReplayError
from tests.conftest import FIXTURES
from tests.oracle import LoggingHandler, sdk_log

CASSETTE = load(FIXTURES / "code_interpreter.yaml")
BODY = CASSETTE.interactions[CASSETTE.streams()[0]].response.body_bytes
EVENTS = decode(BODY)
MIDDLE = len(EVENTS) // 2


def replayed(*faults: Fault) -> tuple[list[dict[str, Any]], BaseException | None]:
    handler = LoggingHandler()
    with replayer.stream(CASSETTE, handler, faults=faults) as stream:
        try:
            stream.until_done()
        except Exception as exc:
            return handler.log, exc
    return handler.log, None


def before(index: int) -> bytes:
    return BODY[: EVENTS[index].start]


@pytest.mark.parametrize(
    ("fault", "body", "error"),
    [
        (
            Fault.cut_after(MIDDLE),
            BODY[: EVENTS[MIDDLE].end],
            httpx2.RemoteProtocolError(f"ssetape fault: connection cut after event {MIDDLE}"),
        ),
        (
            Fault.connection_error(MIDDLE),
            before(MIDDLE),
            httpx2.ReadError(f"ssetape fault: connection reset before event {MIDDLE}"),
        ),
        (
            Fault.timeout(MIDDLE),
            before(MIDDLE),
            httpx2.ReadTimeout(f"ssetape fault: read timed out before event {MIDDLE}"),
        ),
        (Fault.timeout(0), b"", httpx2.ReadTimeout("ssetape fault: read timed out before event 0")),
        (Fault.drop(MIDDLE), before(MIDDLE) + BODY[EVENTS[MIDDLE].end :], None),
        (
            Fault.duplicate(MIDDLE),
            BODY[: EVENTS[MIDDLE].end] + BODY[EVENTS[MIDDLE].start :],
            None,
        ),
    ],
    ids=["cut", "connection_error", "timeout", "timeout-first", "drop", "duplicate"],
)
def test_a_fault_behaves_like_the_real_failure(fault: Fault, body: bytes, error: Exception | None) -> None:
    want = sdk_log([body], raise_at_end=error)
    log, raised = replayed(fault)
    assert log == want.log
    if error is None:
        assert raised is None
    else:
        assert type(raised) is type(error)
        assert str(raised) == str(error)


def test_a_timeout_fires_on_timeout_then_on_exception_then_on_end() -> None:
    log, raised = replayed(Fault.timeout(MIDDLE))
    assert isinstance(raised, httpx2.ReadTimeout)
    assert [entry["callback"] for entry in log[-3:]] == ["on_timeout", "on_exception", "on_end"]


def test_several_faults_combine() -> None:
    log, raised = replayed(Fault.drop(3), Fault.duplicate(5), Fault.cut_after(9))
    body = before(3) + BODY[EVENTS[4].start : EVENTS[5].end] + BODY[EVENTS[5].start : EVENTS[9].end]
    want = sdk_log([body], raise_at_end=httpx2.RemoteProtocolError("ssetape fault: connection cut after event 9"))
    assert log == want.log
    assert f"{type(raised).__name__}: {raised}" == want.exception


def test_a_fault_past_the_end_is_refused() -> None:
    with pytest.raises(ReplayError, match=f"the stream has {len(EVENTS)} events"):
        replayed(Fault.cut_after(len(EVENTS)))


@pytest.mark.parametrize("dialect", ["content_gzip", "content_deflate", "content_br", "content_zstd"])
@pytest.mark.parametrize(
    "faults",
    [
        (Fault.drop(3),),
        (Fault.duplicate(3),),
        (Fault.cut_after(3),),
        (Fault.timeout(3),),
        (Fault.drop(1), Fault.cut_after(5)),
    ],
    ids=["drop", "duplicate", "cut", "timeout", "drop-and-cut"],
)
def test_a_fault_in_a_compressed_recording_is_where_its_events_are(
    dialect: str, faults: tuple[Fault, ...], tmp_path: Path
) -> None:
    """A body stored compressed (vcrpy keeps content-encoding) is broken where its events are, not at their offsets
    in the decoded body applied to the compressed bytes (which broke nothing): the SDK reads what it reads when the
    same faults hit the plain recording."""
    from tests.dialects import fixture, write

    def read(cassette: Any, faults: tuple[Fault, ...]) -> tuple[int, str | None]:
        seen = 0
        try:
            with replayer.stream(cassette, faults=faults) as chunks:
                for _ in chunks:
                    seen += 1
        except Exception as exc:  # what the SDK raises
            return seen, type(exc).__name__
        return seen, None

    compressed = load(write(dialect, "chat_tool_call", tmp_path))
    assert compressed.interactions[0].response.header("content-encoding") == dialect.removeprefix("content_")
    got = read(compressed, faults)
    assert got == read(fixture("chat_tool_call"), faults)
    assert got != read(compressed, ())  # the faults broke the stream
