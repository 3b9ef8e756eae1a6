"""The TUI's panes for a Gemini stream: the chunk ``generate_content_stream`` yields, the text and thoughts
so far, the function calls, and the finish reason, usage, grounding and safety ratings (a
:class:`~ssetape.apis.contract.Panes`).

``moment.state`` is a :class:`~ssetape.apis.gemini.accumulator.GeminiState`, whose accessors rebuild the
SDK's objects on each call: each pane reads what it needs once. The function calls are drawn once each, from
the parts every state of the stream shares, and handed to the pane as the same objects at every event.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text

from ssetape.replayer import Moment, Timeline
from ssetape.tui import STATUS_STYLE, arguments, fired, window

from .events import parts_of, text_of, thought_of

if TYPE_CHECKING:
    from google.genai import types

__all__ = ["TITLES", "callbacks", "content", "facts", "items", "outcome"]

TITLES = {"callbacks": "chunks yielded", "content": "text", "items": "function calls", "outcome": "response"}

#: A finish reason, styled as the run status it resembles.
_REASONS = {"STOP": "completed", "MAX_TOKENS": "incomplete", "MALFORMED_FUNCTION_CALL": "failed"}


def facts(timeline: Timeline) -> list[str]:
    """The final finish reason and the model."""
    if not len(timeline):
        return []
    state: Any = timeline.state(-1)
    reason = state.finish_reason
    found = [f"finish_reason {reason.value if reason is not None else 'none'}"]
    return [*found, str(state.model_version)] if state.model_version else found


def _describe(callback: Any) -> str:
    chunk = callback.args[0] if callback.args else None
    if chunk is None:
        return callback.name
    parts = []
    candidate = chunk.candidates[0] if chunk.candidates else None
    for part in (candidate.content.parts if candidate is not None and candidate.content else None) or []:
        if part.text is not None:
            parts.append(f"{'thought' if part.thought else 'text'}={json.dumps(part.text[:40], ensure_ascii=False)}")
        if part.function_call is not None:
            parts.append(f"function_call={part.function_call.name}")
    if candidate is not None and candidate.finish_reason is not None:
        parts.append(f"finish_reason={candidate.finish_reason.value}")
    if chunk.usage_metadata is not None:
        parts.append(f"total_token_count={chunk.usage_metadata.total_token_count}")
    return f"{type(chunk).__name__}({', '.join(parts)})"


def callbacks(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """The ``GenerateContentResponse`` the SDK's iterator yields for the event."""
    lines = fired(timeline, moment, _describe, "no chunk yielded")
    return f"chunks yielded · {len(moment.callbacks)}", "", lines


