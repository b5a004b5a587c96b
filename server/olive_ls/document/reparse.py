"""A JSON document's next version built from its last tree: only the innermost container holding the edit is scanned
again, the rest of the tree is carried over, its offsets moved by the edit's length.

A keystroke in a 10,000-line config changes a few bytes inside one pass; scanning all of it again is ~37 ms, this
~5. It applies only when both versions are valid JSON without syntax problems (the clean path of json_tree), and
when the bytes the edit changed lie inside one container whose new text is one JSON value (json.loads says so);
otherwise the caller parses the whole text. The old version's tree is consumed: its nodes now belong to the new
version (and its line index is the new text's), so the caller must be the only reader of the old version, and
releases `replaced` (the old container) instead of the old tree. tests/document/test_reparse.py compares every
reparse with a parse of the whole text.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from olive_ls.document.json_tree import JsonTreeBuilder, _reject_constant
from olive_ls.document.nodes import Node, Property

if TYPE_CHECKING:
    from olive_ls.document.parse import ParsedDocument

def reparse(old: ParsedDocument, text: str) -> tuple[ParsedDocument, Node | None] | None:
    """(the new version's document, the old subtree it no longer holds, or None) or None: parse the whole text."""
    from olive_ls.document.parse import JSON, ParsedDocument

    root, index = old.root, old.index
    if old.language != JSON or old.loaded is None or old.problems or root is None or index is None or not (root.is_object or root.is_array):
        return None
    data = text.encode("utf-8", errors="surrogatepass")
    before = index.data
    try:
        loaded = json.loads(data, parse_constant=_reject_constant)
    except (ValueError, RecursionError, UnicodeDecodeError, TypeError):
        return None
    start = _common_prefix(before, data)
    if start == len(before) == len(data):
        return None
    end = len(before) - _common_suffix(before, data, min(len(before), len(data)) - start)  # old bytes [start, end) changed
    delta = len(data) - len(before)
    if start >= root.end or end <= root.start:
        # Only the whitespace around the value changed (json.loads accepted the text): the tree is the same.
        replaced = new = None
        path: list[tuple[Node, Property | None]] = []
    else:
        path = _path_to_change(root, start, end)
        if path is None:
            return None
        replaced = path[-1][0]
        region = data[replaced.start : replaced.end + delta]
        try:
            json.loads(region, parse_constant=_reject_constant)
        except (ValueError, RecursionError, UnicodeDecodeError, TypeError):
            return None  # the edit moved the container's own brackets: the structure around it changed
        builder = JsonTreeBuilder(data, index)
        new = builder._scan(replaced.start, replaced.end + delta, len(path) - 1)
        if builder.problems or new is None or new.kind != replaced.kind:
            return None
    # Committed from here on: the old version's tree becomes the new one's.
    index.replace_text(data)
    if new is not None and len(path) == 1:
        root = new  # the change is in the root's own properties or items: its whole text was scanned
    elif new is not None:
        _put(path[-1][1], path[-2][0], replaced, new)
        if delta:
            _move(path, end, delta)
    elif delta and end <= root.start:
        _shift(root, delta)
    for node, _holder in path[:-1]:
        node.carry_below(replaced, new)  # what it kept of its subtree (Node.below) is of the old text
    return ParsedDocument(text=text, language=JSON, root=root, problems=[], index=index, loaded=loaded), replaced


def _common_prefix(a: bytes, b: bytes) -> int:
    """The length of the longest common prefix, by halving (each step a memcmp in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    """The length of the longest common suffix, at most `limit` (it never overlaps the common prefix)."""
    low, high = 0, max(0, limit)
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle : len(a) - low] == b[len(b) - middle : len(b) - low]:
            low = middle
        else:
            high = middle - 1
    return low


def _inside(node: Node, start: int, end: int) -> bool:
    """Whether old bytes [start, end) lie between a container's brackets."""
    return (node.is_object or node.is_array) and node.start < start and end < node.end


def _path_to_change(root: Node, start: int, end: int) -> list[tuple[Node, Property | None]] | None:
    """(container, the property holding it or None) from the root down to the innermost container whose inside holds
    the change; None when the change touches the root's own brackets."""
    if not _inside(root, start, end):
        return None
    path: list[tuple[Node, Property | None]] = [(root, None)]
    while True:
        node, child = path[-1][0], None
        if node.is_object:
            for prop in node.properties:
                if prop.value is not None and _inside(prop.value, start, end):
                    child = (prop.value, prop)
                    break
        else:
            for item in node.items:
                if _inside(item, start, end):
                    child = (item, None)
                    break
        if child is None:
            return path
        path.append(child)


def _put(holder: Property | None, parent: Node, old: Node, new: Node) -> None:
    """The new container where the old one was: the value of its property, or an item of its array."""
    if holder is not None:
        holder.value = new
        new.parent = holder
    else:
        parent.items[parent.items.index(old)] = new
        new.parent = parent


def _move(path: list[tuple[Node, Property | None]], end: int, delta: int) -> None:
    """The containers around the change (and the properties holding them) grow by `delta`; what follows the change in
    each of them moves by it. The replaced container's successor was built with the new offsets."""
    for depth, (node, holder) in enumerate(path[:-1]):
        node.end += delta
        below = path[depth + 1]
        if node.is_object:
            for prop in node.properties:
                if prop is below[1]:
                    prop.end += delta
                elif prop.start >= end:
                    _shift_property(prop, delta)
        else:
            for item in node.items:
                if item is not below[0] and item.start >= end:
                    _shift(item, delta)


def _shift_property(prop: Property, delta: int) -> None:
    prop.start += delta
    prop.end += delta
    if prop.colon >= 0:
        prop.colon += delta
    _shift(prop.key_node, delta)
    if prop.value is not None:
        _shift(prop.value, delta)


def _shift(node: Node, delta: int) -> None:
    """A whole subtree moved by `delta`."""
    stack = [node]
    while stack:
        node = stack.pop()
        node.start += delta
        node.end += delta
        for prop in node.properties:
            prop.start += delta
            prop.end += delta
            if prop.colon >= 0:
                prop.colon += delta
            key = prop.key_node
            key.start += delta
            key.end += delta
            if prop.value is not None:
                stack.append(prop.value)
        stack.extend(node.items)
