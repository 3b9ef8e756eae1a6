"""One test's use of its cassette under a record mode: the transports it gets, and what is written after.

Recording goes into a hidden file beside the cassette, the test's own (``.<name>.<test>-<hash>.recording.yaml``). When
the test passes, the cassette is replaced, atomically, by what the mode makes of the cassette as it is then and
the new recordings; when it fails, the cassette stays as it was and the new recording stays beside it. Tests that
share a cassette (a marker's path) and record at once (pytest-xdist's workers) take turns to write it, each
adding to what the others wrote before it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import MissingCassetteError, UnusedInteractionsError
from .options import RecordMode, Settings

if TYPE_CHECKING:
    from ssetape.recorder import Cassette, CassetteRecorder, Interaction

    from ..matching import RequestKey
    from ..transport import ReplayTransport


def partial_path(path: Path, nodeid: str) -> Path:
    """Where the test ``nodeid`` records before its cassette is replaced (its own: tests sharing a cassette may
    record at once)."""
    test = re.sub(r"[^\w.-]+", "_", nodeid.split("::", 1)[-1].replace("::", "."))[:60]
    return path.with_name(
        f".{path.stem}.{test}-{hashlib.sha256(nodeid.encode()).hexdigest()[:8]}.recording{path.suffix}"
    )


def is_partial(path: Path) -> bool:
    return path.name.startswith(".") and path.stem.endswith(".recording")


@dataclass
class CassetteUse:
    """How one test replays and records ``path`` (see :class:`RecordMode`)."""

    path: Path
    settings: Settings
    #: The test's node id, for the command that records its cassette.
    nodeid: str
    replaying: bool = field(init=False)
    recording: bool = field(init=False)
    old: Cassette | None = field(init=False, default=None)
    _replay: ReplayTransport | None = field(init=False, default=None)
    _recorder: CassetteRecorder | None = field(init=False, default=None)
    _closers: list[Any] = field(init=False, default_factory=list)
    #: The cassette file as it was read (see :func:`_stamp`), to tell whether another test wrote it since.
    _read: tuple[int, int, int] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        from ssetape.recorder import load

        mode, exists = self.settings.record_mode, self.path.exists()
        self.replaying = mode in (RecordMode.NONE, RecordMode.NEW_EPISODES) or (mode is RecordMode.ONCE and exists)
        self.recording = mode is not RecordMode.NONE and not (mode is RecordMode.ONCE and exists)
        if mode is RecordMode.NONE and not exists:
            raise MissingCassetteError(self.path, self.command("once"))
        if exists and mode is not RecordMode.REWRITE:
            self._read = _stamp(self.path)
            self.old = load(self.path)

    def command(self, mode: str) -> str:
        """The command that runs this test in ``mode`` (quoted for a shell: a parametrized id may hold spaces)."""
        return f"pytest {shlex.quote(self.nodeid)} --ssetape-record-mode={mode}"

    @property
    def hint(self) -> str:
        """What to do when a request is not in the cassette."""
        return (
            f"record it again: {self.command('rewrite')} (or record only what it lacks: {self.command('new_episodes')})"
        )

    # -- transports ------------------------------------------------------------------------------------

    def transport(self) -> Any:
        """A sync transport for any ``httpx`` or ``httpx2`` client: replaying, recording or both."""
        from ssetape.recorder import RecordingTransport

        from ..episodes import EpisodeTransport
        from ..transport import ReplayTransport

        replay = self._replay_base() if self.replaying else None
        record = RecordingTransport(self._partial(), **self._record_options()) if self.recording else None
        if record is not None:
            self._closers.append(record.close)
        if replay is not None and record is not None:
            return EpisodeTransport(ReplayTransport.sharing(replay), record)
        return ReplayTransport.sharing(replay) if replay is not None else record

    def async_transport(self, *, keep_alive: bool = True) -> Any:
        """The async twin of :meth:`transport`. Closed with the client that owns it (an async close cannot run in a
        sync teardown); without ``keep_alive``, no connection outlives its response (the client of a sync fixture,
        which no one closes in the test's event loop)."""
        import httpx2

        from ssetape.recorder import AsyncRecordingTransport

        from ..episodes import AsyncEpisodeTransport
        from ..transport import AsyncReplayTransport

        replay = self._replay_base() if self.replaying else None
        record = None
        if self.recording:
            partial = self._partial()  # (first: it makes the recorder that the options share)
            options = self._record_options()
            if not keep_alive:
                options["transport"] = httpx2.AsyncHTTPTransport(limits=httpx2.Limits(max_keepalive_connections=0))
            record = AsyncRecordingTransport(partial, **options)
        if replay is not None and record is not None:
            return AsyncEpisodeTransport(AsyncReplayTransport.sharing(replay), record)
        return AsyncReplayTransport.sharing(replay) if replay is not None else record

    @property
    def replays_only(self) -> bool:
        return self.replaying and not self.recording

    def replayed_cassette(self) -> Cassette:
        from ssetape.recorder import Cassette

        return self.old if self.old is not None else Cassette()

    def _replay_base(self) -> ReplayTransport:
        from ..transport import ReplayTransport

        if self._replay is None:
            self._replay = ReplayTransport(
                self.replayed_cassette(), self.settings.speed, matching=self.settings.matching, hint=self.hint
            )
        return self._replay

    def _partial(self) -> Path:
        from ssetape.recorder import CassetteRecorder

        if self._recorder is None:
            self._recorder = CassetteRecorder(partial_path(self.path, self.nodeid))
        return self._recorder.path

    def _record_options(self) -> dict[str, Any]:
        return {
            "recorder": self._recorder,
            "redact_headers": self.settings.redact_headers,
            "redact_json": self.settings.redact_json_fields,
        }

    # -- after the test --------------------------------------------------------------------------------

    def unused(self) -> list[str]:
        """The recorded interactions no request asked for: ``#index METHOD URL``."""
        if self._replay is None or self.old is None:
            return []
        interactions = self.old.interactions
        return [f"#{i} {interactions[i].describe()}" for i in self._replay.unused_indexes()]

    def check_strict(self) -> None:
        if self.settings.strict and self.replaying:
            unused = self.unused()
            if unused:
                raise UnusedInteractionsError(str(self.path), unused)

    def sent(self) -> list[RequestKey]:
        """Every request the test sent through the cassette's transports."""
        from ..matching import interaction_key

        sent = list(self._replay.sent) if self._replay is not None else []
        if self._recorder is not None and not self.replaying:
            sent += [interaction_key(i) for i in self._recorder.cassette.interactions]
        return sent

    def close(self) -> None:
        for close in self._closers:
            close()
        self._closers.clear()

    def finish(self, passed: bool) -> str | None:
        """Write the cassette if the test passed; returns what happened, for the test's report."""
        if self._recorder is None:
            return None
        partial = self._recorder.path
        new = list(self._recorder.cassette.interactions)
        if not passed:
            if not new:
                with contextlib.suppress(FileNotFoundError):
                    partial.unlink()
                return None
            return f"the test failed: {self.path} is unchanged; this run's recording is in {partial}"
        if not new and self.old is not None:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
            return None
        with _turn(self.path.parent):
            self._merged(new, self._on_disk()).save(self.path)
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        return f"recorded {len(new)} interaction(s) into {self.path} ({self.settings.record_mode.value})"

    def _on_disk(self) -> list[Interaction]:
        """What the cassette holds now: another test sharing it (an xdist worker) may have written it since this
        one read it, or made it (``once``: it was missing when this test started)."""
        from ssetape.recorder import load

        if self.settings.record_mode is RecordMode.REWRITE or not self.path.exists():
            return []
        if self.old is not None and self._read == _stamp(self.path):
            return list(self.old.interactions)
        return list(load(self.path).interactions)

    def _merged(self, new: list[Interaction], old: list[Interaction]) -> Cassette:
        from ssetape.recorder import Cassette

        from ..matching import interaction_key, matches

        mode = self.settings.record_mode
        if mode in (RecordMode.NEW_EPISODES, RecordMode.ONCE):
            return Cassette(interactions=[*old, *new])
        if mode is RecordMode.ALL:
            keys = [interaction_key(i) for i in new]
            matching = self.settings.matching
            kept = [i for i in old if not any(matches(interaction_key(i), key, matching) for key in keys)]
            return Cassette(interactions=[*new, *kept])
        return Cassette(interactions=new)


def _stamp(path: Path) -> tuple[int, int, int]:
    """What changes when a cassette is written again (a save replaces the file: a new inode)."""
    info = path.stat()
    return info.st_ino, info.st_mtime_ns, info.st_size


@contextlib.contextmanager
def _turn(directory: Path) -> Iterator[None]:
    """Holds the cassette directory's lock: tests writing cassettes there (xdist's workers) take turns, each
    reading what the one before wrote. (The directory itself is locked: a cassette is replaced, not written in
    place, and a lock file would be left behind.)"""
    try:
        import fcntl
    except ImportError:  # Windows: no xdist turn-taking
        yield
        return
    directory.mkdir(parents=True, exist_ok=True)
    handle = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)
