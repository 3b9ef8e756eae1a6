"""What one event adds to a Responses or Chat Completions snapshot, as the panes highlight it.

The homes work it out (``ssetape.apis.responses.panes.added``, ``ssetape.apis.chat.panes.added``); this
is the shape they give it in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Added"]


@dataclass
class Added:
    """What one event adds: characters appended at the end of a text, by where the text is."""

    #: (output index or choice index, field, content / summary / tool call index) -> characters appended
    chars: dict[tuple[int, str, int], int] = field(default_factory=dict)
    #: output items (choices, for Chat) the event touches
    touched: set[int] = field(default_factory=set)
    #: (choice index, tool call index) of the tool calls a Chat chunk touches
    calls: set[tuple[int, int]] = field(default_factory=set)

    def at(self, position: int, what: str, index: int = 0) -> int:
        return self.chars.get((position, what, index), 0)
