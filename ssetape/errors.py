"""Every exception ssetape raises, in one tree rooted at :class:`SsetapeError`.

Each also derives from the builtin that fits, so ``except FileNotFoundError`` and the like keep working::

    SsetapeError
    ├── CassetteError                  a cassette file cannot be used
    │   ├── CassetteNotFoundError      (FileNotFoundError) no file at that path
    │   ├── CassetteDecodeError        (ValueError) not a readable cassette; names the file and line
    │   └── CassetteVersionError       (ValueError) written by a newer ssetape
    ├── RecordError                    recording cannot start or go on
    │   ├── OutputExistsError          (FileExistsError) the cassette is there; overwrite or append
    │   └── UnrecoveredJournalError    a crashed recording's journal is waiting for --recover
    ├── ReplayError                    a cassette cannot answer what was asked of it
    │   └── UnmatchedRequestError      (LookupError) no recording matches a request
    ├── NetworkBlockedError            (ConnectionRefusedError) a replaying test tried to reach the network
    └── ServerError                    (OSError) the replay server could not start

The command line turns any of them into one ``Error: …`` line and exit code 2.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "CassetteDecodeError",
    "CassetteError",
    "CassetteNotFoundError",
    "CassetteVersionError",
    "NetworkBlockedError",
    "OutputExistsError",
    "RecordError",
    "ReplayError",
    "ServerError",
    "SsetapeError",
    "UnmatchedRequestError",
    "UnrecoveredJournalError",
]


class SsetapeError(Exception):
    """Base of every error ssetape raises on purpose."""


class CassetteError(SsetapeError):
    """Base of every error about a cassette file."""


class CassetteNotFoundError(CassetteError, FileNotFoundError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: no such cassette")
        self.path = path


class CassetteDecodeError(CassetteError, ValueError):
    """The file exists but is not a readable cassette; never treated as empty."""

    def __init__(self, path: Path | None, problem: str, *, line: int | None = None) -> None:
        where = str(path) if path is not None else "<cassette>"
        if line is not None:
            where += f":{line}"
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


class CassetteVersionError(CassetteError, ValueError):
    def __init__(self, path: Path | None, problem: str) -> None:
        super().__init__(f"{path if path is not None else '<cassette>'}: {problem}")
        self.path = path


class RecordError(SsetapeError):
    """Base of every error that stops a recording from starting or going on."""


class OutputExistsError(RecordError, FileExistsError):
    """The cassette is already there, and neither overwriting nor appending was asked for."""


class UnrecoveredJournalError(RecordError):
    """A recording into this place crashed and its journal has not been folded in yet."""


class ReplayError(SsetapeError):
    """Base of every error about replaying a cassette: what was asked of it is not in it."""


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


class NetworkBlockedError(SsetapeError, ConnectionRefusedError):
    """A test replaying a cassette tried to reach the network."""


class ServerError(SsetapeError, OSError):
    """The replay server could not start (the port is taken, uvicorn is missing ...)."""
