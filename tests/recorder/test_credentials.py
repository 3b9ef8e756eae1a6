"""Credentials never reach disk: headers, query parameters, cookies, and their values wherever the upstream
echoes them (headers, JSON, each SSE event, split across chunks), through the proxy, the transports and import."""

from __future__ import annotations

import itertools
import json
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anthropic
import httpx
import httpx2
import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssetape.recorder import REDACTED, RecordingTransport, cassette_from_capture, cassette_from_har, load
from ssetape.recorder.capture import Capture
from ssetape.recorder.credentials import ValueScrubber, forms, redact_url
from ssetape.recorder.proxy.journal import Journal, read_journal
from ssetape.recorder.redact import redact_headers, resize_chunks
from ssetape.replayer import ReplayTransport
from tests.mock_upstream import Scripted, mock_transport
from tests.recorder.test_proxy_e2e import proxy_process, serve

GOOGLE_KEY = "AIzaSyD3m0-FakeGoogleKey_0123456789abcde"
ANTHROPIC_KEY = "sk-ant-api03-FakeAnthropicKey0123456789abcdefghij"
AZURE_KEY = "0123456789abcdef0123456789abcdef"
TOKEN = "ya29.fake-vertex-access-token-0123456789"


@pytest.mark.parametrize(
    ("url", "expected", "secrets"),
    [
        (
            f"https://g/v1beta/m:streamGenerateContent?alt=sse&key={GOOGLE_KEY}",
            "https://g/v1beta/m:streamGenerateContent?alt=sse&key=REDACTED",
            [GOOGLE_KEY],
        ),
        (
            "https://a/openai/deployments/d/chat/completions?api-version=2024-10-21&api-key=abc%2Fdef123",
            "https://a/openai/deployments/d/chat/completions?api-version=2024-10-21&api-key=REDACTED",
            ["abc/def123"],
        ),
        (
            "http://h/v1/x?api_key=k1k1k1k1k1&access_token=t2t2t2t2t2&API_KEY=k3k3k3k3#frag",
            "http://h/v1/x?api_key=REDACTED&access_token=REDACTED&API_KEY=REDACTED#frag",
            ["k1k1k1k1k1", "t2t2t2t2t2", "k3k3k3k3"],
        ),
        ("https://user:hunter2hunter2@h/v1/x?limit=5", "https://user:REDACTED@h/v1/x?limit=5", ["hunter2hunter2"]),
        ("https://h/v1/x?limit=5&after=key", "https://h/v1/x?limit=5&after=key", []),
    ],
)
def test_secret_query_values_and_passwords_leave_the_url_and_the_rest_stays_byte_for_byte(
    url: str, expected: str, secrets: list[str]
) -> None:
    redacted, values = redact_url(url)
    assert redacted == expected
    assert set(secrets) <= set(values)


def test_every_sdks_credential_header_and_cookies_are_redacted() -> None:
    sent = [
        ("Authorization", f"Bearer {TOKEN}"),
        ("api-key", AZURE_KEY),
        ("X-Api-Key", ANTHROPIC_KEY),
        ("x-goog-api-key", GOOGLE_KEY),
        ("OpenAI-Organization", "org-x"),
        ("OpenAI-Project", "proj_x"),
        ("Cookie", "a=b"),
        ("Set-Cookie", "c=d"),
        ("x-amz-security-token", "tok"),
        ("Proxy-Authorization", "p"),
        ("content-type", "application/json"),
    ]
    headers = redact_headers(sent)
    assert {name for name, values in headers.items() if values == [REDACTED]} == {name for name, _ in sent[:-1]}
    assert headers["content-type"] == ["application/json"]


STREAM = (
    b'data: {"candidates": [{"content": {"parts": [{"text": "key ' + GOOGLE_KEY.encode() + b' ok"}]}}]}\n\n'
    b'data: {"echo": "Bearer ' + TOKEN.encode() + b'", "n": 2}\n\n'
    b'data: {"escaped": "' + json.dumps(GOOGLE_KEY)[1:-1].encode() + b'"}\n\n'
)
VALUES = forms([GOOGLE_KEY, f"Bearer {TOKEN}", TOKEN])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(STREAM)), max_size=10))
def test_echoed_values_go_whatever_the_chunking_and_the_chunks_still_cover_the_body(cuts: list[int]) -> None:
    bounds = sorted({*cuts, 0, len(STREAM)})
    pieces = [STREAM[a:b] for a, b in itertools.pairwise(bounds)]
    scrubber = ValueScrubber(VALUES)
    released = [scrubber.feed(piece) for piece in pieces]
    out = b"".join(released) + scrubber.flush()
    whole = ValueScrubber(VALUES)
    assert out == whole.feed(STREAM) + whole.flush()
    assert GOOGLE_KEY.encode() not in out and TOKEN.encode() not in out
    assert out.count(REDACTED.encode()) == 3
    chunks = resize_chunks(scrubber.replaced, [(float(i), len(p)) for i, p in enumerate(pieces)])
    assert sum(size for _, size in chunks) == len(out)
    assert [at for at, _ in chunks] == sorted(at for at, _ in chunks)
    # What was released at each feed is only ever held back while it could be a secret's start.
    assert b"".join(released).startswith(out[: len(out) - len(max(VALUES, key=len))])


