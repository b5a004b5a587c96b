"""Go to definition, find references and rename for the names a config defines and refers to.

Three namespaces: systems (keys of `systems`, named by host/target), evaluators (keys of `evaluators`, named
by `evaluator`) and data configs (`data_configs[].name`, named by any `*data_config` key).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lsprotocol import types

from olive_ls.document.nodes import Node, innermost
from olive_ls.model.view import build_view, is_olive_config

SYSTEMS = "system"
EVALUATORS = "evaluator"
DATA_CONFIGS = "data config"
_DATA_CONFIG_NAME = re.compile(r"^[A-Za-z0-9_]+$")


@dataclass
class NameIndex:
    """Where each name is defined and referred to, per namespace."""

    definitions: dict[tuple[str, str], Node] = field(default_factory=dict)
    references: dict[tuple[str, str], list[Node]] = field(default_factory=dict)

    def add_reference(self, namespace: str, node: Node | None) -> None:
        if node is not None and node.kind == "string":
            self.references.setdefault((namespace, node.value), []).append(node)

    def name_at(self, node: Node) -> tuple[str, str] | None:
        for key, defined in self.definitions.items():
            if defined is node:
                return key
        for key, nodes in self.references.items():
            if any(ref is node for ref in nodes):
                return key
        return None


def index_names(root: Node | None) -> NameIndex:
    index = NameIndex()
    if not is_olive_config(root):
        return index
    view = build_view(root)
    for name, system in view.systems.items():
        index.definitions[(SYSTEMS, name)] = system.name_node
    for name, evaluator in view.evaluators.items():
        index.definitions[(EVALUATORS, name)] = evaluator.name_node
    for entry in view.data_configs:
        index.definitions.setdefault((DATA_CONFIGS, entry.name), entry.name_node)
    for key in ("host", "target"):
        prop = view.engine_params.get(key)
        index.add_reference(SYSTEMS, prop.value if prop else None)
    prop = view.engine_params.get("evaluator")
    index.add_reference(EVALUATORS, prop.value if prop else None)
    for entry in view.passes:
        index.add_reference(SYSTEMS, entry.node.get("host"))
        index.add_reference(EVALUATORS, entry.node.get("evaluator"))
        for prop in entry.params.values():
            _data_config_references(index, prop.key, prop.value)
    for evaluator in view.evaluators.values():
        metrics = evaluator.node.get("metrics") if evaluator.node.is_object else None
        for metric in metrics.items if metrics is not None and metrics.is_array else []:
            if metric.is_object:
                index.add_reference(DATA_CONFIGS, metric.get("data_config"))
    return index


def _data_config_references(index: NameIndex, key: str, value: Node | None) -> None:
    # Olive resolves every pass parameter whose name ends with data_config, at any depth (facts §1.3).
    if value is None:
        return
    if key.endswith("data_config") and value.kind == "string":
        index.add_reference(DATA_CONFIGS, value)
        return
    for prop in value.properties:
        _data_config_references(index, prop.key, prop.value)
    for item in value.items:
        _data_config_references(index, key, item)


def _name_under_cursor(doc, position: types.Position) -> tuple[NameIndex, tuple[str, str] | None]:
    index = index_names(doc.root)
    if doc.root is None:
        return index, None
    node, _ = innermost(doc.root, doc.index.offset_at(position))
    if node is None or node.kind != "string":
        return index, None
    return index, index.name_at(node)


def inner_range(doc, node: Node) -> types.Range:
    """The name itself, without the quotes around it."""
    if node.raw[:1] in ('"', "'") and len(node.raw) >= 2:
        return doc.index.range_of(node.start + 1, node.end - 1)
    return node.range


def definition(doc, position: types.Position) -> list[types.Range]:
    index, name = _name_under_cursor(doc, position)
    if name is None or name not in index.definitions:
        return []
    return [index.definitions[name].range]


def references(doc, position: types.Position, include_declaration: bool) -> list[types.Range]:
    index, name = _name_under_cursor(doc, position)
    if name is None:
        return []
    found = [node.range for node in index.references.get(name, [])]
    if include_declaration and name in index.definitions:
        found.insert(0, index.definitions[name].range)
    return found


def prepare_rename(doc, position: types.Position) -> types.Range | None:
    index, name = _name_under_cursor(doc, position)
    if name is None or name not in index.definitions:
        return None
    node, _ = innermost(doc.root, doc.index.offset_at(position))
    return inner_range(doc, node)


def rename(doc, position: types.Position, new_name: str) -> list[types.TextEdit]:
    index, name = _name_under_cursor(doc, position)
    if name is None or name not in index.definitions or not new_name:
        return []
    namespace, _ = name
    if namespace == DATA_CONFIGS and not _DATA_CONFIG_NAME.match(new_name):
        raise ValueError("Data config names may only contain letters, numbers and underscores")
    nodes = [index.definitions[name], *index.references.get(name, [])]
    return [types.TextEdit(range=inner_range(doc, node), new_text=new_name) for node in nodes]
