"""Build the run-config JSON Schema (Draft 2020-12) from a catalog dict. Pure: no Olive import.

Olive's own `RunConfig.model_json_schema()` rejects every real config and lets real errors through (facts §1.4):
it knows neither the flat forms that Olive's NestedConfig allows, nor name references, nor the pass registry.
This schema is derived from the catalog instead, so an editor with only `json.schemas` gets the same passes,
parameters and value sets that olive-ls checks.

Conventions:
- Names that Olive matches without regard to case (pass, model, system, container types...) are checked with
  character-class patterns ("[Mm][Oo]..."), since editors' JS regex engines have no inline (?i) flag.
  `examples` carries the canonical spelling, which editors offer as completions.
- Where a NestedConfig gathers unknown keys into a nested field, a key may sit flat or inside that field;
  a required key is then "required flat, or required inside the nested field".
- `patternErrorMessage` is VS Code's keyword for a readable message instead of a long pattern; other
  validators ignore it.
- Per-type shapes are `if {type matches} then {$ref}` branches; each branch lists every allowed key and sets
  additionalProperties: false.
"""

from __future__ import annotations

import re
from typing import Any

from olive_ls.model.framework_keys import GOAL_KEYS, PACKAGING_KEYS, SUB_TYPE_KEYS

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Olive resolves these strings against another section of the config before validating.
SYSTEM_NAME = {"type": "string", "description": "Name of an entry in `systems`."}
EVALUATOR_NAME = {"type": "string", "description": "Name of an entry in `evaluators`."}
DATA_CONFIG_NAME = {"type": "string", "description": "Name of an entry in `data_configs`."}

# Values any optional pass parameter may take besides its own type (pass_config.py: PassParamDefault, and
# SearchParameter JSON for searchable values).
PASS_PARAM_SPECIAL = {
    "description": "Olive's special values: DEFAULT_VALUE, SEARCHABLE_VALUES, or a search parameter.",
    "anyOf": [
        {"enum": ["DEFAULT_VALUE", "SEARCHABLE_VALUES"]},
        {
            "type": "object",
            "required": ["olive_parameter_type"],
            "properties": {"olive_parameter_type": {"const": "SearchParameter"}},
        },
    ],
}

# RunPassConfig's own fields besides `type` and `config`.
PASS_OWN_KEYS = ("host", "evaluator")


def ref(name: str) -> dict:
    return {"$ref": f"#/$defs/{name}"}


def def_name(*parts: str) -> str:
    # $defs keys appear in JSON pointers; keep them to safe characters.
    return ".".join(re.sub(r"[^A-Za-z0-9_-]", "_", part) for part in parts)


def case_insensitive(name: str) -> str:
    """Regex for `name` in any letter case, without inline flags: "Rtn" -> "[Rr][Tt][Nn]"."""
    out = []
    for char in name:
        if char.isalpha() and char.lower() != char.upper():
            out.append(f"[{char.upper()}{char.lower()}]")
        else:
            out.append(re.escape(char))
    return "".join(out)


