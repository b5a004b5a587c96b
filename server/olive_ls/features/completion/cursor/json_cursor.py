"""The JSON cursor: a forward scan of the tokens before the cursor, with a stack of open objects and arrays."""

from __future__ import annotations

import re
from dataclasses import dataclass

from olive_ls.document import nodes as n
from olive_ls.document.nodes import PathPart
from olive_ls.features.completion.cursor.base import _WORD_CHARS, EMPTY, ITEM, KEY, NONE, VALUE, Cursor

_JSON_TOKEN = re.compile(
    rb"""
    "(?:[^"\\\n]|\\.)*(?P<close>")?      # a string, unterminated when it runs into the end of the line
    |//[^\n]*                             # comments (jsonc); skipped
    |/\*(?:.|\n)*?(?:\*/|\Z)
    |[{}\[\],:]
    |[^\s{}\[\],:"/]+                     # a bare word: number, true/false/null or something half typed
    |/
    """,
    re.X,
)


@dataclass
class _Frame:
    kind: str  # "object" | "array"
    part: PathPart | None
    state: str  # object: key | colon | value | after; array: value | after
    key: str | None = None
    index: int = 0
    last_end: int = -1


def decode_string(raw: bytes) -> str:
    import json

    text = raw.decode("utf-8", errors="replace")
    for candidate in (text, text + '"'):
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, str):
            return value
    return text[1:].rstrip('"\\')


def json_cursor(data: bytes, offset: int, start: int = 0, base_path: list[PathPart] | None = None, stack: list[_Frame] | None = None) -> Cursor:
    """Scan the JSON tokens from `start` to the cursor. YAML flow collections reuse this with a base path."""
    tokens = list(_JSON_TOKEN.finditer(data, start, offset))
    current = None
    if tokens:
        last = tokens[-1]
        text = last.group()
        if last.end() == offset and text[:2] in (b"//", b"/*") and not (text[:2] == b"/*" and text.endswith(b"*/") and len(text) >= 4):
            return Cursor(kind=NONE, language="json", offset=offset, start=offset, end=offset)
        if last.end() == offset:
            if text[:1] == b'"' and last.group("close") is None:
                current = last
            elif text[:1] not in b'{}[],:"/':
                current = last
        if current is not None:
            tokens.pop()

    stack = stack if stack is not None else []
    significant = False
    for match in tokens:
        text = match.group()
        first = text[:1]
        if first == b"/":
            continue
        significant = True
        top = stack[-1] if stack else None
        if first in (b"{", b"["):
            part: PathPart | None = None
            if top is not None:
                if top.kind == n.OBJECT:
                    part = top.key if top.key is not None else ""
                else:
                    if top.state == "after":
                        top.index += 1
                    part = top.index
                top.state = "after"
            stack.append(_Frame(n.OBJECT if first == b"{" else n.ARRAY, part, "key" if first == b"{" else "value"))
        elif first in (b"}", b"]"):
            if stack:
                stack.pop()
            if stack:
                stack[-1].state = "after"
                stack[-1].last_end = match.end()
        elif first == b":":
            if top is not None and top.kind == n.OBJECT:
                top.state = "value"
        elif first == b",":
            if top is not None:
                if top.kind == n.OBJECT:
                    top.state = "key"
                else:
                    top.index += 1
                    top.state = "value"
        else:
            if top is None:
                continue
            if top.kind == n.OBJECT and top.state in ("key", "after", "colon"):
                # A key; after a value it is one whose comma is missing.
                top.key = decode_string(text) if first == b'"' else text.decode("utf-8", errors="replace")
                top.state = "colon"
            else:
                if top.kind == n.ARRAY and top.state == "after":
                    top.index += 1
                top.state = "after"
            top.last_end = match.end()

    cursor = Cursor(kind=NONE, language="json", offset=offset, start=offset, end=offset)
    base = list(base_path or [])
    if not stack:
        if not significant and current is None and start == 0:
            cursor.kind = EMPTY
        return cursor
    top = stack[-1]
    # The first frame is the document's root object (or, for a YAML flow collection, the collection at base).
    cursor.path = base + [f.part if f.part is not None else "" for f in stack[1:]]

    _json_span(cursor, data, offset, current)
    new_line = top.last_end >= 0 and data.find(b"\n", top.last_end, cursor.start) != -1
    if top.kind == n.OBJECT:
        if top.state == "key":
            cursor.kind = KEY
        elif top.state == "value":
            cursor.kind = VALUE
            cursor.key = top.key
        elif top.state == "after" and new_line:
            cursor.kind = KEY
            cursor.comma_before = top.last_end
    else:
        if top.state == "value":
            cursor.kind = ITEM
            cursor.index = top.index
        elif top.state == "after" and new_line:
            cursor.kind = ITEM
            cursor.index = top.index + 1
            cursor.comma_before = top.last_end
    if cursor.kind == NONE:
        return cursor
    if cursor.kind == KEY:
        cursor.has_colon = _next_significant(data, cursor.end) == b":"
    elif cursor.kind == VALUE:
        previous = data[cursor.start - 1 : cursor.start] if cursor.start > 0 else b""
        cursor.space_before = previous == b":" and cursor.quote is None
    if not cursor.has_colon:
        following = _next_significant(data, cursor.end)
        if following in (b'"', b"{", b"[") or (cursor.kind != KEY and _next_is_word(data, cursor.end)):
            line_end = data.find(b"\n", cursor.end)
            same_line = line_end == -1 or data[cursor.end : line_end].strip() != b""
            cursor.comma_after = ", " if same_line else ","
    line_start = data.rfind(b"\n", 0, cursor.start) + 1
    cursor.column = len(data[line_start : cursor.start].decode("utf-8", errors="replace"))
    return cursor


