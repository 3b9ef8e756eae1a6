"""Finding secrets in recordings: API keys of OpenAI, Anthropic, Google, AWS and GitHub, bearer tokens, JWTs, any
value of a credential header or query parameter the recorder redacts (an Azure api-key, Basic credentials), and a
password in a URL.

A last check before a cassette is committed. Files are searched as text (so a finding has a line
number), and so is whatever base64 they hold, decoded (YAML ``!!binary``, a JSON cassette's base64
bodies in any dialect, a journal's chunks), and decompressed when it is gzip, zlib or zstd (a body
stored with its ``content-encoding``). A journal's chunks of one response are searched joined, so a
key split across two chunks is found. The scan reads bytes and never parses a cassette, so it works on
broken files too. Findings are masked: the scan never prints a whole secret.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

#: Where a key may start: not inside a longer token, or right after an escaped line break or tab (``\\n``) of the
#: JSON or YAML text it sits in (a key a model printed on a line of its own).
_START = rb"(?:(?<![A-Za-z0-9_-])|(?<=\\[nrt]))"
#: The credential headers and query parameters the recorder redacts (``recorder.credentials``): any value but
#: ``REDACTED`` is a secret, whatever it looks like (an Azure ``api-key`` is 32 hex digits).
_HEADER_NAMES = rb"authorization|proxy-authorization|api-key|x-api-key|x-goog-api-key|x-amz-security-token|cookie"
_QUERY_NAMES = rb"key|api-key|api_key|apikey|access_token|token|auth|auth_token|client_secret|x-amz-signature"
_VALUE = (
    rb"(?!(?:[A-Za-z]+[ \t]+)?REDACTED\b)(?!(?i:bearer)[ \t])"  # (a bearer token is found as one)
    rb"((?:(?i:basic|token|digest)[ \t]+)?[^\s\"',\[\]{}&]{8,})"
)

#: What a secret looks like, by kind.
PATTERNS: dict[str, re.Pattern[bytes]] = {
    "anthropic-key": re.compile(_START + rb"sk-ant-[A-Za-z0-9_-]{20,}"),
    "openai-key": re.compile(_START + rb"sk-(?!ant-)[A-Za-z0-9_-]{20,}"),
    "google-api-key": re.compile(_START + rb"AIza[0-9A-Za-z_-]{35}"),
    "google-oauth-token": re.compile(rb"(?:(?<![A-Za-z0-9_.-])|(?<=\\[nrt]))ya29\.[0-9A-Za-z_-]{20,}"),
    "aws-access-key-id": re.compile(rb"(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])"),
    "aws-secret-key": re.compile(
        rb"(?i:aws_?secret_?(?:access_?)?key|secret_?access_?key)[\"'\s:=]+([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
    ),
    "github-token": re.compile(_START + rb"(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
    "jwt": re.compile(_START + rb"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    "bearer-token": re.compile(rb"(?i)(?:\b|(?<=\\[nrt]))bearer[ \t]+(?!REDACTED\b)[A-Za-z0-9._~+/=-]{12,}"),
    # a credential header's value: ``api-key: [...]`` (YAML), ``"api-key": ["..."]`` (JSON), HAR's name and value
    "credential-header": re.compile(
        rb"(?i)(?<![A-Za-z0-9_-])[\"']?(?:" + _HEADER_NAMES + rb")[\"']?[ \t]*:"
        rb"[ \t]*(?:\[\s*|\r?\n[ \t]*-[ \t]*)?[\"']?"
        + _VALUE
        + rb"|\"name\":[ \t]*\"(?:"
        + _HEADER_NAMES
        + rb")\",[ \t\r\n]*\"value\":[ \t]*\""
        + _VALUE
    ),
    "credential-query-parameter": re.compile(rb"(?i)[?&](?:" + _QUERY_NAMES + rb")=" + _VALUE),
    "url-password": re.compile(rb"(?i)\bhttps?://[^/\s:@\"']+:(?!REDACTED@)([^/\s@\"']{6,})@"),
}
#: The kinds found by where a value is rather than by what it looks like.
_BY_PLACE = frozenset({"credential-header", "credential-query-parameter"})
#: An AWS secret key is 40 base64 characters: only taken for one when an access key id is this near.
_AWS_SECRET = re.compile(rb"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_AWS_NEAR = 300
#: Files a directory is searched for: cassettes of every dialect, journals, and what ``export`` and a raw capture
#: write (a raw ``.sse`` dump is a cassette too: ``ls`` and ``tui`` read one).
SCANNED_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".journal", ".har", ".sse", ".txt", ".jsonl", ".ndjson"})
#: A YAML ``!!binary`` (or Ruby's ``!binary``) block, or one quoted base64 string.
_BINARY_BLOCK = re.compile(rb"(?:!?!binary|base64_string:) *[|>][-+]?\n((?:[ ]+[A-Za-z0-9+/=]+\n)+)")
_BASE64_STRING = re.compile(
    rb"(?<=[\"'])((?:[A-Za-z0-9+/]|\\n){16,}={0,2})(?=[\"'])"  # quoted (JSON, YAML flow)
    rb"|(?:!?!binary|base64_string:)[ ]+([A-Za-z0-9+/]{16,}={0,2})[ ]*$",  # a plain YAML scalar
    re.MULTILINE,
)
#: Decompressed bodies are searched up to this size (a zip bomb in a cassette is not our problem to inflate).
_INFLATE_LIMIT = 64 * 1024 * 1024


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
    keep = min(keep, max(len(secret) // 4, 3))
    return f"{secret[:keep]}…{secret[-2:]}"


def scan_bytes(data: bytes, path: Path) -> list[Finding]:
    """Secrets in one file's contents, including its base64-encoded (and compressed) bodies."""
    line_at = _lines(data)
    findings = list(_matches(data, path, line_at))
    for pattern in (_BINARY_BLOCK, _BASE64_STRING):
        for block in pattern.finditer(data):
            line = line_at(block.start())
            decoded = _b64((block.group(1) or block.group(2)).replace(b"\\n", b""))
            for found in (decoded, _inflated(decoded)):
                findings += _matches(found, path, _at(line))
    if path.name.endswith(".journal"):
        findings += _journal(data, path)
    # A key of a known kind in a credential header (an unredacted x-api-key: sk-ant-...) is reported as that kind.
    named = {(f.line, f.masked) for f in findings if f.kind not in _BY_PLACE}
    kept = {f for f in findings if f.kind not in _BY_PLACE or (f.line, f.masked) not in named}
    return sorted(kept, key=lambda f: (f.line, f.kind, f.masked))


