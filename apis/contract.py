"""What each layer of an API's home provides: the protocols the registry's modules satisfy.

A home's module satisfies its protocol with module-level functions (``ssetape.apis.chat.wire`` is a
:class:`Wire`), so a home needs no classes of its own to plug in.
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["Events", "Panes", "Rules", "Sdk", "Wire"]


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

    # Optional: ``error_document(status, message, code) -> dict``, its error body's shape (OpenAI's
    # otherwise); ``registry.error_document`` asks for it.
    # Optional: ``sdk_base(uri) -> apis._sdk_base.SdkBase | None``, where its SDK's base URL ends in the path of
    # ``uri``, a request the SDK sent, and the environment variable the SDK reads it from (``ssetape serve`` prints
    # them); ``Api.sdk_base`` asks for it.
    # Optional: ``error_names_api(data) -> bool``, whether an ``error`` event's data is in this API's own shape:
    # it names the API only where no event and no request path does (a raw dump holding only an error);
    # ``registry.recognise_error`` asks for it.
    # Optional: ``EVENT_AT_END = True`` when its SDK's reader takes the whole lines left after the last blank
    # line of a complete body as one more event (google-genai's does; SSE, and the OpenAI and Anthropic
    # SDKs, drop them); ``Api.event_at_end`` asks for it.


class Sdk(Protocol):
    """An API's SDK side: its stream helper over a recording, its accumulator, its answer and transcript."""

    #: The SDK stream helper's arguments that change how it reads the answer (``text_format``, ``tools`` ...).
    OPTIONS: tuple[str, ...]
    #: True when the SDK's stream yields events (``Timeline`` rebuilds each as it was at its moment);
    #: False when it calls a handler's callbacks (the accumulator builds them itself).
    YIELDS_EVENTS: bool

    def client(self, transport: Any, *, asynchronous: bool) -> Any:
        """The SDK's client (sync or async) over ``transport``, which answers every request."""
        ...

    def manager(self, client: Any, item: Any, event_handler: Any, *, asynchronous: bool, given: dict[str, Any]) -> Any:
        """``client``'s own stream helper (the manager ``replayer.stream`` returns) for recording ``item``;
        ``given``: the caller's values of :attr:`OPTIONS` (the rest default to the recorded request's), and
        ``event_handler`` only where the stream calls one (``YIELDS_EVENTS`` false), or None."""
        ...

    def accumulator(self, item: Any) -> tuple[Any, Any]:
        """``(make, restore)``: a fresh accumulator for ``item``'s stream, and one from a checkpoint."""
        ...

    def answer(self, state: Any, item: Any, index: int, said: Any) -> None:
        """Adds what the assistant said, by the SDK's final ``state``, to ``said`` (an ``apis.answer.Said``)."""
        ...

    def transcribe(self, open_stream: Any, out: Any) -> bool:
        """Prints the stream ``open_stream(event_handler)`` opens; False when it ended in an error."""
        ...

    # For an API with recording sessions (``ssetape.fixtures``): ``session_client(root, transport, **options)``,
    # its SDK's client of an emulated upstream at ``root`` with fake credentials; ``public_base(**options)``,
    # the real API's base URL recordings are rewritten to; ``OBSERVER``, what a session watches each stream
    # with by default (a stream reader, or Assistants' handler factory). ``options``: a session's
    # ``client_options`` (Gemini's ``vertex``).


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


class Events(Protocol):
    """What an API's events say, from the events alone, with no SDK import (``inspect``, ``stats``, the TUI).

    ``name`` and ``data`` as for :class:`Wire`. The functions reading one event are asked only of events
    whose data is a JSON object (``replayer.stream_events`` says what any other event says); those
    reading a stream get every event's ``(name, data)``, in order.
    """

    #: Event types where a message or a tool call (run step, output item) starts or ends (as
    #: ``event_type`` gives them, where the home has one).
    BOUNDARIES: frozenset[str]

    # Optional: ``event_type(name, data) -> str``, what the event is when its SSE type does not say (every
    # Chat Completions chunk is a ``message``: ``role``, ``content``, ``tool_call``, ``finish`` ...). The TUI
    # lists, filters, steps (``J`` / ``K``) and finds boundaries by it; ``Api.event_types`` asks for it.
    # Optional: ``TOKENS``, an ``apis._summary.TokenNames``: what its usage calls the token counts, when not
    # OpenAI's or Anthropic's names (Gemini's ``promptTokenCount``); ``Api.tokens`` asks for it.

    def summary(self, name: str, data: dict[str, Any], width: int) -> str | None:
        """What the event says in one line, quotes cut to about ``width``; None to say what any event says
        (its ``error``, its ``status``)."""
        ...

    def short_name(self, name: str) -> str:
        """The event type as lists show it, without a prefix every event of the API shares."""
        ...

    def family(self, name: str, data: Any) -> str:
        """What the event is about, for its colour and group: ``run``, ``step``, ``message``, ``error`` or
        ``other``. ``data`` may be None when only the type is known."""
        ...

    def text_of(self, name: str, data: dict[str, Any]) -> str | None:
        """The assistant text the event adds (a text delta's value), or None."""
        ...

    def tool_calls(self, pairs: list[tuple[str, Any]]) -> list[str]:
        """The stream's tool calls in the order they started: function names, or the tool's type."""
        ...

    def status(self, pairs: list[tuple[str, Any]]) -> str | None:
        """The stream's final status (of the run, of the response, or the last finish reason)."""
        ...

    def usage(self, pairs: list[tuple[str, Any]]) -> dict[str, Any] | None:
        """The token usage the stream reported last, as sent."""
        ...


class Rules(Protocol):
    """``ssetape validate``'s rules for an API's streams: the only layer besides ``sdk`` importing the SDK's types.

    ``event`` is a ``replayer.stream_events.StreamEvent``; each function yields
    ``replayer.validation.Problem`` s located by event (``validate`` adds the cassette and interaction).
    """

    def sse(self, event: Any) -> Any:
        """The ``sse`` problems the API adds for an event whose data is JSON (an Assistants stream names
        every event); an event with one is not checked against the schema."""
        ...

    def schema(self, event: Any) -> Any:
        """The ``schema`` problems of an event whose data is a JSON object, against the SDK's types."""
        ...

    def order(self, found: list[Any], complete: bool) -> Any:
        """The ``order`` (and ``status``) problems of the whole stream; ``complete``: the recording holds its
        end, so a missing end is a problem."""
        ...
