"""Completion items for a cursor: keys with a value snippet, values, array items, new named entries and the
workflow skeleton, JSON and YAML, each with a text edit that replaces exactly the word or string being typed."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import partial
from typing import Any

from lsprotocol import types

from olive_ls.document import nodes as n
from olive_ls.features.completion.cursor import EMPTY, Cursor
from olive_ls.document.nodes import PathPart
from olive_ls.features.completion.docs import key_detail, plain_text, system_type_doc
from olive_ls.features.completion.key_specs import KeySpec
from olive_ls.features.completion.resolve import Doc, DocList, written
from olive_ls.features.completion.places import ACCELERATORS, ARRAY_ITEMS, EP_LIST, EVALUATORS, METRICS, NAMED_PLACES, PASS, PASSES, ROOT, SYSTEMS, Place, keys_of, place_at
from olive_ls.features.completion.skeletons import object_skeleton, pass_skeleton, value_skeleton
from olive_ls.features.completion.snippets import UNESCAPE, Arr, Choice, Lit, Obj, Slot, TabStops, json_text, literal, yaml_fields, yaml_item, yaml_scalar, yaml_value
from olive_ls.features.completion.tables import Tables, key_spec, keys_at
from olive_ls.features.completion.value_problems import value_node, value_problems
from olive_ls.features.completion.values import ValueOption, value_options


@dataclass
class CompletionContext:
    """One request: the cursor, the catalog tables and what the client takes."""

    cursor: Cursor
    tables: Tables
    snippets: bool
    markdown: bool
    # YAML: the document's indentation step, so multi-line inserts indent like the rest of the file.
    unit: int
    # The document's LineIndex, for edits away from the cursor (a missing comma).
    index: Any = None
    # The config's WorkflowView: the names of its systems, evaluators and data configs.
    view: Any = None
    # The parsed document, for asking the rules about an offered value (value_problems).
    doc: Any = None
    # Set when the client resolves documentation: items carry a key to their docs instead of the docs.
    deferred: DocList | None = None
    # (the pass's node, the keys it already has): found once for all the pass types offered (_pass_extra).
    present_pass_keys: tuple[Any, set[str]] | None = None


def key_completions(ctx: CompletionContext, path: list[PathPart], item_of_new: bool = False) -> list[types.CompletionItem]:
    cursor, tables = ctx.cursor, ctx.tables
    place = place_at(path, cursor.root)
    if path and isinstance(path[-1], str) and cursor.language == "yaml" and not cursor.flow and not cursor.has_colon and not item_of_new:
        # A new line under `key:` with nothing yet: a scalar key's value, or a `- item` of an array key.
        parent = place_at(path[:-1], cursor.root)
        spec = key_spec(tables, parent, path[-1]) if place.kind is None or place.kind in ARRAY_ITEMS or place.kind == EP_LIST else None
        if spec is not None and spec.is_array:
            return array_item_completions(ctx, dash=True)
        if spec is not None and not spec.is_object:
            return value_completions(ctx, parent, spec, block=True)
        if place.kind is None:
            return []
    if place.kind in NAMED_PLACES:
        return _name_skeletons(ctx, place)
    specs, present = keys_at(tables, place)
    editing = cursor.word if cursor.has_colon else None
    items = []
    for name, spec in specs.items():
        if name in present and name != editing:
            continue
        items.append(_key_item(ctx, place, spec))
    if place.kind == ROOT and (cursor.root is None or not cursor.root.is_object or not cursor.root.properties):
        items.insert(0, document_skeleton(ctx))
    return items


def _key_item(ctx: CompletionContext, place: Place, spec: KeySpec) -> types.CompletionItem:
    cursor = ctx.cursor
    stops = TabStops(ctx.snippets)
    if cursor.has_colon:
        text = _key_text(cursor, spec.name, stops)
    elif cursor.language == "yaml" and not cursor.flow:
        skeleton = value_skeleton(ctx.tables, spec, place, ctx.view)
        text = literal(yaml_scalar(spec.name), stops) + ":" + yaml_value(skeleton, cursor.column, ctx.unit, stops)
    else:
        skeleton = value_skeleton(ctx.tables, spec, place, ctx.view)
        # Before another entry the new one needs its own comma.
        text = _key_text(cursor, spec.name, stops) + ": " + json_text(skeleton, stops) + cursor.comma_after
    return make_item(
        ctx,
        label=spec.name,
        kind=types.CompletionItemKind.Property,
        detail=key_detail(spec) + (f" · {spec.origin}" if spec.origin else ""),
        doc=spec.doc,
        text=text,
        stops=stops,
        sort=f"{spec.sort_group}_{spec.name}",
    )


def _key_text(cursor: Cursor, name: str, stops: TabStops) -> str:
    if cursor.language == "yaml" and not cursor.flow:
        if cursor.quote:
            return literal(cursor.quote + name + cursor.quote, stops)
        return literal(yaml_scalar(name), stops)
    return literal(json.dumps(name), stops)


def value_completions(ctx: CompletionContext, place: Place, spec: KeySpec, block: bool = False) -> list[types.CompletionItem]:
    cursor, tables = ctx.cursor, ctx.tables
    wrap = spec.is_array and bool(spec.values or spec.item_enum)
    options = value_options(tables, place, spec, ctx.view, for_item=wrap)
    problems = {} if wrap else _problems(ctx, value_node(cursor.root, place.path, key=spec.name), options)
    items = []
    for index, option in enumerate(options):
        value = [option.value] if wrap else option.value
        stops = TabStops(ctx.snippets)
        text = _value_text(ctx, value, stops, block=block, comma=False)
        if spec.values == "pass_type" and not block:
            text += _pass_extra(ctx, place, option.value, stops)
        text += cursor.comma_after if cursor.language == "json" or cursor.flow else ""
        items.append(_option_item(ctx, option, text, stops, index, problems))
    if (not options or spec.values is None) and not block and not wrap:
        skeleton = None
        if spec.is_object or spec.is_array or (spec.child and "object" in spec.types):
            skeleton = object_skeleton(tables, spec.child, place, ctx.view) if spec.child else None
            skeleton = skeleton if skeleton is not None else value_skeleton(tables, spec, place, ctx.view)
        if isinstance(skeleton, (Obj, Arr)):
            stops = TabStops(ctx.snippets)
            if cursor.language == "yaml" and not cursor.flow:
                column = cursor.column
                text = yaml_value(skeleton, column, ctx.unit, stops)
                text = text[1:] if text.startswith(" ") else text
            else:
                text = json_text(skeleton, stops)
                text = (" " if cursor.space_before else "") + text + cursor.comma_after
            label = "{…}" if isinstance(skeleton, Obj) else "[…]"
            items.append(make_item(ctx, label=label, kind=types.CompletionItemKind.Snippet, detail=f"new {spec.name}", doc=spec.doc, text=text, stops=stops, sort="0000"))
    return items


def _value_text(ctx: CompletionContext, value: Any, stops: TabStops, block: bool = False, comma: bool = True) -> str:
    cursor = ctx.cursor
    if cursor.language == "yaml" and not cursor.flow:
        if isinstance(value, list):
            text = "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
        elif cursor.quote and isinstance(value, str):
            text = cursor.quote + value.replace(cursor.quote, "\\" + cursor.quote if cursor.quote == '"' else "''") + cursor.quote
        else:
            text = yaml_scalar(value)
        text = literal(text, stops)
        return (" " if cursor.space_before else "") + text
    text = literal(json.dumps(value), stops)
    if cursor.language == "yaml" and cursor.flow and isinstance(value, str) and not cursor.quote:
        text = literal(yaml_scalar(value), stops)
    return (" " if cursor.space_before else "") + text + (cursor.comma_after if comma else "")


def _pass_extra(ctx: CompletionContext, place: Place, pass_type: str, stops: TabStops) -> str:
    """After a pass type: the pass's required parameters that are not there yet (ModelBuilder: precision)."""
    if place.kind != PASS or not ctx.snippets:
        return ""
    if ctx.present_pass_keys is None or ctx.present_pass_keys[0] is not place.node:
        ctx.present_pass_keys = (place.node, keys_at(ctx.tables, place)[1])
    fields = pass_skeleton(ctx.tables, pass_type, ctx.present_pass_keys[1])
    if not fields:
        return ""
    cursor = ctx.cursor
    if cursor.language == "yaml" and not cursor.flow:
        return "\n" + yaml_fields(fields, cursor.column, ctx.unit, stops)
    # JSON: the fields follow the value; the comma the value may need goes after them.
    return "".join(f", {literal(json.dumps(k), stops)}: {json_text(v, stops)}" for k, v in fields)


