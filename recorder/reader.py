"""Reading cassettes: ssetape's own, and those other tools wrote (``dialects.py`` tells them apart)."""

from __future__ import annotations

import base64
import binascii
import json
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from . import dialects, yaml_layout
from .cassette import FORMAT_VERSION, VCR_FORMAT_VERSION, Cassette
from .chunks import Chunks
from .collector import collector_paused
from .errors import CassetteDecodeError, CassetteNotFoundError, CassetteVersionError
from .integrity import check_whole
from .writer import is_json_path

#: libyaml's loader when PyYAML was built with it: about ten times faster on big cassettes.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    """Safe loading, plus the harmless python tags vcrpy itself writes into cassettes."""


def _construct_python_str(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return loader.construct_scalar(node)  # type: ignore[arg-type]


def _construct_python_tuple(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return tuple(loader.construct_sequence(node))  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:python/str", _construct_python_str)
_Loader.add_constructor("tag:yaml.org,2002:python/unicode", _construct_python_str)
_Loader.add_constructor("tag:yaml.org,2002:python/tuple", _construct_python_tuple)
# Ruby's YAML (Psych) tags bytes that are not UTF-8 ``!binary``, as YAML 1.1's ``!!binary``.
_Loader.add_constructor("!binary", _SafeLoader.yaml_constructors["tag:yaml.org,2002:binary"])


def load(path: str | Path) -> Cassette:
    """Read a cassette; raise a :class:`CassetteError` naming the file (and line) when it can't."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CassetteNotFoundError(path) from None
    except IsADirectoryError:
        raise CassetteDecodeError(path, "is a directory, not a cassette file") from None
    other = dialects.read_other(raw, path)
    if other is not None:
        other._path = path
        return other
    cassette = _loads(_Source(raw, None, path), path, is_json_path(path))
    cassette._path = path
    return cassette


def loads(text: str, *, path: Path | None = None, json_format: bool | None = None) -> Cassette:
    as_json = json_format if json_format is not None else (path is not None and is_json_path(path))
    return _loads(_Source(None, text), path, as_json)


class _Source:
    """A cassette's text, as the bytes read from its file and as ``str``, each made from the other when first
    asked for: the fast YAML reader reads the bytes (checking they are UTF-8), so a big file is not decoded
    whole, and bytes that are not UTF-8 are an error naming the line when the text is first asked for."""

    def __init__(self, raw: bytes | None, text: str | None, path: Path | None = None) -> None:
        self._raw, self._text, self._path = raw, text, path

    @property
    def raw(self) -> bytes | None:
        """The UTF-8 bytes; None for text that has no UTF-8 form (a lone surrogate)."""
        if self._raw is None:
            try:
                self._raw = self.text.encode("utf-8")
            except UnicodeEncodeError:
                return None
        return self._raw

    @property
    def text(self) -> str:
        if self._text is None:
            assert self._raw is not None
            try:
                self._text = self._raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = self._raw[: exc.start].count(b"\n") + 1
                raise CassetteDecodeError(self._path, "is not UTF-8 text", line=line) from None
        return self._text


def _loads(source: _Source, path: Path | None, as_json: bool) -> Cassette:
    with collector_paused():
        return _read(source, path, as_json)


def _read(source: _Source, path: Path | None, as_json: bool) -> Cassette:
    data = _parse(source, path, as_json)
    try:
        data = dialects.normalise(data, path)
    except (AttributeError, KeyError, TypeError, IndexError) as exc:  # wrong types where a dialect has its own
        raise CassetteDecodeError(path, f"not a cassette: unexpected {type(exc).__name__}: {exc}") from None
    except CassetteDecodeError as exc:
        if exc.line is None and exc.loc and not as_json:
            raise CassetteDecodeError(path, exc.problem, line=_yaml_line(source.text, exc.loc)) from None
        raise
    _check_layout(data, path)
    check_whole(data, path)
    _decode_bodies(data, path)
    try:
        cassette = Cassette.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first["loc"]
        where = ".".join(str(part) for part in loc)
        line = None if as_json else _yaml_line(source.text, loc)
        raise CassetteDecodeError(path, f"{where}: {first['msg']}", line=line) from None
    _locate_chunks(cassette, source, path, as_json)
    return cassette


def _locate_chunks(cassette: Cassette, source: _Source, path: Path | None, as_json: bool) -> None:
    """Chunk sizes not yet added up (``recorder.chunks``) report a mismatch, when first read, as loading would:
    naming the file and the line. Text given without a file is checked now, while its text is at hand."""
    for index, interaction in enumerate(cassette.interactions):
        chunks = interaction.response.ssetape.chunks if interaction.response.ssetape is not None else None
        if not isinstance(chunks, Chunks) or chunks.parsed:
            continue
        if path is not None:
            chunks.locate(partial(_chunks_error, path, None, index, as_json))
            continue
        try:
            _ = chunks.total  # adding the sizes up checks them
        except CassetteDecodeError as exc:
            raise _chunks_error(None, source.text, index, as_json, exc.problem) from None


def _chunks_error(path: Path | None, text: str | None, index: int, as_json: bool, problem: str) -> CassetteDecodeError:
    """Interaction ``index``'s chunk sizes do not add up to its body: the error loading gives, with the line."""
    if text is None and path is not None and not as_json:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):  # changed or gone since it was loaded: the file still says where
            text = None
    line = None if as_json or text is None else _yaml_line(text, ("interactions", index, "response"))
    return CassetteDecodeError(path, f"interactions.{index}.response: {problem}", line=line)


def _parse(source: _Source, path: Path | None, as_json: bool) -> Any:
    if as_json:
        try:
            return json.loads(source.text)
        except json.JSONDecodeError as exc:
            raise CassetteDecodeError(path, f"invalid JSON: {exc.msg}", line=exc.lineno) from None
        except RecursionError:
            raise CassetteDecodeError(path, "invalid JSON: nested too deeply to be a cassette") from None
    raw = source.raw
    # The layout ssetape writes, read without PyYAML's per-node cost.
    data = yaml_layout.parse(raw) if raw is not None else None
    if data is not None:
        return data
    try:
        return yaml.load(source.text, Loader=_Loader)
    except RecursionError:
        raise CassetteDecodeError(path, "invalid YAML: nested too deeply to be a cassette") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise CassetteDecodeError(path, f"invalid YAML: {problem}", line=line) from None
    except yaml.YAMLError as exc:
        raise CassetteDecodeError(path, f"invalid YAML: {exc}") from None


def _check_layout(data: Any, path: Path | None) -> None:
    if data is None:
        raise CassetteDecodeError(path, "the file is empty; a cassette needs 'version' and 'interactions'")
    if not isinstance(data, dict) or "interactions" not in data:
        raise CassetteDecodeError(
            path, "not a cassette: expected a mapping with 'version' and 'interactions' at the top"
        )
    version = data.get("version")
    if version is None:
        raise CassetteDecodeError(
            path, "has 'interactions' but no 'version': vcrpy writes it last, so the file may be cut short"
        )
    if version != VCR_FORMAT_VERSION:
        raise CassetteVersionError(
            path,
            f"cassette format version {version!r} is not supported (expected {VCR_FORMAT_VERSION}); "
            "re-record it, or load and re-save it with the vcrpy release that wrote it",
        )
    interactions = data["interactions"]
    if not isinstance(interactions, list):
        raise CassetteDecodeError(path, "'interactions' must be a list")
    for index, interaction in enumerate(interactions):
        response = interaction.get("response") if isinstance(interaction, dict) else None
        recording = response.get("ssetape") if isinstance(response, dict) else None
        if isinstance(recording, dict):
            found = recording.get("format", FORMAT_VERSION)
            if isinstance(found, int) and found > FORMAT_VERSION:
                raise CassetteVersionError(
                    path,
                    f"interaction {index} was recorded by a newer ssetape (format {found}; this one reads up "
                    f"to {FORMAT_VERSION}): upgrade ssetape (pip install -U ssetape)",
                )


def _decode_bodies(data: dict[str, Any], path: Path | None) -> None:
    for index, interaction in enumerate(data["interactions"]):
        if not isinstance(interaction, dict):
            continue
        response = interaction.get("response")
        if not isinstance(response, dict):
            continue
        recording = response.get("ssetape")
        body = response.get("body")
        if isinstance(recording, dict) and recording.get("body_encoding") == "base64" and isinstance(body, dict):
            try:
                body["string"] = base64.b64decode(body.get("string") or "", validate=True)
            except (binascii.Error, ValueError, TypeError):
                raise CassetteDecodeError(
                    path, f"interaction {index}: the response body is marked base64 but is not valid base64"
                ) from None
            recording.pop("body_encoding")


def _yaml_line(text: str, loc: tuple[int | str, ...]) -> int | None:
    """The line of the YAML node at ``loc`` (or of its nearest existing parent)."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
    return node.start_mark.line + 1 if node is not None else None
