"""Big recorded streams for benchmarks: the emulator's text run with N deltas, as a saved cassette."""

from __future__ import annotations

from itertools import accumulate
from pathlib import Path

from ssetape.fixtures.emulator import render_stream
from ssetape.recorder import Cassette, cassette_from_sse


def big_stream(deltas: int, directory: Path) -> tuple[Path, Cassette, list[bytes]]:
    """A cassette holding one ``asst_text`` run with ``deltas`` text deltas, and its network chunks."""
    planned = render_stream("asst_text", deltas=deltas)
    chunks = [chunk for _, chunk in planned]
    times = list(accumulate(delay for delay, _ in planned))
    cassette = cassette_from_sse(
        b"".join(chunks),
        uri="https://api.openai.com/v1/threads/runs",
        request_body='{"assistant_id":"asst_text","stream":true}',
        chunks=[(at, len(chunk)) for at, chunk in zip(times, chunks, strict=True)],
    )
    path = cassette.save(directory / f"text_{deltas}.yaml")
    return path, cassette, chunks


def anthropic_stream(events: int, directory: Path) -> tuple[Path, Cassette, list[bytes]]:
    """A cassette holding one Anthropic Messages stream of about ``events`` events: a thinking block, a
    text block and one tool call, their deltas in the proportions 2 : 7 : 1 (at 50k events the tool input
    is about 5,000 deltas, 40 kB), one network chunk per event."""
    import json

    def event(kind: str, **fields: object) -> bytes:
        return f"event: {kind}\ndata: {json.dumps({'type': kind, **fields})}\n\n".encode()

    usage = {"input_tokens": 812, "output_tokens": 1}
    message = {"id": "msg_bench", "type": "message", "role": "assistant", "model": "claude-bench", "content": []}
    chunks = [event("message_start", message={**message, "stop_reason": None, "stop_sequence": None, "usage": usage})]
    deltas = max(events - 12, 10)
    thinking, tool = deltas // 5, deltas // 10
    words = ["stream ", "of ", "events ", "replayed ", "offline, ", "byte ", "for ", "byte. "]
    blocks = [
        ({"type": "thinking", "thinking": "", "signature": ""}, "thinking_delta", "thinking", thinking),
        ({"type": "text", "text": ""}, "text_delta", "text", deltas - thinking - tool),
        (
            {"type": "tool_use", "id": "toolu_bench", "name": "lookup", "input": {}},
            "input_json_delta",
            "partial_json",
            tool,
        ),
    ]
    for index, (block, delta, field, count) in enumerate(blocks):
        chunks.append(event("content_block_start", index=index, content_block=block))
        if delta == "input_json_delta":
            pieces = ['{"items": ['] + [f'"{words[n % 8].strip()}", ' for n in range(count - 2)] + ['"end"]}']
        else:
            pieces = [words[n % len(words)] for n in range(count)]
        chunks.extend(event("content_block_delta", index=index, delta={"type": delta, field: p}) for p in pieces)
        if delta == "thinking_delta":
            chunks.append(
                event("content_block_delta", index=index, delta={"type": "signature_delta", "signature": "c2ln"})
            )
        chunks.append(event("content_block_stop", index=index))
    chunks.append(
        event(
            "message_delta", delta={"stop_reason": "tool_use", "stop_sequence": None}, usage={"output_tokens": deltas}
        )
    )
    chunks.append(event("message_stop"))
    times = [0.4 + 0.002 * n for n in range(len(chunks))]
    cassette = cassette_from_sse(
        b"".join(chunks),
        uri="https://api.anthropic.com/v1/messages",
        request_body='{"model":"claude-bench","max_tokens":64000,"messages":[],"stream":true}',
        chunks=[(at, len(chunk)) for at, chunk in zip(times, chunks, strict=True)],
    )
    path = cassette.save(directory / f"anthropic_{events}.yaml")
    return path, cassette, chunks