def name_pattern(names: list[str], module_prefix: bool = False) -> str:
    alternatives = "|".join(case_insensitive(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    # A pass type may also be a dotted module path ending in the class name (package_config.py).
    prefix = r"(?:[A-Za-z_][A-Za-z0-9_]*\.)*" if module_prefix else ""
    return f"^{prefix}(?:{alternatives})$"


def described(fragment: dict, description: str | None, default: Any = None) -> dict:
    out = dict(fragment)
    if description:
        out["description"] = description
    if default is not None:
        out["default"] = default
    return out


def key_table_def(keys: dict, overrides: dict | None = None, closed: bool = True) -> dict:
    """An object schema from one of the model's hand-written key tables (model/framework_keys.py): the same keys,
    types, defaults and descriptions completion offers; `overrides` replace a key's type fragment."""
    overrides = overrides or {}
    properties = {}
    for name, entry in keys.items():
        fragment = overrides.get(name)
        if fragment is None:
            json_type = entry.get("json_type", "string")
            fragment = {"type": json_type if isinstance(json_type, str) else list(json_type)}
        properties[name] = described(fragment, entry.get("description"), entry.get("default"))
    schema: dict = {"type": "object"}
    required = [name for name, entry in keys.items() if entry.get("required")]
    if required:
        schema["required"] = required
    schema["properties"] = properties
    if closed:
        schema["additionalProperties"] = False
    return schema


def required_flat_or_nested(keys: list[str], nested: str) -> list[dict]:
    """One anyOf per key: given flat, or inside the nested field (NestedConfig.gather_nested_field)."""
    return [
        {"anyOf": [{"required": [key]}, {"required": [nested], "properties": {nested: {"required": [key]}}}]}
        for key in keys
    ]


def type_branches(names: list[str], target_prefix: str, module_prefix: bool = False) -> list[dict]:
    """`if type matches <name> then <target_prefix>.<name>` for each name."""
    return [
        {
            "if": {"required": ["type"], "properties": {"type": {"pattern": name_pattern([n], module_prefix)}}},
            "then": ref(def_name(target_prefix, n)),
        }
        for n in sorted(names)
    ]


# Pydantic validates in lax mode: "true"/"yes"/1 are booleans, "8" is an integer (olive-recipes configs do this,
# and Olive accepts them). The schema accepts what Olive accepts; olive-ls may still warn about the style.
LAX_SCALARS = {
    "boolean": {
        "description": "A boolean (also accepted by Olive: 0/1 and strings like \"true\", \"no\", \"on\").",
        "anyOf": [
            {"type": "boolean"},
            {"enum": [0, 1]},
            {
                "type": "string",
                "pattern": "^(?:"
                + "|".join(
                    case_insensitive(word)
                    for word in ("0", "off", "f", "false", "n", "no", "1", "on", "t", "true", "y", "yes")
                )
                + ")$",
            },
        ],
    },
    "integer": {
        "anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^\\s*[+-]?[0-9][0-9_]*\\s*$"}],
    },
    "number": {
        "anyOf": [
            {"type": "number"},
            {"type": "string", "pattern": "^\\s*[+-]?(?:[0-9][0-9_]*\\.?[0-9_]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?\\s*$"},
        ],
    },
}


def lax(fragment: Any) -> Any:
    """Replace plain boolean/integer/number nodes by refs to their lax forms (see LAX_SCALARS)."""
    if isinstance(fragment, list):
        return [lax(item) for item in fragment]
    if not isinstance(fragment, dict):
        return fragment
    kind = fragment.get("type")
    if isinstance(kind, str) and kind in LAX_SCALARS and set(fragment) <= {"type", "default", "description"}:
        return {**{k: v for k, v in fragment.items() if k != "type"}, **ref(f"lax_{kind}")}
    return {k: (v if k in ("enum", "const", "default", "examples") else lax(v)) for k, v in fragment.items()}


def nullable(fragment: dict) -> dict:
    return {"anyOf": [fragment, {"type": "null"}]}


# ---------------------------------------------------------------------------------------------------------------
# Passes


def pass_defs(catalog: dict) -> dict:
    passes = catalog["passes"]
    own_key_info = catalog.get("pass_config_keys", {})
    defs: dict[str, dict] = {"passParamSpecial": PASS_PARAM_SPECIAL}
    defs["pass"] = {
        "type": "object",
        "description": "A pass: {type, config} or flat {type, <parameters>}.",
        "required": ["type"],
        "properties": {
            "type": {
                "type": "string",
                "description": "Pass type, one of the registered passes (case-insensitive).",
                "pattern": name_pattern(list(passes), module_prefix=True),
                "patternErrorMessage": f"Not a pass of Olive {catalog.get('olive_version')} (case-insensitive).",
                "examples": sorted(passes),
            },
            "config": {"type": ["object", "null"], "description": _desc(own_key_info, "config")},
            "host": {"anyOf": [SYSTEM_NAME, ref("system"), {"type": "null"}], "description": _desc(own_key_info, "host")},
            "evaluator": {
                "anyOf": [EVALUATOR_NAME, ref("evaluator"), {"type": "null"}],
                "description": _desc(own_key_info, "evaluator"),
            },
        },
        "allOf": type_branches(list(passes), "pass", module_prefix=True),
    }
    for name, info in passes.items():
        params = info.get("parameters", {})
        param_refs = {}
        for param, pinfo in params.items():
            key = def_name("param", name, param)
            defs[key] = pass_param_schema(pinfo)
            param_refs[param] = ref(key)
        required = sorted(p for p, pinfo in params.items() if pinfo.get("required"))
        branch: dict[str, Any] = {
            "description": info.get("summary") or f"The {name} pass.",
            "properties": {
                "type": {"description": info.get("summary") or name},
                "config": {
                    "type": ["object", "null"],
                    "description": f"Parameters of {name}.",
                    "properties": param_refs,
                    "additionalProperties": False,
                },
                **{k: {} for k in PASS_OWN_KEYS},
                **param_refs,
            },
            "additionalProperties": False,
        }
        if required:
            branch["allOf"] = required_flat_or_nested(required, "config")
        defs[def_name("pass", name)] = branch
    return defs


