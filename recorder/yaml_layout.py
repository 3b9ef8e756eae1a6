"""A fast reader for the YAML layout ssetape's writer emits (and plain vcrpy's block style).

libyaml scans fast, but PyYAML then builds every node and resolves every scalar in Python: on a
cassette of many small interactions that is most of the load, and on a long stream, scanning the
body's literal block character by character is. This reader handles the small subset of YAML
those files use: block mappings and sequences, plain and single-quoted scalars, one-line flow
sequences of scalars, ``{}``, literal blocks (``|``, ``|-``, ``|+``, with an indentation
indicator), whose text it cuts out with string operations, and double-quoted scalars in the form PyYAML's
emitter writes them (:mod:`.yaml_quoted`: bodies a block cannot hold, such as Gemini's CRLF streams).

It is an accelerator, never a second opinion: anything outside that subset (a tag, an anchor, a
double-quoted scalar in another form, a comment, a tab, a document marker, odd indentation...) makes :func:`parse`
return None, and the caller loads the text with PyYAML, which then also reports any error with
its line. Plain scalars are resolved by PyYAML's own resolver and constructors, so ``1``,
``true``, ``null`` and timestamps come out exactly as PyYAML makes them.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

import yaml

from .yaml_quoted import double_quoted

#: The ASCII this reader takes: printable characters and ``\n`` (no tab, no ``\r``).
_PLAIN_ASCII = b"\n" + bytes(range(0x20, 0x7F))
#: In UTF-8, by the byte they start with: C1 controls (with NEL, a line break to YAML); the line and paragraph
#: separators; the BOM and the non-characters libyaml refuses. Each is searched for only when its first byte is in
#: the file, by its literal prefix (a search for alternatives that start with different bytes tries every byte).
_REFUSED_BEYOND_ASCII = {
    0xC2: re.compile(rb"\xc2[\x80-\x9f]"),
    0xE2: re.compile(rb"\xe2\x80[\xa8\xa9]"),
    0xEF: re.compile(rb"\xef(?:\xbb\xbf|\xbf[\xbe\xbf])"),
}
#: What a text need not hold for its characters to be plain: deleted, what is left is a control character or the
#: first byte of a character that may be refused.
_PLAIN_OR_HARMLESS = _PLAIN_ASCII + bytes(byte for byte in range(0x80, 0x100) if byte not in _REFUSED_BEYOND_ASCII)
#: The ASCII this reader takes and every byte past it: what is left is a control character.
_PLAIN_OR_BEYOND = _PLAIN_ASCII + bytes(range(0x80, 0x100))
_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.\-]*):(?: |$)")
_LITERAL = re.compile(r"\|(?:([1-9])?([+-])?|([+-])([1-9]))$")
#: First characters a plain scalar cannot start with (``-``, ``?`` and ``:`` may, before a non-space).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_STR = "tag:yaml.org,2002:str"
#: The tags PyYAML's resolver gives plain scalars that its safe constructor builds (not ``=``'s "value").
_BUILT = frozenset(f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "null", "timestamp"))


class _Unsupported(Exception):
    """The text leaves the subset: PyYAML reads it instead."""


_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
_scalars: dict[str, Any] = {}


def _plain(text: str) -> Any:
    """A plain scalar's value, as PyYAML's safe loader resolves and constructs it (checked on first sight)."""
    try:
        return _scalars[text]
    except KeyError:
        pass
    _check_plain(text, True)
    tag = _resolver.resolve(yaml.ScalarNode, text, (True, False))
    if tag == _STR:
        value: Any = text
    elif tag in _BUILT:
        try:
            value = _constructor.construct_object(yaml.ScalarNode(tag, text))
        except Exception:  # e.g. a timestamp with month 13: PyYAML's own load reports it
            raise _Unsupported from None
    else:
        raise _Unsupported
    if len(_scalars) < 10_000:  # header values and keys repeat from one interaction to the next
        _scalars[text] = value
    return value


_keys: dict[bytes, Any] = {}


def _key(raw: bytes) -> Any:
    """A mapping key's value (:func:`_plain`), remembered by its bytes: the same few keys fill every interaction."""
    try:
        return _keys[raw]
    except KeyError:
        value = _plain(raw.decode())
        if len(_keys) < 10_000:
            _keys[raw] = value
        return value


