"""Completion's hints for Olive's own objects: shapes, value sources and sort groups the catalog does not carry.
The keys of objects the catalog does not describe are the model's (model/framework_keys.py), shared with the
exported JSON Schema."""

from __future__ import annotations

from olive_ls.features.completion.places import (
    ACCELERATORS,
    CACHE_CONFIG,
    DATA_COMPONENT,
    DATA_COMPONENT_KEYS,
    DATA_CONFIGS,
    ENGINE,
    EVALUATOR,
    EVALUATORS,
    GOAL,
    INPUT_MODEL,
    LOAD_KWARGS,
    METRICS,
    MODEL_COMPONENTS,
    MODEL_CONFIG,
    PACKAGING,
    PASS_CONFIG,
    PASSES,
    SAMPLER_CONFIG,
    SEARCH,
    SUB_TYPES,
    SYSTEM,
    SYSTEM_CONFIG,
    SYSTEMS,
)

# Shapes the catalog does not carry for the framework's own keys.
_S, _I, _B, _O, _A, _N = ("string",), ("integer",), ("boolean",), ("object",), ("array",), ("number",)
ROOT_HINTS = {
    "workflow_id": {"types": _S},
    "input_model": {"types": _O, "child": INPUT_MODEL, "sort": 0},
    "systems": {"types": _O, "child": SYSTEMS, "sort": 1},
    "data_configs": {"types": _A, "child": DATA_CONFIGS, "sort": 1},
    "evaluators": {"types": _O, "child": EVALUATORS, "sort": 1},
    "engine": {"types": _O, "child": ENGINE, "sort": 1},
    "passes": {"types": _O, "child": PASSES, "sort": 0},
}
ENGINE_HINTS = {
    "host": {"values": "system_ref", "child": SYSTEM, "types": ("string", "object")},
    "target": {"values": "system_ref", "child": SYSTEM, "types": ("string", "object")},
    "evaluator": {"values": "evaluator_ref", "child": EVALUATOR, "types": ("string", "object")},
    "search_strategy": {"child": SEARCH, "types": ("object", "boolean")},
    "packaging_config": {"child": PACKAGING, "types": ("object", "array")},
    "cache_config": {"child": CACHE_CONFIG},
    "cache_dir": {"types": ("string", "array")},
    "log_severity_level": {"enum": (0, 1, 2, 3, 4)},
    "ort_log_severity_level": {"enum": (0, 1, 2, 3, 4)},
    "ort_py_log_severity_level": {"enum": (0, 1, 2, 3, 4)},
}
SEARCH_HINTS = {
    "execution_order": {"types": _S, "values": "execution_order"},
    "sampler": {"types": _S, "values": "sampler"},
    "sampler_config": {"types": _O, "child": SAMPLER_CONFIG},
    "output_model_num": {"types": _I},
    "stop_when_goals_met": {"types": _B},
    "max_iter": {"types": _I},
    "max_time": {"types": _I},
    "include_pass_params": {"types": _B},
}
SYSTEM_HINTS = {
    "type": {"types": _S, "values": "system_type", "sort": 0},
    "config": {"types": _O, "child": SYSTEM_CONFIG, "sort": 1},
    "accelerators": {"types": _A, "child": ACCELERATORS, "sort": 1},
}
ACCELERATOR_HINTS = {
    "device": {"types": _S, "values": "device", "sort": 0},
    "execution_providers": {"types": _A, "values": "ep", "sort": 0},
}
MODEL_HINTS = {
    "type": {"types": _S, "values": "model_type", "sort": 0},
    "config": {"types": _O, "child": MODEL_CONFIG, "sort": 1},
    "model_path": {"types": _S},
    "task": {"types": _S, "values": "task"},
    "load_kwargs": {"types": _O, "child": LOAD_KWARGS},
    "io_config": {"types": ("object", "string")},
    "adapter_path": {"types": _S},
    "model_attributes": {"types": _O},
    "model_components": {"types": _A, "child": MODEL_COMPONENTS},
    "model_component_names": {"types": _A},
    "inference_settings": {"types": _O},
    "use_ort_extensions": {"types": _B},
    "onnx_file_name": {"types": _S},
    "external_initializers_file_name": {"types": _S},
    "constant_inputs_file_name": {"types": _S},
    "model_loader": {"types": _S},
    "model_script": {"types": _S},
    "script_dir": {"types": _S},
    "dummy_inputs_func": {"types": _S},
    "model_file_format": {"types": _S},
    "model_variant": {"types": _S},
    "model_name_pattern": {"types": _S},
    "num_ranks": {"types": _I},
    "test_model_path": {"types": _S},
    "test_model_config": {"types": _O},
}
EVALUATOR_HINTS = {
    "metrics": {"types": _A, "child": METRICS, "sort": 0},
    "type": {"types": _S, "values": "evaluator_type"},
    "type_args": {"types": _O},
    "user_script": {"types": _S},
    "script_dir": {"types": _S},
}
METRIC_HINTS = {
    "name": {"types": _S, "sort": 0},
    "type": {"types": _S, "values": "metric_type", "sort": 0},
    "backend": {"types": _S, "values": "metric_backend"},
    "sub_types": {"types": _A, "child": SUB_TYPES, "sort": 1},
    "data_config": {"types": _S, "values": "data_config_ref"},
    "user_config": {"types": _O},
}
DATA_CONFIG_HINTS = {
    "name": {"types": _S, "sort": 0},
    "type": {"types": _S, "values": "data_container", "sort": 1},
    "user_script": {"types": _S},
    "script_dir": {"types": _S},
    **{key: {"types": _O, "child": DATA_COMPONENT} for key in DATA_COMPONENT_KEYS},
}
PASS_HINTS = {
    "type": {"types": _S, "values": "pass_type", "sort": 0},
    "config": {"types": _O, "child": PASS_CONFIG, "sort": 3},
    "host": {"types": ("string", "object"), "values": "system_ref", "child": SYSTEM, "sort": 3},
    "evaluator": {"types": ("string", "object"), "values": "evaluator_ref", "child": EVALUATOR, "sort": 3},
}
SUB_TYPE_HINTS = {"name": {"types": _S, "values": "metric_sub_type", "sort": 0}, "goal": {"types": _O, "child": GOAL}}
GOAL_HINTS = {"type": {"types": _S, "values": "goal_type", "sort": 0}}
DATA_COMPONENT_HINTS = {"type": {"types": _S, "values": "data_component", "sort": 0}}

PACKAGING_HINTS = {"type": {"types": _S, "values": "packaging_type", "sort": 0}}

