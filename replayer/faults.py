"""Faults injected into a good recording, to exercise a handler's error paths.

Each fault names an event by its index in the stream (as ``Timeline`` and ``ssetape inspect``
number them) and turns into what the network would really do: bytes that stop early, or the
exception ``httpx2`` raises for a dropped connection or a read timeout. The SDK then reacts
exactly as it does to a real failure (``on_timeout``, ``on_exception``, ``on_end``).
"""

from __future__ import annotations

import types
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ssetape.recorder import Chunk, Interaction, encoder

from .errors import ReplayError
from .stream_events import events

FaultKind = Literal["cut", "connection_error", "timeout", "drop", "duplicate"]


@dataclass(frozen=True, slots=True)
class Fault:
    kind: FaultKind
    event: int

    @classmethod
    def cut_after(cls, event: int) -> Fault:
        """The connection closes right after event ``event``, mid-body (``RemoteProtocolError``)."""
        return cls("cut", event)

    @classmethod
    def connection_error(cls, event: int) -> Fault:
        """Reading event ``event`` fails with a reset connection (``ReadError``)."""
        return cls("connection_error", event)

    @classmethod
    def timeout(cls, event: int) -> Fault:
        """Reading event ``event`` times out (``ReadTimeout``): the SDK calls ``on_timeout``."""
        return cls("timeout", event)

    @classmethod
    def drop(cls, event: int) -> Fault:
        """Event ``event`` never arrives; the stream goes on without it."""
        return cls("drop", event)

    @classmethod
    def duplicate(cls, event: int) -> Fault:
        """Event ``event`` arrives twice in a row."""
        return cls("duplicate", event)


def apply_faults(
    interaction: Interaction, faults: Iterable[Fault], flavour: types.ModuleType
) -> tuple[list[Chunk], Exception | None]:
    """The interaction's body, one chunk per event (each at its recorded arrival time), with ``faults`` applied.

    A compressed body is broken where its events are, then compressed again as it was sent (``content-encoding``),
    each chunk flushed so that the client decodes its events as they arrive; cut short, it is never finished."""
    encoding = interaction.response.header("content-encoding")
    served, error = _faulted(interaction, sorted(faults, key=lambda fault: fault.event), flavour)
    coder = encoder(encoding)
    if coder is None:
        return served, error
    encoded = [Chunk(chunk.at, coder.feed(chunk.data)) for chunk in served]
    if error is None:
        end = coder.flush()
        if encoded:
            encoded[-1] = Chunk(encoded[-1].at, encoded[-1].data + end)
        else:
            encoded.append(Chunk(interaction.response_at, end))
    return encoded, error


def _faulted(
    interaction: Interaction, faults: list[Fault], flavour: types.ModuleType
) -> tuple[list[Chunk], Exception | None]:
    """:func:`apply_faults` on the body as the client reads it (decoded)."""
    chunks = interaction.chunks()
    stream_events = events(interaction)
    body = interaction.response.decoded_body
    for fault in faults:
        if not 0 <= fault.event < len(stream_events):
            raise ReplayError(
                f"cannot inject {fault.kind} at event {fault.event}: the stream has {len(stream_events)} events"
            )
    by_event: dict[int, list[Fault]] = {}
    for fault in faults:
        by_event.setdefault(fault.event, []).append(fault)

    served: list[Chunk] = []
    position = 0
    for index, event in enumerate(stream_events):
        at = event.at
        piece = body[position : event.end]
        position = event.end
        kinds = {fault.kind for fault in by_event.get(index, [])}
        if "timeout" in kinds:
            return served, flavour.ReadTimeout(f"ssetape fault: read timed out before event {index}")
        if "connection_error" in kinds:
            return served, flavour.ReadError(f"ssetape fault: connection reset before event {index}")
        if "drop" not in kinds:
            served.append(Chunk(at, piece))
        if "duplicate" in kinds:
            served.append(Chunk(at, body[event.start : event.end]))
        if "cut" in kinds:
            return served, flavour.RemoteProtocolError(f"ssetape fault: connection cut after event {index}")
    if position < len(body):
        served.append(Chunk(chunks[-1].at if chunks else interaction.response_at, body[position:]))
    return served, None
