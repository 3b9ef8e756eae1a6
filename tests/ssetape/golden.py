"""Golden outputs: ``assert_golden(name, text)`` compares with ``tests/ssetape/golden/<name>``.

Run with ``SSETAPE_UPDATE_GOLDEN=1`` to (re)write them after a deliberate change, then review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner, Result

from ssetape.cli import main

GOLDEN = Path(__file__).parent / "golden"


def run(*args: str) -> Result:
    """``ssetape ARGS`` in-process; stdout and stderr kept apart (stdout is never a terminal here)."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("SSETAPE_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with SSETAPE_UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8")
