"""How ``ssetape replay`` prints a generic SSE stream: each event's name and id, then its data, indented
(pretty-printed when it is JSON)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from ssetape.recorder import loads_or_text

__all__ = ["print_events"]


def lines(event: Any) -> str:
    """``event`` (a ``ServerSentEvent``) as ``replay`` prints it."""
    head = f"event {event.event}" + (f"  id {event.id}" if event.id is not None else "")
    if event.retry is not None:
        head += f"  retry {event.retry}ms"
    data = loads_or_text(event.data)
    text = event.data if isinstance(data, str) else json.dumps(data, indent=2, ensure_ascii=False)
    return head + "\n" + "".join(f"  {line}\n" for line in text.splitlines() or [""])


def print_events(stream: Any, out: TextIO) -> bool:
    """Print every event ``stream`` yields as it arrives; raises what the stream raises, after saying so."""
    try:
        for event in stream:
            out.write(lines(event))
            out.flush()
    except Exception as exc:
        out.write(f"\n[stream ended with {type(exc).__name__}: {exc}]\n")
        out.flush()
        raise
    return True
