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


def real_stream_names(*kinds: str) -> list[str]:
    """The real streams whose API (``replayer.kind_of``) is one of ``kinds``; none when they are not here."""
    if not REAL_STREAMS.is_dir():
        return []
    from ssetape.recorder import cassette_from_sse
    from ssetape.replayer import kind_of

    return [
        path.name
        for path in sorted(REAL_STREAMS.glob("*.sse"))
        if kind_of(cassette_from_sse(path.read_bytes()).interactions[0]) in kinds
    ]
