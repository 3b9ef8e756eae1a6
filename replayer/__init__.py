"""Replaying side of ssetape: transports and clients that answer from a cassette."""

from .client import async_openai_client, openai_client
from .errors import ReplayError, UnmatchedRequestError
from .faults import Fault
from .stream import astream, stream, streams
from .timeline import Moment, Timeline, TimelineEvent
from .transport import AsyncReplayTransport, ReplayTransport

__all__ = [
    "AsyncReplayTransport",
    "Fault",
    "Moment",
    "ReplayError",
    "ReplayTransport",
    "Timeline",
    "TimelineEvent",
    "UnmatchedRequestError",
    "astream",
    "async_openai_client",
    "openai_client",
    "stream",
    "streams",
]
