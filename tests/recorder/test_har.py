"""recorder.har: HAR in and out; a cassette survives the round trip exactly."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from ssetape.recorder import CassetteDecodeError, cassette_from_har, cassette_to_har, load
from ssetape.recorder.har import is_har
from ssetape.recorder.sse import decode
from tests.conftest import FIXTURES

FIXTURE_PATHS = sorted(FIXTURES.glob("*.yaml"))


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=[p.stem for p in FIXTURE_PATHS])
def test_every_fixture_survives_a_har_round_trip(path: Path) -> None:
    cassette = load(path)
    har = json.loads(json.dumps(cassette_to_har(cassette)))
    assert har["log"]["version"] == "1.2" and len(har["log"]["entries"]) == len(cassette.interactions)
    again = cassette_from_har(har)
    for before, after in zip(cassette.interactions, again.interactions, strict=True):
        assert (after.request.method, after.request.uri) == (before.request.method, before.request.uri)
        assert after.request.body_bytes == before.request.body_bytes
        assert after.request.headers == before.request.headers
        assert after.response.status == before.response.status
        assert after.response.headers == before.response.headers
        assert after.response.body_bytes == before.response.body_bytes
        assert after.response.ssetape == before.response.ssetape
        assert after.chunks() == before.chunks()


def test_streamed_entries_carry_event_source_messages_for_har_viewers() -> None:
    cassette = load(FIXTURES / "function_calling.yaml")
    entry = cassette_to_har(cassette)["log"]["entries"][0]
    messages = entry["_eventSourceMessages"]
    events = decode(cassette.interactions[0].response.body_bytes)
    assert [(m["eventName"], m["data"]) for m in messages] == [(e.event, e.data) for e in events]
    recorded_at = cassette.interactions[0].response.ssetape.recorded_at  # type: ignore[union-attr]
    assert messages[0]["time"] == pytest.approx(recorded_at.timestamp() + cassette.interactions[0].chunks()[0].at)
    assert entry["timings"]["wait"] == pytest.approx(cassette.interactions[0].response_at * 1000, abs=0.001)


def chrome_entry(**extra: Any) -> dict[str, Any]:
    """An entry as Chrome's devtools save an EventSource / fetch stream."""
    return {
        "startedDateTime": "2026-01-02T03:04:05.678Z",
        "time": 2500,
        "request": {
            "method": "POST",
            "url": "https://api.openai.com/v1/threads/runs",
            "headers": [
                {"name": ":authority", "value": "api.openai.com"},
                {"name": "authorization", "value": "Bearer sk-secret"},
                {"name": "cookie", "value": "session=1"},
                {"name": "content-type", "value": "application/json"},
            ],
            "postData": {"mimeType": "application/json", "text": '{"assistant_id":"asst_1","stream":true}'},
        },
        "response": {
            "status": 200,
            "statusText": "",
            "headers": [
                {"name": "content-type", "value": "text/event-stream; charset=utf-8"},
                {"name": "content-encoding", "value": "br"},
                {"name": "content-length", "value": "123"},
                {"name": "set-cookie", "value": "__cf_bm=abc"},
            ],
            "content": {"size": 0, "mimeType": "text/event-stream"},
        },
        "timings": {"blocked": 1.0, "dns": -1, "connect": -1, "send": 0.5, "wait": 398.5, "receive": 2000},
        "_eventSourceMessages": [
            {"time": 1767323045.9, "eventName": "thread.run.created", "eventId": "", "data": '{"id":"run_1"}'},
            {"time": 1767323046.4, "eventName": "thread.message.delta", "eventId": "", "data": '{"a":1}\n{"b":2}'},
            {"time": 1767323047.9, "eventName": "done", "eventId": "", "data": "[DONE]"},
        ],
    } | extra


