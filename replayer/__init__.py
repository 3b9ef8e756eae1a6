"""Replaying side of ssetape: transports and clients that answer from a cassette."""

from ._sdk_streams import StreamCallback
from .answers import Answer, ToolCall, answer
from .chat_state import ChatState
from .client import async_openai_client, openai_client
from .diff import CassetteDiff, EventChange, FieldChange, InteractionDiff, diff
from .errors import ReplayError, UnmatchedRequestError
from .events import StreamEvent, events, follow, summarize, text_of, unterminated
from .export import export
from .faults import Fault
from .kinds import Kind, kind_of
from .listing import InteractionInfo, list_interactions
from .masking import Masker
from .responses_state import ResponsesState
from .server import ReplayApp, ReplayServer, ServedRequest, ServerError
from .stats import Stats, stats
from .stream import astream, stream, streams
from .timeline import Moment, Timeline
from .transport import AsyncReplayTransport, ReplayTransport
from .validate import Problem, validate

__all__ = [
    "Answer",
    "AsyncReplayTransport",
    "CassetteDiff",
    "ChatState",
    "EventChange",
    "Fault",
    "FieldChange",
    "InteractionDiff",
    "InteractionInfo",
    "Kind",
    "Masker",
    "Moment",
    "Problem",
    "ReplayApp",
    "ReplayError",
    "ReplayServer",
    "ReplayTransport",
    "ResponsesState",
    "ServedRequest",
    "ServerError",
    "Stats",
    "StreamCallback",
    "StreamEvent",
    "Timeline",
    "ToolCall",
    "UnmatchedRequestError",
    "answer",
    "astream",
    "async_openai_client",
    "diff",
    "events",
    "export",
    "follow",
    "kind_of",
    "list_interactions",
    "openai_client",
    "stats",
    "stream",
    "streams",
    "summarize",
    "text_of",
    "unterminated",
    "validate",
]
