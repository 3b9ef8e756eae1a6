"""Writing cassettes: vcrpy-compatible YAML or JSON, replaced atomically."""

from __future__ import annotations

import base64
import contextlib
import errno
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .cassette import FORMAT_VERSION
from .chunks import encode_chunks
from .integrity import HEADER_KEY, TRAILER_KEY, header

if TYPE_CHECKING:
    from .cassette import Cassette


def is_json_path(path: Path) -> bool:
    return path.suffix.lower() == ".json"


def to_data(cassette: Cassette, *, for_json: bool) -> dict[str, Any]:
    """The cassette as plain data in vcrpy's layout (``version`` and ``interactions``), and its counts."""
    interactions = []
    for interaction in cassette.interactions:
        request = interaction.request.model_dump()
        response = interaction.response.model_dump(exclude_none=False)
        recording = response.pop("ssetape")
        if for_json:
            request["body"] = _json_safe_request_body(request["body"])
            body = response["body"]["string"]
            if isinstance(body, bytes):
                try:
                    response["body"]["string"] = body.decode("utf-8")
                except UnicodeDecodeError:
                    response["body"]["string"] = base64.b64encode(body).decode("ascii")
                    recording = dict(recording or {}, body_encoding="base64")
        if recording is not None:
            recording = {key: value for key, value in recording.items() if value is not None}
            recording["format"] = FORMAT_VERSION  # the chunks below are in this format's encoding
            recording["chunks"] = encode_chunks(recording.get("chunks", []))
            if "recorded_at" in recording:
                recording["recorded_at"] = recording["recorded_at"].isoformat()
            if recording.get("error") is None:
                recording.pop("error", None)
            response["ssetape"] = recording
        interactions.append({"request": request, "response": response})
    # The count first and last, so that a file cut anywhere, or missing interactions, says so (recorder.integrity).
    count = len(interactions)
    return {"version": cassette.version, HEADER_KEY: header(count), "interactions": interactions, TRAILER_KEY: count}


def _json_safe_request_body(body: str | bytes | None) -> str | None:
    if not isinstance(body, bytes):
        return body
    # vcrpy's own JSON serializer cannot hold binary either; latin-1 keeps every byte.
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("latin-1")


class _Dumper(yaml.SafeDumper):
    """Readable YAML: multi-line strings (SSE bodies) as literal blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        # PyYAML falls back to a quoted style by itself where a block cannot hold the text.
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    # vcrpy's look for header values ([application/json]); anything nested stays in block style.
    flow = all(not isinstance(item, (dict, list)) for item in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)


def serialize(cassette: Cassette, path: Path) -> str:
    if is_json_path(path):
        return json.dumps(to_data(cassette, for_json=True), indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(
        to_data(cassette, for_json=False),
        Dumper=_Dumper,
        default_flow_style=False,
        allow_unicode=True,
        sort_keys=False,
        width=4096,
    )


def save(cassette: Cassette, path: Path) -> None:
    """Write to a temporary file beside ``path``, fsync it, then rename it over ``path``."""
    text = serialize(cassette, path)
    write_atomically(path, text.encode("utf-8"))


def write_atomically(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Replace ``path`` with ``data`` (bytes, or pieces written one after another) in one step, synced to disk.

    Pieces are never joined first: joining a large cassette would hold the GIL for as long as it copies,
    and a recording proxy saving from a thread would stall every stream for that long."""
    if path.is_dir():  # else the temporary file is written beside it, and only the rename fails
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a file to write", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
