"""Event lines are coloured by the family the event's API gives it, for every API."""

from __future__ import annotations

import click
import pytest

from ssetape.cli.output import EventLines
from ssetape.recorder import load
from ssetape.replayer import events
from tests.conftest import FIXTURES


@pytest.mark.parametrize(
    ("fixture", "name", "colour"),
    [
        ("text", "thread.run.created", "cyan"),
        ("text", "thread.message.created", "green"),
        ("text", "thread.message.delta", None),
        ("code_interpreter", "thread.run.step.delta", "magenta"),
        ("error_event", "error", "red"),
        ("responses_text", "response.created", "cyan"),
        ("responses_text", "response.output_text.delta", None),
        ("responses_function", "response.output_item.added", "magenta"),
        ("chat_text", "message", "green"),
    ],
)
def test_each_event_is_coloured_by_its_family(fixture: str, name: str, colour: str | None) -> None:
    cassette = load(FIXTURES / f"{fixture}.yaml")
    found = events(cassette.interactions[cassette.streams()[0]])
    lines = EventLines(found)
    event = next(event for event in found if event.name == name)
    styled = click.style(f"{event.name:<{lines.name_width}}", fg=colour)
    assert styled in lines.line(event)
