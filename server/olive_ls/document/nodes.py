"""The document tree every feature works on: JSON and YAML alike, each node with its byte span and LSP range."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator, Union

from olive_ls.document.ranges import Range

if TYPE_CHECKING:
    from olive_ls.document.text import LineIndex

OBJECT = "object"
ARRAY = "array"
STRING = "string"
NUMBER = "number"
BOOLEAN = "boolean"
NULL = "null"

PathPart = Union[str, int]


class _Spanned:
    """A byte span whose LSP range is computed on first use: most nodes of a big file are never shown."""

    start: int
    end: int
    index: "LineIndex"

    @property
    def range(self) -> Range:
        cached = self.__dict__.get("_range")
        span = (self.start, self.end, self.index.generation)  # a reparse moves nodes and replaces the text
        if cached is None or self.__dict__.get("_range_span") != span:
            cached = self.index.range_of(self.start, self.end)
            self.__dict__["_range"], self.__dict__["_range_span"] = cached, span
        return cached


@dataclass(eq=False)
class Node(_Spanned):
    kind: str
    start: int
    end: int
    index: "LineIndex"
    value: Any = None
    properties: list["Property"] = field(default_factory=list)
    items: list["Node"] = field(default_factory=list)
    parent: "Node | Property | None" = None
    # The source text of a scalar as written (quotes included), for quick fixes that replace it.
    raw: str = ""

    @property
    def is_object(self) -> bool:
        return self.kind == OBJECT

    @property
    def is_array(self) -> bool:
        return self.kind == ARRAY

    def prop(self, key: str) -> "Property | None":
        """The property named key; like json.load, the last of duplicates wins."""
        properties = self.properties
        if len(properties) > 16:
            # A big object (a thousand passes) is asked by name once per entry: a scan each time is quadratic.
            # The table is keyed on the list and its length, which is all a built tree ever changes.
            cached = self.__dict__.get("_by_key")
            if cached is None or cached[0] is not properties or cached[1] != len(properties):
                cached = self.__dict__["_by_key"] = (properties, len(properties), {p.key: p for p in properties})
            return cached[2].get(key)
        found = None
        for prop in properties:
            if prop.key == key:
                found = prop
        return found

    def get(self, key: str) -> "Node | None":
        prop = self.prop(key)
        return prop.value if prop else None

    def keys(self) -> list[str]:
        return [prop.key for prop in self.properties]

    def written(self) -> tuple[str, str | bytes]:
        """(kind, the value as written): a scalar's source text, a container's bytes. Two nodes written alike hold
        the same value, so a rule may key what it concluded about one value on this, without building it."""
        return self.kind, (self.raw if self.kind not in (OBJECT, ARRAY) else self.index.data[self.start : self.end])

    def str_value(self) -> str | None:
        return self.value if self.kind == STRING else None

    def to_python(self) -> Any:
        if self.kind == OBJECT:
            return {prop.key: prop.value.to_python() if prop.value else None for prop in self.properties}
        if self.kind == ARRAY:
            return [item.to_python() for item in self.items]
        return self.value

    def path(self) -> list[PathPart]:
        """Keys and indices from the root down to this node."""
        parts: list[PathPart] = []
        node: Node | Property | None = self
        while node is not None:
            parent = node.parent
            if isinstance(node, Property):
                parts.append(node.key)
                parent = node.parent
            elif isinstance(parent, Node) and parent.kind == ARRAY:
                parts.append(parent.items.index(node))
            node = parent
        parts.reverse()
        return parts

    def below(self, name: str, build: "Callable[[Node], Any]") -> Any:
        """build(self), made once and kept on this node while what lies at and below it is unchanged: a tree carried
        over to a new version of its text (document/reparse.py) forgets it on every container around the edit
        (forget_below); released trees drop it. For what a feature derives from a subtree (the view of the root, the
        name references of a pass) and would otherwise derive again after every keystroke."""
        kept = self.__dict__.get("_below")
        if kept is None:
            kept = self.__dict__["_below"] = {}
        if name not in kept:
            kept[name] = build(self)
        return kept[name]

    def forget_below(self) -> None:
        self.__dict__.pop("_below", None)

    def carry_below(self, old: "Node", new: "Node") -> None:
        """A subtree below this node was replaced by another (document/reparse.py): what it kept of its subtree is
        forgotten, except its properties by key, which follow the replacement (the old subtree's properties out, the
        new one's in, in document order), instead of a walk over the whole document after every keystroke."""
        kept = self.__dict__.get("_below")
        if not kept:
            return
        by_key = kept.get("properties_by_key")
        kept.clear()
        if by_key is None:
            return
        for node in old.walk():
            for prop in node.properties:
                props = by_key.get(prop.key)
                if props is not None:
                    props.remove(prop)
                    if not props:
                        del by_key[prop.key]
        for node in new.walk():
            for prop in node.properties:
                bisect.insort(by_key.setdefault(prop.key, []), prop, key=_start)
        kept["properties_by_key"] = by_key

    def properties_by_key(self) -> dict[str, list["Property"]]:
        """Every property at or below this node, by key, each list in document order: built on the first ask and kept
        (Node.below), so rules that look for a key anywhere (user_script, *data_config) share one walk instead of each
        walking a big document."""
        return self.below("properties_by_key", _properties_by_key)

    def walk(self) -> Iterator["Node"]:
        """This node and every node below it, depth first, in document order; iterative, so depth costs no stack."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            if node.items:
                stack.extend(reversed(node.items))
            if node.properties:
                stack.extend(prop.value for prop in reversed(node.properties) if prop.value is not None)


def _start(spanned: "_Spanned") -> int:
    return spanned.start


def _properties_by_key(node: "Node") -> dict[str, list["Property"]]:
    found: dict[str, list[Property]] = {}
    for inner in node.walk():
        for prop in inner.properties:
            found.setdefault(prop.key, []).append(prop)
    return found


@dataclass(eq=False)
class Property(_Spanned):
    key: str
    key_node: Node
    value: Node | None
    start: int
    end: int
    index: "LineIndex"
    parent: Node | None = None
    # Byte offset of the ':' between key and value, or -1 when missing (half-typed documents).
    colon: int = -1

    def path(self) -> list[PathPart]:
        return (self.parent.path() if self.parent else []) + [self.key]


def string_value(node: Node | None) -> str | None:
    """The text of a string node; None for no node or any other kind (what rules ask of an optional value)."""
    return node.value if node is not None and node.kind == STRING and isinstance(node.value, str) else None


def node_at_path(root: Node | None, path: list[PathPart]) -> Node | None:
    node = root
    for part in path:
        if node is None:
            return None
        if isinstance(part, int):
            node = node.items[part] if node.kind == ARRAY and 0 <= part < len(node.items) else None
        else:
            node = node.get(part) if node.kind == OBJECT else None
    return node


def property_at_path(root: Node | None, path: list[PathPart]) -> Property | None:
    if not path or not isinstance(path[-1], str):
        return None
    parent = node_at_path(root, path[:-1])
    return parent.prop(path[-1]) if parent is not None and parent.kind == OBJECT else None


def innermost(root: Node | None, offset: int) -> tuple[Node | None, Property | None]:
    """The deepest node whose span holds `offset`, and the deepest property on the way (key or value side).

    An offset on a key returns the key's string node with its property.
    """
    node, prop = None, None
    current = root
    while current is not None and current.start <= offset <= current.end:
        node = current
        following = None
        for candidate in current.properties:
            if candidate.start <= offset <= candidate.end:
                prop = candidate
                if candidate.key_node.start <= offset <= candidate.key_node.end:
                    return candidate.key_node, candidate
                following = candidate.value
                break
        else:
            following = next((item for item in current.items if item.start <= offset <= item.end), None)
        current = following
    return node, prop


def release_tree(root: "Node | None") -> None:
    """Break a tree's reference cycles (every parent pointer, the caches its nodes keep) so that it is freed the
    moment nothing holds it, by reference counting, instead of waiting for a cyclic garbage collection: a
    10,000-line config's tree is 200,000 objects, and a collection over a few replaced versions of it took up to a
    second. Only for a tree no one will read again (the service releases the versions a newer one replaced)."""
    if root is None:
        return
    for node in root.walk():
        node.parent = None
        node.__dict__.pop("_by_key", None)
        node.forget_below()
        for prop in node.properties:
            prop.parent = None
            prop.key_node.parent = None

