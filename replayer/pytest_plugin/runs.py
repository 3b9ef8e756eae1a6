"""What happens around a test that uses a cassette: strictness after its call, the cassette written (or
kept) after it, and a record of what it sent, for ``ssetape check`` to compare cassettes with.

The run record is one entry per test in pytest's cache (``.pytest_cache/v/ssetape/sent/``): the
cassette and, per request, its method, path and JSON ``model``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Generator
from typing import Any

import pytest

from .modes import CassetteUse

REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
RUN_RECORD = "ssetape/sent"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    result = yield
    from .fixtures import USE

    use = item.stash.get(USE, None)
    if use is not None:
        use.check_strict()
    return result


def finish_test(item: pytest.Item, use: CassetteUse) -> None:
    """After the test: write the cassette if it passed and recorded, and its run record."""
    reports = item.stash.get(REPORTS, {})
    call = reports.get("call")
    outcome = use.finish(passed=call is not None and call.passed)
    if outcome is not None:
        item.add_report_section("teardown", "ssetape", outcome)
    cache = getattr(item.config, "cache", None)
    if cache is not None:
        cache.set(run_record_key(item.nodeid), run_record(use))


def run_record_key(nodeid: str) -> str:
    return f"{RUN_RECORD}/{hashlib.sha1(nodeid.encode()).hexdigest()[:16]}"


def run_record(use: CassetteUse) -> dict[str, Any]:
    sent = []
    for key in use.sent():
        json = key.json
        model = json.get("model") if isinstance(json, dict) else None
        sent.append({"method": key.method, "path": key.path, "model": model if isinstance(model, str) else None})
    return {"cassette": str(use.path), "sent": sent}
