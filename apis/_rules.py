"""What the homes' ``rules`` modules share: checking an event against the SDK's pydantic types.

Imported only by the ``rules`` modules, which import the SDK's types (``ssetape validate``).
"""

from __future__ import annotations

import json
import typing
from collections.abc import Iterator
from typing import Any

import pydantic

from ssetape.replayer import Problem, StreamEvent, clip

__all__ = ["check", "members"]


def members(union: Any, tag: str) -> dict[str, type[pydantic.BaseModel]]:
    """The models of one of the SDK's tagged unions, by the value of their ``tag`` field."""
    while typing.get_origin(union) is typing.Annotated:
        union = typing.get_args(union)[0]
    out = {}
    for model in typing.get_args(union):
        literal = typing.get_args(model.model_fields[tag].annotation)
        if literal:
            out[literal[0]] = model
    return out


def check(model: type[pydantic.BaseModel], value: Any, event: StreamEvent, prefix: str) -> Iterator[Problem]:
    """The ``schema`` warning for ``value`` (the event's data, or what the SDK parses of it) when ``model``
    does not take it: the first mismatch, located under ``prefix``, and how many more there are."""
    try:
        model.model_validate(value)
    except pydantic.ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        path = prefix + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in first["loc"])
        got = "" if first["type"] == "missing" else f" (got {clip(json.dumps(first['input']), quote=False)})"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        yield Problem(
            "schema",
            f"{event.name}: {path}: {first['msg']}{got}, for the SDK's {model.__name__}{more}",
            event=event.index,
            severity="warning",
        )
