"""Hover: catalog docs for the key or value under the cursor.

Keys show their type, default, whether required, allowed values and description (pass parameters for the
pass's `type`, engine keys at the top level or under `engine`, model and system config keys for their
type). Values show what they name: a pass type (summary, doc, providers, precisions, accelerators, dataset,
pip extras), an execution provider (devices, pip package), a device, a precision, a model/system/metric
type, a sampler, or one of the config's own systems, evaluators and data configs. The same place model as
completion answers "which key is this" (see the completion package: places, tables, docs).
"""

from __future__ import annotations

from lsprotocol import types

from olive_ls.document import nodes as n
from olive_ls.document.nodes import Node, Property, innermost
from olive_ls.features.completion.docs import (
    data_config_ref_doc,
    device_doc,
    ep_doc,
    evaluator_ref_doc,
    metric_type_doc,
    model_type_doc,
    plain_text,
    precision_doc,
    sampler_doc,
    system_ref_doc,
    system_type_doc,
)
from olive_ls.features.completion.places import EVALUATORS, PASSES, SYSTEMS, Place, place_at
from olive_ls.features.completion.tables import Tables, key_spec, tables_for
from olive_ls.model.olive import metric_sub_types

SEPARATOR = "\n\n---\n\n"


def hover(doc, catalog, position: types.Position, markdown: bool = True) -> types.Hover | None:
    root = doc.root
    if root is None or not root.is_object:
        return None
    offset = doc.index.offset_at(position)
    node, prop = innermost(root, offset)
    if node is None or node is root:
        return None
    tables = tables_for(catalog)
    from olive_ls.model.view import build_view

    view = build_view(root)
    if prop is not None and node is prop.key_node:
        text = _key_hover(tables, root, view, prop)
    elif node.kind in (n.STRING, n.NUMBER, n.BOOLEAN):
        text = _value_hover(tables, root, view, node)
    else:
        text = None
    if not text:
        return None
    contents = types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
    if not markdown:
        contents = types.MarkupContent(kind=types.MarkupKind.PlainText, value=plain_text(text))
    return types.Hover(contents=contents, range=node.range)


def _object_place(root: Node, prop: Property) -> Place:
    owner = prop.parent
    return place_at(owner.path() if owner is not None else [], root)


def _key_hover(tables: Tables, root: Node, view, prop: Property) -> str | None:
    place = _object_place(root, prop)
    if place.kind in (PASSES, SYSTEMS, EVALUATORS):
        return _name_hover(tables, view, place.kind, prop)
    spec = key_spec(tables, place, prop.key)
    if spec is None:
        return None
    text = spec.doc
    if place.kind == "root" and spec.origin == "engine":
        text += "\n\nAn engine setting: at the top level Olive moves it into `engine`."
    return text


def _name_hover(tables: Tables, view, kind: str, prop: Property) -> str | None:
    if kind == PASSES:
        entries = [p for p in view.passes if p.name == prop.key]
        types_ = [p.type_name for p in entries if p.type_name]
        if not types_:
            return f"**{prop.key}** — pass"
        head = f"**{prop.key}** — pass `{types_[0]}`" + (f" (+{len(types_) - 1} alternatives)" if len(types_) > 1 else "")
        doc = tables.pass_doc(types_[0])
        return head + (SEPARATOR + doc if doc else "\n\nUnknown pass type.")
    if kind == SYSTEMS:
        entry = view.systems.get(prop.key)
        return system_ref_doc(entry) if entry is not None else f"**{prop.key}** — system"
    entry = view.evaluators.get(prop.key)
    return evaluator_ref_doc(entry.node if entry else None, prop.key)


def _value_hover(tables: Tables, root: Node, view, node: Node) -> str | None:
    parent = node.parent
    for_item = False
    if isinstance(parent, Node) and parent.is_array:
        for_item = True
        parent = parent.parent
    if not isinstance(parent, Property):
        return None
    place = _object_place(root, parent)
    if place.kind in (PASSES, SYSTEMS, EVALUATORS):
        return None
    spec = key_spec(tables, place, parent.key)
    if spec is None:
        return None
    value = node.value
    model = tables.model
    specific = None
    if isinstance(value, str):
        provider = spec.values
        if provider == "pass_type":
            specific = tables.pass_doc(value) or f"**{value}** — not a pass type of Olive {model.version}"
        elif provider == "model_type":
            info = _lookup(model.model_types, value)
            specific = model_type_doc(info[0], info[1]) if info else None
        elif provider == "system_type":
            info = _lookup(model.system_types, value)
            specific = system_type_doc(info[0], info[1]) if info else None
        elif provider == "metric_type":
            info = _lookup(metric_sub_types(model), value)
            specific = metric_type_doc(info[0], info[1]) if info else None
        elif provider == "sampler":
            info = _lookup(model.samplers, value)
            specific = sampler_doc(info[0], info[1]) if info else None
        elif provider == "device":
            specific = device_doc(tables, value.lower()) if value.lower() in model.devices else None
        elif provider == "ep" and for_item:
            specific = ep_doc(tables, value) if value in model.providers else None
        elif provider == "system_ref":
            entry = view.systems.get(value)
            specific = system_ref_doc(entry) if entry is not None else f"**{value}** — no system of that name under `systems`"
        elif provider == "evaluator_ref":
            entry = view.evaluators.get(value)
            specific = evaluator_ref_doc(entry.node, value) if entry is not None else f"**{value}** — no evaluator of that name under `evaluators`"
        elif provider == "data_config_ref":
            entry = next((e for e in view.data_configs if e.name == value), None)
            specific = data_config_ref_doc(entry.node, value) if entry is not None else f"**{value}** — no data config of that name under `data_configs`"
        elif value in model.precisions and (parent.key == "precision" or (spec.enum and set(spec.enum) <= model.precisions)):
            specific = precision_doc(tables, value)
    if specific:
        return specific + SEPARATOR + spec.doc
    return spec.doc


def _lookup(table: dict, name: str):
    if name in table:
        return name, table[name]
    lowered = name.lower()
    for key, value in table.items():
        if key.lower() == lowered:
            return key, value
    return None
