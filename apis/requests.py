"""What a recorded request asked for, as the SDK helpers that replay it need it."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["recorded_body", "recorded_model"]


def recorded_body(item: Any) -> dict[str, Any]:
    """The recorded request's JSON body, or ``{}`` (no body, not JSON: an imported ``.sse`` dump)."""
    try:
        body = json.loads(item.request.body_bytes or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def recorded_model(body: dict[str, Any]) -> str:
    """The recorded request's model (the helpers require one), or a placeholder."""
    model = body.get("model")
    return model if isinstance(model, str) else "ssetape-replay"
