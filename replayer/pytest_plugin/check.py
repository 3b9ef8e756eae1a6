"""``pytest --ssetape-check``: after the run, the cassettes out of step with the tests (see ``replayer.drift``)."""

from __future__ import annotations

from typing import Any

import pytest

DRIFT = pytest.StashKey[list[Any]]()
XDIST = pytest.StashKey[bool]()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if not config.getoption("--ssetape-check", False) or hasattr(config, "workerinput"):
        return
    from ..drift import find_drift, parse_age
    from .collect import Collector

    given = config.getoption("--ssetape-max-age")
    try:
        max_age = parse_age(given) if given else None
    except ValueError as exc:
        raise pytest.UsageError(f"--ssetape-max-age: {exc}") from None
    if config.pluginmanager.hasplugin("dsession"):  # pytest-xdist: the tests were collected by the workers
        config.stash[DRIFT] = []
        config.stash[XDIST] = True
        return
    collector = Collector()
    collector.pytest_collection_finish(session)
    drift = find_drift(collector.used, collector.dirs, collector.sent, max_age=max_age)
    config.stash[DRIFT] = drift
    if drift and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    drift = config.stash.get(DRIFT, None)
    if drift is None:
        return
    terminalreporter.section("ssetape check")
    if config.stash.get(XDIST, False):
        terminalreporter.write_line("not checked under pytest-xdist (-n): run `ssetape check` after this run")
        return
    if not drift:
        terminalreporter.write_line("every cassette is used, fresh and recorded against what the tests send")
    for entry in drift:
        terminalreporter.write_line(str(entry))
