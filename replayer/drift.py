"""Cassettes that no longer tell the truth about a test suite: orphaned, stale, or recorded against
another API version than the tests now send.

- **orphan**: a cassette file under a cassette directory (``cassettes/`` beside a test module, or the
  directory of a cassette a test names) that no test uses;
- **stale**: a cassette holding a recording (``recorded_at``) older than ``max_age`` (its oldest, as Ruby VCR's
  ``re_record_interval`` asks: ``new_episodes`` adds fresh ones to old ones);
- **drifted**: a test's last run sent a request (method and path) or a ``model`` that no interaction of
  its cassette was recorded with; the plugin writes what each test sent to pytest's cache.

:func:`check` collects a tests directory with pytest (in this process) and reports all three;
:func:`find_drift` does the comparing for whoever already knows the tests (the plugin's ``--ssetape-check``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from ssetape.errors import CassetteError

__all__ = ["Drift", "check", "find_drift", "parse_age"]

_CASSETTE_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True, slots=True)
class Drift:
    """One cassette that is out of step with the tests, and why."""

    kind: Literal["orphan", "stale", "drifted"]
    cassette: Path
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.cassette}: {self.detail}"


def parse_age(text: str) -> timedelta:
    """``"30d"``, ``"12h"``, ``"90m"``, ``"45s"`` (a bare number is days)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([dhms]?)\s*", text)
    if match is None:
        raise ValueError(f"{text!r} is not an age: expected a number with d, h, m or s, like 30d")
    unit = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}[match.group(2) or "d"]
    try:
        return timedelta(**{unit: float(match.group(1))})
    except OverflowError:
        raise ValueError(
            f"{text!r} is longer than any age a date can have (at most {timedelta.max.days} days)"
        ) from None


def _age(age: timedelta) -> str:
    """``30d``, ``1d 12h``, ``90m`` as :func:`parse_age` reads them (not ``30 days, 0:00:00``)."""
    seconds = int(age.total_seconds())
    parts = [(seconds // 86400, "d"), (seconds % 86400 // 3600, "h"), (seconds % 3600 // 60, "m"), (seconds % 60, "s")]
    return " ".join(f"{count}{unit}" for count, unit in parts if count) or "0s"


def find_drift(
    used: Mapping[str, Path],
    cassette_dirs: Iterable[Path],
    sent: Mapping[str, Mapping[str, Any]],
    *,
    max_age: timedelta | None = None,
    now: datetime | None = None,
    orphans: bool = True,
    trees: Iterable[Path] = (),
) -> list[Drift]:
    """``used`` maps each test to its cassette, ``sent`` each test to its run record
    (``{"cassette": path, "sent": [{"method", "path", "model"}, ...]}``). Orphans only with ``orphans``: ``used``
    must then hold every test of the suite."""
    from ssetape.recorder import load

    found: list[Drift] = []
    in_use = {path.resolve() for path in used.values()}
    for path in sorted(_cassette_files(cassette_dirs, trees)) if orphans else ():
        if path.resolve() not in in_use:
            found.append(Drift("orphan", path, "no test uses it"))
    now = now or datetime.now(UTC)
    for path in sorted(set(used.values())):
        if not path.exists():
            continue
        try:
            cassette = load(path)
        except CassetteError as exc:
            found.append(Drift("drifted", path, f"cannot be read: {exc}"))
            continue
        if max_age is not None:
            recorded = [i.response.ssetape.recorded_at for i in cassette.interactions if i.response.ssetape]
            times = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in recorded if t is not None]
            if times and now - min(times) > max_age:
                oldest = "" if len(set(times)) == 1 else " (its oldest recording)"
                found.append(
                    Drift("stale", path, f"recorded {min(times):%Y-%m-%d %H:%M} UTC{oldest}, over {_age(max_age)} ago")
                )
        for test, record in sorted(sent.items()):
            if used.get(test) == path:
                found.extend(_version_drift(path, cassette, test, record))
    return found


def _version_drift(path: Path, cassette: Any, test: str, record: Mapping[str, Any]) -> list[Drift]:
    from .matching import interaction_key

    recorded = []
    for interaction in cassette.interactions:
        key = interaction_key(interaction)
        model = key.json.get("model") if isinstance(key.json, dict) else None
        recorded.append((key.method, key.path, model))
    found, seen = [], set()
    for request in record.get("sent", []):
        method, where, model = request.get("method"), request.get("path"), request.get("model")
        if (method, where, model) in seen:
            continue
        seen.add((method, where, model))
        same_path = [r for r in recorded if r[:2] == (method, where)]
        if not same_path:
            paths = sorted({f"{m} {p}" for m, p, _ in recorded}) or ["nothing"]
            found.append(Drift("drifted", path, f"{test} sends {method} {where}; recorded: {', '.join(paths)}"))
        elif model is not None and all(r[2] != model for r in same_path):
            models = sorted({str(r[2]) for r in same_path})
            found.append(
                Drift("drifted", path, f"{test} sends model {model} to {method} {where}; recorded: {', '.join(models)}")
            )
    return found


def _cassette_files(dirs: Iterable[Path], trees: Iterable[Path] = ()) -> set[Path]:
    files = set()
    whole = {tree.resolve() for tree in trees}
    for directory in {d.resolve() for d in dirs} | whole:
        if not directory.is_dir():
            continue
        # A cassette directory (``cassettes/``, a configured cassette_dir) is searched whole; any other only at its
        # top, for cassettes beside tests.
        searched_whole = directory in whole or directory.name == "cassettes"
        candidates = directory.rglob("*") if searched_whole else directory.iterdir()
        for path in candidates:
            hidden = path.name.startswith(".")  # a recording in progress, kept after a failed test
            if path.suffix in _CASSETTE_SUFFIXES and not hidden and path.is_file() and _looks_like_a_cassette(path):
                files.add(path)
    return files


def _looks_like_a_cassette(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4096)
    return b"interactions" in head


def check(tests_dir: str | Path = ".", *, max_age: timedelta | None = None) -> list[Drift]:
    """Collect ``tests_dir`` with pytest (in this process, nothing run) and report its cassettes' drift."""
    from .pytest_plugin.collect import collect

    found = collect(Path(tests_dir))
    return find_drift(found.used, found.dirs, found.sent, max_age=max_age, trees=found.trees)
