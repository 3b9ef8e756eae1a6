"""``ssetape validate``'s rules for Chat Completions streams: every chunk a ``ChatCompletionChunk``, ``[DONE]`` last."""

from __future__ import annotations

from collections.abc import Iterator

from openai.types.chat import ChatCompletionChunk

from ssetape.replayer import Problem, StreamEvent

from .._rules import check

__all__ = ["order", "schema", "sse"]


def sse(event: StreamEvent) -> Iterator[Problem]:
    return iter(())  # nothing beyond the generic rules: the stream names no event


def schema(event: StreamEvent) -> Iterator[Problem]:
    yield from check(ChatCompletionChunk, event.data, event, prefix=".data")


def order(found: list[StreamEvent], complete: bool) -> Iterator[Problem]:
    done = next((event for event in found if event.raw == "[DONE]"), None)
    if done is not None:
        for event in found[done.index + 1 :]:
            yield Problem("order", f"an event after [DONE] (event {done.index})", event=event.index)
    elif complete:
        yield Problem("order", "the stream does not end with [DONE]", event=len(found) - 1 if found else None)