def content(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """The thoughts and the text so far, what this event added highlighted."""
    state: Any = moment.state
    data = moment.event.data if isinstance(moment.event.data, dict) else {}
    fresh = bool(moment.callbacks)
    added_text = len(text_of("message", data) or "") if fresh else 0
    added_thought = len(thought_of(data) or "") if fresh else 0
    text, thoughts = state.text, state.thoughts
    parts: list[RenderableType] = []
    if thoughts:
        parts.append(Text("thoughts", style="bold"))
        parts.extend(window(thoughts, added_thought))
    if text or not thoughts:
        parts.append(Text("text", style="bold"))
        parts.extend(window(text, added_text) if text else [Text("no text yet", style="dim")])
    note = f"{len(text):,} characters" + (f" · {len(thoughts):,} of thoughts" if thoughts else "")
    return f"text · {state.chunks} chunks", note, Group(*parts)


def items(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """Each function call: name, arguments, id and thought signature; the ones this event made marked."""
    state: Any = moment.state
    calls = state.shared_function_call_parts
    data = moment.event.data if isinstance(moment.event.data, dict) else {}
    fresh = sum(1 for part in parts_of(data) if part.get("functionCall") is not None) if moment.callbacks else 0
    parts: list[RenderableType] = []
    drawn: dict[tuple[int, int], _Call] = {}
    for position, part in enumerate(calls):
        key = (id(part), position)
        call = drawn[key] = _drawn.get(key) or _Call(position, part)
        if position >= len(calls) - fresh:
            parts.extend((call.heading(new=True), call.body))
        else:
            parts.append(call.whole)
    _keep(drawn)
    if not parts:
        parts.append(Text("no function calls", style="dim"))
    return f"function calls · {len(calls)}", "", Group(*parts)


class _Blocks:
    """Blocks drawn as one: a pane keeps what it has laid out of a renderable it does not look into by
    identity (``tui.widgets.blocks``), so the same object at every event is laid out once and found again
    at once, where its blocks one by one would each be looked up by what they show."""

    __slots__ = ("blocks",)

    def __init__(self, *blocks: RenderableType) -> None:
        self.blocks = blocks

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.blocks


class _Call:
    """One function call drawn: its heading, then its name and arguments (``body``); ``whole``, both."""

    __slots__ = ("body", "part", "position", "whole")

    def __init__(self, position: int, part: types.Part) -> None:
        self.part, self.position = part, position  # the part kept, so that no other is given its id
        call = part.function_call
        assert call is not None
        self.body = _Blocks(
            Text(f"{call.name}(", style="bold cyan"),
            arguments(json.dumps(call.args or {}, ensure_ascii=False), 0),
            Text(")", style="bold cyan"),
        )
        self.whole = _Blocks(self.heading(new=False), self.body)

    def heading(self, *, new: bool) -> Text:
        call = self.part.function_call
        assert call is not None
        line = Text(("▶ " if new else "  ") + f"#{self.position} function_call {call.id or ''}".rstrip(), style="bold")
        if self.part.thought_signature:
            line.append(f"  thought_signature {len(self.part.thought_signature)} bytes", style="dim")
        return line


#: The function calls drawn, by their part's identity and position. A stream's parts are the same objects at
#: every event, so a step hands the pane the calls it has laid out before (at 50k chunks, 400 calls: laying
#: out their JSON again took a step 100-600 ms).
_drawn: dict[tuple[int, int], _Call] = {}


def _keep(drawn: dict[tuple[int, int], _Call]) -> None:
    """Adds the calls just drawn to :data:`_drawn`, which starts again from them once it holds many more
    (another stream's, or those of a later event)."""
    global _drawn
    _drawn.update(drawn)
    if len(_drawn) > 2 * len(drawn) + 256:
        _drawn = drawn


def outcome(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """The finish reason, usage, grounding, safety ratings, a blocked prompt, and the error the stream
    stopped on."""
    state: Any = moment.state
    lines: list[RenderableType] = []
    reason = state.finish_reason
    line = Text("finish_reason ")
    name = reason.value if reason is not None else "none yet"
    line.append(name, style=STATUS_STYLE.get(_REASONS.get(name, "failed" if reason is not None else ""), "bold"))
    last = state.last_response  # read once: each of the state's accessors reads the chunk again
    if last is not None and last.model_version:
        line.append(f"  model {last.model_version}", style="dim")
    lines.append(line)
    if state.finish_message:
        lines.append(Text(f"  {state.finish_message}", style="yellow"))
    usage = state.usage_metadata
    if usage is not None:
        used = f"usage {usage.prompt_token_count} in + {usage.candidates_token_count or 0} out"
        if usage.thoughts_token_count:
            used += f" + {usage.thoughts_token_count} thinking"
        if usage.tool_use_prompt_token_count:
            used += f" + {usage.tool_use_prompt_token_count} tool prompt"
        lines.append(Text(used + f" = {usage.total_token_count}"))
    feedback = state.prompt_feedback
    if feedback is not None and feedback.block_reason is not None:
        lines.append(Text(f"prompt blocked: {feedback.block_reason.value}", style="bold red"))
    grounding = state.grounding_metadata
    if grounding is not None:
        for query in grounding.web_search_queries or []:
            lines.append(Text(f"search: {query}", style="cyan"))
        for chunk in grounding.grounding_chunks or []:
            web = chunk.web
            if web is not None:
                lines.append(Text(f"  ↳ {web.title or ''} {web.uri or ''}".rstrip(), style="cyan"))
        if grounding.grounding_supports:
            lines.append(Text(f"  {len(grounding.grounding_supports)} supported segments", style="dim"))
    for rating in state.safety_ratings or []:
        if rating.blocked or (rating.probability is not None and rating.probability.value not in ("NEGLIGIBLE",)):
            style = "bold red" if rating.blocked else "yellow"
            category = rating.category.value if rating.category is not None else "?"
            probability = rating.probability.value if rating.probability is not None else "?"
            lines.append(
                Text(f"safety {category}: {probability}" + (" (blocked)" if rating.blocked else ""), style=style)
            )
    stop = state.stop
    if stop is not None and stop.exception is not None:
        lines.append(Text(f"stream stopped: {type(stop.exception).__name__}: {stop.exception}", style="bold red"))
    return f"response {(last.response_id if last is not None else None) or ''}".rstrip(), "", Group(*lines)
