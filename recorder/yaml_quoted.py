"""Double-quoted scalars in the form PyYAML's emitter writes them, read with operations over the whole scalar.

A body YAML's literal block cannot hold (CR, as in Gemini's ``\\r\\n\\r\\n``, or another control character)
is written double-quoted, over lines of about ``width`` columns: each line but the last ends with ``\\``
(a line break that adds nothing), the next is indented and, when it starts with a space, escapes it
(``\\ ``). libyaml reads that character by character; here the lines are joined with one slice each, the
few escapes JSON lacks (``\\x..``, ``\\U........``, ``\\0``, ``\\e``, ``\\N``...) are rewritten as JSON's
(a character past U+FFFF as its UTF-8 bytes, which jiter copies, where it decodes a pair of escapes slowly),
and jiter reads the result as one JSON string: JSON's escapes (``\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u....``)
mean what YAML's do, and jiter refuses a quote that is not escaped, a raw control character and a short
``\\u``. Anything else (a line break YAML folds into a space, another indentation, an escape YAML refuses, a
surrogate, which libyaml refuses) gives None, and PyYAML reads the file, reporting any error with its line.
"""

from __future__ import annotations

import re

import jiter

_QUOTE, _BACKSLASH = ord('"'), ord("\\")
#: A run of backslashes, then what follows it when that may be an escape JSON lacks or reads otherwise. The
#: match starts at the run's first backslash (the leftmost), so the run's length says whether its last
#: backslash starts an escape (odd) or is the second of an escaped backslash (even).
_NOT_JSON = re.compile(rb'\\(\\*+)(?:x([0-9A-Fa-f]{2})|U([0-9A-Fa-f]{8})|(u[Dd][89A-Fa-f])|([^"\\/bfnrtu]))')
#: A ``\\U`` escape (or an escaped backslash, then "U...": :func:`_wide_as_json` tells them apart).
_WIDE = re.compile(rb"\\U([0-9A-Fa-f]{8})")
#: A surrogate escape (or an escaped backslash, then "ud8"...: the slow path tells them apart).
_SURROGATE = re.compile(rb"\\u[Dd][89A-Fa-f]")
#: YAML's one-character escapes JSON lacks, as JSON's.
_AS_JSON = {
    b"0": b"\\u0000",
    b"a": b"\\u0007",
    b"v": b"\\u000b",
    b"e": b"\\u001b",
    b" ": b" ",
    b"\t": b"\\t",
    b"N": b"\\u0085",
    b"_": b"\\u00a0",
    b"L": b"\\u2028",
    b"P": b"\\u2029",
}


class _Refused(Exception):
    """An escape YAML refuses (or libyaml does: a surrogate)."""


def _as_json(found: re.Match[bytes]) -> bytes:
    pairs, byte, wide, surrogate, char = found.groups()
    if len(pairs) % 2:  # the run is even: its last backslash is escaped, and what follows it is text
        return found.group()
    if byte is not None:
        return pairs + b"\\u00" + byte
    if wide is not None:
        return pairs + _character(int(wide, 16))
    if surrogate is not None:
        raise _Refused
    try:
        return pairs + _AS_JSON[char]
    except KeyError:
        raise _Refused from None


_wide: dict[bytes, bytes] = {}


def _wide_as_json(found: re.Match[bytes]) -> bytes:
    escape = found.group()
    if _escaped(found.string, found.start()):  # an escaped backslash, then "U...": text
        return escape
    try:
        return _wide[escape]  # the same few emoji come back again and again
    except KeyError:
        pass
    as_json = _character(int(found.group(1), 16))
    if len(_wide) < 10_000:
        _wide[escape] = as_json
    return as_json


#: Distinct ``\\U`` escapes rewritten by one replace each (more: one call per escape).
_FEW_WIDE = 8


def _wide_rewritten(text: bytes) -> bytes:
    """``text`` with each ``\\U........`` escape as the character's UTF-8 bytes: by one replace per distinct escape,
    found by a search from the last (a text in one language repeats a few emoji); past a few, escape by escape.

    An escape's first backslash may instead be the second of an escaped backslash, then "U..." is text. Past
    U+007F the replace need not tell them apart: there it leaves a backslash before a byte past ASCII, an escape
    jiter refuses, and the caller reads the scalar again the slow way. Below, where the bytes would be an escape
    JSON reads (``\\u0041``), the replace is made only when no backslash precedes the escape."""
    pos, rewritten = _next_wide(text, 0), 0
    while pos >= 0:
        found = _WIDE.match(text, pos)
        if found is None:  # not an escape YAML has: left to jiter, which refuses it
            pos = _next_wide(text, pos + 2)
            continue
        escape = found.group()
        code = int(found.group(1), 16)
        if rewritten == _FEW_WIDE or (code < 0x80 and b"\\" + escape in text):
            return _WIDE.sub(_wide_as_json, text)
        # Every occurrence: none is before ``pos``, where each escape found so far was rewritten everywhere.
        text = text.replace(escape, _character(code))
        rewritten += 1
        pos = _next_wide(text, pos)
    return text


