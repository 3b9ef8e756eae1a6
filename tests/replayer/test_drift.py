"""Drift: orphaned, stale and drifted cassettes, found by ``ssetape check`` and ``pytest --ssetape-check``
in a small project recorded against the emulator."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from ssetape.cli import main
from ssetape.errors import CollectionError
from ssetape.recorder import load
from ssetape.replayer.drift import check, parse_age
from tests.replayer.pytester_runs import QUICK
from tests.replayer.test_pytest_modes import chat_test, project, upstream

__all__ = ["project", "upstream"]  # the fixtures this module shares with test_pytest_modes

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def quick_collection(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """``check`` collects in this process: without the plugins that would also end this session's run
    (set after pytester, which clears ``PYTEST_ADDOPTS``)."""
    monkeypatch.setenv("PYTEST_ADDOPTS", " ".join(QUICK))


def run(project: pytest.Pytester, *args: str) -> pytest.RunResult:
    """An in-process run that keeps pytest's cache, where the plugin writes what each test sent."""
    return project.runpytest_inprocess(*QUICK, *args)


def recorded_project(project: pytest.Pytester) -> pytest.Pytester:
    """Two tests, each with its cassette; one more cassette that no test uses."""
    project.makepyfile(
        test_user=chat_test("one", marker='"cassettes/one.yaml", ignore_json_paths=["model"]'),
        test_other=chat_test("two", marker=""),
    )
    run(project, "--ssetape-record-mode=once").assert_outcomes(passed=2)
    shutil.copy(project.path / "cassettes" / "one.yaml", project.path / "cassettes" / "forgotten.yaml")
    return project


def test_check_lists_orphans_and_nothing_else_while_the_tests_match(project: pytest.Pytester) -> None:
    recorded_project(project)
    found = check(project.path)
    assert [(d.kind, d.cassette.name) for d in found] == [("orphan", "forgotten.yaml")]
    default = project.path / "cassettes" / "test_other" / "test_chat.yaml"
    assert default.exists()  # a test with no path uses cassettes/<module>/<test>.yaml, and that is no orphan


def configured_project(project: pytest.Pytester, cassette_dir: str, marker: str) -> Path:
    """One test under tests/ whose ``ssetape_config`` sets ``cassette_dir``, recorded once; its cassette."""
    project.makeconftest(
        f"""
import pytest

@pytest.fixture
def ssetape_config():
    return {{"cassette_dir": "{cassette_dir}"}}
"""
    )
    (project.path / "tests").mkdir()
    (project.path / "tests" / "test_user.py").write_text(chat_test("one", marker=f'"{marker}"'))
    run(project, "--ssetape-record-mode=once").assert_outcomes(passed=1)
    return project.path / cassette_dir / marker


def test_a_cassette_dir_from_ssetape_config_is_known_without_a_run_record(project: pytest.Pytester) -> None:
    assert configured_project(project, "tests/cassettes", "used.yaml").exists()
    shutil.rmtree(project.path / ".pytest_cache")  # a fresh checkout, CI: no run records
    assert check(project.path) == []


def test_a_configured_cassette_dir_is_searched_whole_for_orphans(project: pytest.Pytester) -> None:
    """Orphans are cassettes under the tests' cassette directories that no test uses: a configured cassette_dir
    is one (not only the directories of the cassettes the tests use)."""
    used = configured_project(project, "tests/recorded", "openai/used.yaml")
    (project.path / "tests" / "recorded" / "legacy").mkdir()
    shutil.copy(used, project.path / "tests" / "recorded" / "top.yaml")
    shutil.copy(used, project.path / "tests" / "recorded" / "legacy" / "old.yaml")
    assert sorted((d.kind, d.cassette.name) for d in check(project.path)) == [
        ("orphan", "old.yaml"),
        ("orphan", "top.yaml"),
    ]


