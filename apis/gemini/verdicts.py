"""Which chunks google-genai takes, remembered by shape, so that a 50k-chunk stream is not validated 50k times.

The SDK's verdict on a chunk (yielded, or what it raises) depends on its structure and on some of its
values: an ``int`` token count or a ``str`` text can be any int or string, but a finish reason (an enum),
a signature (bytes), a time or a field the SDK does not know may be refused for its value. A chunk's
*shape* is its structure with the leaves' types; which of its leaves are free is worked out once per
shape from the SDK itself: a copy whose leaves are markers goes through the SDK's converter, and a marker
landing on a field the SDK types as exactly its type (``str``, ``int``, ``float``, or ``Any``), on a model
with no validator of its own and no constraint on the field, is free. Every other leaf (a bool, a None, a
value the converter dropped or changed, one under an unknown key) keeps its value in the key. A chunk whose
key was taken before is taken; any other goes through :meth:`ChunkReader.check`, the SDK's own pipeline, and
only a taken one is remembered.
"""

from __future__ import annotations

import types as builtin_types
import typing
from typing import Any

import pydantic
from google.genai import types

from ._genai import ChunkReader, convert

__all__ = ["Shape", "Verdicts"]

_UNSET = object()  # a shape whose bound leaves are not worked out yet
_FREE_TYPES = (str, int, float)
_OWN_VALIDATOR = "_check_field_type_mismatches"  # google-genai's BaseModel's, which only logs about models


class _Leaf:
    """Stands for leaf ``index`` of a chunk while the SDK's converter moves it."""

    __slots__ = ("index", "kind")

    def __init__(self, index: int, kind: type) -> None:
        self.index, self.kind = index, kind


class Shape:
    """What the chunks of one shape share: the shape (a flat tuple: ``dict``/``list`` and their sizes, keys,
    leaf types), the positions of the leaves the SDK's verdict may depend on, and the last such chunk's
    leaves (whose equal strings the next chunk's reuse)."""

    __slots__ = ("bound", "last", "skeleton")

    def __init__(self, skeleton: tuple[Any, ...]) -> None:
        self.skeleton = skeleton
        self.bound: tuple[int, ...] | object | None = _UNSET
        self.last: tuple[Any, ...] | None = None

    def rebuilt(self, leaves: tuple[Any, ...]) -> Any:
        """The chunk of this shape whose leaves are ``leaves``: a fresh copy each time."""
        shape, values = iter(self.skeleton), iter(leaves)
        return _unflatten(shape, values)


class Verdicts:
    """``flat(data)`` is a chunk as its :class:`Shape` and its leaves; ``check(data, shape, leaves)`` raises
    what the SDK raises for it, checking each shape and bound values once."""

    def __init__(self, reader: ChunkReader) -> None:
        self.reader = reader
        self._shapes: dict[tuple[Any, ...], Shape] = {}
        self._taken: set[tuple[Any, ...]] = set()

    def flat(self, data: Any) -> tuple[Shape | None, Any]:
        """``(shape, leaves)``; ``(None, data)`` for data that is not a JSON object."""
        if type(data) is not dict:
            return None, data
        skeleton: list[Any] = []
        leaves: list[Any] = []
        _flatten(data, skeleton, leaves)
        key = tuple(skeleton)
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._shapes[key] = Shape(key)
        last = shape.last
        if last is not None:  # a string equal to the last chunk's is kept once (a role, a model version)
            leaves = [old if type(new) is str and old == new else new for old, new in zip(last, leaves, strict=True)]
        kept = shape.last = tuple(leaves)
        return shape, kept

    def check(self, data: Any, shape: Shape | None, leaves: Any) -> None:
        if shape is None:
            self.reader.check(data)
            return
        bound = shape.bound
        if bound is _UNSET:
            bound = shape.bound = _bound_leaves(data, len(leaves), self.reader.vertex)
        if bound is None:
            self.reader.check(data)
            return
        key = (shape.skeleton, *[leaves[index] for index in bound])  # type: ignore[attr-defined]
        if key not in self._taken:
            self.reader.check(data)
            self._taken.add(key)


