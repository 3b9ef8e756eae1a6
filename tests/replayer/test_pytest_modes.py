"""Record modes, configuration, strictness and the plugin's error messages, run the way users run them: a
small project in a pytester sandbox, recording against the emulator on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

# Imported here so that they stay imported: pytester forgets every module an in-process run imports.
import openai.resources.chat  # noqa: F401
import pytest

import ssetape.replayer.client
import ssetape.replayer.episodes  # noqa: F401
from ssetape.fixtures.emulator import Upstream
from ssetape.recorder import load
from tests.replayer.pytester_runs import QUICK, run_inprocess

pytest_plugins = ["pytester"]

INI = "[pytest]\nfilterwarnings =\n    error\n    ignore::DeprecationWarning\n"

# A user's test: one or more chat requests through the openai client fixture.
CHAT_TEST = """
import pytest

MESSAGES = {messages!r}


@pytest.mark.ssetape({marker})
def test_chat(ssetape_client):
    for message in MESSAGES:
        chunks = ssetape_client.chat.completions.create(
            model="gpt-4o", messages=[{{"role": "user", "content": message}}], stream=True,
            metadata={{"trace_id": "t-" + str(len(message))}} if {traced} else None,
        )
        text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
        assert text
    assert {verdict}
"""


def chat_test(
    *messages: str, marker: str = '"cassettes/chat.yaml"', traced: bool = False, verdict: str = "True"
) -> str:
    return CHAT_TEST.format(messages=list(messages), marker=marker, traced=traced, verdict=verdict)


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    with Upstream(pace=0) as running:
        yield running


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, upstream: Upstream) -> pytest.Pytester:
    """A user's project whose tests record against the emulator (and replay with no network)."""
    pytester.makeini(INI)
    monkeypatch.setenv("OPENAI_BASE_URL", upstream.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-pytest-secret")
    return pytester


def run(project: pytest.Pytester, *args: str) -> pytest.RunResult:
    return run_inprocess(project, *args)


def cassette(project: pytest.Pytester, name: str = "chat.yaml") -> Path:
    return project.path / "cassettes" / name


def contents(project: pytest.Pytester, name: str = "chat.yaml") -> list[str]:
    return [i.request.body_bytes.decode() for i in load(cassette(project, name)).interactions]


def test_none_is_the_default_and_a_missing_cassette_says_how_to_record_it(project: pytest.Pytester) -> None:
    project.makepyfile(test_user=chat_test("hi"))
    result = run(project)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            f"*{cassette(project)}: no such cassette; to record it: "
            "pytest test_user.py::test_chat --ssetape-record-mode=once*"
        ]
    )
    assert "pytest_plugin" not in result.stdout.str()  # what to do, not the plugin's traceback


def test_once_records_a_missing_cassette_then_only_replays_it(project: pytest.Pytester, upstream: Upstream) -> None:
    project.makepyfile(test_user=chat_test("hi"))
    run(project, "--ssetape-record-mode=once").assert_outcomes(passed=1)
    recorded = cassette(project).read_bytes()
    assert "sk-pytest-secret" not in recorded.decode()
    asked = len(upstream.requests)
    run(project, "--ssetape-record-mode=once").assert_outcomes(passed=1)
    assert len(upstream.requests) == asked  # replayed, not asked again
    assert cassette(project).read_bytes() == recorded


def test_a_mismatch_names_the_field_the_values_and_what_to_do(project: pytest.Pytester) -> None:
    project.makepyfile(test_user=chat_test("hi"))
    run(project, "--ssetape-record-mode=once").assert_outcomes(passed=1)
    project.makepyfile(test_user=chat_test("hello"))
    result = run(project)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"*{cassette(project)}: no recorded response matches POST /v1/chat/completions",
            "*closest recorded request: #0 POST /v1/chat/completions, which differs in:",
            '*body.messages[[]0[]].content: recorded "hi", sent "hello"',
            "*to proceed: record it again: pytest test_user.py::test_chat --ssetape-record-mode=rewrite*",
            '*ignore_json_paths=[[]"messages.0.content"[]]*',
        ]
    )


def test_ssetape_config_and_the_marker_pass_matching_rules_on(project: pytest.Pytester) -> None:
    project.makepyfile(test_user=chat_test("hi", traced=True))
    run(project, "--ssetape-record-mode=once").assert_outcomes(passed=1)
    project.makepyfile(test_user=chat_test("hey", traced=True))  # another trace id too
    run(project).assert_outcomes(failed=1)
    project.makeconftest(
        """
import pytest

@pytest.fixture
def ssetape_config():
    return {"ignore_json_paths": ["metadata.trace_id"]}
"""
    )
    run(project).assert_outcomes(failed=1)  # the message still differs
    marker = '"cassettes/chat.yaml", ignore_json_paths=["**.content", "metadata.trace_id"]'
    project.makepyfile(test_user=chat_test("hey", traced=True, marker=marker))
    run(project).assert_outcomes(passed=1)


