"""``content-encoding``: a recorded body stays compressed on disk and on replay (the client gets the bytes
and the header the server sent), and is decoded only where ssetape reads it (events, validate, export, diff).

The decoders are the ones the SDKs' HTTP client (httpx2) uses, so a body ssetape reads is a body the SDK
reads: zlib for gzip and deflate, ``brotli`` and ``backports.zstd`` (``compression.zstd`` from Python 3.14).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any, Protocol

__all__ = ["ENCODINGS", "Encoder", "UnknownEncodingError", "decode", "decoder", "encoder", "encodings_of"]

import brotli

try:
    from compression import zstd  # type: ignore[import-not-found,unused-ignore]  # Python 3.14+
except ImportError:
    from backports import zstd

#: The content codings ssetape decodes.
ENCODINGS = ("gzip", "deflate", "br", "zstd")


class UnknownEncodingError(ValueError):
    """A ``content-encoding`` ssetape has no decoder for."""


class Decoder(Protocol):
    def feed(self, data: bytes) -> bytes: ...

    def flush(self) -> bytes: ...


class _Zlib:
    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._inner: Any = zlib.decompressobj(wbits)
        self._first = True

    def feed(self, data: bytes) -> bytes:
        if self._first and data and self._wbits == zlib.MAX_WBITS:
            self._first = False
            try:
                return bytes(self._inner.decompress(data))
            except zlib.error:
                # Servers send "deflate" both ways: zlib-wrapped (RFC 9110) and raw (as browsers accept).
                self._inner = zlib.decompressobj(-zlib.MAX_WBITS)
        return bytes(self._inner.decompress(data))

    def flush(self) -> bytes:
        return bytes(self._inner.flush())


class _Gzip(_Zlib):
    def __init__(self) -> None:
        super().__init__(zlib.MAX_WBITS | 16)

    def feed(self, data: bytes) -> bytes:
        out = bytearray(self._inner.decompress(data))
        # A body may hold several gzip members back to back (RFC 1952), each decoded in turn.
        while self._inner.eof and self._inner.unused_data:
            rest = self._inner.unused_data
            self._inner = zlib.decompressobj(zlib.MAX_WBITS | 16)
            out += self._inner.decompress(rest)
        return bytes(out)


class _Brotli:
    def __init__(self) -> None:
        self._inner = brotli.Decompressor()

    def feed(self, data: bytes) -> bytes:
        method = getattr(self._inner, "process", None) or self._inner.decompress
        return bytes(method(data))

    def flush(self) -> bytes:
        return b""


class _Zstd:
    def __init__(self) -> None:
        self._inner = zstd.ZstdDecompressor()

    def feed(self, data: bytes) -> bytes:
        out = bytearray()
        while data:
            out += self._inner.decompress(data)
            data = self._inner.unused_data if self._inner.eof else b""
            if data:
                self._inner = zstd.ZstdDecompressor()
        return bytes(out)

    def flush(self) -> bytes:
        return b""


class _Chain:
    """Coders one after another, what one gives the next takes: decoders in the reverse order of the codings a
    header names, encoders in that order."""

    def __init__(self, coders: list[Any]) -> None:
        self._coders = coders

    def feed(self, data: bytes) -> bytes:
        for one in self._coders:
            data = one.feed(data)
        return data

    def flush(self) -> bytes:
        data = b""
        for one in self._coders:
            data = one.feed(data) + one.flush() if data else one.flush()
        return data


_DECODERS: dict[str, Any] = {
    "gzip": _Gzip,
    "x-gzip": _Gzip,
    "deflate": lambda: _Zlib(zlib.MAX_WBITS),
    "br": _Brotli,
    "zstd": _Zstd,
}


class Encoder(Protocol):
    """Encodes a body piece by piece, each piece decodable as soon as it is received (as a server flushes each
    event it sends)."""

    def feed(self, data: bytes) -> bytes: ...

    def flush(self) -> bytes:
        """The rest, ending the encoding."""
        ...


class _ZlibEncoder:
    def __init__(self, wbits: int) -> None:
        self._inner = zlib.compressobj(wbits=wbits)

    def feed(self, data: bytes) -> bytes:
        return self._inner.compress(data) + self._inner.flush(zlib.Z_SYNC_FLUSH)

    def flush(self) -> bytes:
        return self._inner.flush()


class _BrotliEncoder:
    def __init__(self) -> None:
        self._inner = brotli.Compressor()

    def feed(self, data: bytes) -> bytes:
        return bytes(self._inner.process(data) + self._inner.flush())

    def flush(self) -> bytes:
        return bytes(self._inner.finish())


class _ZstdEncoder:
    def __init__(self) -> None:
        self._inner = zstd.ZstdCompressor()

    def feed(self, data: bytes) -> bytes:
        return bytes(self._inner.compress(data, zstd.ZstdCompressor.FLUSH_BLOCK))

    def flush(self) -> bytes:
        return bytes(self._inner.flush(zstd.ZstdCompressor.FLUSH_FRAME))


_ENCODERS: dict[str, Any] = {
    "gzip": lambda: _ZlibEncoder(31),
    "x-gzip": lambda: _ZlibEncoder(31),
    "deflate": lambda: _ZlibEncoder(zlib.MAX_WBITS),
    "br": _BrotliEncoder,
    "zstd": _ZstdEncoder,
}


def encodings_of(header: str | None) -> list[str]:
    """The codings a ``content-encoding`` value names, in the order the server applied them."""
    names = [part.strip().lower() for part in (header or "").split(",")]
    return [name for name in names if name and name != "identity"]


def decoder(header: str | None) -> Decoder | None:
    """An incremental decoder for a body sent with ``content-encoding: header``; None when it is not encoded.

    Raises :class:`UnknownEncodingError` for a coding ssetape cannot decode.
    """
    names = _known(header, _DECODERS, "decodes")
    return _Chain([_DECODERS[name]() for name in reversed(names)]) if names else None


def _known(header: str | None, coders: dict[str, Any], does: str) -> list[str]:
    """The codings ``header`` names, each one of ``coders`` (else :class:`UnknownEncodingError`)."""
    names = encodings_of(header)
    unknown = [name for name in names if name not in coders]
    if unknown:
        raise UnknownEncodingError(
            f"content-encoding {unknown[0]!r} is not one ssetape {does} ({', '.join(ENCODINGS)})"
        )
    return names


def decode(header: str | None, parts: Iterable[bytes]) -> list[bytes]:
    """``parts`` (a body's chunks, in order) decoded one by one: the same count, the last one holding the
    flushed rest. Raises ``ValueError`` when the bytes are not in that coding."""
    found = decoder(header)
    chunks = list(parts)
    if found is None:
        return chunks
    try:
        out = [found.feed(chunk) for chunk in chunks]
        rest = found.flush()
    except (zlib.error, brotli.error, zstd.ZstdError) as exc:
        raise ValueError(f"the body is not {header} data: {exc}") from None
    if out:
        out[-1] += rest
    elif rest:
        out.append(rest)
    return out


def encoder(header: str | None) -> Encoder | None:
    """An incremental encoder into ``content-encoding: header``; None when that is no coding. Raises
    :class:`UnknownEncodingError` for a coding ssetape cannot encode (the ones it decodes)."""
    names = _known(header, _ENCODERS, "encodes")
    return _Chain([_ENCODERS[name]() for name in names]) if names else None
