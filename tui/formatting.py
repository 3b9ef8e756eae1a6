"""Small text formats shared by the widgets: gaps, request paths."""

from __future__ import annotations

import re

from ssetape.apis import Kind, api, api_for
from ssetape.recorder import DEFAULT_URI, Interaction

__all__ = ["format_gap", "is_timed", "request_line", "request_path", "short_name"]

_LONG_ID = re.compile(r"\b((?:thread|run|msg|step|call|file|asst|vs)_)([A-Za-z0-9]{4})[A-Za-z0-9]{6,}")


def format_gap(gap: float) -> str:
    """A gap in 6 cells: ``·`` under half a millisecond, ``56ms``, ``1.23s``."""
    if gap < 0.0005:
        return "·".rjust(6)
    if gap < 1:
        return f"{gap * 1000:.0f}ms".rjust(6)
    return f"{gap:.2f}s".rjust(6)


def short_name(name: str, kind: Kind | None = None) -> str:
    """The event type as the list shows it, as the API of a ``kind`` stream (by default: the API the name
    belongs to) shortens it: ``run.step.delta`` for ``thread.run.step.delta``."""
    home = api_for(name, kind=kind)
    return str(home.events.short_name(name))


def request_path(uri: str, *, shorten: bool = True) -> str:
    """The path of ``uri`` (``/v1/threads/thread_mog3…/runs``): object ids cut to their first characters."""
    path = uri[uri.find("/", uri.find("//") + 2) :] if "//" in uri else uri
    return _LONG_ID.sub(r"\1\2…", path) if shorten else path


def is_timed(record: Interaction) -> bool:
    """Whether the recording says when each byte arrived (see ``Interaction.timed``)."""
    return record.timed


def request_line(record: Interaction, kind: Kind) -> str:
    """``POST /v1/chat/completions``; for a stream imported with no request (a raw ``.sse`` dump), what
    its events say it is (the placeholder URL would name another API)."""
    request = record.request
    if request.uri == DEFAULT_URI and request.body is None and not request.headers:
        return f"{api(kind).name} stream, request not recorded"
    return f"{request.method} {request_path(request.uri)}"
