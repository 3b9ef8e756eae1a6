"""pytest plugin: regression tests against recorded streams.

    @pytest.mark.ssetape("fixtures/run.yaml")
    def test_my_handler(ssetape_client):
        with ssetape_client.beta.threads.runs.stream(...) as stream: ...

    @pytest.mark.ssetape("fixtures/message.yaml", record_mode="once", ignore_json_paths=["metadata.trace_id"])
    def test_my_agent(ssetape_anthropic_client):
        with ssetape_anthropic_client.messages.stream(...) as stream: ...

By default the cassette is replayed (``speed`` 0) and every other network connection of the test is
refused, except to loopback. Record modes (``--ssetape-record-mode``, pytest-recording's names) record
against the real API; each SDK reads its own key and base URL from the environment. The modules:
``options`` (command line, settings), ``modes`` (what a record mode does with a cassette), ``network``
(the block), ``fixtures``, ``runs`` (around each test: strictness, writing, the run record) and
``check`` (``--ssetape-check``).
"""

# pytest loads this plugin in every project where ssetape is installed: what a fixture needs (the SDKs,
# httpx2, the recorder) is imported when a test asks for that fixture, not at pytest's start-up.

from __future__ import annotations

import pytest

from .check import pytest_deselected, pytest_sessionfinish, pytest_terminal_summary
from .fixtures import (
    ssetape_anthropic_client,
    ssetape_async_anthropic_client,
    ssetape_async_client,
    ssetape_async_transport,
    ssetape_cassette,
    ssetape_client,
    ssetape_config,
    ssetape_gemini_client,
    ssetape_settings,
    ssetape_stream,
    ssetape_transport,
    ssetape_use,
)
from .modes import CassetteUse
from .network import NetworkBlock
from .options import MARKER, RecordMode, Settings, add_options
from .runs import pytest_runtest_call, pytest_runtest_makereport

__all__ = [
    "CassetteUse",
    "NetworkBlock",
    "RecordMode",
    "Settings",
    "pytest_addoption",
    "pytest_configure",
    "pytest_deselected",
    "pytest_runtest_call",
    "pytest_runtest_makereport",
    "pytest_sessionfinish",
    "pytest_terminal_summary",
    "ssetape_anthropic_client",
    "ssetape_async_anthropic_client",
    "ssetape_async_client",
    "ssetape_async_transport",
    "ssetape_cassette",
    "ssetape_client",
    "ssetape_config",
    "ssetape_gemini_client",
    "ssetape_settings",
    "ssetape_stream",
    "ssetape_transport",
    "ssetape_use",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)
