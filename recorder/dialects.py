"""Every file ``load`` reads besides ssetape's own cassettes: the one place that tells the dialects apart.

- a HAR file (``har.py``) and a raw SSE dump, with or without ``curl -i``'s headers (``imports.py``): read
  from the bytes, before any YAML or JSON parsing (:func:`read_other`);
- Ruby VCR (``ruby_vcr.py``) and the vcrpy variants (``vcrpy_dialects.py``): rewritten, once parsed, into
  the layout ``Cassette`` validates (:func:`normalise`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .cassette import Cassette
from .errors import CassetteDecodeError
from .har import cassette_from_har, is_har
from .imports import cassette_from_capture
from .ruby_vcr import KEY as RUBY_KEY
from .ruby_vcr import is_ruby_vcr, to_vcrpy
from .vcrpy_dialects import normalise_interactions

__all__ = ["is_sse_dump", "normalise", "read_other"]

#: The first line of a plain SSE body (a field or a comment), or of ``curl -i``'s status line.
_SSE_START = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:[ \t]*\r?\n)*(?:(?:event|data|id|retry)(?::|\r?\n)|:|HTTP/\d)")


def is_sse_dump(path: Path | None, raw: bytes) -> bool:
    """Whether ``raw`` is a raw SSE body (``curl -N``), or one after its headers (``curl -iN``)."""
    return (path is not None and path.suffix.lower() == ".sse") or _SSE_START.match(raw) is not None


def read_other(raw: bytes, path: Path | None) -> Cassette | None:
    """The cassette a HAR file or a raw SSE dump holds; None for anything else (a YAML or JSON cassette)."""
    if is_har(raw):
        try:
            har = json.loads(raw)
        except json.JSONDecodeError as exc:  # a HAR cut short, say: a JSON file, not YAML, whatever its suffix
            raise CassetteDecodeError(path, f"invalid JSON (a HAR file): {exc.msg}", line=exc.lineno) from None
        except ValueError:
            har = None
        if isinstance(har, dict) and isinstance(har.get("log"), dict) and "interactions" not in har:
            return cassette_from_har(har, source=path)
    if is_sse_dump(path, raw):
        # curl -i's capture of a plain answer (a 429's JSON, say) is read as ssetape import reads it: its head says
        # what the body is.
        if b"data:" not in raw and not raw.lstrip().startswith(b"HTTP/"):
            raise CassetteDecodeError(path, "holds no Server-Sent Events: expected `event:` and `data:` lines")
        return cassette_from_capture(raw, source=path)
    return None


def normalise(data: Any, path: Path | None) -> Any:
    """Parsed cassette data in ssetape's layout, whatever vcrpy or Ruby VCR dialect wrote it."""
    if is_ruby_vcr(data):
        data = to_vcrpy(data)
        normalise_interactions(data, path, RUBY_KEY)
        data["interactions"] = data.pop(RUBY_KEY)
        return data
    if isinstance(data, dict):
        normalise_interactions(data, path)
    return data
