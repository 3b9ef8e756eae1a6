"""The answers the proxy gives itself, each in the error shape of the API the request is for (as
``ssetape.apis.error_document`` has it: Anthropic's, Google's, else OpenAI's), so that its SDK raises its
own error carrying the message: a target it will not forward to (400, ``CONNECT`` 405), a recording that
cannot be written (503), an upstream that cannot be reached or does not answer in time (502, 504, recorded
like any response)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from ssetape.apis import error_document

from .headers import RawHeaders


@dataclass(frozen=True)
class Reply:
    status: int
    reason: str
    headers: RawHeaders
    body: bytes


def _json(status: int, reason: str, body: bytes, *extra: tuple[bytes, bytes]) -> Reply:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *extra]
    return Reply(status, reason, headers, body)


def refusal(prefix: str, method: bytes, target: bytes) -> Reply | None:
    """Why a request is not forwarded, or None: only a path is, never an absolute URL or ``CONNECT``'s
    authority (the proxy relays to its upstream and nowhere else). The error is the shape of the API at the
    URL the request would have been forwarded to: the upstream's ``prefix`` and the target's path (the
    endpoint an SDK that takes the proxy for an HTTP proxy asked for; ``CONNECT``'s has none)."""
    if method != b"CONNECT" and target.startswith(b"/"):
        return None
    asked = target.decode("latin-1")
    message = f"ssetape record forwards to {prefix} only; the request target must be a path, not {asked[:100]!r}"
    url = prefix + (urlsplit(asked).path if method != b"CONNECT" else "")
    status, reason = (405, "Method Not Allowed") if method == b"CONNECT" else (400, "Bad Request")
    document = error_document(url, status, message, None, "invalid_request_error")
    return _json(status, reason, json.dumps(document).encode())


def unrecordable(url: str, reason: str, *, forwarded: bool = False) -> Reply:
    """A 503 in the error shape of the API ``url`` is (so its SDK shows why): the request not sent upstream, or
    (``forwarded``) its answer not passed on."""
    done = "its answer was not passed on" if forwarded else "this request was not sent upstream"
    message = f"ssetape record: {reason}; {done}"
    body = json.dumps(error_document(url, 503, message, "ssetape_recording_failed")).encode()
    return _json(
        503,
        "Service Unavailable",
        body,
        (b"x-ssetape-error", b"RecordingFailed"),
        (b"x-should-retry", b"false"),  # the openai and anthropic SDKs would retry a 503 otherwise
    )


def upstream_failed(prefix: str, url: str, kind: str, problem: str) -> Reply:
    """The upstream gave no response to the request for ``url``: 504 when it was too slow, else 502, in the
    error shape of the API at ``url``, with ``x-ssetape-error: kind``."""
    message = f"ssetape record: the upstream {prefix} {problem}"
    status, reason = (504, "Gateway Timeout") if kind.endswith("Timeout") else (502, "Bad Gateway")
    document = error_document(url, status, message, kind, "upstream_error")
    return _json(status, reason, json.dumps(document).encode(), (b"x-ssetape-error", kind.encode()))


_INVALID = b"Invalid HTTP request received."
#: What a request the parser cannot read gets (as uvicorn answered it), before the connection is closed.
BAD_REQUEST = Reply(
    400,
    "Bad Request",
    [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(_INVALID)).encode())],
    _INVALID,
)
