"""The pytest plugin, run the way users run it: a test file in a pytester sandbox."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ssetape.fixtures.emulator import Upstream
from ssetape.fixtures.sessions import PROMPT
from tests.conftest import FIXTURES
from tests.replayer.pytester_runs import run_inprocess

pytest_plugins = ["pytester"]

HANDLER_TEST = """
import pytest
from openai import AssistantEventHandler

class Collect(AssistantEventHandler):
    def __init__(self):
        super().__init__()
        self.text = ""
    def on_text_delta(self, delta, snapshot):
        self.text += delta.value

@pytest.mark.ssetape("text.yaml")
def test_handler_sees_the_answer(ssetape_client):
    thread = ssetape_client.beta.threads.create()
    ssetape_client.beta.threads.messages.create(thread_id=thread.id, role="user", content=PROMPT)
    handler = Collect()
    with ssetape_client.beta.threads.runs.stream(
        thread_id=thread.id, assistant_id="asst_text", event_handler=handler
    ) as stream:
        stream.until_done()
    assert handler.text.startswith("Server-sent events")
    assert stream.get_final_run().status == "completed"

@pytest.mark.ssetape("text.yaml")
def test_stream_factory(ssetape_stream):
    with ssetape_stream() as stream:
        assert stream.get_final_run().status == "completed"
"""


OFF_SCRIPT_TEST = """
import socket
import pytest

@pytest.mark.ssetape("text.yaml")
def test_off_script(ssetape_client):
    ssetape_client.beta.threads.runs.retrieve(thread_id="thread_zzz", run_id="run_zzz")

@pytest.mark.ssetape("text.yaml")
def test_escape(ssetape_client):
    socket.create_connection(("192.0.2.1", 443), timeout=1)
"""


def test_replay_mode_serves_the_cassette_and_nothing_else(pytester: pytest.Pytester) -> None:
    shutil.copy(FIXTURES / "text.yaml", pytester.path / "text.yaml")
    pytester.makeini("[pytest]\nfilterwarnings =\n    ignore::DeprecationWarning\n")
    pytester.makepyfile(test_user=HANDLER_TEST.replace("PROMPT", repr(PROMPT)), test_off_script=OFF_SCRIPT_TEST)
    result = run_inprocess(pytester)
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*UnmatchedRequestError*GET /v1/threads/thread_zzz/runs/run_zzz*",
            "*NetworkBlockedError*may not connect to 192.0.2.1:443*",
        ],
        consecutive=False,
    )


def test_record_then_replay_against_an_emulated_api(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makeini("[pytest]\nfilterwarnings =\n    ignore::DeprecationWarning\n")
    pytester.makepyfile(
        test_user="""
import pytest

@pytest.mark.ssetape("cassettes/run.yaml")
def test_run(ssetape_client):
    thread = ssetape_client.beta.threads.create()
    with ssetape_client.beta.threads.runs.stream(thread_id=thread.id, assistant_id="asst_multibyte") as stream:
        text = "".join(stream.text_deltas)
    assert "你好" in text or len(text) > 10
"""
    )
    with Upstream(pace=0) as upstream:
        monkeypatch.setenv("OPENAI_BASE_URL", upstream.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-pytest-record-secret")
        recorded = run_inprocess(pytester, "--ssetape-record")
    recorded.assert_outcomes(passed=1)
    cassette = Path(pytester.path / "cassettes" / "run.yaml")
    assert cassette.exists() and "sk-pytest-record-secret" not in cassette.read_text()
    monkeypatch.delenv("OPENAI_BASE_URL")
    replayed = run_inprocess(pytester)
    replayed.assert_outcomes(passed=1)
