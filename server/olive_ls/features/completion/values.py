"""Values offered for a key: pass types, EPs for the accelerator's device, enums, booleans, and the config's own
system, evaluator and data config names."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Any

from lsprotocol import types

from olive_ls.features.completion.docs import (
    data_config_ref_doc,
    device_doc,
    ep_doc,
    evaluator_ref_doc,
    metric_type_doc,
    model_type_doc,
    provider_package,
    sampler_doc,
    system_ref_doc,
    system_type_doc,
)
from olive_ls.model.framework_keys import TASKS
from olive_ls.features.completion.key_specs import KeySpec
from olive_ls.features.completion.resolve import Doc
from olive_ls.features.completion.places import ACCELERATOR, DATA_COMPONENT_KEYS, SUB_TYPE, Place, str_of
from olive_ls.features.completion.tables import Tables
from olive_ls.model.olive import metric_sub_types
from olive_ls.model.names import DATA_CONFIG, EVALUATOR, SYSTEM, name_index

NAME_KINDS = {"system_ref": SYSTEM, "evaluator_ref": EVALUATOR, "data_config_ref": DATA_CONFIG}

@dataclass
class ValueOption:
    value: Any
    detail: str = ""
    # Written only when shown (resolve.py): a partial of the docs function, or "".
    doc: Doc = ""
    kind: types.CompletionItemKind = types.CompletionItemKind.Value
    label: str | None = None

    @property
    def text(self) -> str:
        if self.label is not None:
            return self.label
        return json.dumps(self.value) if not isinstance(self.value, str) else self.value


def value_options(tables: Tables, place: Place, spec: KeySpec, view=None, for_item: bool = False) -> list[ValueOption]:
    """Values for `spec` at `place` (for its array items when `for_item`)."""
    model = tables.model
    provider = spec.values
    enum_kind = types.CompletionItemKind.EnumMember
    if provider == "pass_type":
        return [
            ValueOption(name, model.passes[name].summary, partial(tables.pass_doc, name), types.CompletionItemKind.Class)
            for name in model.pass_names
        ]
    if provider == "model_type":
        return [ValueOption(name, (info.info.get("handler") or "model handler"), partial(model_type_doc, name, info), types.CompletionItemKind.Class) for name, info in model.model_types.items()]
    if provider == "system_type":
        return [ValueOption(name, "system", partial(system_type_doc, name, info), types.CompletionItemKind.Class) for name, info in model.system_types.items()]
    if provider == "evaluator_type":
        return [ValueOption(name, "evaluator type", "", enum_kind) for name in model.evaluator_types]
    if provider == "metric_type":
        return [ValueOption(name, "metric type", partial(metric_type_doc, name, subs), enum_kind) for name, subs in metric_sub_types(model).items()]
    if provider == "metric_sub_type":
        metric = place.up(2) if place.kind == SUB_TYPE else None
        metric_type = (str_of(metric, "type") or "").lower()
        table = metric_sub_types(model)
        names = table.get(metric_type) if metric_type in table else sorted({s for subs in table.values() for s in subs})
        return [ValueOption(name, f"{metric_type or 'metric'} sub type", "", enum_kind) for name in names]
    if provider == "goal_type":
        return [ValueOption(name, "goal type", "", enum_kind) for name in model.value_set("metric_goal_types")]
    if provider == "metric_backend":
        return [ValueOption(name, "metric backend", "", enum_kind) for name in model.value_set("metric_backends")]
    if provider == "device":
        return [ValueOption(name, "device", partial(device_doc, tables, name), enum_kind) for name in model.devices]
    if provider == "ep":
        accelerator = place.node if place.kind == ACCELERATOR else None
        device = (str_of(accelerator, "device") or "").lower()
        providers = model.providers_for(device) or model.providers
        return [ValueOption(name, f"execution provider · {provider_package(model, name)}", partial(ep_doc, tables, name), enum_kind) for name in providers]
    if provider in ("system_ref", "evaluator_ref", "data_config_ref"):
        return _name_options(provider, view)
    if provider == "sampler":
        return [ValueOption(name, "sampler", partial(sampler_doc, name, info), enum_kind) for name, info in model.samplers.items()]
    if provider == "execution_order":
        return [ValueOption(name, "execution order", "", enum_kind) for name in model.value_set("execution_orders")]
    if provider == "data_container":
        return [ValueOption(name, "data container", "", types.CompletionItemKind.Class) for name in model.value_set("data_containers")]
    if provider == "data_component":
        kind = DATA_COMPONENT_KEYS.get(str(place.path[-1]) if place.path else "", "")
        return [ValueOption(name, kind.replace("_", " ") + " component", "", types.CompletionItemKind.Function) for name in model.data_components.get(kind, [])]
    if provider == "packaging_type":
        return [ValueOption(name, "packaging type", "", enum_kind) for name in model.value_set("packaging_types")]
    if provider == "task":
        return [ValueOption(name, "Hugging Face task", "", enum_kind) for name in TASKS]
    enum = spec.item_enum if for_item else spec.enum
    if enum:
        return [ValueOption(value, "default" if _same(value, spec.default) else spec.origin, "", enum_kind) for value in enum]
    if not for_item and spec.is_boolean:
        return [ValueOption(value, "default" if _same(value, spec.default) else "boolean", "", enum_kind) for value in (True, False)]
    return []


def _name_options(provider: str, view) -> list[ValueOption]:
    """The config's own names of the kind the key refers to, from the one name index (model/names.py)."""
    ref = types.CompletionItemKind.Reference
    options, seen = [], set()
    for d in name_index(view).defined(NAME_KINDS[provider]) if view else []:
        if d.name in seen:
            continue
        seen.add(d.name)
        entry, node = d.entry, getattr(d.entry, "node", None)
        if d.kind == SYSTEM:
            type_name = getattr(entry, "type_name", None)
            options.append(ValueOption(d.name, f"system · {type_name or '?'}", partial(system_ref_doc, entry) if entry is not None else "", ref))
        elif d.kind == EVALUATOR:
            options.append(ValueOption(d.name, "evaluator", partial(evaluator_ref_doc, node, d.name), ref))
        else:
            options.append(ValueOption(d.name, f"data config · {str_of(node, 'type') or 'DataContainer'}", partial(data_config_ref_doc, node, d.name), ref))
    return options


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b