def _check_plain(text: str, first: bool) -> None:
    if not text:
        raise _Unsupported
    head = text[0]
    if head in _INDICATORS and (not first or head not in "-?:" or len(text) == 1 or text[1] == " "):
        raise _Unsupported
    if ": " in text or " #" in text or text.endswith(":"):
        raise _Unsupported


def _indent(text: bytes, start: int, end: int) -> int:
    match = _SPACES.match(text, start, end)
    return match.end() - start if match else 0


_SPACES = re.compile(b" *")
_NEWLINES = re.compile(b"\n*")
#: Empty lines, then the next line's indentation.
_INDENTATION = re.compile(b"\n*( *)")
#: A sequence entry from a line's start: empty lines before it, the indentation, ``- `` and the rest of its line.
_ITEM = re.compile(rb"\n*( *)(- )?([^\n]*)")
#: A mapping entry from a line's start: empty lines before it, the indentation, ``key:`` and what follows.
_ENTRY = re.compile(rb"\n*( *)(?:([A-Za-z0-9_][A-Za-z0-9_.\-]*):(?: ([^\n]*))?(?=\n))?")
#: Flow sequences of one plain or single-quoted item without quotes inside (most header values).
_ONE_PLAIN = re.compile(r"\[([^'\"\[\]{},# ][^'\"\[\]{},#]*)\]")
_ONE_QUOTED = re.compile(r"\['([^'\n]*)'\]")


