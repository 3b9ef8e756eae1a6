"""``--out DIR``: one cassette per streamed run, named by the time it started and its run id.

A run's cassette holds what replaying it needs: the streamed responses of the run (an Assistants
run streamed again by ``submit_tool_outputs`` stays in the same cassette), the requests on its
thread that came before it (create the thread, add a message) and any requests about the run
itself afterwards (polls, steps). Requests not tied to a thread (file uploads, vector stores) go
with the next run that streams. What is left when the recording ends goes to the thread's last
run, or to a cassette of its own (``TIME-thread_….yaml``, ``TIME-requests.yaml``).

Run ids come from the URL (``/runs/run_…``) or from the stream itself: the ``thread.run`` object
of an Assistants stream, ``response.id`` of a Responses stream, the chunk ``id`` of a Chat
Completions stream. Concurrent runs on different threads never share a cassette.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ssetape.apis import run_of

from ..cassette import Interaction
from ..session import CassetteRecorder
from ..sse import SSEDecoder

_THREAD_IN_URL = re.compile(r"/threads/(thread_[A-Za-z0-9_-]+)")
_RUN_IN_URL = re.compile(r"/runs/(run_[A-Za-z0-9_-]+)")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
#: How many events of a stream are looked at for its run id.
_EVENTS_SEARCHED = 8


def identify(interaction: Interaction) -> tuple[str | None, str | None]:
    """``(thread id, run id)`` of an interaction, each None when it has none."""
    uri = interaction.request.uri
    thread = _first(_THREAD_IN_URL, uri)
    run = _first(_RUN_IN_URL, uri)
    body = interaction.response.body_bytes
    documents = _stream_documents(body) if interaction.streamed else [_json(body)]
    for document in documents:
        if not isinstance(document, dict):
            continue
        named = run_of(document)
        if named is not None:
            thread = thread or named[0]
            run = run or named[1]
        if run is not None:
            break
    return thread, run


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1) if match else None


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _stream_documents(body: bytes) -> list[Any]:
    decoder, events = SSEDecoder(), []
    for start in range(0, len(body), 4096):  # the first events are enough: don't decode a long stream
        events += decoder.feed(body[start : start + 4096])
        if len(events) >= _EVENTS_SEARCHED:
            break
    return [_json(event.data.encode()) for event in events[:_EVENTS_SEARCHED]]


class SplitOutput:
    """Routes finished interactions to per-run cassettes in ``directory``; thread-safe.

    ``names`` (run key -> file name) makes a recovery reuse the names a crashed recording chose;
    ``on_name(key, name)`` hears about each new file so that a journal can remember it.
    """

    def __init__(
        self,
        directory: Path,
        *,
        names: dict[str, str] | None = None,
        on_name: Callable[[str, str], None] | None = None,
        pool: Executor | None = None,
    ) -> None:
        self.directory = directory
        self._pool = pool
        self._names = dict(names or {})
        self._on_name = on_name
        self._lock = threading.Lock()
        self._runs: dict[str, CassetteRecorder] = {}
        self._thread_runs: dict[str, str] = {}
        self._held: dict[str | None, list[tuple[int, Interaction]]] = {}
        self._dirty: set[str] = set()

    @property
    def files(self) -> list[Path]:
        with self._lock:
            return [recorder.path for recorder in self._runs.values()]

    def add(self, interaction: Interaction, ticket: int) -> None:
        thread, run = identify(interaction)
        with self._lock:
            if interaction.streamed:
                key = run or f"stream-{ticket}"
                held = self._held.pop(thread, []) if thread else []
                held += self._held.pop(None, [])
                self._put(key, [*held, (ticket, interaction)], interaction)
                if thread:
                    self._thread_runs[thread] = key
            elif run is not None and run in self._runs:
                self._put(run, [(ticket, interaction)], interaction)
            else:
                self._held.setdefault(thread, []).append((ticket, interaction))

    def _put(self, key: str, items: list[tuple[int, Interaction]], named_by: Interaction) -> None:
        recorder = self._runs.get(key)
        if recorder is None:
            path = self.directory / self._name(key, named_by)
            recorder = self._runs[key] = CassetteRecorder(path, pool=self._pool)
        for ticket, interaction in items:
            recorder.add(interaction, ticket, save=False)
        self._dirty.add(key)

    def _name(self, key: str, interaction: Interaction) -> str:
        name = self._names.get(key)
        if name is None:
            recording = interaction.response.ssetape
            started = recording.recorded_at if recording and recording.recorded_at else datetime.now(UTC)
            stem = f"{started.astimezone(UTC):%Y%m%dT%H%M%SZ}-{_UNSAFE.sub('_', key)[:80]}"
            name, n = f"{stem}.yaml", 1
            taken = set(self._names.values())
            while name in taken or (self.directory / name).exists():
                n += 1
                name = f"{stem}-{n}.yaml"
            self._names[key] = name
            if self._on_name is not None:
                self._on_name(key, name)
        return name

    def save(self) -> None:
        with self._lock:
            recorders = [self._runs[key] for key in sorted(self._dirty)]
            self._dirty.clear()
        for recorder in recorders:
            recorder.save()

    def close(self) -> None:
        """Give what is still held a cassette, and save everything."""
        with self._lock:
            for thread, items in self._held.items():
                key = self._thread_runs.get(thread) if thread else None
                self._put(key or thread or "requests", items, min(items, key=lambda item: item[0])[1])
            self._held.clear()
        self.save()
