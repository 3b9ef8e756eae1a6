"""What an Assistants event changed of the run and of the current run step, in reverse video (issue 16).

The highlight is the difference between the timeline's state before and after the event, whatever the
event's type: the steps below go to events of several types and read the reversed characters.
"""

from __future__ import annotations

import pytest

from tests.tui.helpers import SIZE, app_for, pane, ready
from tests.tui.test_app import answer, reversed_text

pytestmark = pytest.mark.anyio


async def test_the_run_pane_highlights_the_fields_the_event_changed() -> None:
    async with app_for("code_interpreter").run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert reversed_text(screen, "run") == "queued"  # thread.run.created: a new run

        await answer(pilot, "colon", "6")  # a step delta: the run is as it was
        assert reversed_text(screen, "run") == ""

        await answer(pilot, "colon", "175")  # thread.run.step.completed: the run is untouched
        assert reversed_text(screen, "run") == ""
        await pilot.press("j")  # thread.run.completed: its status and its usage
        assert screen.event_list.index == 176
        assert "status completed" in pane(screen, "run")
        highlighted = reversed_text(screen, "run")
        assert highlighted.startswith("completed")
        assert "usage " in highlighted and " tokens" in highlighted


async def test_the_run_pane_highlights_the_action_a_run_now_requires() -> None:
    async with app_for("function_calling").run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await answer(pilot, "colon", "33")
        assert reversed_text(screen, "run") == ""
        await pilot.press("j")  # thread.run.requires_action
        assert screen.event_list.index == 34
        assert reversed_text(screen, "run") == "requires_actionrequired_action submit_tool_outputs"


async def test_the_step_pane_highlights_a_new_tool_call_and_what_the_deltas_append() -> None:
    async with app_for("function_calling").run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await answer(pilot, "colon", "4")  # thread.run.step.created: the step is new, its status too
        assert reversed_text(screen, "step").startswith("in_progress")

        await answer(pilot, "colon", "22")  # the delta that starts the second function call
        assert reversed_text(screen, "step").startswith("function call_")
        await pilot.press("j")  # then its arguments grow, and the call itself is no longer news
        highlighted = reversed_text(screen, "step")
        assert highlighted and not highlighted.startswith("function")


async def test_the_step_pane_highlights_code_and_logs_appended_and_nothing_the_state_did_not_change() -> None:
    async with app_for("code_interpreter").run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await answer(pilot, "colon", "6")  # six characters of code input
        assert len(reversed_text(screen, "step").replace("\n", "")) == 6

        await answer(pilot, "colon", "37")  # the logs output arrives
        logs = reversed_text(screen, "step")
        assert len(logs) >= 100 and "in_progress" not in logs

        # thread.run.step.completed: the SDK keeps the step in run_step_snapshots as the deltas left it
        # (in_progress, no usage), so the state the pane shows did not change and nothing is highlighted
        await pilot.press("j")
        assert screen.event_list.index == 38
        assert "status in_progress" in pane(screen, "step")
        assert reversed_text(screen, "step") == ""