class _Reader:
    """Reads bytes (:func:`parse` checks their characters): the structure's lines are decoded one by one, a literal
    block's text a piece at a time (:func:`_block`), its characters checked as it is decoded; a UnicodeDecodeError
    (or jiter's refusal, in a double-quoted scalar) says they are not UTF-8."""

    def __init__(self, text: bytes) -> None:
        self.text = text
        self.pos = 0  # the start of the current line
        #: The spans of literal blocks and double-quoted scalars, whose characters were checked as they were read
        #: (:func:`_unmarked`, :func:`.yaml_quoted.double_quoted`).
        self.blocks: list[tuple[int, int]] = []

    # -- lines --------------------------------------------------------------------------------------
    def _line(self) -> tuple[int, int]:
        """The current line's start and end (its ``\\n``); the text always ends with one."""
        end = self.text.find(b"\n", self.pos)
        if end < 0:  # past the last line: a file cut short (tests/ssetape/test_fuzz.py); PyYAML says where
            raise _Unsupported
        return self.pos, end

    def _skip_empty(self) -> None:
        found = _NEWLINES.match(self.text, self.pos)
        assert found is not None  # it may match nothing
        self.pos = found.end()

    def _at_end(self) -> bool:
        return self.pos >= len(self.text)

    # -- nodes --------------------------------------------------------------------------------------
    def document(self) -> Any:
        self._skip_empty()
        if self._at_end():
            raise _Unsupported
        start, end = self._line()
        if _indent(self.text, start, end) != 0 or self.text.startswith((b"---", b"...", b"%"), start):
            raise _Unsupported
        value = self._collection(0, None)
        self._skip_empty()
        if not self._at_end():
            raise _Unsupported
        return value

    def _collection(self, indent: int, first: str | None) -> Any:
        """A block mapping or sequence at ``indent``; ``first`` stands for the current line's text from
        ``indent`` on when it follows a sequence entry's ``- ``."""
        start, end = self._line()
        rest = first if first is not None else self.text[start + indent : end].decode()
        if rest == "-" or rest.startswith("- "):
            if first is not None:
                raise _Unsupported  # "- - x"
            return self._sequence(indent)
        return self._mapping(indent, first)

    def _mapping(self, indent: int, first: str | None) -> dict[Any, Any]:
        text, size, entry = self.text, len(self.text), _ENTRY.match
        result: dict[Any, Any] = {}
        if first is not None:
            match = _KEY.match(first)
            if match is None:
                raise _Unsupported
            self.pos = text.index(b"\n", self.pos) + 1
            result[_plain(match.group(1))] = self._value(first[match.end() :], indent, in_mapping=True)
        while True:
            found = entry(text, self.pos)
            assert found is not None  # every part of the pattern may match nothing
            start, after = found.span(1)
            if start >= size:
                self.pos = size
                return result
            spaces = after - start
            if spaces < indent:
                self.pos = start
                return result
            key, value = found.group(2, 3)
            if spaces > indent or key is None:  # no key, or more than a key on its line (the pattern ends at one)
                raise _Unsupported  # also "- " where a key belongs: YAML would refuse it
            self.pos = found.end() + 1
            result[_key(key)] = self._value(value.decode() if value else "", indent, in_mapping=True)

    def _sequence(self, indent: int) -> list[Any]:
        text, size, item = self.text, len(self.text), _ITEM.match
        items: list[Any] = []
        while True:
            found = item(text, self.pos)
            assert found is not None  # every part of the pattern may match nothing
            start = found.start(1)
            if start >= size:
                self.pos = size
                return items
            spaces = found.end(1) - start
            if spaces != indent or found.group(2) is None:
                if spaces > indent:
                    raise _Unsupported
                self.pos = start
                return items
            end = found.end()
            if end >= size:  # past the last line: a file cut short; PyYAML says where
                raise _Unsupported
            rest = found.group(3).decode()
            if _KEY.match(rest):
                self.pos = start
                items.append(self._mapping(indent + 2, rest))
            else:
                self.pos = end + 1
                items.append(self._value(rest, indent, in_mapping=False))

    def _value(self, rest: str, indent: int, *, in_mapping: bool) -> Any:
        """The value whose text starts with ``rest`` (the line already consumed); continuation lines
        must be indented more than ``indent``."""
        if not rest:
            if not in_mapping:
                raise _Unsupported
            return self._nested(indent)
        head = rest[0]
        if head == " ":
            raise _Unsupported
        if head == "|":
            return self._literal(rest, indent)
        if head == "'":
            return self._single_quoted(rest, indent)
        if head == "[":
            return self._flow_sequence(rest)
        if head == '"':
            return self._double_quoted(rest, indent)
        if rest == "{}":
            return {}
        return self._plain_value(rest, indent)

    def _nested(self, indent: int) -> Any:
        text = self.text
        lines = _INDENTATION.match(text, self.pos)
        assert lines is not None  # it may match nothing
        start, after = lines.span(1)
        if start >= len(text):
            self.pos = start
            return None
        found = after - start
        dash = text.startswith((b"- ", b"-\n"), after)
        if found > indent or (found == indent and dash):
            self.pos = start
            return self._sequence(found) if dash else self._mapping(found, None)
        return None

    def _plain_value(self, rest: str, indent: int) -> Any:
        rest = rest.rstrip(" ")
        text = self.text
        if not text.startswith(b" " * (indent + 1), self.pos):
            return _plain(rest)  # no continuation line (the next is no deeper, or empty)
        _check_plain(rest, True)
        parts = [rest]
        breaks = 0
        while not self._at_end():
            start, end = self._line()
            if start == end:
                breaks += 1
                self.pos = end + 1
                continue
            if _indent(text, start, end) <= indent:
                break
            line = text[start:end].strip(b" ").decode()
            _check_plain(line, False)
            parts.append("\n" * breaks if breaks else " ")
            parts.append(line)
            breaks = 0
            self.pos = end + 1
        return _plain("".join(parts))

    def _single_quoted(self, rest: str, indent: int) -> str:
        text = self.text
        pieces: list[str] = []
        line, breaks = rest[1:], 0
        while True:
            close = _closing_quote(line)
            if close >= 0:
                if line[close + 1 :]:
                    raise _Unsupported
                if pieces:
                    pieces.append("\n" * breaks if breaks else " ")
                pieces.append(line[:close])
                return "".join(pieces).replace("''", "'")
            if pieces:
                pieces.append("\n" * breaks if breaks else " ")
            pieces.append(line.rstrip(" "))
            breaks = 0
            while True:  # the next line with text
                if self._at_end():
                    raise _Unsupported
                start, end = self._line()
                self.pos = end + 1
                if start != end:
                    break
                breaks += 1
            if _indent(text, start, end) <= indent:
                raise _Unsupported
            line = text[start:end].lstrip(b" ").decode()
            if not line.strip(" "):
                raise _Unsupported

    def _double_quoted(self, rest: str, indent: int) -> str:
        # ``rest`` is the tail of the line before ``pos``: the quote opens where its bytes start.
        quote = self.pos - 1 - len(rest.encode())
        read = double_quoted(self.text, quote, indent)
        if read is None:
            raise _Unsupported
        value, self.pos = read
        self.blocks.append((quote, self.pos))
        return value

    def _flow_sequence(self, rest: str) -> list[Any]:
        one = _ONE_PLAIN.fullmatch(rest)
        if one is not None:
            return [_plain(one.group(1).rstrip(" "))]
        one = _ONE_QUOTED.fullmatch(rest)
        if one is not None:
            return [one.group(1)]
        items: list[Any] = []
        pos, size = 1, len(rest)
        if rest == "[]":
            return items
        while True:
            while pos < size and rest[pos] == " ":
                pos += 1
            if pos >= size:
                raise _Unsupported
            if rest[pos] == "'":
                close = _closing_quote(rest, pos + 1)
                if close < 0:
                    raise _Unsupported
                items.append(rest[pos + 1 : close].replace("''", "'"))
                pos = close + 1
            else:
                stop = pos
                while stop < size and rest[stop] not in ",]":
                    stop += 1
                item = rest[pos:stop].rstrip(" ")
                _check_plain(item, True)
                if any(char in item for char in "[]{}\"'"):
                    raise _Unsupported
                items.append(_plain(item))
                pos = stop
            while pos < size and rest[pos] == " ":
                pos += 1
            if pos < size and rest[pos] == ",":
                pos += 1
                continue
            if rest[pos:] == "]":
                return items
            raise _Unsupported

    def _literal(self, rest: str, indent: int) -> str:
        header = _LITERAL.match(rest)
        if header is None:
            raise _Unsupported  # a comment after the header, or a folded block
        digit = header.group(1) or header.group(4)
        chomp = header.group(2) or header.group(3)
        text = self.text
        start, end = self._line()
        if start == end:
            raise _Unsupported  # leading empty lines: let PyYAML work out the indentation
        found = _indent(text, start, end)
        block_indent = indent + int(digit) if digit else found
        if block_indent <= indent or found < block_indent:
            raise _Unsupported
        prefix = b" " * block_indent
        block_end, pieces, tail = _block(text, start, prefix)
        body_end = block_end
        while text[body_end - 1 : body_end] == b"\n":  # the last line's break and the empty lines after it
            body_end -= 1
        # Lines of spaces only are "empty" to YAML when they come first, last or right after the block:
        # rare (PyYAML never writes them), so left to PyYAML. In between, the replace below reads them right.
        last = text.rfind(b"\n", start, body_end) + 1 or start
        after = block_end + _indent(text, block_end, len(text))
        if (
            text[start + found : start + found + 1] == b"\n"
            or not text[last:body_end].strip(b" ")
            or (block_end < len(text) and text[after : after + 1] == b"\n")
        ):
            raise _Unsupported
        self.pos = block_end
        self.blocks.append((start + block_indent, block_end))
        keep = {"+": block_end - body_end, "-": 0}.get(chomp or "", 1)
        drop = block_end - body_end - keep  # line breaks at the end that chomping drops (unmarked: no line follows)
        if drop <= len(tail):
            pieces.append(_unmarked(tail[: len(tail) - drop]))
            return "".join(pieces)
        pieces.append(_unmarked(tail))
        return "".join(pieces)[:-drop]  # they span two pieces: rare