def _lines(data: bytes) -> Callable[[int], int]:
    starts = [0] + [m.end() for m in re.finditer(rb"\n", data)]

    def line_at(offset: int) -> int:
        return bisect.bisect_right(starts, offset)

    return line_at


def _journal(data: bytes, path: Path) -> list[Finding]:
    """A journal's body chunks, joined per response (a key may be split across two), and request bodies."""
    bodies: dict[object, list[tuple[int, bytes]]] = {}
    findings: list[Finding] = []
    for number, raw in enumerate(data.split(b"\n"), 1):
        try:
            record = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        if not isinstance(record, dict):
            continue
        if isinstance(record.get("b"), str):
            key = record.get("data")
            bodies.setdefault(key if isinstance(key, (int, str)) else None, []).append(
                (number, _b64(record["b"].encode()))
            )
        if isinstance(record.get("body"), str):
            findings += _matches(_b64(record["body"].encode()), path, _at(number))
    for chunks in bodies.values():
        joined = b"".join(chunk for _, chunk in chunks)
        starts, position = [], 0
        for number, chunk in chunks:
            starts.append((position, number))
            position += len(chunk)

        def line_of(offset: int, starts: list[tuple[int, int]] = starts) -> int:
            return next(number for start, number in reversed(starts) if start <= offset)

        findings += _matches(joined, path, line_of)
        findings += _matches(_inflated(joined), path, _at(chunks[0][0]))
    return findings


