"""The plugin's command-line options, and the settings a test runs with.

A test's settings come, last wins, from the defaults, the ``ssetape_config`` fixture (a dict, which a
module or conftest overrides as pytest-recording's ``vcr_config``), then the test's
``@pytest.mark.ssetape(...)`` arguments. A record mode given on the command line wins over all of them,
so that one command re-records a suite whatever its markers say; ``--ssetape-strict`` turns strictness on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from ..matching import DEFAULT_MATCH_ON, Matching


class RecordMode(StrEnum):
    """pytest-recording's (and vcrpy's) record modes."""

    #: Replay only; a missing cassette or an unrecorded request fails the test.
    NONE = "none"
    #: Record when the cassette is missing, else replay only.
    ONCE = "once"
    #: Replay what the cassette holds, record (and append) what it lacks.
    NEW_EPISODES = "new_episodes"
    #: Record every request again; recordings no request asked for stay in the cassette.
    ALL = "all"
    #: Record every request again into a cassette that holds only this run's.
    REWRITE = "rewrite"


MODES = [mode.value for mode in RecordMode]


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("ssetape", "record and replay streamed API responses")
    group.addoption(
        "--ssetape-record-mode",
        choices=MODES,
        default=None,
        help="how cassettes are used: none (replay only, the default), once (record missing cassettes), "
        "new_episodes (record requests a cassette lacks), all (record every request again), "
        "rewrite (record every cassette from scratch); wins over markers and ssetape_config",
    )
    group.addoption(
        "--ssetape-record",
        action="store_true",
        default=False,
        help="the same as --ssetape-record-mode=all",
    )
    group.addoption(
        "--ssetape-strict",
        action="store_true",
        default=False,
        help="fail a test that leaves recorded interactions unused",
    )
    group.addoption(
        "--ssetape-check",
        action="store_true",
        default=False,
        help="after the run, list orphaned, stale and drifted cassettes and exit 1 when there are any",
    )
    group.addoption(
        "--ssetape-max-age",
        default=None,
        metavar="AGE",
        help="with --ssetape-check: cassettes recorded longer ago than this are stale (30d, 12h, 90m)",
    )


MARKER = (
    "ssetape(path=None, *, record_mode=None, cassette_dir=None, speed=0.0, strict=False, allowed_hosts=(), "
    "match_on=None, ignore_json_paths=(), ignore_headers=(), ignore_query=(), redact_headers=(), "
    "redact_json_fields=()): replay (or record) this test's cassette"
)


@dataclass(frozen=True)
class Settings:
    """Everything that decides how one test uses its cassette."""

    path: str | None = None
    cassette_dir: str | None = None
    record_mode: RecordMode = RecordMode.NONE
    speed: float = 0.0
    strict: bool = False
    allowed_hosts: tuple[str, ...] = ()
    match_on: tuple[str, ...] = DEFAULT_MATCH_ON
    ignore_json_paths: tuple[str, ...] = ()
    ignore_headers: tuple[str, ...] = ()
    ignore_query: tuple[str, ...] = ()
    redact_headers: tuple[str, ...] = ()
    redact_json_fields: tuple[str, ...] = ()

    @property
    def matching(self) -> Matching:
        return Matching(
            match_on=self.match_on,
            ignore_json_paths=self.ignore_json_paths,
            ignore_headers=self.ignore_headers,
            ignore_query=self.ignore_query,
        )


_NAMES = {f.name for f in fields(Settings)}
_SEQUENCES = {
    "allowed_hosts",
    "match_on",
    "ignore_json_paths",
    "ignore_headers",
    "ignore_query",
    "redact_headers",
    "redact_json_fields",
}


def marker_options(node: pytest.Item) -> dict[str, Any]:
    """The closest ``ssetape`` marker's arguments (its first positional one is ``path``)."""
    marker = node.get_closest_marker("ssetape")
    if marker is None:
        return {}
    options = dict(marker.kwargs)
    if marker.args:
        options["path"] = marker.args[0]
    return options


def settings_for(config: pytest.Config, node: pytest.Item, configured: dict[str, Any]) -> Settings:
    """A test's settings: ``configured`` (the ``ssetape_config`` fixture), its marker, the command line."""
    values: dict[str, Any] = {}
    for source, where in ((configured, "ssetape_config"), (marker_options(node), "@pytest.mark.ssetape")):
        for name, value in source.items():
            if name not in _NAMES:
                known = ", ".join(sorted(_NAMES))
                raise pytest.UsageError(f"{node.nodeid}: {where} has no option {name!r}; known: {known}")
            values[name] = _normalised(name, value, node, where)
    mode = mode_from_command_line(config)
    if mode is not None:
        values["record_mode"] = mode
    if config.getoption("--ssetape-strict"):
        values["strict"] = True
    return Settings(**values)


def mode_from_command_line(config: pytest.Config) -> RecordMode | None:
    given = config.getoption("--ssetape-record-mode")
    if given is not None:
        return RecordMode(given)
    return RecordMode.ALL if config.getoption("--ssetape-record") else None


def _normalised(name: str, value: Any, node: pytest.Item, where: str) -> Any:
    if name == "record_mode":
        try:
            return RecordMode(value)
        except ValueError:
            raise pytest.UsageError(
                f"{node.nodeid}: {where} record_mode={value!r}: expected one of {', '.join(MODES)}"
            ) from None
    if name in _SEQUENCES:
        if isinstance(value, str):
            return (value,)
        return tuple(value)
    if name == "speed":
        return float(value)
    if name in ("path", "cassette_dir") and value is not None:
        return str(value)
    return value


def default_name(node: pytest.Item) -> str:
    """A test's cassette name, without its suffix: the test's name, after its classes' (``TestA.test_it``, as
    pytest-recording names them: two classes' ``test_it`` are two tests), each character a file name should not
    hold made ``_``."""
    within_module = node.nodeid.split("::")[1:] or [node.name]
    return re.sub(r"[^\w.-]+", "_", ".".join(within_module))


def cassette_path(config: pytest.Config, node: pytest.Item, settings: Settings) -> Path:
    """Where a test's cassette lives: the marker's path (relative ones against ``cassette_dir``, else
    the rootdir), or ``<cassette_dir>/<test>.yaml``, by default ``cassettes/<module>/<test>.yaml``
    beside the test's module (``<test>``: :func:`default_name`)."""
    root = Path(config.rootpath)
    base = Path(settings.cassette_dir) if settings.cassette_dir else None
    if base is not None and not base.is_absolute():
        base = root / base
    if settings.path is not None:
        path = Path(settings.path)
        return path if path.is_absolute() else (base or root) / path
    name = default_name(node) + ".yaml"
    if base is not None:
        return base / name
    module = Path(str(node.path))
    return module.parent / "cassettes" / module.stem / name
