"""YAML text to a document tree with tree-sitter-yaml: the same nodes as JSON, so every feature serves both.

Only the first document of a stream is analysed, as Olive's `yaml.safe_load` would refuse a stream anyway.
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache

from olive_ls.document import nodes as n
from olive_ls.document.syntax import DUPLICATE_KEY, SYNTAX_ERROR, TOO_DEEP, SyntaxProblem
from olive_ls.document.text import LineIndex

MAX_DEPTH = 256
_WRAPPERS = {"stream", "document", "block_node", "flow_node"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


@lru_cache(maxsize=1)
def _language():
    import tree_sitter_yaml
    from tree_sitter import Language

    return Language(tree_sitter_yaml.language())


_THREAD = threading.local()


def _parser():
    """One parser per thread (see json_tree._parser)."""
    parser = getattr(_THREAD, "parser", None)
    if parser is None:
        from tree_sitter import Parser

        parser = _THREAD.parser = Parser(_language())
    return parser


class YamlTreeBuilder:
    def __init__(self, data: bytes, index: LineIndex):
        self.data = data
        self.index = index
        self.problems: list[SyntaxProblem] = []

    def build(self) -> n.Node | None:
        tree = _parser().parse(self.data)
        self._collect_problems(tree.root_node)
        if any(problem.kind == SYNTAX_ERROR for problem in self.problems):
            self._syntax_as_olive_reads_it()
        content = self._first_content(tree.root_node)
        return self._build(content, 0) if content is not None else None

    def _first_content(self, ts_node):
        for child in ts_node.named_children:
            if child.type in ("comment",):
                continue
            if child.type in _WRAPPERS:
                inner = self._first_content(child)
                if inner is not None:
                    return inner
                continue
            if child.type == "ERROR":
                inner = self._first_content(child)
                if inner is not None:
                    return inner
                continue
            return child
        return None

    def _unwrap(self, ts_node):
        """The value inside block_node/flow_node wrappers, skipping anchors and tags."""
        while ts_node is not None and ts_node.type in _WRAPPERS:
            inner = [c for c in ts_node.named_children if c.type not in ("anchor", "tag", "comment")]
            if not inner:
                return ts_node
            ts_node = inner[0]
        return ts_node

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
        ts_node = self._unwrap(ts_node)
        if ts_node is None:
            return None
        if depth > MAX_DEPTH:
            self.problems.append(SyntaxProblem(TOO_DEEP, f"Nesting deeper than {MAX_DEPTH} levels is not analysed", ts_node.start_byte, ts_node.start_byte + 1))
            return None
        kind = ts_node.type
        if kind in ("block_mapping", "flow_mapping"):
            node = self._node(ts_node, n.OBJECT)
            self._add_pairs(node, ts_node.named_children, depth)
            return node
        if kind in ("block_sequence", "flow_sequence"):
            node = self._node(ts_node, n.ARRAY)
            for child in ts_node.named_children:
                target = child
                if child.type == "block_sequence_item":
                    values = [c for c in child.named_children if c.type != "comment"]
                    if not values:
                        item = self._node(child, n.NULL, None)
                        item.parent = node
                        node.items.append(item)
                        continue
                    target = values[0]
                elif child.type in ("comment", "ERROR"):
                    continue
                item = self._build(target, depth + 1)
                if item is not None:
                    item.parent = node
                    node.items.append(item)
            return node
        if kind == "plain_scalar":
            return self._plain_scalar(ts_node)
        if kind == "double_quote_scalar":
            raw = ts_node.text.decode("utf-8", errors="replace")
            try:
                value = json.loads(raw)
            except ValueError:
                value = raw[1:-1] if raw.endswith('"') and len(raw) > 1 else raw.lstrip('"')
            return self._node(ts_node, n.STRING, value)
        if kind == "single_quote_scalar":
            raw = ts_node.text.decode("utf-8", errors="replace")
            return self._node(ts_node, n.STRING, raw[1:-1].replace("''", "'") if len(raw) > 1 else "")
        if kind == "block_scalar":
            return self._node(ts_node, n.STRING, self._block_scalar(ts_node))
        if kind == "alias":
            # Aliases are rare in Olive configs; resolving them is not worth a wrong guess.
            return self._node(ts_node, n.STRING, ts_node.text.decode("utf-8", errors="replace"))
        return None

    def _plain_scalar(self, ts_node) -> n.Node:
        inner = ts_node.named_children[0] if ts_node.named_children else ts_node
        text = ts_node.text.decode("utf-8", errors="replace")
        kind = inner.type
        if kind == "integer_scalar":
            try:
                return self._node(ts_node, n.NUMBER, int(text, 0))
            except ValueError:
                pass
        if kind == "float_scalar":
            try:
                return self._node(ts_node, n.NUMBER, float(text.replace(".inf", "inf").replace(".nan", "nan")))
            except ValueError:
                pass
        if kind == "boolean_scalar":
            if text in _TRUE:
                return self._node(ts_node, n.BOOLEAN, True)
            if text in _FALSE:
                return self._node(ts_node, n.BOOLEAN, False)
        if kind == "null_scalar":
            return self._node(ts_node, n.NULL, None)
        return self._node(ts_node, n.STRING, text)

    def _block_scalar(self, ts_node) -> str:
        lines = ts_node.text.decode("utf-8", errors="replace").split("\n")[1:]
        indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
        cut = min(indents) if indents else 0
        body = [line[cut:] for line in lines]
        folded = ts_node.text[:1] == b">"
        return (" " if folded else "\n").join(body).strip("\n") + "\n"

    def _add_pairs(self, node: n.Node, children, depth: int) -> None:
        seen: dict[str, n.Property] = {}
        for child in children:
            if child.type == "ERROR":
                self._add_pairs(node, child.named_children, depth)
                continue
            if child.type not in ("block_mapping_pair", "flow_pair"):
                continue
            key_ts = child.child_by_field_name("key")
            if key_ts is None:
                continue
            key_node = self._build(key_ts, depth + 1)
            if key_node is None or key_node.kind in (n.OBJECT, n.ARRAY):
                continue
            key_text = key_node.value if isinstance(key_node.value, str) else key_node.raw
            key_node.kind, key_node.value = n.STRING, key_text
            value_ts = child.child_by_field_name("value")
            value = self._build(value_ts, depth + 1) if value_ts is not None else None
            colon = next((c.start_byte for c in child.children if c.type == ":"), -1)
            prop = n.Property(
                key=key_text,
                key_node=key_node,
                value=value,
                start=child.start_byte,
                end=child.end_byte,
                index=self.index,
                colon=colon,
            )
            key_node.parent = prop
            if value is not None:
                value.parent = prop
            if key_text in seen:
                first = seen[key_text].key_node
                self.problems.append(SyntaxProblem(DUPLICATE_KEY, f"Duplicate key '{key_text}': YAML loaders keep only one", first.start, first.end))
            seen[key_text] = prop
            prop.parent = node
            node.properties.append(prop)

    def _syntax_as_olive_reads_it(self) -> None:
        """Olive loads YAML with PyYAML's safe_load: its verdict, at its exact place, replaces tree-sitter's.

        tree-sitter-yaml recovers by whole blocks, so its error can span the file; PyYAML names the token.
        Where PyYAML accepts the text, tree-sitter was stricter than Olive and its syntax errors are dropped.
        """
        import yaml  # only for a document with errors: a clean one never pays for the import

        text = self.data.decode("utf-8", errors="replace")
        try:
            yaml.safe_load(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            if mark is None:
                return
            if mark.index >= len(text.rstrip()) and exc.context_mark is not None:
                mark = exc.context_mark  # "unexpected end of stream": where the unclosed thing opened says more
            start = len(text[: mark.index].encode("utf-8"))
            end = start
            while end < len(self.data) and self.data[end : end + 1] not in (b" ", b"\n", b"\r", b"\t"):
                end += 1
            problem = exc.problem or "syntax error"
            context = f" ({exc.context})" if exc.context and exc.context != problem else ""
            self.problems = [p for p in self.problems if p.kind != SYNTAX_ERROR]
            self.problems.append(SyntaxProblem(SYNTAX_ERROR, f"YAML syntax error: {problem}{context}", start, max(end, start + 1)))
            return
        except yaml.YAMLError:
            return
        self.problems = [p for p in self.problems if p.kind != SYNTAX_ERROR]

    def _collect_problems(self, root) -> None:
        stack = [root]
        while stack:
            ts_node = stack.pop()
            if ts_node.is_missing:
                self.problems.append(SyntaxProblem(SYNTAX_ERROR, f"Syntax error: missing '{ts_node.type}'", ts_node.start_byte, ts_node.start_byte))
                continue
            if ts_node.type == "ERROR":
                text = self.data[ts_node.start_byte : ts_node.end_byte].decode("utf-8", errors="replace").strip()
                shown = text.splitlines()[0] if text else ""
                shown = shown if len(shown) <= 30 else shown[:27] + "..."
                self.problems.append(
                    SyntaxProblem(SYNTAX_ERROR, f"Syntax error near '{shown}'" if shown else "Syntax error", ts_node.start_byte, max(ts_node.end_byte, ts_node.start_byte + 1))
                )
                continue
            if ts_node.has_error:
                stack.extend(reversed(ts_node.children))
