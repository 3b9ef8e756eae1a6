"""Every exception ssetape raises, in one tree rooted at :class:`SsetapeError`.

Each also derives from the builtin that fits, so ``except FileNotFoundError`` and the like keep working::

    SsetapeError
    ├── CassetteError                  a cassette file cannot be used
    │   ├── CassetteNotFoundError      (FileNotFoundError) no file at that path
    │   ├── CassetteDecodeError        (ValueError) not a readable cassette; names the file and line
    │   └── CassetteVersionError       (ValueError) written by a newer ssetape
    ├── RecordError                    recording cannot start or go on
    │   ├── OutputExistsError          (FileExistsError) the cassette is there; overwrite or append
    │   ├── UnrecoveredJournalError    a crashed recording's journal is waiting for --recover
    │   └── RecordingRunningError      another ssetape record is writing there now
    ├── ReplayError                    a cassette cannot answer what was asked of it
    │   ├── UnmatchedRequestError      (LookupError) no recording matches a request
    │   ├── MissingCassetteError       (FileNotFoundError) a test replays a cassette that is not there
    │   └── UnusedInteractionsError    (AssertionError) a strict test left recordings unused
    ├── NetworkBlockedError            (ConnectionRefusedError) a replaying test tried to reach the network
    ├── CollectionError                ``ssetape check`` could not collect the tests it checks
    └── ServerError                    (OSError) the replay server could not start

The command line turns any of them into one ``Error: …`` line and exit code 2.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

__all__ = [
    "CassetteDecodeError",
    "CassetteError",
    "CassetteNotFoundError",
    "CassetteVersionError",
    "CollectionError",
    "MissingCassetteError",
    "NetworkBlockedError",
    "OutputExistsError",
    "RecordError",
    "RecordingRunningError",
    "ReplayError",
    "ServerError",
    "SsetapeError",
    "UnmatchedRequestError",
    "UnrecoveredJournalError",
    "UnusedInteractionsError",
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

    def __init__(
        self, path: Path | None, problem: str, *, line: int | None = None, loc: tuple[int | str, ...] = ()
    ) -> None:
        where = str(path) if path is not None else "<cassette>"
        if line is not None:
            where += f":{line}"
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem
        #: Where in the document the problem is (``("interactions", 0, "response", "headers")``), for its line.
        self.loc = loc


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


class RecordingRunningError(RecordError):
    """Another ``ssetape record`` is writing into this place now: recovering, overwriting or appending would take
    its journal from under it."""


class ReplayError(SsetapeError):
    """Base of every error about replaying a cassette: what was asked of it is not in it."""


class UnmatchedRequestError(ReplayError, LookupError):
    """A request that no recorded interaction answers. The message explains it against the closest
    recording: the fields that differ, by path, with the recorded and the sent value, and what to do."""

    def __init__(
        self,
        request: str,
        cassette: str,
        closest: str | None,
        differences: list[str],
        *,
        others: list[str] | None = None,
        remedies: list[tuple[str, str]] | None = None,
        hint: str | None = None,
    ) -> None:
        self.request = request
        self.cassette = cassette
        self.closest = closest
        self.differences = differences
        self.others = others or []
        #: ``(Matching argument, name)`` pairs that would match the request without the differences.
        self.remedies = remedies or []
        self.hint = hint
        super().__init__(self.explained())

    def explained(self, options: dict[str, str] | None = None) -> str:
        """The message; with ``options`` (Matching argument -> command-line option, as ``ssetape serve`` has them)
        the remedies are given as those options."""
        request, cassette, closest, differences = self.request, self.cassette, self.closest, self.differences
        others, hint = self.others, self.hint
        lines = [f"{cassette}: no recorded response matches {request}"]
        if closest is None:
            lines.append("the cassette holds no interactions")
        elif differences:
            lines.append(f"closest recorded request: {closest}, which differs in:")
            lines.extend(f"  {difference}" for difference in differences)
        else:
            lines.append(f"closest recorded request: {closest}, the same request, but every recording of it is used up")
        if others:
            lines.append("also recorded: " + "; ".join(others))
        lines.append(f"to proceed: {hint or 'record the cassette again'}")
        remedy = _remedies(self.remedies, options)
        if remedy:
            lines.append(f"  or, if that difference does not matter, match without it: {remedy}")
        return "\n".join(lines)


def _remedies(remedies: list[tuple[str, str]], options: dict[str, str] | None) -> str:
    """``ignore_json_paths=["a", "b"], ignore_query=["key"]`` (one list per argument, as it can be pasted), or
    ``--ignore-json-path a --ignore-json-path b`` with ``options``; arguments that have no option are left out."""
    if options is not None:
        given = [(options[argument], name) for argument, name in remedies if argument in options]
        return " ".join(f"{option} {shlex.quote(name)}" for option, name in given)
    grouped: dict[str, list[str]] = {}
    for argument, name in remedies:
        grouped.setdefault(argument, []).append(name)
    return ", ".join(f"{argument}={json.dumps(names)}" for argument, names in grouped.items())


class MissingCassetteError(ReplayError, FileNotFoundError):
    """A test replays a cassette that is not there; the message says how to record it."""

    def __init__(self, path: Path, hint: str) -> None:
        super().__init__(f"{path}: no such cassette; to record it: {hint}")
        self.path = path


class UnusedInteractionsError(ReplayError, AssertionError):
    """A strict test left recorded interactions unused; the message names them."""

    def __init__(self, cassette: str, unused: list[str]) -> None:
        lines = [f"{cassette}: {len(unused)} recorded interaction(s) were never requested (strict mode):"]
        lines.extend(f"  {entry}" for entry in unused)
        lines.append("to proceed: record the cassette again, or run without strict=True")
        super().__init__("\n".join(lines))
        self.cassette = cassette
        self.unused = unused


class NetworkBlockedError(SsetapeError, ConnectionRefusedError):
    """A test replaying a cassette tried to reach the network."""


class CollectionError(SsetapeError):
    """``ssetape check`` could not collect a tests directory with pytest."""


class ServerError(SsetapeError, OSError):
    """The replay server could not start (the port is taken, uvicorn is missing ...)."""
