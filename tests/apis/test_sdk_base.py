"""Each home's ``wire.sdk_base``: where its SDK's base URL ends in a request's path (``ssetape serve`` prints it)."""

from __future__ import annotations

import anthropic
import httpx2
import pytest

from ssetape.apis import api

VERTEX_CLAUDE = "/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5:streamRawPredict"


@pytest.mark.parametrize(
    ("kind", "uri", "base"),
    [
        ("chat", "https://api.openai.com/v1/chat/completions", ("/v1", "OPENAI_BASE_URL")),
        ("responses", "https://gateway.test/openai/v1/responses", ("/openai/v1", "OPENAI_BASE_URL")),
        ("assistants", "https://api.openai.com/v1/threads/thread_1/runs", ("/v1", "OPENAI_BASE_URL")),
        ("anthropic", "https://api.anthropic.com/v1/messages?beta=true", ("", "ANTHROPIC_BASE_URL")),
        ("anthropic", "https://gateway.test/claude/v1/messages", ("/claude", "ANTHROPIC_BASE_URL")),
        (
            "anthropic",
            "https://us-east5-aiplatform.googleapis.com" + VERTEX_CLAUDE,
            ("/v1", "ANTHROPIC_VERTEX_BASE_URL"),
        ),
        (
            "gemini",
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
            ("", "GOOGLE_GEMINI_BASE_URL"),
        ),
        (
            "gemini",
            "https://gateway.test/google/v1/tunedModels/t:streamGenerateContent",
            ("/google", "GOOGLE_GEMINI_BASE_URL"),
        ),
        (
            "gemini",
            "https://us-central1-aiplatform.googleapis.com/v1beta1/projects/p/locations/us-central1/publishers/google/"
            "models/gemini-2.5-flash:streamGenerateContent?alt=sse",
            ("", "GOOGLE_VERTEX_BASE_URL"),
        ),
        ("chat", "https://gateway.test/generate", None),  # a path the SDK never sends to
        ("sse", "https://mcp.test/v1/sse", None),  # no SDK
    ],
)
def test_the_base_is_the_path_before_what_the_sdk_adds(kind: str, uri: str, base: tuple[str, str] | None) -> None:
    assert api(kind).sdk_base(uri) == base


def test_anthropic_vertex_given_the_base_in_its_variable_sends_to_the_recorded_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[str] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        sent.append(request.url.path)
        return httpx2.Response(500)

    base = api("anthropic").sdk_base("https://us-east5-aiplatform.googleapis.com" + VERTEX_CLAUDE)
    assert base is not None
    path, variable = base
    monkeypatch.setenv(variable, "http://replay.test" + path)
    client = anthropic.AnthropicVertex(
        region="us-east5",
        project_id="p",
        access_token="x",
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(answer)),
    )
    with client, pytest.raises(anthropic.InternalServerError):
        client.messages.create(
            model="claude-sonnet-4-5", max_tokens=1, messages=[{"role": "user", "content": "hi"}], stream=True
        )
    assert sent == [VERTEX_CLAUDE]
