"""The recording journal: what keeps interactions that are still in flight on disk.

Crash safety works in two layers. The cassette itself is only ever replaced atomically (temporary
file, fsync, rename), so it always parses; but rewriting it for every network chunk would cost a
full serialization each time. So beside it, the proxy appends to a journal
(``.NAME.journal`` next to ``NAME``; ``.ssetape.journal`` in an ``--out`` directory): one JSON
line per event of every interaction of the session (request, response headers, each body chunk
as it arrives with its arrival time, end), written with a single ``write()`` on an ``O_APPEND``
file. Data that reached ``write()`` is in the kernel's page cache, so it survives ``kill -9`` of
the proxy (not a power cut: the journal is not fsynced per chunk, the cassette is on save).

The journal holds exactly what the cassette will: request and response headers redacted, JSON
fields redacted event by event (an event is written once it is complete; see ``ResponseRedactor``),
secret values the request carried taken out of the response as it arrives.
Secrets never reach the journal either.

The cassette is rewritten in the background, at most a few times a second. While it is behind,
the journal has everything; when the proxy is idle and the cassette is saved, the journal is
reset to a header naming how many interactions the cassette holds (``base``). A clean exit saves
the cassette and removes the journal. After a crash the journal is still there, and
:func:`read_journal` turns it back into interactions: finished ones exactly as they would have
been saved, unfinished ones as *incomplete* with what had arrived and an ``RecordingInterrupted``
error (replay raises it as a dropped connection, which is what the client saw). Requests that
had no response yet are left out: there is nothing to replay. ``ssetape record --recover`` (or
``--append``) folds them into the cassette: its first ``base`` interactions, then the journal's.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import errno
import json
import os
import sys
import threading
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..capture import Capture
from ..cassette import Body, CutOff, Interaction, RecordedRequest, RecordedResponse, Recording, Status
from ..chunks import Chunks, check_times
from ..errors import CassetteDecodeError, RecordingRunningError
from ..redact import ResponseRedactor

try:
    import fcntl
except ImportError:  # pragma: no cover (Windows)
    fcntl = None  # type: ignore[assignment]

JOURNAL_FORMAT = 1
#: One encoder for every line (json.dumps with options builds one per call: a few microseconds per request).
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
#: Its C part, made once: ``JSONEncoder.encode`` makes it again on every call (2.5 of its 4.3 µs for a
#: request's line). The lines hold no cycles, so no markers. (None where the json module has no C part.)
_C_MAKE_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_C_ENCODE = (
    _C_MAKE_ENCODER(None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    if _C_MAKE_ENCODER is not None
    else None
)


def _encode(record: dict[str, Any]) -> str:
    if _C_ENCODE is None:
        return _ENCODER.encode(record)
    return "".join(_C_ENCODE(record, 0))


INTERRUPTED = "RecordingInterrupted"


def _header(base: int) -> dict[str, Any]:
    return {"journal": JOURNAL_FORMAT, "base": base, "pid": os.getpid()}


def _hold(fd: int, path: Path) -> None:
    """Take the journal for this process (a lock the OS lets go of when the process ends, even by kill -9)."""
    if fcntl is None:  # (Windows: no advisory locks; two recordings into one place are not told apart there)
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise RecordingRunningError(_running(path)) from None


def in_use(path: Path) -> bool:
    """Whether a running ``ssetape record`` is writing the journal at ``path`` (False when there is none)."""
    if fcntl is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def refuse_if_running(path: Path) -> None:
    """Raise :class:`RecordingRunningError` when a running recording writes the journal at ``path``."""
    if in_use(path):
        raise RecordingRunningError(_running(path))


def _running(path: Path) -> str:
    pid = None
    with contextlib.suppress(OSError, ValueError, AttributeError):
        with path.open("rb") as journal:
            pid = json.loads(journal.readline()).get("pid")
    who = f"ssetape record (process {pid})" if isinstance(pid, int) else "another ssetape record"
    return f"{path}: {who} is recording there now; stop it first (Ctrl-C saves what it recorded)"


def journal_path(out: Path) -> Path:
    """Where the journal of a recording into ``out`` (a cassette file or a directory) lives."""
    if out.is_dir():
        return out / ".ssetape.journal"
    return out.with_name(f".{out.name}.journal")


class Journal:
    """Appends a session's interactions to ``path`` as they happen; safe to call from any thread."""

    def __init__(self, path: Path, *, base: int = 0, on_failure: Callable[[OSError], None] = lambda exc: None) -> None:
        self.path = path
        self.lock = threading.Lock()
        #: Why the journal stopped taking lines (the disk is full, say); what it took before stays.
        self.failure: OSError | None = None
        self._on_failure = on_failure
        path.parent.mkdir(parents=True, exist_ok=True)
        # Emptied only once it is ours: another proxy writing into the same place holds it (see in_use).
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            _hold(self._fd, path)
            os.ftruncate(self._fd, 0)
        except BaseException:
            os.close(self._fd)
            raise
        self._redactors: dict[int, ResponseRedactor] = {}
        self._last_at: dict[int, float] = {}
        self._write(_header(base))

    def _write(self, record: dict[str, Any]) -> None:
        self._append(_encode(record).encode("utf-8") + b"\n")

    def _append(self, line: bytes) -> None:
        """One line, in one ``write()``; the first that fails (or is cut short) stops the journal."""
        with self.lock:
            if self._fd < 0:
                return
            try:
                if os.write(self._fd, line) == len(line):
                    return
                failure = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # a short write: the disk filled up
            except OSError as exc:
                failure = exc
            os.close(self._fd)
            self._fd = -1
            self.failure = failure
        self._on_failure(failure)

    def request(self, key: int, capture: Capture) -> None:
        body = capture.request_body
        self._write(
            {
                "req": key,
                "at": capture.recorded_at.isoformat(),
                "method": capture.method,
                "uri": capture.uri,
                "headers": capture.request_headers,
                "body": _b64(body) if body is not None else None,
            }
        )

    def response(self, key: int, capture: Capture) -> None:
        redactor = capture.body_redactor()
        if redactor:
            self._redactors[key] = redactor
        self._write(
            {
                "res": key,
                "at": round(capture.response_at, 6),
                "code": capture.status_code,
                "message": capture.reason,
                "headers": capture.response_headers,
            }
        )

    def chunk(self, key: int, at: float, data: bytes) -> None:
        redactor = self._redactors.get(key)
        if redactor is not None:
            data = redactor.feed(data)
            self._last_at[key] = at
        if data:  # the hot path: one line per network chunk, formatted without the json module
            self._append(b'{"data":%d,"at":%.6f,"b":"%s"}\n' % (key, at, base64.b64encode(data)))

    def end(self, key: int, interaction: Interaction) -> None:
        redactor = self._redactors.pop(key, None)
        last_at = self._last_at.pop(key, 0.0)
        if redactor is not None:
            tail = redactor.flush(complete=interaction.complete)
            if tail:
                self._write({"data": key, "at": round(last_at, 6), "b": _b64(tail)})
        recording = interaction.response.ssetape
        error = recording.error.model_dump() if recording is not None and recording.error is not None else None
        record: dict[str, Any] = {"end": key, "error": error}
        if redactor is not None and recording is not None:  # redaction moved chunk boundaries: keep the exact ones
            # As the bytes of two arrays (little-endian): a list of pairs is an object per number, thousands for
            # a long stream, made and encoded on the event loop.
            chunks = recording.chunks if isinstance(recording.chunks, Chunks) else Chunks(recording.chunks)
            times, sizes = chunks.arrays()
            record["times"], record["sizes"] = _b64(_little_endian(times)), _b64(_little_endian(sizes))
        self._write(record)

    def file(self, key: str, name: str) -> None:
        """Remember which file an ``--out DIR`` recording gave a run, so recovery reuses the name."""
        self._write({"file": name, "key": key})

    def reset(self, base: int) -> None:
        """Start over with nothing in flight: the cassette holds ``base`` interactions, all saved."""
        header = json.dumps(_header(base)).encode() + b"\n"
        with self.lock:
            if self._fd < 0:
                return
            # Written aside and renamed over (no fsync: the journal is for a crashed process, not the OS).
            fresh = self.path.with_name(self.path.name + ".new")
            try:
                fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
                try:
                    _hold(fd, fresh)
                    if os.write(fd, header) != len(header):
                        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                    os.replace(fresh, self.path)
                except OSError:
                    os.close(fd)
                    raise
            except OSError:
                with contextlib.suppress(OSError):
                    fresh.unlink()
                return  # the journal keeps its lines: the cassette has them too, recovering them is harmless
            os.close(self._fd)
            self._fd = fd

    def close(self, *, remove: bool) -> None:
        with self.lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1
        if remove:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()


