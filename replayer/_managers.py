"""The SDK stream manager ``replayer.stream`` returns, for each kind of recorded stream.

The manager comes from a real client's own helper (``client.beta.threads.runs.stream``,
``client.responses.stream``, ``client.chat.completions.stream``) on a transport that answers with the
recording, so everything after the request is the SDK's. The request itself is never looked at; only the
arguments that change how the SDK reads the answer matter:

- ``tools``: the SDK parses a strict function tool's arguments (``parsed_arguments``), and for Chat
  Completions a ``length`` or ``content_filter`` finish raises when a tool is parseable;
- ``text_format`` (Responses) and ``response_format`` (Chat Completions): a Pydantic model (or a
  ``json_schema`` dict, for Chat) that the final text is parsed into.

By default they are the recorded request's (its ``tools`` and ``response_format`` JSON, as sent); a
model class can only come from the caller. ``model`` and ``input`` / ``messages``, which the helpers
require, are the recorded ones too, for the look of it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from openai import Omit, omit

from ssetape.recorder import Interaction

from .errors import ReplayError
from .kinds import Kind

__all__ = ["chat_options", "manager", "responses_options"]

_THREAD_ID = re.compile(r"/threads/([^/]+)/")
_PLACEHOLDER_MODEL = "ssetape-replay"
_NAMES: dict[Kind, str] = {"assistants": "an Assistants", "responses": "a Responses", "chat": "a Chat Completions"}


def recorded_body(item: Interaction) -> dict[str, Any]:
    """The recorded request's JSON body, or ``{}`` (no body, not JSON: an imported ``.sse`` dump)."""
    try:
        body = json.loads(item.request.body_bytes or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _tools(body: dict[str, Any], tools: Any) -> Any:
    if not isinstance(tools, Omit):
        return tools
    recorded = body.get("tools")
    return list(recorded) if isinstance(recorded, list) else omit


def responses_options(item: Interaction, *, text_format: Any = omit, tools: Any = omit) -> dict[str, Any]:
    """What ``ResponseStreamState`` is built with: ``text_format`` and ``tools`` (the recorded ones by default)."""
    return {"text_format": text_format, "tools": _tools(recorded_body(item), tools)}


def chat_options(item: Interaction, *, response_format: Any = omit, tools: Any = omit) -> dict[str, Any]:
    """What ``ChatCompletionStreamState`` is built with: ``response_format`` and ``tools`` (recorded by default)."""
    body = recorded_body(item)
    if isinstance(response_format, Omit) and isinstance(body.get("response_format"), dict):
        response_format = body["response_format"]
    return {"response_format": response_format, "tools": _tools(body, tools)}


def manager(
    client: Any,
    item: Interaction,
    kind: Kind,
    event_handler: Any,
    *,
    where: str,
    text_format: Any = omit,
    response_format: Any = omit,
    tools: Any = omit,
) -> Any:
    """``client``'s own stream helper for ``item``, which holds a ``kind`` stream (``where`` names it in errors)."""
    given = [
        name
        for name, value in (("text_format", text_format), ("response_format", response_format), ("tools", tools))
        if not isinstance(value, Omit)
    ]
    allowed = {"assistants": (), "responses": ("text_format", "tools"), "chat": ("response_format", "tools")}[kind]
    wrong = [name for name in given if name not in allowed]
    if wrong:
        raise ReplayError(f"{where} is {_NAMES[kind]} stream: {', '.join(wrong)} does not apply to it")
    if kind == "assistants":
        match = _THREAD_ID.search(item.request.uri)
        thread_id = match.group(1) if match else "thread_replay"
        return client.beta.threads.runs.stream(
            thread_id=thread_id, assistant_id="asst_replay", event_handler=event_handler
        )
    if event_handler is not None:
        raise ReplayError(
            f"{where} is {_NAMES[kind]} stream: an event handler only applies to Assistants streams; "
            "iterate the returned stream instead"
        )
    body = recorded_body(item)
    model = body.get("model") if isinstance(body.get("model"), str) else _PLACEHOLDER_MODEL
    if kind == "responses":
        options = responses_options(item, text_format=text_format, tools=tools)
        return client.responses.stream(model=model, input=body.get("input") or "", **options)
    options = chat_options(item, response_format=response_format, tools=tools)
    messages = body.get("messages") if isinstance(body.get("messages"), list) else []
    return client.chat.completions.stream(model=model, messages=messages, **options)
