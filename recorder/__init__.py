"""Recording side of ssetape: the cassette format, the SSE decoder and the recording transports.

Names are imported on first use: the recording proxy and `ssetape ls` need no HTTP client.
"""

from typing import TYPE_CHECKING

from ssetape._lazy import lazy_exports

if TYPE_CHECKING:
    from .cassette import (
        Cassette,
        Chunk,
        CutOff,
        Interaction,
        RecordedRequest,
        RecordedResponse,
        Recording,
    )
    from .collector import collector_paused
    from .credentials import REDACTED, SECRET_HEADERS, SECRET_QUERY_PARAMETERS
    from .encodings import Encoder, encoder
    from .errors import (
        CassetteDecodeError,
        CassetteError,
        CassetteNotFoundError,
        CassetteVersionError,
        OutputExistsError,
        RecordError,
        RecordingRunningError,
        UnrecoveredJournalError,
    )
    from .format import DEFAULT_URI, FORMAT_VERSION, is_placeholder
    from .har import cassette_from_har, cassette_to_har, is_har
    from .imports import cassette_from_capture, cassette_from_sse
    from .reader import load, loads
    from .scan import Finding, files_to_scan, find_secrets
    from .session import CassetteRecorder
    from .skimming import Skimmed, skim
    from .sse import ServerSentEvent, SSEDecoder, decode_fields, lazy_events, loads_or_text
    from .transport import AsyncRecordingTransport, RecordingTransport, flavour_of
    from .uvicorn_server import ReturningServer
    from .writer import write_atomically

_EXPORTS = {
    "collector_paused": ".collector",
    "write_atomically": ".writer",
    "is_har": ".har",
    "is_placeholder": ".format",
    "flavour_of": ".transport",
    "files_to_scan": ".scan",
    "DEFAULT_URI": ".format",
    "AsyncRecordingTransport": ".transport",
    "CassetteDecodeError": ".errors",
    "CassetteError": ".errors",
    "CassetteNotFoundError": ".errors",
    "CassetteRecorder": ".session",
    "CassetteVersionError": ".errors",
    "FORMAT_VERSION": ".format",
    "Cassette": ".cassette",
    "Chunk": ".cassette",
    "Interaction": ".cassette",
    "RecordedRequest": ".cassette",
    "RecordedResponse": ".cassette",
    "Recording": ".cassette",
    "CutOff": ".cassette",
    "Finding": ".scan",
    "REDACTED": ".credentials",
    "SECRET_QUERY_PARAMETERS": ".credentials",
    "UnrecoveredJournalError": ".errors",
    "RecordError": ".errors",
    "RecordingRunningError": ".errors",
    "OutputExistsError": ".errors",
    "RecordingTransport": ".transport",
    "ReturningServer": ".uvicorn_server",
    "SECRET_HEADERS": ".credentials",
    "SSEDecoder": ".sse",
    "ServerSentEvent": ".sse",
    "loads_or_text": ".sse",
    "lazy_events": ".sse",
    "decode_fields": ".sse",
    "Encoder": ".encodings",
    "encoder": ".encodings",
    "cassette_from_capture": ".imports",
    "cassette_from_har": ".har",
    "cassette_from_sse": ".imports",
    "cassette_to_har": ".har",
    "find_secrets": ".scan",
    "load": ".reader",
    "Skimmed": ".skimming",
    "skim": ".skimming",
    "loads": ".reader",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

__all__ = [
    "DEFAULT_URI",
    "FORMAT_VERSION",
    "REDACTED",
    "SECRET_HEADERS",
    "SECRET_QUERY_PARAMETERS",
    "AsyncRecordingTransport",
    "Cassette",
    "CassetteDecodeError",
    "CassetteError",
    "CassetteNotFoundError",
    "CassetteRecorder",
    "CassetteVersionError",
    "Chunk",
    "CutOff",
    "Encoder",
    "Finding",
    "Interaction",
    "OutputExistsError",
    "RecordError",
    "RecordedRequest",
    "RecordedResponse",
    "Recording",
    "RecordingRunningError",
    "RecordingTransport",
    "ReturningServer",
    "SSEDecoder",
    "ServerSentEvent",
    "Skimmed",
    "UnrecoveredJournalError",
    "cassette_from_capture",
    "cassette_from_har",
    "cassette_from_sse",
    "cassette_to_har",
    "collector_paused",
    "decode_fields",
    "encoder",
    "files_to_scan",
    "find_secrets",
    "flavour_of",
    "is_har",
    "is_placeholder",
    "lazy_events",
    "load",
    "loads",
    "loads_or_text",
    "skim",
    "write_atomically",
]