#: Bytes of a literal block read at a time: under 30,000, below which CPython finds a multi-byte pattern without
#: setting its two-way search up again at each match (that setup was half of a long body's dedent), and small
#: enough for the allocator to reuse its memory from one piece to the next (decoding a long body whole costs a
#: fresh page, a page fault, every 4 kB).
_PIECE = 16_000
#: While a block is read, a line break followed by the block's indentation becomes ``_BREAK`` and as many
#: ``_FILL`` (bytes the character check refuses, so the text holds none): the same length, so CPython replaces
#: in place, with no counting pass first, and the block's offsets stay the file's.
_BREAK, _FILL = b"\x01", b"\x00"
#: Once indentations are marked, a line break followed by neither an empty line nor a mark: the block's end.
_OUTDENTED = re.compile(rb"\n[^\n\x01]")
#: What a block's text holds where the original holds a byte the character check refuses.
_REFUSED = b"\x02"
#: Marked text back to text: each mark a line break, the fill dropped, and each ASCII byte libyaml refuses as text
#: (a control but the line break, DEL) as ``_REFUSED``: one translation reads a block and checks its characters.
_UNMARK = bytes(
    ord("\n") if byte == _BREAK[0] else byte if byte == ord("\n") or 0x20 <= byte != 0x7F else _REFUSED[0]
    for byte in range(256)
)


