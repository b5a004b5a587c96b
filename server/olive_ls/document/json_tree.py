"""JSON text to a document tree with tree-sitter-json: error tolerant, with every syntax problem listed.

Olive reads JSON with `json.load`, so comments and trailing commas are errors even though tree-sitter accepts
comments; they are reported under their own kinds so a quick fix can remove them.
"""

from __future__ import annotations

import json
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


@lru_cache(maxsize=1)
def _language():
    import tree_sitter_json
    from tree_sitter import Language

    return Language(tree_sitter_json.language())


@lru_cache(maxsize=1)
def _parser():
    from tree_sitter import Parser

    return Parser(_language())


@lru_cache(maxsize=1)
def _comment_query():
    from tree_sitter import Query, QueryCursor

    return QueryCursor(Query(_language(), "(comment) @comment"))


class JsonTreeBuilder:
    def __init__(self, data: bytes, index: LineIndex):
        self.data = data
        self.index = index
        self.problems: list[SyntaxProblem] = []

    def build(self) -> n.Node | None:
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
            text = ts_node.text.decode("ascii", errors="replace")
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
        raw = ts_string.text.decode("utf-8", errors="replace")
        if len(raw) >= 2 and raw.endswith('"'):
            try:
                return json.loads(raw)
            except ValueError:
                return raw[1:-1]
        return raw.lstrip('"')

    # --- problems -----------------------------------------------------------------------------------------

    def _collect_problems(self, root) -> None:
        # Comments can sit anywhere, also in error-free objects, so a query finds them all (inside error regions too).
        for comment in _comment_query().captures(root).get("comment", []):
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
