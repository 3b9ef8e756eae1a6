"""Cassettes of Ruby's VCR (and the R and other ports that share its layout), read as vcrpy's.

Ruby VCR writes ``http_interactions`` (not ``interactions``) and ``recorded_with`` (no ``version``); each
body is ``{encoding, string}``, or ``{encoding, base64_string}`` for bytes that are not text; a status is
``{code, message}``; header values are lists. Its ``recorded_at`` (RFC 2822, ``Tue, 01 Aug 2023 12:00:00 GMT``)
becomes the recording's date (what ``ssetape check --max-age`` reads), with no times; ``http_version`` is
ignored. The bodies and headers are then read as any vcrpy dialect is (``vcrpy_dialects``).
"""

from __future__ import annotations

from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any

from .cassette import VCR_FORMAT_VERSION

__all__ = ["is_ruby_vcr", "to_vcrpy"]

KEY = "http_interactions"


def is_ruby_vcr(data: Any) -> bool:
    return isinstance(data, dict) and KEY in data and "interactions" not in data


def to_vcrpy(data: dict[str, Any]) -> dict[str, Any]:
    """The same interactions under vcrpy's top-level keys (bodies and headers are left to ``vcrpy_dialects``)."""
    interactions = data[KEY]
    if isinstance(interactions, list):
        for interaction in interactions:
            request = interaction.get("request") if isinstance(interaction, dict) else None
            if isinstance(request, dict) and isinstance(request.get("method"), str):
                request["method"] = request["method"].upper()
            if isinstance(interaction, dict):
                _date(interaction)
    return {"version": VCR_FORMAT_VERSION, KEY: interactions}


def _date(interaction: dict[str, Any]) -> None:
    """``recorded_at`` as the recording's date (when it reads as one: an odd value is left out, not an error)."""
    response, when = interaction.get("response"), interaction.get("recorded_at")
    if not isinstance(response, dict) or "ssetape" in response or not isinstance(when, str):
        return
    try:
        recorded = parsedate_to_datetime(when)
    except (TypeError, ValueError, IndexError):
        return
    if recorded.tzinfo is None:
        recorded = recorded.replace(tzinfo=UTC)
    response["ssetape"] = {"recorded_at": recorded.isoformat()}
