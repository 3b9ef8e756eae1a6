"""What the panes say about an event, checked without a terminal: every event of every fixture and
real stream renders, and the telling events render what an event handler would see."""

from __future__ import annotations

import ast
import inspect
import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from ssetape.apis import REGISTRY
from ssetape.apis.contract import Panes
from ssetape.recorder import load
from ssetape.replayer import Timeline
from ssetape.tui.ending import ending
from ssetape.tui.source import open_cassette
from ssetape.tui.widgets import CallbacksPane, MessagePane, Pane, RawPane, RunPane, StepPane
from tests.conftest import FIXTURES, REAL_STREAMS

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
    import ssetape.tui.drawing as drawing

    saved, drawing.WINDOW = drawing.WINDOW, window
    try:
        message = render(timeline, len(timeline) - 1)["message"]
    finally:
        drawing.WINDOW = saved
    start = (len(text) - window) // (window // 2) * (window // 2)  # a multiple of half a window
    assert len(text) - start >= window
    assert f"… {start:,} earlier characters not shown" in message
    assert message.rstrip().endswith(text[-20:])


# -- Responses and Chat Completions streams ---------------------------------------------------------------


def first(timeline: Timeline, name: str, after: int = 0) -> int:
    """The index of the first event named ``name`` at or after ``after``."""
    return next(event.index for event in timeline.events[after:] if event.name == name)


def words(text: str) -> str:
    """``text``'s words, one space apart: pane text compared whatever the wrapping."""
    return " ".join(text.split())


def test_a_responses_function_call_shows_its_arguments_as_they_arrive_then_as_json() -> None:
    timeline = Timeline(FIXTURES / "responses_function.yaml", 0)
    index = first(timeline, "response.function_call_arguments.delta") + 4
    call = timeline.state(index).current_snapshot.output[0]  # type: ignore[union-attr]
    delta = timeline.events[index].data["delta"]  # type: ignore[index]
    panes = render(timeline, index)
    assert panes["step"].startswith("output items · 1\n")
    assert f"▶ function_call in_progress  {call.id}" in panes["step"]  # type: ignore[union-attr]
    assert f"{call.name}(\n{call.arguments}\n)" in panes["step"]  # type: ignore[union-attr]
    assert f"1 response.function_call_arguments.delta(delta={delta!r})" in panes["callbacks"]
    assert panes["callbacks"].startswith("stream events · 1 yielded")
    assert "no message output item yet" in panes["message"]
    done = first(timeline, "response.output_item.done")
    final = timeline.events[done].data["item"]  # type: ignore[index]
    step = render(timeline, done)["step"]
    assert f"function_call completed  {final['id']}" in step
    assert json.dumps(json.loads(final["arguments"]), indent=2) in step
    run = render(timeline, len(timeline) - 1)["run"]
    usage = timeline.state(len(timeline) - 1).completed_response.usage  # type: ignore[union-attr]
    assert f"usage {usage.input_tokens} in + {usage.output_tokens} out = {usage.total_tokens} tokens" in run


def test_a_responses_reasoning_item_shows_its_summary_from_the_deltas() -> None:
    timeline = Timeline(FIXTURES / "responses_reasoning.yaml")
    index = first(timeline, "response.reasoning_summary_text.delta") + 6
    assert timeline.state(index).current_snapshot.output[0].summary == []  # type: ignore[union-attr]
    deltas = [e.data for e in timeline.events[: index + 1] if e.name == "response.reasoning_summary_text.delta"]
    so_far = "".join(data["delta"] for data in deltas)  # type: ignore[index]
    step = render(timeline, index)["step"]
    assert "▶ reasoning" in step
    assert words(so_far) in words(step)
    last = timeline.state(len(timeline) - 1).completed_response
    panes = render(timeline, len(timeline) - 1)
    assert last is not None
    for summary in last.output[0].summary:  # type: ignore[union-attr]
        assert words(summary.text) in words(panes["step"])
    assert words(last.output_text) in words(panes["message"])
    reasoning = last.usage.output_tokens_details.reasoning_tokens  # type: ignore[union-attr]
    assert f"({reasoning} reasoning)" in panes["run"]


