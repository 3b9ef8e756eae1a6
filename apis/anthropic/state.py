"""What a ``MessageStream`` holds after one event, as :class:`~.accumulator.MessageAccumulator` keeps it: the
start events, each block's pieces (append-only), and :class:`MessageState`, a view of them at one event whose
snapshot is rebuilt on demand by the SDK's own fold (see the accumulator's module)."""

from __future__ import annotations

from typing import Any, NamedTuple

import httpx2
from jiter import from_json

from ..emitted import Stop
from .flavours import Flavour
from .json_prefix import Prefix
from .pieces import Pieces

__all__ = ["GENERAL", "INPUT", "UNSET", "Block", "Config", "MessageState", "View"]

#: The field that text and thinking deltas grow, by block type.
GROWN = {"text": "text", "thinking": "thinking"}
#: In a block's ``takes``: a tool input delta, which goes through :meth:`MessageAccumulator._take_input`.
INPUT: Any = object()
#: In a block's ``takes``: a delta folded by the SDK's own function, as any other event (a text delta into a
#: text block that did not start with a string).
GENERAL: Any = object()
UNSET: Any = object()


class Config(NamedTuple):
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
    #: The response that error carries (:func:`.flavours.response_of`).
    response: httpx2.Response

    def fold(self, event: Any, snapshot: Any, json_bufs: dict[Any, bytes] | None = None) -> Any:
        return self.flavour.fold(event, snapshot, {} if json_bufs is None else json_bufs, self.headers)


class Block:
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
        #: The hot deltas it takes, by type: where each piece goes (a list's ``append``, :data:`INPUT` or
        #: :data:`GENERAL`); the others leave the block as it is.
        self.takes: dict[str, Any] = {}
        if kind == "text":
            self.takes["text_delta"] = self.text.append if grows else GENERAL
        elif kind == "thinking":
            self.takes["thinking_delta"] = self.thinking.append if grows else GENERAL
        if tracks:
            self.takes["input_json_delta"] = INPUT

    @classmethod
    def made(cls, start: Any, made: Any, tracks_input: tuple[type, ...]) -> Block:
        """The block a ``content_block_start`` event made (``made``: the SDK's content block for it)."""
        kind = made.type
        grows = kind not in GROWN or type(getattr(made, GROWN[kind], None)) is str
        return cls(start, kind, isinstance(made, tracks_input), grows)

    def copy(self, view: View) -> Block:
        text, thinking = self.text.copy(view.text), self.thinking.copy(view.thinking)
        return Block(self.start, self.kind, self.tracks, self.grows, text, thinking)


class View(NamedTuple):
    """A block as it was at one event: how many of its pieces it had (counted when a checkpoint is made; the
    accumulator's own views leave them stale), the tool input buffer it was last parsed from
    (``(json_bufs key, pieces)``), and its ``parsed_output``."""

    block: Block
    text: int = 0
    thinking: int = 0
    input_mark: tuple[Any, int] | None = None
    parsed: Any = UNSET


class MessageState:
    """What a ``MessageStream`` holds after one event. Each accessor builds a fresh message."""

    __slots__ = ("_bufs", "_checks", "_config", "_rare", "_rares", "_start", "_stop", "blocks")

    def __init__(
        self,
        config: Config,
        start: Any,
        blocks: tuple[View, ...],
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
            if view.parsed is not UNSET:
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