def test_check_finds_stale_cassettes_by_their_recorded_at(project: pytest.Pytester) -> None:
    recorded_project(project)
    path = project.path / "cassettes" / "one.yaml"
    cassette = load(path)
    for interaction in cassette.interactions:
        assert interaction.response.ssetape is not None
        interaction.response.ssetape.recorded_at = datetime(2020, 1, 2, tzinfo=UTC)
    cassette.save(path)
    stale = [d for d in check(project.path, max_age=timedelta(days=30)) if d.kind == "stale"]
    assert [(d.cassette.name, d.detail) for d in stale] == [("one.yaml", "recorded 2020-01-02 00:00 UTC, over 30d ago")]
    assert [d for d in check(project.path) if d.kind == "stale"] == []
    # a fresh recording added to old ones (new_episodes) leaves the cassette stale: its oldest says
    fresh = cassette.interactions[0].model_copy(deep=True)
    assert fresh.response.ssetape is not None
    fresh.response.ssetape.recorded_at = datetime.now(UTC)
    cassette.interactions.append(fresh)
    cassette.save(path)
    stale = [d for d in check(project.path, max_age=timedelta(days=30, hours=12)) if d.kind == "stale"]
    assert [d.detail for d in stale] == ["recorded 2020-01-02 00:00 UTC (its oldest recording), over 30d 12h ago"]


def test_check_finds_cassettes_recorded_against_a_model_the_test_no_longer_sends(project: pytest.Pytester) -> None:
    recorded_project(project)
    project.makepyfile(
        test_user=chat_test("one", marker='"cassettes/one.yaml", ignore_json_paths=["model"]').replace(
            "gpt-4o", "gpt-5"
        )
    )
    run(project).assert_outcomes(passed=2)  # the model is ignored when matching, so the test still passes
    drifted = [str(d) for d in check(project.path) if d.kind == "drifted"]
    assert drifted == [
        f"drifted: {project.path / 'cassettes' / 'one.yaml'}: test_user.py::test_chat sends model gpt-5 to "
        "POST /v1/chat/completions; recorded: gpt-4o"
    ]


def test_the_command_and_the_pytest_option_exit_1_with_the_list(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded_project(project)
    monkeypatch.chdir(project.path)
    result = CliRunner().invoke(main, ["check", str(project.path), "--max-age", "3650d"])
    assert result.exit_code == 1, result.output
    assert f"orphan: {project.path / 'cassettes' / 'forgotten.yaml'}: no test uses it" in result.output
    run_result = run(project, "--ssetape-check")
    assert run_result.ret == 1
    run_result.stdout.fnmatch_lines(["*ssetape check*", "orphan: *forgotten.yaml: no test uses it"])
    (project.path / "cassettes" / "forgotten.yaml").unlink()
    assert CliRunner().invoke(main, ["check", str(project.path)]).exit_code == 0
    assert run(project, "--ssetape-check").ret == 0


@pytest.mark.parametrize("part", [["test_user.py"], ["-k", "test_user"], ["test_user.py::test_chat"]])
def test_a_run_of_part_of_the_suite_does_not_call_the_others_cassettes_orphans(
    project: pytest.Pytester, part: list[str]
) -> None:
    recorded_project(project)
    (project.path / "cassettes" / "forgotten.yaml").unlink()
    result = run(project, "--ssetape-check", *part)
    assert result.ret == 0, result.stdout.str()
    assert "orphan:" not in result.stdout.str()
    result.stdout.fnmatch_lines(["*orphans not looked for: *, and a cassette none of these tests used*"])
    whole = run(project, "--ssetape-check")
    assert whole.ret == 0 and "orphans not looked for" not in whole.stdout.str()


def test_a_bad_age_and_uncollectable_tests_are_one_line_errors(project: pytest.Pytester) -> None:
    with pytest.raises(ValueError, match="not an age"):
        parse_age("soon")
    assert parse_age("12h") == timedelta(hours=12)
    bad = CliRunner().invoke(main, ["check", str(project.path), "--max-age", "soon"])
    assert bad.exit_code == 2 and "not an age" in bad.output
    project.makepyfile(test_broken="import nowhere_to_be_found\n")
    with pytest.raises(CollectionError, match="could not collect the tests"):
        check(project.path)


def test_an_age_no_date_can_have_is_refused_in_one_line() -> None:
    with pytest.raises(ValueError, match="longer than any age a date can have"):
        parse_age("99999999999d")
    huge = CliRunner().invoke(main, ["check", ".", "--max-age", "18446744073709551616s"])
    assert huge.exit_code == 2 and "Invalid value for --max-age" in huge.output and "Traceback" not in huge.output
