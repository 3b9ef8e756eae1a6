"""The cassette format: a vcrpy cassette whose responses carry an ``ssetape`` extension key.

vcrpy ignores unknown keys in a response, so a cassette written here replays with plain
``vcr.use_cassette(path, record_mode="none")``. The extension records when the response was
received, the arrival time and size of every network chunk, and whether the body is complete.
The body itself is stored once, in vcrpy's ``body.string``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    WrapValidator,
    field_validator,
    model_validator,
)

from .chunks import Chunks, validate_chunks
from .encodings import decode as decode_encoding
from .format import FORMAT_VERSION as FORMAT_VERSION
from .format import VCR_FORMAT_VERSION as VCR_FORMAT_VERSION
from .format import is_event_stream as is_event_stream
from .sse import decode as decode_sse

EXTENSION_KEY = "ssetape"

Headers = dict[str, list[str]]


class Status(BaseModel):
    code: int
    message: str | None = None


class Body(BaseModel):
    string: str | bytes | None = None


class CutOff(BaseModel):
    """Why a response body ended early: the exception seen while reading it."""

    type: str
    message: str


#: Why a recording that does not say how its body ended (another tool's) is taken as cut off.
CUT_INSIDE_AN_EVENT = CutOff(
    type="RemoteProtocolError", message="the recorded body ends inside an event (the recording says no more)"
)


class Recording(BaseModel):
    """ssetape's own data about one response; vcrpy ignores it."""

    model_config = ConfigDict(extra="ignore")

    format: int = FORMAT_VERSION
    recorded_at: datetime | None = None
    #: Seconds from sending the request to receiving the response headers.
    response_at: float = 0.0
    #: One ``(seconds since the request was sent, size in bytes)`` pair per network chunk (see :mod:`.chunks`).
    chunks: Annotated[
        Sequence[tuple[float, int]], WrapValidator(validate_chunks), PlainSerializer(list, return_type=list)
    ] = Field(default_factory=Chunks)
    complete: bool = True
    error: CutOff | None = None
    #: ``"base64"`` when a JSON cassette holds a body that is not UTF-8 text.
    body_encoding: Literal["base64"] | None = None

    @field_validator("format")
    @classmethod
    def _upgraded(cls, value: int) -> int:
        # Read, a recording is in this format (the reader checked the file's: not newer, and whole).
        return FORMAT_VERSION

    @field_validator("response_at")
    @classmethod
    def _response_at_is_a_time(cls, value: float) -> float:
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"the response arrives at {value!r} seconds: expected a finite time of 0 or more")
        return value


class RecordedRequest(BaseModel):
    method: str
    uri: str
    body: str | bytes | None = None
    headers: Headers = Field(default_factory=dict)

    def header(self, name: str) -> str | None:
        return _header(self.headers, name)

    @property
    def body_bytes(self) -> bytes:
        return _to_bytes(self.body)


class RecordedResponse(BaseModel):
    status: Status
    headers: Headers = Field(default_factory=dict)
    body: Body = Field(default_factory=Body)
    ssetape: Recording | None = None

    def header(self, name: str) -> str | None:
        return _header(self.headers, name)

    @property
    def body_bytes(self) -> bytes:
        """The body as sent, still in its ``content-encoding``."""
        return _to_bytes(self.body.string)

    @property
    def decoded_body(self) -> bytes:
        """The body with its ``content-encoding`` removed: what a client reads."""
        return b"".join(decode_encoding(self.header("content-encoding"), [self.body_bytes]))

    @model_validator(mode="after")
    def _cut_inside_an_event(self) -> RecordedResponse:
        # Another tool's recording says nothing of how the body ended: one that stops inside a line was
        # cut off (a live client would have seen the connection fail there), and replays as such.
        if self.ssetape is None and is_event_stream(self.header("content-type")) and _ends_inside_an_event(self):
            self.ssetape = Recording(complete=False, error=CUT_INSIDE_AN_EVENT)
        return self

    @model_validator(mode="after")
    def _chunks_cover_body(self) -> RecordedResponse:
        if self.ssetape is not None and self.ssetape.chunks:
            chunks = self.ssetape.chunks
            if isinstance(chunks, Chunks):  # checked now, or when first read (see recorder.chunks)
                body = self.body.string
                chunks.cover(len(body) if isinstance(body, str) and body.isascii() else partial(_size, body))
                return self
            size = _size(self.body.string)
            if (total := sum(pair[1] for pair in chunks)) != size:
                raise ValueError(f"the recorded chunk sizes add up to {total} bytes but the body has {size} bytes")
        return self


