"""Errors raised while reading, writing or recording cassettes (defined with the rest in ``ssetape.errors``)."""

from ssetape.errors import (
    CassetteDecodeError,
    CassetteError,
    CassetteNotFoundError,
    CassetteVersionError,
    OutputExistsError,
    RecordError,
    RecordingRunningError,
    UnrecoveredJournalError,
)

__all__ = [
    "CassetteDecodeError",
    "CassetteError",
    "CassetteNotFoundError",
    "CassetteVersionError",
    "OutputExistsError",
    "RecordError",
    "RecordingRunningError",
    "UnrecoveredJournalError",
]
