"""Where, and why, the SDK stops reading a stream: at ``[DONE]``, an ``error`` event, a handler exception,
or (when none of those) after the last recorded byte."""

from __future__ import annotations

from dataclasses import dataclass

from ssetape.apis import api
from ssetape.replayer import Timeline

__all__ = ["Ending", "ending"]


@dataclass(frozen=True, slots=True)
class Ending:
    #: The event at which the SDK's stream stops, or ``None`` when it reads every event.
    at: int | None
    #: ``"done"``, ``"error_event"`` or ``"exception"`` (see :class:`ssetape.apis.Stop`); ``None``.
    kind: str | None
    #: The exception raised at the stop, or by the transport after the last byte.
    exception: BaseException | None
    #: Whether the last event is one after which its API sends nothing (``[DONE]``, ``message_stop``, a final
    #: response event): a recording that ends there ended with its stream.
    closed: bool = False

    def describe(self) -> str:
        """One line for the callbacks pane."""
        if self.kind == "done":
            return "the SDK's stream stops here: [DONE]"
        if self.kind == "error_event":
            return f"the SDK's stream raises here, before the handler sees the event: {_name(self.exception)}"
        if self.kind == "exception":
            return f"the handler raises here: {_name(self.exception)}"
        if self.exception is not None:
            return f"the recording ends here; then the transport raises {_name(self.exception)}"
        if self.closed:
            return "the recording ends here, with the stream's last event"
        return "the recording ends here, before the event that ends its stream ([DONE], message_stop, ...)"


def _name(exception: BaseException | None) -> str:
    return "nothing" if exception is None else f"{type(exception).__name__}: {exception}"


def ending(timeline: Timeline) -> Ending:
    """Where ``timeline``'s stream stops being read."""
    stop = timeline.stop
    size = len(timeline)
    if stop is None:
        events = timeline.events
        closed = bool(events) and api(timeline.kind).wire.ends_stream(events[-1].name, events[-1].data)
        return Ending(None, None, timeline.transport_error, closed)
    # The SDK handles no event after the stop, so none fires a callback: walk back over those.
    first_silent = size
    while first_silent > 0 and not timeline.callbacks(first_silent - 1):
        first_silent -= 1
    at = first_silent
    if first_silent > 0 and timeline.state(first_silent - 1).stop is not None:
        at = first_silent - 1  # the handler raised while handling this event, after some callbacks
    return Ending(min(at, size - 1) if size else None, stop.kind, stop.exception)
