"""One recording session of the proxy: where interactions go, the journal beside them, background saves.

``out`` is a cassette file (``.yaml``/``.yml``/``.json``), or a directory (an existing one, or a
path ending in ``/``) for one cassette per streamed run (see :mod:`.split`). An existing cassette
is never replaced unless asked (``overwrite``) and ``append`` adds to it. A journal left by a
recording that crashed is folded in by :func:`recover`, which ``append`` runs first;
``overwrite`` discards it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import multiprocessing
import os
import re
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..capture import Capture
from ..cassette import Cassette, CutOff, Interaction
from ..errors import OutputExistsError, RecordError, UnrecoveredJournalError
from ..reader import load
from ..redact import JsonPath, parse_json_path
from ..session import CassetteRecorder
from .journal import Journal, Recovered, journal_path, read_journal, refuse_if_running
from .saver import Saver
from .split import SplitOutput

CASSETTE_SUFFIXES = (".yaml", ".yml", ".json")


def is_directory_target(out: str | Path) -> bool:
    text = str(out)
    return Path(out).is_dir() or text.endswith(("/", os.sep))


def _check_target(out: Path, split: bool) -> None:
    if not split and out.suffix.lower() not in CASSETTE_SUFFIXES:
        raise RecordError(
            f"{out}: name a cassette file ({', '.join(CASSETTE_SUFFIXES)}) or a directory (ending in /) "
            "for one cassette per streamed run"
        )


class _Output(Protocol):
    def add(self, interaction: Interaction, ticket: int) -> int | None: ...
    def save(self) -> None: ...


class _CassetteOutput:
    def __init__(self, path: Path, *, append: bool, pool: Executor | None) -> None:
        self.recorder = CassetteRecorder(path, append=append, pool=pool)
        self.base = len(self.recorder)
        self.saved = self.base

    @property
    def files(self) -> list[Path]:
        return [self.recorder.path]

    def add(self, interaction: Interaction, ticket: int) -> int:
        return self.recorder.add(interaction, ticket, save=False)

    def save(self) -> None:
        self.saved = self.recorder.save()


@dataclass(frozen=True)
class ProxyStatus:
    """What the status line shows."""

    interactions: int
    in_flight: int
    streams: int
    events: int
    bytes: int
    incomplete: int
    files: int


def recover(out: str | Path) -> Recovered | None:
    """Fold a crashed recording's journal into its cassette(s); None when there is no journal."""
    out = Path(out)
    path = journal_path(out)
    refuse_if_running(path)
    if not path.exists():
        return None
    found = read_journal(path)
    if is_directory_target(out):
        split = SplitOutput(out, names=found.files)
        by_key = found.by_key()
        for key in found.finish_order:
            split.add(by_key[key], key)
        split.close()
    else:
        saved = load(out).interactions[: found.base] if out.exists() else []
        Cassette(interactions=saved + [interaction for _, interaction in found.interactions]).save(out)
    path.unlink()
    _remove_half_written(out)
    return found


#: What ``write_atomically`` writes beside a cassette before renaming it over: ``.NAME.XXXXXXXX.tmp``.
_HALF_WRITTEN = re.compile(r"\..+\.(?:ya?ml|json)\.[a-z0-9_]{8}\.tmp")


def _remove_half_written(out: Path) -> None:
    """The temporary files of saves the crash interrupted (the cassettes themselves were never touched by them)."""
    directory = out if is_directory_target(out) else out.parent
    prefix = "." if is_directory_target(out) else f".{out.name}."
    for leftover in directory.glob(f"{prefix}*.tmp"):
        if _HALF_WRITTEN.fullmatch(leftover.name):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _counter(capture: Capture | None) -> Callable[[], int]:
    """Counts the events of ``capture`` when called (decoding a long stream takes a while)."""
    return (lambda: capture.events) if capture is not None else (lambda: 0)


#: How much lower the serializing worker's priority is than the proxy's: a save can wait, streams cannot.
WORKER_NICENESS = 10


