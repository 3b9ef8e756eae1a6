"""The current message snapshot as text, with what the selected event added highlighted."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text

from ssetape.apis.assistants.accumulator import State
from ssetape.replayer import Moment, Timeline
from ssetape.replayer.stream_events import StreamEvent

from ..outputs import added, news
from .pane import Pane

#: The longest stretch of a text block shown: its end, where the news is (some 30 lines). Laying out
#: a 250 kB message at every step would cost far more than the 50 ms a step may take.
WINDOW = 2000


def additions(event: StreamEvent, message_id: str) -> dict[int, tuple[int, set[int], bool]]:
    """What a message delta adds to message ``message_id``, per content index:
    ``(characters of text appended, annotation indexes added, whether the block is an image)``."""
    data = event.data
    if event.name != "thread.message.delta" or not isinstance(data, dict) or data.get("id") != message_id:
        return {}
    added: dict[int, tuple[int, set[int], bool]] = {}
    delta = data.get("delta") if isinstance(data.get("delta"), dict) else {}
    for part in (delta or {}).get("content") or []:
        if not isinstance(part, dict) or not isinstance(part.get("index"), int):
            continue
        text = part.get("text") if isinstance(part.get("text"), dict) else {}
        chars, notes, image = added.get(part["index"], (0, set(), False))
        chars += len((text or {}).get("value") or "")
        notes |= {a["index"] for a in (text or {}).get("annotations") or [] if isinstance(a, dict) and "index" in a}
        image = image or part.get("type") in ("image_file", "image_url")
        added[part["index"]] = (chars, notes, image)
    return added


class MessagePane(Pane):
    """``current_message_snapshot`` after the selected event; the part this event added in reverse video."""

    TITLE = "message"
    TITLES: ClassVar[dict[str, str]] = {"responses": "output text"}
    FOLLOW_END = True

    DEFAULT_CSS = """
    MessagePane {
        height: 2fr;
    }
    """

    def render_moment(self, timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
        if not isinstance(moment.state, State):
            return self._snapshot(timeline, moment)
        message = moment.state.current_message_snapshot
        if message is None:
            return "message", "", Text("no message yet: current_message_snapshot is None", style="dim")
        added = additions(moment.event, message.id)
        parts: list[RenderableType] = []
        for index, block in enumerate(message.content):
            parts.append(self._block(block, added.get(index)))
        if not parts:
            parts.append(Text("no content yet", style="dim"))
        size = sum(len(block.text.value) for block in message.content if block.type == "text")  # type: ignore[union-attr]
        title = f"message {message.id} · {message.role} · {message.status}"
        return title, f"{size:,} characters", Group(*parts)

    def _snapshot(self, timeline: Timeline, moment: Moment) -> tuple[str, str, RenderableType]:
        """A Responses or Chat Completions stream: the assistant's text (and refusal) so far."""
        state: Any = moment.state
        if timeline.kind == "responses":
            return self._response(timeline, moment, state.completed_response or state.current_snapshot)
        completion = state.current_snapshot
        if completion is None:
            return "message", "", Text("no chunk yet: current_snapshot is None", style="dim")
        add = added(moment.event)
        parts: list[RenderableType] = []
        size = 0
        for choice in completion.choices:
            message = choice.message
            if len(completion.choices) > 1:
                parts.append(Text(f"choice {choice.index} · {choice.finish_reason or 'streaming'}", style="bold"))
            if message.content:
                size += len(message.content)
                parts.extend(_window(message.content, add.at(choice.index, "content")))
            if message.refusal:
                parts.extend(_window(message.refusal, add.at(choice.index, "refusal"), "refusal: "))
        if not any(choice.message.content or choice.message.refusal for choice in completion.choices):
            parts.append(Text("no content yet", style="dim"))
        title = "message"
        if len(completion.choices) == 1:
            choice = completion.choices[0]
            title = f"message · {choice.message.role} · {choice.finish_reason or 'streaming'}"
        return title, f"{size:,} characters", Group(*parts)

    def _response(self, timeline: Timeline, moment: Moment, response: Any) -> tuple[str, str, RenderableType]:
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
                    parts.extend(_window(part.text, add.at(position, "text", number)))
                    for note, annotation in enumerate(part.annotations or []):
                        parts.append(Text(f"[{note}] {annotation.type} {_annotation(annotation)}", style="cyan"))
                elif part.type == "refusal":
                    refusal = part.refusal or known.text((position, "refusal", number), moment.index)
                    parts.extend(_window(refusal, add.at(position, "refusal", number), "refusal: "))
        if not parts:
            parts.append(Text("no message output item yet", style="dim"))
        return title, f"{size:,} characters", Group(*parts)

    def _block(self, block: Any, added: tuple[int, set[int], bool] | None) -> RenderableType:
        highlight = "reverse"
        chars, notes, image = added or (0, set(), False)
        if block.type in ("image_file", "image_url"):
            target = block.image_file.file_id if block.type == "image_file" else block.image_url.url
            return Text(f"[{block.type} {target}]", style="bold magenta" + (f" {highlight}" if image else ""))
        if block.type == "refusal":
            return Text(f"refusal: {block.refusal}", style="bold red")
        if block.type != "text":
            return Text(f"[{block.type}]", style="dim")
        value: str = block.text.value
        start = max(len(value) - WINDOW, 0)
        text = Text(value[start:])
        for note in block.text.annotations:
            begin, end = getattr(note, "start_index", None), getattr(note, "end_index", None)
            if isinstance(begin, int) and isinstance(end, int) and end > start:
                text.stylize("underline cyan", max(begin - start, 0), end - start)
        if chars:
            text.stylize(highlight, max(len(value) - chars - start, 0), len(value) - start)
        out: list[RenderableType] = []
        if start:
            out.append(Text(f"… {start:,} earlier characters not shown", style="dim italic"))
        out.append(text)
        for number, note in enumerate(block.text.annotations):
            line = Text(f"[{number}] {note.type} {note.text!r} {_target(note)}", style="cyan")
            if number in notes:
                line.stylize(highlight)
            out.append(line)
        return Group(*out)


def _target(note: Any) -> str:
    if getattr(note, "file_citation", None) is not None:
        return f"→ {note.file_citation.file_id}"
    if getattr(note, "file_path", None) is not None:
        return f"→ {note.file_path.file_id}"
    return ""


def _window(value: str, chars: int, prefix: str = "") -> list[RenderableType]:
    """``value``'s last :data:`WINDOW` characters, the last ``chars`` of them highlighted; a refusal
    (``prefix``) in red."""
    start = max(len(value) - WINDOW, 0)
    text = Text(prefix, style="bold red")
    text.append(value[start:], style="bold red" if prefix else "")
    if chars:
        text.stylize("reverse", max(len(text) - chars, len(prefix)), len(text))
    out: list[RenderableType] = []
    if start:
        out.append(Text(f"… {start:,} earlier characters not shown", style="dim italic"))
    out.append(text)
    return out


def _annotation(note: Any) -> str:
    for name in ("filename", "title", "url", "file_id"):
        found = getattr(note, name, None)
        if found:
            return f"{name}={found!r}"
    return ""
