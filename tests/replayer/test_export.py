"""replayer.export: raw SSE, JSON Lines, HAR."""

from __future__ import annotations

import json

import pytest

from ssetape.recorder import cassette_from_har, cassette_from_sse, load
from ssetape.replayer import ReplayError, events, export
from tests.conftest import FIXTURES


def test_sse_is_the_body_byte_for_byte_and_reads_back_to_the_same_events() -> None:
    cassette = load(FIXTURES / "multibyte.yaml")
    body = export(cassette, "sse")
    assert body == cassette.interactions[2].response.body_bytes
    again = cassette_from_sse(body).interactions[0]
    assert [(e.name, e.raw) for e in events(again)] == [(e.name, e.raw) for e in events(cassette.interactions[2])]


def test_jsonl_has_every_streamed_event_with_its_interaction() -> None:
    cassette = load(FIXTURES / "function_calling.yaml")
    records = [json.loads(line) for line in export(cassette, "jsonl").decode().splitlines()]
    want = [(i, e.to_json()) for i in (0, 1) for e in events(cassette.interactions[i])]
    assert [(r.pop("interaction"), r) for r in records] == want
    one = export(cassette, "jsonl", interaction=1).decode().splitlines()
    assert len(one) == len(events(cassette.interactions[1]))


def test_har_reads_back_to_the_same_cassette() -> None:
    cassette = load(FIXTURES / "code_interpreter.yaml")
    again = cassette_from_har(json.loads(export(cassette, "har")))
    assert [i.response.ssetape for i in again.interactions] == [i.response.ssetape for i in cassette.interactions]
    (only,) = json.loads(export(cassette, "har", interaction=1))["log"]["entries"]
    assert only["request"]["url"].endswith("/messages")


def test_picking_what_is_not_there() -> None:
    cassette = load(FIXTURES / "text.yaml")
    with pytest.raises(ReplayError, match="interaction 0 is not a streamed response"):
        export(cassette, "sse", interaction=0)
    with pytest.raises(ReplayError, match="has no interaction 7"):
        export(cassette, "har", interaction=7)
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        export(cassette, "xml")  # type: ignore[arg-type]
