"""Go to definition, find references and rename for the names a config defines and refers to.

Three kinds of name: systems (keys of `systems`, named by host/target), evaluators (keys of `evaluators`, named
by `evaluator`) and data configs (`data_configs[].name`, named by `*data_config` keys and metrics). Which places
refer to a name is model/names.py's, the index the reference rules (OLV501-504) read too: a rename changes exactly
the places those rules check.
"""

from __future__ import annotations

import re

from lsprotocol import types

from olive_ls.document.nodes import Node, innermost
from olive_ls.model.names import DATA_CONFIG, NameIndex, name_index
from olive_ls.model.view import build_view, is_olive_config

_DATA_CONFIG_NAME = re.compile(r"^[A-Za-z0-9_]+$")


def index_names(root: Node | None, catalog=None) -> NameIndex:
    """The name index of a document tree (empty when it is not an Olive config)."""
    if not is_olive_config(root):
        return NameIndex()
    model = None
    if catalog is not None:
        from olive_ls.model.olive import olive_model

        model = olive_model(catalog)
    return name_index(build_view(root), model)


def _name_under_cursor(doc, position: types.Position, catalog=None) -> tuple[NameIndex, Node | None, tuple[str, str] | None]:
    index = index_names(doc.root, catalog)
    if doc.root is None:
        return index, None, None
    node, _ = innermost(doc.root, doc.index.offset_at(position))
    if node is None or node.kind != "string":
        return index, None, None
    return index, node, index.name_at(node)


def inner_range(doc, node: Node) -> types.Range:
    """The name itself, without the quotes around it."""
    if node.raw[:1] in ('"', "'") and len(node.raw) >= 2:
        return doc.index.range_of(node.start + 1, node.end - 1)
    return node.range


def definition(doc, position: types.Position, catalog=None) -> list[types.Range]:
    index, _, name = _name_under_cursor(doc, position, catalog)
    if name is None:
        return []
    return [found.node.range for found in index.definitions_of(*name)[:1]]


def references(doc, position: types.Position, include_declaration: bool, catalog=None) -> list[types.Range]:
    index, _, name = _name_under_cursor(doc, position, catalog)
    if name is None:
        return []
    found = [reference.node.range for reference in index.references_of(*name)]
    if include_declaration:
        found[:0] = [d.node.range for d in index.definitions_of(*name)]
    return found


def prepare_rename(doc, position: types.Position, catalog=None) -> types.Range | None:
    index, node, name = _name_under_cursor(doc, position, catalog)
    if name is None or not index.definitions_of(*name):
        return None
    return inner_range(doc, node)


def rename(doc, position: types.Position, new_name: str, catalog=None) -> list[types.TextEdit]:
    index, _, name = _name_under_cursor(doc, position, catalog)
    if name is None or not index.definitions_of(*name) or not new_name:
        return []
    kind, _ = name
    if kind == DATA_CONFIG and not _DATA_CONFIG_NAME.match(new_name):
        raise ValueError("Data config names may only contain letters, numbers and underscores")
    return [types.TextEdit(range=inner_range(doc, node), new_text=new_name) for node in index.places(*name)]
