"""Errors raised while replaying a cassette (defined with the rest in ``ssetape.errors``)."""

from ssetape.errors import NetworkBlockedError, ReplayError, ServerError, UnmatchedRequestError

__all__ = ["NetworkBlockedError", "ReplayError", "ServerError", "UnmatchedRequestError"]
