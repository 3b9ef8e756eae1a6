"""What the panes say about a Gemini stream (``ssetape.apis.gemini.panes``): the chunk yielded, the thoughts
and text so far with this event's addition, the function calls, and the finish reason, usage, grounding and
safety ratings."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssetape.recorder import cassette_from_sse
from ssetape.replayer import Timeline
from tests.conftest import FIXTURES
from tests.tui.helpers import SIZE, app_for, pane, ready
from tests.tui.test_app import reversed_text
from tests.tui.test_panes import render, words


def timeline_text(screen: object) -> str:
    """What the selected event added to the text, as the pane highlights it."""
    return reversed_text(screen, "message")


def test_thoughts_then_text_each_with_what_the_event_added() -> None:
    timeline = Timeline(FIXTURES / "gemini_thinking.yaml")
    panes = render(timeline, 1)
    thought = timeline.events[1].data["candidates"][0]["content"]["parts"][0]["text"]
    assert panes["message"].startswith("text · 2 chunks")
    assert "thoughts" in panes["message"] and words(thought) in words(panes["message"])
    assert "GenerateContentResponse(thought=" in panes["callbacks"]
    last = render(timeline, len(timeline) - 1)
    assert words(timeline.state(-1).text) in words(last["message"])
    assert "finish_reason STOP" in last["run"] and "thinking" in last["run"]


def test_function_calls_show_name_arguments_id_and_signature() -> None:
    timeline = Timeline(FIXTURES / "gemini_parallel_function_calls.yaml", 0)
    last = render(timeline, len(timeline) - 1)["step"]
    assert last.startswith("function calls · 2")
    for call in timeline.state(-1).function_calls:
        assert f"{call.name}(" in last and str(call.id) in last and '"location": "Lima, Peru"' in last
    assert "thought_signature" in last


def test_grounding_safety_and_the_error_the_stream_stopped_on() -> None:
    grounded = render(Timeline(FIXTURES / "gemini_google_search.yaml"), -1)["run"]
    assert "search: server-sent events EventSource browser support" in grounded and "↳ EventSource" in grounded
    blocked = render(Timeline(FIXTURES / "gemini_safety.yaml"), -1)["run"]
    assert "finish_reason SAFETY" in blocked and "HARM_CATEGORY_HARASSMENT: HIGH (blocked)" in blocked
    failed = Timeline(FIXTURES / "gemini_error.yaml")
    assert "stream stopped: ServerError: 503 UNAVAILABLE" in render(failed, len(failed) - 1)["run"]


def test_a_real_stream_renders(real_streams: Path) -> None:
    body = (real_streams / "gemini_google_search_grounding.sse").read_bytes()
    timeline = Timeline(
        cassette_from_sse(body, uri="https://generativelanguage.googleapis.com/v1beta/models/m:streamGenerateContent")
    )
    run = render(timeline, len(timeline) - 1)["run"]
    assert "search: weather in San Francisco today" in run and "tool prompt" in run


@pytest.mark.anyio
async def test_stepping_through_a_gemini_stream_in_the_app() -> None:
    """The real Textual app under Pilot: stepping through the thinking fixture, the text pane gains what each
    chunk added, highlighted, and the response pane ends on the finish reason."""
    async with app_for("gemini_thinking").run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert "GenerateContentResponse(thought=" in pane(screen, "callbacks")
        assert "thoughts" in pane(screen, "message")
        await pilot.press("G")
        screen = await ready(pilot)
        assert "finish_reason STOP" in pane(screen, "run")
        await pilot.press("k")
        screen = await ready(pilot)
        before_last = Timeline(FIXTURES / "gemini_thinking.yaml").events[-2].data
        assert words(timeline_text(screen)) == words(before_last["candidates"][0]["content"]["parts"][0]["text"])
