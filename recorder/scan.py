"""Finding secrets in recordings: anything that looks like an OpenAI API key (``sk-…``) or a bearer token.

A last check before a cassette is committed. Cassette files are searched as text (so a finding
has a line number), and so are the bodies YAML stores as ``!!binary`` and the base64 chunks of a
recording journal, decoded. Findings are masked: the scan never prints a whole secret.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

#: What a secret looks like, by kind.
PATTERNS: dict[str, re.Pattern[bytes]] = {
    "openai-key": re.compile(rb"(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}"),
    "bearer-token": re.compile(rb"(?i)\bbearer[ \t]+(?!REDACTED\b)[A-Za-z0-9._~+/=-]{12,}"),
}
#: Files a directory is searched for: cassettes and journals.
SCANNED_SUFFIXES = (".yaml", ".yml", ".json", ".journal")
_BINARY = re.compile(rb"!!binary \|\n((?:[ ]+[A-Za-z0-9+/=]+\n)+)")


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    kind: str
    #: The match with its middle masked, e.g. ``sk-proj-Xq…89``.
    masked: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind} {self.masked}"


def mask(secret: str) -> str:
    keep = 10 if len(secret) > 24 else 4
    return f"{secret[:keep]}…{secret[-2:]}"


def scan_bytes(data: bytes, path: Path) -> list[Finding]:
    """Secrets in one file's contents, including its base64-encoded bodies."""
    findings = list(_matches(data, path, lambda offset: data.count(b"\n", 0, offset) + 1))
    for block in _BINARY.finditer(data):
        line = data.count(b"\n", 0, block.start()) + 1
        findings += _matches(_b64(block.group(1)), path, lambda _, line=line: line)
    if path.name.endswith(".journal"):
        for number, raw in enumerate(data.split(b"\n"), 1):
            try:
                record = json.loads(raw)
            except ValueError:
                continue
            for key in ("b", "body"):
                if isinstance(record, dict) and isinstance(record.get(key), str):
                    findings += _matches(_b64(record[key].encode()), path, lambda _, n=number: n)
    return sorted(set(findings), key=lambda f: (f.line, f.kind, f.masked))


def _matches(data: bytes, path: Path, line_of: object) -> Iterator[Finding]:
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(data):
            line = line_of(match.start())  # type: ignore[operator]
            yield Finding(path, line, kind, mask(match.group().decode("latin-1")))


def _b64(text: bytes) -> bytes:
    try:
        return base64.b64decode(b"".join(text.split()))
    except (binascii.Error, ValueError):
        return b""


def files_to_scan(paths: Iterable[str | Path]) -> list[Path]:
    """The files named, and the cassettes and journals under the directories named (FileNotFoundError if absent)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(SCANNED_SUFFIXES))
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or directory")
    return files


def find_secrets(paths: Iterable[str | Path]) -> list[Finding]:
    """Every secret-looking string in ``paths`` (files, or directories searched for cassettes and journals)."""
    findings: list[Finding] = []
    for path in files_to_scan(paths):
        findings += scan_bytes(path.read_bytes(), path)
    return findings
