"""The installed openai SDK as a test oracle for Assistants streams.

Raw SSE bytes are served through ``httpx2.MockTransport`` (as a real streamed body, chunk by chunk) to a
real ``openai.OpenAI`` client; ``client.beta.threads.runs.stream(...)`` runs them through the SDK's own
``Stream`` + ``AssistantEventHandler`` machinery, and :class:`LoggingHandler` records every callback the
handler receives together with deep, JSON-able copies of its accessor state *at that moment*.

Both sides of a differential test must use :func:`normalize` so that logs compare with ``==``.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import httpx2
import openai
import pydantic
from openai import AssistantEventHandler

__all__ = [
    "CALLBACK_NAMES",
    "STATE_ACCESSORS",
    "LoggingHandler",
    "SDKRun",
    "StrictLoggingHandler",
    "describe_exception",
    "log_entry",
    "normalize",
    "sdk_log",
]

#: Every ``on_*`` callback the SDK's handler declares, derived from the class so that a callback added in
#: a future SDK version is logged (and therefore compared) without anyone having to remember it.
CALLBACK_NAMES: tuple[str, ...] = tuple(
    name
    for name, member in inspect.getmembers(AssistantEventHandler, predicate=inspect.isfunction)
    if name.startswith("on_")
)

#: The handler accessors captured with every log entry.
STATE_ACCESSORS: tuple[str, ...] = (
    "current_event",
    "current_run",
    "current_message_snapshot",
    "current_run_step_snapshot",
)


def describe_exception(exc: BaseException) -> dict[str, str]:
    return {"type": type(exc).__name__, "message": str(exc)}


def normalize(value: Any, *, exclude_unset: bool = False) -> Any:
    """A JSON-able deep copy of ``value``.

    Pydantic models become ``model_dump(mode="json")`` (with ``exclude_unset`` when asked: the strict
    form, which also tells a field the server never sent from one it sent as ``null``); exceptions become
    ``{"type", "message"}``; containers are copied recursively. Nothing returned aliases ``value``.
    """
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", exclude_unset=exclude_unset, warnings=False)
    if isinstance(value, BaseException):
        return describe_exception(value)
    if isinstance(value, dict):
        return {str(k): normalize(v, exclude_unset=exclude_unset) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalize(v, exclude_unset=exclude_unset) for v in value]
    return repr(value)


def _capture(getter: Callable[[], Any], *, exclude_unset: bool) -> Any:
    """Normalize an accessor's value; an accessor that raises is recorded as such (the SDK's
    ``current_run_step_snapshot`` raises ``KeyError`` after ``thread.run.step.in_progress`` for a step it
    never saw created)."""
    try:
        value = getter()
    except Exception as exc:
        return {"__raises__": describe_exception(exc)}
    return normalize(value, exclude_unset=exclude_unset)


def log_entry(
    callback: str,
    args: tuple[Any, ...],
    state_source: Any,
    *,
    exclude_unset: bool = False,
    kwargs: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One log entry: the callback, its normalized arguments (and their classes) and the four accessors
    of ``state_source`` (the handler itself, or anything exposing the same accessors) read right now."""
    entry: dict[str, Any] = {
        "callback": callback,
        "args": [normalize(a, exclude_unset=exclude_unset) for a in args],
        "arg_types": [type(a).__name__ for a in args],
        "state": {
            name: _capture(lambda name=name: getattr(state_source, name), exclude_unset=exclude_unset)
            for name in STATE_ACCESSORS
        },
    }
    if kwargs:  # the SDK passes everything positionally today; keep anything else visible
        entry["kwargs"] = normalize(kwargs, exclude_unset=exclude_unset)
    return entry


class LoggingHandler(AssistantEventHandler):
    """Logs every callback: ``{"callback", "args", "arg_types", "state"}`` per call, in order."""

    #: ``True`` dumps models with ``exclude_unset=True`` (see :func:`normalize`).
    exclude_unset: ClassVar[bool] = False

    def __init__(self) -> None:
        super().__init__()
        self.log: list[dict[str, Any]] = []

    def _record(self, callback: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.log.append(log_entry(callback, args, self, exclude_unset=self.exclude_unset, kwargs=kwargs))


class StrictLoggingHandler(LoggingHandler):
    exclude_unset = True


def _make_logger(callback: str) -> Callable[..., None]:
    def method(self: LoggingHandler, *args: Any, **kwargs: Any) -> None:
        self._record(callback, args, kwargs)

    method.__name__ = method.__qualname__ = callback
    return method


for _callback in CALLBACK_NAMES:
    setattr(LoggingHandler, _callback, _make_logger(_callback))
del _callback


@dataclasses.dataclass
class SDKRun:
    log: list[dict[str, Any]]
    #: ``"TypeName: message"`` of what ``until_done()`` raised, or ``None``.
    exception: str | None
    #: JSON-able, or the message of the ``RuntimeError`` the SDK's ``get_final_*`` raises when absent.
    final_run: Any
    final_messages: Any
    final_run_steps: Any
    #: What ``stream.text_deltas`` yields over the same body (a second, independent run).
    text_deltas: list[str]
    text_deltas_exception: str | None = None


class _ChunkStream(httpx2.SyncByteStream):
    """A response body yielded chunk by chunk (never pre-buffered), optionally failing at the end."""

    def __init__(self, chunks: list[bytes], raise_at_end: BaseException | None) -> None:
        self._chunks = chunks
        self._raise_at_end = raise_at_end

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks
        if self._raise_at_end is not None:
            raise self._raise_at_end

    def close(self) -> None:
        pass


def _client(chunks: list[bytes], status: int, raise_at_end: BaseException | None) -> openai.OpenAI:
    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            status,
            headers={"content-type": "text/event-stream"},
            stream=_ChunkStream(list(chunks), raise_at_end),
            request=request,
        )

    return openai.OpenAI(
        api_key="sk-test",
        base_url="http://oracle.test/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )


def _exc_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _final(getter: Callable[[], Any], *, exclude_unset: bool) -> Any:
    try:
        return normalize(getter(), exclude_unset=exclude_unset)
    except RuntimeError as exc:
        return str(exc)


def sdk_log(
    chunks: list[bytes],
    *,
    handler_cls: type[LoggingHandler] = LoggingHandler,
    status: int = 200,
    raise_at_end: BaseException | None = None,
) -> SDKRun:
    """Run one response body through the real SDK and return everything its handler saw."""
    client = _client(chunks, status, raise_at_end)
    handler = handler_cls()
    exception: str | None = None
    try:
        with client.beta.threads.runs.stream(
            thread_id="thread_x", assistant_id="asst_x", event_handler=handler
        ) as stream:
            stream.until_done()
    except Exception as exc:
        exception = _exc_text(exc)

    strict = handler.exclude_unset
    run = SDKRun(
        log=handler.log,
        exception=exception,
        final_run=_final(handler.get_final_run, exclude_unset=strict),
        final_messages=_final(handler.get_final_messages, exclude_unset=strict),
        final_run_steps=_final(handler.get_final_run_steps, exclude_unset=strict),
        text_deltas=[],
    )

    client = _client(chunks, status, raise_at_end)
    try:
        with client.beta.threads.runs.stream(
            thread_id="thread_x", assistant_id="asst_x", event_handler=AssistantEventHandler()
        ) as stream:
            for text in stream.text_deltas:
                run.text_deltas.append(text)
    except Exception as exc:
        run.text_deltas_exception = _exc_text(exc)
    return run
