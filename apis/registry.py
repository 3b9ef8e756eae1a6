"""The list of streaming APIs ssetape knows, and the questions asked of all of them at once."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from ._sdk_base import SdkBase
from ._summary import TOKENS, TokenNames

if TYPE_CHECKING:
    from .contract import Events, Panes, Rules, Sdk, Wire

__all__ = [
    "DEFAULT",
    "REGISTRY",
    "Api",
    "Kind",
    "api",
    "api_for",
    "by_path",
    "error_document",
    "recognise",
    "run_of",
    "stream_ends",
]

#: An API's name in the registry: ``"assistants"``, ``"responses"``, ``"chat"``, ``"anthropic"``, ``"gemini"``,
#: ``"sse"``.
Kind = str


@dataclass(frozen=True)
class Api:
    """One streaming API: its name, its home package, and its home's modules, each imported on first use."""

    kind: Kind
    #: Its name in messages: ``"Assistants"``, ``"Chat Completions"``.
    name: str
    #: The home package: ``ssetape.apis.assistants``.
    home: str
    _modules: dict[str, ModuleType] = field(default_factory=dict, compare=False, repr=False)

    @property
    def title(self) -> str:
        """Its name with its article, as messages say it: ``is an Assistants stream``."""
        return ("an " if self.name[:1] in "AEIOU" else "a ") + self.name

    def module(self, layer: str) -> ModuleType:
        """The home's ``layer`` module (``wire``, ``events``, ``rules``, ``sdk``, ``panes``)."""
        found = self._modules.get(layer)
        if found is None:
            found = self._modules[layer] = importlib.import_module(f"{self.home}.{layer}")
        return found

    @property
    def wire(self) -> Wire:
        return cast("Wire", self.module("wire"))

    @property
    def events(self) -> Events:
        return cast("Events", self.module("events"))

    @property
    def rules(self) -> Rules:
        return cast("Rules", self.module("rules"))

    @property
    def sdk(self) -> Sdk:
        return cast("Sdk", self.module("sdk"))

    @property
    def panes(self) -> Panes:
        return cast("Panes", self.module("panes"))

    @property
    def tokens(self) -> TokenNames:
        """What its usage calls the token counts: the home's optional ``events.TOKENS``, else OpenAI's and
        Anthropic's names."""
        return cast("TokenNames", getattr(self.events, "TOKENS", TOKENS))

    @property
    def event_at_end(self) -> bool:
        """Whether its SDK takes the whole lines after a complete body's last blank line as one more event:
        the home's optional ``wire.EVENT_AT_END`` (False: they are dropped, as SSE says)."""
        return bool(getattr(self.wire, "EVENT_AT_END", False))

    def sdk_base(self, uri: str) -> SdkBase | None:
        """Where its SDK's base URL ends in the path of ``uri`` (a request it sent), with the environment variable
        the SDK reads it from: the home's optional ``wire.sdk_base``; None when it has none (no SDK: a generic
        stream) or ``uri`` is not a path the SDK would send to."""
        found = getattr(self.wire, "sdk_base", None)
        return None if found is None else cast("SdkBase | None", found(uri))

    def model_of(self, uri: str) -> str | None:
        """The model a request to ``uri`` names in its path: the home's optional ``wire.model_of`` (Gemini's
        ``models/gemini-2.5-flash:streamGenerateContent``); None when it has none or the path names none."""
        found = getattr(self.wire, "model_of", None)
        return None if found is None else cast("str | None", found(uri))

    def event_types(self, pairs: Iterable[tuple[str, Any]]) -> list[str] | None:
        """The type of each event ``(name, data)`` as lists show and group it, from the home's optional
        ``events.event_type``; None when the home has none (its SSE types already say what each event is)."""
        typed = getattr(self.events, "event_type", None)
        return None if typed is None else [str(typed(name, data)) for name, data in pairs]


