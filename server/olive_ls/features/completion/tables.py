"""Tables: every key spec and pass doc asked of one catalog's model of Olive, built once and kept on it; and the
keys an object takes at a place (`keys_at`, `key_spec`)."""

from __future__ import annotations

from typing import Any

from olive_ls.features.completion.docs import key_doc, pass_type_doc
from olive_ls.document.nodes import Node
from olive_ls.model.olive import olive_model
from olive_ls.features.completion.framework_keys import (
    ACCELERATOR_HINTS,
    DATA_COMPONENT_HINTS,
    DATA_CONFIG_HINTS,
    ENGINE_HINTS,
    EVALUATOR_HINTS,
    GOAL_HINTS,
    METRIC_HINTS,
    MODEL_HINTS,
    PACKAGING_HINTS,
    PASS_HINTS,
    ROOT_HINTS,
    SEARCH_HINTS,
    SUB_TYPE_HINTS,
    SYSTEM_HINTS,
)
from olive_ls.model.framework_keys import (
    COMPONENT_PARAMS,
    DATA_COMPONENT_SPEC,
    GOAL_KEYS,
    LOAD_KWARGS_KEYS,
    PACKAGING_KEYS,
    SUB_TYPE_KEYS,
)
from olive_ls.features.completion.key_specs import MISSING, KeySpec, spec_from
from olive_ls.features.completion.places import (
    ACCELERATOR,
    CACHE_CONFIG,
    COMPONENT_PARAMS_PLACE,
    DATA_COMPONENT,
    DATA_COMPONENT_KEYS,
    DATA_CONFIG,
    ENGINE,
    EVALUATOR,
    GOAL,
    INPUT_MODEL,
    LOAD_KWARGS,
    METRIC,
    MODEL_CONFIG,
    PACKAGING,
    PASS,
    PASS_CONFIG,
    ROOT,
    SAMPLER_CONFIG,
    SEARCH,
    SUB_TYPE,
    SYSTEM,
    SYSTEM_CONFIG,
    Place,
    keys_of,
    str_of,
)

