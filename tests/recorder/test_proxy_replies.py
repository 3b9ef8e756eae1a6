"""What the recording proxy answers itself, read by each real SDK: a request target it will not forward to
(400), an upstream that cannot be reached (502) or does not answer in time (504). Each is in the error
shape of the API the request is for, so the SDK raises its own error carrying the proxy's message; the
OpenAI shape is kept for OpenAI's endpoints, and ``x-ssetape-error`` says why the upstream failed."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import anthropic
import httpx2
import openai
import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as genai_types

from ssetape.recorder.proxy.replies import refusal
from tests.recorder.test_proxy_e2e import Proxy, proxy_process

KEY = "sk-test-key-for-the-proxy-replies"


@dataclass(frozen=True)
class Raised:
    """What an SDK's exception says: the status, the message it carries, the error's kind, the response."""

    status: int
    message: str
    kind: str | None
    response: httpx2.Response


def _openai(base_url: str, http: httpx2.Client | None) -> Raised:
    client = openai.OpenAI(api_key=KEY, base_url=base_url + "/v1", max_retries=0, http_client=http)
    with pytest.raises(openai.APIStatusError) as raised:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hi"}], stream=True)
    error = raised.value
    assert isinstance(error.body, dict)
    return Raised(error.status_code, error.body["message"], error.type, error.response)


def _anthropic(base_url: str, http: httpx2.Client | None) -> Raised:
    client = anthropic.Anthropic(api_key=KEY, base_url=base_url, max_retries=0, http_client=http)
    ask: list[Any] = [{"role": "user", "content": "Hi"}]
    with pytest.raises(anthropic.APIStatusError) as raised:
        client.messages.create(model="claude-sonnet-4-5", max_tokens=16, messages=ask, stream=True)
    error = raised.value
    assert error.api_message is not None
    return Raised(error.status_code, error.api_message, error.type, error.response)


def _gemini(base_url: str, http: httpx2.Client | None) -> Raised:
    options = genai_types.HttpOptions(base_url=base_url, **({"httpx_client": http} if http is not None else {}))
    client = genai.Client(api_key=KEY, http_options=options)
    with pytest.raises(genai_errors.APIError) as raised:
        list(client.models.generate_content_stream(model="gemini-2.5-flash", contents="Hi"))
    error = raised.value
    assert error.message is not None
    assert isinstance(error.response, httpx2.Response)
    return Raised(error.code, error.message, error.status, error.response)


#: Each SDK, called with a base URL and, for the proxy taken as an HTTP proxy, an httpx client through it.
SDKS: dict[str, Callable[[str, httpx2.Client | None], Raised]] = {
    "openai": _openai,
    "anthropic": _anthropic,
    "gemini": _gemini,
}
#: The kind each SDK reads from the error body the proxy sends for a 400, a 502 and a 504.
KINDS = {
    "openai": {400: "invalid_request_error", 502: "upstream_error", 504: "upstream_error"},
    "anthropic": {400: "invalid_request_error", 502: "api_error", 504: "api_error"},
    "gemini": {400: "INVALID_ARGUMENT", 502: "INTERNAL", 504: "DEADLINE_EXCEEDED"},
}


@dataclass
class Proxies:
    #: Its upstream refuses connections.
    unreachable: Proxy
    unreachable_upstream: str
    #: Its upstream takes connections and never answers (``--timeout`` 0.5 s).
    silent: Proxy
    silent_upstream: str


@pytest.fixture(scope="module")
def proxies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxies]:
    tmp_path = tmp_path_factory.mktemp("replies")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        unreachable = f"http://127.0.0.1:{closed.getsockname()[1]}"
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(16)  # never accepted: the kernel completes the connections, nothing answers
        silent = f"http://127.0.0.1:{listening.getsockname()[1]}"
        with (
            proxy_process(tmp_path, unreachable, tmp_path / "unreachable.yaml") as down,
            proxy_process(tmp_path, silent, tmp_path / "silent.yaml", "--timeout", "0.5") as slow,
        ):
            yield Proxies(down, unreachable, slow, silent)


@pytest.mark.parametrize("sdk", SDKS)
def test_an_unreachable_upstream_is_a_502_the_sdk_reads(sdk: str, proxies: Proxies) -> None:
    raised = SDKS[sdk](proxies.unreachable.url, None)
    assert raised.status == 502 and raised.kind == KINDS[sdk][502]
    assert raised.message.startswith(
        f"ssetape record: the upstream {proxies.unreachable_upstream} could not be reached"
    )
    assert raised.response.headers["x-ssetape-error"] == "ConnectError"


@pytest.mark.parametrize("sdk", SDKS)
def test_an_upstream_that_does_not_answer_in_time_is_a_504_the_sdk_reads(sdk: str, proxies: Proxies) -> None:
    raised = SDKS[sdk](proxies.silent.url, None)
    assert raised.status == 504 and raised.kind == KINDS[sdk][504]
    assert (
        raised.message == f"ssetape record: the upstream {proxies.silent_upstream} did not answer in time (ReadTimeout)"
    )
    assert raised.response.headers["x-ssetape-error"] == "ReadTimeout"


@pytest.mark.parametrize("sdk", SDKS)
def test_a_request_for_another_host_is_a_400_the_sdk_reads(sdk: str, proxies: Proxies) -> None:
    """An SDK that takes the proxy for an HTTP proxy asks it for an absolute URL, which is not forwarded: the
    error is in the shape of the API that URL's path is."""
    with httpx2.Client(proxy=proxies.unreachable.url, trust_env=False) as http:
        raised = SDKS[sdk]("http://127.0.0.1:9", http)
    assert raised.status == 400 and raised.kind == KINDS[sdk][400]
    assert raised.message.startswith(
        f"ssetape record forwards to {proxies.unreachable_upstream} only; the request target must be a path, "
        "not 'http://127.0.0.1:9/"
    )


def test_only_a_path_is_forwarded_and_connect_has_no_api_to_answer_for() -> None:
    """A ``CONNECT`` names a host, no endpoint: its 405 is in OpenAI's shape (an SDK never reads it: its HTTP
    client reports the failed tunnel)."""
    assert refusal("https://api.anthropic.com", b"POST", b"/v1/messages") is None
    reply = refusal("https://api.anthropic.com", b"CONNECT", b"api.anthropic.com:443")
    assert reply is not None and reply.status == 405
    assert json.loads(reply.body)["error"]["type"] == "invalid_request_error"
    assert json.loads(reply.body)["error"]["message"].endswith("not 'api.anthropic.com:443'")