#: Every API, in the order recognition tries them. To add an API: add its home, then one line here.
REGISTRY: tuple[Api, ...] = (
    Api("assistants", "Assistants", "ssetape.apis.assistants"),
    Api("responses", "Responses", "ssetape.apis.responses"),
    Api("chat", "Chat Completions", "ssetape.apis.chat"),
    Api("anthropic", "Anthropic Messages", "ssetape.apis.anthropic"),
    Api("gemini", "Gemini", "ssetape.apis.gemini"),
    Api("sse", "generic SSE", "ssetape.apis.sse"),
)
#: What a stream that names no API (and whose path is no API's) counts as: a generic SSE stream, shown as
#: the events it holds and never read as some API's.
DEFAULT = next(entry for entry in REGISTRY if entry.kind == "sse")


def api(kind: Kind) -> Api:
    """The registry entry for ``kind``."""
    for entry in REGISTRY:
        if entry.kind == kind:
            return entry
    raise KeyError(f"no streaming API named {kind!r}; known: {', '.join(entry.kind for entry in REGISTRY)}")


#: The registry the two caches below were made for, its entries with their ``wire`` modules, and the API of each
#: request path asked so far. Keyed by the tuple's identity: tests/test_new_api.py patches ``REGISTRY``.
_cached_for: tuple[Api, ...] | None = None
_cached_wires: tuple[tuple[Api, Wire], ...] = ()
_paths: dict[str, Api | None] = {}
#: Paths remembered at most: a listing's interactions share a few endpoints, each asked per stream.
_PATHS = 4096


def _wires() -> tuple[tuple[Api, Wire], ...]:
    """Each entry of the registry as it is now with its ``wire`` module, looked up once: the questions below
    are asked per event when a listing of 100k interactions tells their kinds apart."""
    global _cached_for, _cached_wires
    if REGISTRY is not _cached_for:
        _cached_wires = tuple((entry, entry.wire) for entry in REGISTRY)
        _paths.clear()
        _cached_for = REGISTRY
    return _cached_wires


def recognise(name: str, data: Any) -> Api | None:
    """The API this event names, if it names one."""
    for entry, wire in _wires():
        if wire.names_api(name, data):
            return entry
    return None


def recognise_error(data: Any) -> Api | None:
    """The API whose own shape an ``error`` event's data has, if one's wire says so (``error_names_api``)."""
    for entry, wire in _wires():
        names = getattr(wire, "error_names_api", None)
        if names is not None and names(data):
            return entry
    return None


def api_for(name: str, data: Any = None, kind: Kind | None = None) -> Api:
    """The API of a ``kind`` stream; without a kind, the API the event names, else :data:`DEFAULT`."""
    if kind is not None:
        return api(kind)
    return recognise(name, data) or DEFAULT


def by_path(uri: str) -> Api | None:
    """The API whose streaming endpoint ``uri`` is, if any."""
    wires = _wires()
    try:
        return _paths[uri]
    except KeyError:
        pass
    segments = [segment for segment in urlsplit(uri).path.split("/") if segment]
    found = next((entry for entry, wire in wires if wire.owns_path(segments)), None)
    if len(_paths) >= _PATHS:
        _paths.clear()
    _paths[uri] = found
    return found


def error_document(
    uri: str, status: int, message: str, code: str | None, error_type: str = "server_error"
) -> dict[str, Any]:
    """The error body the API at ``uri`` would send with ``status``, so that its SDK shows ``message``: the
    home's ``wire.error_document`` when it has one (an optional member of ``Wire``), else OpenAI's shape,
    with ``error_type`` and ``code``."""
    entry = by_path(uri)
    shape = getattr(entry.wire, "error_document", None) if entry is not None else None
    if shape is not None:
        return cast("dict[str, Any]", shape(status, message, code))
    return {"error": {"message": message, "type": error_type, "param": None, "code": code}}


def stream_ends(name: str, data: Any) -> bool:
    """Whether some API sends nothing after this event (``[DONE]``, an error, a final response event)."""
    return any(wire.ends_stream(name, data) for _, wire in _wires())


def run_of(document: dict[str, Any]) -> tuple[str | None, str | None] | None:
    """``(thread id, run id)`` the first API that reads one from ``document`` gives (see ``Wire.run_of``)."""
    for _, wire in _wires():
        named = wire.run_of(document)
        if named is not None:
            return named
    return None
