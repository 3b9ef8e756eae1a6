"""Small factories for Assistants stream events (``(event name, data)`` pairs) and their SSE bytes.

Every object carries every field its SDK model declares (``Run``, ``Message``, ``RunStep``, ``Thread``,
the delta events), with realistic values; keyword overrides replace any of them.
"""

from __future__ import annotations

import json
from typing import Any

Event = tuple[str | None, Any]  # (SSE event name, data: JSON-able value, or a raw str sent verbatim)

THREAD = "thread_f"
RUN = "run_f"
ASSISTANT = "asst_f"
T0 = 1_700_000_000


def thread(**kw: Any) -> dict[str, Any]:
    return {
        "id": THREAD,
        "object": "thread",
        "created_at": T0,
        "metadata": {},
        "tool_resources": {"code_interpreter": {"file_ids": []}, "file_search": None},
    } | kw


def run(status: str = "queued", **kw: Any) -> dict[str, Any]:
    return {
        "id": RUN,
        "object": "thread.run",
        "created_at": T0,
        "assistant_id": ASSISTANT,
        "thread_id": THREAD,
        "status": status,
        "started_at": None if status == "queued" else T0 + 1,
        "expires_at": T0 + 600,
        "cancelled_at": None,
        "failed_at": T0 + 5 if status == "failed" else None,
        "completed_at": T0 + 5 if status == "completed" else None,
        "required_action": None,
        "last_error": None,
        "model": "gpt-4o",
        "instructions": "Be brief.",
        "tools": [
            {"type": "code_interpreter"},
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "Weather for a city",
                    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
                    "strict": False,
                },
            },
        ],
        "metadata": {},
        "incomplete_details": None,
        "usage": None,
        "temperature": 1.0,
        "top_p": 1.0,
        "max_prompt_tokens": None,
        "max_completion_tokens": None,
        "truncation_strategy": {"type": "auto", "last_messages": None},
        "response_format": "auto",
        "tool_choice": "auto",
        "parallel_tool_calls": True,
    } | kw


def run_event(name: str, status: str | None = None, **kw: Any) -> Event:
    """``run_event("completed")`` → ``("thread.run.completed", run(status="completed"))``."""
    statuses = {"created": "queued", "cancelling": "cancelling", "cancelled": "cancelled"}
    return f"thread.run.{name}", run(status or statuses.get(name, name), **kw)


def requires_action(*calls: tuple[str, str, str]) -> Event:
    """A ``thread.run.requires_action`` event for function calls ``(call id, name, arguments)``."""
    tool_calls = [
        {"id": cid, "type": "function", "function": {"name": name, "arguments": args}}
        for cid, name, args in calls
    ]
    action = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": tool_calls}}
    return "thread.run.requires_action", run("requires_action", required_action=action)


def message(mid: str = "msg_1", content: list[Any] | None = None, status: str = "in_progress", **kw: Any):
    return {
        "id": mid,
        "object": "thread.message",
        "created_at": T0 + 2,
        "assistant_id": ASSISTANT,
        "thread_id": THREAD,
        "run_id": RUN,
        "status": status,
        "incomplete_details": None,
        "incomplete_at": None,
        "completed_at": T0 + 4 if status == "completed" else None,
        "role": "assistant",
        "content": content if content is not None else [],
        "attachments": [],
        "metadata": {},
    } | kw


def message_event(name: str, mid: str = "msg_1", content: list[Any] | None = None, **kw: Any) -> Event:
    status = {"completed": "completed", "incomplete": "incomplete"}.get(name, "in_progress")
    return f"thread.message.{name}", message(mid, content, status=status, **kw)


def message_delta(mid: str, *content: dict[str, Any], **delta: Any) -> Event:
    body: dict[str, Any] = {"content": list(content)} if content else {}
    return "thread.message.delta", {"id": mid, "object": "thread.message.delta", "delta": body | delta}


def text_delta(index: int, value: str | None = None, annotations: list[Any] | None = None) -> dict[str, Any]:
    text: dict[str, Any] = {}
    if value is not None:
        text["value"] = value
    if annotations is not None:
        text["annotations"] = annotations
    return {"index": index, "type": "text", "text": text}


def image_file_delta(index: int, file_id: str, detail: str | None = None) -> dict[str, Any]:
    image: dict[str, Any] = {"file_id": file_id}
    if detail is not None:
        image["detail"] = detail
    return {"index": index, "type": "image_file", "image_file": image}