def pass_param_schema(pinfo: dict) -> dict:
    fragment = lax(pinfo.get("type") or {})
    if not pinfo.get("required") and fragment:
        # An optional parameter may also be DEFAULT_VALUE / SEARCHABLE_VALUES / a search parameter.
        fragment = {"anyOf": [fragment, ref("passParamSpecial")]}
    return described(fragment, pinfo.get("description"), pinfo.get("default"))


def _desc(keys: dict, name: str) -> str | None:
    return (keys.get(name) or {}).get("description") or None


# ---------------------------------------------------------------------------------------------------------------
# Input model


def model_defs(catalog: dict) -> dict:
    model_types = catalog["model_types"]
    defs: dict[str, dict] = {
        "inputModel": {
            "type": "object",
            "description": "The input model: {type, config} or flat {type, <handler arguments>}.",
            "required": ["type"],
            "properties": {
                "type": {
                    "type": "string",
                    "description": "Model handler type (case-insensitive), e.g. HfModel, ONNXModel, PyTorchModel.",
                    "pattern": name_pattern(list(model_types)),
                    "patternErrorMessage": "Unknown model type; one of: " + ", ".join(sorted(model_types)),
                    "examples": sorted(model_types),
                },
                "config": {"type": "object", "description": "Arguments of the model handler."},
            },
            "allOf": type_branches(list(model_types), "model"),
        }
    }
    for name, info in model_types.items():
        keys = info.get("config_keys", {})
        props = {k: described({}, v.get("description"), v.get("default")) for k, v in keys.items()}
        branch: dict[str, Any] = {
            "properties": {
                "type": {},
                "config": {
                    "type": "object",
                    "description": f"Arguments of {info.get('handler', name)}.__init__.",
                    "properties": props,
                    "additionalProperties": False,
                },
                **props,
            },
            "additionalProperties": False,
        }
        required = sorted(k for k, v in keys.items() if v.get("required"))
        if required:
            branch["allOf"] = required_flat_or_nested(required, "config")
        defs[def_name("model", name)] = branch
    return defs


# ---------------------------------------------------------------------------------------------------------------
# Systems


def system_defs(catalog: dict) -> dict:
    system_types = catalog["system_types"]
    providers = catalog.get("execution_providers", [])
    accelerator_keys = catalog.get("accelerator_keys", {})
    defs: dict[str, dict] = {
        "accelerator": {
            "type": "object",
            "description": "One accelerator: a device and/or one execution provider.",
            "properties": {
                "device": described(
                    nullable({"type": "string", "examples": catalog.get("devices", [])}),
                    _desc(accelerator_keys, "device"),
                ),
                "execution_providers": described(
                    nullable(
                        {
                            "type": "array",
                            # systems/common.py: "Only one execution provider is supported per accelerator".
                            "maxItems": 1,
                            "items": {
                                "anyOf": [
                                    {"type": "string", "pattern": "ExecutionProvider$", "examples": providers},
                                    {
                                        "type": "array",
                                        "description": "[execution provider, path to the EP library]",
                                        "prefixItems": [
                                            {"type": "string", "pattern": "ExecutionProvider$"},
                                            {"type": "string"},
                                        ],
                                        "minItems": 2,
                                        "maxItems": 2,
                                    },
                                ]
                            },
                        }
                    ),
                    _desc(accelerator_keys, "execution_providers"),
                ),
                "memory": described(
                    (accelerator_keys.get("memory") or {}).get("type") or {}, _desc(accelerator_keys, "memory")
                ),
            },
            "additionalProperties": False,
            # "Either device or execution_providers must be provided".
            "anyOf": [
                {"required": ["device"], "properties": {"device": {"type": "string"}}},
                {"required": ["execution_providers"], "properties": {"execution_providers": {"minItems": 1}}},
            ],
        },
        "system": {
            "type": "object",
            "description": "A system: {type, config} or flat {type, accelerators, ...}.",
            "required": ["type"],
            "properties": {
                "type": {
                    "type": "string",
                    "description": "System type (case-insensitive).",
                    "pattern": name_pattern(list(system_types)),
                    "patternErrorMessage": "Unknown system type; one of: " + ", ".join(sorted(system_types)),
                    "examples": sorted(system_types),
                },
                "config": {"type": ["object", "null"], "description": "Settings of the system."},
            },
            "allOf": type_branches(list(system_types), "system"),
        },
    }
    for name, info in system_types.items():
        keys = info.get("config_keys", {})
        props = {k: system_key_schema(k, v) for k, v in keys.items()}
        branch: dict[str, Any] = {
            "properties": {
                "type": {},
                "config": {
                    "type": ["object", "null"],
                    "description": f"Settings of a {name} system.",
                    "properties": props,
                    "additionalProperties": False,
                },
                **props,
            },
            "additionalProperties": False,
        }
        required = sorted(k for k, v in keys.items() if v.get("required"))
        if required:
            branch["allOf"] = required_flat_or_nested(required, "config")
        defs[def_name("system", name)] = branch
    return defs