#: "U"s tried one by one before a search for "\\U" itself (a text of many capital U's).
_FEW_U = 64


def _next_wide(text: bytes, start: int) -> int:
    """Where the first ``\\U`` at or after ``start`` begins, or -1: found by its "U", a letter rare in most text,
    where a search for the pair stops at every backslash (many, in a stream's escaped quotes and line breaks)."""
    for _ in range(_FEW_U):
        letter = text.find(b"U", start + 1)
        if letter < 0:
            return -1
        if text[letter - 1] == _BACKSLASH:
            return letter - 1
        start = letter
    return text.find(b"\\U", start)


def _character(code: int) -> bytes:
    """A code point as JSON reads it: its UTF-8 bytes, or an escape in ASCII (where the byte may be a quote, a
    backslash or a control character)."""
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise _Refused
    if code < 0x80:
        return b"\\u%04x" % code
    return chr(code).encode()


def _escaped(text: bytes, at: int) -> bool:
    """Whether ``text[at]`` follows an odd run of backslashes (it is escaped)."""
    start = at
    while text[start - 1] == _BACKSLASH:
        start -= 1
    return (at - start) % 2 == 1


def double_quoted(text: bytes, quote: int, indent: int) -> tuple[str, int] | None:
    """The double-quoted scalar opening at ``text[quote]``, the value of an entry indented by ``indent``: its
    value and the start of the line after it (its characters checked: none libyaml refuses), or None when it
    is not in the form PyYAML's emitter writes (every line break escaped, the lines after the first indented
    alike and more than ``indent``, the closing quote ending its line)."""
    view = memoryview(text)
    pieces: list[memoryview] = []
    find, startswith, append = text.find, text.startswith, pieces.append
    start, indentation, skip = quote, b"", 0
    while True:
        end = find(b"\n", start)
        if end < 0:
            return None
        last = end - 1
        before = text[last - 1]
        if text[last] != _BACKSLASH or (before == _BACKSLASH and not _escaped(text, last + 1)):
            if text[last] == _QUOTE and last > quote and not _escaped(text, last):
                pieces.append(view[start:end])
                break
            return None  # a line break YAML folds into a space
        append(view[start:last])
        line = start
        if not indentation:
            head = text[end + 1 : end + indent + 82]
            spaces = len(head) - len(head.lstrip(b" "))
            if spaces <= indent:
                return None
            indentation = b" " * spaces
            skip = 1 + spaces
        elif not startswith(indentation, end + 1):
            return None
        start = end + skip
        head = text[start : start + 1]
        # Spaces past the indentation, which YAML drops too (the emitter escapes them), an empty line, the end.
        if head in b" \n":
            return None
        if before in _CUT and head in _HEX and _cut_short(text, line, last):
            return None  # an escape the line break cuts: libyaml refuses it, the lines joined would read it
        if head == b"\\" and startswith(b"\\ ", start):  # an escaped space starting a line: kept
            start += 1
    joined = b"".join(pieces)
    if b"\x7f" in joined:  # DEL, which libyaml refuses (jiter refuses the other control characters)
        return None
    # Most bodies hold only escapes JSON has, but for characters past U+FFFF (emoji), written \U........: rewritten,
    # and the text as joined let go before jiter reads it (its memory is then free for what jiter makes).
    try:
        if _next_wide(joined, 0) >= 0:
            joined = _wide_rewritten(joined)
        value = _json(joined)
    except _Refused:  # an escape YAML refuses, or "U..." after an escaped backslash: told apart below
        value = None
    # JSON joins a pair of surrogate escapes into one character, where libyaml refuses them (the rewrite neither
    # makes nor removes one).
    if value is None or (not value.isascii() and _SURROGATE.search(joined)):
        try:  # or an escape JSON lacks, an unescaped quote, a control character, a short \u...
            value = _json(_NOT_JSON.sub(_as_json, b"".join(pieces)))
        except _Refused:
            return None
    return None if value is None else (value, end + 1)


_HEX = b"0123456789ABCDEFabcdef"
#: What an escape a line break cuts ends with.
_CUT = _HEX + b"xuU"
#: The hex digits each escape that takes them takes, by its letter.
_DIGITS = {ord("x"): 2, ord("u"): 4, ord("U"): 8}


def _cut_short(text: bytes, start: int, end: int) -> bool:
    """Whether the line ``text[start:end]`` ends with an escape that takes more hex digits than it has (an escape's
    widest is 10 bytes: its last backslash in its last 9 bytes starts it, if any does)."""
    escape = text.rfind(b"\\", max(start, end - 9), end)
    if escape < 0 or escape + 1 == end:
        return False
    digits = _DIGITS.get(text[escape + 1])
    return digits is not None and end - escape - 2 < digits and _escaped(text, escape + 1)


def _json(text: bytes) -> str | None:
    try:
        value = jiter.from_json(text, cache_mode=False)
    except ValueError:
        return None
    return value if isinstance(value, str) else None
