"""What each layer of an API's home provides: the protocols the registry's modules satisfy.

A home's module satisfies its protocol with module-level functions (``ssetape.apis.chat.wire`` is a
:class:`Wire`), so a home needs no classes of its own to plug in.
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["Wire"]


class Wire(Protocol):
    """Facts about an API's bytes, with no SDK import (the recording proxy uses nothing else).

    ``name`` is an event's SSE type (``"message"`` when the stream names none); ``data`` its ``data:``
    text parsed as JSON, or the text itself when it is not JSON (``"[DONE]"``).
    """

    def names_api(self, name: str, data: Any) -> bool:
        """Whether this event says the stream is this API's (the first such event decides)."""
        ...

    def owns_path(self, segments: list[str]) -> bool:
        """Whether a request path (split into its segments) is one of this API's streaming endpoints."""
        ...

    def ends_stream(self, name: str, data: Any) -> bool:
        """Whether the API sends nothing after this event, so a client may close there."""
        ...

    def run_of(self, document: dict[str, Any]) -> tuple[str | None, str | None] | None:
        """``(thread id, run id)`` a streamed event or a JSON response names, or None when it names none:
        the proxy's ``--out DIR/`` puts each run in a cassette of its own, named after it."""
        ...


class Panes(Protocol):
    """What the TUI's panes show for an API's stream: ``ssetape.tui``'s widgets draw, the home says what.

    Each pane slot is a function of the timeline and the moment (the selected event, what it fired and the
    state after it) returning ``(title, subtitle, renderable)``: the pane's border title, the note under it,
    and a rich renderable. ``timeline`` is a :class:`~ssetape.replayer.Timeline` of this API's stream,
    ``moment`` one of its :class:`~ssetape.replayer.Moment`.
    """

    #: The panes' names for this API's streams, by slot (``callbacks``, ``content``, ``items``,
    #: ``outcome``), shown before an event is (and in the tab line of a small terminal).
    TITLES: dict[str, str]

    def callbacks(self, timeline: Any, moment: Any) -> tuple[str, str, Any]:
        """What the SDK fires for the event: the handler's callbacks, or the events its stream yields."""
        ...

    def content(self, timeline: Any, moment: Any) -> tuple[str, str, Any]:
        """The text so far (a message snapshot, the output text, a choice's content), what the event added
        highlighted."""
        ...

    def items(self, timeline: Any, moment: Any) -> tuple[str, str, Any]:
        """What the model does besides writing text (the run step, the output items, the tool calls)."""
        ...

    def outcome(self, timeline: Any, moment: Any) -> tuple[str, str, Any]:
        """The run, response or completion as a whole: its status, usage, error."""
        ...

    def facts(self, timeline: Any) -> list[str]:
        """What the header line says of this API's stream beyond what it says of every stream (the run's
        last status ...), most telling first."""
        ...
