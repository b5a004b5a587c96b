"""Code actions: quick fixes from diagnostics' `data`, and the whole-config migration to the current Olive.

Rules put what a fix needs into `Finding.fix`, which reaches the client as `Diagnostic.data` and comes back
with the code-action request. The shapes (all carry a "title"):

- {"replace_value": [candidates]}: one fix per candidate, replacing the value at the diagnostic's range.
- {"replace_key": [candidates]}: one fix per candidate, renaming the key at the range.
- {"delete": true}: delete the range (a comment, a trailing comma) and the blank line or spaces it leaves.
- {"delete_property": true}: remove the property whose key is at the range, with its comma or its lines.
- {"add_keys": [keys], "object_path": [...], "values": {key: value}?}: add the missing keys to that object
  (a pass's nested "config" when it has one), each with "values"[key], else a default from the catalog.
- {"add_data_config": {name, type, ...}, "object_path": [...]?, "reference_key": "data_config"?}: add the
  data config to data_configs (created when missing) and refer to it by name from the object at object_path,
  else from where the diagnostic is (or fill in the name where the diagnostic is on a `*data_config` value).
- {"migrate": true}: the whole-document migration (features/migration.py).

Fixes are offered only for olive-ls diagnostics that overlap the requested range. The migration is also
offered as a `source.fixAll.olive` action whenever the document has old-format forms to migrate.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from olive_ls.document.edits import Edit, EditError, Editor, to_text_edits
from olive_ls.document.nodes import OBJECT, Node, Property, node_at_path
from olive_ls.features import migration
from olive_ls.model.olive import olive_model

if TYPE_CHECKING:
    from olive_ls.catalog import Catalog
    from olive_ls.document.parse import ParsedDocument

log = logging.getLogger(__name__)

SOURCE = "olive-ls"
FIX_ALL_KIND = "source.fixAll.olive"
# Keys of a pass, model or system object that stay next to "type" (the rest are parameters, flat or nested).
DECLARED_KEYS = ("type", "config", "host", "evaluator")
DATA_CONFIG_ANCHORS = ("input_model", "systems")
PLACEHOLDERS = {"string": "", "integer": 0, "number": 0, "boolean": False, "object": {}, "array": [], "null": None}


def code_actions(
    doc: "ParsedDocument", catalog: "Catalog", uri: str, range_: types.Range, diagnostics: list[types.Diagnostic]
) -> list[types.CodeAction]:
    actions: list[types.CodeAction] = []
    editor = Editor(doc)
    wants_migration: list[types.Diagnostic] = []
    for diagnostic in diagnostics:
        if diagnostic.source != SOURCE or not isinstance(diagnostic.data, dict) or not _overlaps(diagnostic.range, range_):
            continue
        if diagnostic.data.get("migrate"):
            wants_migration.append(diagnostic)
            continue
        try:
            actions.extend(quick_fixes(doc, editor, catalog, uri, diagnostic))
        except (EditError, LookupError, TypeError, ValueError):
            log.exception("no quick fix for %s at %s", diagnostic.code, diagnostic.range)
    if doc.root is not None and doc.root.is_object:
        plan = _migration(doc, catalog)
        if plan.changed:
            title = migration.title(catalog)
            edit = types.WorkspaceEdit(changes={uri: to_text_edits(doc, plan.edits)})
            if wants_migration:
                actions.append(
                    types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=wants_migration, edit=edit, data={"notes": plan.notes})
                )
            if plan.legacy:
                actions.append(types.CodeAction(title=title, kind=FIX_ALL_KIND, edit=edit, data={"notes": plan.notes}))
    return actions


# The migration of the last document asked about: editors ask for code actions at every cursor move.
_last_plan: tuple[Any, Any, migration.MigrationResult] | None = None


def _migration(doc: "ParsedDocument", catalog: "Catalog") -> migration.MigrationResult:
    global _last_plan
    if _last_plan is not None and _last_plan[0] is doc and _last_plan[1] is catalog:
        return _last_plan[2]
    plan = migration.plan_migration(doc, catalog)
    _last_plan = (doc, catalog, plan)
    return plan


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


# --- quick fixes ----------------------------------------------------------------------------------------------


def quick_fixes(doc: "ParsedDocument", editor: Editor, catalog: "Catalog", uri: str, diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    data = diagnostic.data
    start, end = doc.index.offset_at(diagnostic.range.start), doc.index.offset_at(diagnostic.range.end)
    title = str(data.get("title") or "Fix")
    found: list[tuple[str, list[Edit], bool]] = []  # title, edits, preferred

    if isinstance(data.get("replace_value"), list) and doc.root is not None:
        node = _value_at(doc.root, start, end)
        candidates = data["replace_value"]
        if node is not None:
            for candidate in candidates:
                found.append((_title(title, candidate), editor.replace_value(node, candidate), len(candidates) == 1))
    if isinstance(data.get("replace_key"), list) and doc.root is not None:
        prop = _property_at(doc.root, start, end)
        candidates = [c for c in data["replace_key"] if isinstance(c, str)]
        if prop is not None:
            for candidate in candidates:
                found.append((_title(title, candidate), [editor.rename_key(prop, candidate)], len(candidates) == 1))
    if data.get("delete") is True and end > start:
        found.append((title, [editor.delete_range(start, end)], True))
    if data.get("delete_property") is True and doc.root is not None:
        prop = _property_at(doc.root, start, end)
        if prop is not None and prop.parent is not None:
            index = prop.parent.properties.index(prop)
            found.append((title, editor.delete_elements(prop.parent, [index]), True))
    if isinstance(data.get("add_keys"), list) and doc.root is not None:
        edits = _add_keys(doc, editor, catalog, data, start, end)
        if edits:
            found.append((title, edits, True))
    if isinstance(data.get("set_value"), dict) and isinstance(data["set_value"].get("path"), list) and doc.root is not None:
        edits = _set_value(editor, doc.root, data["set_value"]["path"], data["set_value"].get("value"))
        if edits:
            found.append((title, edits, True))
    if isinstance(data.get("add_data_config"), dict) and doc.root is not None:
        edits = _add_data_config(doc, editor, data, start, end)
        if edits:
            found.append((title, edits, True))

    return [
        types.CodeAction(
            title=fix_title,
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            edit=types.WorkspaceEdit(changes={uri: to_text_edits(doc, edits)}),
            is_preferred=True if preferred else None,
        )
        for fix_title, edits, preferred in found
        if edits
    ]


def _title(title: str, candidate: Any) -> str:
    shown = candidate if isinstance(candidate, str) else json.dumps(candidate)
    return title if f"'{shown}'" in title or f'"{shown}"' in title else f"{title} '{shown}'"


def _nodes(root: Node):
    """Every value node and key node of the tree."""
    for node in root.walk():
        yield node
        for prop in node.properties:
            yield prop.key_node


def _exact(root: Node, start: int, end: int) -> Node | None:
    """The node spanning exactly [start, end); the deepest one when several do (a YAML mapping and its value)."""
    found = None
    for node in _nodes(root):
        if node.start == start and node.end == end:
            found = node
    return found


def _value_at(root: Node, start: int, end: int) -> Node | None:
    node = _exact(root, start, end)
    if node is not None and isinstance(node.parent, Property) and node.parent.key_node is node:
        return node.parent.value  # on a key: its value
    if node is None:
        prop = _property_spanning(root, start, end)
        return prop.value if prop is not None else None
    return node


def _property_at(root: Node, start: int, end: int) -> Property | None:
    node = _exact(root, start, end)
    if node is not None and isinstance(node.parent, Property):
        return node.parent
    return _property_spanning(root, start, end)


def _property_spanning(root: Node, start: int, end: int) -> Property | None:
    for node in root.walk():
        for prop in node.properties:
            if prop.start == start and prop.end == end:
                return prop
    return None


def _object_at(root: Node, start: int, end: int) -> Node | None:
    """The object a diagnostic is about: the object at the range, the object value of a key, or the enclosing one."""
    node = _exact(root, start, end)
    if node is None:
        prop = _property_spanning(root, start, end)
        node = prop.key_node if prop is not None else None
    if node is None:
        return None
    if isinstance(node.parent, Property) and node.parent.key_node is node:
        prop = node.parent
        if prop.value is not None and prop.value.kind == OBJECT:
            return prop.value
        return prop.parent
    while node is not None and node.kind != OBJECT:
        parent = node.parent
        node = parent.parent if isinstance(parent, Property) else parent
    return node


def _is_entry(path: list) -> bool:
    """The input model, a system or a pass: objects with parameters either flat or under "config"."""
    return (
        path == ["input_model"]
        or (len(path) == 2 and path[0] == "systems")
        or (len(path) in (2, 3) and path[0] == "passes" and all(isinstance(p, int) for p in path[2:]))
    )


def _parameters_object(node: Node, path: list) -> tuple[Node, list]:
    """Where parameters of an entry go: its nested "config" object when it has one."""
    if _is_entry(path):
        nested = node.get("config")
        if nested is not None and nested.kind == OBJECT:
            return nested, path + ["config"]
    return node, path


def _add_keys(doc, editor: Editor, catalog, data: dict, start: int, end: int) -> list[Edit]:
    root = doc.root
    path = data.get("object_path")
    if isinstance(path, list):
        target = node_at_path(root, path)
    else:
        target = _object_at(root, start, end)
        path = target.path() if target is not None else None
    if path is None:
        return []
    values = data.get("values") if isinstance(data.get("values"), dict) else {}
    keys: dict[str, Any] = {}
    for key in data["add_keys"]:
        if isinstance(key, dict):
            keys.update(key)
        elif isinstance(key, str):
            keys[key] = values[key] if key in values else default_value(catalog, root, path, key)
    if target is None:
        return _create_path(editor, root, path, keys)
    if target.kind != OBJECT:
        return editor.replace_value(target, keys)
    if not any(k in DECLARED_KEYS for k in keys):
        target, path = _parameters_object(target, path)
    missing = {k: v for k, v in keys.items() if target.prop(k) is None}
    if not missing:
        return []
    return [editor.insert_properties(target, len(target.properties) - 1, missing)]


def _set_value(editor: Editor, root: Node, path: list, value: Any) -> list[Edit]:
    """Give the value at path (keys and indices from the root), adding the objects on the way that are missing."""
    if not path:
        return []
    node = node_at_path(root, path)
    if node is not None:
        return editor.diff(node, value)
    if not isinstance(path[-1], str):
        return []
    parent = node_at_path(root, path[:-1])
    if parent is not None:
        if parent.kind == OBJECT:
            return editor.set_property(parent, path[-1], value)
        return editor.replace_value(parent, {path[-1]: value}) if parent.kind == "null" else []
    return _create_path(editor, root, path[:-1], {path[-1]: value})


def _create_path(editor: Editor, root: Node, path: list, keys: dict) -> list[Edit]:
    """The object at path does not exist: add it under its deepest existing ancestor."""
    for depth in range(len(path) - 1, -1, -1):
        ancestor = node_at_path(root, path[:depth])
        if ancestor is None:
            continue
        rest = path[depth:]
        if any(not isinstance(part, str) for part in rest) or ancestor.kind != OBJECT:
            return []
        value: Any = keys
        for part in reversed(rest[1:]):
            value = {part: value}
        existing = ancestor.prop(rest[0])
        if existing is not None:
            return editor.set_missing_value(existing, value)  # present but empty (`config:` or null)
        return [editor.insert_properties(ancestor, len(ancestor.properties) - 1, {rest[0]: value})]
    return []


def _add_data_config(doc, editor: Editor, data: dict, start: int, end: int) -> list[Edit]:
    root = doc.root
    if root.kind != OBJECT:
        return []
    config = dict(data["add_data_config"])
    name = config.get("name") if isinstance(config.get("name"), str) else "data"
    existing = root.get("data_configs")
    entries = [item.to_python() for item in existing.items] if existing is not None and existing.kind == "array" else []
    names = {e.get("name") for e in entries if isinstance(e, dict)}
    edits: list[Edit] = []
    if config in entries:
        pass  # already there: only refer to it
    else:
        base, counter = name, 2
        while name in names:
            name, counter = f"{base}_{counter}", counter + 1
        config["name"] = name
        if existing is None:
            anchor = max((i for i, p in enumerate(root.properties) if p.key in DATA_CONFIG_ANCHORS), default=len(root.properties) - 1)
            edits.append(editor.insert_properties(root, anchor, {"data_configs": [config]}))
        elif existing.kind == "array":
            edits.append(editor.append_items(existing, [config]))
        else:
            return []
    edits.extend(_refer_to_data_config(root, editor, data, start, end, name))
    return edits


def _refer_to_data_config(root: Node, editor: Editor, data: dict, start: int, end: int, name: str) -> list[Edit]:
    key = data.get("reference_key") if isinstance(data.get("reference_key"), str) else "data_config"
    path = next((data[k] for k in ("object_path", "metric_path") if isinstance(data.get(k), list)), None)
    if path is not None:
        target = node_at_path(root, path)
    else:
        node = _exact(root, start, end)
        if node is not None and node.kind == "string" and isinstance(node.parent, Property) and node.parent.value is node:
            if node.parent.key.endswith("data_config"):
                return [] if node.value == name else editor.replace_value(node, name)
        target = _object_at(root, start, end)
        path = target.path() if target is not None else None
    if target is None or target.kind != OBJECT or path is None:
        return []
    target, _ = _parameters_object(target, path)
    return editor.set_property(target, key, name)


# --- defaults for added keys ----------------------------------------------------------------------------------


def default_value(catalog: "Catalog", root: Node, path: list, key: str) -> Any:
    """A value for a key being added at object path: the catalog's default, a first choice, or a placeholder."""
    model = olive_model(catalog)
    sections = model.section_keys
    entry = _owner(root, path)
    kind, type_name = entry
    spec: dict | None = None
    if kind == "pass":
        pass_spec = model.pass_spec(type_name or "")
        param = pass_spec.parameters.get(key) if pass_spec else None
        spec = param.raw if param is not None else sections["pass_config"].get(key)
        if key == "precision":
            supported = [p for p in (pass_spec.precisions if pass_spec else ()) if p != "*"]
            if supported:
                return supported[0]
    elif kind == "model":
        spec = model.model_types[type_name].keys.get(key) if type_name in model.model_types else None
        if key == "type":
            return "HfModel"
    elif kind == "system":
        spec = model.system_types[type_name].keys.get(key) if type_name in model.system_types else None
        if key == "type":
            return "LocalSystem"
    elif kind == "accelerator":
        # Olive's default accelerator (AcceleratorSpec defaults): cpu with CPUExecutionProvider.
        if key == "device":
            return "cpu"
        if key == "execution_providers":
            device = _string_at(root, path + ["device"])
            return [_default_ep(catalog, device) or "CPUExecutionProvider"]
        spec = sections["accelerator"].get(key)
    elif kind == "data_config":
        spec = sections["data_config"].get(key)
    elif kind == "metric":
        spec = sections["metric"].get(key)
    elif kind == "search_strategy":
        if key == "sampler":
            return "tpe"
        spec = sections["search_strategy"].get(key)
    elif kind == "root":
        if key == "input_model":
            return {"type": "HfModel", "model_path": ""}
        spec = sections["run_config"].get(key) or sections["engine"].get(key)
    elif kind == "engine":
        spec = sections["engine"].get(key)
    return _from_spec(spec)


