"""A pure replay of what ``generate_content_stream`` gives for each recorded chunk, and what a reader has
accumulated from the chunks so far, without copying any text at a checkpoint.

The SDK yields one ``GenerateContentResponse`` per chunk and keeps nothing between them: what a reader
accumulates (the text its ``.text`` gives chunk by chunk, the thoughts, the function calls) is each
chunk's own. :class:`GeminiAccumulator` checks every chunk against the SDK's types (once per shape, see
:mod:`.verdicts`), reading one the SDK's way when that check fails (so that what makes the SDK raise
raises here, at the same chunk); the chunk the SDK yields is built when asked for. What the chunks are
made of is kept in one append-only log: each chunk flat (its shape, shared with the chunks of that shape,
and its leaves: no JSON object per chunk), their text and thought pieces, and the positions of the chunks
holding function calls or carrying a finish reason, usage, grounding or prompt feedback. A
:class:`GeminiState` is the log and a chunk count (the log's first ``count`` chunks), and rebuilds the
SDK's objects on demand; an accumulator restored from a state goes on along the same log while it is
fed the chunks the log holds, and copies the log's prefix only if it is fed others.

The stream has no closing event and keeps no state, so a stop is an exception only: an ``{"error": ...}``
event (the SDK's ``APIError`` for its code), data that is not JSON, a chunk the SDK's types refuse, or a
named event (the SDK reads only ``data:`` lines).
"""

from __future__ import annotations

import json
from array import array
from bisect import bisect_left
from functools import partial
from typing import Any

from google.genai import errors, types

from ..emitted import Stop, StreamCallback, StreamEmitted
from ._genai import ChunkReader, not_json
from .verdicts import Shape, Verdicts

__all__ = ["GeminiAccumulator", "GeminiState"]


#: For a body google-genai reads otherwise than SSE does: the texts its reader takes as chunks, by the event
#: that completes them.
Reading = dict[int, list[str]]
#: What a chunk may carry that a later chunk replaces: the first candidate's (by the state's name for it) ...
_CANDIDATE_FIELDS = (
    ("finish", "finishReason"),
    ("safety", "safetyRatings"),
    ("grounding", "groundingMetadata"),
    ("citations", "citationMetadata"),
)
#: ... and the response's.
_RESPONSE_FIELDS = (("usage", "usageMetadata"), ("feedback", "promptFeedback"))


class _Log:
    """What the chunks read so far are made of, only ever appended to."""

    __slots__ = (
        "calls",
        "carried",
        "leaves",
        "parts",
        "reader",
        "reading",
        "shapes",
        "text_at",
        "texts",
        "thought_at",
        "thoughts",
        "verdicts",
    )

    def __init__(self, verdicts: Verdicts, reading: Reading | None) -> None:
        self.verdicts = verdicts
        self.reading = reading
        self.reader: ChunkReader = verdicts.reader
        # chunk i is shapes[i].rebuilt(leaves[i]); a chunk that is no JSON object: shapes[i] None, leaves[i] it
        self.shapes: list[Shape | None] = []
        self.leaves: list[Any] = []
        self.texts: list[str] = []
        self.text_at = array("i")  # the chunk each piece of text came in
        self.thoughts: list[str] = []
        self.thought_at = array("i")
        self.calls = array("i")  # the chunks holding function calls
        # the chunks carrying each field of _CANDIDATE_FIELDS and _RESPONSE_FIELDS
        self.carried = {field: array("i") for field, _ in (*_CANDIDATE_FIELDS, *_RESPONSE_FIELDS)}
        self.parts: dict[int, list[types.Part]] = {}  # a chunk's function-call parts, once read

    def prefix(self, count: int) -> _Log:
        """A log of the first ``count`` chunks only."""
        out = _Log(self.verdicts, self.reading)
        out.shapes, out.leaves = self.shapes[:count], self.leaves[:count]
        out.texts = self.texts[: bisect_left(self.text_at, count)]
        out.text_at = self.text_at[: len(out.texts)]
        out.thoughts = self.thoughts[: bisect_left(self.thought_at, count)]
        out.thought_at = self.thought_at[: len(out.thoughts)]
        out.calls = self.calls[: bisect_left(self.calls, count)]
        out.carried = {field: at[: bisect_left(at, count)] for field, at in self.carried.items()}
        return out

    def chunk(self, index: int) -> Any:
        """Chunk ``index``'s data, rebuilt."""
        shape = self.shapes[index]
        return self.leaves[index] if shape is None else shape.rebuilt(self.leaves[index])

    def take(self, data: Any, shape: Shape | None, leaves: Any) -> None:
        """Records chunk ``data``, flat as ``shape`` and ``leaves`` (the SDK has taken it)."""
        index = len(self.shapes)
        self.shapes.append(shape)
        self.leaves.append(leaves)
        if type(data) is not dict:  # something the SDK's types took anyway: it says nothing
            return
        candidates = data.get("candidates")
        first = candidates[0] if type(candidates) is list and candidates else None
        if type(first) is dict:
            content = first.get("content")
            parts = content.get("parts") if type(content) is dict else None
            if type(parts) is list:
                self._take_parts(index, parts)
            for field, key in _CANDIDATE_FIELDS:
                if first.get(key) is not None:
                    self.carried[field].append(index)
        for field, key in _RESPONSE_FIELDS:
            if data.get(key) is not None:
                self.carried[field].append(index)

    def _take_parts(self, index: int, parts: list[Any]) -> None:
        texts: list[str] = []
        thoughts: list[str] = []
        call = False
        for part in parts:
            if type(part) is not dict:
                continue
            text = part.get("text")
            if isinstance(text, str):
                (thoughts if part.get("thought") is True else texts).append(text)
            if part.get("functionCall") is not None:
                call = True
        if texts and (text := "".join(texts)):
            self.texts.append(text)
            self.text_at.append(index)
        if thoughts and (thought := "".join(thoughts)):
            self.thoughts.append(thought)
            self.thought_at.append(index)
        if call:
            self.calls.append(index)