def test_a_responses_refusal_shows_in_the_message_pane() -> None:
    timeline = Timeline(FIXTURES / "responses_refusal.yaml")
    index = first(timeline, "response.refusal.delta") + 3
    refused = "".join(e.data["delta"] for e in timeline.events[: index + 1] if e.name == "response.refusal.delta")  # type: ignore[index]
    assert f"refusal: {refused}" in render(timeline, index)["message"]


@pytest.mark.parametrize(("name", "status"), [("responses_incomplete", "incomplete"), ("responses_error", "failed")])
def test_a_responses_stream_that_ends_badly_says_how_in_the_response_pane(name: str, status: str) -> None:
    timeline = Timeline(FIXTURES / f"{name}.yaml")
    response = timeline.events[-1].data["response"]  # type: ignore[index]
    run = render(timeline, len(timeline) - 1)["run"]
    assert run.startswith(f"response {response['id']}")
    assert f"status {status}" in run
    if response["incomplete_details"]:
        assert f"incomplete_details {response['incomplete_details']['reason']}" in run
    if response["error"]:
        assert f"error {response['error']['code']}: " in run


def test_a_chat_text_stream_shows_the_content_so_far_and_its_delta() -> None:
    timeline = Timeline(FIXTURES / "chat_text.yaml")
    index = len(timeline) // 2
    content = timeline.state(index).current_snapshot.choices[0].message.content  # type: ignore[union-attr]
    delta = timeline.events[index].data["choices"][0]["delta"]["content"]  # type: ignore[index]
    panes = render(timeline, index)
    assert panes["message"].startswith("message · assistant · streaming")
    assert words(panes["message"]).endswith(words(content))
    assert f"content.delta(delta={delta!r}, snapshot=" in panes["callbacks"]
    assert panes["step"].startswith("tool calls · 0")
    end = render(timeline, len(timeline) - 1)
    final = timeline.state(len(timeline) - 1).current_snapshot  # type: ignore[union-attr]
    assert f"finish_reason {final.choices[0].finish_reason}" in end["run"]  # type: ignore[union-attr]
    assert end["run"].startswith(f"completion {final.id}")  # type: ignore[union-attr]


def test_a_chat_tool_call_stream_shows_every_call_with_its_arguments() -> None:
    timeline = Timeline(FIXTURES / "chat_tool_call.yaml", 0)
    index = 5
    call = timeline.state(index).current_snapshot.choices[0].message.tool_calls[0]  # type: ignore[union-attr,index]
    panes = render(timeline, index)
    assert f"▶ function {call.id}\n{call.function.name}(\n{call.function.arguments}\n)" in panes["step"]
    fired = [c.args[0] for c in timeline.callbacks(index) if c.name == "tool_calls.function.arguments.delta"]
    assert (
        f"tool_calls.function.arguments.delta(index=0, name={fired[0].name!r}, "
        f"arguments_delta={fired[0].arguments_delta!r})" in panes["callbacks"]
    )
    last = len(timeline) - 1
    final = timeline.state(last).current_snapshot.choices[0]  # type: ignore[union-attr]
    step = render(timeline, last)["step"]
    assert f"choice 0 · finish_reason {final.finish_reason}" in step
    for tool_call in final.message.tool_calls or []:
        assert tool_call.function.name in step
        assert json.dumps(json.loads(tool_call.function.arguments), indent=2) in step


def test_the_real_responses_file_search_stream_shows_the_search_and_the_cited_answer(real_streams: Path) -> None:
    (timeline,) = timelines(real_streams / "responses_api_file_search_annotation_stream.sse")
    last = len(timeline) - 1
    response = timeline.events[last].data["response"]  # type: ignore[index]
    search, message = response["output"]
    panes = render(timeline, last)
    assert f"file_search_call completed  {search['id']}" in panes["step"]
    for query in search["queries"]:
        assert f"query {query!r}" in panes["step"]
    text = message["content"][0]
    assert text["text"] in panes["message"]
    assert f"filename={text['annotations'][0]['filename']!r}" in panes["message"]
    usage = response["usage"]
    assert f"usage {usage['input_tokens']} in + {usage['output_tokens']} out" in panes["run"]


