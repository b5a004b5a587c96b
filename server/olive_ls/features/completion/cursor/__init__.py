"""What is at a cursor: a key being typed, a value, or an array item; where it sits, and what to replace.

Completion runs on text that is half typed by definition, so the position is worked out from the text
itself and not only from the tree: a forward scan of the JSON tokens before the cursor (a stack of open
objects and arrays) and, for YAML, a walk up the indentation. The tree is then asked only for what already
exists at that path (sibling keys, a pass's `type`), re-parsed without the cursor's line when the half-typed
line broke it.

Offsets are byte offsets into the document's UTF-8 text, like everywhere in `olive_ls.document`. The cursor is
completion's own reading of the text; its scanners are split by language like the parsers (`json_cursor.py`,
`yaml_cursor.py`).
"""

from __future__ import annotations

from olive_ls.document import nodes as n
from olive_ls.document.nodes import Node, PathPart, node_at_path
from olive_ls.document.ranges import Position
from olive_ls.features.completion.cursor.base import EMPTY, ITEM, KEY, NONE, VALUE, Cursor
from olive_ls.features.completion.cursor.json_cursor import json_cursor
from olive_ls.features.completion.cursor.yaml_cursor import yaml_cursor

__all__ = ["EMPTY", "ITEM", "KEY", "NONE", "VALUE", "Cursor", "cursor_at", "cursor_at_offset"]


def cursor_at(doc, position: Position) -> Cursor:
    """The cursor at an LSP position of a parsed document."""
    return cursor_at_offset(doc, doc.index.offset_at(position))


def cursor_at_offset(doc, offset: int) -> Cursor:
    data = doc.index.data
    offset = max(0, min(offset, len(data)))
    if doc.language == "yaml" and not _looks_like_json(data):
        cursor = yaml_cursor(data, offset)
    else:
        cursor = json_cursor(data, offset)
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