def file_citation(index: int, text: str, start: int, end: int, file_id: str = "file_c") -> dict[str, Any]:
    return {
        "index": index,
        "type": "file_citation",
        "text": text,
        "start_index": start,
        "end_index": end,
        "file_citation": {"file_id": file_id},
    }


def file_path(index: int, text: str, start: int, end: int, file_id: str = "file_p") -> dict[str, Any]:
    return {
        "index": index,
        "type": "file_path",
        "text": text,
        "start_index": start,
        "end_index": end,
        "file_path": {"file_id": file_id},
    }


def text_block(value: str, annotations: list[Any] | None = None) -> dict[str, Any]:
    return {"type": "text", "text": {"value": value, "annotations": annotations or []}}


def image_file_block(file_id: str, detail: str = "auto") -> dict[str, Any]:
    return {"type": "image_file", "image_file": {"file_id": file_id, "detail": detail}}


def step(sid: str = "step_1", kind: str = "message_creation", status: str = "in_progress", **kw: Any):
    if kind == "message_creation":
        details: dict[str, Any] = {"type": "message_creation", "message_creation": {"message_id": "msg_1"}}
    else:
        details = {"type": "tool_calls", "tool_calls": []}
    return {
        "id": sid,
        "object": "thread.run.step",
        "created_at": T0 + 1,
        "run_id": RUN,
        "assistant_id": ASSISTANT,
        "thread_id": THREAD,
        "type": kind,
        "status": status,
        "cancelled_at": None,
        "completed_at": T0 + 4 if status == "completed" else None,
        "expired_at": None,
        "failed_at": None,
        "last_error": None,
        "step_details": details,
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
        if status == "completed"
        else None,
        "metadata": {},
    } | kw


def step_event(name: str, sid: str = "step_1", kind: str = "message_creation", **kw: Any) -> Event:
    status = {"created": "in_progress", "in_progress": "in_progress"}.get(name, name)
    return f"thread.run.step.{name}", step(sid, kind, status=status, **kw)


def step_delta(sid: str, *tool_calls: dict[str, Any], details: dict[str, Any] | None = None) -> Event:
    step_details = details if details is not None else {"type": "tool_calls", "tool_calls": list(tool_calls)}
    return "thread.run.step.delta", {
        "id": sid,
        "object": "thread.run.step.delta",
        "delta": {"step_details": step_details},
    }


def function_delta(index: int, cid: str | None = None, name: str | None = None, arguments: str = ""):
    function: dict[str, Any] = {"arguments": arguments}
    if name is not None:
        function |= {"name": name, "output": None}
    out: dict[str, Any] = {"index": index, "type": "function", "function": function}
    if cid is not None:
        out["id"] = cid
    return out


def code_delta(
    index: int, cid: str | None = None, input: str | None = None, outputs: list[Any] | None = None
):
    code: dict[str, Any] = {}
    if input is not None:
        code["input"] = input
    if outputs is not None:
        code["outputs"] = outputs
    out: dict[str, Any] = {"index": index, "type": "code_interpreter", "code_interpreter": code}
    if cid is not None:
        out["id"] = cid
    return out


def logs_output(index: int, logs: str) -> dict[str, Any]:
    return {"index": index, "type": "logs", "logs": logs}


def image_output(index: int, file_id: str) -> dict[str, Any]:
    return {"index": index, "type": "image", "image": {"file_id": file_id}}


def error_event(message: str = "The server had an error", **error: Any) -> Event:
    return "error", {
        "error": {"message": message, "type": "server_error", "param": None, "code": None} | error
    }


DONE: Event = ("done", "[DONE]")


def sse_bytes(events: list[Event], *, trailing_blank_line: bool = True) -> bytes:
    parts = []
    for name, data in events:
        lines = [] if name is None else [f"event: {name}"]
        payload = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
        lines += [f"data: {line}" for line in payload.split("\n")]
        parts.append("\n".join(lines) + "\n\n")
    body = "".join(parts)
    return (body if trailing_blank_line else body.rstrip("\n") + "\n").encode()


def chunked(body: bytes, size: int = 61) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


def run_prelude(*, with_thread: bool = False) -> list[Event]:
    return ([("thread.created", thread())] if with_thread else []) + [
        run_event("created"),
        run_event("queued"),
        run_event("in_progress"),
    ]
