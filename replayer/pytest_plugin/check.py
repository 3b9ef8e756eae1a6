"""``pytest --ssetape-check``: after the run, the cassettes out of step with the tests (see ``replayer.drift``)."""

from __future__ import annotations

from typing import Any

import pytest

DRIFT = pytest.StashKey[list[Any]]()
XDIST = pytest.StashKey[bool]()
#: Why this run is not the whole suite (tests deselected, or only some files or tests named), when it is not: set
#: on deselection, and by the check for the rest (:func:`_partial`).
PARTIAL = pytest.StashKey[str]()


def pytest_deselected(items: list[pytest.Item]) -> None:
    if items:
        items[0].config.stash[PARTIAL] = "tests were deselected"


def _partial(config: pytest.Config) -> str | None:
    """Why the run saw only part of the suite, or None: a cassette that none of its tests used may be another's."""
    if PARTIAL in config.stash:
        return config.stash[PARTIAL]
    for arg in config.args:
        if "::" in arg or not (config.invocation_params.dir / arg).is_dir():
            return f"only {arg} ran"
    return None


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
    partial = _partial(config)
    if partial is not None:
        config.stash[PARTIAL] = partial  # for the summary
    drift = find_drift(
        collector.used, collector.dirs, collector.sent, max_age=max_age, orphans=partial is None, trees=collector.trees
    )
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
    partial = config.stash.get(PARTIAL, None)
    if partial is not None:
        terminalreporter.write_line(
            f"orphans not looked for: {partial}, and a cassette none of these tests used may be another's "
            "(run `ssetape check`, which collects every test)"
        )
    if not drift:
        used = "fresh" if partial is not None else "used, fresh"
        terminalreporter.write_line(f"every cassette is {used} and recorded against what the tests send")
    for entry in drift:
        terminalreporter.write_line(str(entry))