def test_a_chrome_event_source_entry_becomes_a_timed_stream() -> None:
    (item,) = cassette_from_har({"log": {"entries": [chrome_entry()]}}).interactions
    assert item.streamed
    assert [(e.event, e.data) for e in decode(item.response.body_bytes)] == [
        ("thread.run.created", '{"id":"run_1"}'),
        ("thread.message.delta", '{"a":1}\n{"b":2}'),
        ("done", "[DONE]"),
    ]
    assert item.response_at == pytest.approx(0.4)
    assert [round(c.at, 3) for c in item.chunks()] == [0.4, 0.9, 2.4]
    assert item.request.headers == {
        "authorization": ["REDACTED"],
        "cookie": ["REDACTED"],
        "content-type": ["application/json"],
    }
    # Decoded body: the encoding and the encoded length go; secrets are redacted.
    assert item.response.headers == {"content-type": ["text/event-stream; charset=utf-8"], "set-cookie": ["REDACTED"]}
    assert item.request.body == '{"assistant_id":"asst_1","stream":true}'


def test_a_body_in_content_text_is_kept_and_timed_by_the_messages_when_they_agree() -> None:
    body = 'event: thread.run.created\ndata: {"id":"run_1"}\n\nevent: done\ndata: [DONE]\n\n'
    entry = chrome_entry()
    entry["response"]["content"] = {"mimeType": "text/event-stream", "text": body}
    entry["_eventSourceMessages"] = [entry["_eventSourceMessages"][0], entry["_eventSourceMessages"][2]]
    (item,) = cassette_from_har({"log": {"entries": [entry]}}).interactions
    assert item.response.body_bytes == body.encode()
    assert [round(c.at, 3) for c in item.chunks()] == [0.4, 2.4]
    entry["_eventSourceMessages"] = entry["_eventSourceMessages"][:1]  # disagree: no timing at all
    (item,) = cassette_from_har({"log": {"entries": [entry]}}).interactions
    assert item.response.ssetape is None


def test_base64_bodies_and_url_filters() -> None:
    plain = chrome_entry(_eventSourceMessages=[])
    plain["request"]["url"] = "https://example.com/logo.png"
    plain["response"]["content"] = {
        "mimeType": "image/png",
        "text": base64.b64encode(b"\x89PNG").decode(),
        "encoding": "base64",
    }
    har = {"log": {"entries": [plain, chrome_entry()]}}
    assert cassette_from_har(har).interactions[0].response.body_bytes == b"\x89PNG"
    (item,) = cassette_from_har(har, match=r"/v1/").interactions
    assert item.request.uri.endswith("/v1/threads/runs")


def test_what_is_not_a_har_is_a_located_error(tmp_path: Path) -> None:
    source = tmp_path / "x.har"
    with pytest.raises(CassetteDecodeError, match=r"x\.har: not a HAR file: invalid JSON"):
        cassette_from_har(b"{nope", source=source)
    with pytest.raises(CassetteDecodeError, match=r"expected a JSON object with log\.entries"):
        cassette_from_har({"entries": []}, source=source)
    with pytest.raises(CassetteDecodeError, match=r"HAR entry 0: missing 'response'"):
        cassette_from_har({"log": {"entries": [{"request": {"url": "u", "method": "GET"}}]}}, source=source)
    with pytest.raises(CassetteDecodeError, match=r"no entries whose URL matches '/v2/' \(1 in all\)"):
        cassette_from_har({"log": {"entries": [chrome_entry()]}}, match="/v2/", source=source)


def test_is_har() -> None:
    assert is_har(b'  {\n  "log": {"version": "1.2"')
    assert not is_har(b"event: done\ndata: [DONE]\n\n")
    assert not is_har(b'{"version": 1, "interactions": []}')


def test_a_stream_whose_body_the_har_did_not_keep_is_cut_off_not_empty() -> None:
    """DevTools keeps no body for a fetch stream still open when the HAR is saved: the stream is cut off at its
    start (the SDK then meets the cut), not a complete stream that sent nothing."""
    (item,) = cassette_from_har({"log": {"entries": [chrome_entry(_eventSourceMessages=[])]}}).interactions
    assert item.streamed and item.response.body_bytes == b"" and not item.complete
    assert item.response.ssetape is not None and item.response.ssetape.error is not None
    assert item.response.ssetape.error.type == "NoBodyKept" and not item.timed
    empty_json = chrome_entry(_eventSourceMessages=[])
    empty_json["response"]["headers"] = [{"name": "content-type", "value": "application/json"}]
    (plain,) = cassette_from_har({"log": {"entries": [empty_json]}}).interactions
    assert plain.complete  # an empty answer that is not a stream is what it is
