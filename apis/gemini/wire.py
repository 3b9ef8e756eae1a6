"""Gemini streams on the wire: unnamed ``data:`` events, each a whole ``GenerateContentResponse`` in the REST
API's camelCase (``candidates``, ``usageMetadata``, ``modelVersion``, ``responseId``, ``promptFeedback``).

There is no terminal event: the chunk whose candidates carry a ``finishReason`` (with the usage) is the
last, or the body just ends. An error before the stream is a JSON body with a 4xx/5xx status; one during
it is an unnamed ``{"error": {code, message, status}}`` event, after which nothing comes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .._sdk_base import SdkBase, before

__all__ = [
    "CHUNK_KEYS",
    "EVENT_AT_END",
    "ends_stream",
    "error_document",
    "is_chunk",
    "is_vertex",
    "model_of",
    "names_api",
    "owns_path",
    "run_of",
    "sdk_base",
]

#: google-genai's reader yields the data lines left at the end of a body that arrived whole: a last event lacking
#: its blank line, or its last line's end too, is a chunk.
EVENT_AT_END = True
#: The fields of a ``GenerateContentResponse`` as the REST API (Gemini API and Vertex AI) sends them.
CHUNK_KEYS = frozenset(
    {"candidates", "usageMetadata", "modelVersion", "responseId", "promptFeedback", "createTime", "modelStatus"}
)
#: One of these makes an object a chunk: the others (a model version, an id) any API's object may carry.
_TELLING = ("candidates", "usageMetadata", "promptFeedback")
#: What OpenAI's and Anthropic's objects carry and a Gemini chunk never does.
_FOREIGN = ("object", "type", "choices", "id", "event", "error")
_STREAMING = ":streamGenerateContent"


def is_chunk(data: Any) -> bool:
    """Whether ``data`` is a ``GenerateContentResponse``: one of its telling fields, and nothing of another API's."""
    if not isinstance(data, dict) or any(key in data for key in _FOREIGN):
        return False
    return any(isinstance(data.get(key), list if key == "candidates" else dict) for key in _TELLING)


def names_api(name: str, data: Any) -> bool:
    return name == "message" and is_chunk(data)


def owns_path(segments: list[str]) -> bool:
    """``/v1beta/models/{model}:streamGenerateContent`` (``/v1``, ``/v1alpha``, ``tunedModels/``), and Vertex
    AI's ``/v1/projects/{p}/locations/{l}/publishers/google/models/{model}:streamGenerateContent``."""
    if len(segments) < 3 or not segments[-1].endswith(_STREAMING):
        return False
    return segments[-2] in ("models", "tunedModels")


def sdk_base(uri: str) -> SdkBase | None:
    """google-genai is given the root: it adds the API version (``v1beta``) and the rest."""
    base = before(uri, "models", "tunedModels", "projects", back=1)
    if base is None:
        return None
    return base, "GOOGLE_VERTEX_BASE_URL" if is_vertex(uri) else "GOOGLE_GEMINI_BASE_URL"


def is_vertex(uri: str) -> bool:
    """Whether a request went to Vertex AI (a project's path, or its host), which the SDK reads otherwise."""
    parts = urlsplit(uri)
    segments = [segment for segment in parts.path.split("/") if segment]
    return "aiplatform.googleapis.com" in parts.netloc or "publishers" in segments or "projects" in segments


def model_of(uri: str) -> str | None:
    """The model a request path names: ``gemini-2.5-flash``, or Vertex AI's resource name from ``projects/``."""
    segments = [segment for segment in urlsplit(uri).path.split("/") if segment]
    if len(segments) < 3 or ":" not in segments[-1] or segments[-2] not in ("models", "tunedModels"):
        return None
    model = segments[-1].split(":", 1)[0]
    if "projects" in segments:
        return "/".join([*segments[segments.index("projects") : -1], model])
    return model if segments[-2] == "models" else f"tunedModels/{model}"


def ends_stream(name: str, data: Any) -> bool:
    """The chunk that finishes every candidate and reports the usage, or a prompt blocked outright."""
    if not names_api(name, data):
        return False
    candidates = data.get("candidates")
    if isinstance(candidates, list) and candidates:
        finished = all(isinstance(c, dict) and c.get("finishReason") for c in candidates)
        return finished and isinstance(data.get("usageMetadata"), dict)
    feedback = data.get("promptFeedback")
    return isinstance(feedback, dict) and bool(feedback.get("blockReason"))


def run_of(document: dict[str, Any]) -> tuple[str | None, str | None] | None:
    """The ``responseId`` of a chunk, or of a whole (unstreamed) ``generateContent`` response."""
    if is_chunk(document) and isinstance(document.get("responseId"), str):
        return None, document["responseId"] or None
    return None


def error_document(status: int, message: str, code: str | None) -> dict[str, Any]:
    """An error body as the API sends it (``{"error": {code, message, status}}``, google.rpc.Status)."""
    names = {
        400: "INVALID_ARGUMENT",
        403: "PERMISSION_DENIED",
        404: "NOT_FOUND",
        503: "UNAVAILABLE",
        504: "DEADLINE_EXCEEDED",
    }
    return {"error": {"code": status, "message": message, "status": names.get(status, "INTERNAL")}}