def _flatten(value: Any, shape: list[Any], leaves: list[Any]) -> None:
    kind = type(value)
    if kind is dict:
        shape.append(dict)
        shape.append(len(value))
        for key, item in value.items():
            shape.append(key)
            _flatten(item, shape, leaves)
    elif kind is list:
        shape.append(list)
        shape.append(len(value))
        for item in value:
            _flatten(item, shape, leaves)
    else:
        shape.append(kind)
        leaves.append(value)


def _unflatten(shape: Any, leaves: Any) -> Any:
    kind = next(shape)
    if kind is dict:
        return {next(shape): _unflatten(shape, leaves) for _ in range(next(shape))}
    if kind is list:
        return [_unflatten(shape, leaves) for _ in range(next(shape))]
    return next(leaves)


def _marked(value: Any, counter: list[int]) -> Any:
    """``value`` with each str, int and float leaf replaced by a :class:`_Leaf` (numbered in order)."""
    kind = type(value)
    if kind is dict:
        return {key: _marked(item, counter) for key, item in value.items()}
    if kind is list:
        return [_marked(item, counter) for item in value]
    index = counter[0]
    counter[0] += 1
    return _Leaf(index, kind) if kind in _FREE_TYPES else value


def _bound_leaves(data: dict[str, Any], leaves: int, vertex: bool) -> tuple[int, ...] | None:
    """The positions of the leaves whose value the SDK's verdict may depend on; None if the converter does
    not take the markers."""
    try:
        converted = convert(_marked(data, [0]), vertex)
    except Exception:
        return None
    free: set[int] = set()
    bound: set[int] = set()
    _place(converted, types.GenerateContentResponse, free, bound)
    return tuple(index for index in range(leaves) if index not in free or index in bound)


def _place(value: Any, annotation: Any, free: set[int], bound: set[int]) -> None:
    """Sorts the markers under ``value``, validated as ``annotation``, into free and bound."""
    annotation = _unwrap_optional(annotation)
    if isinstance(value, _Leaf):
        (free if annotation is Any or (annotation is value.kind and value.kind in _FREE_TYPES) else bound).add(
            value.index
        )
        return
    if annotation is Any or _is_any_dict(annotation):
        _collect(value, free)
        return
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel) and type(value) is dict:
        fields = _fields_by_key(annotation)
        if fields is None:
            _collect(value, bound)
            return
        named = [fields.get(key) for key in value]
        for item, field in zip(value.values(), named, strict=True):
            if field is None or named.count(field) > 1 or field.metadata:
                _collect(item, bound)  # unknown, given twice (by name and alias), or constrained
            else:
                _place(item, field.annotation, free, bound)
        return
    if typing.get_origin(annotation) is list and type(value) is list:
        (item_type,) = typing.get_args(annotation) or (Any,)
        for item in value:
            _place(item, item_type, free, bound)
        return
    _collect(value, bound)


def _collect(value: Any, into: set[int]) -> None:
    if isinstance(value, _Leaf):
        into.add(value.index)
    elif type(value) is dict:
        for item in value.values():
            _collect(item, into)
    elif type(value) is list:
        for item in value:
            _collect(item, into)


def _unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, builtin_types.UnionType):
        others = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(others) == 1:
            return others[0]
    return annotation


def _is_any_dict(annotation: Any) -> bool:
    return typing.get_origin(annotation) is dict and typing.get_args(annotation) in ((str, Any), ())


_FIELDS: dict[type, dict[str, Any] | None] = {}


def _fields_by_key(model: type[pydantic.BaseModel]) -> dict[str, Any] | None:
    """A model's fields by every key pydantic takes for them (alias and name); None for a model with
    validators of its own or an unusual configuration, whose every value may count."""
    if model in _FIELDS:
        return _FIELDS[model]
    decorators = model.__pydantic_decorators__
    own = [name for name in decorators.model_validators if name != _OWN_VALIDATOR]
    validated = own or decorators.field_validators or decorators.validators or decorators.root_validators
    config = model.model_config
    fields = model.model_fields.items()
    found: dict[str, Any] | None = None
    unusual = config.get("strict") or config.get("extra") not in (None, "forbid", "ignore")
    if not (validated or unusual or any(not isinstance(field.validation_alias, str | None) for _, field in fields)):
        found = {name: field for name, field in fields}
        found.update({str(field.validation_alias or field.alias or name): field for name, field in fields})
    _FIELDS[model] = found
    return found