def gemini_stream(events: int, directory: Path) -> tuple[Path, Cassette, list[bytes]]:
    """A cassette holding one Gemini stream of ``events`` chunks, as the live API writes them (CRLF, a running
    usage on each): thought parts, then text, a function call every hundred chunks, the last chunk
    finishing with grounding; one network chunk per event."""
    import json

    words = ["stream ", "of ", "events ", "replayed ", "offline, ", "byte ", "for ", "byte. "]
    thoughts = max(events // 5, 1)
    chunks = []
    for n in range(events):
        if n < thoughts:
            part: dict[str, object] = {"text": "".join(words[(n + k) % 8] for k in range(6)), "thought": True}
        elif n % 100 == 99:
            part = {"functionCall": {"name": "lookup", "args": {"query": words[n % 8].strip(), "n": n}, "id": f"c{n}"}}
        else:
            part = {"text": "".join(words[(n + k) % 8] for k in range(6))}
        candidate: dict[str, object] = {"content": {"parts": [part], "role": "model"}, "index": 0}
        if n == events - 1:
            candidate["finishReason"] = "STOP"
            candidate["groundingMetadata"] = {"webSearchQueries": ["sse"], "groundingChunks": [{"web": {"uri": "u"}}]}
        data = {
            "candidates": [candidate],
            "usageMetadata": {"promptTokenCount": 812, "candidatesTokenCount": n * 6, "totalTokenCount": 812 + n * 6},
            "modelVersion": "gemini-bench",
            "responseId": "bench",
        }
        chunks.append(f"data: {json.dumps(data, separators=(',', ': '))}\r\n\r\n".encode())
    times = [0.4 + 0.002 * n for n in range(len(chunks))]
    cassette = cassette_from_sse(
        b"".join(chunks),
        uri="https://generativelanguage.googleapis.com/v1beta/models/gemini-bench:streamGenerateContent?alt=sse",
        request_body='{"contents": [{"parts": [{"text": "bench"}], "role": "user"}]}',
        chunks=[(at, len(chunk)) for at, chunk in zip(times, chunks, strict=True)],
    )
    path = cassette.save(directory / f"gemini_{events}.yaml")
    return path, cassette, chunks


def chat_logprobs_stream(events: int, directory: Path, *, top: int = 0) -> tuple[Path, Cassette, list[bytes]]:
    """A cassette holding one Chat Completions stream of ``events`` chunks asked with ``logprobs: true`` and
    ``top_logprobs: top``, as the live API writes them: a role chunk with empty logprobs, one token per chunk
    with its logprob, bytes and ``top`` alternatives, a finish chunk without, ``[DONE]``; one network chunk
    per event."""
    import json

    words = [" stream", " of", " events", " replayed", " offline", ",", " byte", " for", " byte", "."]
    head = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": 1765000000,
        "model": "gpt-4o-2024-08-06",
        "service_tier": "default",
        "system_fingerprint": "fp_bench",
    }

    def chunk(delta: dict[str, object], logprobs: object, finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": logprobs, "finish_reason": finish}
        data = {**head, "choices": [choice], "obfuscation": "x" * (8 - len(str(delta.get("content") or "")) % 8)}
        return f"data: {json.dumps(data, separators=(',', ':'))}\n\n".encode()

    def logprob(token: str, n: int) -> dict[str, object]:
        return {"token": token, "logprob": -round(0.001 * (n % 997), 6), "bytes": list(token.encode())}

    chunks = [chunk({"role": "assistant", "content": "", "refusal": None}, {"content": [], "refusal": []})]
    for n in range(max(events - 3, 1)):
        token = words[n % len(words)]
        alternatives = [logprob(words[(n + k) % len(words)], n + k) for k in range(1, top + 1)]
        item = {**logprob(token, n), "top_logprobs": alternatives}
        chunks.append(chunk({"content": token}, {"content": [item], "refusal": None}))
    chunks.append(chunk({}, None, "stop"))
    chunks.append(b"data: [DONE]\n\n")
    times = [0.4 + 0.002 * n for n in range(len(chunks))]
    request = {"model": "gpt-4o", "messages": [], "stream": True, "logprobs": True, "top_logprobs": top}
    cassette = cassette_from_sse(
        b"".join(chunks),
        uri="https://api.openai.com/v1/chat/completions",
        request_body=json.dumps(request),
        chunks=[(at, len(chunk)) for at, chunk in zip(times, chunks, strict=True)],
    )
    path = cassette.save(directory / f"chat_logprobs_{events}.yaml")
    return path, cassette, chunks
