"""Replaying side of ssetape: transports and clients that answer from a cassette."""

from .client import async_openai_client, openai_client
from .errors import ReplayError, UnmatchedRequestError
from .transport import AsyncReplayTransport, ReplayTransport

__all__ = [
    "AsyncReplayTransport",
    "ReplayError",
    "ReplayTransport",
    "UnmatchedRequestError",
    "async_openai_client",
    "openai_client",
]
