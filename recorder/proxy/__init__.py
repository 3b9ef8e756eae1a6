"""The recording proxy behind ``ssetape record``: an HTTP reverse proxy for one upstream that streams every
response through unbuffered and records each exchange into a cassette (or one cassette per streamed run)."""

from .journal import read_journal
from .live import LiveRecording, read_live, revision
from .origin import Timeouts
from .recording import OutputExistsError, ProxyOutput, UnrecoveredJournalError, recover
from .server import DEFAULT_PORT, RecordingProxy

__all__ = [
    "DEFAULT_PORT",
    "LiveRecording",
    "OutputExistsError",
    "ProxyOutput",
    "RecordingProxy",
    "Timeouts",
    "UnrecoveredJournalError",
    "read_journal",
    "read_live",
    "recover",
    "revision",
]