def test_new_episodes_replays_what_it_has_and_appends_what_it_lacks(
    project: pytest.Pytester, upstream: Upstream
) -> None:
    project.makepyfile(test_user=chat_test("one"))
    run(project, "--ssetape-record-mode=once").assert_outcomes(passed=1)
    first = contents(project)
    asked = len(upstream.requests)
    project.makepyfile(test_user=chat_test("one", "two"))
    run(project, "--ssetape-record-mode=new_episodes").assert_outcomes(passed=1)
    assert len(upstream.requests) == asked + 1  # only "two" went out
    assert contents(project)[0] == first[0]
    assert [body.count('"two"') for body in contents(project)] == [0, 1]
    run(project).assert_outcomes(passed=1)  # and the whole test now replays


def test_all_records_again_keeping_unasked_recordings_and_rewrite_keeps_only_this_run(
    project: pytest.Pytester,
) -> None:
    project.makepyfile(test_user=chat_test("one", "two"))
    run(project, "--ssetape-record-mode=once").assert_outcomes(passed=1)
    project.makepyfile(test_user=chat_test("two"))
    run(project, "--ssetape-record").assert_outcomes(passed=1)  # --ssetape-record is "all"
    bodies = contents(project)
    assert len(bodies) == 2 and '"two"' in bodies[0] and '"one"' in bodies[1]
    run(project, "--ssetape-record-mode=rewrite").assert_outcomes(passed=1)
    (only,) = contents(project)
    assert '"two"' in only


def test_a_failing_test_keeps_the_old_cassette_and_leaves_its_recording_beside_it(project: pytest.Pytester) -> None:
    project.makepyfile(test_user=chat_test("one"))
    run(project, "--ssetape-record-mode=once").assert_outcomes(passed=1)
    before = cassette(project).read_bytes()
    project.makepyfile(test_user=chat_test("two", verdict="False"))
    result = run(project, "--ssetape-record-mode=rewrite")
    result.assert_outcomes(failed=1)
    assert cassette(project).read_bytes() == before
    (partial,) = cassette(project).parent.glob(".chat.*.recording.yaml")
    assert '"two"' in load(partial).interactions[0].request.body_bytes.decode()
    result.stdout.fnmatch_lines([f"*the test failed: {cassette(project)} is unchanged*{partial}*"])


def test_the_marker_sets_the_mode_and_the_command_line_wins(project: pytest.Pytester, upstream: Upstream) -> None:
    project.makepyfile(test_user=chat_test("one", marker='"cassettes/chat.yaml", record_mode="once"'))
    run(project).assert_outcomes(passed=1)
    assert cassette(project).exists()
    project.makepyfile(test_user=chat_test("two", marker='"cassettes/chat.yaml", record_mode="none"'))
    run(project).assert_outcomes(failed=1)
    run(project, "--ssetape-record-mode=rewrite").assert_outcomes(passed=1)
    assert '"two"' in contents(project)[0]


def test_strict_mode_fails_a_test_that_leaves_recordings_unused(project: pytest.Pytester) -> None:
    project.makepyfile(test_user=chat_test("one", "two"))
    run(project, "--ssetape-record-mode=once").assert_outcomes(passed=1)
    project.makepyfile(test_user=chat_test("one"))
    run(project).assert_outcomes(passed=1)
    result = run(project, "--ssetape-strict")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*UnusedInteractionsError*1 recorded interaction(s) were never requested (strict mode):*",
            "*#1 POST http://127.0.0.1:*/v1/chat/completions*",
        ]
    )
    project.makepyfile(test_user=chat_test("one", marker='"cassettes/chat.yaml", strict=True'))
    run(project).assert_outcomes(failed=1)


def test_cassette_dir_and_redaction_from_the_config(project: pytest.Pytester) -> None:
    project.makeconftest(
        """
import pytest

@pytest.fixture
def ssetape_config():
    return {
        "cassette_dir": "recorded",
        "redact_json_fields": ["metadata.trace_id"],
        "redact_headers": ["x-stainless-os"],
    }
"""
    )
    project.makepyfile(test_user=chat_test("hi", marker="", traced=True))
    run(project, "--ssetape-record-mode=once").assert_outcomes(passed=1)
    path = project.path / "recorded" / "test_chat.yaml"
    (interaction,) = load(path).interactions
    assert '"trace_id":"REDACTED"' in interaction.request.body_bytes.decode().replace(" ", "")
    assert interaction.request.header("x-stainless-os") == "REDACTED"
    run(project).assert_outcomes(passed=1)  # a redacted field matches any value sent


TRANSPORT_TEST = """
import httpx
import pytest


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.ssetape("cassettes/completion.yaml")
def test_any_httpx_client(ssetape_transport):
    import os
    url = os.environ.get("OPENAI_BASE_URL", "http://x/v1")
    with httpx.Client(transport=ssetape_transport, base_url=url, headers={"authorization": "Bearer sk-x"}) as client:
        body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
        answer = client.post("/chat/completions", json=body)
        assert answer.json()["object"] == "chat.completion"


@pytest.mark.anyio
@pytest.mark.ssetape("cassettes/async_chat.yaml")
async def test_async_client(ssetape_async_client):
    chunks = await ssetape_async_client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    assert "".join([c.choices[0].delta.content or "" async for c in chunks if c.choices])
"""


