"""recorder.encodings: the incremental encoders fault injection re-compresses a broken body with."""

from __future__ import annotations

import pytest

from ssetape.recorder import encoder
from ssetape.recorder.encodings import decoder

PIECES = [b'data: {"n": %d, "text": "%s"}\n\n' % (n, b"word " * n) for n in range(12)]


@pytest.mark.parametrize("header", ["gzip", "x-gzip", "deflate", "br", "zstd", "gzip, br", "br, zstd"])
def test_each_piece_decodes_as_soon_as_it_arrives(header: str) -> None:
    """What a client's decoder gives for each encoded piece is that piece, whole (a server flushing each event), and
    the finished body decodes to the whole."""
    coder, reader = encoder(header), decoder(header)
    assert coder is not None and reader is not None
    for piece in PIECES:
        assert reader.feed(coder.feed(piece)) == piece
    assert reader.feed(coder.flush()) + reader.flush() == b""


def test_no_coding_and_an_unknown_one() -> None:
    assert encoder(None) is None and encoder("identity") is None
    with pytest.raises(ValueError, match="'compress' is not one ssetape encodes"):
        encoder("compress")
