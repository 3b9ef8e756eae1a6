"""The pytest plugin's Gemini fixture, run the way users run it: a test file in a pytester sandbox, whose
``ssetape_gemini_client`` (sync, and ``client.aio``) replays the bundled Gemini fixtures."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES

pytest_plugins = ["pytester"]

INI = "[pytest]\nfilterwarnings =\n    error\n    ignore::DeprecationWarning\n"

REPLAY_TEST = """
import pytest

from ssetape.fixtures.sessions import GEMINI, PROMPT, SESSION_BY_NAME, gemini_config


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.ssetape("{calls}")
def test_sync_client(ssetape_gemini_client):
    chunks = []
    SESSION_BY_NAME["gemini_function_call"].run(ssetape_gemini_client, chunks.extend)
    calls = [call for chunk in chunks for call in chunk.function_calls or []]
    assert [(call.name, call.args) for call in calls] == [
        ("get_current_weather", {{"location": "Lima, Peru", "unit": "celsius"}})
    ]
    assert chunks[-1].candidates[0].finish_reason.value == "STOP"


@pytest.mark.anyio
@pytest.mark.ssetape("{text}")
async def test_async_client(ssetape_gemini_client):
    stream = await ssetape_gemini_client.aio.models.generate_content_stream(
        model=GEMINI, contents=PROMPT, config=gemini_config("text")
    )
    text = "".join([chunk.text or "" async for chunk in stream])
    assert text.startswith("Server-sent events")


@pytest.mark.ssetape("{text}")
def test_an_unrecorded_request_fails(ssetape_gemini_client):
    from ssetape.replayer import UnmatchedRequestError

    with pytest.raises(UnmatchedRequestError):
        list(ssetape_gemini_client.models.generate_content_stream(model=GEMINI, contents="something else"))
"""


def test_replay_the_gemini_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    calls, text = FIXTURES / "gemini_function_call.yaml", FIXTURES / "gemini_text.yaml"
    pytester.makepyfile(test_user=REPLAY_TEST.format(calls=calls, text=text))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


RECORD_AIO_TEST = """
import pytest

from ssetape.fixtures.sessions import GEMINI, PROMPT, gemini_config


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
@pytest.mark.ssetape("cassettes/aio.yaml")
async def test_async_client(ssetape_gemini_client):
    stream = await ssetape_gemini_client.aio.models.generate_content_stream(
        model=GEMINI, contents=PROMPT, config=gemini_config("text")
    )
    assert "".join([chunk.text or "" async for chunk in stream])
"""


def test_the_async_client_records_too(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """``client.aio`` of the recording fixture goes through the recorder as ``client.models`` does: not past it to
    the network, leaving an empty cassette that the next run cannot replay."""
    from ssetape.fixtures.emulator import Upstream
    from ssetape.recorder import load

    pytester.makeini(INI)
    pytester.makepyfile(test_user=RECORD_AIO_TEST)
    with Upstream(pace=0) as upstream:
        monkeypatch.setenv("GOOGLE_API_KEY", "AIza-pytest-secret")
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", upstream.base_url.removesuffix("/v1"))
        recording = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--ssetape-record-mode=once")
        recording.assert_outcomes(passed=1)
        assert len(upstream.requests) == 1
    (streamed,) = load(pytester.path / "cassettes" / "aio.yaml").interactions
    assert streamed.streamed and streamed.complete
    monkeypatch.delenv("GOOGLE_GEMINI_BASE_URL")
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)  # replayed, offline
