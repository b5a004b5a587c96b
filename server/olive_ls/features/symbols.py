"""Outline and folding: the input model, systems, data configs, evaluators and passes in run order."""

from __future__ import annotations

from lsprotocol import types

from olive_ls.document.nodes import Node, Property
from olive_ls.model.olive import olive_model
from olive_ls.model.view import build_view, is_olive_config

K = types.SymbolKind


def _symbol(name: str, kind: types.SymbolKind, prop_or_node, detail: str | None = None, children=None) -> types.DocumentSymbol:
    if isinstance(prop_or_node, Property):
        whole = prop_or_node.range
        selection = prop_or_node.key_node.range
    else:
        whole = selection = prop_or_node.range
    return types.DocumentSymbol(name=name or "(unnamed)", kind=kind, range=whole, selection_range=selection, detail=detail, children=children or [])


def document_symbols(doc, catalog) -> list[types.DocumentSymbol]:
    root = doc.root
    if not is_olive_config(root):
        return []
    view = build_view(root)
    symbols: list[types.DocumentSymbol] = []
    for prop in root.properties:
        key = prop.key
        if key == "input_model" and view.input_model is not None:
            model_path = view.input_model.param_value("model_path")
            detail = " ".join(str(part) for part in (view.input_model.type_name, model_path) if part)
            symbols.append(_symbol(key, K.Module, prop, detail))
        elif key == "systems":
            children = [_symbol(name, K.Class, prop.value.prop(name), entry.type_name) for name, entry in view.systems.items()]
            symbols.append(_symbol(key, K.Namespace, prop, None, children))
        elif key == "data_configs":
            children = [_symbol(entry.name, K.Struct, entry.node, _type_of(entry.node)) for entry in view.data_configs]
            symbols.append(_symbol(key, K.Namespace, prop, None, children))
        elif key == "evaluators":
            children = [_evaluator_symbol(prop.value.prop(name), entry.node) for name, entry in view.evaluators.items()]
            symbols.append(_symbol(key, K.Namespace, prop, None, children))
        elif key == "passes":
            children = []
            for entry in view.passes:
                pass_prop = prop.value.prop(entry.name)
                target = pass_prop if entry.alternative is None else entry.node
                name = entry.name if entry.alternative is None else f"{entry.name}[{entry.alternative}]"
                canonical = olive_model(catalog).canonical_pass_name(entry.type_name) if entry.type_name else None
                children.append(_symbol(name, K.Function, target, canonical or entry.type_name))
            symbols.append(_symbol(key, K.Namespace, prop, f"{len(children)} in run order", children))
        elif key == "engine":
            children = [_symbol(p.key, K.Property, p, _scalar(p.value)) for p in prop.value.properties] if prop.value is not None else []
            symbols.append(_symbol(key, K.Object, prop, None, children))
        else:
            symbols.append(_symbol(key, K.Property, prop, _scalar(prop.value)))
    return symbols


def _evaluator_symbol(prop: Property, node: Node) -> types.DocumentSymbol:
    metrics = node.get("metrics") if node.is_object else None
    children = []
    for metric in metrics.items if metrics is not None and metrics.is_array else []:
        if metric.is_object:
            name = metric.get("name")
            children.append(_symbol(str(name.value) if name is not None else "metric", K.Field, metric, _type_of(metric)))
    return _symbol(prop.key, K.Object, prop, f"{len(children)} metric(s)", children)


def _type_of(node: Node) -> str | None:
    type_node = node.get("type") if node.is_object else None
    return str(type_node.value) if type_node is not None and type_node.value is not None else None


def _scalar(node: Node | None) -> str | None:
    if node is None or node.kind in ("object", "array"):
        return None
    text = str(node.value)
    return text if len(text) <= 60 else text[:57] + "..."


def folding_ranges(doc) -> list[types.FoldingRange]:
    if doc.root is None:
        return []
    ranges = []
    for node in doc.root.walk():
        if node.kind not in ("object", "array"):
            continue
        start, end = node.range.start.line, node.range.end.line
        parent = node.parent
        if isinstance(parent, Property):
            start = parent.range.start.line
        if doc.language == "json":
            end -= 1  # keep the closing bracket visible, as VS Code's JSON folding does
        else:
            end = _last_content_line(node)
        if end > start:
            ranges.append(types.FoldingRange(start_line=start, end_line=end, kind=None))
    return ranges


def _last_content_line(node: Node) -> int:
    # tree-sitter-yaml block nodes may end at the start of the next line; fold to the last line with text.
    end = node.range.end
    return end.line - 1 if end.character == 0 and end.line > node.range.start.line else end.line