def system_key_schema(key: str, info: dict) -> dict:
    if key == "accelerators":
        # system_config.py: "Only one accelerator is supported currently."
        fragment = nullable({"type": "array", "maxItems": 1, "items": ref("accelerator")})
    elif key == "work_dir":
        fragment = {"type": "string", "pattern": "^/"}  # "work_dir must be an absolute path"
    else:
        fragment = lax(info.get("type") or {})
    return described(fragment, info.get("description"), info.get("default"))


# ---------------------------------------------------------------------------------------------------------------
# Data configs


def data_defs(catalog: dict) -> dict:
    keys = catalog.get("data_config_keys", {})
    components = catalog.get("data_components", {})
    containers = catalog.get("data_containers", [])
    component_props = {}
    restricted = {}
    for kind, names in sorted(components.items()):
        field = f"{kind}_config"
        component_props[field] = described(nullable(ref("dataComponent")), _desc(keys, field))
        restricted[field] = {
            "properties": {
                "type": {"pattern": name_pattern(names), "description": f"A registered {kind} component."}
            }
        }
    return {
        "dataComponent": {
            "type": "object",
            "description": "A data component: {type, params} or flat {type, <params>}.",
            "properties": {
                "type": {"type": ["string", "null"], "description": "Registered component name (case-insensitive)."},
                "params": {"type": "object", "description": "Arguments of the component."},
            },
        },
        "dataConfig": {
            "type": "object",
            "description": "A data config; passes and metrics refer to it by name.",
            "required": ["name"],
            "properties": {
                "name": described({"type": "string", "pattern": "^[A-Za-z0-9_]+$"}, _desc(keys, "name")),
                "type": described(
                    {"type": "string", "examples": containers}, _desc(keys, "type"), (keys.get("type") or {}).get("default")
                ),
                "user_script": described({"type": ["string", "null"]}, _desc(keys, "user_script")),
                "script_dir": described({"type": ["string", "null"]}, _desc(keys, "script_dir")),
                **component_props,
            },
            "additionalProperties": False,
            # A user_script may register its own containers and components; only without one are the names known.
            "if": {"not": {"required": ["user_script"]}},
            "then": {
                "properties": {
                    "type": {"pattern": name_pattern(containers), "description": "A registered data container."},
                    **{
                        field: {"anyOf": [{"type": "null"}, {**spec, "type": "object"}]}
                        for field, spec in restricted.items()
                    },
                }
            },
        },
    }


# ---------------------------------------------------------------------------------------------------------------
# Evaluators and metrics


