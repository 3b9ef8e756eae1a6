"""What the cassette format says without its models: its versions, which responses are streams, and the URI of a
dump imported without one. ``ssetape ls`` skims a cassette with these alone, without importing pydantic."""

from __future__ import annotations

from urllib.parse import urlsplit

#: vcrpy's cassette format version (the top-level ``version`` key).
VCR_FORMAT_VERSION = 1
#: The version of ssetape's extension (``response.ssetape.format``). 3 writes the interaction count
#: before and after the interactions (:mod:`.integrity`); 2 writes ``chunks`` as text; format 1 (a YAML
#: list of pairs) still reads.
FORMAT_VERSION = 3

#: Where a dump imported without its URL is filed. Its host is reserved (``.invalid``, RFC 6761), so the URL
#: says the request was never recorded and its path decides nothing (see :func:`is_placeholder`); replay
#: ignores hosts, so the path still answers the SDK's ``create_and_run_stream``.
DEFAULT_URI = "https://unrecorded.invalid/v1/threads/runs"


def is_event_stream(content_type: str | None) -> bool:
    """Whether a response of this content type is a stream of Server-Sent Events."""
    return (content_type or "").split(";")[0].strip().lower() == "text/event-stream"


def is_placeholder(uri: str) -> bool:
    """Whether ``uri`` was made up for a dump imported without its URL (its path then says nothing)."""
    host = urlsplit(uri).hostname or ""
    return host == "invalid" or host.endswith(".invalid")
