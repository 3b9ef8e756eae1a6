"""Errors raised while replaying a cassette."""

from __future__ import annotations

from recorder import CassetteError


class ReplayError(CassetteError):
    """Base of every error about replaying a cassette."""


class UnmatchedRequestError(ReplayError, LookupError):
    """A request that no recorded interaction answers; the message lists the closest ones."""

    def __init__(self, request: str, cassette: str, closest: list[str]) -> None:
        lines = [f"{cassette}: no recorded response matches {request}"]
        if closest:
            lines.append("closest recorded requests:")
            lines.extend(f"  - {entry}" for entry in closest)
        else:
            lines.append("the cassette holds no interactions")
        lines.append("re-record the cassette, or check that the code sends the request it sent when recording")
        super().__init__("\n".join(lines))
        self.request = request
        self.closest = closest