def test_the_transport_fixture_and_async_clients_record_and_replay(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.makepyfile(test_user=TRANSPORT_TEST)
    run(project, "--ssetape-record-mode=once").assert_outcomes(passed=2)
    monkeypatch.delenv("OPENAI_BASE_URL")
    monkeypatch.delenv("OPENAI_API_KEY")
    run(project, "--ssetape-strict").assert_outcomes(passed=2)
    assert {path.name for path in (project.path / "cassettes").iterdir()} == {"completion.yaml", "async_chat.yaml"}


def test_pytest_xdist_runs_each_test_with_its_own_cassette(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_one=chat_test("one", marker='"cassettes/one.yaml"'),
        test_two=chat_test("two", marker='"cassettes/two.yaml"'),
    )
    workers = project.runpytest_subprocess(
        "-p", "no:cacheprovider", *QUICK, "-n", "2", "--ssetape-record-mode=once", "--ssetape-check"
    )
    workers.assert_outcomes(passed=2)
    workers.stdout.fnmatch_lines(["*2 workers*", "*not checked under pytest-xdist (-n): run `ssetape check`*"])
    assert '"one"' in contents(project, "one.yaml")[0] and '"two"' in contents(project, "two.yaml")[0]
    run(project, "--ssetape-strict").assert_outcomes(passed=2)


CLASSES_TEST = """
import pytest


def chat(client, message):
    chunks = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": message}], stream=True
    )
    return "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)


class TestA:
    def test_it(self, ssetape_client):
        assert chat(ssetape_client, "A")


class TestB:
    def test_it(self, ssetape_client):
        assert chat(ssetape_client, "B")


@pytest.mark.parametrize("case", ["a b/c", "a/b c"])
def test_collide(ssetape_client, case):
    assert chat(ssetape_client, case)
"""


def test_each_test_has_its_own_cassette_and_two_that_would_not_are_told(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two classes' ``test_it`` are two cassettes (``TestA.test_it.yaml``, pytest-recording's names), not one that
    each recording replaces; two ids that differ only in what a file name cannot hold fail, not share one."""
    project.makepyfile(test_user=CLASSES_TEST)
    result = run(project, "--ssetape-record-mode=once")
    result.assert_outcomes(passed=2, errors=2)
    where = project.path / "cassettes" / "test_user"
    assert sorted(path.name for path in where.iterdir()) == ["TestA.test_it.yaml", "TestB.test_it.yaml"]
    result.stdout.fnmatch_lines(
        [
            "*test_collide_a_b_c_.yaml would be the cassette of test_user.py::test_collide?a/b c? too*",
            "*test_collide_a_b_c_.yaml would be the cassette of test_user.py::test_collide?a b/c? too*",
        ]
    )
    monkeypatch.delenv("OPENAI_BASE_URL")
    result = run(project, "-k", "TestA or TestB", "--ssetape-strict")
    result.assert_outcomes(passed=2)


def test_a_command_to_run_names_the_test_as_a_shell_reads_it(project: pytest.Pytester) -> None:
    project.makepyfile(test_user=CLASSES_TEST.replace('["a b/c", "a/b c"]', '["a b"]'))
    result = run(project, "-k", "collide")
    result.stdout.fnmatch_lines(
        ["*to record it: pytest 'test_user.py::test_collide[[]a b]' --ssetape-record-mode=once"]
    )
    assert "another exception occurred" not in result.stdout.str()


SHARED_TEST = """
import pytest


@pytest.mark.ssetape("cassettes/shared.yaml")
@pytest.mark.parametrize("n", range(6))
def test_shared(ssetape_client, n):
    chunks = ssetape_client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": f"number {n}"}], stream=True
    )
    assert "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
"""


def test_workers_recording_into_one_cassette_keep_what_each_recorded(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pytest-xdist's workers, each adding to a cassette its tests share, take turns and read what the others wrote:
    no recording is lost (the last writer kept only its own and the file it had read)."""
    project.makepyfile(test_user=SHARED_TEST)
    workers = project.runpytest_subprocess(
        "-p", "no:cacheprovider", *QUICK, "-n", "2", "--ssetape-record-mode=new_episodes"
    )
    workers.assert_outcomes(passed=6)
    assert sorted(contents(project, "shared.yaml")) == sorted(
        c for c in contents(project, "shared.yaml") if "number" in c
    )
    assert sorted(int(c.split("number ")[1][0]) for c in contents(project, "shared.yaml")) == list(range(6))
    assert not list((project.path / "cassettes").glob(".*recording*"))
    monkeypatch.delenv("OPENAI_BASE_URL")
    run(project).assert_outcomes(passed=6)
