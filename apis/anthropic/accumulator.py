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
from typing import Any, NamedTuple

import httpx2
from anthropic import NotGiven, not_given
from anthropic.lib._parse._response import parse_text
from jiter import from_json

from ..emitted import Stop, StreamCallback, StreamEmitted
from .flavours import MESSAGES, Flavour, status_error
from .json_prefix import START, Prefix, advance, sure
from .pieces import Pieces

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
#: The field that text and thinking deltas grow, by block type.
_GROWN = {"text": "text", "thinking": "thinking"}
#: What the stream yields for an event it skips.
_SKIPPED = frozenset({None, "ping", "error"})
#: In a block's ``takes``: a tool input delta, which goes through :meth:`MessageAccumulator._take_input`.
_INPUT: Any = object()
#: In a block's ``takes``: a delta folded by the SDK's own function, as any other event (a text delta into a
#: text block that did not start with a string).
_GENERAL: Any = object()
_UNSET: Any = object()


class _Config(NamedTuple):
    """What stays the same through one stream: which helper reads it, and how it was called."""

    flavour: Flavour
    #: The request's headers (the beta helper reads ``anthropic-beta``).
    headers: httpx2.Headers
    #: How tool input JSON is parsed (see :meth:`Flavour.partial_mode`).
    mode: Any
    #: The helper's ``output_format``, which parses each text block as it stops.
    output_format: Any
    #: The response's status, which the SDK's error for an ``error`` event carries.
    status: int

    def fold(self, event: Any, snapshot: Any, json_bufs: dict[Any, bytes] | None = None) -> Any:
        return self.flavour.fold(event, snapshot, {} if json_bufs is None else json_bufs, self.headers)


class _Block:
    """One content block: its start event, and what its deltas added so far (only ever appended to)."""

    __slots__ = ("grows", "kind", "start", "takes", "text", "thinking", "tracks")

    def __init__(
        self,
        start: Any,
        kind: str,
        tracks: bool,
        grows: bool,
        text: Pieces | None = None,
        thinking: Pieces | None = None,
    ) -> None:
        """``tracks``: whether tool input deltas set its input; ``grows``: whether its text (or thinking)
        started as a string, which pieces are appended to (else ``+=`` raises, or does what it does)."""
        self.start, self.kind, self.tracks, self.grows = start, kind, tracks, grows
        self.text = text if text is not None else Pieces()
        self.thinking = thinking if thinking is not None else Pieces()
        #: The hot deltas it takes, by type: where each piece goes (a list's ``append``, :data:`_INPUT` or
        #: :data:`_GENERAL`); the others leave the block as it is.
        self.takes: dict[str, Any] = {}
        if kind == "text":
            self.takes["text_delta"] = self.text.append if grows else _GENERAL
        elif kind == "thinking":
            self.takes["thinking_delta"] = self.thinking.append if grows else _GENERAL
        if tracks:
            self.takes["input_json_delta"] = _INPUT

    @classmethod
    def made(cls, start: Any, made: Any, tracks_input: tuple[type, ...]) -> _Block:
        """The block a ``content_block_start`` event made (``made``: the SDK's content block for it)."""
        kind = made.type
        grows = kind not in _GROWN or type(getattr(made, _GROWN[kind], None)) is str
        return cls(start, kind, isinstance(made, tracks_input), grows)

    def copy(self, view: _View) -> _Block:
        text, thinking = self.text.copy(view.text), self.thinking.copy(view.thinking)
        return _Block(self.start, self.kind, self.tracks, self.grows, text, thinking)


class _View(NamedTuple):
    """A block as it was at one event: how many of its pieces it had (counted when a checkpoint is made; the
    accumulator's own views leave them stale), the tool input buffer it was last parsed from
    (``(json_bufs key, pieces)``), and its ``parsed_output``."""

    block: _Block
    text: int = 0
    thinking: int = 0
    input_mark: tuple[Any, int] | None = None
    parsed: Any = _UNSET


