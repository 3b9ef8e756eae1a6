"""Recording side of ssetape: the cassette format, the SSE decoder and the recording transports."""

from .cassette import (
    FORMAT_VERSION,
    Cassette,
    Chunk,
    Interaction,
    RecordedRequest,
    RecordedResponse,
    Recording,
    StreamError,
)
from .errors import CassetteDecodeError, CassetteError, CassetteNotFoundError, CassetteVersionError
from .har import cassette_from_har, cassette_to_har
from .imports import cassette_from_capture, cassette_from_sse
from .reader import load, loads
from .redact import REDACTED, SECRET_HEADERS
from .scan import Finding, find_secrets
from .session import CassetteRecorder
from .sse import ServerSentEvent, SSEDecoder
from .transport import AsyncRecordingTransport, RecordingTransport

__all__ = [
    "FORMAT_VERSION",
    "REDACTED",
    "SECRET_HEADERS",
    "AsyncRecordingTransport",
    "Cassette",
    "CassetteDecodeError",
    "CassetteError",
    "CassetteNotFoundError",
    "CassetteRecorder",
    "CassetteVersionError",
    "Chunk",
    "Finding",
    "Interaction",
    "RecordedRequest",
    "RecordedResponse",
    "Recording",
    "RecordingTransport",
    "SSEDecoder",
    "ServerSentEvent",
    "StreamError",
    "cassette_from_capture",
    "cassette_from_har",
    "cassette_from_sse",
    "cassette_to_har",
    "find_secrets",
    "load",
    "loads",
]