def test_a_stream_with_no_secret_in_it_is_released_at_once() -> None:
    scrubber = ValueScrubber(VALUES)
    assert scrubber.feed(b"data: plain\n\n") == b"data: plain\n\n"
    assert scrubber.feed(b"data: AIza") == b"data: "  # could be the key: held back until more arrives
    assert scrubber.feed(b"-no\n\n") == b"AIza-no\n\n"


# -- end to end --------------------------------------------------------------------------------------------
def _key_of(headers: dict[str, str], query: str) -> str:
    for name in ("x-goog-api-key", "x-api-key", "api-key"):
        if name in headers:
            return headers[name]
    if "authorization" in headers:
        return headers["authorization"].split()[-1]
    return query.split("key=")[-1].split("&")[0]


async def echo_upstream(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
    """An upstream that repeats the caller's key everywhere: a header, a 401 body, SSE events split mid-key."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
    key = _key_of(headers, scope["query_string"].decode()).encode()
    if scope["path"].endswith("/messages"):
        body = json.dumps(
            {
                "type": "error",
                "error": {"type": "authentication_error", "message": f"invalid x-api-key: {key.decode()}"},
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [(b"content-type", b"application/json"), (b"x-echo", key)],
            }
        )
        await send({"type": "http.response.body", "body": body})
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/event-stream"), (b"x-echo", b"seen " + key)],
        }
    )
    for piece in (b'data: {"text": "your key is ', key[:9], key[9:] + b'"}\n\n', b'data: {"text": "bye"}\n\n'):
        await send({"type": "http.response.body", "body": piece, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


def test_the_proxy_keeps_every_credential_and_its_echoes_off_disk(tmp_path: Path) -> None:
    out = tmp_path / "gemini.yaml"
    with serve(echo_upstream) as upstream, proxy_process(tmp_path, upstream, out, "--grace", "1", quiet=False) as proxy:
        path = "/v1beta/models/gemini-2.0-flash:streamGenerateContent"
        with httpx2.Client(base_url=proxy.url, timeout=30) as client:
            gemini = client.post(f"{path}?alt=sse&key={GOOGLE_KEY}", json={"contents": []})
            vertex = client.post(
                path,
                params={"alt": "sse"},
                headers={"x-goog-api-key": GOOGLE_KEY, "authorization": f"Bearer {TOKEN}"},
                json={},
            )
        with (
            anthropic.Anthropic(api_key=ANTHROPIC_KEY, base_url=proxy.url, max_retries=0) as claude,
            pytest.raises(anthropic.AuthenticationError) as failed,
        ):
            claude.messages.create(model="claude-x", max_tokens=5, messages=[{"role": "user", "content": "hi"}])
        with (
            openai.AzureOpenAI(
                api_key=AZURE_KEY, azure_endpoint=proxy.url, api_version="2024-10-21", max_retries=0
            ) as azure,
            azure.chat.completions.create(model="d", messages=[], stream=True) as stream,
        ):
            list(stream.response.iter_bytes())
        assert proxy.stop(signal.SIGTERM) == 0
    # The client saw everything as sent.
    assert GOOGLE_KEY in gemini.text and gemini.headers["x-echo"] == f"seen {GOOGLE_KEY}"
    assert GOOGLE_KEY in vertex.text and ANTHROPIC_KEY in str(failed.value)
    text = out.read_text() + proxy.stderr()
    assert "?alt=sse&key=REDACTED" in proxy.stderr()  # its line per interaction
    for secret in (GOOGLE_KEY, ANTHROPIC_KEY, AZURE_KEY, TOKEN, GOOGLE_KEY[:9], GOOGLE_KEY[9:]):
        assert secret not in text, secret
    cassette = load(out)
    first = cassette.interactions[0]
    assert first.request.uri.endswith("?alt=sse&key=REDACTED")
    assert first.response.header("x-echo") == "seen REDACTED"
    assert b'"your key is REDACTED"' in first.response.body_bytes
    assert json.loads(cassette.interactions[2].response.body_bytes)["error"]["message"] == "invalid x-api-key: REDACTED"
    # Recorded with one key, replayed for a client sending another.
    with httpx2.Client(transport=ReplayTransport(out), base_url="http://x") as replay:
        replayed = replay.post(f"{path}?alt=sse&key=AIzaAnotherKeyAltogether", json={"contents": []})
    assert replayed.status_code == 200 and b"REDACTED" in replayed.content


@pytest.mark.parametrize("flavour", [httpx, httpx2])
def test_the_transport_takes_echoed_values_out_of_headers_and_events(tmp_path: Path, flavour: Any) -> None:
    key = GOOGLE_KEY.encode()
    script = Scripted(
        [b'data: {"a": "' + key[:20], key[20:] + b'"}\n\n', b"data: [DONE]\n\n"],
        headers={"content-type": "text/event-stream", "x-echo": GOOGLE_KEY},
    )
    transport = RecordingTransport(tmp_path / "c.json", mock_transport(flavour, script))
    with flavour.Client(transport=transport) as client:
        response = client.get(f"https://generativelanguage.googleapis.com/v1beta/x?key={GOOGLE_KEY}&alt=sse")
        assert key in response.read()
    transport.close()
    text = (tmp_path / "c.json").read_text()
    assert GOOGLE_KEY not in text and GOOGLE_KEY[:20] not in text and GOOGLE_KEY[20:] not in text
    (item,) = load(tmp_path / "c.json").interactions
    assert item.response.body_bytes == b'data: {"a": "REDACTED"}\n\ndata: [DONE]\n\n'
    assert item.response.ssetape is not None and [size for _, size in item.response.ssetape.chunks] == [13, 12, 14]


def test_import_redacts_the_url_and_the_echoes(tmp_path: Path) -> None:
    capture = f'data: {{"echo": "{GOOGLE_KEY}"}}\n\n'.encode()
    cassette = cassette_from_capture(capture, uri=f"https://g/v1beta/x?key={GOOGLE_KEY}")
    (item,) = cassette.interactions
    assert item.request.uri == "https://g/v1beta/x?key=REDACTED"
    assert item.response.body_bytes == b'data: {"echo": "REDACTED"}\n\n'
    har = {
        "log": {
            "entries": [
                {
                    "request": {
                        "method": "POST",
                        "url": "https://api.anthropic.com/v1/messages",
                        "headers": [{"name": "x-api-key", "value": ANTHROPIC_KEY}],
                    },
                    "response": {
                        "status": 401,
                        "headers": [{"name": "set-cookie", "value": "s=1"}],
                        "content": {"text": f'{{"error": {{"message": "bad key {ANTHROPIC_KEY}"}}}}'},
                    },
                }
            ]
        }
    }
    (item,) = cassette_from_har(json.dumps(har).encode()).interactions
    assert ANTHROPIC_KEY not in item.model_dump_json()
    assert item.request.headers["x-api-key"] == [REDACTED] and item.response.headers["set-cookie"] == [REDACTED]


def test_the_journal_holds_no_echo_even_of_a_stream_cut_mid_key(tmp_path: Path) -> None:
    journal = Journal(tmp_path / ".c.yaml.journal")
    capture = Capture(
        method="POST",
        url=f"https://g/v1beta/x?key={GOOGLE_KEY}",
        headers=[],
        body=b"{}",
        on_finish=lambda interaction: journal.end(0, interaction),
        on_chunk=lambda at, data: journal.chunk(0, at, data),
    )
    journal.request(0, capture)
    capture.response(200, "OK", [("content-type", "text/event-stream"), ("x-echo", GOOGLE_KEY)])
    journal.response(0, capture)
    key = GOOGLE_KEY.encode()
    for piece in (b"data: plain\n\n", b'data: {"k": "' + key[:12], key[12:] + b'"}\n\ndata: ' + key[:5]):
        capture.chunk(piece)
    journal.close(remove=False)  # a crash: the held-back start of a key never reaches the journal
    ((_, item),) = read_journal(tmp_path / ".c.yaml.journal").interactions
    assert item.request.uri == "https://g/v1beta/x?key=REDACTED" and item.response.header("x-echo") == REDACTED
    assert item.response.body_bytes == b'data: plain\n\ndata: {"k": "REDACTED"}\n\ndata: '
