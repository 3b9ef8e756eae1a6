"""Anthropic Messages streams in the TUI (#11), under Pilot: the panes ``apis/anthropic/panes.py`` draws,
text and thinking with this event's addition reversed, tool input as sent then as JSON, citations, the
stop_reason and usage (reversed when the event sets them), and the error the stream stopped on."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from rich.console import Console, Group
from rich.syntax import Syntax
from textual.pilot import Pilot

from ssetape.apis.anthropic.panes import items
from ssetape.recorder import cassette_from_sse
from ssetape.replayer import Timeline
from ssetape.tui.screens import TimelineScreen
from tests.tui.helpers import app_for, pane, ready
from tests.tui.test_panes import render

pytestmark = pytest.mark.anyio

LARGE = (160, 45)


def reversed_text(screen: TimelineScreen, name: str) -> str:
    lines = screen.query_one(f"#{name}").lines  # type: ignore[attr-defined]
    return "".join(s.text for line in lines for s in line if s.style is not None and s.style.reverse)


def first(screen: TimelineScreen, name: str, **delta: Any) -> int:
    """The first event named ``name`` whose ``delta`` holds ``delta``'s keys (and values, where not None)."""
    assert screen.timeline is not None
    for event in screen.timeline.events:
        data = event.data if isinstance(event.data, dict) else {}
        found = data.get("delta") or {}
        if event.name == name and all(k in found and (v is None or found[k] == v) for k, v in delta.items()):
            return event.index
    raise AssertionError(f"no {name} with {delta}")


async def select(pilot: Pilot[None], index: int) -> None:
    await pilot.press("colon", *str(index), "enter")


async def test_thinking_then_text_each_with_the_events_addition_reversed() -> None:
    async with app_for("anthropic_thinking").run_test(size=LARGE) as pilot:
        screen = await ready(pilot)
        thinking = first(screen, "content_block_delta", type="thinking_delta")
        await select(pilot, thinking + 1)
        assert screen.timeline is not None
        added = screen.timeline.events[thinking + 1].data["delta"]["thinking"]
        assert "#0 thinking" in pane(screen, "message") and reversed_text(screen, "message") == added.rstrip()
        text = first(screen, "content_block_delta", type="text_delta")
        await select(pilot, text)
        said = screen.timeline.events[text].data["delta"]["text"]
        assert "#1 text" in pane(screen, "message") and reversed_text(screen, "message").strip() == said.strip()


async def test_tool_input_as_sent_while_streaming_then_as_json() -> None:
    async with app_for("anthropic_tool_use").run_test(size=LARGE) as pilot:
        screen = await ready(pilot)
        partial = first(screen, "content_block_delta", type="input_json_delta")
        await select(pilot, partial + 1)
        assert screen.timeline is not None
        sent = screen.timeline.events[partial + 1].data["delta"]["partial_json"]
        assert "get_current_weather(" in pane(screen, "step") and reversed_text(screen, "step") == sent
        await pilot.press("G")
        step = pane(screen, "step")
        assert '"location": "Lima, Peru"' in step and '"unit": "celsius"' in step  # indented JSON
        assert "stop_reason tool_use" in pane(screen, "run")


async def test_citations_and_a_stop_reason_and_usage_set_by_the_event() -> None:
    async with app_for("anthropic_citations").run_test(size=LARGE) as pilot:
        screen = await ready(pilot)
        cited = first(screen, "content_block_delta", type="citations_delta")
        await select(pilot, cited)
        assert "↳" in pane(screen, "message")
        final = first(screen, "message_delta", stop_reason=None)
        await select(pilot, final)
        assert "stop_reason end_turn" in pane(screen, "run")
        changed = reversed_text(screen, "run")
        assert "end_turn" in changed and "usage" in changed  # what this event changed
        await pilot.press("k")
        assert "end_turn" not in reversed_text(screen, "run")


async def test_max_tokens_and_the_error_the_stream_stopped_on() -> None:
    async with app_for("anthropic_max_tokens").run_test(size=LARGE) as pilot:
        screen = await ready(pilot)
        await pilot.press("G")
        assert "stop_reason max_tokens" in pane(screen, "run")
    async with app_for("anthropic_overloaded").run_test(size=LARGE) as pilot:
        screen = await ready(pilot)
        await pilot.press("G")
        assert "stream stopped: APIStatusError: Overloaded" in pane(screen, "run")
        assert "stop_reason none yet" in pane(screen, "run")
        assert "raises here, before the handler sees the event" in pane(screen, "callbacks")


