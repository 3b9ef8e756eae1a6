"""One home per streaming API, and the registry the rest of ssetape asks.

Each API (``assistants``, ``responses``, ``chat``) is a subpackage holding everything that API means,
in modules by layer so that each caller imports only what it needs:

- ``wire``: facts about the bytes, no SDK import: which events and paths are its own, how its stream
  ends, which run an event belongs to (the recorder and the proxy use only this);
- ``events``: one-line event summaries, event families, what an event adds, the outcome (status, usage,
  tool calls, error) from the events alone (``inspect``, ``stats``);
- ``rules``: ``validate``'s schema (against the SDK's types) and ordering rules;
- ``sdk``: the SDK stream manager behind ``replayer.stream``, the accumulator behind ``Timeline``, the
  answer (``replayer.answer``) and the transcript (``ssetape replay``);
- ``panes``: the TUI panes that draw its state.

``REGISTRY`` lists the APIs; adding one means adding its home and one line there. Nothing outside a home
branches on an API's kind: it asks :func:`api` (or :func:`recognise`) and calls the home's modules, which
are imported on first use.
"""

from ._data import as_dict
from ._summary import error_line, quote, token_counts
from .answer import Said, ToolCall
from .contract import Events, Panes, Rules, Sdk, Wire
from .emitted import Stop, StreamCallback, StreamEmitted
from .registry import (
    DEFAULT,
    REGISTRY,
    Api,
    Kind,
    api,
    api_for,
    by_path,
    error_document,
    recognise,
    recognise_error,
    run_of,
    stream_ends,
)
from .requests import recorded_body

__all__ = [
    "DEFAULT",
    "REGISTRY",
    "Api",
    "Events",
    "Kind",
    "Panes",
    "Rules",
    "Said",
    "Sdk",
    "Stop",
    "StreamCallback",
    "StreamEmitted",
    "ToolCall",
    "Wire",
    "api",
    "api_for",
    "as_dict",
    "by_path",
    "error_document",
    "error_line",
    "quote",
    "recognise",
    "recognise_error",
    "recorded_body",
    "run_of",
    "stream_ends",
    "token_counts",
]