class GeminiState:
    """What a reader of ``generate_content_stream`` has after one chunk. Each accessor builds fresh objects."""

    __slots__ = ("_count", "_events", "_log", "_stop")

    def __init__(self, log: _Log, count: int, stop: Stop | None, events: int = 0) -> None:
        self._log, self._count, self._stop, self._events = log, count, stop, events

    @property
    def chunks(self) -> int:
        """How many chunks the SDK has yielded."""
        return self._count

    @property
    def last_response(self) -> types.GenerateContentResponse | None:
        """The last chunk yielded, as the SDK's ``GenerateContentResponse`` (None before the first)."""
        return self._log.reader.read(self._log.chunk(self._count - 1)) if self._count else None

    @property
    def text(self) -> str:
        """Every chunk's ``.text`` so far, joined: the answer a reader prints (thoughts left out)."""
        log = self._log
        return "".join(log.texts[: bisect_left(log.text_at, self._count)])

    @property
    def thoughts(self) -> str:
        """The thought summaries so far: the first candidate's ``thought: true`` parts, joined."""
        log = self._log
        return "".join(log.thoughts[: bisect_left(log.thought_at, self._count)])

    @property
    def function_call_parts(self) -> list[types.Part]:
        """The parts that call a function, in order: each ``.function_call`` (name, args, id) with its
        ``thought_signature``."""
        return [part.model_copy(deep=True) for part in self.shared_function_call_parts]

    @property
    def shared_function_call_parts(self) -> list[types.Part]:
        """:attr:`function_call_parts` without the copies: each chunk's parts as read once for every state
        of the stream, the same objects at every event. Only to be read (the TUI's panes draw each call
        once, by the part it is)."""
        calls = self._log.calls
        return [part for index in calls[: bisect_left(calls, self._count)] for part in self._call_parts(index)]

    def _call_parts(self, index: int) -> list[types.Part]:
        """Chunk ``index``'s function-call parts, read once for every state of the stream."""
        found = self._log.parts.get(index)
        if found is None:
            parts = self._candidate(index).content.parts  # type: ignore[union-attr]
            found = self._log.parts[index] = [part for part in parts or [] if part.function_call is not None]
        return found

    @property
    def function_calls(self) -> list[types.FunctionCall]:
        """Every chunk's ``.function_calls`` so far, in order."""
        return [part.function_call for part in self.function_call_parts if part.function_call is not None]

    @property
    def finish_reason(self) -> types.FinishReason | None:
        """The first candidate's finish reason, once a chunk has given one."""
        return self._from("finish", lambda candidate: candidate.finish_reason)

    @property
    def finish_message(self) -> str | None:
        return self._from("finish", lambda candidate: candidate.finish_message)

    @property
    def safety_ratings(self) -> list[types.SafetyRating] | None:
        """The first candidate's safety ratings, as the last chunk to carry them gave them."""
        return self._from("safety", lambda candidate: candidate.safety_ratings)

    @property
    def grounding_metadata(self) -> types.GroundingMetadata | None:
        """The first candidate's grounding (search queries, sources, supports), as last sent."""
        return self._from("grounding", lambda candidate: candidate.grounding_metadata)

    @property
    def citation_metadata(self) -> types.CitationMetadata | None:
        return self._from("citations", lambda candidate: candidate.citation_metadata)

    @property
    def usage_metadata(self) -> types.GenerateContentResponseUsageMetadata | None:
        """The usage the last chunk to carry one reported (a running total)."""
        index = self._last("usage")
        return None if index is None else self._log.reader.read(self._log.chunk(index)).usage_metadata

    @property
    def prompt_feedback(self) -> types.GenerateContentResponsePromptFeedback | None:
        index = self._last("feedback")
        return None if index is None else self._log.reader.read(self._log.chunk(index)).prompt_feedback

    @property
    def model_version(self) -> str | None:
        last = self.last_response
        return last.model_version if last is not None else None

    @property
    def response_id(self) -> str | None:
        last = self.last_response
        return last.response_id if last is not None else None

    @property
    def stop(self) -> Stop | None:
        """Why the SDK's iterator raises at this event, if it does."""
        return self._stop

    def _last(self, field: str) -> int | None:
        """The last of the first ``count`` chunks to carry ``field``."""
        at = self._log.carried[field]
        found = bisect_left(at, self._count)
        return at[found - 1] if found else None

    def _candidate(self, index: int) -> types.Candidate:
        return self._log.reader.read(self._log.chunk(index)).candidates[0]  # type: ignore[index]

    def _from(self, field: str, get: Any) -> Any:
        index = self._last(field)
        return None if index is None else get(self._candidate(index))

    def __repr__(self) -> str:
        return f"GeminiState(chunks={self._count}, stop={self._stop!r})"