def _at(line: int) -> Callable[[int], int]:
    """Every offset is on ``line`` (of decoded data, found where its encoded form starts)."""
    return lambda _offset: line


#: Text every match of a kind holds: a file without any is not searched for it (a byte search is many times faster
#: than a pattern that must be tried at every position).
_ANCHORS: dict[str, tuple[bytes, ...]] = {
    "anthropic-key": (b"sk-ant-",),
    "openai-key": (b"sk-",),
    "google-api-key": (b"AIza",),
    "google-oauth-token": (b"ya29.",),
    "aws-access-key-id": (b"AKIA", b"ASIA"),
    "github-token": (b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"github_pat_"),
    "jwt": (b"eyJ",),
    "url-password": (b"@",),
}


def _matches(data: bytes, path: Path, line_of: Callable[[int], int]) -> Iterator[Finding]:
    for kind, pattern in PATTERNS.items():
        anchors = _ANCHORS.get(kind)
        if anchors is not None and not any(anchor in data for anchor in anchors):
            continue
        for match in pattern.finditer(data):
            # the secret: the group that took part (a pattern of alternatives has one each), else the whole match
            group = next((n for n in range(1, pattern.groups + 1) if match.group(n) is not None), 0)
            yield Finding(path, line_of(match.start(group)), kind, mask(match.group(group).decode("latin-1")))
    for match in PATTERNS["aws-access-key-id"].finditer(data):
        near = data[max(0, match.start() - _AWS_NEAR) : match.end() + _AWS_NEAR]
        offset = max(0, match.start() - _AWS_NEAR)
        for secret in _AWS_SECRET.finditer(near):
            text = secret.group()
            if re.search(rb"[a-z]", text) and re.search(rb"[A-Z0-9/+]", text):  # not a hex digest or a word
                yield Finding(path, line_of(offset + secret.start()), "aws-secret-key", mask(text.decode("latin-1")))


def _b64(text: bytes) -> bytes:
    try:
        return base64.b64decode(b"".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return b""


def _inflated(data: bytes) -> bytes:
    """``data`` decompressed in any coding a body may be stored in (gzip, zlib, zstd by their magic bytes; brotli
    and raw deflate, which have none, tried); else nothing (it was searched as it is)."""
    if len(data) < 8:
        return b""
    try:
        if data[:2] == b"\x1f\x8b":
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, _INFLATE_LIMIT)
        if data[:1] == b"\x78":
            return zlib.decompressobj().decompress(data, _INFLATE_LIMIT)
        if data[:4] == b"\x28\xb5\x2f\xfd":
            from .encodings import decode

            return b"".join(decode("zstd", [data]))[:_INFLATE_LIMIT]
    except Exception:  # not compressed after all, or cut short: searched as it is already
        return b""
    for attempt in (_brotli, _raw_deflate):
        try:
            found = attempt(data)
        except Exception:  # not in that coding
            continue
        if found:
            return found
    return b""


def _brotli(data: bytes) -> bytes:
    import brotli

    decompressor = brotli.Decompressor()
    return bytes(decompressor.process(data, output_buffer_limit=_INFLATE_LIMIT))


def _raw_deflate(data: bytes) -> bytes:
    return zlib.decompressobj(-zlib.MAX_WBITS).decompress(data, _INFLATE_LIMIT)


def files_to_scan(paths: Iterable[str | Path]) -> list[Path]:
    """The files named, and the cassettes and journals under the directories named (FileNotFoundError if absent)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix.lower() in SCANNED_SUFFIXES and p.is_file())
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
