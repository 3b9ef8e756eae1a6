"""pytest plugin: regression tests against recorded streams.

    @pytest.mark.ssetape("fixtures/run.yaml")
    def test_my_handler(ssetape_client):
        with ssetape_client.beta.threads.runs.stream(...) as stream: ...

By default the cassette is replayed (``speed`` 0) and every other network connection of the test
is refused, except to loopback. ``pytest --ssetape-record`` runs the same tests against the real
API (``OPENAI_API_KEY`` / ``OPENAI_BASE_URL`` from the environment) and records the cassettes again.
Relative cassette paths resolve against pytest's rootdir; a test with no marker uses
``cassettes/<module>/<test>.yaml`` beside its module.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .errors import NetworkBlockedError

if TYPE_CHECKING:
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


@pytest.fixture
def ssetape_client(request: pytest.FixtureRequest, ssetape_cassette: Path) -> Iterator[openai.OpenAI]:
    """An ``openai.OpenAI`` client replaying (or recording) the test's cassette."""
    import httpx2
    import openai

    from ssetape.recorder import RecordingTransport

    from .client import openai_client

    if _recording(request.config):
        transport = RecordingTransport(ssetape_cassette)
        client = openai.OpenAI(http_client=httpx2.Client(transport=transport))
        yield client
        client.close()
        transport.close()
    else:
        with NetworkBlock(_marker_options(request).get("allowed_hosts", ())):
            client = openai_client(ssetape_cassette, _speed(request))
            yield client
            client.close()


@pytest.fixture
async def ssetape_async_client(request: pytest.FixtureRequest, ssetape_cassette: Path) -> Any:
    """The async twin of ``ssetape_client`` (needs an async test runner such as anyio or pytest-asyncio)."""
    import httpx2
    import openai

    from ssetape.recorder import AsyncRecordingTransport

    from .client import async_openai_client

    if _recording(request.config):
        transport = AsyncRecordingTransport(ssetape_cassette)
        client = openai.AsyncOpenAI(http_client=httpx2.AsyncClient(transport=transport))
        yield client
        await client.close()
        await transport.aclose()
    else:
        with NetworkBlock(_marker_options(request).get("allowed_hosts", ())):
            client = async_openai_client(ssetape_cassette, _speed(request))
            yield client
            await client.close()


@pytest.fixture
def ssetape_stream(request: pytest.FixtureRequest, ssetape_cassette: Path) -> Callable[..., Any]:
    """A factory for ``replayer.stream`` on the test's cassette: ``ssetape_stream(handler, interaction=1)``."""

    from .streaming import stream

    def make(event_handler: Any = None, *, interaction: int | None = None, speed: float | None = None) -> Any:
        return stream(
            ssetape_cassette,
            event_handler,
            interaction=interaction,
            speed=_speed(request) if speed is None else speed,
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
                "requests made through ssetape_client are answered from the cassette "
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
