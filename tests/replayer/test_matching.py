"""Matching rules (``Matching``) and the differences an unmatched request is explained by."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2
import pydantic
import pytest

from ssetape.recorder import RecordingTransport, load
from ssetape.replayer import Matching, ReplayTransport, UnmatchedRequestError
from ssetape.replayer.matching import differences, request_key
from tests.mock_upstream import Scripted, mock_transport

CHAT = {
    "model": "gpt-4o",
    "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}],
    "metadata": {"trace_id": "t-1", "user": "ann"},
    "stream": True,
}


def recorded(tmp_path: Path, url: str = "http://up.test/v1/chat/completions?limit=10", **kwargs: object) -> Path:
    path = tmp_path / "c.yaml"
    transport = RecordingTransport(path, mock_transport(httpx2, Scripted([b"ok"])))
    with httpx2.Client(transport=transport) as client:
        client.post(url, json=CHAT, headers={"x-foo": "a"}, **kwargs)  # type: ignore[arg-type]
    return path


def sent_like(**changes: object) -> dict[str, object]:
    body = {**CHAT, **changes}
    return body


def unmatched(path: Path, url: str, body: object, matching: Matching | None = None, **kwargs: object) -> str:
    with httpx2.Client(transport=ReplayTransport(path, matching=matching)) as client:
        with pytest.raises(UnmatchedRequestError) as info:
            client.post(url, json=body, **kwargs)  # type: ignore[arg-type]
    return str(info.value)


def test_a_mismatch_names_each_differing_field_by_json_path_with_both_values(tmp_path: Path) -> None:
    path = recorded(tmp_path)
    messages = [CHAT["messages"][0], {"role": "user", "content": "hello"}]  # type: ignore[index]
    message = unmatched(path, "http://up.test/v1/chat/completions?limit=20", sent_like(messages=messages))
    assert "no recorded response matches POST /v1/chat/completions?limit=20" in message
    assert f"{path}:" in message
    assert '  body.messages[1].content: recorded "hi", sent "hello"' in message
    assert '  query.limit: recorded "10", sent "20"' in message
    assert 'ignore_json_paths=["messages.1.content"]' in message
    assert 'ignore_query=["limit"]' in message
    assert "to proceed: record the cassette again" in message


def test_a_field_only_one_side_has_shows_as_nothing(tmp_path: Path) -> None:
    path = recorded(tmp_path)
    message = unmatched(path, "http://up.test/v1/chat/completions?limit=10", sent_like(temperature=0.5))
    assert "body.temperature: recorded nothing, sent 0.5" in message


@pytest.mark.parametrize(
    ("ignored", "changes"),
    [
        (["metadata.trace_id"], {"metadata": {"trace_id": "t-2", "user": "ann"}}),
        (["**.user"], {"metadata": {"trace_id": "t-1", "user": "bob"}}),
        (["messages.*.content"], {"messages": [{"role": "system", "content": "x"}, {"role": "user", "content": "y"}]}),
    ],
)
def test_ignored_json_paths_match_any_value(tmp_path: Path, ignored: list[str], changes: dict[str, object]) -> None:
    path = recorded(tmp_path)
    url = "http://up.test/v1/chat/completions?limit=10"
    with httpx2.Client(transport=ReplayTransport(path, matching=Matching(ignore_json_paths=ignored))) as client:
        assert client.post(url, json=sent_like(**changes)).content == b"ok"
    unmatched(path, url, sent_like(**changes))  # and without the rule, the same request does not match


def test_an_ignored_path_does_not_hide_other_differences(tmp_path: Path) -> None:
    path = recorded(tmp_path)
    body = sent_like(metadata={"trace_id": "t-2", "user": "ann"}, model="gpt-5")
    message = unmatched(
        path, "http://up.test/v1/chat/completions?limit=10", body, Matching(ignore_json_paths=["metadata.trace_id"])
    )
    assert 'body.model: recorded "gpt-4o", sent "gpt-5"' in message
    assert "trace_id" not in message


def test_query_parameters_and_headers_can_be_ignored(tmp_path: Path) -> None:
    path = recorded(tmp_path)
    url = "http://up.test/v1/chat/completions?limit=99"
    matching = Matching(match_on=("method", "path", "query", "body", "headers"), ignore_query=["limit"])
    message = unmatched(path, url, CHAT, matching, headers={"x-foo": "b"})
    assert '  headers.x-foo: recorded "a", sent "b"' in message
    assert "query.limit" not in message
    assert "user-agent" not in message  # the client's own headers are never compared
    both = Matching(match_on=matching.match_on, ignore_query=["limit"], ignore_headers=["x-foo"])
    with httpx2.Client(transport=ReplayTransport(path, matching=both)) as client:
        assert client.post(url, json=CHAT, headers={"x-foo": "b"}).content == b"ok"


def test_match_on_leaves_out_what_it_does_not_name(tmp_path: Path) -> None:
    path = recorded(tmp_path)
    with httpx2.Client(transport=ReplayTransport(path, matching=Matching(match_on=("method", "path")))) as client:
        assert client.post("http://up.test/v1/chat/completions", json={"other": 1}).content == b"ok"


def test_host_is_compared_only_when_asked() -> None:
    recorded_key = request_key("GET", "https://api.openai.com/v1/models", None, b"")
    sent_key = request_key("GET", "http://127.0.0.1:9/v1/models", None, b"")
    assert list(differences(recorded_key, sent_key)) == []
    found = list(differences(recorded_key, sent_key, Matching(match_on=("host", "path"))))
    assert [str(d) for d in found] == ['host: recorded "api.openai.com", sent "127.0.0.1:9"']


def test_a_redacted_query_value_matches_any_value() -> None:
    recorded_key = request_key("GET", "http://up.test/v1/x?key=REDACTED&a=1", None, b"")
    assert list(differences(recorded_key, request_key("GET", "http://up.test/v1/x?key=s3cret&a=1", None, b""))) == []
    assert [d.name for d in differences(recorded_key, request_key("GET", "http://up.test/v1/x?a=1", None, b""))] == [
        "query.key"
    ]


def test_unknown_match_fields_and_empty_paths_are_refused() -> None:
    with pytest.raises(pydantic.ValidationError, match="cannot match on colour"):
        Matching(match_on=("method", "colour"))
    with pytest.raises(pydantic.ValidationError, match="not a JSON field path"):
        Matching(ignore_json_paths=["a..b"])


def test_the_hint_replaces_the_default_advice(tmp_path: Path) -> None:
    path = recorded(tmp_path)
    hint = "run pytest t.py::x --ssetape-record-mode=rewrite"
    with httpx2.Client(transport=ReplayTransport(load(path), hint=hint)) as client:
        with pytest.raises(UnmatchedRequestError) as info:
            client.get("http://up.test/v1/models")
    assert f"to proceed: {hint}" in str(info.value)


def test_the_remedy_for_several_body_fields_is_one_list_that_can_be_pasted(tmp_path: Path) -> None:
    path = recorded(tmp_path)
    messages = [CHAT["messages"][0], {"role": "user", "content": "hello"}]  # type: ignore[index]
    message = unmatched(path, "http://up.test/v1/chat/completions?limit=10", sent_like(messages=messages, model="o3"))
    remedy = message.split("match without it: ")[1].splitlines()[0]
    assert remedy == 'ignore_json_paths=["messages.1.content", "model"]'
    pasted = eval(f"dict({remedy})")  # what a user would paste, as Python
    assert Matching(**pasted).ignore_json_paths == ("messages.1.content", "model")


def test_a_long_recorded_string_is_cut_inside_its_quotes() -> None:
    long = "Explain, briefly, how server-sent events let a client read a long answer as it arrives."
    recorded_key = request_key("POST", "http://up.test/v1/x", "application/json", json.dumps({"q": long}).encode())
    sent_key = request_key("POST", "http://up.test/v1/x", "application/json", b'{"q": "hello"}')
    (difference,) = differences(recorded_key, sent_key)
    shown = str(difference)
    assert shown.startswith('body.q: recorded "Explain, briefly')
    assert '…", sent "hello"' in shown
    assert len(shown.split(", sent ")[0].removeprefix("body.q: recorded ")) == 80


def test_a_credential_the_client_sent_is_not_shown_when_nothing_matches(tmp_path: Path) -> None:
    path = recorded(tmp_path, url="http://up.test/v1/chat/completions?key=live-secret-123456")
    url = "http://up.test/v1/chat/completions?key=other-secret-987654"
    message = unmatched(path, url, sent_like(model="o3"))
    assert "key=REDACTED" in message
    assert "other-secret-987654" not in message
    # A recording without the parameter: the difference names it, not its value.
    plain = recorded(tmp_path / "plain")
    message = unmatched(plain, "http://up.test/v1/chat/completions?limit=10&api_key=other-secret-987654", CHAT)
    assert 'query.api_key: recorded nothing, sent "REDACTED"' in message
    assert "other-secret-987654" not in message
