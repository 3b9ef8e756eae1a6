"""The SDK internals that replaying Responses and Chat Completions streams relies on, kept in one place.

The SDK's ``ResponseStream`` and ``ChatCompletionStream`` read typed raw events from its ``Stream`` and
pass each to a public state object (``ResponseStreamState.handle_event``,
``ChatCompletionStreamState.handle_chunk``) that updates the snapshot and returns the events the stream
yields. :class:`SDKAccumulator` drives those same state objects, one recorded event at a time, so the
snapshots and yielded events *are* the SDK's. What is not public, and therefore lives here only:

- how ``Stream.__stream__`` turns an SSE event into a typed raw event, or raises: :func:`read` repeats
  its few branches and calls the client's own ``_process_response_data`` for the conversion;
- the chat stream's filter that skips non-chunk events (``_is_valid_chat_completion_chunk_weak``);
- the snapshot attributes, which the state classes keep name-mangled (:func:`mangled`);
- how ``construct`` validates one field of a raw event (:func:`validated_field`).

Where the SDK's stream raises, nothing is raised here: the result carries a :class:`Stop` (the same
class the Assistants accumulator uses) and events after a stop are ignored, as the SDK never reads them.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import httpx2
import openai
import pydantic
from openai import APIError
from openai._models import TypeAdapter as SDKTypeAdapter
from openai._models import validate_type
from openai.lib.streaming.chat._completions import _is_valid_chat_completion_chunk_weak

from .emitted import Stop, StreamCallback, StreamEmitted

__all__ = [
    "SDKAccumulator",
    "StreamCallback",
    "StreamEmitted",
    "api_error",
    "is_chat_chunk",
    "mangled",
    "read",
    "replay_client",
    "session_client",
    "tools_option",
    "validated_field",
]

#: Where the OpenAI API is: recorded URLs are rewritten to it (``ssetape.fixtures.regenerate``).
PUBLIC_BASE = "https://api.openai.com"

_PLACEHOLDER_REQUEST = httpx2.Request("POST", "http://ssetape.invalid/v1/threads/runs")

#: Stands in for the HTTP response ``_process_response_data`` names in a validation error.
_RESPONSE = httpx2.Response(200, request=httpx2.Request("POST", "http://ssetape.invalid/v1"))

#: The chat stream's own test for "this event is a chunk" (Azure's content-filter events are not).
is_chat_chunk: Callable[[Any], bool] = _is_valid_chat_completion_chunk_weak


def api_error(data: Mapping[str, Any]) -> APIError:
    """What the SDK's ``Stream.__stream__`` raises for ``event: error`` (and any non-``thread.*`` event)."""
    error = data.get("error")
    message = error.get("message") if isinstance(error, Mapping) else None
    if not message or not isinstance(message, str):
        message = "An error occurred during streaming"
    return APIError(message=message, request=_PLACEHOLDER_REQUEST, body=data["error"])


@functools.cache
def _client() -> openai.OpenAI:
    # Only its response-data conversion is used: no request is ever sent.
    return openai.OpenAI(api_key="sk-ssetape-replay", base_url="http://ssetape.invalid/v1", max_retries=0)


def read(name: str | None, data: Any, cast_to: Any) -> Any:
    """The typed raw event ``Stream.__stream__`` yields for one SSE event (``name``: its ``event:`` field,
    ``None`` when absent; ``data``: its JSON, decoded), or the ``APIError`` it raises for an error payload."""
    convert = _client()._process_response_data
    if name and name.startswith("thread."):  # the Stream's Assistants branch, whatever the endpoint
        return convert(data={"data": data, "event": name}, cast_to=cast_to, response=_RESPONSE)
    if isinstance(data, Mapping) and data.get("error"):
        raise api_error(data)
    return convert(data=data, cast_to=cast_to, response=_RESPONSE)


def validated_field(model: type[pydantic.BaseModel], name: str, value: Any) -> Any:
    """What :func:`read` makes of ``value`` as field ``name`` of a ``model`` it builds, where the field's
    type is a union (``Optional``) and takes ``value``: the SDK's ``construct`` validates such a field on its
    own. Raises where validation fails (the SDK then builds the field unchecked)."""
    return _field_validator(model, name)(value)


@functools.cache
def _field_validator(model: type[pydantic.BaseModel], name: str) -> Callable[[Any], Any]:
    # The SDK's ``validate_type`` for a type that is not a model class: its own cached ``TypeAdapter``
    # (hashing a union to find it again costs more than validating one entry).
    annotation: Any = model.model_fields[name].annotation
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return lambda value: validate_type(type_=annotation, value=value)
    return SDKTypeAdapter(annotation).validate_python  # type: ignore[no-any-return]


