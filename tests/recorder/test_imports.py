"""recorder.imports: cassettes from curl output, with or without its headers."""

from __future__ import annotations

from ssetape.recorder import cassette_from_capture, cassette_from_sse
from ssetape.recorder.sse import decode

BODY = b'event: thread.run.created\ndata: {"id":"run_1"}\n\nevent: done\ndata: [DONE]\n\n'


def test_curl_n_output_is_the_body() -> None:
    (item,) = cassette_from_capture(BODY).interactions
    assert item.streamed and item.response.body_bytes == BODY
    assert item.response.status.code == 200 and item.response.ssetape is None
    assert [e.event for e in decode(item.response.body_bytes)] == ["thread.run.created", "done"]


def test_curl_i_headers_become_the_response_headers_redacted() -> None:
    head = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/2 429 Too Many Requests\r\ncontent-type: text/event-stream\r\n"
    head += b"set-cookie: a=b\r\ncontent-encoding: gzip\r\ncontent-length: 10\r\nx-request-id: req_1\r\n\r\n"
    (item,) = cassette_from_capture(head + BODY, method="GET", uri="https://x/v1/y", request_body="{}").interactions
    assert (item.response.status.code, item.response.status.message) == (429, "Too Many Requests")
    assert item.response.headers == {
        "content-type": ["text/event-stream"],
        "set-cookie": ["REDACTED"],
        "x-request-id": ["req_1"],
    }
    assert item.response.body_bytes == BODY
    assert (item.request.method, item.request.uri, item.request.body) == ("GET", "https://x/v1/y", "{}")


def test_chunk_timing_of_the_whole_capture_is_split_at_the_headers() -> None:
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n"
    data = head + BODY
    sizes = [10, len(head) - 10 + 5, len(data) - len(head) - 5]
    (item,) = cassette_from_capture(data, chunks=[(0.1, sizes[0]), (0.3, sizes[1]), (0.9, sizes[2])]).interactions
    assert item.response_at == 0.3
    assert [(c.at, len(c.data)) for c in item.chunks()] == [(0.3, 5), (0.9, len(BODY) - 5)]


def test_cassette_from_sse_keeps_its_defaults() -> None:
    (item,) = cassette_from_sse(BODY).interactions
    assert item.response.headers == {"content-type": ["text/event-stream; charset=utf-8"]}
    assert item.response.status.message == "OK"