def _string_at(root: Node, path: list) -> str | None:
    node = node_at_path(root, path)
    return node.value if node is not None and node.kind == "string" else None


def _default_ep(catalog: "Catalog", device: str | None) -> str | None:
    if not device:
        return None
    device = device.lower()
    preferred = migration.DEFAULT_EP.get(device)
    if preferred:
        return preferred
    providers = olive_model(catalog).providers_for(device)
    return providers[0] if providers else None


def _owner(root: Node, path: list) -> tuple[str, str | None]:
    """What kind of object the path names, and its type where it has one."""
    parts = [p for p in path if p != "config"] if path[:1] in (["passes"], ["systems"], ["input_model"]) else list(path)
    node = node_at_path(root, path[: len(path) - (1 if path[-1:] == ["config"] else 0)]) if path else root

    def type_of() -> str | None:
        value = node.get("type") if node is not None and node.kind == OBJECT else None
        return value.value if value is not None and value.kind == "string" else None

    if not parts:
        return "root", None
    if parts[0] == "passes" and len(parts) in (2, 3):
        return "pass", type_of()
    if parts[0] == "input_model" and len(parts) == 1:
        return "model", type_of()
    if parts[0] == "systems" and len(parts) == 2:
        return "system", type_of()
    if parts[0] == "systems" and "accelerators" in parts:
        return "accelerator", None
    if parts[0] == "data_configs" and len(parts) == 2:
        return "data_config", None
    if parts[0] == "evaluators" and "metrics" in parts and isinstance(parts[-1], int):
        return "metric", None
    if parts[-1:] == ["search_strategy"]:
        return "search_strategy", None
    if parts == ["engine"]:
        return "engine", None
    return "other", None


def _from_spec(spec: dict | None) -> Any:
    if not spec:
        return ""
    if spec.get("default") is not None:
        return spec["default"]
    enum = [v for v in spec.get("enum") or [] if v is not None]
    if enum:
        return enum[0]
    json_type = spec.get("json_type")
    if isinstance(json_type, list):
        json_type = next((t for t in json_type if t != "null"), None)
    if json_type is None and isinstance(spec.get("type"), dict):
        json_type = _schema_type(spec["type"])
    return PLACEHOLDERS.get(json_type, "")


def _schema_type(schema: dict) -> str | None:
    if isinstance(schema.get("type"), str) and schema["type"] != "null":
        return schema["type"]
    for branch in schema.get("anyOf", []) or schema.get("oneOf", []):
        found = _schema_type(branch) if isinstance(branch, dict) else None
        if found:
            return found
    return None
