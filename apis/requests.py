"""What a recorded request asked for, as the SDK helpers that replay it need it."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["recorded_body"]


def recorded_body(item: Any) -> dict[str, Any]:
    """The recorded request's JSON body, or ``{}`` (no body, not JSON: an imported ``.sse`` dump)."""
    try:
        body = json.loads(item.request.body_bytes or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
