"""The YAML cursor: the line under the cursor, then a walk up the indentation to the keys that hold it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from olive_ls.document.nodes import PathPart
from olive_ls.features.completion.cursor.base import _WORD_BEFORE, _WORD_CHARS, ITEM, KEY, NONE, VALUE, Cursor
from olive_ls.features.completion.cursor.json_cursor import decode_string, json_cursor

_YAML_KEY = re.compile(
    rb"""(?P<key>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s\-?:,\[\]{}\#&*!|>'"%@`][^\#]*?|-[^\s\#][^\#]*?)[ \t]*:(?=[ \t]|$)""",
    re.X,
)


@dataclass
class _Entry:
    col: int
    kind: str  # "item" | "key" | "scalar"
    start: int  # absolute offsets
    end: int
    key: str | None = None
    colon: int = -1
    value_start: int = -1
    value_end: int = -1


def _content_end(line: bytes) -> int:
    """Where the line's content ends: before a comment and trailing blanks."""
    quote = None
    i = 0
    length = len(line)
    while i < length:
        char = line[i : i + 1]
        if quote:
            if char == b"\\" and quote == b'"':
                i += 2
                continue
            if char == quote:
                quote = None
        elif char in (b'"', b"'") and (i == 0 or line[i - 1 : i] in b" \t[{,:-"):
            quote = char
        elif char == b"#" and (i == 0 or line[i - 1 : i] in b" \t"):
            length = i
            break
        i += 1
    return len(line[:length].rstrip())


