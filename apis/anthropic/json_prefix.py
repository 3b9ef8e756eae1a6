"""Whether a tool's partial input JSON is still one that ``jiter``'s partial mode parses, one piece at a
time, without parsing it all again.

The SDK re-parses a tool's whole input at every ``input_json_delta`` (``from_json(buf, partial_mode=...)``),
so that bad JSON stops the stream at the delta that makes it bad: quadratic in the input's size. :func:`advance`
follows the common shape of tool input (objects, arrays, strings without escapes, whitespace) through each
piece in its own time, and answers only when it is sure: a :data:`Prefix` when the buffer so far is a prefix
that ``from_json`` accepts in every partial mode, ``None`` when it cannot tell (a number, a literal, an
escape, a control character, anything unexpected), after which the caller parses the whole buffer, as the
SDK does, at every delta. It never says a buffer is bad: the full parse says that, with the SDK's message.
"""

from __future__ import annotations

import re

__all__ = ["START", "Prefix", "advance", "sure"]

#: The open containers (``{`` and ``[``, innermost last) and what may come next (the constants below).
Prefix = tuple[str, int]

_VALUE, _KEY_OR_CLOSE, _KEY, _COLON, _AFTER, _VALUE_OR_CLOSE, _STRING, _KEY_STRING, _START = range(9)
#: Nothing but whitespace yet, which ``from_json`` rejects.
START: Prefix = ("", _START)
_WHITESPACE = frozenset(" \t\n\r")
#: What ends a run of plain string characters: its closing quote, or something handled by the full parse.
_STRING_STOP = re.compile(r'["\\\x00-\x1f]')
#: Deeper than this, ``jiter``'s recursion limit may be near: the full parse decides.
_DEPTH = 64


def sure(prefix: Prefix | None) -> bool:
    """Whether ``prefix`` is known to be one that ``from_json`` parses in partial mode."""
    return prefix is not None and prefix[1] != _START


def advance(prefix: Prefix | None, piece: str) -> Prefix | None:
    """``prefix`` after ``piece``: None once it cannot tell."""
    if prefix is None:
        return None
    stack, expect = prefix
    i, size = 0, len(piece)
    while i < size:
        if expect in (_STRING, _KEY_STRING):
            found = _STRING_STOP.search(piece, i)
            if found is None:
                break
            if piece[found.start()] != '"':
                return None
            i = found.start() + 1
            expect = _COLON if expect == _KEY_STRING else _AFTER
            continue
        c = piece[i]
        i += 1
        if c in _WHITESPACE:
            continue
        if expect in (_VALUE, _START, _VALUE_OR_CLOSE):
            if c == "{" or c == "[":
                if len(stack) >= _DEPTH:
                    return None
                stack += c
                expect = _KEY_OR_CLOSE if c == "{" else _VALUE_OR_CLOSE
            elif c == '"' and expect != _START:  # (a bare string is not partial in every mode)
                expect = _STRING
            elif c == "]" and expect == _VALUE_OR_CLOSE:
                stack, expect = stack[:-1], _AFTER
            else:
                return None
        elif expect in (_KEY_OR_CLOSE, _KEY):
            if c == '"':
                expect = _KEY_STRING
            elif c == "}" and expect == _KEY_OR_CLOSE:
                stack, expect = stack[:-1], _AFTER
            else:
                return None
        elif expect == _COLON:
            if c != ":":
                return None
            expect = _VALUE
        elif not stack:  # after the whole value: only whitespace
            return None
        elif c == ",":
            expect = _KEY if stack[-1] == "{" else _VALUE
        elif (c == "}" and stack[-1] == "{") or (c == "]" and stack[-1] == "["):
            stack = stack[:-1]
        else:
            return None
    return stack, expect