def test_the_real_chat_tool_call_stream_shows_the_call(real_streams: Path) -> None:
    (timeline,) = timelines(real_streams / "chat_completions_tool_call_stream.sse")
    middle = len(timeline) // 2
    call = timeline.state(middle).current_snapshot.choices[0].message.tool_calls[0]  # type: ignore[union-attr,index]
    assert f"{call.function.name}(\n{call.function.arguments}\n)" in render(timeline, middle)["step"]
    final = timeline.state(last := len(timeline) - 1).current_snapshot.choices[0]  # type: ignore[union-attr]
    assert f"finish_reason {final.finish_reason}" in render(timeline, last)["run"]


# -- one home per API: the panes only draw --------------------------------------------------------------------

TUI = Path(__file__).resolve().parents[2] / "tui"
KINDS = frozenset(entry.kind for entry in REGISTRY)


def protocol_members(protocol: type) -> dict[str, inspect.Signature | None]:
    """The names a protocol asks for: its methods (with their signatures) and its attributes (None)."""
    members: dict[str, inspect.Signature | None] = {name: None for name in protocol.__annotations__}
    for name, member in vars(protocol).items():
        if inspect.isfunction(member) and not name.startswith("_"):
            members[name] = inspect.signature(member)
    return members


def test_panes_asks_for_every_pane_slot() -> None:
    assert set(protocol_members(Panes)) == {"TITLES", "callbacks", "content", "items", "outcome", "facts"}
    slots = {kind.SLOT for kind in PANES.values()} - {None}
    assert slots == {"callbacks", "content", "items", "outcome"}


@pytest.mark.parametrize("entry", REGISTRY, ids=lambda entry: entry.kind)
def test_every_home_draws_every_pane(entry: object) -> None:
    """A new API cannot forget a pane: its home's ``panes`` module has all of :class:`Panes`."""
    module = entry.panes  # type: ignore[attr-defined]
    for name, signature in protocol_members(Panes).items():
        assert hasattr(module, name), f"{module.__name__} has no {name}"
        found = getattr(module, name)
        if signature is None:
            assert isinstance(found, dict), f"{module.__name__}.{name} is not a dict"
            continue
        assert callable(found), f"{module.__name__}.{name} is not a function"
        wanted = [p for p in signature.parameters if p != "self"]
        assert list(inspect.signature(found).parameters) == wanted, f"{module.__name__}.{name}{signature}"
    slots = {kind.SLOT for kind in PANES.values()} - {None}
    assert set(module.TITLES) == slots


def kind_dispatch(tree: ast.AST) -> list[str]:
    """Where a module branches on an API's kind: compares with ``"assistants"`` / ``"responses"`` /
    ``"chat"`` (alone or in a tuple), compares a ``timeline.kind``, keys a dict by kind, or imports an
    API's home (whose classes an ``isinstance`` would dispatch on)."""

    def names_kind(node: ast.AST) -> bool:
        if isinstance(node, ast.Constant) and node.value in KINDS:
            return True
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return any(names_kind(element) for element in node.elts)
        return False

    def timeline_kind(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "kind" and "timeline" in ast.unparse(node.value)

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(names_kind(operand) or timeline_kind(operand) for operand in operands):
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Dict) and any(key is not None and names_kind(key) for key in node.keys):
            found.append(f"line {node.lineno}: a dict keyed by API kind")
        elif isinstance(node, ast.ImportFrom) and any(
            (node.module or "").startswith(f"ssetape.apis.{kind}") for kind in KINDS
        ):
            found.append(f"line {node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Import) and any(
            alias.name.startswith(f"ssetape.apis.{kind}") for alias in node.names for kind in KINDS
        ):
            found.append(f"line {node.lineno}: import {', '.join(alias.name for alias in node.names)}")
    return found


def test_the_kind_dispatch_check_catches_kind_branches() -> None:
    source = """
if timeline.kind == "responses": pass
if kind in ("responses", "chat"): pass
if self.timeline.kind != other: pass
TITLES = {"chat": "tool calls"}
from ssetape.apis.assistants.accumulator import State
"""
    assert len(kind_dispatch(ast.parse(source))) == 5
    assert kind_dispatch(ast.parse('if stop.kind == "done": pass\nentry = api(timeline.kind)')) == []


@pytest.mark.parametrize("path", sorted(TUI.rglob("*.py")), ids=lambda path: str(path.relative_to(TUI)))
def test_no_tui_module_branches_on_the_api(path: Path) -> None:
    """The TUI asks the registry for an API's panes; the drawing of each API lives in its home."""
    assert kind_dispatch(ast.parse(path.read_text(), str(path))) == []
