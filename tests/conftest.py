from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
REAL_STREAMS = ROOT.parent / "shared" / "real-streams"


@pytest.fixture
def real_streams() -> Path:
    """The raw SSE bodies recorded from the live API by other projects (read in place, never copied)."""
    if not REAL_STREAMS.is_dir():
        pytest.skip(f"{REAL_STREAMS} is not here")
    return REAL_STREAMS
