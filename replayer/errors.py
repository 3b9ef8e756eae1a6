"""Errors raised while replaying a cassette (defined with the rest in ``ssetape.errors``)."""

from ssetape.errors import (
    MissingCassetteError,
    NetworkBlockedError,
    ReplayError,
    ServerError,
    UnmatchedRequestError,
    UnusedInteractionsError,
)

__all__ = [
    "MissingCassetteError",
    "NetworkBlockedError",
    "ReplayError",
    "ServerError",
    "UnmatchedRequestError",
    "UnusedInteractionsError",
]
