"""Every command and Python entry point, fed broken cassettes: each input is handled (an exit code, one
``Error:`` line naming the file), never a traceback; and a cassette cut short is never taken for a whole one."""

from __future__ import annotations

import contextlib
import json
import math
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssetape.errors import SsetapeError
from ssetape.recorder import CassetteError, load, loads
from ssetape.replayer import Timeline, answer, diff, events, export, stats, validate
from tests.conftest import ROOT
from tests.fuzz import (
    COMMANDS,
    SERVING,
    bad_base64,
    check_handled,
    dump,
    loads_or_fails,
    nested,
    nested_event,
    run,
    seed_texts,
    with_value_at,
)

TEXTS = seed_texts()
FUZZ = settings(
    max_examples=int(os.environ.get("SSETAPE_FUZZ_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as directory:
        yield Path(directory)


def every_command(data: bytes, suffix: str, workdir: Path) -> bool:
    """Run every command on ``data``; returns whether the cassette loaded."""
    path = workdir / f"fuzzed{suffix}"
    path.write_bytes(data)
    loaded = loads_or_fails(path)
    commands = dict(COMMANDS) if loaded is not None else {**COMMANDS, **SERVING}
    for name, make in commands.items():
        args = make(path, workdir)
        result = run(args)
        check_handled(result, args, path)
        if loaded is None and name == "validate":  # a report: an unreadable file is one of its findings
            assert result.exit_code in (1, 2) and str(path) in result.output, result.output
        elif loaded is None and name not in ("scan", "import"):
            assert result.exit_code == 2, (name, result.output)
    if loaded is not None:
        python_entry_points(path)
    return loaded is not None


def python_entry_points(path: Path) -> None:
    """The library, on a cassette that loaded: our errors are fine, anything else is a bug."""
    cassette = load(path)
    calls = [lambda: validate(cassette), lambda: diff(cassette, cassette), lambda: answer(cassette)]
    for index in range(len(cassette.interactions)):
        interaction = cassette.interactions[index]
        calls += [lambda i=interaction: events(i), lambda i=interaction: stats(i)]
        calls += [lambda i=index: Timeline(cassette, interaction=i)[0] if cassette.streams() else None]
    for form in ("sse", "jsonl", "har"):
        calls.append(lambda form=form: export(cassette, form))
    for call in calls:
        with contextlib.suppress(SsetapeError, IndexError):
            call()


# -- cut short ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_cassette_cut_at_any_offset_is_refused_or_whole(tmp_path: Path, suffix: str) -> None:
    text = TEXTS[suffix]
    path = tmp_path / f"cut{suffix}"
    whole = loads(text.decode(), path=path)
    refused = 0
    for offset in range(len(text)):
        try:
            cassette = loads(text[:offset].decode(), path=path)  # load() but the file: the same, 3 ms faster
        except (CassetteError, UnicodeDecodeError):
            refused += 1
            continue
        assert cassette.interactions == whole.interactions, f"cut at {offset} of {len(text)} loaded as another cassette"
    assert refused >= len(text) - 2  # only the final newline(s) can go unnoticed


@FUZZ
@given(suffix=st.sampled_from([".yaml", ".json"]), fraction=st.floats(0, 1))
def test_every_command_refuses_a_cut_cassette_in_one_line(workdir: Path, suffix: str, fraction: float) -> None:
    text = TEXTS[suffix]
    offset = min(int(fraction * len(text)), len(text) - 2)
    assert not every_command(text[:offset], suffix, workdir)


def test_a_cassette_cut_between_two_interactions_says_so(tmp_path: Path) -> None:
    text = TEXTS[".yaml"].decode()
    path = tmp_path / "partial.yaml"
    path.write_text(text[: text.rindex("- request:")])
    assert "holds 2 interactions but was written with 3: it was cut short" in run(["validate", str(path)]).stdout
    for args in (["ls", str(path)], ["replay", str(path)]):
        result = run(args)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"Error: {path}: holds 2 interactions but was written with 3: it was cut short")
    path.write_text(text[: text.rindex("ssetape_end")])
    result = run(["ls", str(path)])
    assert result.stderr == f"Error: {path}: cut short: the file does not end with the 'ssetape_end: 3' line " + (
        "ssetape writes last; restore the whole file (git checkout, a fresh copy) or re-record it\n"
    )


def test_a_merge_that_lost_an_interaction_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(TEXTS[".yaml"])
    del data["interactions"][1]
    path = tmp_path / "merged.yaml"
    path.write_text(yaml.safe_dump(data))
    result = run(["ls", str(path)])
    assert result.exit_code == 2 and "holds 2 interactions but was written with 3" in result.stderr


# -- flipped bytes, wrong types, nesting, base64, times ----------------------------------------------------
@FUZZ
@given(
    suffix=st.sampled_from([".yaml", ".json"]),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=4),
)
def test_every_command_handles_flipped_bytes(workdir: Path, suffix: str, flips: list[tuple[float, int]]) -> None:
    data = bytearray(TEXTS[suffix])
    for where, value in flips:
        data[min(int(where * len(data)), len(data) - 1)] = value
    every_command(bytes(data), suffix, workdir)


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


@FUZZ
@given(
    suffix=st.sampled_from([".yaml", ".json"]),
    where=st.lists(st.integers(0, 50), min_size=1, max_size=7),
    value=VALUES,
)
def test_every_command_handles_wrong_types_anywhere(workdir: Path, suffix: str, where: list[int], value: Any) -> None:
    data = json.loads(TEXTS[".json"])
    every_command(dump(with_value_at(data, where, value), suffix), suffix, workdir)


@pytest.mark.parametrize(
    ("name", "data", "suffix"),
    [
        ("nested JSON", nested(100_000, as_json=True), ".json"),
        ("nested YAML", nested(100_000, as_json=False), ".yaml"),
        ("nested event", nested_event(100_000), ".yaml"),
        ("bad base64", bad_base64(), ".json"),
    ],
    ids=["nested-json", "nested-yaml", "nested-event", "bad-base64"],
)
def test_every_command_handles_nesting_and_bad_base64(workdir: Path, name: str, data: bytes, suffix: str) -> None:
    loaded = every_command(data, suffix, workdir)
    assert loaded is (name == "nested event")


@pytest.mark.parametrize("time", ["nan", "inf", "-0.5"])
def test_a_chunk_time_that_is_no_time_is_an_error(tmp_path: Path, time: str) -> None:
    data = yaml.safe_load(TEXTS[".yaml"])
    size = len(data["interactions"][0]["response"]["body"]["string"].encode())
    data["interactions"][0]["response"]["ssetape"]["chunks"] = f"0.1:40 {time}:{size - 40}"
    path = tmp_path / "times.yaml"
    path.write_text(yaml.safe_dump(data))
    checked = run(["validate", str(path)])
    assert checked.exit_code == 1 and f"{path}:18: error: interactions.0.response.ssetape.chunks: " in checked.stdout
    assert f"chunk 1 arrives at {float(time)!r} seconds: expected a finite time of 0 or more" in checked.stdout
    exported = run(["export", str(path), "--format", "har", "-o", str(tmp_path / "x.har")])
    assert exported.exit_code == 2 and exported.stderr.startswith(f"Error: {path}:18: ")
    data["interactions"][0]["response"]["ssetape"]["response_at"] = -1.0 if time == "-0.5" else float(time)
    path.write_text(yaml.safe_dump(data))
    assert run(["ls", str(path)]).exit_code == 2
    assert not math.isfinite(float(time)) or float(time) < 0


# -- journals ----------------------------------------------------------------------------------------------
JOURNAL = (
    b'{"journal":1,"base":0}\n'
    b'{"req":0,"at":"2026-12-07T05:00:00+00:00","method":"POST","uri":"https://api.openai.com/v1/threads/runs",'
    b'"headers":{},"body":null}\n'
    b'{"res":0,"at":0.1,"code":200,"message":"OK","headers":{"content-type":["text/event-stream"]}}\n'
    b'{"data":0,"at":0.2,"b":"ZXZlbnQ6IGRvbmUKZGF0YTogW0RPTkVdCgo="}\n'
    b'{"end":0,"error":null}\n'
)


@FUZZ
@given(flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=3), cut=st.floats(0, 1))
def test_recover_handles_any_journal(workdir: Path, flips: list[tuple[float, int]], cut: float) -> None:
    data = bytearray(JOURNAL[: max(1, int(cut * len(JOURNAL)))])
    for where, value in flips:
        data[min(int(where * len(data)), len(data) - 1)] = value
    out = workdir / "recovered.yaml"
    out.unlink(missing_ok=True)
    (workdir / ".recovered.yaml.journal").write_bytes(bytes(data))
    args = ["record", "--recover", "--out", str(out)]
    result = run(args)
    check_handled(result, args, workdir / ".recovered.yaml.journal")
    if result.exit_code == 0 and out.exists():
        load(out)


# -- a real process ----------------------------------------------------------------------------------------
def test_no_traceback_reaches_stderr_of_the_real_command(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(nested(100_000, as_json=True))
    done = subprocess.run(
        [sys.executable, "-m", "ssetape", "inspect", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**os.environ, "COLUMNS": "120"},
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"Error: {path}") and done.stderr.count("\n") == 1, done.stderr
