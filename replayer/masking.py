"""Making two recordings of the same conversation comparable: ids renamed, timestamps masked.

Every object id the API generates (``thread_…``, ``run_…``, ``msg_…``, ``call_…``, ``file-…``,
``chatcmpl-…``, ``req_…``) is renamed after its prefix and the order of first appearance in the
cassette: the first thread is ``thread_1`` wherever it appears (in URLs, request bodies and events),
so that *which* object an event refers to still compares, while the random part does not.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["TIME_MASK", "Masker"]

#: What a masked timestamp reads as.
TIME_MASK = "<time>"

# A prefix of lowercase words, ``_`` or ``-``, then at least 8 random characters with a digit or a
# capital among them: ``msg_AXPoorDY3Q3PY5yXY5dKbB9v`` is an id, ``code_interpreter`` is not.
_ID = re.compile(r"\b([a-z]+(?:_[a-z]+)*)([_-])(?=[A-Za-z0-9]*[0-9A-Z])([A-Za-z0-9]{8,})\b")
# Keys whose number is a point in time (``created_at``, the Chat Completions ``created``).
_TIME_KEY = re.compile(r"(?:^|_)(?:at|created)$")
# Values that differ between any two recordings and carry nothing: random padding in newer streams.
_NOISE_KEYS = frozenset({"obfuscation"})


class Masker:
    """Renames ids (``ids``) and masks timestamps (``times``) consistently across one cassette."""

    def __init__(self, *, ids: bool = True, times: bool = True) -> None:
        self.ids = ids
        self.times = times
        self._names: dict[str, str] = {}
        self._counts: dict[str, int] = {}

    def text(self, value: str) -> str:
        """``value`` with every id in it renamed."""
        if not self.ids:
            return value
        return _ID.sub(self._rename, value)

    def data(self, value: Any, key: str | None = None) -> Any:
        """A masked deep copy of decoded JSON."""
        if isinstance(value, dict):
            return {k: self.data(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.data(item, key) for item in value]
        if key in _NOISE_KEYS:
            return "<noise>"
        if isinstance(value, str):
            return self.text(value)
        if (
            self.times
            and key is not None
            and _TIME_KEY.search(key)
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            return TIME_MASK
        return value

    def _rename(self, match: re.Match[str]) -> str:
        original = match.group(0)
        name = self._names.get(original)
        if name is None:
            prefix = match.group(1) + match.group(2)
            self._counts[prefix] = self._counts.get(prefix, 0) + 1
            name = f"{prefix}{self._counts[prefix]}"
            self._names[original] = name
        return name
