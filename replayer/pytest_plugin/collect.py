"""The tests of a directory as ``ssetape check`` needs them: each one's cassette and what it last sent."""

from __future__ import annotations

import contextlib
import inspect
import io
import sys
from pathlib import Path
from typing import Any

import pytest

from ssetape.errors import CollectionError

from .options import cassette_path, settings_for
from .runs import run_record_key


def collect(tests_dir: Path) -> Collector:
    """Collect ``tests_dir`` with pytest in this process (nothing runs): each test's cassette and run record."""
    collector = Collector()
    imported = set(sys.modules)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        code = pytest.main([str(tests_dir), "--collect-only", "-q", "-p", "ssetape"], plugins=[collector])
    # The tests' own modules go again, so that checking leaves this process as it found it.
    for name in set(sys.modules) - imported:
        if _under(getattr(sys.modules[name], "__file__", None), Path(tests_dir)):
            del sys.modules[name]
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        lines = [line for line in output.getvalue().splitlines() if line.strip()]
        why = " / ".join(lines[-3:])
        raise CollectionError(f"{tests_dir}: pytest could not collect the tests ({pytest.ExitCode(code).name}): {why}")
    return collector


def _under(file: str | None, directory: Path) -> bool:
    return file is not None and Path(file).resolve().is_relative_to(directory.resolve())


class Collector:
    """A pytest plugin that notes each collected test's cassette, cassette directory and run record."""

    def __init__(self) -> None:
        self.used: dict[str, Path] = {}
        #: Directories of cassettes a test uses, searched at their top for others; and cassette directories
        #: (``cassettes/`` beside a module, a configured ``cassette_dir``), searched whole.
        self.dirs: set[Path] = set()
        self.trees: set[Path] = set()
        self.sent: dict[str, dict[str, Any]] = {}

    def pytest_collection_finish(self, session: Any) -> None:
        cache = getattr(session.config, "cache", None)
        for item in session.items:
            if item.get_closest_marker("ssetape") is None and not any(
                name.startswith("ssetape_") for name in getattr(item, "fixturenames", ())
            ):
                continue
            record = cache.get(run_record_key(item.nodeid), None) if cache is not None else None
            try:
                settings = settings_for(session.config, item, _static_config(item))
                path = cassette_path(session.config, item, settings)
            except pytest.UsageError:  # a marker the run itself rejects: the run record may still know
                path = None
            else:
                if settings.cassette_dir:
                    configured = Path(settings.cassette_dir)
                    self.trees.add(
                        configured if configured.is_absolute() else Path(session.config.rootpath) / configured
                    )
            if record is not None:
                path = Path(record["cassette"])
                self.sent[item.nodeid] = record
            if path is None:
                continue
            self.used[item.nodeid] = path
            self.dirs.add(path.parent)
            self.trees.add(Path(str(item.path)).parent / "cassettes")


def _static_config(item: Any) -> dict[str, Any]:
    """The ``ssetape_config`` fixture's value, where it can be had without running a test: a plain function that
    takes no other fixture (the README's form, ``return {"cassette_dir": ...}``). Else nothing: the run record
    that a run leaves in pytest's cache says where the cassette was."""
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.get("ssetape_config") if info is not None else None
    if not definitions:
        return {}
    definition = definitions[-1]
    function = definition.func
    if definition.argnames or inspect.isgeneratorfunction(function) or inspect.iscoroutinefunction(function):
        return {}
    try:
        value = function()
    except Exception:  # whatever it needs is not there outside a run
        return {}
    return value if isinstance(value, dict) else {}
