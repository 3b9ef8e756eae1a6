"""A stream cut at an event, as a cassette of its own: a fixture of a stream that stops there."""

from __future__ import annotations

from ssetape.recorder import Cassette, CutOff, Recording

from .errors import ReplayError
from .stream_events import events
from .streaming import pick

__all__ = ["CUT_ERROR", "cut_at"]

#: What the cut cassette says ended its body: the connection closing mid-stream, as a real cut reads.
CUT_ERROR = CutOff(type="RemoteProtocolError", message="peer closed connection after event {event} (cut by ssetape)")


def cut_at(cassette: Cassette, event: int, interaction: int | None = None) -> Cassette:
    """A new cassette holding the streamed ``interaction`` of ``cassette`` (by default the one
    ``pick`` chooses) cut right after event ``event`` (numbered as ``Timeline`` and ``inspect`` do).

    The body ends with that event's blank line, the chunk timings stop there (the chunk that carried the
    event ends with it), and the recording is marked cut (``complete: false``, a ``RemoteProtocolError``),
    so a replay gives the SDK events 0 to ``event`` at their recorded times and then the cut. The body is
    stored decoded (no ``content-encoding``). Raises :class:`ReplayError` for an event the stream lacks.
    """
    number = pick(cassette, interaction)
    item = cassette.interactions[number]
    found = events(item)
    if not 0 <= event < len(found):
        raise ReplayError(
            f"cannot cut interaction {number} after event {event}: its stream has {len(found)} events "
            f"(0 to {len(found) - 1})"
        )
    end = found[event].end
    recording = item.response.ssetape
    chunks: list[tuple[float, int]] = []
    if recording is not None and recording.chunks:  # timed: the chunks up to the cut (untimed stays untimed)
        used = 0
        for chunk in item.decoded_chunks():
            if used >= end:
                break
            size = min(len(chunk.data), end - used)
            chunks.append((chunk.at, size))
            used += size
    kept = Recording(
        recorded_at=recording.recorded_at if recording is not None else None,
        response_at=recording.response_at if recording is not None else 0.0,
        chunks=chunks,
        complete=False,
        error=CutOff(type=CUT_ERROR.type, message=CUT_ERROR.message.format(event=event)),
    )
    headers = {
        name: values
        for name, values in item.response.headers.items()
        if name.lower() not in ("content-encoding", "content-length")
    }
    body = item.response.decoded_body[:end]
    response = item.response.model_copy(
        update={
            "headers": headers,
            "body": item.response.body.model_copy(update={"string": _text(body)}),
            "ssetape": kept,
        }
    )
    return Cassette(interactions=[item.model_copy(update={"response": response})])


def _text(body: bytes) -> str | bytes:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body