@dataclass
class _Entry:
    request: dict[str, Any]
    response: dict[str, Any] | None = None
    data: list[tuple[float, bytes]] = field(default_factory=list)
    end: dict[str, Any] | None = None


@dataclass
class Recovered:
    """What a journal holds: the session's interactions, ready to be put back in a cassette."""

    #: How many interactions of the cassette came before this journal's (and are saved there).
    base: int
    #: ``(key, interaction)`` in the order the requests started.
    interactions: list[tuple[int, Interaction]]
    #: Keys in the order the interactions finished, then the unfinished ones.
    finish_order: list[int]
    #: How many were still in flight (recorded as incomplete).
    interrupted: int
    #: Requests with no response yet: left out.
    unanswered: int
    #: ``--out DIR`` file names given to runs: key -> file name.
    files: dict[str, str]

    def by_key(self) -> dict[int, Interaction]:
        return dict(self.interactions)


def read_journal(path: Path) -> Recovered:
    """Parse a journal; a torn last line (the write a crash interrupted) is ignored."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CassetteDecodeError(path, "no such journal") from None
    lines = raw.split(b"\n")
    records: list[dict[str, Any]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            if number >= len(lines) - 1:  # the last line, cut short
                break
            raise CassetteDecodeError(path, "not a journal line (expected one JSON object)", line=number) from None
        if not isinstance(record, dict):
            raise CassetteDecodeError(path, "not a journal line (expected one JSON object)", line=number)
        records.append(record)
    if not records or records[0].get("journal") != JOURNAL_FORMAT:
        raise CassetteDecodeError(path, f"not an ssetape journal (format {JOURNAL_FORMAT})", line=1)
    try:
        return _recovered(records, path)
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error, ValidationError) as exc:
        # Our own lines, so not our bug: a journal edited, or another file named like one.
        problem = f"missing {exc}" if isinstance(exc, KeyError) else str(exc).splitlines()[0]
        raise CassetteDecodeError(path, f"not a journal ssetape can recover: {problem}") from None


def _recovered(records: list[dict[str, Any]], path: Path) -> Recovered:
    entries: dict[int, _Entry] = {}
    ended: list[int] = []
    files: dict[str, str] = {}
    for record in records[1:]:
        if "req" in record:
            entries[record["req"]] = _Entry(record)
        elif "res" in record and record["res"] in entries:
            entries[record["res"]].response = record
        elif "data" in record and record["data"] in entries:
            entries[record["data"]].data.append((record["at"], base64.b64decode(record["b"])))
        elif "end" in record and record["end"] in entries:
            entries[record["end"]].end = record
            ended.append(record["end"])
        elif "file" in record:
            files[record["key"]] = record["file"]
    interactions = []
    unanswered = interrupted = 0
    for key in sorted(entries):
        entry = entries[key]
        if entry.response is None:
            unanswered += 1
            continue
        interrupted += entry.end is None
        interactions.append((key, _interaction(entry, path)))
    kept = {key for key, _ in interactions}
    order = [key for key in ended if key in kept]
    order += [key for key, _ in interactions if key not in set(order)]
    return Recovered(
        base=int(records[0].get("base", 0)),
        interactions=interactions,
        finish_order=order,
        interrupted=interrupted,
        unanswered=unanswered,
        files=files,
    )


def _interaction(entry: _Entry, path: Path) -> Interaction:
    request, response = entry.request, entry.response
    assert response is not None
    body = b"".join(data for _, data in entry.data)
    chunks: Sequence[tuple[float, int]] = [(at, len(data)) for at, data in entry.data]
    if entry.end is not None:
        error = CutOff(**entry.end["error"]) if entry.end.get("error") else None
        recorded = _recorded_chunks(entry.end)
        if recorded and recorded.total == len(body):
            chunks = recorded
    else:
        error = CutOff(
            type=INTERRUPTED,
            message=f"the recorder stopped before this response ended, after {len(body)} bytes "
            f"(recovered from {path.name})",
        )
    body_text = base64.b64decode(request["body"]) if request.get("body") is not None else None
    return Interaction(
        request=RecordedRequest(
            method=request["method"],
            uri=request["uri"],
            headers=request["headers"],
            body=_text_or_bytes(body_text) if body_text is not None else None,
        ),
        response=RecordedResponse(
            status=Status(code=response["code"], message=response.get("message")),
            headers=response["headers"],
            body=Body(string=_text_or_bytes(body)),
            ssetape=Recording(
                recorded_at=request["at"],
                response_at=response["at"],
                chunks=chunks,
                complete=error is None,
                error=error,
            ),
        ),
    )


def _little_endian(numbers: array[Any]) -> bytes:
    if sys.byteorder == "little":
        return numbers.tobytes()
    swapped = array(numbers.typecode, numbers)
    swapped.byteswap()
    return swapped.tobytes()


def _from_little_endian(typecode: str, data: bytes) -> array[Any]:
    numbers = array(typecode)
    numbers.frombytes(data)
    if sys.byteorder != "little":
        numbers.byteswap()
    return numbers


def _recorded_chunks(end: dict[str, Any]) -> Chunks | None:
    """The exact chunks an end line keeps (redaction moved their boundaries), or None."""
    if "times" in end:
        times = _from_little_endian("d", base64.b64decode(end["times"]))
        sizes = _from_little_endian("q", base64.b64decode(end["sizes"]))
        chunks = Chunks.from_arrays(times, sizes)
        check_times(list(chunks))  # damaged arrays are the journal's fault, named as such
        return chunks
    if end.get("chunks"):  # a journal written before the arrays
        return Chunks(check_times([(at, size) for at, size in end["chunks"]]))
    return None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _text_or_bytes(data: bytes) -> str | bytes:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data