@dataclass(frozen=True, slots=True)
class Chunk:
    """One network chunk as it arrived: ``at`` seconds after the request was sent."""

    at: float
    data: bytes


class Interaction(BaseModel):
    request: RecordedRequest
    response: RecordedResponse

    @property
    def streamed(self) -> bool:
        return is_event_stream(self.response.header("content-type"))

    @property
    def complete(self) -> bool:
        return self.response.ssetape is None or self.response.ssetape.complete

    @property
    def response_at(self) -> float:
        return self.response.ssetape.response_at if self.response.ssetape else 0.0

    @property
    def timed(self) -> bool:
        """Whether the recording says when each byte arrived: another tool's cassette, a raw ``.sse`` dump or a HAR
        without timings does not (each event then reads +0.000s, which would be a lie), even when a cut was
        found in it."""
        recording = self.response.ssetape
        return recording is not None and (recording.response_at > 0 or len(recording.chunks) > 0)

    def chunks(self) -> list[Chunk]:
        """The body as it arrived on the network (still in its ``content-encoding``).

        A cassette recorded elsewhere (plain vcrpy) has no timing: each SSE event then counts
        as one chunk arriving with no delay, and any other body as a single chunk.
        """
        body = self.response.body_bytes
        recording = self.response.ssetape
        if recording is not None and recording.chunks:
            chunks, pos = [], 0
            for at, size in recording.chunks:
                chunks.append(Chunk(at, body[pos : pos + size]))
                pos += size
            return chunks
        if self.response.header("content-encoding") and body:
            return [Chunk(0.0, body)]
        return self._untimed(body)

    def decoded_chunks(self) -> list[Chunk]:
        """:meth:`chunks` with the ``content-encoding`` removed, as a client reads them: one per network
        chunk when the timing is recorded (each holding what that chunk let the decoder produce)."""
        encoding = self.response.header("content-encoding")
        if not encoding:
            return self.chunks()
        recording = self.response.ssetape
        if recording is not None and recording.chunks:
            raw = self.chunks()
            decoded = decode_encoding(encoding, [chunk.data for chunk in raw])
            return [Chunk(chunk.at, data) for chunk, data in zip(raw, decoded, strict=True)]
        return self._untimed(self.response.decoded_body)

    def _untimed(self, body: bytes) -> list[Chunk]:
        if not body:
            return []
        if not self.streamed:
            return [Chunk(0.0, body)]
        chunks, pos = [], 0
        for event in decode_sse(body):
            chunks.append(Chunk(0.0, body[pos : event.end]))
            pos = event.end
        if pos < len(body):
            chunks.append(Chunk(0.0, body[pos:]))
        return chunks

    def describe(self) -> str:
        return f"{self.request.method} {self.request.uri}"


class Cassette(BaseModel):
    """A list of recorded HTTP interactions, in the order they happened."""

    version: int = VCR_FORMAT_VERSION
    interactions: list[Interaction] = Field(default_factory=list)
    _path: Path | None = PrivateAttr(default=None)

    @property
    def path(self) -> Path | None:
        """Where the cassette was loaded from or last saved to."""
        return self._path

    def save(self, path: str | Path | None = None) -> Path:
        """Write the cassette atomically; YAML unless the file name ends in ``.json``."""
        from .writer import save

        target = Path(path) if path is not None else self._path
        if target is None:
            raise ValueError("this cassette has no path yet: pass one to save()")
        save(self, target)
        self._path = target
        return target

    def streams(self) -> list[int]:
        """Indexes of the interactions whose response is an SSE stream."""
        return [i for i, interaction in enumerate(self.interactions) if interaction.streamed]


def _ends_inside_an_event(response: RecordedResponse) -> bool:
    """Whether an SSE body stops inside a line (a comment aside). A body whose last line is whole but lacks
    its blank line is not taken as cut: dumps and hand-kept files often end so."""
    body = response.body_bytes
    if not body or (body.endswith((b"\n", b"\r")) and not response.header("content-encoding")):
        return False
    body = response.decoded_body
    last = body[max(body.rfind(b"\n"), body.rfind(b"\r")) + 1 :].removeprefix(b"\xef\xbb\xbf")
    return bool(last) and not last.startswith(b":")


def _header(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    for key, values in headers.items():
        if key.lower() == wanted and values:
            return values[0]
    return None


def _size(value: str | bytes | None) -> int:
    """The size in bytes of a body, without encoding an ASCII one (most are)."""
    if isinstance(value, str) and value.isascii():
        return len(value)
    return len(_to_bytes(value))


def _to_bytes(value: str | bytes | None) -> bytes:
    if value is None:
        return b""
    return value.encode("utf-8") if isinstance(value, str) else value