class GeminiAccumulator:
    """``handle_event(name, data)`` returns the chunks ``generate_content_stream`` yields for an event: the
    event's data, or, in a body the SDK reads otherwise than SSE does (see :func:`.sdk.reading`), what its
    reader takes from the event's lines."""

    __slots__ = ("_count", "_events", "_log", "stop")

    def __init__(
        self,
        verdicts: Verdicts,
        reading: Reading | None = None,
        log: _Log | None = None,
        counts: tuple[int, int] = (0, 0),
        stop: Stop | None = None,
    ) -> None:
        """``verdicts``: what the SDK took, shared by the accumulators of one stream; ``reading``: the texts
        the SDK reads at each event, for a body it reads otherwise; ``log``, ``counts`` (chunks, events) and
        ``stop``: where a restored accumulator starts."""
        self._log = _Log(verdicts, reading) if log is None else log
        self._count, self._events = counts
        self.stop = stop

    def checkpoint(self) -> GeminiState:
        return GeminiState(self._log, self._count, self.stop, self._events)

    @classmethod
    def restore(cls, state: GeminiState) -> GeminiAccumulator:
        log = state._log
        return cls(log.verdicts, log.reading, log, (state._count, state._events), state._stop)

    def finish(self, exception: BaseException | None = None) -> list[StreamCallback]:
        """The stream has no closing events: a transport error is raised to the reader."""
        return []

    def handle_sse(self, name: str | None, raw: str) -> StreamEmitted:
        """An event whose data is not JSON (or is a JSON string)."""
        return self._emitted(self._chunks(name, raw, parsed=False))

    def handle_event(self, name: str | None, data: Any) -> StreamEmitted:
        """What the SDK yields for one recorded event (``data`` already JSON-decoded)."""
        return self._emitted(self._chunks(name, data, parsed=True))

    def names(self, name: str | None, data: Any) -> tuple[str, ...]:
        """What :meth:`handle_event` yields, by name, building nothing."""
        return ("chunk",) * len(self._chunks(name, data, parsed=True))

    def _emitted(self, chunks: list[Any]) -> StreamEmitted:
        read = self._log.reader.read
        out = StreamEmitted([StreamCallback("chunk", make=partial(read, data)) for data in chunks])
        out.stop = self.stop
        return out

    def _chunks(self, name: str | None, data: Any, *, parsed: bool) -> list[Any]:
        """The data of each chunk the SDK yields for one event, in order."""
        if self.stop is not None:
            return []
        reading, self._events = self._log.reading, self._events + 1
        texts: list[str]
        if reading is not None:
            texts = reading.get(self._events - 1, [])
        elif name is not None:  # the SDK reads an ``event:`` line as (broken) JSON
            texts = [f"event: {name}"]
        elif parsed:
            return [data] if self._advance(data) else []
        else:
            texts = [data]
        out = []
        for text in texts:
            try:
                chunk = json.loads(text)
            except ValueError:
                self.stop = Stop("exception", not_json(text))
                break
            if not self._advance(chunk):
                break
            out.append(chunk)
        return out

    def _advance(self, data: Any) -> bool:
        """Takes one chunk; False when the SDK raises there."""
        log, count = self._log, self._count
        shape, leaves = log.verdicts.flat(data)
        if count < len(log.shapes):
            if log.shapes[count] is shape and log.leaves[count] == leaves:  # read before, along this log
                self._count = count + 1
                return True
            log = self._log = log.prefix(count)
        try:
            log.verdicts.check(data, shape, leaves)
        except errors.APIError as exc:
            self.stop = Stop("error_event", exc)
            return False
        except Exception as exc:  # what the SDK's iterator raises to the reader
            self.stop = Stop("exception", exc)
            return False
        log.take(data, shape, leaves)
        self._count = count + 1
        return True
