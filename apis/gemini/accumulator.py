"""A pure replay of what ``generate_content_stream`` gives for each recorded chunk, and what a reader has
accumulated from the chunks so far, without copying any text at a checkpoint.

The SDK yields one ``GenerateContentResponse`` per chunk and keeps nothing between them: what a reader
accumulates (the text its ``.text`` gives chunk by chunk, the thoughts, the function calls) is each
chunk's own. :class:`GeminiAccumulator` checks every chunk against the SDK's types the first time it sees
it, and reads one the SDK's way when that check fails (so that what makes the SDK raise raises here, at the
same chunk); the chunk the SDK yields is built when asked for and keeps what the chunks are made of in append-only
lists: the chunks, their text and thought pieces, the chunks holding function calls, and which chunk
last carried a finish reason, usage, grounding or prompt feedback. A :class:`GeminiState` is a view of
those lists at one event (their lengths), and rebuilds the SDK's objects on demand.

The stream has no closing event and keeps no state, so a stop is an exception only: an ``{"error": ...}``
event (the SDK's ``APIError`` for its code), data that is not JSON, a chunk the SDK's types refuse, or a
named event (the SDK reads only ``data:`` lines).
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from google.genai import errors, types

from ..emitted import Stop, StreamCallback, StreamEmitted
from ._genai import ChunkReader, not_json
from .events import parts_of, text_of, thought_of

__all__ = ["GeminiAccumulator", "GeminiState"]


class GeminiState:
    """What a reader of ``generate_content_stream`` has after one chunk. Each accessor builds fresh objects."""

    __slots__ = ("_calls", "_chunks", "_count", "_known", "_last", "_reader", "_stop", "_texts", "_thoughts")

    def __init__(
        self,
        reader: ChunkReader,
        chunks: list[Any],
        counts: tuple[int, int, int, int],
        texts: list[str],
        thoughts: list[str],
        calls: list[int],
        last: dict[str, int],
        stop: Stop | None,
    ) -> None:
        """``chunks``, ``texts``, ``thoughts`` and ``calls`` are the accumulator's lists (only ever appended
        to), of which the first ``counts`` had come."""
        self._reader, self._chunks, self._texts, self._thoughts, self._calls = reader, chunks, texts, thoughts, calls
        self._count = counts
        self._last, self._stop = last, stop
        self._known: dict[Any, Any] = {}

    @property
    def chunks(self) -> int:
        """How many chunks the SDK has yielded."""
        return self._count[0]

    @property
    def last_response(self) -> types.GenerateContentResponse | None:
        """The last chunk yielded, as the SDK's ``GenerateContentResponse`` (None before the first)."""
        return self._reader.read(self._chunks[self._count[0] - 1]) if self._count[0] else None

    @property
    def text(self) -> str:
        """Every chunk's ``.text`` so far, joined: the answer a reader prints (thoughts left out)."""
        return "".join(self._texts[: self._count[1]])

    @property
    def thoughts(self) -> str:
        """The thought summaries so far: the first candidate's ``thought: true`` parts, joined."""
        return "".join(self._thoughts[: self._count[2]])

    @property
    def function_call_parts(self) -> list[types.Part]:
        """The parts that call a function, in order: each ``.function_call`` (name, args, id) with its
        ``thought_signature``."""
        return [
            part.model_copy(deep=True) for index in self._calls[: self._count[3]] for part in self._call_parts(index)
        ]

    def _call_parts(self, index: int) -> list[types.Part]:
        """Chunk ``index``'s function-call parts, read once for every state of the stream."""
        key = ("calls", index)
        found: list[types.Part] | None = self._known.get(key)
        if found is None:
            parts = self._candidate(index).content.parts  # type: ignore[union-attr]
            found = self._known[key] = [part for part in parts or [] if part.function_call is not None]
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
        index = self._last.get("usage")
        return None if index is None else self._reader.read(self._chunks[index]).usage_metadata

    @property
    def prompt_feedback(self) -> types.GenerateContentResponsePromptFeedback | None:
        index = self._last.get("feedback")
        return None if index is None else self._reader.read(self._chunks[index]).prompt_feedback

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

    def _candidate(self, index: int) -> types.Candidate:
        return self._reader.read(self._chunks[index]).candidates[0]  # type: ignore[index]

    def _from(self, field: str, get: Any) -> Any:
        index = self._last.get(field)
        return None if index is None else get(self._candidate(index))

    def __repr__(self) -> str:
        return f"GeminiState(chunks={self._count[0]}, calls={self._count[3]}, stop={self._stop!r})"