def _block(raw: bytes, start: int, prefix: bytes) -> tuple[int, list[str], bytes]:
    """Read the literal block whose first line starts at ``start`` (indented by at least ``prefix``): where it ends
    (the next line's start), its text but the last piece, decoded without indentation piece by piece, and that
    piece, marked. The pieces are joined once by the caller: a text grown by ``+=`` is copied whenever the
    allocator cannot extend it where it lies, which (depending on what the process freed before) made a 10 MB
    body's load 4 to 20 times slower.

    One pass a piece finds both the indentations to drop and the end: each line break followed by ``prefix`` is
    marked, and the first line break then followed by neither a mark nor an empty line ends the block. Pieces
    are cut before a line break (never inside a break's indentation or a character)."""
    indentation, mark = b"\n" + prefix, _BREAK + _FILL * len(prefix)
    decoded: list[str] = []
    piece = b""
    pos, size = start + len(prefix), len(raw)
    while pos < size:
        if piece:
            decoded.append(_unmarked(piece))
        end = size if size - pos <= _PIECE else raw.rfind(b"\n", pos + 1, pos + _PIECE)
        if end < 0:  # a line longer than a piece
            end = raw.find(b"\n", pos + _PIECE)
            end = size if end < 0 else end
        piece = raw[pos:end].replace(indentation, mark)
        outdented = _OUTDENTED.search(piece)
        if outdented is not None:
            cut = outdented.start() + 1
            return pos + cut, decoded, piece[:cut]
        pos = end
    return size, decoded, piece


def _unmarked(piece: bytes) -> str:
    text = piece.translate(_UNMARK, _FILL)
    if _REFUSED in text:
        raise _Unsupported
    return str(text, "utf-8")


def _closing_quote(line: str, start: int = 0) -> int:
    """Where the single-quoted scalar in ``line`` (from ``start``) closes, or -1; ``''`` is a quote."""
    pos = start
    while True:
        found = line.find("'", pos)
        if found < 0 or not line.startswith("''", found):
            return found
        pos = found + 2


