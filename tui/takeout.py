"""What ``y`` / ``Y`` / ``c`` / ``r`` copy and ``w`` writes: the selected event, the SDK's snapshot, the text so
far and the request, as JSON; the stream up to the cursor as a cassette. Plain functions over a Timeline."""

from __future__ import annotations

import contextlib
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ssetape.replayer import Timeline, cut_at, text_of

__all__ = ["COPIES", "copy_path", "event_json", "request_json", "snapshot_json", "text_so_far", "write_cut"]

#: Where copies are written as well as sent to the clipboard (a terminal may ignore OSC 52).
COPIES = Path(tempfile.gettempdir()) / "ssetape"


def event_json(timeline: Timeline, index: int) -> str:
    """Event ``index`` as sent: its type and its data (parsed JSON, or the text)."""
    event = timeline.events[index]
    return json.dumps({"event": event.name, "data": event.data}, indent=2, ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value if isinstance(value, (str, int, float, bool)) or value is None else repr(value)


def snapshot_json(timeline: Timeline, index: int) -> str:
    """The SDK's state after event ``index``: every snapshot it exposes (``current_*``, ``completed_*``:
    the run, the message, the response or completion so far), by name."""
    state = timeline.state(index)
    names = sorted(name for name in dir(state) if name.startswith(("current_", "completed_")))
    found = {}
    for name in names:
        value = getattr(state, name, None)
        if not callable(value):
            found[name] = _plain(value)
    return json.dumps(found, indent=2, ensure_ascii=False)


def text_so_far(timeline: Timeline, index: int) -> str:
    """The assistant's text the events up to ``index`` carry, joined."""
    return "".join(text_of(event) or "" for event in timeline.events[: index + 1])


def request_head(timeline: Timeline) -> dict[str, Any]:
    """The request that started the stream (method, URL, headers, body parsed where it is JSON) and the
    response's head (status, headers)."""
    record = timeline.interaction_record
    request, response = record.request, record.response
    body: Any = request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    with contextlib.suppress(ValueError):  # not JSON: shown as sent
        body = json.loads(body) if body else None
    return {
        "request": {"method": request.method, "url": request.uri, "headers": dict(request.headers), "body": body},
        "response": {
            "status": response.status.code,
            "reason": response.status.message,
            "x-request-id": response.header("x-request-id") or response.header("request-id"),
            "headers": dict(response.headers),
        },
    }


def request_json(timeline: Timeline) -> str:
    return json.dumps(request_head(timeline), indent=2, ensure_ascii=False)


def copy_path(source: str, timeline: Timeline, what: str, index: int | None = None) -> Path:
    """Where a copy of ``what`` from ``source`` is written: ``<tmp>/ssetape/<name>.<what>[.<index>].json``
    (``<name>``: :func:`_name`)."""
    return COPIES / f"{_name(source, timeline)}.{what}{'' if index is None else f'.{index}'}.json"


def write_cut(timeline: Timeline, index: int, folder: Path, source: str) -> Path:
    """The stream cut after event ``index`` (``replayer.cut_at``), saved in ``folder`` as ``<name>.cut<index>.yaml``
    (``<name>``: :func:`_name`), or ``...cut<index>-2.yaml`` and on when that is taken (a cut written before is
    never replaced); its path."""
    stem = f"{_name(source, timeline)}.cut{index}"
    path = folder / f"{stem}.yaml"
    again = 1
    while path.exists():
        again += 1
        path = folder / f"{stem}-{again}.yaml"
    cut_at(timeline.cassette, index, timeline.interaction).save(path)
    return path


def _name(source: str, timeline: Timeline) -> str:
    """The source's name, and the interaction's when the cassette streams more than once (each stream its own)."""
    stem = re.sub(r"[^\w.-]+", "_", Path(source).stem)
    streams = timeline.cassette.streams()
    return stem if len(streams) <= 1 else f"{stem}.interaction{timeline.interaction}"
