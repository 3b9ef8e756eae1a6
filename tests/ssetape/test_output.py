"""Event lines are coloured by the family the event's API gives it, for every API."""

from __future__ import annotations

import click
import pytest

from ssetape.cli import output
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


def test_a_table_cuts_its_elastic_column_on_a_terminal_and_colours_what_styles_name(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(output, "terminal_width", lambda: 24)
    rows = [["1", "/v1/a/very/long/path", "200"], ["22", "/v1/b", "404"], ["3", "/v1/c", "200"]]

    def red_404(row: int, column: int, text: str) -> str | None:
        return "red" if column == 2 and text == "404" else None

    lines = list(output.table(("#", "path", "status"), rows, right=(0, 2), elastic=1, styles=red_404, styled=(2,)))
    assert lines == [
        click.style(" #  path          status", bold=True),
        " 1  …y/long/path     200",
        "22  /v1/b" + " " * 9 + click.style("   404", fg="red"),
        " 3  /v1/c" + " " * 12 + "200",
    ]
    monkeypatch.setattr(output, "terminal_width", lambda: None)  # a pipe: nothing cut; the last column unpadded
    assert list(output.table(("a", "b"), [["x", "y"], ["xyz", "long"]]))[1:] == ["x    y", "xyz  long"]
