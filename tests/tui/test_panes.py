"""What the panes say about an event, checked without a terminal: every event of every fixture and
real stream renders, and the telling events render what an event handler would see."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from recorder import load
from replayer import Timeline
from tests.conftest import FIXTURES, REAL_STREAMS
from tui.ending import ending
from tui.source import open_cassette
from tui.widgets import CallbacksPane, MessagePane, Pane, RawPane, RunPane, StepPane

STREAMED = sorted(path.name for path in FIXTURES.glob("*.yaml") if load(path).streams())
REAL = sorted(path.name for path in REAL_STREAMS.glob("*.sse")) if REAL_STREAMS.is_dir() else []
PANES: dict[str, type[Pane]] = {
    "callbacks": CallbacksPane,
    "message": MessagePane,
    "step": StepPane,
    "run": RunPane,
    "raw": RawPane,
}


def render(
    timeline: Timeline, index: int, *, lay_out: bool = True, panes: dict[str, Pane] | None = None
) -> dict[str, str]:
    """Each pane's title and text for event ``index``, laid out 100 columns wide (or only computed)."""
    console = Console(width=100, file=io.StringIO(), color_system=None, legacy_windows=False)
    out = {}
    moment = timeline[index]
    for name, pane in (panes or {name: kind() for name, kind in PANES.items()}).items():
        title, subtitle, renderable = pane.render_moment(timeline, moment)
        if lay_out:
            with console.capture() as capture:
                console.print(renderable)
            out[name] = f"{title}\n{subtitle}\n{capture.get()}"
    return out


def render_all(timeline: Timeline) -> None:
    """Every event's panes computed; laid out for every event that is not a delta, and every 10th delta
    (deltas are many and alike: laying out all of them would take most of this file's time)."""
    panes = {name: kind() for name, kind in PANES.items()}
    for index, event in enumerate(timeline.events):
        render(timeline, index, lay_out=not event.name.endswith(".delta") or index % 10 == 0, panes=panes)


def timelines(path: Path) -> list[Timeline]:
    cassette = open_cassette(path)
    return [Timeline(cassette, index) for index in cassette.streams()]


@pytest.mark.parametrize("name", STREAMED)
def test_every_event_of_every_fixture_renders(name: str) -> None:
    for timeline in timelines(FIXTURES / name):
        render_all(timeline)


@pytest.mark.parametrize("name", REAL)
def test_every_event_of_every_real_stream_renders(name: str, real_streams: Path) -> None:
    for timeline in timelines(real_streams / name):
        render_all(timeline)


def test_a_text_delta_shows_its_callbacks_and_the_text_so_far() -> None:
    timeline = Timeline(FIXTURES / "text.yaml")
    panes = render(timeline, 9)
    assert "on_text_delta(delta=' events', snapshot='Server-sent events')" in panes["callbacks"]
    assert (
        "on_message_delta(delta=MessageDelta(content=[TextDeltaBlock(index=0, text=' events')])" in panes["callbacks"]
    )
    assert panes["message"].splitlines()[2] == "Server-sent events"
    assert "in_progress" in panes["message"].splitlines()[0]


def test_a_code_interpreter_step_shows_code_logs_and_images() -> None:
    timeline = Timeline(FIXTURES / "code_interpreter.yaml")
    step = render(timeline, 131)["step"]
    assert "growth = df['revenue'].pct_change().mean()" in step
    assert "import matplotlib.pyplot as plt" in step
    assert "logs:\n3.41%" in step
    assert "image file-HKB7ryW2ajrEyt9fQBzQaC" in step
    assert step.count("▶ code_interpreter") == 2  # both calls got output in this event
    completed = render(timeline, 38)["step"]  # no longer current: shown from run_step_snapshots
    assert "current_run_step_snapshot is None; from run_step_snapshots" in completed
    assert "df.describe()" in completed
    # as in the SDK: run_step_snapshots merges deltas only, so the step stays in_progress there
    assert "· tool_calls · in_progress" in completed


def test_a_requires_action_run_shows_the_calls_to_make() -> None:
    timeline = Timeline(FIXTURES / "function_calling.yaml")
    panes = render(timeline, 34)
    assert "status requires_action" in panes["run"]
    assert "get_current_weather(location='Lima, Peru', unit='celsius')" in panes["run"]
    assert "get_rain_probability(location='Lima, Peru')" in panes["run"]
    assert "on_tool_call_done(tool_call=FunctionToolCall(" in panes["callbacks"]
    arguments = render(timeline, 13)["step"]  # arguments still arriving: as sent
    assert 'get_current_weather(\n{"location":"Lima,\n)' in arguments


def test_a_failed_run_shows_its_error() -> None:
    timeline = Timeline(FIXTURES / "failed.yaml")
    panes = render(timeline, 92)
    assert "status failed" in panes["run"]
    assert "last_error server_error: Sorry, something went wrong." in panes["run"]
    assert "usage 452 in + 1 out = 453 tokens" in panes["run"]


def test_citations_are_listed_under_the_text() -> None:
    timeline = Timeline(FIXTURES / "citations.yaml")
    message = render(timeline, len(timeline) - 1)["message"]
    assert "[0] file_citation '【4:0†onboarding_handbook.pdf】' → file-xgmvwUHfBHiyOSuDFmqUuF" in message


def test_events_after_the_stop_are_never_read_and_the_stop_shows_the_closing_callbacks() -> None:
    timeline = Timeline(FIXTURES / "text.yaml")
    last = render(timeline, len(timeline) - 1)["callbacks"]
    assert "the SDK's stream stops here: [DONE]" in last
    assert "1 on_end()" in last
    errored = Timeline(FIXTURES / "error_event.yaml")
    stop = ending(errored)
    assert stop.kind == "error_event" and stop.at == len(errored) - 1
    callbacks = render(errored, stop.at)["callbacks"]
    assert "the SDK's stream raises here, before the handler sees the event: APIError" in callbacks
    assert "on_exception(exception=APIError(" in callbacks
    cut = Timeline(FIXTURES / "connection_cut.yaml")
    assert ending(cut).at is None
    assert "then the transport raises RemoteProtocolError" in render(cut, len(cut) - 1)["callbacks"]


def test_a_long_message_shows_its_end() -> None:
    timeline = Timeline(FIXTURES / "text.yaml")
    text = timeline.state(len(timeline) - 1).current_message_snapshot.content[0].text.value  # type: ignore[union-attr]
    window = 100
    import tui.widgets.message_pane as message_pane

    saved, message_pane.WINDOW = message_pane.WINDOW, window
    try:
        message = render(timeline, len(timeline) - 1)["message"]
    finally:
        message_pane.WINDOW = saved
    assert f"… {len(text) - window:,} earlier characters not shown" in message
    assert message.rstrip().endswith(text[-20:])
