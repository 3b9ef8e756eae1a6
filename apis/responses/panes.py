"""The TUI's panes for a Responses stream: the events the SDK's stream yields, the output text, every
output item, the response as a whole (a :class:`~ssetape.apis.contract.Panes`).

``moment.state`` is a :class:`~ssetape.apis.responses.accumulator.ResponsesState`: ``current_snapshot`` is
the SDK's ``ParsedResponse`` so far. What that snapshot leaves out comes from the events
(:func:`~ssetape.apis.responses._news.news`).
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from ssetape.replayer import Moment, Timeline
from ssetape.tui import HIGHLIGHT, STATUS_STYLE, arguments, event_call, fired, tail, window

from ._news import added, news

__all__ = ["TITLES", "callbacks", "content", "facts", "items", "outcome"]

TITLES = {"callbacks": "stream events", "content": "output text", "items": "output items", "outcome": "response"}


def facts(timeline: Timeline) -> list[str]:
    """Nothing beyond what the header says of every stream."""
    return []


def callbacks(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """The events the SDK's ``ResponseStream`` yields for the event."""
    lines = fired(timeline, moment, event_call, "no stream event")
    return f"stream events · {len(moment.callbacks)} yielded", "", lines


# -- the output text ----------------------------------------------------------------------------------------


