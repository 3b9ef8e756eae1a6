"""Where an SDK's base URL ends in the path of a request it sent: the homes' optional ``wire.sdk_base`` say it
with :func:`before` (``ssetape serve`` prints, for each API a cassette holds, the URL its SDK is to be given)."""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["SdkBase", "before"]

#: ``(base path, environment variable)``: the start of a request's path that the SDK's base URL holds (``/v1``
#: for ``openai``, ``""`` for ``anthropic``, which adds ``/v1/messages`` itself), and the variable the SDK reads
#: its base URL from when its client is given none.
SdkBase = tuple[str, str]


def before(uri: str, *names: str, back: int = 0) -> str | None:
    """The path of ``uri`` before its first segment named one of ``names``, less ``back`` segments more (the
    version before ``models``); None when no segment is."""
    segments = [segment for segment in urlsplit(uri).path.split("/") if segment]
    found = next((index for index, segment in enumerate(segments) if segment in names), None)
    if found is None or found < back:
        return None
    return "".join("/" + segment for segment in segments[: found - back])