def plain_characters(raw: bytes, *, encoded: bool = False) -> bool:
    """Whether ``raw`` is UTF-8 holding only characters libyaml reads as text (no tab, no ``\\r``, no control);
    ``encoded``: ``raw`` was encoded from a ``str``, so it is UTF-8 and is not decoded again to check it."""
    if raw.isascii():
        return not raw.translate(None, _PLAIN_ASCII)
    left = raw.translate(None, _PLAIN_OR_HARMLESS)
    if left.translate(None, bytes(_REFUSED_BEYOND_ASCII)):
        return False  # a control character
    if not encoded and not is_utf8(raw):
        return False
    return not any(refused.search(raw) for first, refused in _REFUSED_BEYOND_ASCII.items() if first in left)


#: Bytes each of those characters holds, by its first: the line and paragraph separators are E2 80 A8 and E2 80 A9,
#: the BOM and the non-characters end with BF.
_HELD = {0xC2: (b"\xc2",), 0xE2: (b"\xe2", b"\x80"), 0xEF: (b"\xef", b"\xbf")}


def _refused_beyond_ascii(raw: bytes) -> bool:
    """Whether ``raw`` holds a character past ASCII that libyaml refuses or reads as a line break: each searched for
    (a pass over the text) only when the text holds the bytes it holds, which a search for one byte finds at
    memory's speed."""
    return any(
        all(byte in raw for byte in _HELD[first]) and refused.search(raw)
        for first, refused in _REFUSED_BEYOND_ASCII.items()
    )


#: Bytes decoded at a time to check they are UTF-8.
_UTF8_PIECE = 1 << 18


def is_utf8(raw: bytes) -> bool:
    """Whether ``raw`` is UTF-8, decoded a piece at a time: a text decoded whole takes up to four times its size
    (every character as wide as its widest: four bytes each, with one emoji), and the memory's page faults were
    most of the check."""
    if raw.isascii():
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    try:
        for start in range(0, len(raw), _UTF8_PIECE):
            decoder.decode(view[start : start + _UTF8_PIECE])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def scalar(text: str) -> Any:
    """The value of one line's scalar (``text`` after ``key: ``); a ValueError when it is outside the subset."""
    try:
        if text[:1] not in ("'", '"', "[", "{", "|", ">", "&", "*", "!", "") and not text.startswith(" "):
            return _plain(text.rstrip(" "))
        if text.startswith("["):
            return _Reader(b"")._flow_sequence(text)
    except _Unsupported:
        raise ValueError(f"not a scalar ssetape writes: {text!r}") from None
    value = parse(f"v: {text}\n")
    if value is None:
        raise ValueError(f"not a scalar ssetape writes: {text!r}")
    return value["v"]


def parse(text: str | bytes) -> Any | None:
    """The data PyYAML's safe loader would give for ``text`` (or these UTF-8 bytes), or None when it is not in
    the layout this reader knows (PyYAML must then read it)."""
    if isinstance(text, str):
        try:
            text = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate
            return None
    if not text.endswith(b"\n"):
        return None
    # The characters are checked as they are read: a literal block's as it is decoded, a double-quoted scalar's by
    # jiter, the rest once the blocks are known; the marks that stand for indentation must then be new to the text.
    # Past ASCII, the characters libyaml refuses there are searched for first. Not checked as UTF-8 first: the
    # reader decodes every character it keeps (str() and jiter refuse what is not UTF-8), and steps over ASCII only.
    if _FILL in text or _BREAK in text or (not text.isascii() and _refused_beyond_ascii(text)):
        return None
    reader = _Reader(text)
    try:
        data = reader.document()
    except (_Unsupported, UnicodeDecodeError):
        return None
    return data if _plain_outside(text, reader.blocks) else None


def _plain_outside(raw: bytes, blocks: list[tuple[int, int]]) -> bool:
    """Whether ``raw`` holds no control character (but the line break) outside these (checked) spans."""
    start = 0
    for block_start, block_end in (*blocks, (len(raw), len(raw))):
        if raw[start:block_start].translate(None, _PLAIN_OR_BEYOND):
            return False
        start = block_end
    return True