def long_tool_input(pieces: int) -> Timeline:
    """A message whose one tool call's input arrives in ``pieces`` deltas, some 8 characters each."""

    def event(kind: str, **fields: object) -> bytes:
        return f"event: {kind}\ndata: {json.dumps({'type': kind, **fields})}\n\n".encode()

    usage = {"input_tokens": 5, "output_tokens": 1}
    message = {"id": "msg_1", "type": "message", "role": "assistant", "model": "m", "content": []}
    sent = ['{"items": ['] + [f'"item{n}", ' for n in range(pieces - 2)] + ['"end"]}']
    body = [
        event("message_start", message={**message, "stop_reason": None, "stop_sequence": None, "usage": usage}),
        event("content_block_start", index=0, content_block={"type": "tool_use", "id": "t", "name": "f", "input": {}}),
        *(event("content_block_delta", index=0, delta={"type": "input_json_delta", "partial_json": p}) for p in sent),
        event("content_block_stop", index=0),
        event("message_delta", delta={"stop_reason": "tool_use", "stop_sequence": None}, usage={"output_tokens": 9}),
        event("message_stop"),
    ]
    return Timeline(cassette_from_sse(b"".join(body)), 0)


def test_a_long_tool_input_shows_its_end_and_how_much_is_above() -> None:
    # a pane lays out again what changed: the whole of a 20 kB input at every delta took 100 ms and more
    timeline = long_tool_input(2000)
    last_delta = len(timeline) - 4
    shown = render(timeline, last_delta)["step"]
    added = timeline.events[last_delta].data["delta"]["partial_json"]
    assert len(shown.splitlines()) < 60 and shown.rstrip().endswith(added + "\n)")
    assert re.search(r"… [\d,]+ earlier characters not shown", shown)
    assert '"item1997", "end"]}' in shown.replace("\n", "") and '"item0"' not in shown
    highlighted = Console(width=100, file=io.StringIO(), color_system=None)
    assert (
        "".join(
            segment.text
            for segment in highlighted.render(items(timeline, timeline[last_delta])[2])
            if segment.style is not None and segment.style.reverse
        )
        == added
    )
    done = render(timeline, len(timeline) - 1)["step"]  # complete: its indented JSON's last lines
    lines = done.splitlines()
    assert len(lines) < 300 and lines[-4:] == ['    "end"', "  ]", "}", ")"]
    above = re.fullmatch(r"… ([\d,]+) earlier lines not shown", lines[4])
    assert above is not None  # line 0 is "{", line 1 '"items": [', then an item a line
    assert lines[5].strip() == f'"item{int(above.group(1).replace(",", "")) - 2}",'
    # the same input drawn again is the same object, its Syntax too (a pane cannot compare two): it need not be
    # laid out again
    stop, end = (items(timeline, timeline[index])[2].renderables for index in (len(timeline) - 3, len(timeline) - 1))
    assert end[-2] is stop[-2] and isinstance(end[-2], Group) and isinstance(end[-2].renderables[-1], Syntax)


@pytest.mark.parametrize(
    ("fixture", "delta", "key", "said"),
    [
        ("anthropic_text", "text_delta", "text", "text"),
        ("anthropic_thinking", "thinking_delta", "thinking", "thinking"),
        ("anthropic_tool_use", "input_json_delta", "partial_json", "input_json"),
    ],
)
async def test_the_stream_events_pane_shows_what_each_delta_adds(fixture: str, delta: str, key: str, said: str) -> None:
    """The events MessageStream yields for a delta, with what it adds (its text, thinking or JSON), where the
    pane showed an empty delta=''."""
    async with app_for(fixture).run_test(size=LARGE) as pilot:
        screen = await ready(pilot)
        index = first(screen, "content_block_delta", type=delta)
        await select(pilot, index + 2)  # (one further in, past a first delta that may be empty)
        assert screen.timeline is not None
        added = screen.timeline.events[index + 2].data["delta"][key]
        shown = pane(screen, "callbacks")
        assert "content_block_delta(delta=" in shown and f"{key}={added[:30]!r}"[:-1] in shown
        assert f"{said}({key}={added[:30]!r}"[:-1] in shown and "snapshot=" in shown
        assert "delta='')" not in shown


async def test_the_stream_events_pane_shows_the_stop_reason_and_usage_a_message_delta_sets() -> None:
    async with app_for("anthropic_max_tokens").run_test(size=LARGE) as pilot:
        screen = await ready(pilot)
        assert screen.timeline is not None
        index = next(e.index for e in screen.timeline.events if e.name == "message_delta")
        await select(pilot, index)
        shown = pane(screen, "callbacks")
        assert "message_delta(delta=Delta(stop_reason='max_tokens')" in shown and "output_tokens=" in shown
