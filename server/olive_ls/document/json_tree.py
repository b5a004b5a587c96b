"""JSON text to a document tree with tree-sitter-json: error tolerant, with every syntax problem listed.

Olive reads JSON with `json.load`, so comments and trailing commas are errors even though tree-sitter accepts
comments; they are reported under their own kinds so a quick fix can remove them.
"""

from __future__ import annotations

import bisect
import json
import re
import threading
from functools import lru_cache

from olive_ls.document import nodes as n
from olive_ls.document.syntax import (
    DUPLICATE_KEY,
    JSON_COMMENT,
    SYNTAX_ERROR,
    TOO_DEEP,
    TRAILING_COMMA,
    SyntaxProblem,
)
from olive_ls.document.text import LineIndex

MAX_DEPTH = 256

# The tokens of a JSON text that `json.loads` accepted: strings, punctuation, and the bare words between them
# (numbers, true, false, null).
_TOKEN = re.compile(rb'[ \t\r\n]*("[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\],:]|[^\s{}\[\],:"]+)')
_OPENERS, _CLOSERS = b"{[", b"}]"
_BRACE, _QUOTE, _COMMA, _COLON, _BACKSLASH = ord("{"), ord('"'), ord(","), ord(":"), b"\\"
_LITERALS = {b"true": (n.BOOLEAN, True), b"false": (n.BOOLEAN, False), b"null": (n.NULL, None)}


def _unquote(raw: str) -> str:
    try:
        return json.loads(raw)
    except ValueError:
        return raw[1:-1]


def _number(raw: str):
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _reject_constant(name: str):
    raise ValueError(name)  # NaN and Infinity: Python's json accepts them, JSON (and tree-sitter) does not


@lru_cache(maxsize=1)
def _language():
    import tree_sitter_json
    from tree_sitter import Language

    return Language(tree_sitter_json.language())


_THREAD = threading.local()


def _parser():
    """One parser per thread: the server parses on its event loop (completion) and in its analysis worker at once,
    and a tree-sitter parser is not to be shared between threads."""
    parser = getattr(_THREAD, "parser", None)
    if parser is None:
        from tree_sitter import Parser

        parser = _THREAD.parser = Parser(_language())
    return parser


@lru_cache(maxsize=1)
def _comment_pattern():
    from tree_sitter import Query

    return Query(_language(), "(comment) @comment")


def _comment_query():
    """A query cursor keeps the state of its last run: one per thread, as the parser."""
    cursor = getattr(_THREAD, "comments", None)
    if cursor is None:
        from tree_sitter import QueryCursor

        cursor = _THREAD.comments = QueryCursor(_comment_pattern())
    return cursor


