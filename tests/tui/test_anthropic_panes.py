"""Anthropic Messages streams in the TUI (#11), under Pilot: the panes ``apis/anthropic/panes.py`` draws,
text and thinking with this event's addition reversed, tool input as sent then as JSON, citations, the
stop_reason and usage (reversed when the event sets them), and the error the stream stopped on."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from ssetape.tui.screens import TimelineScreen
from tests.tui.helpers import app_for, pane, ready

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