class Tables:
    """Everything completion and hover read from one catalog, computed once."""

    def __init__(self, catalog):
        self.catalog = catalog
        model = olive_model(catalog)
        self.model = model
        sections = model.section_keys
        self.root = self._specs(sections["run_config"], "run config", ROOT_HINTS)
        self.engine = self._specs(sections["engine"], "engine", ENGINE_HINTS, default_sort=2)
        self.search = self._specs(sections["search_strategy"], "search_strategy", SEARCH_HINTS)
        self.samplers = {name: self._specs(info.keys, f"{name} sampler config", {}, default_sort=3) for name, info in model.samplers.items()}
        self.system_declared = self._specs(
            {"type": {"description": "System type: LocalSystem, Docker or PythonEnvironment.", "required": True}, "config": {"description": "The system's settings; they may also be given flat, next to type."}},
            "system",
            SYSTEM_HINTS,
        )
        self.system_types = {
            name: self._specs(info.keys, f"{name} config", SYSTEM_HINTS) for name, info in model.system_types.items()
        }
        self.accelerator = self._specs(sections["accelerator"], "accelerator", ACCELERATOR_HINTS)
        self.model_declared = self._specs(
            {
                "type": {"description": "Model handler type, e.g. HfModel, ONNXModel, PyTorchModel (matched without regard to case).", "required": True},
                "config": {"description": "The handler's arguments; they may also be given flat, next to type."},
            },
            "input model",
            MODEL_HINTS,
        )
        self.model_types = {
            name: self._specs(info.keys, f"{name} config", MODEL_HINTS) for name, info in model.model_types.items()
        }
        self.load_kwargs = self._specs(LOAD_KWARGS_KEYS, "load_kwargs (HfLoadKwargs)", {})
        evaluator_keys = {k: v for k, v in sections["evaluator"].items() if k != "name"}
        self.evaluator = self._specs(evaluator_keys, "evaluator", EVALUATOR_HINTS)
        self.metric = self._specs(sections["metric"], "metric", METRIC_HINTS)
        self.sub_type = self._specs(SUB_TYPE_KEYS, "metric sub type", SUB_TYPE_HINTS)
        self.goal = self._specs(GOAL_KEYS, "metric goal", GOAL_HINTS)
        self.data_config = self._specs(sections["data_config"], "data config", DATA_CONFIG_HINTS)
        self.data_component = self._specs(DATA_COMPONENT_SPEC, "data component", DATA_COMPONENT_HINTS)
        self.component_params = {
            kind: self._specs(entries, f"{kind} parameter (flat or under params)", {}, default_sort=2) for kind, entries in COMPONENT_PARAMS.items()
        }
        self.packaging = self._specs(PACKAGING_KEYS, "packaging config", PACKAGING_HINTS)
        cache_fragment = (sections["engine"].get("cache_config") or {}).get("type") or {}
        cache_props: dict = {}
        for option in cache_fragment.get("anyOf", [cache_fragment]):
            if isinstance(option, dict) and option.get("properties"):
                cache_props = option["properties"]
        self.cache = self._specs({k: {"type": v, "default": v.get("default", MISSING)} for k, v in cache_props.items()}, "cache config", {})
        pass_keys = dict(sections["pass_config"])
        self.pass_declared = self._specs(pass_keys, "pass", PASS_HINTS)
        self._pass_params: dict[str, dict[str, KeySpec]] = {}
        self._pass_docs: dict[str, str] = {}
        self._pass_skeletons: dict[str, list] = {}

    def _specs(self, entries: dict, origin: str, hints: dict, default_sort: int | None = None) -> dict[str, KeySpec]:
        specs = {}
        for name, entry in entries.items():
            entry = dict(entry) if isinstance(entry, dict) else {}
            spec = spec_from(name, entry, origin, hints.get(name))
            if default_sort is not None and "sort" not in hints.get(name, {}) and not spec.required:
                spec.sort_group = default_sort
            spec.doc = key_doc(spec)
            specs[name] = spec
        return specs

    def pass_params(self, pass_type: str | None) -> dict[str, KeySpec]:
        canonical = self.model.canonical_pass_name(pass_type) if pass_type else None
        if canonical is None:
            return {}
        if canonical not in self._pass_params:
            specs = {}
            for name, param in self.model.passes[canonical].parameters.items():
                spec = spec_from(name, param.raw, f"{canonical} parameter", {"sort": 0} if param.required else {"sort": 2})
                if name == "precision" and spec.enum:
                    spec.enum = tuple(self.model.precisions_for(canonical, spec.enum))
                spec.doc = key_doc(spec)
                specs[name] = spec
            self._pass_params[canonical] = specs
        return self._pass_params[canonical]

    def pass_doc(self, name: str) -> str:
        canonical = self.model.canonical_pass_name(name)
        if canonical is None:
            return ""
        if canonical not in self._pass_docs:
            self._pass_docs[canonical] = pass_type_doc(self.model.passes[canonical])
        return self._pass_docs[canonical]


def tables_for(catalog) -> Tables:
    """The tables of this catalog's model, built on first use and kept on the model."""
    return olive_model(catalog).derived("completion_tables", lambda model: Tables(model.catalog))


