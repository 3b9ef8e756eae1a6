"""A pure replay of the ``anthropic`` SDK's ``MessageStream``: the events it yields for each recorded event,
and its ``current_message_snapshot`` after it, exactly, without rebuilding the message at every event.

The SDK folds every raw event into one ``ParsedMessage`` (``accumulate_event``): text and thinking grow by
``+=``, a tool's input is re-parsed from its whole partial JSON at every ``input_json_delta``, and each
event is built as a typed model first. :class:`MessageAccumulator` keeps instead what the snapshot is made
of: the ``message_start`` event, each block's ``content_block_start`` event, the text and thinking pieces
and tool input bytes of each block (append-only lists), and the few other events that change the message
(``message_delta``, ``citations_delta``, ``signature_delta`` ...). A :class:`MessageState` is a view of those
lists at one event (their lengths), so a checkpoint copies no text. Its snapshot is rebuilt on demand by
the SDK's own ``accumulate_event``: the start event, each block's start, then the pieces joined (which is
what ``+=`` made of them), then the other events in order; they change fields the pieces do not touch, so
the order between the two is free. The events yielded are made on first use by the SDK's ``build_events``
over the snapshot as it was at their event.

What would make the SDK's stream raise is found as each event is handled, as the SDK finds it: every event
but the frequent deltas (text, thinking, tool input) is folded into one scratch message, the SDK's own but
for the pieces those deltas add (a text or thinking block that did not start as a string takes its deltas
that way too); a tool's partial input is parsed at every delta. The stream then stops there
(:class:`~ssetape.apis.Stop`), with the message as the SDK left it (a ``message_delta`` may change some
fields before it raises), and events after a stop are ignored, as the SDK never reads them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import partial
from typing import Any

import httpx2
from anthropic import NotGiven, not_given
from anthropic.lib._parse._response import parse_text
from jiter import from_json

from ..emitted import Stop, StreamCallback, StreamEmitted
from .flavours import MESSAGES, Flavour, response_of, status_error
from .json_prefix import START, Prefix, advance, sure
from .state import GENERAL, INPUT, Block, Config, MessageState, View

__all__ = ["MessageAccumulator", "MessageState"]

#: The deltas handled without the SDK's models: the field holding the piece each adds.
_HOT = {"text_delta": "text", "thinking_delta": "thinking", "input_json_delta": "partial_json"}
#: What the stream yields for each of those, by delta type: the raw event, then a derived one.
_NAMES = {
    "text_delta": ("content_block_delta", "text"),
    "thinking_delta": ("content_block_delta", "thinking"),
    "input_json_delta": ("content_block_delta", "input_json"),
}
#: Both, by delta type.
_HOT_NAMES = {kind: (field, _NAMES[kind]) for kind, field in _HOT.items()}
#: What it yields for one the block does not take (a text delta into a thinking block).
_RAW = ("content_block_delta",)
#: What the stream yields for an event it skips.
_SKIPPED = frozenset({None, "ping", "error"})


class _Yielded:
    """The events the stream yields for one recorded event, built once, when first asked for."""

    __slots__ = ("_data", "_event", "_events", "_state")

    def __init__(self, state: MessageState | None, event: Any = None, data: Any = None) -> None:
        self._state, self._event, self._data = state, event, data
        self._events: list[Any] | None = None

    def event(self, position: int) -> Any:
        if self._events is None:
            event = self._event
            if event is None:
                config = self._state._config  # type: ignore[union-attr]
                event = config.flavour.read(self._data, config.status)
            if self._state is None or self._state._start is None:  # before message_start: the raw event
                self._events = [event]
            else:
                snapshot = self._state.current_message_snapshot
                self._events = self._state._config.flavour.build_events(event=event, message_snapshot=snapshot)
        return self._events[position]


class MessageAccumulator:
    """``handle_event(name, data)`` returns what ``MessageStream`` yields for that event (see the module)."""

    def __init__(
        self,
        flavour: Flavour = MESSAGES,
        headers: httpx2.Headers | None = None,
        *,
        output_format: Any = not_given,
        status: int = 200,
        response: httpx2.Response | None = None,
    ) -> None:
        """``flavour``: which helper read the stream; ``headers``: the request's; ``output_format``: the
        helper's; ``status``: the response's, and ``response`` itself, as recorded (see :class:`Config`)."""
        headers = headers if headers is not None else httpx2.Headers()
        response = response if response is not None else response_of(status)
        self._config = Config(flavour, headers, flavour.partial_mode(headers), output_format, status, response)
        self._start: Any = None
        self._blocks: list[Block] = []
        self._views: list[View] = []
        self._bufs: dict[Any, list[bytes]] = {}
        #: Each tool input buffer joined, once asked for (dropped when it grows).
        self._joined: dict[Any, bytes] = {}
        self._checks: dict[Any, Prefix | None] = {}
        #: Whether a checkpoint holds ``_checks`` (copied before it changes).
        self._checks_shared = False
        self._rare: list[Any] = []
        self._stop: Stop | None = None
        #: The SDK's message as its fold makes it, but for the pieces the hot deltas add (made when needed).
        self._scratch: Any = None

    @property
    def stop(self) -> Stop | None:
        return self._stop

    def checkpoint(self) -> MessageState:
        """A view of the state after the events handled so far: list lengths, no text copied."""
        rare = self._rare
        views = tuple(
            [
                View(view.block, len(view.block.text), len(view.block.thinking), view.input_mark, view.parsed)
                for view in self._views
            ]
        )
        self._checks_shared = True
        return MessageState(self._config, self._start, views, self._bufs, rare, len(rare), self._stop, self._checks)

    state = checkpoint

    @classmethod
    def restore(cls, state: MessageState) -> MessageAccumulator:
        config = state._config
        out = cls(
            config.flavour,
            config.headers,
            output_format=config.output_format,
            status=config.status,
            response=config.response,
        )
        out._start, out._stop, out._rare = state._start, state._stop, state._rare[: state._rares]
        out._blocks = [view.block.copy(view) for view in state.blocks]
        out._views = [view._replace(block=block) for view, block in zip(state.blocks, out._blocks, strict=True)]
        counts: dict[Any, int] = {}
        for view in state.blocks:
            if view.input_mark is not None:
                counts[view.input_mark[0]] = max(counts.get(view.input_mark[0], 0), view.input_mark[1])
        out._bufs = {key: state._bufs[key][:count] for key, count in counts.items()}
        out._checks = dict(state._checks)
        return out

    def finish(self, exception: BaseException | None = None) -> list[StreamCallback]:
        """The stream has no closing events: a transport error is raised to the reader."""
        return []

    def handle_sse(self, name: str | None, raw: str) -> StreamEmitted:
        """An event whose data is not JSON (or is a JSON string)."""
        if self._stop is not None or name in (None, "ping"):
            return StreamEmitted()
        if name == "error":
            message = raw or f"Error code: {self._config.status}"
            return self._halt(Stop("error_event", status_error(raw, message, self._config.response)))
        if not raw:
            return StreamEmitted()
        try:
            parsed = json.loads(raw)
        except (ValueError, RecursionError) as exc:  # what ``sse.json()`` raises inside the SDK's Stream
            return self._halt(Stop("exception", exc))
        return self.handle_event(name, parsed)

    def handle_event(self, name: str | None, data: Any) -> StreamEmitted:
        """The events ``MessageStream`` yields for one recorded event (``data`` already JSON-decoded)."""
        if self._stop is not None or name in (None, "ping"):  # the SDK's Stream skips these
            return StreamEmitted()
        if name == "error":
            return self._halt(Stop("error_event", status_error(data, f"{data}", self._config.response)))
        if self._start is not None and type(data) is dict and data.get("type") == "content_block_delta":
            hot = self._hot(data)
            if hot is not None:
                if not hot:  # the stream stops here
                    return self._halt(self._stop)  # type: ignore[arg-type]
                return _callbacks(_Yielded(self.checkpoint(), data=data), hot)
        try:
            return self._other(self._config.flavour.read(data, self._config.status))
        except Exception as exc:  # the SDK's stream raises it to the reader
            return self._halt(Stop("exception", exc))

    def names(self, name: str | None, data: Any) -> tuple[str, ...]:
        """The names of the events ``MessageStream`` yields for one recorded event, building none of them
        for a delta of the usual shape (what ``Timeline`` keeps while indexing)."""
        if (
            type(data) is dict
            and data.get("type") == "content_block_delta"
            and self._stop is None
            and self._start is not None
            and name not in _SKIPPED
        ):
            hot = self._hot(data)
            if hot is not None:
                return hot
        return tuple([callback.name for callback in self.handle_event(name, data)])

    def _hot(self, data: dict[str, Any]) -> tuple[str, ...] | None:
        """A text, thinking or tool input delta of the usual shape, taken: the names of what it yields (none
        when the stream stops there); or None to take the general way."""
        index, delta = data.get("index"), data.get("delta")
        if type(index) is not int or type(delta) is not dict:
            return None
        kind = delta.get("type")
        hot = _HOT_NAMES.get(kind)  # type: ignore[arg-type]
        if hot is None:
            return None
        piece = delta.get(hot[0])
        if type(piece) is not str:
            return None
        blocks = self._blocks
        try:
            take = blocks[index].takes.get(kind)  # type: ignore[arg-type]
        except IndexError as exc:  # (as the SDK's list raises it)
            self._stop = Stop("exception", exc)
            return ()
        if take is None:
            return _RAW
        if take is GENERAL:
            return None
        if take is INPUT:
            self._take_input(index % len(blocks), index, piece)
            if self._stop is not None:
                return ()
        else:
            take(piece)  # counted at the next checkpoint
        return hot[1]

    def _grow(self, position: int, key: Any, kind: str, piece: str) -> None:
        """Adds a hot delta's piece to block ``position``, if the block takes it."""
        take = self._blocks[position].takes.get(kind)
        if take is INPUT:
            self._take_input(position, key, piece)
        elif take is not None and take is not GENERAL:
            take(piece)

    def _take_input(self, position: int, key: Any, piece: str) -> None:
        """As the SDK does: bad JSON stops the stream at this delta. The whole buffer is parsed again, as
        the SDK does it, unless the piece is known to keep it a partial JSON the SDK parses."""
        encoded = piece.encode()
        check = advance(self._checks.get(key, START), piece)
        joined = None if sure(check) else self._buffer(key) + encoded
        if joined:
            try:
                from_json(joined, partial_mode=self._config.mode)
            except ValueError as exc:
                self._stop = Stop(
                    "exception",
                    ValueError(
                        "Unable to parse tool parameter JSON from model. Please retry your request or adjust your "
                        f"prompt. Error: {exc}. JSON: {joined.decode('utf-8')}"
                    ),
                )
                return
        pieces = self._bufs.setdefault(key, [])
        pieces.append(encoded)
        if self._checks_shared:
            self._checks, self._checks_shared = dict(self._checks), False
        self._checks[key] = check
        if joined is None:
            self._joined.pop(key, None)
        else:
            self._joined[key] = joined
        if joined is None or joined:
            view = self._views[position]
            self._views[position] = View(view.block, view.text, view.thinking, (key, len(pieces)), view.parsed)

    def _buffer(self, key: Any) -> bytes:
        joined = self._joined.get(key)
        if joined is None:
            joined = self._joined[key] = b"".join(self._bufs.get(key, ()))
        return joined

    def _other(self, event: Any) -> StreamEmitted:
        """Any other event, typed as the SDK's Stream types it, folded into the scratch message first so that
        what makes the SDK raise raises here."""
        config = self._config
        if self._start is None:
            if event.type != "message_start":
                return self._emit_typed(None, event, [event.type])
            self._scratch = config.fold(event, None)
            self._start = event
            return self._emit_typed(self.checkpoint(), event, ["message_start"])
        scratch = self._scratch_message()
        kind = getattr(event, "type", None)
        if kind == "content_block_start":
            config.fold(event, scratch)
            block = Block.made(event, scratch.content[-1], config.flavour.tracks_input)
            self._blocks.append(block)
            self._views.append(View(block))
            return self._emit_typed(self.checkpoint(), event, ["content_block_start"])
        position, take, bufs = None, None, {}
        if kind in ("content_block_delta", "content_block_stop"):
            position = list(range(len(self._blocks)))[event.index]  # raises what the SDK's list does
        if kind == "content_block_delta":
            kind_of_delta = event.delta.type  # raises where the SDK's fold does
            take = self._blocks[position].takes.get(kind_of_delta) if kind_of_delta in _HOT else GENERAL  # type: ignore[index]
            if take is INPUT:
                bufs = {key: self._buffer(key) for key in self._bufs}
        if take is GENERAL or kind == "message_delta":
            # Kept before folding: if the fold raises, the SDK's message stays as changed up to there.
            kept = event
            if kind == "content_block_delta" and event.index != position:  # kept as the block it named then
                kept = event.model_copy(update={"index": position})
            self._rare.append(kept)
        config.fold(event, scratch, bufs)
        names = [built.type for built in config.flavour.build_events(event=event, message_snapshot=scratch)]
        if kind == "content_block_stop":
            self._parse(position)  # type: ignore[arg-type]
        elif take is not None and take is not GENERAL:  # a hot delta of an unusual shape the SDK took anyway
            self._grow(position, event.index, event.delta.type, getattr(event.delta, _HOT[event.delta.type]))  # type: ignore[arg-type]
        if self._stop is not None:
            return self._halt(self._stop)
        return self._emit_typed(self.checkpoint(), event, names)

    def _scratch_message(self) -> Any:
        """The SDK's message as its fold makes it, without the pieces the hot deltas add: what decides what
        any other event raises and yields (made again from the start events after a restore)."""
        if self._scratch is None:
            fold = self._config.fold
            self._scratch = fold(self._start, None)
            for block in self._blocks:
                fold(block.start, self._scratch)
            for event in self._rare:
                fold(event, self._scratch)
        return self._scratch

    def _parse(self, position: int) -> None:
        """What the SDK's ``content_block_stop`` does with ``output_format``: parse the text block."""
        output_format = self._config.output_format
        if self._blocks[position].kind == "text" and not isinstance(output_format, NotGiven):
            text = self.checkpoint().current_message_snapshot.content[position].text
            self._views[position] = self._views[position]._replace(parsed=parse_text(text, output_format))

    def _emit_typed(self, state: MessageState | None, event: Any, names: Sequence[str]) -> StreamEmitted:
        return _callbacks(_Yielded(state, event=event), names)

    def _halt(self, stop: Stop) -> StreamEmitted:
        out = StreamEmitted()
        self._stop = out.stop = stop
        return out


def _callbacks(yielded: _Yielded, names: Sequence[str]) -> StreamEmitted:
    make = yielded.event
    return StreamEmitted([StreamCallback(name, make=partial(make, at)) for at, name in enumerate(names)])