def mangled(obj: object, cls: type, name: str) -> Any:
    """``obj.__name`` as seen from inside ``cls`` (a private attribute of the SDK's state classes)."""
    return getattr(obj, f"_{cls.__name__.lstrip('_')}__{name}")


class SDKAccumulator:
    """Feeds recorded events to one of the SDK's stream-state objects, as the SDK's stream would.

    Subclasses say which raw type the ``Stream`` casts to and how the stream hands an event to its state
    (:meth:`_fire`). :meth:`checkpoint` and :meth:`restore` copy the whole state object, so a checkpoint
    can be resumed from any number of times.
    """

    #: The ``cast_to`` of the SDK's ``Stream`` for this endpoint.
    cast_to: ClassVar[Any]
    #: The class of :meth:`checkpoint`'s result.
    state_class: ClassVar[type[Any]]

    def __init__(self, sdk_state: Any, stop: Stop | None = None) -> None:
        self._sdk = sdk_state
        self._stop = stop

    @property
    def stop(self) -> Stop | None:
        return self._stop

    def checkpoint(self) -> Any:
        """A detached copy of the state after the events handled so far."""
        return self.state_class(copy.deepcopy(self._sdk), self._stop)

    state = checkpoint

    @classmethod
    def restore(cls, checkpoint: Any) -> Any:
        return cls(copy.deepcopy(checkpoint._sdk), checkpoint.stop)

    def handle_sse(self, name: str | None, raw: str) -> StreamEmitted:
        """An event whose data is not JSON: ``[DONE]`` ends the stream, anything else fails to decode."""
        if self._stop is not None:
            return StreamEmitted()
        if raw.startswith("[DONE]"):
            return self._halt(StreamEmitted(), Stop("done", None))
        try:
            parsed = json.loads(raw)
        except (ValueError, RecursionError) as exc:  # what ``sse.json()`` raises inside the SDK's Stream
            return self._halt(StreamEmitted(), Stop("exception", exc))
        return self.handle_event(name, parsed)

    def handle_event(self, name: str | None, data: Any) -> StreamEmitted:
        """The events the SDK's stream yields for one recorded event (``data`` already JSON-decoded)."""
        out = StreamEmitted()
        if self._stop is not None:
            return out
        try:
            raw = read(name, data, self.cast_to)
        except APIError as exc:
            return self._halt(out, Stop("error_event", exc))
        except Exception as exc:
            return self._halt(out, Stop("exception", exc))
        try:
            fired = self._fire(raw)
        except Exception as exc:  # the state raises: the SDK's stream raises it to the reader
            return self._halt(out, Stop("exception", exc))
        out.extend(StreamCallback(event.type, event) for event in fired)
        return out

    def finish(self, exception: BaseException | None = None) -> list[StreamCallback]:
        """These streams have no closing callbacks: a transport error is raised to the reader."""
        return []

    def _fire(self, raw: Any) -> list[Any]:
        raise NotImplementedError

    def _halt(self, out: StreamEmitted, stop: Stop) -> StreamEmitted:
        self._stop = out.stop = stop
        return out


def replay_client(transport: Any, *, asynchronous: bool) -> Any:
    """An ``openai`` client (sync or async) whose every request goes to ``transport``."""
    options: dict[str, Any] = {"api_key": "sk-ssetape-replay", "base_url": "http://replay.ssetape/v1", "max_retries": 0}
    if asynchronous:
        return openai.AsyncOpenAI(http_client=httpx2.AsyncClient(transport=transport), **options)
    return openai.OpenAI(http_client=httpx2.Client(transport=transport), **options)


def session_client(root: str | None, transport: Any, **options: Any) -> openai.OpenAI:
    """An ``openai`` client of the API at ``root`` (an emulated upstream, without ``/v1``; None: the one its
    environment variable names, as an application's client finds it) sending through ``transport``, with a fake
    key; ``options`` (another API's) do not apply."""
    return openai.OpenAI(
        api_key="sk-emulated-not-a-real-key",
        base_url=f"{root}/v1" if root is not None else None,
        max_retries=0,
        http_client=httpx2.Client(transport=transport),
    )


def public_base(**options: Any) -> str:
    """The real API's base URL, which a recording against an emulated upstream is rewritten to."""
    return PUBLIC_BASE


def tools_option(body: dict[str, Any], tools: Any) -> Any:
    """The ``tools`` a stream helper parses with: the caller's, else the recorded request's."""
    if not isinstance(tools, openai.Omit):
        return tools
    recorded = body.get("tools")
    return list(recorded) if isinstance(recorded, list) else openai.omit