def keys_at(tables: Tables, place: Place) -> tuple[dict[str, KeySpec], set[str]]:
    """The keys an object at `place` takes (flattened forms included) and those it already has."""
    node = place.node
    present = set(keys_of(node))
    kind = place.kind
    if kind == ROOT:
        engine_node = node.get("engine") if node is not None and node.is_object else None
        specs = dict(tables.root)
        for name, spec in tables.engine.items():
            specs.setdefault(name, spec)
        present |= set(keys_of(engine_node))
        return specs, present
    if kind == ENGINE:
        present |= {k for k in keys_of(place.up()) if k in tables.engine}
        return dict(tables.engine), present
    if kind == SEARCH:
        specs = dict(tables.search)
        sampler = str_of(node, "sampler")
        if sampler and sampler.lower() in tables.samplers:
            for name, spec in tables.samplers[sampler.lower()].items():
                specs.setdefault(name, spec)
            present |= set(keys_of(node.get("sampler_config") if node is not None and node.is_object else None))
        return specs, present
    if kind == SAMPLER_CONFIG:
        parent = place.up()
        sampler = (str_of(parent, "sampler") or "").lower()
        present |= set(keys_of(parent))
        return dict(tables.samplers.get(sampler, {})), present
    if kind in (SYSTEM, SYSTEM_CONFIG):
        # An unknown system type: Olive's default, LocalSystem.
        fallback = tables.system_types.get("LocalSystem", {})
        return _typed_entry_keys(place, node, kind == SYSTEM, tables.system_types, tables.system_declared, fallback, present)
    if kind == ACCELERATOR:
        return dict(tables.accelerator), present
    if kind in (INPUT_MODEL, MODEL_CONFIG):
        # An unknown model type: every handler takes a model_path.
        fallback = {k: v for k, v in tables.model_types.get("HfModel", {}).items() if k == "model_path"}
        return _typed_entry_keys(place, node, kind == INPUT_MODEL, tables.model_types, tables.model_declared, fallback, present)
    fixed = {
        LOAD_KWARGS: tables.load_kwargs,
        EVALUATOR: tables.evaluator,
        METRIC: tables.metric,
        SUB_TYPE: tables.sub_type,
        GOAL: tables.goal,
        DATA_CONFIG: tables.data_config,
    }
    if kind in fixed:  # places whose keys do not depend on a type
        return dict(fixed[kind]), present
    if kind in (DATA_COMPONENT, COMPONENT_PARAMS_PLACE):
        component_path = place.path if kind == DATA_COMPONENT else place.path[:-1]
        component = node if kind == DATA_COMPONENT else place.up()
        component_kind = DATA_COMPONENT_KEYS.get(str(component_path[-1]) if component_path else "", "")
        specs = dict(tables.data_component) if kind == DATA_COMPONENT else {}
        for name, spec in tables.component_params.get(component_kind, {}).items():
            specs.setdefault(name, spec)
        present |= _flat_present(component, kind == DATA_COMPONENT, node, ("type", "params"), nested="params")
        return specs, present
    if kind in (PASS, PASS_CONFIG):
        pass_node = node if kind == PASS else place.up()
        specs = dict(tables.pass_declared) if kind == PASS else {}
        for name, spec in tables.pass_params(str_of(pass_node, "type")).items():
            specs.setdefault(name, spec)
        present |= _flat_present(pass_node, kind == PASS, node, ("type", "config", "host", "evaluator"))
        return specs, present
    if kind == PACKAGING:
        return dict(tables.packaging), present
    if kind == CACHE_CONFIG:
        return dict(tables.cache), present
    return {}, present


def _typed_entry_keys(place: Place, node: Node | None, at_entry: bool, type_table: dict, declared: dict, fallback: dict, present: set[str]):
    """Keys of an entry with a `type` and a `config` block (a system, the input model): those of its type, at
    the entry also `type`/`config` themselves; the cursor is in the entry or in its `config`."""
    entry = node if at_entry else place.up()
    type_specs = _by_name(type_table, str_of(entry, "type"))
    if type_specs is None:
        type_specs = fallback
    specs = dict(declared) if at_entry else {}
    for name, spec in type_specs.items():
        specs.setdefault(name, spec)
    present |= _flat_present(entry, at_entry, node, ("type", "config"))
    return specs, present


def _flat_present(owner: Node | None, at_owner: bool, node: Node | None, declared: tuple[str, ...], nested: str = "config") -> set[str]:
    """Keys given in the other form: nested keys when at the owner, the owner's flat keys when nested."""
    if owner is None or not owner.is_object:
        return set()
    if at_owner:
        return set(keys_of(owner.get(nested)))
    return {k for k in owner.keys() if k not in declared}


def _by_name(table: dict[str, Any], name: str | None):
    if not name:
        return None
    if name in table:
        return table[name]
    lowered = name.lower()
    for key, value in table.items():
        if key.lower() == lowered:
            return value
    return None


def key_spec(tables: Tables, place: Place, key: str) -> KeySpec | None:
    specs, _ = keys_at(tables, place)
    spec = specs.get(key)
    if spec is None and key.endswith("data_config") and place.kind in (PASS, PASS_CONFIG, METRIC):
        spec = KeySpec(key, "Name of an entry in data_configs.", types=("string",), values="data_config_ref")
    return spec