def array_item_completions(ctx: CompletionContext, dash: bool = False) -> list[types.CompletionItem]:
    """Items of the array at the cursor's path; `dash`: on a new YAML line under the key, with '- ' added."""
    cursor, tables = ctx.cursor, ctx.tables
    path = cursor.path
    lead = "- " if dash else ""
    if not path:
        return []
    array_place = place_at(path, cursor.root)
    item_kind = ARRAY_ITEMS.get(array_place.kind or "")
    if array_place.kind == PASS and isinstance(path[-1], str):
        item_kind = PASS
    if item_kind is not None:
        items: list[types.CompletionItem] = []
        element_path = path + [cursor.index or 0]
        if cursor.language == "yaml" and not cursor.flow and not dash:
            # `- |`: the keys of a new mapping item.
            items = key_completions(ctx, element_path, item_of_new=True)
        skeleton = _item_skeleton(ctx, item_kind, array_place)
        if skeleton is not None and not cursor.prefix:
            stops = TabStops(ctx.snippets)
            if cursor.language == "yaml" and not cursor.flow:
                column = cursor.column + len(lead)
                text = (" " if cursor.space_before else "") + lead + yaml_item(skeleton, column, ctx.unit, stops)
            else:
                text = json_text(skeleton, stops) + cursor.comma_after
            label = "{" + ", ".join(k for k, _ in skeleton.fields) + "}" if isinstance(skeleton, Obj) else "{…}"
            items.insert(0, make_item(ctx, label=label, kind=types.CompletionItemKind.Snippet, detail=f"new {item_kind.replace('_', ' ')}", doc="", text=text, stops=stops, sort="0000"))
        return items
    if not isinstance(path[-1], str):
        return []
    parent = place_at(path[:-1], cursor.root)
    spec = key_spec(tables, parent, path[-1])
    if spec is None:
        return []
    options = value_options(tables, parent, spec, ctx.view, for_item=True)
    present = set()
    container = cursor.container
    if container is not None and container.is_array:
        present = {item.value for i, item in enumerate(container.items) if item.kind == n.STRING and item.value != cursor.word}
    options = [option for option in options if option.value not in present]
    problems = _problems(ctx, value_node(cursor.root, path, index=cursor.index), options)
    items = []
    for index, option in enumerate(options):
        stops = TabStops(ctx.snippets)
        text = lead + _value_text(ctx, option.value, stops)
        items.append(_option_item(ctx, option, text, stops, index, problems))
    return items


