"""What a new value starts as: a choice of allowed values, the default, or an object of its required keys."""

from __future__ import annotations

from typing import Any

from olive_ls.features.completion.key_specs import MISSING, KeySpec
from olive_ls.features.completion.places import ACCELERATOR, ACCELERATORS, DATA_COMPONENT, DATA_CONFIGS, EVALUATOR, GOAL, INPUT_MODEL, METRIC, METRICS, MODEL_COMPONENTS, PACKAGING, SEARCH, SUB_TYPES, SYSTEM, Place
from olive_ls.features.completion.snippets import Arr, Choice, Obj, Slot
from olive_ls.features.completion.tables import Tables
from olive_ls.features.completion.values import value_options
from olive_ls.model.olive import metric_sub_types

def value_skeleton(tables: Tables, spec: KeySpec, place: Place, view=None, depth: int = 0) -> Any:
    """What a new key's value starts as: a choice of values, the default, or an object of required keys."""
    if spec.values == "ep":
        eps = [o.value for o in value_options(tables, place, spec, view, for_item=True)]
        return Arr(Choice(eps)) if eps else Slot("array")
    options = value_options(tables, place, spec, view) if spec.values not in (None, "pass_type") else []
    if spec.child == SYSTEM and spec.values == "system_ref":
        names = [o.value for o in options]
        return Choice(names) if names else Slot("string")
    if spec.child == EVALUATOR and spec.values == "evaluator_ref":
        names = [o.value for o in options]
        return Choice(names) if names else Slot("string")
    if spec.values == "data_config_ref":
        names = [o.value for o in options]
        return Choice(names) if names else Slot("string")
    if spec.enum:
        ordered = list(spec.enum)
        if spec.default in ordered and not spec.required:
            ordered.remove(spec.default)
            ordered.insert(0, spec.default)
        return Choice(ordered)
    if options and spec.values not in ("task",) and not spec.is_array:
        return Choice([o.value for o in options][:20])
    if spec.is_boolean:
        default = spec.default if isinstance(spec.default, bool) else False
        return Choice([default, not default])
    child = spec.child
    if child is not None and depth < 3:
        skeleton = object_skeleton(tables, child, place, view, depth + 1)
        if skeleton is not None:
            return skeleton
    primary = spec.types[0] if spec.types else None
    if primary == "array":
        return Slot("array")
    if primary == "object":
        return Slot("object")
    return Slot(primary, spec.default if spec.default is not None and not isinstance(spec.default, (dict, list)) else MISSING)


def object_skeleton(tables: Tables, kind: str, place: Place, view=None, depth: int = 0) -> Any:
    """The skeleton of a new object (or array of objects) at a place: its required keys."""
    model = tables.model
    if kind == INPUT_MODEL:
        return Obj([("type", Choice(preferred_first(["HfModel"], list(model.model_types)))), ("model_path", Slot("string"))])
    if kind == ACCELERATORS:
        return Arr(object_skeleton(tables, ACCELERATOR, place, view, depth))
    if kind == ACCELERATOR:
        devices = [d for d in ("cpu", "gpu", "npu") if d in model.devices] or list(model.devices or ["cpu"])
        return Obj([("device", Choice(devices)), ("execution_providers", Arr(Slot("string", "CPUExecutionProvider")))])
    if kind == METRICS:
        return Arr(object_skeleton(tables, METRIC, place, view, depth))
    if kind == METRIC:
        return Obj([("name", Slot("string")), ("type", Choice(list(metric_sub_types(model)))), ("sub_types", Arr(Obj([("name", Slot("string"))])))])
    if kind == SUB_TYPES:
        return Arr(Obj([("name", Slot("string"))]))
    if kind == DATA_CONFIGS:
        return Arr(Obj([("name", Slot("string")), ("type", Choice(preferred_first(["HuggingfaceContainer"], list(model.value_set("data_containers")))))]))
    if kind == GOAL:
        return Obj([("type", Choice(list(model.value_set("metric_goal_types")))), ("value", Slot("number"))])
    if kind == SEARCH:
        return Obj([("execution_order", Choice(list(model.value_set("execution_orders") or ["joint"]))), ("sampler", Choice(preferred_first(["tpe"], list(model.samplers))))])
    if kind == SYSTEM:
        return Obj([("type", Choice(preferred_first(["LocalSystem"], list(model.system_types)))), ("accelerators", object_skeleton(tables, ACCELERATORS, place, view, depth))])
    if kind == DATA_COMPONENT:
        return Obj([("type", Slot("string")), ("params", Slot("object"))])
    if kind == PACKAGING:
        return Obj([("type", Choice(list(model.value_set("packaging_types") or ["Zipfile"])))])
    if kind == MODEL_COMPONENTS:
        return Arr(object_skeleton(tables, INPUT_MODEL, place, view, depth))
    return None


def preferred_first(preferred: list, values: list) -> list:
    values = list(values)
    head = [v for v in preferred if v in values]
    return head + [v for v in values if v not in head]


def pass_skeleton(tables: Tables, pass_type: str, present: set[str] = frozenset()) -> list:
    """Required parameters of a pass, as skeleton fields (ModelBuilder: its `precision`)."""
    fields = []
    for name, spec in tables.pass_params(pass_type).items():
        if spec.required and name not in present:
            if spec.enum:
                fields.append((name, Choice(list(spec.enum))))
            elif spec.values == "data_config_ref":
                fields.append((name, Slot("string")))
            else:
                fields.append((name, Slot(spec.types[0] if spec.types else None)))
    return fields
