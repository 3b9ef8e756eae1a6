"""Errors raised while reading or writing cassettes."""

from __future__ import annotations

from pathlib import Path


class CassetteError(Exception):
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