def _json_span(cursor: Cursor, data: bytes, offset: int, current) -> None:
    """The word or string the completion replaces, from the token being typed (or the one just after)."""
    if current is None and offset < len(data) and data[offset : offset + 1] == b'"' and _value_expected(data, offset):
        # The cursor sits right before a string: replace it rather than insert a second value.
        current_start = offset
        end, closed = _string_end(data, offset + 1, offset)
        cursor.start, cursor.end, cursor.quote, cursor.closed = current_start, end, '"', closed
        cursor.word = decode_string(data[current_start:end])
        return
    if current is None:
        after = _WORD_CHARS.match(data, offset).end()
        cursor.start, cursor.end = offset, after
        cursor.word = data[offset:after].decode("utf-8", errors="replace")
        return
    text = current.group()
    if text[:1] == b'"':
        end, closed = _string_end(data, offset, current.start())
        cursor.start, cursor.end, cursor.quote, cursor.closed = current.start(), end, '"', closed
        cursor.prefix = decode_string(text)
        inner_end = end - 1 if closed else end
        cursor.word = decode_string(data[current.start() : inner_end] + b'"')
    else:
        after = _WORD_CHARS.match(data, offset).end()
        cursor.start, cursor.end = current.start(), after
        cursor.prefix = text.decode("utf-8", errors="replace")
        cursor.word = data[current.start() : after].decode("utf-8", errors="replace")


def _value_expected(data: bytes, offset: int) -> bool:
    """Before a string at the cursor: only a value position (after ':' or '[' or ',') replaces it."""
    before = data[:offset].rstrip()
    return before[-1:] in (b":", b"[")


def _string_end(data: bytes, offset: int, string_start: int) -> tuple[int, bool]:
    """End of the string the cursor is in: after its closing quote when that quote plausibly closes it."""
    line_end = data.find(b"\n", offset)
    line_end = len(data) if line_end == -1 else line_end
    i = offset
    while i < line_end:
        char = data[i : i + 1]
        if char == b"\\":
            i += 2
            continue
        if char == b'"':
            following = data[i + 1 : line_end].lstrip()[:1]
            if following in (b"", b":", b",", b"}", b"]"):
                return i + 1, True
            break
        i += 1
    # Unterminated (or the next quote opens another string): replace the word under the cursor only.
    return _WORD_CHARS.match(data, offset).end(), False


def _next_significant(data: bytes, offset: int) -> bytes:
    """The next character after `offset` that is not whitespace or a comment."""
    length = len(data)
    i = offset
    while i < length:
        char = data[i : i + 1]
        if char in b" \t\r\n":
            i += 1
            continue
        if data.startswith(b"//", i):
            end = data.find(b"\n", i)
            i = length if end == -1 else end
            continue
        if data.startswith(b"/*", i):
            end = data.find(b"*/", i + 2)
            i = length if end == -1 else end + 2
            continue
        return char
    return b""


def _next_is_word(data: bytes, offset: int) -> bool:
    char = _next_significant(data, offset)
    return bool(char) and (char.isalnum() or char in b"-")