def _problems(ctx: CompletionContext, node, options: list[ValueOption]) -> dict:
    """What the rules would flag among the offered values (value_problems), by value."""
    if node is None or not options:
        return {}
    return value_problems(ctx.doc, ctx.tables.catalog, ctx.cursor.root, node, [o.value for o in options], ctx.view)


def _option_item(ctx: CompletionContext, option: ValueOption, text: str, stops: TabStops, index: int, problems: dict) -> types.CompletionItem:
    """An offered value; one the rules would flag is marked Deprecated, says why and sorts after the fine ones."""
    problem = problems.get(option.value) if isinstance(option.value, str) else None
    detail = f"{problem} · {option.detail}" if problem and option.detail else (problem or option.detail)
    item = make_item(ctx, label=option.text, kind=option.kind, detail=detail, doc=option.doc, text=text, stops=stops, sort=("z" if problem else "") + f"{index:04d}", filter_value=option.text)
    if problem:
        item.tags = [types.CompletionItemTag.Deprecated]
    return item


def _item_skeleton(ctx: CompletionContext, item_kind: str, array_place: Place):
    tables = ctx.tables
    if item_kind == PASS:
        return Obj([("type", Slot("string"))])
    for array_kind, kind in ARRAY_ITEMS.items():
        if kind == item_kind and array_kind == array_place.kind:
            skeleton = object_skeleton(tables, array_kind, array_place, ctx.view)
            if isinstance(skeleton, Arr):
                return skeleton.item
    return object_skeleton(tables, item_kind, array_place, ctx.view)


