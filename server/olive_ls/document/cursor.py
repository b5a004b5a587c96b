"""What is at a cursor: a key being typed, a value, or an array item; where it sits, and what to replace.

Completion runs on text that is half typed by definition, so the position is worked out from the text
itself and not only from the tree: a forward scan of the JSON tokens before the cursor (a stack of open
objects and arrays) and, for YAML, a walk up the indentation. The tree is then asked only for what already
exists at that path (sibling keys, a pass's `type`), re-parsed without the cursor's line when the half-typed
line broke it.

Offsets are byte offsets into the document's UTF-8 text, like everywhere in `olive_ls.document`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from olive_ls.document.ranges import Position, Range

from olive_ls.document import nodes as n
from olive_ls.document.nodes import Node, PathPart, node_at_path

KEY = "key"  # typing a property name in the object at `path`
VALUE = "value"  # typing the value of `key` in the object at `path`
ITEM = "item"  # typing item `index` of the array at `path`
EMPTY = "empty"  # nothing in the document yet
NONE = "none"  # nowhere completion makes sense (after a value, in a comment)

_WORD_CHARS = re.compile(rb"[A-Za-z0-9_.+\-]*")
_WORD_BEFORE = re.compile(rb"[A-Za-z0-9_.+\-]*\Z")


@dataclass
class Cursor:
    kind: str
    language: str
    offset: int
    # Path of the container: the object holding the key (KEY, VALUE) or the array (ITEM).
    path: list[PathPart] = field(default_factory=list)
    key: str | None = None
    index: int | None = None
    # The word typed before the cursor, and the whole word under it; quotes excluded.
    prefix: str = ""
    word: str = ""
    # The span a completion replaces (byte offsets, one line) and its LSP range.
    start: int = 0
    end: int = 0
    range: Range | None = None
    # The quote character when the span is a quoted string (the span then includes the quotes).
    quote: str | None = None
    closed: bool = False
    # KEY: a ':' already follows the key, so only the name may be inserted.
    has_colon: bool = False
    # JSON: where a ',' must go before the insertion (the previous entry lacks one), and what the insertion
    # must end with when another entry follows ("," or ", ").
    comma_before: int | None = None
    comma_after: str = ""
    # The insertion directly follows ':' or '-' and needs a leading space.
    space_before: bool = False
    # Column (in characters) where the key or item content starts: YAML multi-line inserts indent from it.
    column: int = 0
    # YAML: inside a flow collection ([...] or {...}), where inserts are JSON-like and one line.
    flow: bool = False
    # The tree the container comes from (a re-parse when the cursor's line broke the document's tree).
    root: Node | None = None
    container: Node | None = None

    @property
    def in_string(self) -> bool:
        return self.quote is not None

    def container_keys(self) -> list[str]:
        return self.container.keys() if self.container is not None and self.container.is_object else []


def cursor_at(doc, position: Position) -> Cursor:
    """The cursor at an LSP position of a parsed document."""
    return cursor_at_offset(doc, doc.index.offset_at(position))


def cursor_at_offset(doc, offset: int) -> Cursor:
    data = doc.index.data
    offset = max(0, min(offset, len(data)))
    if doc.language == "yaml" and not _looks_like_json(data):
        cursor = _yaml_cursor(data, offset)
    else:
        cursor = _json_cursor(data, offset)
    cursor.language = doc.language
    cursor.range = doc.index.range_of(cursor.start, cursor.end)
    _attach_tree(doc, cursor)
    return cursor


# --- tree lookup ----------------------------------------------------------------------------------------


def _attach_tree(doc, cursor: Cursor) -> None:
    cursor.root = doc.root
    if cursor.kind in (NONE, EMPTY):
        return
    cursor.container = _container(doc.root, cursor.path)
    if cursor.container is not None or _is_fine(doc.root, cursor.path):
        return
    # The half-typed line broke the tree: read the document again without that line.
    from olive_ls.document.parse import parse_document

    data = doc.index.data
    line_start = data.rfind(b"\n", 0, cursor.offset) + 1
    line_end = data.find(b"\n", cursor.offset)
    line_end = len(data) if line_end == -1 else line_end
    blanked = data[:line_start] + b" " * (line_end - line_start) + data[line_end:]
    try:
        repaired = parse_document(blanked.decode("utf-8", errors="surrogatepass"), doc.language)
    except Exception:  # pragma: no cover - the parser is error tolerant; never fail completion on it
        return
    container = _container(repaired.root, cursor.path)
    if container is not None:
        cursor.root = repaired.root
        cursor.container = container


def _container(root: Node | None, path: list[PathPart]) -> Node | None:
    node = node_at_path(root, path)
    return node if node is not None and node.kind in (n.OBJECT, n.ARRAY) else None


def _is_fine(root: Node | None, path: list[PathPart]) -> bool:
    """True when the tree is sound down to the container's parent, so its absence is real (not yet typed)."""
    if root is None or not root.is_object:
        return False
    return not path or _container(root, path[:-1]) is not None


def _looks_like_json(data: bytes) -> bool:
    for line in data.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(b"#") or stripped == b"---":
            continue
        return stripped[:1] == b"{"
    return False


# --- JSON -----------------------------------------------------------------------------------------------

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


def _decode_string(raw: bytes) -> str:
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


def _json_cursor(data: bytes, offset: int, start: int = 0, base_path: list[PathPart] | None = None, stack: list[_Frame] | None = None) -> Cursor:
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
                top.key = _decode_string(text) if first == b'"' else text.decode("utf-8", errors="replace")
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
        cursor.word = _decode_string(data[current_start:end])
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
        cursor.prefix = _decode_string(text)
        inner_end = end - 1 if closed else end
        cursor.word = _decode_string(data[current.start() : inner_end] + b'"')
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


# --- YAML -----------------------------------------------------------------------------------------------

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
        return _decode_string(raw)
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


def _yaml_cursor(data: bytes, offset: int) -> Cursor:
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
            flow = _json_cursor(data, offset, start=value_start, base_path=path + [entry.key or ""])
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
        flow = _json_cursor(data, offset, start=entry.start, base_path=path)
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
