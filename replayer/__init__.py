"""Replaying side of ssetape: transports and clients that answer from a cassette, the SDK's streams over a
recording, ``Timeline``, and what a recording says (events, summaries, diff, validate, export).

Names are imported on first use, so ``import ssetape.replayer`` does not import the SDKs.
"""

from typing import TYPE_CHECKING

from ssetape._lazy import lazy_exports

if TYPE_CHECKING:
    from ssetape.apis.chat.accumulator import ChatState
    from ssetape.apis.emitted import StreamCallback
    from ssetape.apis.responses.accumulator import ResponsesState

    from .alignment import AlignedRow, Alignment, align
    from .answers import Answer, ToolCall, answer
    from .catalogue import StreamInfo, cassette_files, streams_of
    from .client import anthropic_client, async_anthropic_client, async_openai_client, gemini_client, openai_client
    from .cutting import cut_at
    from .diffing import CassetteDiff, EventChange, FieldChange, InteractionDiff, diff
    from .drift import Drift, check, parse_age
    from .errors import (
        MissingCassetteError,
        NetworkBlockedError,
        ReplayError,
        ServerError,
        UnmatchedRequestError,
        UnusedInteractionsError,
    )
    from .exporting import FORMATS, export
    from .faults import Fault
    from .kinds import Kind, kind_of
    from .listing import InteractionInfo, list_interactions
    from .masking import Masker
    from .matching import FieldDiff, Matching
    from .server import ReplayApp, ReplayServer, ServedRequest
    from .stream_events import StreamEvent, events, follow, summarize, text_of, unread_bytes, unterminated
    from .stream_stats import Stats, stats
    from .stream_timing import Stall, Timing, timing
    from .streaming import astream, pick, stream, streams
    from .timeline import Moment, Timeline
    from .transcript import transcribe
    from .transport import AsyncReplayTransport, ReplayTransport
    from .validation import RULES, Problem, clip, validate

_EXPORTS = {
    "AlignedRow": ".alignment",
    "Alignment": ".alignment",
    "align": ".alignment",
    "StreamInfo": ".catalogue",
    "cassette_files": ".catalogue",
    "streams_of": ".catalogue",
    "clip": ".validation",
    "RULES": ".validation",
    "FORMATS": ".exporting",
    "Answer": ".answers",
    "AsyncReplayTransport": ".transport",
    "CassetteDiff": ".diffing",
    "ChatState": "ssetape.apis.chat.accumulator",
    "EventChange": ".diffing",
    "Fault": ".faults",
    "cut_at": ".cutting",
    "FieldChange": ".diffing",
    "InteractionDiff": ".diffing",
    "InteractionInfo": ".listing",
    "Kind": ".kinds",
    "Masker": ".masking",
    "Moment": ".timeline",
    "Problem": ".validation",
    "ReplayApp": ".server",
    "ReplayError": ".errors",
    "ReplayServer": ".server",
    "ReplayTransport": ".transport",
    "ResponsesState": "ssetape.apis.responses.accumulator",
    "ServedRequest": ".server",
    "ServerError": ".errors",
    "NetworkBlockedError": ".errors",
    "Stats": ".stream_stats",
    "StreamCallback": "ssetape.apis.emitted",
    "StreamEvent": ".stream_events",
    "Timeline": ".timeline",
    "Timing": ".stream_timing",
    "Stall": ".stream_timing",
    "timing": ".stream_timing",
    "ToolCall": ".answers",
    "UnmatchedRequestError": ".errors",
    "UnusedInteractionsError": ".errors",
    "MissingCassetteError": ".errors",
    "Matching": ".matching",
    "FieldDiff": ".matching",
    "answer": ".answers",
    "astream": ".streaming",
    "async_openai_client": ".client",
    "anthropic_client": ".client",
    "async_anthropic_client": ".client",
    "diff": ".diffing",
    "Drift": ".drift",
    "check": ".drift",
    "parse_age": ".drift",
    "events": ".stream_events",
    "export": ".exporting",
    "follow": ".stream_events",
    "kind_of": ".kinds",
    "list_interactions": ".listing",
    "openai_client": ".client",
    "gemini_client": ".client",
    "stats": ".stream_stats",
    "stream": ".streaming",
    "streams": ".streaming",
    "pick": ".streaming",
    "transcribe": ".transcript",
    "summarize": ".stream_events",
    "text_of": ".stream_events",
    "unread_bytes": ".stream_events",
    "unterminated": ".stream_events",
    "validate": ".validation",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

__all__ = [
    "FORMATS",
    "RULES",
    "AlignedRow",
    "Alignment",
    "Answer",
    "AsyncReplayTransport",
    "CassetteDiff",
    "ChatState",
    "Drift",
    "EventChange",
    "Fault",
    "FieldChange",
    "FieldDiff",
    "InteractionDiff",
    "InteractionInfo",
    "Kind",
    "Masker",
    "Matching",
    "MissingCassetteError",
    "Moment",
    "NetworkBlockedError",
    "Problem",
    "ReplayApp",
    "ReplayError",
    "ReplayServer",
    "ReplayTransport",
    "ResponsesState",
    "ServedRequest",
    "ServerError",
    "Stall",
    "Stats",
    "StreamCallback",
    "StreamEvent",
    "StreamInfo",
    "Timeline",
    "Timing",
    "ToolCall",
    "UnmatchedRequestError",
    "UnusedInteractionsError",
    "align",
    "answer",
    "anthropic_client",
    "astream",
    "async_anthropic_client",
    "async_openai_client",
    "cassette_files",
    "check",
    "clip",
    "cut_at",
    "diff",
    "events",
    "export",
    "follow",
    "gemini_client",
    "kind_of",
    "list_interactions",
    "openai_client",
    "parse_age",
    "pick",
    "stats",
    "stream",
    "streams",
    "streams_of",
    "summarize",
    "text_of",
    "timing",
    "transcribe",
    "unread_bytes",
    "unterminated",
    "validate",
]