class MessageState:
    """What a ``MessageStream`` holds after one event. Each accessor builds a fresh message."""

    __slots__ = ("_bufs", "_checks", "_config", "_rare", "_rares", "_start", "_stop", "blocks")

    def __init__(
        self,
        config: _Config,
        start: Any,
        blocks: tuple[_View, ...],
        bufs: dict[Any, list[bytes]],
        rare: list[Any],
        rares: int,
        stop: Stop | None,
        checks: dict[Any, Prefix | None],
    ) -> None:
        """``rare``: the accumulator's other events (only ever appended to), of which the first ``rares``
        had come; ``checks``: how far each tool input is known to parse (see :mod:`.json_prefix`)."""
        self._config, self._start, self.blocks, self._bufs = config, start, blocks, bufs
        self._rare, self._rares, self._stop, self._checks = rare, rares, stop, checks

    @property
    def current_message_snapshot(self) -> Any:
        """The SDK's ``ParsedMessage`` (``ParsedBetaMessage`` for a beta stream) so far; ``None`` before
        ``message_start``, where the SDK's own accessor fails an assertion."""
        if self._start is None:
            return None
        fold = self._config.fold
        snapshot = fold(self._start, None)
        for view in self.blocks:
            fold(view.block.start, snapshot)
            content = snapshot.content[-1]
            if view.text:
                content.text += view.block.text.joined(view.text)
            if view.thinking:
                content.thinking += view.block.thinking.joined(view.thinking)
            if view.input_mark is not None:
                content.input = from_json(self._input(view.input_mark), partial_mode=self._config.mode)
            if view.parsed is not _UNSET:
                content.parsed_output = view.parsed
        rare = self._rare[: self._rares]
        for at, event in enumerate(rare):
            try:
                fold(event, snapshot)
            except Exception:
                # The event the stream stopped at, as the SDK left the message: changed up to where it raised.
                if at != len(rare) - 1 or self._stop is None or self._stop.kind != "exception":
                    raise
        return snapshot

    def get_final_message(self) -> Any:
        """What the stream's ``get_final_message()`` returns if the stream ended here."""
        snapshot = self.current_message_snapshot
        assert snapshot is not None  # as the SDK asserts
        return snapshot

    def get_final_text(self) -> str:
        """What the stream's ``get_final_text()`` returns if the stream ended here (its error included)."""
        message = self.get_final_message()
        texts = [block.text for block in message.content if block.type == "text"]
        if not texts:
            raise RuntimeError(
                ".get_final_text() can only be called when the API returns a `text` content block.\n"
                f"The API returned {','.join([b.type for b in message.content])} content block type(s) that you "
                "can access by calling get_final_message().content"
            )
        return "".join(texts)

    def input_json(self, position: int) -> str:
        """The partial JSON block ``position``'s input was last parsed from, as sent (``""`` when none)."""
        mark = self.blocks[position].input_mark
        return self._input(mark).decode() if mark is not None else ""

    def _input(self, mark: tuple[Any, int]) -> bytes:
        return b"".join(self._bufs[mark[0]][: mark[1]])

    @property
    def stop(self) -> Stop | None:
        """Why the SDK's stream stops at this event, if it does."""
        return self._stop

    def __repr__(self) -> str:
        kinds = [view.block.kind for view in self.blocks]
        return f"MessageState(started={self._start is not None}, blocks={kinds!r}, stop={self._stop!r})"


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
    ) -> None:
        """``flavour``: which helper read the stream; ``headers``: the request's; ``output_format``: the
        helper's; ``status``: the response's (see :class:`_Config`)."""
        headers = headers if headers is not None else httpx2.Headers()
        self._config = _Config(flavour, headers, flavour.partial_mode(headers), output_format, status)
        self._start: Any = None
        self._blocks: list[_Block] = []
        self._views: list[_View] = []
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
                _View(view.block, len(view.block.text), len(view.block.thinking), view.input_mark, view.parsed)
                for view in self._views
            ]
        )
        self._checks_shared = True
        return MessageState(self._config, self._start, views, self._bufs, rare, len(rare), self._stop, self._checks)

    state = checkpoint

    @classmethod
    def restore(cls, state: MessageState) -> MessageAccumulator:
        config = state._config
        out = cls(config.flavour, config.headers, output_format=config.output_format, status=config.status)
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
            status = self._config.status
            return self._halt(Stop("error_event", status_error(raw, raw or f"Error code: {status}", status)))
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
            return self._halt(Stop("error_event", status_error(data, f"{data}", self._config.status)))
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
        if take is _GENERAL:
            return None
        if take is _INPUT:
            self._take_input(index % len(blocks), index, piece)
            if self._stop is not None:
                return ()
        else:
            take(piece)  # counted at the next checkpoint
        return hot[1]

    def _grow(self, position: int, key: Any, kind: str, piece: str) -> None:
        """Adds a hot delta's piece to block ``position``, if the block takes it."""
        take = self._blocks[position].takes.get(kind)
        if take is _INPUT:
            self._take_input(position, key, piece)
        elif take is not None and take is not _GENERAL:
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
            self._views[position] = _View(view.block, view.text, view.thinking, (key, len(pieces)), view.parsed)

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
            block = _Block.made(event, scratch.content[-1], config.flavour.tracks_input)
            self._blocks.append(block)
            self._views.append(_View(block))
            return self._emit_typed(self.checkpoint(), event, ["content_block_start"])
        position, take, bufs = None, None, {}
        if kind in ("content_block_delta", "content_block_stop"):
            position = list(range(len(self._blocks)))[event.index]  # raises what the SDK's list does
        if kind == "content_block_delta":
            kind_of_delta = event.delta.type  # raises where the SDK's fold does
            take = self._blocks[position].takes.get(kind_of_delta) if kind_of_delta in _HOT else _GENERAL  # type: ignore[index]
            if take is _INPUT:
                bufs = {key: self._buffer(key) for key in self._bufs}
        if take is _GENERAL or kind == "message_delta":
            # Kept before folding: if the fold raises, the SDK's message stays as changed up to there.
            kept = event
            if kind == "content_block_delta" and event.index != position:  # kept as the block it named then
                kept = event.model_copy(update={"index": position})
            self._rare.append(kept)
        config.fold(event, scratch, bufs)
        names = [built.type for built in config.flavour.build_events(event=event, message_snapshot=scratch)]
        if kind == "content_block_stop":
            self._parse(position)  # type: ignore[arg-type]
        elif take is not None and take is not _GENERAL:  # a hot delta of an unusual shape the SDK took anyway
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