def evaluator_defs(catalog: dict) -> dict:
    evaluator_keys = catalog.get("evaluator_keys", {})
    metric_keys = catalog.get("metric_keys", {})
    metric_types = catalog.get("metric_types", {})
    goal_types = catalog.get("metric_goal_types", [])
    sub_type_rules = [
        {
            # With the torch_metrics backend (also when backend is absent: `properties` only checks present keys)
            # the sub type names are Olive's enums (metric.py).
            "if": {
                "required": ["type"],
                "properties": {"type": {"const": mtype}, "backend": {"const": "torch_metrics"}},
            },
            "then": {"properties": {"sub_types": {"items": {"properties": {"name": {"enum": subs}}}}}},
        }
        for mtype, subs in sorted(metric_types.items())
        if subs
    ]
    return {
        "evaluator": {
            "type": "object",
            "description": "An evaluator: metrics plus an optional evaluator type and its arguments.",
            "properties": {
                "name": described({"type": ["string", "null"]}, _desc(evaluator_keys, "name")),
                "type": described(
                    {"type": ["string", "null"], "examples": catalog.get("evaluator_types", [])},
                    _desc(evaluator_keys, "type"),
                ),
                "type_args": described({"type": "object"}, _desc(evaluator_keys, "type_args")),
                "user_script": described({"type": ["string", "null"]}, _desc(evaluator_keys, "user_script")),
                "script_dir": described({"type": ["string", "null"]}, _desc(evaluator_keys, "script_dir")),
                "metrics": described({"type": "array", "items": ref("metric")}, _desc(evaluator_keys, "metrics")),
            },
            # Unknown evaluator keys are gathered into type_args (OliveEvaluatorConfig is a NestedConfig).
            "additionalProperties": True,
            "if": {"not": {"required": ["user_script"]}},
            "then": {"properties": {"type": {"anyOf": [{"type": "null"}, {"enum": catalog.get("evaluator_types", [])}]}}},
        },
        "metric": {
            "type": "object",
            "description": "A metric: name, type, sub_types and the data config to evaluate on.",
            "required": ["name", "type"],
            "properties": {
                "name": described({"type": "string"}, _desc(metric_keys, "name")),
                "type": described({"enum": sorted(metric_types)}, _desc(metric_keys, "type")),
                "backend": described(
                    {"anyOf": [{"enum": catalog.get("metric_backends", [])}, {"type": "null"}]},
                    _desc(metric_keys, "backend"),
                ),
                "sub_types": described({"type": "array", "items": ref("subMetric")}, _desc(metric_keys, "sub_types")),
                "user_config": described({"type": ["object", "null"]}, _desc(metric_keys, "user_config")),
                "data_config": described(nullable(DATA_CONFIG_NAME), _desc(metric_keys, "data_config")),
            },
            # Unknown metric keys are gathered into user_config (Metric is a NestedConfig).
            "additionalProperties": True,
            "allOf": sub_type_rules,
        },
        "subMetric": key_table_def(
            SUB_TYPE_KEYS,
            {
                "goal": {"anyOf": [key_table_def(GOAL_KEYS, {"type": {"enum": goal_types}}), {"type": "null"}]},
                "metric_config": {"type": ["object", "null"]},
            },
        ),
    }


# ---------------------------------------------------------------------------------------------------------------
# Search strategy and engine


def search_defs(catalog: dict) -> dict:
    strategy_keys = catalog.get("search_strategy_keys", {})
    samplers = catalog.get("samplers", {})
    sampler_key_names = sorted({k for s in samplers.values() for k in s.get("config_keys", {})})
    sampler_props = {}
    for sampler in samplers.values():
        for key, info in sampler.get("config_keys", {}).items():
            json_type = info.get("json_type", "any")
            sampler_props[key] = described({} if json_type == "any" else {"type": json_type}, info.get("description"))
    strategy_props = {
        "execution_order": described(
            nullable({"type": "string", "pattern": name_pattern(catalog.get("execution_orders", []))}),
            _desc(strategy_keys, "execution_order"),
        ),
        "sampler": described({"enum": sorted(samplers)}, _desc(strategy_keys, "sampler")),
        "sampler_config": described({"type": ["object", "null"]}, _desc(strategy_keys, "sampler_config")),
        "output_model_num": described({"type": ["integer", "null"]}, _desc(strategy_keys, "output_model_num")),
        "stop_when_goals_met": described({"type": "boolean"}, _desc(strategy_keys, "stop_when_goals_met")),
        "max_iter": described({"type": ["integer", "null"]}, _desc(strategy_keys, "max_iter")),
        "max_time": described({"type": ["integer", "null"]}, _desc(strategy_keys, "max_time")),
        "include_pass_params": described({"type": "boolean"}, _desc(strategy_keys, "include_pass_params")),
    }
    per_sampler = []
    for name, sampler in sorted(samplers.items()):
        keys = sorted(sampler.get("config_keys", {}))
        per_sampler.append(
            {
                "if": {"required": ["sampler"], "properties": {"sampler": {"const": name}}},
                "then": {
                    "propertyNames": {"enum": sorted(strategy_props) + keys},
                    "properties": {
                        "sampler_config": {
                            "anyOf": [
                                {"type": "null"},
                                {"type": "object", "propertyNames": {"enum": keys}},
                            ]
                        }
                    },
                },
            }
        )
    return {
        "searchStrategy": {
            "type": "object",
            "description": "Search over pass parameters: {execution_order, sampler, sampler options...}.",
            # Without a sampler Olive crashes with a bare KeyError: None (search_strategy.py:63).
            "required": ["sampler"],
            "properties": {**strategy_props, **{k: sampler_props[k] for k in sampler_key_names}},
            # Unknown keys land in the sampler config, which only knows the sampler's own options.
            "additionalProperties": False,
            "allOf": per_sampler,
        }
    }


