"""What the panes say about a Gemini stream (``ssetape.apis.gemini.panes``): the chunk yielded, the thoughts
and text so far with this event's addition, the function calls, and the finish reason, usage, grounding and
safety ratings."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console, Group
from rich.style import Style
from textual.strip import Strip

from ssetape.apis.gemini import panes as gemini_panes
from ssetape.recorder import cassette_from_sse
from ssetape.replayer import Timeline
from ssetape.tui.widgets.blocks import BlockLines
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


def many_calls(chunks: int) -> bytes:
    """A stream of ``chunks`` chunks of text, every fifth one calling a function instead (every tenth, two)."""
    out = []
    for n in range(chunks):
        parts: list[dict[str, Any]] = [{"text": f"word{n} "}]
        if n % 5 == 4:
            parts = [{"functionCall": {"name": "lookup", "args": {"n": n}, "id": f"c{n}"}}]
            if n % 10 == 9:
                parts.append({"functionCall": {"name": "fetch", "args": {"url": f"u{n}"}}, "thoughtSignature": "c2ln"})
        data = {"candidates": [{"index": 0, "content": {"role": "model", "parts": parts}}], "responseId": "r"}
        out.append(f"data: {json.dumps(data)}\r\n\r\n")
    return "".join(out).encode()


def test_stepping_through_many_function_calls_draws_each_once_and_shows_what_the_sdk_gives() -> None:
    """Stepping forward and back over a stream of many calls, as a user does: the pane lists the SDK's calls
    in order, marks those the event made, lays out as rich lays out the whole, and is handed the same objects
    for the calls it drew at the step before (so a step lays none of them out again)."""
    timeline = Timeline(cassette_from_sse(many_calls(60), uri="https://generativelanguage.googleapis.com/v1beta/m"))
    console = Console(width=80, file=io.StringIO(), color_system="truecolor", legacy_windows=False)
    options = console.options.update(width=70, height=None, highlight=False)
    blocks = BlockLines()
    before: dict[int, object] = {}  # the blocks of the step before, by identity (kept alive)
    drawn_before = made_before = 0
    for index in [*range(len(timeline)), *range(len(timeline) - 1, 30, -1), 3, 59]:
        moment = timeline[index]
        title, _, renderable = gemini_panes.items(timeline, moment)
        calls = timeline.state(index).function_calls  # the SDK's, copied
        assert title == f"function calls · {len(calls)}"
        laid = blocks.lines(renderable, console, options, Style())
        whole = console.render_lines(renderable, options, style=Style(), pad=True)
        assert laid == [Strip(line, 70) for line in whole], index
        text = "\n".join(strip.text.rstrip() for strip in laid)
        headings = [line for line in text.splitlines() if "function_call" in line]
        made = len(moment.callbacks[0].args[0].function_calls or []) if moment.callbacks else 0
        assert [line.startswith("▶") for line in headings] == [n >= len(calls) - made for n in range(len(calls))]
        parts = timeline.state(index).function_call_parts
        for n, (part, heading) in enumerate(zip(parts, headings, strict=True)):
            call, signature = part.function_call, part.thought_signature
            assert call is not None
            assert heading.lstrip("▶ ").split("  ")[0] == f"#{n} function_call {call.id or ''}".rstrip(), index
            assert heading.endswith(f"thought_signature {len(signature)} bytes" if signature else str(call.id)), index
        assert text.count("lookup(") + text.count("fetch(") == len(calls)
        assert [json.loads(arguments) for arguments in _arguments(text)] == [call.args for call in calls], index
        assert isinstance(renderable, Group)
        handed = renderable.renderables
        again = sum(1 for block in handed if id(block) in before)
        assert again >= min(len(calls), drawn_before) - made - made_before, index
        assert len(handed) - again <= 2 * made + made_before + max(len(calls) - drawn_before, 1), index
        before = {id(block): block for block in renderable.renderables}
        drawn_before, made_before = len(calls), made


def _arguments(text: str) -> list[str]:
    """Each call's arguments, as the pane writes them between ``name(`` and ``)``."""
    out, current = [], None
    for line in text.splitlines():
        if line.endswith("(") and line[:-1] in ("lookup", "fetch"):
            current = []
        elif line == ")" and current is not None:
            out.append("".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return out
