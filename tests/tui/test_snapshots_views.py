"""How the views of issue #16 look (pytest-textual-snapshot): the time axis, the cassette picker, the
stream list, side by side and following a recording; one class per screen, at 80x24 and 160x45.

Update after a deliberate change with ``pytest tests/tui/test_snapshots_views.py --snapshot-update``, and
look at each image before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.pilot import Pilot

from tests.tui.helpers import app_for, ready

SMALL, LARGE = (80, 24), (160, 45)


def pressing(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Before the screenshot: wait for the stream to be indexed, then press ``keys``."""

    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


class TestTimeAxis:
    def test_longest_stall_small(self, snap_compare: Callable[..., bool]) -> None:
        """80x24, s: the axis shown, the cursor on the event after the longest stall (▲ on the axis, ◆ at
        the stalls), the facts line cut to the width."""
        assert snap_compare(app_for("text"), terminal_size=SMALL, run_before=pressing("s"))

    def test_code_interpreter_large(self, snap_compare: Callable[..., bool]) -> None:
        """160x45, T then G: arrivals per slice of the whole run, the marker at the last event, first byte,
        first token, rate and the five longest stalls."""
        assert snap_compare(app_for("code_interpreter"), terminal_size=LARGE, run_before=pressing("T", "G"))
