"""Cassettes of Ruby's VCR (and the R and other ports that share its layout), read as vcrpy's.

Ruby VCR writes ``http_interactions`` (not ``interactions``) and ``recorded_with`` (no ``version``); each
body is ``{encoding, string}``, or ``{encoding, base64_string}`` for bytes that are not text; a status is
``{code, message}``; header values are lists. Everything else an interaction holds (``recorded_at``,
``http_version``) is ignored. The bodies and headers are then read as any vcrpy dialect is
(``vcrpy_dialects``).
"""

from __future__ import annotations

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
    return {"version": VCR_FORMAT_VERSION, KEY: interactions}