# Words in pass type names that a camel-case split would cut apart (LoRA -> lo_ra); longest first.
_WHOLE_WORDS = ("OpenVINO", "MHA2SHA", "SDLoRA", "QLoRA", "LoRA", "DoRA", "LoHa", "LoKr", "LoftQ", "QuaRot", "GenAI", "NCHW", "NHWC", "KQuant")
_WHOLE_WORD = re.compile("|".join(_WHOLE_WORDS))


def _snake(name: str) -> str:
    """A readable entry name for a type: ModelBuilder -> model_builder, OpenVINOConversion -> openvino_conversion."""
    text = _WHOLE_WORD.sub(lambda match: f"_{match.group(0).lower()}_", name)
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", text)
    return re.sub(r"_+", "_", text).strip("_").lower()


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    index = 2
    while f"{name}_{index}" in taken:
        index += 1
    return f"{name}_{index}"


def _name_skeletons(ctx: CompletionContext, place: Place) -> list[types.CompletionItem]:
    """Under passes/systems/evaluators the keys are names: offer new entries with a skeleton."""
    tables, cursor = ctx.tables, ctx.cursor
    taken = set(keys_of(place.node))
    entries: list[tuple[str, str, Doc, str, Any]] = []  # (label, detail, doc, filter, skeleton)
    if place.kind == PASSES:
        for name in tables.model.pass_names:
            summary = tables.model.passes[name].summary
            fields = [("type", Lit(name))] + pass_skeleton(tables, name)
            key = _unique(_snake(name), taken)
            entries.append((key, f"{name} pass · {summary}", partial(tables.pass_doc, name), f"{key} {name}", Obj(fields)))
    elif place.kind == SYSTEMS:
        defaults = {"LocalSystem": "local_system", "Docker": "docker_system", "PythonEnvironment": "python_system"}
        for name, info in tables.model.system_types.items():
            fields: list = [("type", Lit(name))]
            for key_name, entry in info.keys.items():
                if entry.get("required"):
                    fields.append((key_name, Slot("string")))
            fields.append(("accelerators", object_skeleton(tables, ACCELERATORS, place, ctx.view)))
            key = _unique(defaults.get(name, _snake(name)), taken)
            entries.append((key, f"{name} system", partial(system_type_doc, name, info), f"{key} {name}", Obj(fields)))
    elif place.kind == EVALUATORS:
        key = _unique("common_evaluator", taken)
        entries.append((key, "evaluator with metrics", tables.evaluator["metrics"].doc if "metrics" in tables.evaluator else "", key, Obj([("metrics", object_skeleton(tables, METRICS, place, ctx.view))])))
    items = []
    for label, detail, doc, filter_text, skeleton in entries:
        stops = TabStops(ctx.snippets)
        if cursor.has_colon:
            text = _key_text(cursor, label, stops)
        elif cursor.language == "yaml" and not cursor.flow:
            text = literal(yaml_scalar(label), stops) + ":" + yaml_value(skeleton, cursor.column, ctx.unit, stops)
        else:
            text = _key_text(cursor, label, stops) + ": " + json_text(skeleton, stops) + cursor.comma_after
        items.append(make_item(ctx, label=label, kind=types.CompletionItemKind.Module, detail=detail, doc=doc, text=text, stops=stops, sort=label, filter_value=filter_text))
    return items


