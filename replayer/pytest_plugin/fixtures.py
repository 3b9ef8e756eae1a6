"""The fixtures a test takes: its settings and cassette, clients of each SDK, transports for any client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ..errors import MissingCassetteError
from .modes import CassetteUse
from .network import NetworkBlock
from .options import Settings, cassette_path, default_name, settings_for
from .runs import finish_test

if TYPE_CHECKING:
    import anthropic
    import openai

USE = pytest.StashKey[CassetteUse]()


@pytest.fixture
def ssetape_config() -> dict[str, Any]:
    """Settings for every ssetape test in scope (override it in a module or a conftest, as
    pytest-recording's ``vcr_config``): any of ``@pytest.mark.ssetape``'s keyword arguments."""
    return {}


@pytest.fixture
def ssetape_settings(request: pytest.FixtureRequest, ssetape_config: dict[str, Any]) -> Settings:
    """This test's settings: ``ssetape_config``, its marker, then the command line."""
    return settings_for(request.config, request.node, ssetape_config)


@pytest.fixture
def ssetape_cassette(request: pytest.FixtureRequest, ssetape_settings: Settings) -> Path:
    """The cassette this test replays or records."""
    path = cassette_path(request.config, request.node, ssetape_settings)
    if ssetape_settings.path is None:
        sharing = [other for other in _named_alike(request.session, request.node) if other != request.node.nodeid]
        if sharing:
            pytest.fail(
                f"{path} would be the cassette of {sharing[0]} too: their names differ only in characters a file "
                'name cannot hold; give each its own with @pytest.mark.ssetape("NAME.yaml") or other ids',
                pytrace=False,
            )
    return path


_NAMES = pytest.StashKey[dict[tuple[str, str], list[str]]]()


def _named_alike(session: pytest.Session, node: pytest.Item) -> list[str]:
    """The tests of ``node``'s module whose cassette takes the same default name."""
    names = session.stash.get(_NAMES, None)
    if names is None:
        names = {}
        for item in session.items:
            names.setdefault((str(item.path), default_name(item)), []).append(item.nodeid)
        session.stash[_NAMES] = names
    return names.get((str(node.path), default_name(node)), [])


@pytest.fixture
def ssetape_use(
    request: pytest.FixtureRequest, ssetape_settings: Settings, ssetape_cassette: Path
) -> Iterator[CassetteUse]:
    """How this test uses its cassette (record mode, transports); writes the cassette after a passing
    test that recorded, and blocks the network while the test only replays."""
    missing: str | None = None
    try:
        use = CassetteUse(ssetape_cassette, ssetape_settings, request.node.nodeid)
    except MissingCassetteError as exc:
        missing = str(exc)
    if missing is not None:
        pytest.fail(missing, pytrace=False)  # what to run says it all: not the plugin's traceback
    request.node.stash[USE] = use
    with ExitStack() as stack:
        if use.replays_only:
            hint = f"record what the cassette lacks with {use.command('new_episodes')}"
            stack.enter_context(NetworkBlock(ssetape_settings.allowed_hosts, hint=hint))
        yield use
        use.close()
    finish_test(request.node, use)


@pytest.fixture
def ssetape_transport(ssetape_use: CassetteUse) -> Any:
    """A transport for any ``httpx.Client`` or ``httpx2.Client``: ``httpx.Client(transport=ssetape_transport)``."""
    return ssetape_use.transport()


@pytest.fixture
def ssetape_async_transport(ssetape_use: CassetteUse) -> Any:
    """A transport for any ``httpx.AsyncClient`` or ``httpx2.AsyncClient``."""
    return ssetape_use.async_transport()


def _client_options(use: CassetteUse, replay_options: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    # Replaying only, the client talks to the recorded base URL with a placeholder key; recording (or
    # both), the SDK finds its key and base URL in the environment, as it does in the code under test.
    return replay_options(use.replayed_cassette()) if use.replays_only else {}


@pytest.fixture
def ssetape_client(ssetape_use: CassetteUse) -> Iterator[openai.OpenAI]:
    """An ``openai.OpenAI`` client replaying (or recording) the test's cassette."""
    import httpx2
    import openai

    from ..client import openai_options

    options = _client_options(ssetape_use, openai_options)
    with openai.OpenAI(http_client=httpx2.Client(transport=ssetape_use.transport()), **options) as client:
        yield client


@pytest.fixture
async def ssetape_async_client(ssetape_use: CassetteUse) -> AsyncIterator[openai.AsyncOpenAI]:
    """The async twin of ``ssetape_client`` (needs an async test runner such as anyio or pytest-asyncio)."""
    import httpx2
    import openai

    from ..client import openai_options

    options = _client_options(ssetape_use, openai_options)
    async with openai.AsyncOpenAI(
        http_client=httpx2.AsyncClient(transport=ssetape_use.async_transport()), **options
    ) as client:
        yield client


@pytest.fixture
def ssetape_anthropic_client(ssetape_use: CassetteUse) -> Iterator[anthropic.Anthropic]:
    """An ``anthropic.Anthropic`` client replaying (or recording) the test's cassette."""
    import anthropic
    import httpx2

    from ..client import anthropic_options

    options = _client_options(ssetape_use, anthropic_options)
    with anthropic.Anthropic(http_client=httpx2.Client(transport=ssetape_use.transport()), **options) as client:
        yield client


@pytest.fixture
async def ssetape_async_anthropic_client(ssetape_use: CassetteUse) -> AsyncIterator[anthropic.AsyncAnthropic]:
    """The async twin of ``ssetape_anthropic_client``."""
    import anthropic
    import httpx2

    from ..client import anthropic_options

    options = _client_options(ssetape_use, anthropic_options)
    async with anthropic.AsyncAnthropic(
        http_client=httpx2.AsyncClient(transport=ssetape_use.async_transport()), **options
    ) as client:
        yield client


@pytest.fixture
def ssetape_gemini_client(ssetape_use: CassetteUse) -> Iterator[Any]:
    """A ``google.genai.Client`` replaying (or recording) the test's cassette: ``client.models`` and
    ``client.aio.models``. Recording, the SDK finds its key (``GOOGLE_API_KEY``) and base URL in the environment."""
    import httpx2
    from google import genai
    from google.genai import types

    from ..client import gemini_over

    if ssetape_use.replays_only:
        transports = (ssetape_use.transport(), ssetape_use.async_transport())
        client = gemini_over(ssetape_use.replayed_cassette(), *transports)
    else:
        http_client = httpx2.Client(transport=ssetape_use.transport())
        async_client = httpx2.AsyncClient(transport=ssetape_use.async_transport(keep_alive=False))
        client = genai.Client(http_options=types.HttpOptions(httpx_client=http_client, httpx_async_client=async_client))
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def ssetape_stream(ssetape_settings: Settings, ssetape_cassette: Path) -> Callable[..., Any]:
    """A factory for ``replayer.stream`` on the test's cassette: ``ssetape_stream(handler, interaction=1)``.
    The SDK's own manager for the recorded API (``AssistantStreamManager``, ``MessageStreamManager``, ...);
    other keyword arguments (``text_format``, ``output_format``, ...) go to ``replayer.stream``."""

    from ..streaming import stream

    def make(
        event_handler: Any = None, *, interaction: int | None = None, speed: float | None = None, **options: Any
    ) -> Any:
        return stream(
            ssetape_cassette,
            event_handler,
            interaction=interaction,
            speed=ssetape_settings.speed if speed is None else speed,
            **options,
        )

    return make