def _worker_init(parent: int) -> None:
    """In the serializing worker: leave Ctrl-C to the proxy, go when the proxy is gone (even by kill -9), and
    let the streams have the CPU first (serializing a long stream takes a few hundred milliseconds)."""
    # Ctrl-C, and a SIGTERM to the whole process group (timeout(1), a supervisor), are for the proxy: it then
    # shuts the worker down after its last save. Gone with the proxy anyway (the watch below).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="ssetape-parent-watch", daemon=True).start()


class ProxyOutput:
    """Records the proxy's exchanges into ``out``. :meth:`begin` one per request, :meth:`close` at the end.

    Calls come from the proxy's event loop; saving runs in a background thread (:class:`.Saver`)
    and the journal keeps everything in between on disk.
    """

    def __init__(
        self,
        out: str | Path,
        *,
        overwrite: bool = False,
        append: bool = False,
        redact_headers: Iterable[str] = (),
        redact_json: Iterable[str] = (),
        save_interval: float = 0.2,
        serialize_in_subprocess: bool = True,
        on_finish: Callable[[int, Interaction, Callable[[], int]], None] | None = None,
        on_failure: Callable[[str], None] = lambda reason: None,
        after_save: Callable[[bool], None] = lambda idle: None,
    ) -> None:
        if overwrite and append:
            raise ValueError("overwrite and append exclude each other")
        self.out = Path(out)
        self._state = threading.Lock()
        self._on_failure = on_failure
        #: Why the recording cannot be written any more (the disk is full, the directory read-only), once
        #: it cannot: the proxy then answers 503 rather than pass traffic on unrecorded.
        self.failure: str | None = None
        self.split = is_directory_target(out)
        _check_target(self.out, self.split)
        self._redact_headers = tuple(redact_headers)
        self._redact_json: tuple[JsonPath, ...] = tuple(parse_json_path(path) for path in redact_json)
        if self.split:
            self.out.mkdir(parents=True, exist_ok=True)
        self.recovered = self._settle_previous(overwrite=overwrite, append=append)
        # Serializing cassettes is pure Python: in a worker process it does not compete with the
        # event loop for this process's GIL (spawned, so nothing of this process is inherited).
        self._pool = (
            ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_init,
                initargs=(os.getpid(),),
            )
            if serialize_in_subprocess
            else None
        )
        if self._pool is not None:
            # Start the worker now, not in the middle of the first busy moment, and with SIGINT and SIGTERM blocked
            # until it ignores them: Ctrl-C reaches the terminal's whole process group, and it is for the proxy to
            # handle (it then shuts the worker down). If the worker dies anyway, saves go on in this process.
            previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
            try:
                self._pool.submit(int)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        self.output: _CassetteOutput | SplitOutput
        try:
            if self.split:
                self.output = SplitOutput(
                    self.out, on_name=lambda key, name: self.journal.file(key, name), pool=self._pool
                )
                self.journal = Journal(journal_path(self.out), on_failure=self._failed)
            else:
                self.output = _CassetteOutput(self.out, append=append, pool=self._pool)
                self.journal = Journal(journal_path(self.out), base=self.output.base, on_failure=self._failed)
        except OSError as exc:
            if self._pool is not None:
                self._pool.shutdown()
            raise RecordError(f"{self.out}: cannot write the recording there ({exc.strerror or exc})") from None
        self._keys = itertools.count()
        self._open: dict[int, Capture] = {}
        self._on_finish = on_finish
        self._finished = self._streams = self._events = self._bytes = self._incomplete = 0
        self._uncounted: list[Capture] = []
        self._after_save = after_save
        # Building a finished interaction (its models, the redacted body, the journal's end line) takes a
        # fraction of a millisecond: when 50 streams end together, one build a turn of the event loop, so that
        # the streams still running are never held up by more than one. (Not in a thread: on a busy machine
        # every hand-over of the GIL between two threads can wait milliseconds for the OS to run the other.)
        self._builds: deque[Callable[[], object]] = deque()
        self._build_scheduled = False  # a turn of the loop will build the next
        self._begun = self._begun_seen = 0  # requests begun, and how many the saver had seen when it last asked
        self._saver = Saver(self._save, busy=self._not_quiet, min_interval=save_interval, on_error=self._failed)
        self.closed = False

    def _failed(self, exc: BaseException) -> None:
        with self._state:
            if self.failure is not None:
                return
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            if isinstance(exc.__cause__, OSError) and exc.__cause__.strerror:
                reason = exc.__cause__.strerror
            self.failure = f"the recording into {self.out} cannot be written ({reason})"
        self._on_failure(self.failure)

    def _settle_previous(self, *, overwrite: bool, append: bool) -> Recovered | None:
        journal = journal_path(self.out)
        refuse_if_running(journal)  # not even --overwrite takes a journal from a recording still writing it
        if journal.exists():
            if overwrite:
                journal.unlink()
            elif append:
                return recover(self.out)
            else:
                raise UnrecoveredJournalError(
                    f"{journal}: a recording into {self.out} did not finish; fold what it recorded in with "
                    f"`ssetape record --recover --out {self.out}` (or --append, which recovers first), "
                    "or discard it with --overwrite"
                )
        if not self.split and self.out.exists() and not (overwrite or append):
            raise OutputExistsError(
                f"{self.out} already holds a cassette: pass --overwrite to replace it or --append to add to it"
            )
        return None

    # -- the proxy's side ------------------------------------------------------------------------------
    def begin(self, method: str, url: str, headers: Iterable[tuple[str, str]], body: bytes) -> tuple[int, Capture]:
        """Start recording a request about to be sent upstream; returns its key and its capture."""
        with self._state:
            key = next(self._keys)
            self._begun += 1
            capture = Capture(
                method=method,
                url=url,
                headers=headers,
                body=body,
                on_finish=lambda interaction: self._finish(key, interaction),
                redact=self._redact_headers,
                redact_json=self._redact_json,
                on_chunk=lambda at, data: self.journal.chunk(key, at, data),
                defer=self._defer,
            )
            self._open[key] = capture
        # Journaled before it is sent: should the journal fail, the request is refused, not sent upstream (an
        # answer that could not be recorded may have cost the user; a refusal costs nothing). Outside the lock:
        # a failing write reports itself through _failed, which takes it.
        self.journal.request(key, capture)
        return key, capture

    def _defer(self, build: Callable[[], object]) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not on the proxy's loop (closing, or a caller of its own): now
            self._guarded(build)
            return
        self._builds.append(build)
        if not self._build_scheduled:
            self._build_scheduled = True
            loop.call_soon(self._build_next)

    def _build_next(self) -> None:
        # settle() may have built everything since this turn was scheduled.
        self._build_scheduled = False
        if self._builds:
            self._guarded(self._builds.popleft())
        if self._builds and not self._build_scheduled:
            self._build_scheduled = True
            asyncio.get_running_loop().call_soon(self._build_next)

    def _guarded(self, build: Callable[[], object]) -> None:
        try:
            build()
        except Exception as exc:  # a recording that cannot be completed stops the recording: nothing unrecorded
            self._failed(exc)

    def settle(self) -> None:
        """Build now what the event loop has not built yet (it has stopped, or this is not its thread)."""
        while self._builds:
            self._guarded(self._builds.popleft())

    def responded(self, key: int) -> None:
        """The capture's response headers are in: journal them."""
        self.journal.response(key, self._open[key])

    def abandon(self, key: int) -> None:
        """The request got no response (the client went away first): nothing to record."""
        with self._state:
            self._open.pop(key, None)

    def _finish(self, key: int, interaction: Interaction) -> None:
        self.journal.end(key, interaction)
        index = self.output.add(interaction, key)
        with self._state:
            capture = self._open.pop(key, None)
            if capture is not None:
                # Counting a stream's events decodes all of it (milliseconds for a long one): not here, on the
                # event loop, where it would hold up every other stream; the status line or a save counts them.
                self._uncounted.append(capture)
            self._finished += 1
            self._streams += interaction.streamed
            self._bytes += len(interaction.response.body_bytes)
            self._incomplete += not interaction.complete
        self._saver.request()
        if self._on_finish is not None:
            # its index in the cassette (what ls and inspect number), not the request's: a request given up before
            # its answer takes none, and --append starts after what the cassette held
            self._on_finish(index if index is not None else key, interaction, _counter(capture))

    def _count_finished(self) -> None:
        with self._state:
            uncounted, self._uncounted = self._uncounted, []
        events = sum(capture.events for capture in uncounted)
        with self._state:
            self._events += events

    def stats(self) -> ProxyStatus:
        self._count_finished()
        with self._state:
            in_flight = list(self._open.values())
            finished, streams, events, size = self._finished, self._streams, self._events, self._bytes
            incomplete = self._incomplete
        # Counting the events in flight decodes them: not while holding up the proxy's own calls.
        return ProxyStatus(
            interactions=finished,
            in_flight=len(in_flight),
            streams=streams + sum(capture.event_stream for capture in in_flight),
            events=events + sum(capture.events for capture in in_flight),
            bytes=size + sum(capture.size for capture in in_flight),
            incomplete=incomplete,
            files=len(self.files),
        )

    @property
    def files(self) -> list[Path]:
        return self.output.files

    # -- saving ----------------------------------------------------------------------------------------
    def _busy(self) -> bool:
        with self._state:
            return bool(self._open)

    def _not_quiet(self) -> bool:
        """Whether a save should wait: something is in flight, or a request began since the saver last asked (a
        save rewrites the whole cassette, which takes a second at 500 MB: not in the gaps between requests that
        come one after another, where it cost each of them about 40% more of the event loop's time, in storms of
        50 after 1.2M events recorded)."""
        with self._state:
            begun, self._begun_seen = self._begun != self._begun_seen, self._begun
            return bool(self._open) or begun

    def _save(self) -> None:
        idle = not self._busy()
        if idle:
            # Counting decodes every finished stream (milliseconds for a long one), in this thread but under
            # the GIL the event loop needs: only while nothing streams. The status line counts when it shows.
            self._count_finished()
        if self.failure is not None:
            return  # nothing more is written; close() says what to do
        self.output.save()
        if isinstance(self.output, _CassetteOutput):
            with self._state:
                if not self._open and self.output.saved == len(self.output.recorder):
                    self.journal.reset(self.output.saved)  # everything is in the cassette: start afresh
        self._after_save(idle and not self._busy())

    def close(self, reason: str = "the recording was stopped") -> None:
        """Record what is still in flight as incomplete, save everything and remove the journal.

        After a :attr:`failure` nothing more is written: the journal stays for ``--recover``, and a
        :class:`RecordError` says so.
        """
        if self.closed:
            return
        self.closed = True
        if self.failure is not None:
            self._builds.clear()
            self._saver.stop()
            if self._pool is not None:
                self._pool.shutdown()
            self.journal.close(remove=False)
            raise RecordError(
                f"{self.failure}; what was recorded before is in {self.journal.path}: make room, then run "
                f"`ssetape record --recover --out {self.out}`"
            )
        with self._state:
            unfinished = [capture for capture in self._open.values() if not capture.finished]
        for capture in unfinished:
            if capture.status_code:
                capture.finish(
                    CutOff(type="RecordingStopped", message=f"{reason} after {capture.size} bytes of the body")
                )
        self.settle()  # every interaction built and added
        if isinstance(self.output, SplitOutput):
            self.output.close()
        try:
            self._saver.close()
        finally:
            if self._pool is not None:
                self._pool.shutdown()
        self.journal.close(remove=True)