def _unquote_key(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return decode_string(raw)
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    return text.strip()


def _yaml_entries(data: bytes, line_start: int, line_end: int) -> list[_Entry]:
    line = data[line_start:line_end]
    end = _content_end(line)
    entries: list[_Entry] = []
    i = len(line) - len(line.lstrip(b" \t"))
    while i < end:
        if line[i : i + 1] == b"-" and (i + 1 >= end or line[i + 1 : i + 2] in b" \t"):
            entries.append(_Entry(i, "item", line_start + i, line_start + i + 1))
            i += 1
            while i < end and line[i : i + 1] in b" \t":
                i += 1
            continue
        match = _YAML_KEY.match(line, i, end)
        if match:
            key_end = match.end("key")
            colon = match.end() - 1
            value_start = colon + 1
            while value_start < end and line[value_start : value_start + 1] in b" \t":
                value_start += 1
            entry = _Entry(i, "key", line_start + i, line_start + key_end, _unquote_key(match.group("key")), line_start + colon)
            if value_start < end:
                entry.value_start, entry.value_end = line_start + value_start, line_start + end
            entries.append(entry)
            break
        entries.append(_Entry(i, "scalar", line_start + i, line_start + end))
        break
    return entries


def _line_bounds(data: bytes, offset: int) -> tuple[int, int]:
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    return start, (len(data) if end == -1 else end)


def _previous_lines(data: bytes, line_start: int):
    """(start, end) of each line above `line_start`, nearest first."""
    end = line_start - 1
    while end >= 0:
        start = data.rfind(b"\n", 0, end) + 1
        yield start, end
        end = start - 1


def _is_blank(data: bytes, start: int, end: int) -> bool:
    stripped = data[start:end].strip()
    return not stripped or stripped.startswith(b"#") or stripped in (b"---", b"...")


def _item_index(data: bytes, line_start: int, col: int) -> int:
    """How many items of the sequence whose marker is at `col` come before the one on this line."""
    count = 0
    for start, end in _previous_lines(data, line_start):
        if _is_blank(data, start, end):
            continue
        entries = _yaml_entries(data, start, end)
        if not entries:
            continue
        first = entries[0]
        if first.col < col:
            # A line like `- - x` holds the parent item: stop; `  - x` at our column counts below.
            inner = next((e for e in entries if e.col == col), None)
            if inner is not None and inner.kind == "item":
                count += 1
            break
        if first.col == col:
            if first.kind != "item":
                break
            count += 1
    return count


class _InBlockScalar(Exception):
    """The cursor is inside a `key: |` block of text, where nothing is completed."""


def _yaml_ancestors(data: bytes, line_start: int, left: list[_Entry], threshold: int, allow_equal: bool) -> list[PathPart]:
    """The path above an entry at column `threshold`, from the entries left of it and the lines above."""
    parts: list[PathPart] = []

    def visit(entry: _Entry, entry_line_start: int) -> None:
        nonlocal threshold, allow_equal
        if entry.kind == "item":
            if entry.col < threshold:
                parts.append(_item_index(data, entry_line_start, entry.col))
                threshold, allow_equal = entry.col, True
        elif entry.kind == "key":
            if entry.col < threshold or (allow_equal and entry.col == threshold and entry.value_start == -1):
                if entry.value_start != -1 and data[entry.value_start : entry.value_start + 1] in (b"|", b">"):
                    raise _InBlockScalar
                if entry.value_start != -1 and not _opens_block(data, entry):
                    # `key: value` cannot hold children: the cursor is an over-indented sibling of it.
                    threshold, allow_equal = entry.col, False
                    return
                parts.append(entry.key or "")
                threshold, allow_equal = entry.col, False

    for entry in reversed(left):
        visit(entry, line_start)
    for start, end in _previous_lines(data, line_start):
        if threshold == 0 and not allow_equal:
            break
        if _is_blank(data, start, end):
            continue
        for entry in reversed(_yaml_entries(data, start, end)):
            visit(entry, start)
    parts.reverse()
    return parts


def _opens_block(data: bytes, entry: _Entry) -> bool:
    """A key whose inline text still opens a block: an anchor or tag only, or a block scalar indicator."""
    value = data[entry.value_start : entry.value_end].strip()
    return value[:1] in (b"&", b"!") and b" " not in value


def yaml_cursor(data: bytes, offset: int) -> Cursor:
    try:
        return _yaml_cursor_inner(data, offset)
    except _InBlockScalar:
        return Cursor(kind=NONE, language="yaml", offset=offset, start=offset, end=offset)


def _yaml_cursor_inner(data: bytes, offset: int) -> Cursor:
    cursor = Cursor(kind=NONE, language="yaml", offset=offset, start=offset, end=offset)
    line_start, line_end = _line_bounds(data, offset)
    entries = _yaml_entries(data, line_start, line_end)
    before = data[line_start:offset]
    content_end = line_start + _content_end(data[line_start:line_end])
    if b"#" in before and offset > content_end:
        return cursor  # in a comment

    if not before.strip():
        # At the indentation of a new or existing line: a key (the word after the cursor, if any, is replaced).
        cursor.kind = KEY
        col = offset - line_start
        following = entries[0] if entries and entries[0].start == offset else None
        if following is not None and following.kind == "key":
            cursor.start, cursor.end, cursor.has_colon = following.start, following.end, True
            cursor.word = following.key or ""
        elif following is not None and following.kind == "item":
            cursor.kind = ITEM
            cursor.path = _yaml_ancestors(data, line_start, [], following.col, True)
            cursor.index = _item_index(data, line_start, following.col)
            cursor.column = following.col + 2
            return cursor
        else:
            after = _WORD_CHARS.match(data, offset).end()
            cursor.end = after
            cursor.word = data[offset:after].decode("utf-8", errors="replace")
        cursor.path = _yaml_ancestors(data, line_start, [], col, False)
        cursor.column = _char_column(data, line_start, offset)
        return cursor

    # The entry the cursor is in: the last one starting at or before it.
    position = max((i for i, e in enumerate(entries) if e.start <= offset), default=None)
    if position is None:
        return cursor
    entry = entries[position]
    left = entries[:position]
    if entry.kind == "item":
        # `- ` with nothing typed after it yet.
        cursor.kind = ITEM
        cursor.path = _yaml_ancestors(data, line_start, left, entry.col, True)
        cursor.index = _item_index(data, line_start, entry.col)
        cursor.space_before = offset == entry.start + 1
        after = _WORD_CHARS.match(data, offset).end()
        cursor.end = after
        cursor.column = _char_column(data, line_start, offset if not cursor.space_before else offset + 1)
        return cursor

    if entry.kind == "key" and offset <= entry.end:
        cursor.kind = KEY
        cursor.path = _yaml_ancestors(data, line_start, left, entry.col, False)
        cursor.start, cursor.end, cursor.has_colon = entry.start, entry.end, True
        cursor.word = entry.key or ""
        cursor.prefix = data[entry.start : offset].decode("utf-8", errors="replace").lstrip("\"'")
        if data[entry.start : entry.start + 1] in (b'"', b"'"):
            cursor.quote = data[entry.start : entry.start + 1].decode()
            cursor.closed = True
        cursor.column = _char_column(data, line_start, entry.start)
        return cursor

    if entry.kind == "key":
        if offset <= entry.colon:
            return cursor  # between the key and its colon
        path = _yaml_ancestors(data, line_start, left, entry.col, False)
        column = _char_column(data, line_start, entry.start)
        value_start = entry.value_start if entry.value_start != -1 else max(offset, entry.colon + 1)
        if value_start > offset:
            value_start = offset
        if data[value_start : value_start + 1] in (b"[", b"{") and offset > value_start:
            flow = json_cursor(data, offset, start=value_start, base_path=path + [entry.key or ""])
            flow.language = "yaml"
            flow.flow = True
            flow.column = column
            return flow
        cursor.kind = VALUE
        cursor.path = path
        cursor.key = entry.key
        cursor.column = column
        _yaml_scalar_span(cursor, data, offset, value_start, content_end, entry.colon)
        return cursor

    if data[entry.start : entry.start + 1] in (b"[", b"{") and offset > entry.start:
        # A flow collection that is an item (`- {device: cpu, ...}`) or a block value on its own line.
        if left and left[-1].kind == "item":
            marker = left[-1]
            path = _yaml_ancestors(data, line_start, left[:-1], marker.col, True) + [_item_index(data, line_start, marker.col)]
        else:
            path = _yaml_ancestors(data, line_start, left, entry.col, False)
        flow = json_cursor(data, offset, start=entry.start, base_path=path)
        flow.language = "yaml"
        flow.flow = True
        flow.column = _char_column(data, line_start, entry.start)
        return flow

    # A scalar without a colon: an item's value after `- `, or a key still being typed.
    after = _WORD_CHARS.match(data, offset).end()
    if left and left[-1].kind == "item":
        marker = left[-1]
        cursor.kind = ITEM
        cursor.path = _yaml_ancestors(data, line_start, left[:-1], marker.col, True)
        cursor.index = _item_index(data, line_start, marker.col)
        cursor.column = _char_column(data, line_start, entry.start)
        _yaml_scalar_span(cursor, data, offset, entry.start, content_end, -1)
        return cursor
    cursor.kind = KEY
    cursor.path = _yaml_ancestors(data, line_start, left, entry.col, False)
    word_start = offset - len(_WORD_BEFORE.search(data, entry.start, offset).group())
    cursor.start, cursor.end = word_start, after
    cursor.prefix = data[word_start:offset].decode("utf-8", errors="replace")
    cursor.word = data[word_start:after].decode("utf-8", errors="replace")
    cursor.column = _char_column(data, line_start, entry.start)
    return cursor


def _yaml_scalar_span(cursor: Cursor, data: bytes, offset: int, value_start: int, content_end: int, colon: int) -> None:
    quote = data[value_start : value_start + 1]
    if quote in (b'"', b"'") and offset > value_start:
        cursor.quote = quote.decode()
        close = -1
        i = value_start + 1
        while i < content_end:
            char = data[i : i + 1]
            if char == b"\\" and quote == b'"':
                i += 2
                continue
            if char == quote:
                if quote == b"'" and data[i + 1 : i + 2] == b"'":
                    i += 2
                    continue
                close = i
                break
            i += 1
        if close != -1 and close >= offset:
            cursor.start, cursor.end, cursor.closed = value_start, close + 1, True
        else:
            cursor.start, cursor.end = value_start, max(offset, content_end)
        cursor.prefix = data[value_start + 1 : offset].decode("utf-8", errors="replace")
        inner_end = cursor.end - 1 if cursor.closed else cursor.end
        cursor.word = data[value_start + 1 : inner_end].decode("utf-8", errors="replace")
        return
    end = max(offset, content_end) if value_start < content_end else max(offset, _WORD_CHARS.match(data, offset).end())
    cursor.start, cursor.end = value_start, end
    cursor.prefix = data[value_start:offset].decode("utf-8", errors="replace")
    cursor.word = data[value_start:end].decode("utf-8", errors="replace").rstrip()
    cursor.space_before = colon != -1 and value_start == colon + 1 and offset == value_start


def _char_column(data: bytes, line_start: int, offset: int) -> int:
    return len(data[line_start:offset].decode("utf-8", errors="replace"))
