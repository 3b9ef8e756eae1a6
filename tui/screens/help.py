"""``?``: every key of the screen it is opened on, and what that screen shows: the timeline's panes and
colours, or the picker's columns."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

PANES = (
    ("callbacks", "the handler methods the SDK calls for this event, in order, with their arguments"),
    ("message", "current_message_snapshot: what this event added reversed, citations underlined"),
    ("run step", "current_run_step_snapshot: tool calls, code, logs, images, function arguments"),
    ("run", "current_run: status, usage, required_action, last_error"),
    ("raw event", "the event as sent: type, JSON, arrival time, byte range, network chunk"),
    ("request", "r: the request (URL, headers, body) and the response head, the search's matches reversed"),
    ("", "Responses and Chat streams use the same places for stream events, output"),
    ("", "text, output items or tool calls, and the response or completion"),
    ("", "in a small terminal the panes take turns: p shows the next one"),
)
#: The families of the event list, the theme colour each is drawn in (see EventList), what they cover.
COLOURS = (
    ("run", "text-primary", "thread.run.* and thread.created"),
    ("step", "text-secondary", "thread.run.step.*"),
    ("message", "text-success", "thread.message.*"),
    ("error", "text-error", "error, *.failed, *.expired"),
)
EXTRA_KEYS = (("tab", "focus the next pane (the arrows then scroll it)"),)
#: The picker's columns (see ``widgets.stream_table.COLUMNS``), what each says of a streamed response.
COLUMNS = (
    ("cassette", "the file, relative to the directory picked"),
    ("#", "the interaction's index in the cassette"),
    ("API", "which API's stream it is: Assistants, Responses, Chat, Anthropic, Gemini, or plain SSE"),
    ("events", "how many events it holds"),
    ("duration", "seconds from the request to its last byte"),
    ("state", "complete, or cut off (the recording ended early)"),
    ("model", "the model the request asked for"),
    ("recorded", "when it was recorded"),
    ("", "a file with no stream, or that cannot be read, gets a row saying why"),
)


def _key(binding: Binding) -> str:
    names = {
        "question_mark": "?",
        "down": "↓",
        "up": "↑",
        "colon": ":",
        "slash": "/",
        "plus": "+",
        "minus": "-",
        "equals_sign": "=",
        "space": "space",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
    }
    return " ".join(names.get(key, key) for key in binding.key.split(","))


class HelpScreen(ModalScreen[None]):
    """The keys of a screen (read from its bindings, so never out of date) and what it shows: ``topic``
    ``"timeline"`` (its panes and colours), ``"picker"`` (its columns) or ``None`` (the keys alone)."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > VerticalScroll {
            width: auto;
            max-width: 100%;
            height: auto;
            max-height: 95%;
            border: round $accent;
            border-title-color: $text-accent;
            background: $surface;
            padding: 0 1;
        }
        & Static { width: auto; max-width: 96; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "app.pop_screen", "close", id="ssetape.help.close")
    ]

    def __init__(self, bindings: list[BindingType], topic: str | None = "timeline") -> None:
        super().__init__()
        self.bindings = [binding for binding in bindings if isinstance(binding, Binding)]
        self.topic = topic

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold", no_wrap=True)
        keys.add_column()
        for binding in self.bindings:
            keys.add_row(_key(binding), binding.description)
        for key, description in EXTRA_KEYS:
            keys.add_row(key, description)
        with VerticalScroll() as box:
            box.border_title = "ssetape tui: keys"
            yield Static(keys)
            if self.topic == "picker":
                yield Static(Text("\nColumns, one row per streamed response", style="bold"))
                yield Static(_grid(COLUMNS))
                yield Static(
                    Text(
                        "\n/ matches every word, in any case, in the file name, API, model, request and state. "
                        "Enter opens the stream's timeline; Escape comes back here.",
                        style="dim",
                    )
                )
                return
            if self.topic != "timeline":
                return
            yield Static(Text("\nPanes (right), for the selected event, after it is handled", style="bold"))
            yield Static(_grid(PANES))
            yield Static(self._legend())
            yield Static(
                Text(
                    "\n: takes an event number, +N / -N rows, or a time (2.5s). / searches the event type, JSON and "
                    "text; a lowercase query matches any case. Play follows the recorded gaps at the chosen speed "
                    "and stops at the end.",
                    style="dim",
                )
            )

    def _legend(self) -> Text:
        variables = self.app.get_css_variables()
        text = Text("\nEvent colours\n", style="bold")
        for name, colour, meaning in COLOURS:
            text.append(f"{name:<8}", style=f"bold {variables.get(colour, 'default')}")
            text.append(f" {meaning}\n")
        return text


def _grid(rows: tuple[tuple[str, str], ...]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for name, description in rows:
        table.add_row(name, description)
    return table
