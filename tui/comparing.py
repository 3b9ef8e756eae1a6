"""What side by side shows: for a row of an :class:`replayer.Alignment`, each side's event and what it had
said, with what differs from the other side highlighted; for streams of two APIs, their answers. Plain
logic returning rich Text, so the widgets only draw."""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from rich.text import Text

from ssetape.replayer import AlignedRow, Alignment, Answer

__all__ = ["ADDED", "MARKS", "REMOVED", "answer_view", "differing", "row_line", "side_view"]

#: How a row is marked in the list: same, changed, only in A, only in B.
MARKS = {"same": ("=", "dim"), "changed": ("~", "yellow"), "removed": ("-", "red"), "added": ("+", "green")}
REMOVED = "bold white on dark_red"
ADDED = "bold white on dark_green"
SIDES = ("A", "B")
_WORD = re.compile(r"\s+|\w+|[^\w\s]")


def row_line(row: AlignedRow) -> Text:
    """A row of the aligned list: its mark, the event on each side, the type, what changed."""
    mark, style = MARKS[row.kind]
    left = "·" if row.a is None else str(row.a)
    right = "·" if row.b is None else str(row.b)
    line = Text(f"{mark} {left:>5} {right:>5} ", style=style, no_wrap=True, overflow="ellipsis")
    line.append(row.name, style="bold" if row.kind != "same" else "")
    if row.fields:
        line.append("  " + ", ".join(change.path for change in row.fields[:3]), style="dim")
        if len(row.fields) > 3:
            line.append(f" +{len(row.fields) - 3}", style="dim")
    return line


def differing(a: str, b: str, *, words: bool = False) -> tuple[Text, Text]:
    """``a`` and ``b`` with what is only in ``a`` (red) and only in ``b`` (green) highlighted."""
    one, two = Text(a), Text(b)
    units_a = _words(a) if words else list(a)
    units_b = _words(b) if words else list(b)
    starts_a, starts_b = _starts(units_a), _starts(units_b)
    matcher = difflib.SequenceMatcher(None, units_a, units_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if i2 > i1:
            one.stylize(REMOVED, starts_a[i1], starts_a[i2])
        if j2 > j1:
            two.stylize(ADDED, starts_b[j1], starts_b[j2])
    return one, two


def side_view(alignment: Alignment, row: int, side: int, *, timed: bool = True) -> Text:
    """Side ``side`` (0: A, 1: B) at ``row``: the event (when it arrived, if its recording kept times:
    ``timed``), what it had said by then, the event's JSON with the fields that differ highlighted."""
    aligned = alignment.rows[row]
    index = aligned.a if side == 0 else aligned.b
    other = aligned.b if side == 0 else aligned.a
    out = Text()
    if index is None:
        out.append(f"{SIDES[side]}: no event here (event {other} is only in {SIDES[1 - side]})\n", style="italic dim")
    else:
        event = alignment.events[side][index]
        out.append(f"{SIDES[side]} #{index}  " + (f"+{event.at:.3f}s  " if timed else ""), style="bold")
        out.append(event.name + "\n", style="bold cyan")
    said = alignment.text_at(row)
    texts = differing(*said)
    out.append("said so far\n", style="underline")
    out.append_text(texts[side] if said[side] else Text("(nothing yet)", style="dim"))
    out.append("\n\n")
    if index is not None:
        out.append("event (ids and times masked)\n", style="underline")
        changed = {_leaf(change.path) for change in aligned.fields}
        style = REMOVED if side == 0 else ADDED
        if aligned.kind in ("removed", "added"):
            out.append_text(Text(_json(alignment.masked[side][index]), style=style))
        else:
            for line in _json(alignment.masked[side][index]).splitlines():
                key = line.strip().split('":', 1)[0].strip('"') if '":' in line else None
                out.append(line + "\n", style=style if key is not None and key in changed else "")
    return out


def answer_view(answers: tuple[Answer, Answer], side: int) -> Text:
    """Side ``side``'s answer (streams of two APIs compare there): its API, text, refusal, tool calls and
    status, with what differs from the other side's highlighted."""
    mine = answers[side]
    out = Text()
    out.append(f"{SIDES[side]}: {' + '.join(mine.kinds)}", style="bold cyan")
    out.append(f" · status {mine.status}\n\n" if mine.status else "\n\n")
    for title, pick in (("text", _text), ("refusal", _refusal), ("tool calls", _calls)):
        values = (pick(answers[0]), pick(answers[1]))
        if not any(values):
            continue
        out.append(title + "\n", style="underline")
        out.append_text(differing(*values, words=True)[side] if values[side] else Text("(none)", style="dim"))
        out.append("\n\n")
    return out


def _text(answer: Answer) -> str:
    return answer.text


def _refusal(answer: Answer) -> str:
    return answer.refusal


def _calls(answer: Answer) -> str:
    """One call a line, arguments as compact JSON (so the spacing an SDK chose does not count)."""
    return "\n".join(f"{call.name}({_compact(call.arguments)})" for call in answer.tool_calls)


def _compact(arguments: str) -> str:
    try:
        return json.dumps(json.loads(arguments), ensure_ascii=False, separators=(", ", ": "), sort_keys=True)
    except ValueError:
        return arguments


def _json(value: Any) -> str:
    """Pretty JSON whose indentation survives wrapping (no-break spaces: a wrapped pane strips spaces)."""
    if isinstance(value, str):
        return value
    lines = json.dumps(value, indent=2, ensure_ascii=False).splitlines()
    return "\n".join("\u00a0" * (len(line) - len(line.lstrip(" "))) + line.lstrip(" ") for line in lines)


def _leaf(path: str) -> str:
    """The last key of a jq-style path (``.delta.content[0].text.value`` → ``value``)."""
    last = path.rsplit(".", 1)[-1]
    return last.split("[", 1)[0] or path


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _starts(units: list[str]) -> list[int]:
    starts = [0]
    for unit in units:
        starts.append(starts[-1] + len(unit))
    return starts
