"""What each layer of an API's home provides: the protocols the registry's modules satisfy.

A home's module satisfies its protocol with module-level functions (``ssetape.apis.chat.wire`` is a
:class:`Wire`), so a home needs no classes of its own to plug in.
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["Wire"]


class Wire(Protocol):
    """Facts about an API's bytes, with no SDK import (the recording proxy uses nothing else).

    ``name`` is an event's SSE type (``"message"`` when the stream names none); ``data`` its ``data:``
    text parsed as JSON, or the text itself when it is not JSON (``"[DONE]"``).
    """

    def names_api(self, name: str, data: Any) -> bool:
        """Whether this event says the stream is this API's (the first such event decides)."""
        ...

    def owns_path(self, segments: list[str]) -> bool:
        """Whether a request path (split into its segments) is one of this API's streaming endpoints."""
        ...

    def ends_stream(self, name: str, data: Any) -> bool:
        """Whether the API sends nothing after this event, so a client may close there."""
        ...

    def run_of(self, document: dict[str, Any]) -> tuple[str | None, str | None] | None:
        """``(thread id, run id)`` a streamed event or a JSON response names, or None when it names none:
        the proxy's ``--out DIR/`` puts each run in a cassette of its own, named after it."""
        ...
