"""Running a user's test suite in this process with pytester, quickly.

pytester forgets every module an in-process run imports, so what the plugin's fixtures import (the SDKs'
resources and stream helpers) is imported here once, to stay. So are the HTTP cores: httpx and httpx2 import
theirs on first use and keep a map of its exception classes, so a core first imported inside such a run and
then forgotten would come back as new classes the map does not know (a cut stream then raised
httpcore.RemoteProtocolError instead of httpx's, in whichever test came later).
Three plugins are left out of those runs:
hypothesis's (imported and assert-rewritten again on every run, for seconds), pytest's unraisable-exception
check (a gc.collect() of a heap holding the SDKs' types, for seconds), and the snapshot plugin (whose
session report would end this session's).
"""

from __future__ import annotations

import anthropic.lib.streaming  # noqa: F401
import httpcore  # noqa: F401
import httpcore2  # noqa: F401
import openai.resources.beta
import openai.resources.chat  # noqa: F401
import pytest

import ssetape.replayer.client
import ssetape.replayer.episodes
import ssetape.replayer.streaming  # noqa: F401

QUICK = ("-p", "no:hypothesispytest", "-p", "no:unraisableexception", "-p", "no:textual-snapshot")


def run_inprocess(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", *QUICK, *args)
