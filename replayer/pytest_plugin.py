"""pytest plugin: regression tests against recorded streams.

    @pytest.mark.ssetape("fixtures/run.yaml")
    def test_my_handler(ssetape_client):
        with ssetape_client.beta.threads.runs.stream(...) as stream: ...

    @pytest.mark.ssetape("fixtures/message.yaml")
    def test_my_agent(ssetape_anthropic_client):
        with ssetape_anthropic_client.messages.stream(...) as stream: ...

By default the cassette is replayed (``speed`` 0) and every other network connection of the test
is refused, except to loopback. ``pytest --ssetape-record`` runs the same tests against the real
API and records the cassettes again: each SDK reads its own key and base URL from the environment
(``OPENAI_API_KEY`` / ``OPENAI_BASE_URL``, ``ANTHROPIC_API_KEY`` / ``ANTHROPIC_BASE_URL``).
Relative cassette paths resolve against pytest's rootdir; a test with no marker uses
``cassettes/<module>/<test>.yaml`` beside its module.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .errors import NetworkBlockedError

if TYPE_CHECKING:
    import anthropic
    import openai

# pytest loads this plugin in every project where ssetape is installed: what a fixture needs (the SDKs,
# httpx2, the recorder) is imported when a test asks for that fixture, not at pytest's start-up.


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ssetape", "record and replay streamed API responses")
    group.addoption(
        "--ssetape-record",
        action="store_true",
        default=False,
        help="record cassettes again against the real API instead of replaying them",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "ssetape(path=None, speed=0.0, allowed_hosts=()): replay (or, with --ssetape-record, record) this cassette",
    )


def _recording(config: pytest.Config) -> bool:
    return bool(config.getoption("--ssetape-record"))


def _marker_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker("ssetape")
    if marker is None:
        return {}
    options = dict(marker.kwargs)
    if marker.args:
        options["path"] = marker.args[0]
    return options


@pytest.fixture
def ssetape_cassette(request: pytest.FixtureRequest) -> Path:
    """The cassette this test replays or records."""
    given = _marker_options(request).get("path")
    if given is not None:
        path = Path(given)
        return path if path.is_absolute() else Path(request.config.rootpath) / path
    module = Path(str(request.node.fspath))
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    return module.parent / "cassettes" / module.stem / f"{name}.yaml"


def _speed(request: pytest.FixtureRequest) -> float:
    return float(_marker_options(request).get("speed", 0.0))


@contextmanager
def _sync_client(
    request: pytest.FixtureRequest, cassette: Path, sdk: Callable[..., Any], replay: Callable[..., Any]
) -> Iterator[Any]:
    """``sdk`` (an SDK's client class) recording into ``cassette`` with --ssetape-record, else ``replay``'s
    client answering from it behind a network block. Recording, the SDK finds its key and base URL in the
    environment (``OPENAI_BASE_URL``, ``ANTHROPIC_BASE_URL``, ...) as it does in the code under test."""
    import httpx2

    from ssetape.recorder import RecordingTransport

    if _recording(request.config):
        transport = RecordingTransport(cassette)
        client = sdk(http_client=httpx2.Client(transport=transport))
        try:
            yield client
        finally:
            client.close()
            transport.close()
    else:
        with NetworkBlock(_marker_options(request).get("allowed_hosts", ())):
            client = replay(cassette, _speed(request))
            try:
                yield client
            finally:
                client.close()


@asynccontextmanager
async def _async_client(
    request: pytest.FixtureRequest, cassette: Path, sdk: Callable[..., Any], replay: Callable[..., Any]
) -> AsyncIterator[Any]:
    """The async twin of :func:`_sync_client`."""
    import httpx2

    from ssetape.recorder import AsyncRecordingTransport

    if _recording(request.config):
        transport = AsyncRecordingTransport(cassette)
        client = sdk(http_client=httpx2.AsyncClient(transport=transport))
        try:
            yield client
        finally:
            await client.close()
            await transport.aclose()
    else:
        with NetworkBlock(_marker_options(request).get("allowed_hosts", ())):
            client = replay(cassette, _speed(request))
            try:
                yield client
            finally:
                await client.close()


@pytest.fixture
def ssetape_client(request: pytest.FixtureRequest, ssetape_cassette: Path) -> Iterator[openai.OpenAI]:
    """An ``openai.OpenAI`` client replaying (or recording) the test's cassette."""
    import openai

    from .client import openai_client

    with _sync_client(request, ssetape_cassette, openai.OpenAI, openai_client) as client:
        yield client


@pytest.fixture
async def ssetape_async_client(
    request: pytest.FixtureRequest, ssetape_cassette: Path
) -> AsyncIterator[openai.AsyncOpenAI]:
    """The async twin of ``ssetape_client`` (needs an async test runner such as anyio or pytest-asyncio)."""
    import openai

    from .client import async_openai_client

    async with _async_client(request, ssetape_cassette, openai.AsyncOpenAI, async_openai_client) as client:
        yield client


@pytest.fixture
def ssetape_anthropic_client(request: pytest.FixtureRequest, ssetape_cassette: Path) -> Iterator[anthropic.Anthropic]:
    """An ``anthropic.Anthropic`` client replaying (or recording) the test's cassette."""
    import anthropic

    from .client import anthropic_client

    with _sync_client(request, ssetape_cassette, anthropic.Anthropic, anthropic_client) as client:
        yield client


@pytest.fixture
async def ssetape_async_anthropic_client(
    request: pytest.FixtureRequest, ssetape_cassette: Path
) -> AsyncIterator[anthropic.AsyncAnthropic]:
    """The async twin of ``ssetape_anthropic_client``."""
    import anthropic

    from .client import async_anthropic_client

    async with _async_client(request, ssetape_cassette, anthropic.AsyncAnthropic, async_anthropic_client) as client:
        yield client


@pytest.fixture
def ssetape_gemini_client(request: pytest.FixtureRequest, ssetape_cassette: Path) -> Iterator[Any]:
    """A ``google.genai.Client`` replaying (or recording) the test's cassette: ``client.models`` and, replaying,
    ``client.aio.models``. Recording, the SDK finds its key (``GOOGLE_API_KEY``) and base URL in the environment."""
    from google import genai
    from google.genai import types

    from .client import gemini_client

    def recording(http_client: Any) -> genai.Client:
        return genai.Client(http_options=types.HttpOptions(httpx_client=http_client))

    with _sync_client(request, ssetape_cassette, recording, gemini_client) as client:
        yield client


@pytest.fixture
def ssetape_stream(request: pytest.FixtureRequest, ssetape_cassette: Path) -> Callable[..., Any]:
    """A factory for ``replayer.stream`` on the test's cassette: ``ssetape_stream(handler, interaction=1)``.
    The SDK's own manager for the recorded API (``AssistantStreamManager``, ``MessageStreamManager``, ...);
    other keyword arguments (``text_format``, ``output_format``, ...) go to ``replayer.stream``."""

    from .streaming import stream

    def make(
        event_handler: Any = None, *, interaction: int | None = None, speed: float | None = None, **options: Any
    ) -> Any:
        return stream(
            ssetape_cassette,
            event_handler,
            interaction=interaction,
            speed=_speed(request) if speed is None else speed,
            **options,
        )

    return make


class NetworkBlock:
    """Refuse socket connections to anything but loopback and ``allowed_hosts`` while active."""

    def __init__(self, allowed_hosts: tuple[str, ...] | list[str]) -> None:
        self.allowed = set(allowed_hosts)
        self._saved: tuple[Any, Any] | None = None

    def __enter__(self) -> None:
        real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
        self._saved = (real_connect, real_connect_ex)
        allowed = self.allowed

        def check(sock: socket.socket, address: Any) -> None:
            if sock.family not in (socket.AF_INET, socket.AF_INET6):
                return
            host = str(address[0])
            if host in allowed or _is_loopback(host):
                return
            raise NetworkBlockedError(
                f"ssetape: this test replays a cassette, so it may not connect to {host}:{address[1]}; "
                "requests made through the ssetape client fixtures are answered from the cassette "
                "(record it again with --ssetape-record, or allow the host with "
                "@pytest.mark.ssetape(..., allowed_hosts=[...]))"
            )

        def connect(sock: socket.socket, address: Any) -> None:
            check(sock, address)
            real_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> int:
            check(sock, address)
            return int(real_connect_ex(sock, address))

        socket.socket.connect = connect  # type: ignore[method-assign,assignment]
        socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]

    def __exit__(self, *exc: object) -> None:
        assert self._saved is not None
        socket.socket.connect, socket.socket.connect_ex = self._saved  # type: ignore[method-assign,assignment]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False