class JsonTreeBuilder:
    # Valid JSON, and the error-free regions of broken JSON, are scanned rather than walked (off: the walk only).
    scan_clean_regions = True

    def __init__(self, data: bytes, index: LineIndex):
        self.data = data
        self.index = index
        self.loaded = None
        self.problems: list[SyntaxProblem] = []
        self._comment_starts: list[int] = []

    def build(self) -> n.Node | None:
        clean = self._build_clean() if self.scan_clean_regions else False
        if clean is not False:
            return clean
        tree = _parser().parse(self.data)
        root = tree.root_node
        self._collect_problems(root)
        if root.type == "ERROR":
            return self._salvage(root, 0)
        for child in root.named_children:
            if child.type == "comment":
                continue
            # The first value, or an unclosed one that tree-sitter left as an ERROR region.
            built = self._salvage(child, 0) if child.type == "ERROR" else self._build(child, 0)
            if built is not None:
                return built
        return None

    # --- the fast path: text that json.loads accepts -------------------------------------------------------

    def _build_clean(self):
        """The tree of a text that is valid JSON, built from a regex scan without tree-sitter; False otherwise.

        Most documents are valid JSON most of the time (every file `olive-ls check` reads, a config between
        keystrokes): the C `json` parser says so in a few milliseconds, and then no syntax problem but a
        duplicate key or too deep a nesting can exist, so one pass over the tokens with a stack of open
        containers builds the same tree as the tree-sitter walk (tests/test_json_fast_path.py), without a call
        into tree-sitter per node, and without recursion. Anything else (a syntax error, a comment, NaN,
        nesting too deep for json's own recursion) goes the tree-sitter way, which names every problem.
        """
        try:
            loaded = json.loads(self.data, parse_constant=_reject_constant)
        except (ValueError, RecursionError, UnicodeDecodeError, TypeError):
            return False
        root = self._scan(0, len(self.data), 0)
        self.loaded = loaded  # the same value the tree holds: ParsedDocument.python_value hands it out
        return root

    def _scan(self, begin: int, finish: int, depth: int) -> n.Node | None:
        """The tree of data[begin:finish], a region known to hold one well-formed JSON value (json.loads said so, or
        tree-sitter found no error and no comment in it), whose outermost value sits `depth` levels deep."""
        data = self.data
        index = self.index
        Node, Property = n.Node, n.Property
        OBJECT, ARRAY, STRING, NUMBER = n.OBJECT, n.ARRAY, n.STRING, n.NUMBER
        literals = _LITERALS
        root = None
        # The open containers, innermost last: [node, pending key node, colon offset, seen keys (None: an array)].
        stack: list[list] = []
        top = None
        # Containers opened past MAX_DEPTH, skipped as the tree-sitter walk skips them.
        too_deep = 0
        limit = MAX_DEPTH - depth
        for match in _TOKEN.finditer(data, begin, finish):
            token = match.group(1)
            first = token[0]
            if too_deep:
                if first in _OPENERS:
                    too_deep += 1
                elif first in _CLOSERS:
                    too_deep -= 1
                    if not too_deep:
                        self._finish_value(top, match.end())
                continue
            if first == _COMMA:
                continue
            start = match.start(1)
            if first == _COLON:
                top[2] = start
                continue
            if first in _CLOSERS:
                node = stack.pop()[0]
                node.end = match.end()
                top = stack[-1] if stack else None
            elif first in _OPENERS:
                if len(stack) > limit:
                    self._too_deep(start)
                    too_deep = 1
                    continue
                node = Node(OBJECT if first == _BRACE else ARRAY, start, start, index)
                top = [node, None, -1, {} if first == _BRACE else None]
                stack.append(top)
                continue
            else:
                end = match.end()
                if first == _QUOTE:
                    raw = token.decode("utf-8", errors="replace")
                    node = Node(STRING, start, end, index, _unquote(raw) if _BACKSLASH in token else raw[1:-1], raw=raw)
                    if top is not None and top[3] is not None and top[1] is None:
                        top[1] = node  # a key: its value follows
                        continue
                else:
                    raw = token.decode("ascii")
                    literal = literals.get(token)
                    if literal is not None:
                        node = Node(literal[0], start, end, index, literal[1], raw=raw)
                    else:
                        node = Node(NUMBER, start, end, index, _number(raw), raw=raw)
                if len(stack) > limit:
                    self._too_deep(start)
                    self._finish_value(top, end)
                    continue
            if top is None:
                root = node
            elif top[3] is None:
                node.parent = top[0]
                top[0].items.append(node)
            else:
                key_node = top[1]
                prop = Property(key_node.value, key_node, node, key_node.start, node.end, index, colon=top[2])
                key_node.parent = prop
                node.parent = prop
                top[1], top[2] = None, -1
                self._add_property(top[0], prop, top[3])
        return root

    def _too_deep(self, start: int) -> None:
        self.problems.append(SyntaxProblem(TOO_DEEP, f"Nesting deeper than {MAX_DEPTH} levels is not analysed", start, start + 1))

    def _finish_value(self, top: list | None, end: int) -> None:
        """A value skipped for depth: in an object its key stays, with no value, as the tree-sitter walk leaves it."""
        if top is None or top[3] is None:
            return
        key_node = top[1]
        prop = n.Property(key_node.value, key_node, None, key_node.start, end, self.index, colon=top[2])
        key_node.parent = prop
        top[1], top[2] = None, -1
        self._add_property(top[0], prop, top[3])

    def _add_property(self, node: n.Node, prop: n.Property, seen: dict) -> None:
        earlier = seen.get(prop.key)
        if earlier is not None:
            self.problems.append(
                SyntaxProblem(
                    DUPLICATE_KEY, f"Duplicate key '{prop.key}': Olive keeps only the last one", earlier.key_node.start, earlier.key_node.end
                )
            )
        seen[prop.key] = prop
        prop.parent = node
        node.properties.append(prop)

    # --- tree ---------------------------------------------------------------------------------------------

    def _node(self, ts_node, kind: str, value=None) -> n.Node:
        start, end = ts_node.start_byte, ts_node.end_byte
        return n.Node(
            kind=kind,
            start=start,
            end=end,
            index=self.index,
            value=value,
            raw=self.data[start:end].decode("utf-8", errors="replace") if kind not in (n.OBJECT, n.ARRAY) else "",
        )

    def _build(self, ts_node, depth: int) -> n.Node | None:
        kind = ts_node.type
        if depth > MAX_DEPTH:
            self.problems.append(
                SyntaxProblem(TOO_DEEP, f"Nesting deeper than {MAX_DEPTH} levels is not analysed", ts_node.start_byte, ts_node.start_byte + 1)
            )
            return None
        if kind in ("object", "array") and self.scan_clean_regions and not ts_node.has_error and not self._holds_comment(ts_node.start_byte, ts_node.end_byte):
            # An error-free region of a broken document (most of it, while the user types): scanned, not walked.
            return self._scan(ts_node.start_byte, ts_node.end_byte, depth)
        if kind == "object":
            node = self._node(ts_node, n.OBJECT)
            self._add_pairs(node, ts_node.named_children, depth)
            return node
        if kind == "array":
            node = self._node(ts_node, n.ARRAY)
            for child in ts_node.named_children:
                if child.type in ("comment", "ERROR") or child.is_missing:
                    continue
                item = self._build(child, depth + 1)
                if item is not None:
                    item.parent = node
                    node.items.append(item)
            return node
        if kind == "string":
            return self._node(ts_node, n.STRING, self._string_value(ts_node))
        if kind == "number":
            if ts_node.is_missing:
                return None
            text = self.data[ts_node.start_byte : ts_node.end_byte].decode("ascii", errors="replace")
            try:
                value = json.loads(text)
            except ValueError:
                value = text
            return self._node(ts_node, n.NUMBER, value)
        if kind == "true":
            return self._node(ts_node, n.BOOLEAN, True)
        if kind == "false":
            return self._node(ts_node, n.BOOLEAN, False)
        if kind == "null":
            return self._node(ts_node, n.NULL, None)
        if kind == "ERROR":
            return self._salvage(ts_node, depth)
        return None

    def _add_pairs(self, node: n.Node, children, depth: int) -> None:
        seen: dict[str, n.Property] = {}
        for child in children:
            if child.type == "pair":
                prop = self._pair(child, depth)
            elif child.type == "ERROR":
                # tree-sitter folds a broken pair and its neighbours into an ERROR node; keep what is inside.
                self._salvage(child, depth, container=node)
                continue
            else:
                continue
            if prop is None:
                continue
            if prop.key in seen:
                self.problems.append(
                    SyntaxProblem(
                        DUPLICATE_KEY,
                        f"Duplicate key '{prop.key}': Olive keeps only the last one",
                        seen[prop.key].key_node.start,
                        seen[prop.key].key_node.end,
                    )
                )
            seen[prop.key] = prop
            prop.parent = node
            node.properties.append(prop)

    def _pair(self, ts_pair, depth: int) -> n.Property | None:
        key_ts = ts_pair.child_by_field_name("key")
        if key_ts is None or key_ts.type != "string":
            return None
        key_node = self._node(key_ts, n.STRING, self._string_value(key_ts))
        value_ts = ts_pair.child_by_field_name("value")
        value = self._build(value_ts, depth + 1) if value_ts is not None else None
        colon = next((c.start_byte for c in ts_pair.children if c.type == ":"), -1)
        prop = n.Property(
            key=key_node.value,
            key_node=key_node,
            value=value,
            start=ts_pair.start_byte,
            end=ts_pair.end_byte,
            index=self.index,
            colon=colon,
        )
        key_node.parent = prop
        if value is not None:
            value.parent = prop
        return prop

    def _salvage(self, ts_error, depth: int, container: n.Node | None = None) -> n.Node | None:
        """Rebuild what tree-sitter left as an ERROR region: an unclosed `{`, a missing comma, a half-typed value.

        The region's tokens are replayed on a stack of open containers, so `{"a": {"b": 1` still yields
        a -> b -> 1 and completion and diagnostics keep working while the user types.
        """
        stack: list[n.Node] = [container] if container is not None else []
        result: n.Node | None = container
        pending_key = None

        def attach(value: n.Node | None, key_ts) -> None:
            nonlocal result
            if value is None:
                return
            if not stack:
                result = result or value
                return
            top = stack[-1]
            if top.kind == n.ARRAY:
                value.parent = top
                top.items.append(value)
            elif key_ts is not None:
                key_node = self._node(key_ts, n.STRING, self._string_value(key_ts))
                prop = n.Property(key_node.value, key_node, value, key_ts.start_byte, value.end, self.index)
                key_node.parent = prop
                value.parent = prop
                prop.parent = top
                top.properties.append(prop)

        tokens = list(self._error_tokens(ts_error))
        for position, child in enumerate(tokens):
            kind = child.type
            if kind in ("{", "["):
                opened = self._node(child, n.OBJECT if kind == "{" else n.ARRAY)
                opened.end = ts_error.end_byte
                attach(opened, pending_key)
                pending_key = None
                stack.append(opened)
                if depth + len(stack) > MAX_DEPTH:
                    return result
            elif kind in ("}", "]"):
                if len(stack) > (1 if container is not None else 0):
                    closed = stack.pop()
                    closed.end = child.end_byte
            elif kind == "pair":
                if stack and stack[-1].kind == n.OBJECT:
                    prop = self._pair(child, depth + len(stack))
                    if prop is not None:
                        prop.parent = stack[-1]
                        stack[-1].properties.append(prop)
            elif kind == "string" and position + 1 < len(tokens) and tokens[position + 1].type == ":":
                pending_key = child
            elif kind in ("object", "array", "string", "number", "true", "false", "null"):
                attach(self._build(child, depth + len(stack)), pending_key)
                pending_key = None
            elif kind == '"' and position + 1 < len(tokens) and tokens[position + 1].type == "string_content":
                # An unterminated string at the end of the region: the value being typed.
                content = tokens[position + 1]
                text = self.data[content.start_byte : content.end_byte].decode("utf-8", errors="replace")
                typed = n.Node(n.STRING, child.start_byte, content.end_byte, self.index, text, raw='"' + text)
                attach(typed, pending_key)
                pending_key = None
            elif kind == ",":
                pending_key = None
        return result

    def _error_tokens(self, ts_node):
        for child in ts_node.children:
            if child.type == "ERROR":
                yield from self._error_tokens(child)
            elif child.type != "comment" and not child.is_missing:
                yield child

    def _string_value(self, ts_string) -> str:
        raw = self.data[ts_string.start_byte : ts_string.end_byte].decode("utf-8", errors="replace")
        if len(raw) >= 2 and raw.endswith('"'):
            try:
                return json.loads(raw)
            except ValueError:
                return raw[1:-1]
        return raw.lstrip('"')

    # --- problems -----------------------------------------------------------------------------------------

    def _collect_problems(self, root) -> None:
        # Comments can sit anywhere, also in error-free objects, so a query finds them all (inside error regions too).
        comments = _comment_query().captures(root).get("comment", [])
        self._comment_starts = sorted(comment.start_byte for comment in comments)
        for comment in comments:
            self.problems.append(
                SyntaxProblem(JSON_COMMENT, "Comments are not allowed in JSON: Olive reads configs with json.load", comment.start_byte, comment.end_byte)
            )
        # Errors: only subtrees that hold one are walked.
        stack = [root]
        while stack:
            ts_node = stack.pop()
            if ts_node.is_missing:
                self._missing(ts_node)
                continue
            if ts_node.type == "ERROR":
                self._error(ts_node)
                continue
            if ts_node.has_error or ts_node.type == "document":
                stack.extend(reversed(ts_node.children))

    def _holds_comment(self, start: int, end: int) -> bool:
        starts = self._comment_starts
        at = bisect.bisect_left(starts, start)
        return at < len(starts) and starts[at] < end

    def _missing(self, ts_node) -> None:
        previous = ts_node.prev_sibling
        if previous is not None and previous.type == ",":
            self.problems.append(
                SyntaxProblem(TRAILING_COMMA, "Trailing comma: JSON does not allow a comma before a closing bracket", previous.start_byte, previous.end_byte)
            )
            return
        what = ts_node.type if not ts_node.type.isalpha() or ts_node.type in ("string", "number") else "value"
        what = {"number": "value", "string": "value"}.get(what, what)
        start = ts_node.start_byte
        self.problems.append(SyntaxProblem(SYNTAX_ERROR, f"Expected '{what}'" if len(what) == 1 else f"Expected a {what}", start, start))

    def _error(self, ts_node) -> None:
        children = ts_node.children
        # `[1, 2,]` and `{"a": 1,}` come back as an ERROR holding just the comma before the bracket.
        if children and children[-1].type == "," and self._next_significant(ts_node.end_byte) in (b"}", b"]"):
            comma = children[-1]
            self.problems.append(
                SyntaxProblem(TRAILING_COMMA, "Trailing comma: JSON does not allow a comma before a closing bracket", comma.start_byte, comma.end_byte)
            )
            return
        text = self.data[ts_node.start_byte : ts_node.end_byte].decode("utf-8", errors="replace").strip()
        shown = text if len(text) <= 30 else text[:27] + "..."
        message = f"Syntax error: unexpected '{shown}'" if shown else "Syntax error"
        self.problems.append(SyntaxProblem(SYNTAX_ERROR, message, ts_node.start_byte, max(ts_node.end_byte, ts_node.start_byte + 1)))

    def _next_significant(self, offset: int) -> bytes:
        rest = self.data[offset : offset + 200].lstrip()
        return rest[:1]