def document_skeleton(ctx: CompletionContext) -> types.CompletionItem:
    cursor = ctx.cursor
    stops = TabStops(ctx.snippets)
    model = Obj([("type", Lit("HfModel")), ("model_path", Slot("string"))])
    system = Obj([("type", Lit("LocalSystem")), ("accelerators", Arr(Obj([("device", Choice(["cpu", "gpu", "npu"])), ("execution_providers", Arr(Slot("string", "CPUExecutionProvider")))])))])
    fields = [
        ("input_model", model),
        ("systems", Obj([("local_system", system)])),
        ("passes", Obj([("builder", Obj([("type", Lit("ModelBuilder")), ("precision", Choice(["int4", "int8", "fp16", "fp32"]))]))])),
        ("host", Lit("local_system")),
        ("target", Lit("local_system")),
        ("output_dir", Slot("string", "output")),
    ]
    if cursor.language == "yaml" and not cursor.flow:
        text = yaml_fields(fields, cursor.column, ctx.unit, stops, first_inline=True)
    else:
        body = ",\n".join("  " + literal(json.dumps(k), stops) + ": " + json_text(v, stops) for k, v in fields)
        if cursor.kind == EMPTY:
            text = "{\n" + body + "\n}"
        else:
            text = body.lstrip()
    return make_item(ctx, label="Olive workflow", kind=types.CompletionItemKind.Snippet, detail="new workflow: HfModel → ModelBuilder on a local system", doc="A minimal Olive workflow config.", text=text, stops=stops, sort="0000")


def make_item(
    ctx: CompletionContext,
    *,
    label: str,
    kind: types.CompletionItemKind,
    detail: str,
    doc: Doc,
    text: str,
    stops: TabStops,
    sort: str,
    filter_value: str | None = None,
) -> types.CompletionItem:
    cursor = ctx.cursor
    if stops.snippets and stops.count == 0:
        # No tab stop after all: send it as plain text, without snippet escapes.
        text = UNESCAPE.sub(r"\1", text)
        snippet = False
    else:
        snippet = stops.snippets
    filter_text = filter_value or label
    if cursor.quote:
        filter_text = cursor.quote + filter_text + cursor.quote
    additional = None
    if cursor.comma_before is not None and (cursor.language == "json" or cursor.flow):
        at = ctx.index.position_at(cursor.comma_before)
        additional = [types.TextEdit(range=types.Range(start=at, end=at), new_text=",")]
    # The one place documentation is written: inline, or deferred to completionItem/resolve (resolve.py).
    documentation = data = None
    if doc and ctx.deferred is not None:
        data = ctx.deferred.add(doc)
    elif doc:
        documentation = markup(written(doc), ctx.markdown)
    return types.CompletionItem(
        label=label,
        kind=kind,
        detail=detail or None,
        documentation=documentation,
        sort_text=sort,
        filter_text=filter_text,
        text_edit=types.TextEdit(range=cursor.range, new_text=text),
        insert_text_format=types.InsertTextFormat.Snippet if snippet else types.InsertTextFormat.PlainText,
        insert_text_mode=types.InsertTextMode.AsIs if "\n" in text else None,
        additional_text_edits=additional,
        data=data,
    )


def markup(doc: str, markdown: bool) -> types.MarkupContent | None:
    """Documentation as the client renders it; for an item's inline docs and for completionItem/resolve."""
    if not doc:
        return None
    if markdown:
        return types.MarkupContent(kind=types.MarkupKind.Markdown, value=doc)
    return types.MarkupContent(kind=types.MarkupKind.PlainText, value=plain_text(doc))