def packaging_def(catalog: dict) -> dict:
    packaging_types = catalog.get("packaging_types", [])
    fragment = key_table_def(
        PACKAGING_KEYS,
        {"type": {"type": "string", "pattern": name_pattern(packaging_types), "examples": packaging_types}, "config": {"type": ["object", "null"]}},
        closed=False,
    )
    fragment["description"] = "Packaging of the output models: {type, name, config}."
    return fragment


def engine_properties(catalog: dict) -> dict:
    props = {}
    for key, info in sorted(catalog.get("engine_keys", {}).items()):
        if key in ("host", "target"):
            fragment = {"anyOf": [SYSTEM_NAME, ref("system"), {"type": "null"}]}
        elif key == "evaluator":
            fragment = {"anyOf": [EVALUATOR_NAME, ref("evaluator"), {"type": "null"}]}
        elif key == "search_strategy":
            fragment = {"anyOf": [{"type": "boolean"}, ref("searchStrategy"), {"type": "null"}]}
        elif key == "packaging_config":
            fragment = {"anyOf": [ref("packaging"), {"type": "array", "items": ref("packaging")}, {"type": "null"}]}
        else:
            fragment = lax(info.get("type") or {})
        props[key] = described(fragment, info.get("description"), info.get("default"))
    return props


# ---------------------------------------------------------------------------------------------------------------
# The whole schema


def build_run_config_schema(catalog_data: dict) -> dict:
    version = catalog_data.get("olive_version", "unknown")
    run_keys = catalog_data.get("run_config_keys", {})
    engine_props = engine_properties(catalog_data)
    defs: dict[str, dict] = {}
    defs.update(pass_defs(catalog_data))
    defs.update(model_defs(catalog_data))
    defs.update(system_defs(catalog_data))
    defs.update(data_defs(catalog_data))
    defs.update(evaluator_defs(catalog_data))
    defs.update(search_defs(catalog_data))
    defs["packaging"] = packaging_def(catalog_data)
    defs.update({f"lax_{kind}": schema for kind, schema in LAX_SCALARS.items()})
    defs["engine"] = {
        "type": "object",
        "description": _desc(run_keys, "engine") or "Engine settings.",
        "properties": engine_props,
        # EngineConfig: extra="forbid".
        "additionalProperties": False,
    }
    passes_value = {"anyOf": [ref("pass"), {"type": "array", "items": ref("pass")}]}
    root_props = {
        "workflow_id": described({"type": "string"}, _desc(run_keys, "workflow_id"), "default_workflow"),
        "input_model": described(ref("inputModel"), _desc(run_keys, "input_model")),
        "systems": described(
            nullable({"type": "object", "additionalProperties": ref("system")}), _desc(run_keys, "systems")
        ),
        "data_configs": described(
            {"type": "array", "items": ref("dataConfig")}, _desc(run_keys, "data_configs")
        ),
        "evaluators": described(
            nullable({"type": "object", "additionalProperties": ref("evaluator")}), _desc(run_keys, "evaluators")
        ),
        "engine": ref("engine"),
        "passes": described(
            {"type": "object", "additionalProperties": passes_value},
            (_desc(run_keys, "passes") or "") + " Each entry is a pass, or a list of alternative passes for search.",
        ),
    }
    # RunConfig is a NestedConfig on `engine`: every engine key may also be given at the top level, and any
    # other top-level key lands in engine, where extra="forbid" rejects it.
    for key, value in engine_props.items():
        root_props.setdefault(key, value)
    # RunConfig fields of other versions (0.9.x: auto_optimizer_config, azureml_client, workflow_host; main:
    # builds, max_concurrent_builds): known keys of any value. 0.13.0 has none.
    for key, info in sorted(run_keys.items()):
        root_props.setdefault(key, described({}, info.get("description"), info.get("default")))
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"urn:olive-ls:olive-{version}:run-config",
        "title": f"Olive {version} workflow config",
        "description": (
            f"Workflow config for `olive run --config` (olive-ai {version}), generated by olive-ls from the Olive "
            "catalog. Engine keys may be given at the top level or under `engine`; passes, models and systems may "
            "be flat or use a nested `config`. Name references (host, target, evaluator, data configs) are "
            "checked by olive-ls, not by this schema."
        ),
        "type": "object",
        "required": ["input_model"],
        "properties": root_props,
        "additionalProperties": False,
        "$defs": dict(sorted(defs.items())),
    }