def content(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """The message output items' text (and refusals) so far, what the event added highlighted."""
    state: Any = moment.state
    response = state.shared_response
    if response is None:
        return "output text", "", Text("no response yet: current_snapshot is None", style="dim")
    known, add = news(timeline), added(moment.event)
    parts: list[RenderableType] = []
    size, title = 0, "output text"
    for position, item in enumerate(response.output):
        if item.type != "message":
            continue
        done = known.item(position, moment.index) or {}
        title = f"output text · {item.id} · {done.get('status') or item.status}"
        for number, part in enumerate(item.content):
            if part.type == "output_text":
                size += len(part.text)
                parts.extend(window(part.text, add.at(position, "text", number)))
                for note, annotation in enumerate(part.annotations or []):
                    parts.append(Text(f"[{note}] {annotation.type} {_annotation(annotation)}", style="cyan"))
            elif part.type == "refusal":
                refusal = part.refusal or known.text((position, "refusal", number), moment.index)
                parts.extend(window(refusal, add.at(position, "refusal", number), "refusal: "))
    if not parts:
        parts.append(Text("no message output item yet", style="dim"))
    return title, f"{size:,} characters", Group(*parts)


def _annotation(note: Any) -> str:
    for name in ("filename", "title", "url", "file_id"):
        found = getattr(note, name, None)
        if found:
            return f"{name}={found!r}"
    return ""


# -- the output items -----------------------------------------------------------------------------------------


def _status(status: object, changed: bool = False) -> Text:
    style = {"completed": "green", "incomplete": "yellow", "failed": "red"}.get(str(status), "dim")
    return Text(str(status), style=style + (f" {HIGHLIGHT}" if changed else ""))


def items(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """Every output item in order, with its status and what it holds so far."""
    state: Any = moment.state
    response = state.shared_response
    if response is None:
        return "output items", "", Text("no response yet: current_snapshot is None", style="dim")
    known, add, event = news(timeline), added(moment.event), moment.event
    parts: list[RenderableType] = []
    for position, item in enumerate(response.output):
        done = known.item(position, moment.index) or {}
        touched = position in add.touched
        header = Text(("▶ " if touched else "  ") + f"{item.type} ", style="bold", no_wrap=True, overflow="ellipsis")
        status_changed = touched and event.name.startswith("response.output_item.")
        header.append_text(_status(done.get("status") or getattr(item, "status", None), status_changed))
        header.append(f"  {getattr(item, 'id', None) or ''}", style="dim")  # the status first: ids are long
        parts.append(header)
        if item.type == "message":
            for number, part in enumerate(item.content):
                refusal = (
                    part.refusal or known.text((position, "refusal", number), moment.index)
                    if part.type == "refusal"
                    else ""
                )
                size = len(part.text) if part.type == "output_text" else len(refusal)
                parts.append(Text(f"  {part.type}: {size:,} characters (message pane)", style="dim"))
        elif item.type == "function_call":
            parts.append(Text(f"{item.name}(", style="bold cyan"))
            parts.append(arguments(item.arguments or "", add.at(position, "arguments")))
            parts.append(Text(f")  {item.call_id}", style="bold cyan"))
        elif item.type == "reasoning":
            summaries = [summary.text for summary in item.summary or []]
            if not summaries:  # the SDK's snapshot never gets them: read them from the summary deltas
                numbers = known.keys(position, "summary", moment.index)
                summaries = [known.text((position, "summary", number), moment.index) for number in numbers]
                chars = {number: add.at(position, "summary", number) for number in numbers}
            else:
                chars = {}
            for number, summary in enumerate(summaries):
                parts.append(tail(summary, chars.get(number, 0)))
            if not summaries:
                parts.append(Text("no summary yet", style="dim"))
        elif item.type in ("file_search_call", "web_search_call"):
            queries = getattr(item, "queries", None) or []
            action = getattr(item, "action", None)
            query = getattr(action, "query", None)
            for text in [*queries, *([query] if query else [])]:
                parts.append(Text(f"  query {text!r}"))
            results = getattr(item, "results", None) or []
            if results:
                parts.append(Text(f"  {len(results)} results", style="dim"))
            for result in results:
                parts.append(Text(f"  {result.score or 0:.3f} {result.filename} ({result.file_id})"))
    title = f"output items · {len(response.output)}"
    return title, "", Group(*parts) if parts else Text("no output item yet", style="dim")


# -- the response ---------------------------------------------------------------------------------------------


def outcome(timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
    """The response as a whole: its status, usage, error and incomplete details (from the lifecycle
    events when the snapshot does not hold them)."""
    state: Any = moment.state
    snapshot = state.shared_response
    known = news(timeline)
    latest = known.response(moment.index) or {}  # response.failed / incomplete: not in the snapshot
    if snapshot is None and not latest:
        return "response", "", Text("no response yet: current_snapshot is None", style="dim")
    status = str(latest.get("status") or getattr(snapshot, "status", None))
    data = moment.event.data if isinstance(moment.event.data, dict) else {}
    carried: dict[str, Any] = data["response"] if isinstance(data.get("response"), dict) else {}  # lifecycle event
    line = Text("status ")
    style = STATUS_STYLE.get(status, "bold")
    line.append(status, style=f"{style} {HIGHLIGHT}" if carried.get("status") else style)
    line.append(f"  model {latest.get('model') or getattr(snapshot, 'model', '?')}", style="dim")
    lines: list[RenderableType] = [line]
    usage = latest.get("usage") or _dump(getattr(snapshot, "usage", None))
    if usage:
        text = f"usage {usage.get('input_tokens')} in + {usage.get('output_tokens')} out"
        text += f" = {usage.get('total_tokens')} tokens"
        reasoning = (usage.get("output_tokens_details") or {}).get("reasoning_tokens")
        lines.append(
            Text(
                text + (f" ({reasoning} reasoning)" if reasoning else ""),
                style=HIGHLIGHT if carried.get("usage") else "",
            )
        )
    error = latest.get("error") or _dump(getattr(snapshot, "error", None))
    if error:
        lines.append(Text(f"error {error.get('code')}: {error.get('message')}", style="bold red"))
    streamed = known.error(moment.index)
    if streamed and not error:
        lines.append(Text(f"error event {streamed.get('code')}: {streamed.get('message')}", style="bold red"))
    incomplete = latest.get("incomplete_details") or _dump(getattr(snapshot, "incomplete_details", None))
    if incomplete:
        lines.append(Text(f"incomplete_details {incomplete.get('reason')}", style="yellow"))
    return f"response {latest.get('id') or getattr(snapshot, 'id', '?')}", "", Group(*lines)


def _dump(model: Any) -> dict[str, Any]:
    return model.model_dump() if model is not None else {}