class GeminiAccumulator:
    """``handle_event(name, data)`` returns the chunk ``generate_content_stream`` yields for an event."""

    def __init__(self, reader: ChunkReader, known: dict[Any, Any] | None = None) -> None:
        """``known``: the chunks already read without a fault, by id (each kept, so that its id stays its
        own), shared by an accumulator and those restored from its states: stepping through a timeline again
        reads no chunk through the SDK twice."""
        self._reader = reader
        self._known: dict[Any, Any] = {} if known is None else known
        self._chunks: list[Any] = []
        self._texts: list[str] = []
        self._thoughts: list[str] = []
        self._calls: list[int] = []
        self._last: dict[str, int] = {}
        self.stop: Stop | None = None

    def checkpoint(self) -> GeminiState:
        counts = (len(self._chunks), len(self._texts), len(self._thoughts), len(self._calls))
        state = GeminiState(
            self._reader, self._chunks, counts, self._texts, self._thoughts, self._calls, dict(self._last), self.stop
        )
        state._known = self._known
        return state

    @classmethod
    def restore(cls, state: GeminiState) -> GeminiAccumulator:
        out = cls(state._reader, state._known)
        chunks, texts, thoughts, calls = state._count
        out._chunks, out._texts = state._chunks[:chunks], state._texts[:texts]
        out._thoughts, out._calls = state._thoughts[:thoughts], state._calls[:calls]
        out._last, out.stop = dict(state._last), state._stop
        return out

    def finish(self, exception: BaseException | None = None) -> list[StreamCallback]:
        """The stream has no closing events: a transport error is raised to the reader."""
        return []

    def handle_sse(self, name: str | None, raw: str) -> StreamEmitted:
        """An event whose data is not JSON (or is a JSON string)."""
        if self.stop is not None:
            return StreamEmitted()
        try:
            parsed = json.loads(raw)
        except ValueError:
            return self._halt(Stop("exception", not_json(raw)))
        return self.handle_event(name, parsed)

    def handle_event(self, name: str | None, data: Any) -> StreamEmitted:
        """What the SDK yields for one recorded event (``data`` already JSON-decoded)."""
        if self.stop is not None:
            return StreamEmitted()
        if name is not None:  # the SDK reads an ``event:`` line as (broken) JSON
            return self._halt(Stop("exception", not_json(f"event: {name}")))
        if self._known.get(id(data)) is not data:
            try:
                self._reader.check(data)
            except errors.APIError as exc:
                return self._halt(Stop("error_event", exc))
            except Exception as exc:  # what the SDK's iterator raises to the reader
                return self._halt(Stop("exception", exc))
            self._known[id(data)] = data
        self._take(data)
        return StreamEmitted([StreamCallback("chunk", make=partial(self._reader.read, data))])

    def _take(self, data: Any) -> None:
        index = len(self._chunks)
        self._chunks.append(data)
        if not isinstance(data, dict):  # something the SDK's types took anyway: it says nothing
            return
        text, thought = text_of("message", data), thought_of(data)
        if text:
            self._texts.append(text)
        if thought:
            self._thoughts.append(thought)
        if any(part.get("functionCall") is not None for part in parts_of(data)):
            self._calls.append(index)
        candidates = data.get("candidates")
        first = candidates[0] if isinstance(candidates, list) and candidates else None
        if isinstance(first, dict):
            for field, key in (
                ("finish", "finishReason"),
                ("safety", "safetyRatings"),
                ("grounding", "groundingMetadata"),
                ("citations", "citationMetadata"),
            ):
                if first.get(key) is not None:
                    self._last[field] = index
        if data.get("usageMetadata") is not None:
            self._last["usage"] = index
        if data.get("promptFeedback") is not None:
            self._last["feedback"] = index

    def _halt(self, stop: Stop) -> StreamEmitted:
        out = StreamEmitted()
        self.stop = out.stop = stop
        return out
