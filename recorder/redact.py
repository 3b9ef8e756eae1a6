"""Keeping secrets off disk: headers that carry credentials are replaced before anything is written."""

from __future__ import annotations

from collections.abc import Iterable

from .cassette import Headers

#: Written in place of a secret header's value, so a cassette still shows that it was sent.
REDACTED = "REDACTED"

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "api-key",
        "x-api-key",
        "openai-organization",
        "openai-project",
        "cookie",
        "set-cookie",
    }
)


def redact_headers(items: Iterable[tuple[str, str]], extra: Iterable[str] = ()) -> Headers:
    """Group header items by name (vcrpy's layout), replacing the values of secret ones."""
    secret = SECRET_HEADERS | {name.lower() for name in extra}
    headers: Headers = {}
    for name, value in items:
        headers.setdefault(name, []).append(REDACTED if name.lower() in secret else value)
    return headers
