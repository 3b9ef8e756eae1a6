"""replayer.stream / astream give a handler exactly what the SDK gives it for the same bytes."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx2
import pytest
from openai import AsyncAssistantEventHandler

from ssetape import replayer
from ssetape.recorder import Cassette, cassette_from_sse, load
from ssetape.replayer import ReplayError
from tests.conftest import FIXTURES, real_stream_names
from tests.oracle import LoggingHandler, normalize, sdk_log
from tests.oracle_kinds import fixture_streams

# Assistants fixtures (Responses and Chat Completions ones: test_stream_responses.py, test_stream_chat.py).
FIXTURE_PATHS = sorted({path for path, _ in fixture_streams("assistants")})
ASSISTANTS_STREAMS = real_stream_names("assistants")


def replay_log(cassette: Cassette | Path, interaction: int | None = None) -> tuple[list[dict[str, Any]], str | None]:
    handler = LoggingHandler()
    error = None
    with replayer.stream(cassette, event_handler=handler, interaction=interaction) as stream:
        try:
            stream.until_done()
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
    return handler.log, error


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=[p.stem for p in FIXTURE_PATHS])
def test_every_streamed_interaction_of_every_fixture_matches_the_sdk(path: Path) -> None:
    cassette = load(path)
    for index in cassette.streams():
        interaction = cassette.interactions[index]
        cut = None
        if interaction.response.ssetape and interaction.response.ssetape.error:
            cut = httpx2.RemoteProtocolError(interaction.response.ssetape.error.message)
        want = sdk_log([c.data for c in interaction.chunks()], raise_at_end=cut)
        log, error = replay_log(cassette, index)
        assert log == want.log
        assert error == want.exception


@pytest.mark.parametrize("name", ASSISTANTS_STREAMS)
def test_real_streams_replay_as_the_sdk_reads_them(real_streams: Path, name: str) -> None:
    body = (real_streams / name).read_bytes()
    want = sdk_log([body])
    log, error = replay_log(cassette_from_sse(body))
    assert log == want.log
    assert error == want.exception


def test_real_stream_saved_and_loaded_as_a_plain_cassette_still_matches(real_streams: Path, tmp_path: Path) -> None:
    body = (real_streams / "code_interpreter_logs_image_then_image_file_message.sse").read_bytes()
    path = cassette_from_sse(body).save(tmp_path / "imported.json")
    log, _ = replay_log(path)
    assert log == sdk_log([body]).log


def test_text_deltas_and_finals_work_on_the_returned_handler() -> None:
    with replayer.stream(FIXTURES / "text.yaml") as stream:
        text = "".join(stream.text_deltas)
    with replayer.stream(FIXTURES / "text.yaml") as stream:
        messages = stream.get_final_messages()
    assert text == messages[-1].content[0].text.value  # type: ignore[union-attr]
    with replayer.stream(FIXTURES / "text.yaml") as stream:
        assert stream.get_final_run().status == "completed"


def test_the_second_stream_of_a_cassette_is_picked_by_index() -> None:
    cassette = load(FIXTURES / "function_calling.yaml")
    first, second = cassette.streams()
    with replayer.stream(cassette, interaction=first) as stream:
        assert stream.get_final_run().status == "requires_action"
    with replayer.stream(cassette, interaction=second) as stream:
        assert stream.get_final_run().status == "completed"


def test_streams_lists_each_streamed_interaction() -> None:
    lines = replayer.streams(FIXTURES / "function_calling.yaml")
    assert len(lines) == 2
    assert lines[0].startswith("0: POST /v1/threads/runs → 200")
    assert "submit_tool_outputs" in lines[1] and lines[1].endswith("complete")
    assert replayer.streams(FIXTURES / "connection_cut.yaml")[0].endswith("cut off")


@pytest.mark.parametrize(
    ("fixture", "interaction", "message"),
    [
        ("polling.yaml", None, "holds no streamed"),
        ("text.yaml", 0, "interaction 0 is not a streamed response; streamed ones: [2]"),
        ("text.yaml", 7, "has no interaction 7 (it has 3"),
    ],
)
def test_picking_a_stream_that_is_not_there_says_why(fixture: str, interaction: int | None, message: str) -> None:
    with pytest.raises(ReplayError, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        replayer.stream(FIXTURES / fixture, interaction=interaction)


def test_speed_paces_the_handler() -> None:
    cassette = load(FIXTURES / "text.yaml")
    recorded = cassette.interactions[cassette.streams()[0]].chunks()[-1].at
    start = time.perf_counter()
    with replayer.stream(cassette, speed=8.0) as stream:
        stream.until_done()
    took = time.perf_counter() - start
    assert took >= recorded / 8.0 * 0.9


class AsyncLog(AsyncAssistantEventHandler):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, Any]] = []

    async def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        self.calls.append(("on_text_delta", normalize(snapshot)))

    async def on_end(self) -> None:
        self.calls.append(("on_end", None))


def test_astream_gives_an_async_handler_the_same_deltas() -> None:
    async def run() -> list[tuple[str, Any]]:
        handler = AsyncLog()
        async with replayer.astream(FIXTURES / "text.yaml", handler) as stream:
            await stream.until_done()
        return handler.calls

    calls = asyncio.run(run())
    want = [
        (e["callback"], e["args"][1]) for e in replay_log(FIXTURES / "text.yaml")[0] if e["callback"] == "on_text_delta"
    ]
    assert calls[:-1] == want
    assert calls[-1] == ("on_end", None)
