"""Completion: keys valid at the cursor with value snippets, and values from the catalog and the config.

Two halves:
- the Olive model of a config ("places"): which keys an object at a given path takes, with their types,
  defaults, allowed values and docs, following Olive's flattening (engine keys at the top level, pass,
  model and system parameters flat or under `config`). Hover reads the same model.
- the completion items: keys with a value snippet (a skeleton of the required keys for objects), values
  (pass types, EPs per device, precisions per pass, enum values, the config's own system/evaluator/data
  config names), JSON and YAML, with text edits that replace exactly the word or string being typed.

Per-catalog tables (key specs, rendered docs, pass-type items) are built once and cached by catalog path.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from lsprotocol import types

from olive_ls.document import nodes as n
from olive_ls.document.cursor import EMPTY, ITEM, KEY, NONE, VALUE, Cursor, cursor_at
from olive_ls.document.nodes import Node, PathPart, node_at_path

MAX_ITEMS = 250


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()

# --- places: where an object sits in a workflow config -----------------------------------------------------

ROOT = "root"
ENGINE = "engine"
SEARCH = "search_strategy"
SAMPLER_CONFIG = "sampler_config"
SYSTEMS = "systems"
SYSTEM = "system"
SYSTEM_CONFIG = "system_config"
ACCELERATORS = "accelerators"
ACCELERATOR = "accelerator"
EP_LIST = "execution_providers"
INPUT_MODEL = "input_model"
MODEL_CONFIG = "model_config"
MODEL_COMPONENTS = "model_components"
LOAD_KWARGS = "load_kwargs"
EVALUATORS = "evaluators"
EVALUATOR = "evaluator"
METRICS = "metrics"
METRIC = "metric"
SUB_TYPES = "sub_types"
SUB_TYPE = "sub_type"
GOAL = "goal"
DATA_CONFIGS = "data_configs"
DATA_CONFIG = "data_config"
DATA_COMPONENT = "data_component"
COMPONENT_PARAMS_PLACE = "component_params"
PASSES = "passes"
PASS = "pass"
PASS_CONFIG = "pass_config"
PACKAGING = "packaging_config"
CACHE_CONFIG = "cache_config"

# Places whose keys are names the user chooses.
NAMED_PLACES = (SYSTEMS, EVALUATORS, PASSES)
# Arrays and the place of their items.
ARRAY_ITEMS = {
    ACCELERATORS: ACCELERATOR,
    METRICS: METRIC,
    SUB_TYPES: SUB_TYPE,
    DATA_CONFIGS: DATA_CONFIG,
    MODEL_COMPONENTS: INPUT_MODEL,
    PASS: PASS,
    PACKAGING: PACKAGING,
}
DATA_COMPONENT_KEYS = {
    "load_dataset_config": "load_dataset",
    "pre_process_data_config": "pre_process_data",
    "post_process_data_config": "post_process_data",
    "dataloader_config": "dataloader",
}


def _step(place: str | None, part: PathPart) -> str | None:
    """The place of the object under `part` of an object (or array) at `place`."""
    if place is None:
        return None
    if isinstance(part, int):
        if place in ARRAY_ITEMS:
            return ARRAY_ITEMS[place]
        return None
    if place == ROOT:
        top = {"input_model": INPUT_MODEL, "systems": SYSTEMS, "evaluators": EVALUATORS, "data_configs": DATA_CONFIGS, "passes": PASSES, "engine": ENGINE}
        if part in top:
            return top[part]
        return _step(ENGINE, part)
    if place == ENGINE:
        return {
            "search_strategy": SEARCH,
            "host": SYSTEM,
            "target": SYSTEM,
            "evaluator": EVALUATOR,
            "packaging_config": PACKAGING,
            "cache_config": CACHE_CONFIG,
        }.get(part)
    if place == SEARCH:
        return SAMPLER_CONFIG if part == "sampler_config" else None
    if place == SYSTEMS:
        return SYSTEM
    if place in (SYSTEM, SYSTEM_CONFIG):
        if part == "config" and place == SYSTEM:
            return SYSTEM_CONFIG
        return ACCELERATORS if part == "accelerators" else None
    if place == ACCELERATOR:
        return EP_LIST if part == "execution_providers" else None
    if place in (INPUT_MODEL, MODEL_CONFIG):
        if part == "config" and place == INPUT_MODEL:
            return MODEL_CONFIG
        return {"load_kwargs": LOAD_KWARGS, "model_components": MODEL_COMPONENTS}.get(part)
    if place == EVALUATORS:
        return EVALUATOR
    if place == EVALUATOR:
        return METRICS if part == "metrics" else None
    if place == METRIC:
        return SUB_TYPES if part == "sub_types" else None
    if place == SUB_TYPE:
        return GOAL if part == "goal" else None
    if place == DATA_CONFIG:
        return DATA_COMPONENT if part in DATA_COMPONENT_KEYS else None
    if place == DATA_COMPONENT:
        return COMPONENT_PARAMS_PLACE if part == "params" else None
    if place == PASSES:
        return PASS
    if place == PASS:
        return {"config": PASS_CONFIG, "host": SYSTEM, "evaluator": EVALUATOR}.get(part)
    return None


def place_of(path: list[PathPart]) -> str | None:
    place: str | None = ROOT
    for part in path:
        place = _step(place, part)
        if place is None:
            return None
    return place


@dataclass
class Place:
    """An object (or array) of a config: its place, path, node (None while not typed yet) and tree root."""

    kind: str | None
    path: list[PathPart]
    root: Node | None

    @property
    def node(self) -> Node | None:
        return node_at_path(self.root, self.path)

    def up(self, levels: int = 1) -> Node | None:
        return node_at_path(self.root, self.path[: len(self.path) - levels]) if len(self.path) >= levels else None


def place_at(path: list[PathPart], root: Node | None) -> Place:
    return Place(place_of(path), list(path), root)


def _str_of(node: Node | None, key: str) -> str | None:
    if node is None or not node.is_object:
        return None
    value = node.get(key)
    return value.value if value is not None and value.kind == n.STRING else None


def _keys_of(node: Node | None) -> list[str]:
    return node.keys() if node is not None and node.is_object else []


# --- key specs ---------------------------------------------------------------------------------------------


@dataclass
class KeySpec:
    name: str
    description: str = ""
    default: Any = MISSING
    required: bool = False
    types: tuple[str, ...] = ()
    enum: tuple = ()
    origin: str = ""
    # Where values come from: "pass_type", "system_ref", "ep", ... (see _values); for arrays, of the items.
    values: str | None = None
    # The place of an object value, or of the items of an array value.
    child: str | None = None
    item_enum: tuple = ()
    sort_group: int = 2
    doc: str = ""

    @property
    def is_object(self) -> bool:
        return self.types[:1] == ("object",) or (not self.types and self.child is not None and self.child not in ARRAY_ITEMS)

    @property
    def is_array(self) -> bool:
        return self.types[:1] == ("array",) or (self.child in ARRAY_ITEMS and "object" not in self.types[:1])

    @property
    def is_boolean(self) -> bool:
        return "boolean" in self.types and not self.enum


_SCALAR_ORDER = ("string", "integer", "number", "boolean", "object", "array")


def _fragment_info(fragment: Any) -> tuple[list[str], list[Any], list[Any]]:
    """JSON types, enum values and item enum values found in a JSON Schema fragment."""
    found: list[str] = []
    enum: list[Any] = []
    item_enum: list[Any] = []
    stack = [fragment]
    while stack:
        part = stack.pop()
        if not isinstance(part, dict):
            continue
        kind = part.get("type")
        for name in [kind] if isinstance(kind, str) else kind or []:
            if name != "null" and name not in found:
                found.append(name)
        for value in part.get("enum") or []:
            if value is not None and value not in enum:
                enum.append(value)
        if "const" in part and part["const"] is not None and part["const"] not in enum:
            enum.append(part["const"])
        items = part.get("items")
        if isinstance(items, dict):
            _, values, _ = _fragment_info(items)
            item_enum.extend(v for v in values if v not in item_enum)
        for combinator in ("anyOf", "oneOf", "allOf"):
            stack.extend(reversed(part.get(combinator) or []))
    return found, enum, item_enum


def _spec_from(name: str, entry: dict, origin: str, hints: dict | None = None) -> KeySpec:
    hints = hints or {}
    json_type = entry.get("json_type")
    types_: list[str] = [json_type] if isinstance(json_type, str) else list(json_type or [])
    types_ = [t for t in types_ if t != "null"]
    fragment_types, fragment_enum, item_enum = _fragment_info(entry.get("type"))
    if not types_:
        types_ = fragment_types
    if not types_ and "types" in hints:
        types_ = list(hints["types"])
    default = entry.get("default", MISSING)
    if not types_ and default not in (None, MISSING):
        types_ = [_json_type_of(default)]
    # The declared type first ("string" before "array" for `cache_dir`), objects before booleans (search).
    if "types" in hints:
        types_ = sorted(types_, key=lambda t: list(hints["types"]).index(t) if t in hints["types"] else 99)
    enum = entry.get("enum") or fragment_enum or hints.get("enum") or ()
    return KeySpec(
        name=name,
        description=(entry.get("description") or hints.get("description") or "").strip(),
        default=default,
        required=bool(entry.get("required")),
        types=tuple(types_),
        enum=tuple(e for e in enum if e is not None),
        origin=origin,
        values=hints.get("values") or ("data_config_ref" if entry.get("data_config") or name.endswith("data_config") else None),
        child=hints.get("child"),
        item_enum=tuple(item_enum),
        sort_group=hints.get("sort", 0 if entry.get("required") else 2),
    )


def _json_type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string"


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
# Keys of objects the catalog does not describe (olive/evaluator/metric.py, olive/model/config/hf_config.py).
SUB_TYPE_KEYS = {
    "name": {"description": "The sub metric: e.g. avg, p90 for latency; accuracy_score, f1_score for accuracy.", "required": True},
    "priority": {"description": "Rank of the sub metric in the search objective; -1 evaluates it without ranking.", "default": -1, "json_type": "integer"},
    "higher_is_better": {"description": "Whether higher values are better.", "default": False, "json_type": "boolean"},
    "goal": {"description": "A goal the sub metric must meet: {type, value}.", "json_type": "object"},
    "metric_config": {"description": "Extra configuration of the sub metric (e.g. for accuracy: task, num_classes).", "json_type": "object"},
}
SUB_TYPE_HINTS = {"name": {"types": _S, "values": "metric_sub_type", "sort": 0}, "goal": {"types": _O, "child": GOAL}}
GOAL_KEYS = {
    "type": {"description": "How the goal compares with the input model's value.", "required": True, "json_type": "string"},
    "value": {"description": "The threshold, or the allowed (percent) improvement or degradation.", "required": True, "json_type": "number"},
}
GOAL_HINTS = {"type": {"types": _S, "values": "goal_type", "sort": 0}}
LOAD_KWARGS_KEYS = {
    "trust_remote_code": {"description": "Allow the model's own code from the hub to run. Olive no longer enables it implicitly.", "json_type": "boolean"},
    "torch_dtype": {"description": "dtype to load the model in, e.g. float16, bfloat16, float32 or auto.", "json_type": "string", "enum": ["auto", "float16", "bfloat16", "float32"]},
    "device_map": {"description": "Where to place the model's modules, e.g. auto or cpu.", "json_type": ["string", "object", "integer"]},
    "max_memory": {"description": "Maximum memory per device when device_map is used.", "json_type": "object"},
    "quantization_method": {"description": "Quantization method of the model, e.g. bitsandbytes or gptq.", "json_type": "string"},
    "quantization_config": {"description": "Quantization config passed to from_pretrained.", "json_type": "object"},
    "extra_args": {"description": "Any other argument for from_pretrained; unknown keys land here too.", "json_type": "object"},
}
DATA_COMPONENT_SPEC = {
    "type": {"description": "Name of a registered component (see data_registry.json), or a function in user_script.", "required": True, "json_type": "string"},
    "params": {"description": "Keyword arguments of the component, e.g. data_name, split, batch_size.", "json_type": "object"},
}
DATA_COMPONENT_HINTS = {"type": {"types": _S, "values": "data_component", "sort": 0}}
# Common parameters of the default HuggingfaceContainer components (olive/data/component/*.py); they may be
# given flat next to `type` or under `params`.
COMPONENT_PARAMS = {
    "load_dataset": {
        "data_name": {"description": "Hugging Face dataset id (huggingface_dataset), e.g. wikitext.", "json_type": "string"},
        "subset": {"description": "Dataset configuration name, e.g. wikitext-2-raw-v1.", "json_type": "string"},
        "split": {"description": "Split to load, e.g. train, test or train[:1000].", "default": "validation", "json_type": "string"},
        "data_dir": {"description": "Folder of the dataset's data files.", "json_type": "string"},
        "data_files": {"description": "Data files to load (a path, a list or a split mapping).", "json_type": ["string", "array", "object"]},
        "col_filters": {"description": "Keep only rows whose columns have these values.", "json_type": "object"},
    },
    "pre_process_data": {
        "max_samples": {"description": "Maximum number of samples to use; all when not set.", "json_type": "integer"},
        "max_seq_len": {"description": "Maximum sequence length.", "default": 1024, "json_type": "integer"},
        "text_template": {"description": "A Python format string over the columns, e.g. '### Question: {prompt}'.", "json_type": "string"},
        "text_cols": {"description": "Text columns, joined with a space.", "default": ["text"], "json_type": ["array", "string"]},
        "strategy": {"description": "How rows become sequences.", "default": "join", "json_type": "string", "enum": ["join", "join-random", "join-sliding-window", "line-by-line", "line-by-line-random"]},
        "stride": {"description": "Stride of the join-sliding-window strategy.", "json_type": "integer"},
        "add_special_tokens": {"description": "Add bos and eos tokens to each sequence.", "default": True, "json_type": "boolean"},
        "pad_to_max_len": {"description": "Pad sequences to max_seq_len (ignored for join strategies).", "default": True, "json_type": "boolean"},
        "padding_side": {"description": "Pad on the right or the left.", "default": "right", "json_type": "string", "enum": ["right", "left"]},
        "drop_short_sequences": {"description": "Drop sequences shorter than max_seq_len.", "default": False, "json_type": "boolean"},
        "use_attention_mask": {"description": "Add an attention mask to each example.", "default": True, "json_type": "boolean"},
        "chat_template": {"description": "Apply the tokenizer's chat template (true) or this template (a string).", "json_type": ["boolean", "string"]},
        "message_col": {"description": "Column with the chat messages.", "default": "messages", "json_type": "string"},
        "input_cols": {"description": "Input columns (huggingface_pre_process).", "json_type": "array"},
        "label_col": {"description": "Label column (huggingface_pre_process).", "default": "label", "json_type": "string"},
    },
    "dataloader": {
        "batch_size": {"description": "Batch size.", "default": 1, "json_type": "integer"},
        "shuffle": {"description": "Shuffle the data.", "default": False, "json_type": "boolean"},
        "drop_last": {"description": "Drop the last incomplete batch.", "default": False, "json_type": "boolean"},
    },
    "post_process_data": {},
}

PACKAGING_KEYS = {
    "type": {"description": "Zipfile or Dockerfile.", "default": "Zipfile", "json_type": "string"},
    "name": {"description": "Name of the packaged output.", "default": "OutputModels", "json_type": "string"},
    "config": {"description": "Options of the packaging type (e.g. export_in_mlflow_format).", "json_type": "object"},
}
PACKAGING_HINTS = {"type": {"types": _S, "values": "packaging_type", "sort": 0}}

TASKS = (
    "text-generation",
    "text-generation-with-past",
    "text-classification",
    "token-classification",
    "question-answering",
    "feature-extraction",
    "fill-mask",
    "image-classification",
    "automatic-speech-recognition",
    "text2text-generation",
)


class Tables:
    """Everything completion and hover read from one catalog, computed once."""

    def __init__(self, catalog):
        self.catalog = catalog
        data = catalog.data
        self.data = data
        self.root = self._specs(data.get("run_config_keys", {}), "run config", ROOT_HINTS)
        self.engine = self._specs(data.get("engine_keys", {}), "engine", ENGINE_HINTS, default_sort=2)
        self.search = self._specs(data.get("search_strategy_keys", {}), "search_strategy", SEARCH_HINTS)
        self.samplers = {
            name: self._specs(info.get("config_keys", {}), f"{name} sampler config", {}, default_sort=3) for name, info in data.get("samplers", {}).items()
        }
        self.system_declared = self._specs(
            {"type": {"description": "System type: LocalSystem, Docker or PythonEnvironment.", "required": True}, "config": {"description": "The system's settings; they may also be given flat, next to type."}},
            "system",
            SYSTEM_HINTS,
        )
        self.system_types = {
            name: self._specs(info.get("config_keys", {}), f"{name} config", SYSTEM_HINTS) for name, info in data.get("system_types", {}).items()
        }
        self.accelerator = self._specs(data.get("accelerator_keys", {}), "accelerator", ACCELERATOR_HINTS)
        self.model_declared = self._specs(
            {
                "type": {"description": "Model handler type, e.g. HfModel, ONNXModel, PyTorchModel (matched without regard to case).", "required": True},
                "config": {"description": "The handler's arguments; they may also be given flat, next to type."},
            },
            "input model",
            MODEL_HINTS,
        )
        self.model_types = {
            name: self._specs(info.get("config_keys", {}), f"{name} config", MODEL_HINTS) for name, info in data.get("model_types", {}).items()
        }
        self.load_kwargs = self._specs(LOAD_KWARGS_KEYS, "load_kwargs (HfLoadKwargs)", {})
        evaluator_keys = {k: v for k, v in data.get("evaluator_keys", {}).items() if k != "name"}
        self.evaluator = self._specs(evaluator_keys, "evaluator", EVALUATOR_HINTS)
        self.metric = self._specs(data.get("metric_keys", {}), "metric", METRIC_HINTS)
        self.sub_type = self._specs(SUB_TYPE_KEYS, "metric sub type", SUB_TYPE_HINTS)
        self.goal = self._specs(GOAL_KEYS, "metric goal", GOAL_HINTS)
        self.data_config = self._specs(data.get("data_config_keys", {}), "data config", DATA_CONFIG_HINTS)
        self.data_component = self._specs(DATA_COMPONENT_SPEC, "data component", DATA_COMPONENT_HINTS)
        self.component_params = {
            kind: self._specs(entries, f"{kind} parameter (flat or under params)", {}, default_sort=2) for kind, entries in COMPONENT_PARAMS.items()
        }
        self.packaging = self._specs(PACKAGING_KEYS, "packaging config", PACKAGING_HINTS)
        cache_fragment = (data.get("engine_keys", {}).get("cache_config") or {}).get("type") or {}
        cache_props: dict = {}
        for option in cache_fragment.get("anyOf", [cache_fragment]):
            if isinstance(option, dict) and option.get("properties"):
                cache_props = option["properties"]
        self.cache = self._specs({k: {"type": v, "default": v.get("default", MISSING)} for k, v in cache_props.items()}, "cache config", {})
        pass_keys = dict(data.get("pass_config_keys", {}))
        self.pass_declared = self._specs(pass_keys, "pass", PASS_HINTS)
        self._pass_params: dict[str, dict[str, KeySpec]] = {}
        self._pass_docs: dict[str, str] = {}
        self._pass_skeletons: dict[str, list] = {}
        self.device_providers: dict[str, list[str]] = data.get("device_providers", {})
        self.provider_devices: dict[str, list[str]] = {}
        for device, providers in self.device_providers.items():
            for provider in providers:
                self.provider_devices.setdefault(provider, []).append(device)

    def _specs(self, entries: dict, origin: str, hints: dict, default_sort: int | None = None) -> dict[str, KeySpec]:
        specs = {}
        for name, entry in entries.items():
            entry = dict(entry) if isinstance(entry, dict) else {}
            spec = _spec_from(name, entry, origin, hints.get(name))
            if default_sort is not None and "sort" not in hints.get(name, {}) and not spec.required:
                spec.sort_group = default_sort
            spec.doc = key_doc(spec)
            specs[name] = spec
        return specs

    def pass_params(self, pass_type: str | None) -> dict[str, KeySpec]:
        canonical = self.catalog.canonical_pass_name(pass_type) if pass_type else None
        if canonical is None:
            return {}
        if canonical not in self._pass_params:
            info = self.catalog.data["passes"][canonical]
            specs = {}
            for name, entry in info.get("parameters", {}).items():
                spec = _spec_from(name, entry, f"{canonical} parameter", {"sort": 0} if entry.get("required") else {"sort": 2})
                if name == "precision" and spec.enum:
                    spec.enum = tuple(self.pass_precisions(canonical, spec.enum))
                spec.doc = key_doc(spec)
                specs[name] = spec
            self._pass_params[canonical] = specs
        return self._pass_params[canonical]

    def pass_precisions(self, canonical: str, enum) -> list:
        supported = self.catalog.data["passes"][canonical].get("supported_precisions") or ["*"]
        if "*" in supported:
            return list(enum)
        return [value for value in enum if value in supported]

    def pass_doc(self, name: str) -> str:
        canonical = self.catalog.canonical_pass_name(name)
        if canonical is None:
            return ""
        if canonical not in self._pass_docs:
            self._pass_docs[canonical] = pass_type_doc(self.catalog, canonical)
        return self._pass_docs[canonical]


_TABLES: dict[str, Tables] = {}


def tables_for(catalog) -> Tables:
    key = str(getattr(catalog, "path", id(catalog)))
    cached = _TABLES.get(key)
    if cached is None or cached.data is not catalog.data:
        cached = Tables(catalog)
        _TABLES[key] = cached
    return cached


def keys_at(tables: Tables, place: Place) -> tuple[dict[str, KeySpec], set[str]]:
    """The keys an object at `place` takes (flattened forms included) and those it already has."""
    node = place.node
    present = set(_keys_of(node))
    kind = place.kind
    if kind == ROOT:
        engine_node = node.get("engine") if node is not None and node.is_object else None
        specs = dict(tables.root)
        for name, spec in tables.engine.items():
            specs.setdefault(name, spec)
        present |= set(_keys_of(engine_node))
        return specs, present
    if kind == ENGINE:
        present |= {k for k in _keys_of(place.up()) if k in tables.engine}
        return dict(tables.engine), present
    if kind == SEARCH:
        specs = dict(tables.search)
        sampler = _str_of(node, "sampler")
        if sampler and sampler.lower() in tables.samplers:
            for name, spec in tables.samplers[sampler.lower()].items():
                specs.setdefault(name, spec)
            present |= set(_keys_of(node.get("sampler_config") if node is not None and node.is_object else None))
        return specs, present
    if kind == SAMPLER_CONFIG:
        parent = place.up()
        sampler = (_str_of(parent, "sampler") or "").lower()
        present |= set(_keys_of(parent))
        return dict(tables.samplers.get(sampler, {})), present
    if kind in (SYSTEM, SYSTEM_CONFIG):
        system = node if kind == SYSTEM else place.up()
        type_specs = _by_name(tables.system_types, _str_of(system, "type"))
        if type_specs is None:
            type_specs = tables.system_types.get("LocalSystem", {})
        specs = dict(tables.system_declared) if kind == SYSTEM else {}
        for name, spec in type_specs.items():
            specs.setdefault(name, spec)
        present |= _flat_present(system, kind == SYSTEM, node, ("type", "config"))
        return specs, present
    if kind == ACCELERATOR:
        return dict(tables.accelerator), present
    if kind in (INPUT_MODEL, MODEL_CONFIG):
        model = node if kind == INPUT_MODEL else place.up()
        type_specs = _by_name(tables.model_types, _str_of(model, "type"))
        specs = dict(tables.model_declared) if kind == INPUT_MODEL else {}
        if type_specs is None:
            type_specs = {k: v for k, v in tables.model_types.get("HfModel", {}).items() if k == "model_path"}
        for name, spec in type_specs.items():
            specs.setdefault(name, spec)
        present |= _flat_present(model, kind == INPUT_MODEL, node, ("type", "config"))
        return specs, present
    if kind == LOAD_KWARGS:
        return dict(tables.load_kwargs), present
    if kind == EVALUATOR:
        return dict(tables.evaluator), present
    if kind == METRIC:
        return dict(tables.metric), present
    if kind == SUB_TYPE:
        return dict(tables.sub_type), present
    if kind == GOAL:
        return dict(tables.goal), present
    if kind == DATA_CONFIG:
        return dict(tables.data_config), present
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
        for name, spec in tables.pass_params(_str_of(pass_node, "type")).items():
            specs.setdefault(name, spec)
        present |= _flat_present(pass_node, kind == PASS, node, ("type", "config", "host", "evaluator"))
        return specs, present
    if kind == PACKAGING:
        return dict(tables.packaging), present
    if kind == CACHE_CONFIG:
        return dict(tables.cache), present
    return {}, present


def _flat_present(owner: Node | None, at_owner: bool, node: Node | None, declared: tuple[str, ...], nested: str = "config") -> set[str]:
    """Keys given in the other form: nested keys when at the owner, the owner's flat keys when nested."""
    if owner is None or not owner.is_object:
        return set()
    if at_owner:
        return set(_keys_of(owner.get(nested)))
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
        spec = KeySpec(key, "Name of an entry in data_configs.", types=_S, values="data_config_ref")
    return spec


# --- values ------------------------------------------------------------------------------------------------


@dataclass
class ValueOption:
    value: Any
    detail: str = ""
    doc: str = ""
    kind: types.CompletionItemKind = types.CompletionItemKind.Value
    label: str | None = None

    @property
    def text(self) -> str:
        if self.label is not None:
            return self.label
        return json.dumps(self.value) if not isinstance(self.value, str) else self.value


def value_options(tables: Tables, place: Place, spec: KeySpec, view=None, for_item: bool = False) -> list[ValueOption]:
    """Values for `spec` at `place` (for its array items when `for_item`)."""
    data = tables.data
    provider = spec.values
    enum_kind = types.CompletionItemKind.EnumMember
    if provider == "pass_type":
        return [
            ValueOption(name, data["passes"][name].get("summary", ""), tables.pass_doc(name), types.CompletionItemKind.Class)
            for name in tables.catalog.pass_names
        ]
    if provider == "model_type":
        return [ValueOption(name, (info.get("handler") or "model handler"), model_type_doc(name, info), types.CompletionItemKind.Class) for name, info in data.get("model_types", {}).items()]
    if provider == "system_type":
        return [ValueOption(name, "system", system_type_doc(name, info), types.CompletionItemKind.Class) for name, info in data.get("system_types", {}).items()]
    if provider == "evaluator_type":
        return [ValueOption(name, "evaluator type", "", enum_kind) for name in data.get("evaluator_types", [])]
    if provider == "metric_type":
        return [ValueOption(name, "metric type", metric_type_doc(name, subs), enum_kind) for name, subs in data.get("metric_types", {}).items()]
    if provider == "metric_sub_type":
        metric = place.up(2) if place.kind == SUB_TYPE else None
        metric_type = (_str_of(metric, "type") or "").lower()
        table = data.get("metric_types", {})
        names = table.get(metric_type) if metric_type in table else sorted({s for subs in table.values() for s in subs})
        return [ValueOption(name, f"{metric_type or 'metric'} sub type", "", enum_kind) for name in names]
    if provider == "goal_type":
        return [ValueOption(name, "goal type", "", enum_kind) for name in data.get("metric_goal_types", [])]
    if provider == "metric_backend":
        return [ValueOption(name, "metric backend", "", enum_kind) for name in data.get("metric_backends", [])]
    if provider == "device":
        return [ValueOption(name, "device", device_doc(tables, name), enum_kind) for name in data.get("devices", [])]
    if provider == "ep":
        accelerator = place.node if place.kind == ACCELERATOR else None
        device = (_str_of(accelerator, "device") or "").lower()
        providers = tables.device_providers.get(device) or data.get("execution_providers", [])
        return [ValueOption(name, f"execution provider · {_package(data, name)}", ep_doc(tables, name), enum_kind) for name in providers]
    if provider == "system_ref":
        return [ValueOption(name, f"system · {entry.type_name or '?'}", system_ref_doc(entry), types.CompletionItemKind.Reference) for name, entry in (view.systems.items() if view else [])]
    if provider == "evaluator_ref":
        return [ValueOption(name, "evaluator", evaluator_ref_doc(entry.node, name), types.CompletionItemKind.Reference) for name, entry in (view.evaluators.items() if view else [])]
    if provider == "data_config_ref":
        return [ValueOption(entry.name, f"data config · {_str_of(entry.node, 'type') or 'DataContainer'}", data_config_ref_doc(entry.node, entry.name), types.CompletionItemKind.Reference) for entry in (view.data_configs if view else [])]
    if provider == "sampler":
        return [ValueOption(name, "sampler", sampler_doc(name, info), enum_kind) for name, info in data.get("samplers", {}).items()]
    if provider == "execution_order":
        return [ValueOption(name, "execution order", "", enum_kind) for name in data.get("execution_orders", [])]
    if provider == "data_container":
        return [ValueOption(name, "data container", "", types.CompletionItemKind.Class) for name in data.get("data_containers", [])]
    if provider == "data_component":
        kind = DATA_COMPONENT_KEYS.get(str(place.path[-1]) if place.path else "", "")
        return [ValueOption(name, kind.replace("_", " ") + " component", "", types.CompletionItemKind.Function) for name in data.get("data_components", {}).get(kind, [])]
    if provider == "packaging_type":
        return [ValueOption(name, "packaging type", "", enum_kind) for name in data.get("packaging_types", [])]
    if provider == "task":
        return [ValueOption(name, "Hugging Face task", "", enum_kind) for name in TASKS]
    enum = spec.item_enum if for_item else spec.enum
    if enum:
        return [ValueOption(value, "default" if _same(value, spec.default) else spec.origin, "", enum_kind) for value in enum]
    if not for_item and spec.is_boolean:
        return [ValueOption(value, "default" if _same(value, spec.default) else "boolean", "", enum_kind) for value in (True, False)]
    return []


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _package(data: dict, provider: str) -> str:
    return data.get("provider_packages", {}).get(provider, "onnxruntime")


# --- docs (markdown) ---------------------------------------------------------------------------------------


def _code(value: Any) -> str:
    return f"`{json.dumps(value) if not isinstance(value, str) else json.dumps(value)}`"


def type_label(spec: KeySpec) -> str:
    return " | ".join(spec.types) if spec.types else "any"


def key_detail(spec: KeySpec) -> str:
    parts = [type_label(spec)]
    if spec.required:
        parts.append("required")
    if spec.default not in (MISSING, None) and spec.default != [] and spec.default != {}:
        parts.append(f"default {json.dumps(spec.default)}")
    return " · ".join(parts)


def key_doc(spec: KeySpec) -> str:
    head = f"**{spec.name}** · `{type_label(spec)}`"
    if spec.required:
        head += " · required"
    if spec.default is not MISSING and spec.default is not None:
        head += f" · default {_code(spec.default)}"
    lines = [head]
    if spec.description:
        lines += ["", spec.description]
    if spec.enum:
        lines += ["", "Allowed: " + ", ".join(_code(v) for v in spec.enum)]
    if spec.item_enum:
        lines += ["", "Items: " + ", ".join(_code(v) for v in spec.item_enum)]
    if spec.origin:
        lines += ["", f"*{spec.origin}*"]
    return "\n".join(lines)


def _any(values: list[str]) -> str:
    return "any" if not values or "*" in values else ", ".join(values)


GENAI_NOTE = "an onnxruntime-genai package (`onnxruntime-genai`, `-cuda` or `-directml`); Olive does not list it"


def pass_type_doc(catalog, name: str) -> str:
    info = catalog.data["passes"][name]
    summary = (info.get("summary") or "").strip()
    body = (info.get("doc") or "").strip()
    if body.startswith(summary):
        body = body[len(summary) :].strip()
    lines = [f"**{name}** — {summary}" if summary else f"**{name}**"]
    if body:
        lines += ["", body]
    rows = [
        ("Providers", _any(info.get("supported_providers") or [])),
        ("Accelerators", _any(info.get("supported_accelerators") or [])),
        ("Precisions", _any(info.get("supported_precisions") or [])),
    ]
    if info.get("supported_algorithms"):
        rows.append(("Algorithms", ", ".join(info["supported_algorithms"])))
    dataset = info.get("dataset")
    if dataset:
        rows.append(("Dataset", {"dataset_required": "required", "dataset_optional": "optional", "dataset_not_required": "not required"}.get(dataset, str(dataset))))
    extras = info.get("extra_dependencies") or []
    if extras:
        rows.append(("Extras", f"`pip install olive-ai[{','.join(extras)}]`"))
    pip = list(info.get("module_dependencies") or [])
    if pip:
        rows.append(("Packages", ", ".join(f"`{p}`" for p in pip)))
    if name == "ModelBuilder":
        rows.append(("Needs", GENAI_NOTE))
    lines += ["", "| | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]
    required = [p for p, e in info.get("parameters", {}).items() if e.get("required")]
    if required:
        lines += ["", "Required: " + ", ".join(f"`{p}`" for p in required)]
    return "\n".join(lines)


def model_type_doc(name: str, info: dict) -> str:
    keys = info.get("config_keys", {})
    required = [k for k, v in keys.items() if v.get("required")]
    lines = [f"**{name}** — model handler `{info.get('handler', name)}`"]
    if keys:
        lines += ["", "Config keys: " + ", ".join(f"`{k}`" for k in keys)]
    if required:
        lines += ["", "Required: " + ", ".join(f"`{k}`" for k in required)]
    return "\n".join(lines)


def system_type_doc(name: str, info: dict) -> str:
    keys = info.get("config_keys", {})
    required = [k for k, v in keys.items() if v.get("required")]
    lines = [f"**{name}** — system type", "", "Config keys: " + ", ".join(f"`{k}`" for k in keys)]
    if required:
        lines += ["", "Required: " + ", ".join(f"`{k}`" for k in required)]
    return "\n".join(lines)


def metric_type_doc(name: str, subs: list[str]) -> str:
    if not subs:
        return f"**{name}** metric — sub types are defined by the user script"
    return f"**{name}** metric — sub types: " + ", ".join(f"`{s}`" for s in subs)


def sampler_doc(name: str, info: dict) -> str:
    keys = info.get("config_keys", {})
    return f"**{name}** sampler" + ("\n\nOptions: " + ", ".join(f"`{k}`" for k in keys) if keys else "")


def ep_doc(tables: Tables, name: str) -> str:
    devices = tables.provider_devices.get(name, [])
    lines = [f"**{name}** — execution provider", "", f"Devices: {', '.join(devices) if devices else 'any'}", "", f"pip package: `{_package(tables.data, name)}`"]
    return "\n".join(lines)


def device_doc(tables: Tables, name: str) -> str:
    providers = tables.device_providers.get(name)
    lines = [f"**{name}** — device"]
    if providers:
        lines += ["", "Execution providers: " + ", ".join(providers)]
    else:
        lines += ["", "No execution provider is inferred for this device; name one in execution_providers."]
    return "\n".join(lines)


def precision_doc(tables: Tables, name: str) -> str:
    supporting = [p for p, info in tables.data.get("passes", {}).items() if name in (info.get("supported_precisions") or [])]
    lines = [f"**{name}** — precision"]
    if supporting:
        shown = ", ".join(supporting[:12]) + (f" and {len(supporting) - 12} more" if len(supporting) > 12 else "")
        lines += ["", f"Passes that list it: {shown}"]
    return "\n".join(lines)


def system_ref_doc(entry) -> str:
    lines = [f"**{entry.name}** — system `{entry.type_name or '?'}`"]
    accelerators = entry.param_value("accelerators")
    if isinstance(accelerators, list):
        for accelerator in accelerators[:4]:
            if isinstance(accelerator, dict):
                eps = accelerator.get("execution_providers") or []
                lines.append(f"- device `{accelerator.get('device', '?')}`" + (f", {', '.join(str(e) for e in eps)}" if eps else ""))
    return "\n".join(lines)


def evaluator_ref_doc(node: Node | None, name: str) -> str:
    lines = [f"**{name}** — evaluator"]
    metrics = node.get("metrics") if node is not None and node.is_object else None
    if metrics is not None and metrics.is_array:
        for metric in metrics.items[:6]:
            if metric.is_object:
                subs = metric.get("sub_types")
                sub_names = [(_str_of(s, "name") or "?") for s in subs.items] if subs is not None and subs.is_array else []
                lines.append(f"- `{_str_of(metric, 'name') or '?'}`: {_str_of(metric, 'type') or '?'}" + (f" ({', '.join(sub_names)})" if sub_names else ""))
    return "\n".join(lines)


def data_config_ref_doc(node: Node | None, name: str) -> str:
    lines = [f"**{name}** — data config `{_str_of(node, 'type') or 'DataContainer'}`"]
    if node is not None and node.is_object:
        for key in DATA_COMPONENT_KEYS:
            component = node.get(key)
            if component is not None and component.is_object:
                # Parameters may be flat next to `type` or under `params`; Olive merges both.
                params = component.get("params")
                given = [p for p in component.properties if p.key not in ("type", "params")]
                if params is not None and params.is_object:
                    given += params.properties
                shown = ", ".join(f"{p.key}={json.dumps(p.value.to_python()) if p.value is not None else ''}" for p in given[:4])
                kind = _str_of(component, "type")
                lines.append(f"- {key}: " + (f"`{kind}`" if kind else "the container's default") + (f" ({shown})" if shown else ""))
    return "\n".join(lines)


# --- snippets ----------------------------------------------------------------------------------------------


@dataclass
class Choice:
    options: list


@dataclass
class Slot:
    kind: str | None = None  # string | integer | number | boolean | object | array | None
    default: Any = MISSING


@dataclass
class Lit:
    value: Any


@dataclass
class Obj:
    fields: list = field(default_factory=list)  # [(key, skeleton)]


@dataclass
class Arr:
    item: Any = None


class _Stops:
    def __init__(self, snippets: bool):
        self.snippets = snippets
        self.count = 0

    def next(self) -> int:
        self.count += 1
        return self.count


_SNIPPET_ESCAPE = re.compile(r"([$}\\])")
_UNESCAPE = re.compile(r"\\([$}\\])")
_CHOICE_ESCAPE = re.compile(r"([$}\\,|])")


def _lit(text: str, stops: _Stops) -> str:
    return _SNIPPET_ESCAPE.sub(r"\\\1", text) if stops.snippets else text


def _json_text(skel, stops: _Stops) -> str:
    if isinstance(skel, Lit):
        return _lit(json.dumps(skel.value), stops)
    if isinstance(skel, Choice):
        if not stops.snippets or len(skel.options) == 1:
            return _lit(json.dumps(skel.options[0]), stops)
        quoted = all(isinstance(o, str) for o in skel.options)
        texts = [o if isinstance(o, str) else json.dumps(o) for o in skel.options]
        body = "${%d|%s|}" % (stops.next(), ",".join(_CHOICE_ESCAPE.sub(r"\\\1", json.dumps(t)[1:-1] if quoted else t) for t in texts))
        return f'"{body}"' if quoted else body
    if isinstance(skel, Slot):
        default = skel.default if skel.default is not MISSING else None
        if not stops.snippets:
            if default is not None:
                return json.dumps(default)
            return {"string": '""', "object": "{}", "array": "[]", "boolean": "false", "integer": "0", "number": "0"}.get(skel.kind or "", '""')
        stop = stops.next()
        if skel.kind == "object":
            return "{$%d}" % stop
        if skel.kind == "array":
            return "[$%d]" % stop
        if isinstance(default, str):
            return '"${%d:%s}"' % (stop, _SNIPPET_ESCAPE.sub(r"\\\1", json.dumps(default)[1:-1]))
        if default is not None and not isinstance(default, (dict, list)):
            return "${%d:%s}" % (stop, json.dumps(default))
        if skel.kind == "string":
            return '"$%d"' % stop
        return "$%d" % stop
    if isinstance(skel, Obj):
        if not skel.fields:
            return "{$%d}" % stops.next() if stops.snippets else "{}"
        return "{" + ", ".join(f"{_lit(json.dumps(k), stops)}: {_json_text(v, stops)}" for k, v in skel.fields) + "}"
    if isinstance(skel, Arr):
        if skel.item is None:
            return "[$%d]" % stops.next() if stops.snippets else "[]"
        return "[" + _json_text(skel.item, stops) + "]"
    return ""


_YAML_PLAIN = re.compile(r"^[A-Za-z_./][A-Za-z0-9_./+\-]*$")
_YAML_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def yaml_scalar(value: Any) -> str:
    if isinstance(value, str):
        if _YAML_PLAIN.match(value) and value.lower() not in _YAML_RESERVED:
            return value
        return json.dumps(value)
    if value is None:
        return "null"
    return json.dumps(value)


def _yaml_scalar_text(skel, stops: _Stops) -> str | None:
    """The inline text of a scalar skeleton, or None when it needs a block."""
    if isinstance(skel, Lit) and not isinstance(skel.value, (dict, list)):
        return _lit(yaml_scalar(skel.value), stops)
    if isinstance(skel, Choice):
        if not stops.snippets or len(skel.options) == 1:
            return _lit(yaml_scalar(skel.options[0]), stops)
        return "${%d|%s|}" % (stops.next(), ",".join(_CHOICE_ESCAPE.sub(r"\\\1", yaml_scalar(o)) for o in skel.options))
    if isinstance(skel, Slot) and skel.kind not in ("object", "array"):
        default = skel.default if skel.default is not MISSING else None
        if not stops.snippets:
            return yaml_scalar(default) if default is not None else ""
        stop = stops.next()
        if default is not None and not isinstance(default, (dict, list)):
            return "${%d:%s}" % (stop, _SNIPPET_ESCAPE.sub(r"\\\1", yaml_scalar(default)))
        return "$%d" % stop
    return None


def _yaml_value(skel, column: int, unit: int, stops: _Stops) -> str:
    """The text after `key:` for a key at `column`: ' scalar' or a block on the following lines."""
    scalar = _yaml_scalar_text(skel, stops)
    if scalar is not None:
        return " " + scalar if scalar else " "
    inner = " " * (column + unit)
    if isinstance(skel, Slot) and skel.kind == "array":
        return "\n" + inner + "- " + ("$%d" % stops.next() if stops.snippets else "")
    if isinstance(skel, Arr):
        if skel.item is None:
            return "\n" + inner + "- " + ("$%d" % stops.next() if stops.snippets else "")
        return "\n" + inner + "- " + _yaml_item(skel.item, column + unit + 2, unit, stops)
    if isinstance(skel, Obj) and skel.fields:
        return "\n" + _yaml_fields(skel.fields, column + unit, unit, stops)
    if isinstance(skel, Lit) and isinstance(skel.value, (dict, list)):
        return " " + _lit(json.dumps(skel.value), stops)
    return "\n" + inner + ("$%d" % stops.next() if stops.snippets else "")


def _yaml_fields(fields: list, column: int, unit: int, stops: _Stops, first_inline: bool = False) -> str:
    lines = []
    for i, (key, value) in enumerate(fields):
        prefix = "" if (first_inline and i == 0) else " " * column
        lines.append(prefix + _lit(yaml_scalar(key), stops) + ":" + _yaml_value(value, column, unit, stops))
    return "\n".join(lines)


def _yaml_item(skel, column: int, unit: int, stops: _Stops) -> str:
    """An array item after '- ' whose content starts at `column`."""
    if isinstance(skel, Obj) and skel.fields:
        return _yaml_fields(skel.fields, column, unit, stops, first_inline=True)
    scalar = _yaml_scalar_text(skel, stops)
    if scalar is not None:
        return scalar
    return "$%d" % stops.next() if stops.snippets else ""


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
    data = tables.data
    if kind == INPUT_MODEL:
        return Obj([("type", Choice(_first(["HfModel"], list(data.get("model_types", {}))))), ("model_path", Slot("string"))])
    if kind == ACCELERATORS:
        return Arr(object_skeleton(tables, ACCELERATOR, place, view, depth))
    if kind == ACCELERATOR:
        devices = [d for d in ("cpu", "gpu", "npu") if d in data.get("devices", [])] or list(data.get("devices", ["cpu"]))
        return Obj([("device", Choice(devices)), ("execution_providers", Arr(Slot("string", "CPUExecutionProvider")))])
    if kind == METRICS:
        return Arr(object_skeleton(tables, METRIC, place, view, depth))
    if kind == METRIC:
        return Obj([("name", Slot("string")), ("type", Choice(list(data.get("metric_types", {})))), ("sub_types", Arr(Obj([("name", Slot("string"))])))])
    if kind == SUB_TYPES:
        return Arr(Obj([("name", Slot("string"))]))
    if kind == DATA_CONFIGS:
        return Arr(Obj([("name", Slot("string")), ("type", Choice(_first(["HuggingfaceContainer"], data.get("data_containers", []))))]))
    if kind == GOAL:
        return Obj([("type", Choice(data.get("metric_goal_types", []))), ("value", Slot("number"))])
    if kind == SEARCH:
        return Obj([("execution_order", Choice(data.get("execution_orders", ["joint"]))), ("sampler", Choice(_first(["tpe"], list(data.get("samplers", {})))))])
    if kind == SYSTEM:
        return Obj([("type", Choice(_first(["LocalSystem"], list(data.get("system_types", {}))))), ("accelerators", object_skeleton(tables, ACCELERATORS, place, view, depth))])
    if kind == DATA_COMPONENT:
        return Obj([("type", Slot("string")), ("params", Slot("object"))])
    if kind == PACKAGING:
        return Obj([("type", Choice(data.get("packaging_types", ["Zipfile"])))])
    if kind == MODEL_COMPONENTS:
        return Arr(object_skeleton(tables, INPUT_MODEL, place, view, depth))
    return None


def _first(preferred: list, values: list) -> list:
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


# --- completion --------------------------------------------------------------------------------------------


@dataclass
class _Ctx:
    cursor: Cursor
    tables: Tables
    snippets: bool
    markdown: bool
    unit: int
    index: Any = None
    view: Any = None


def complete(doc, catalog, position: types.Position, *, snippets: bool = True, markdown: bool = True) -> types.CompletionList:
    tables = tables_for(catalog)
    cursor = cursor_at(doc, position)
    items = completion_items(doc, tables, cursor, snippets=snippets, markdown=markdown)
    incomplete = len(items) > MAX_ITEMS
    return types.CompletionList(is_incomplete=incomplete, items=items[:MAX_ITEMS])


def completion_items(doc, tables: Tables, cursor: Cursor, *, snippets: bool = True, markdown: bool = True) -> list[types.CompletionItem]:
    if cursor.kind == NONE:
        return []
    ctx = _Ctx(cursor, tables, snippets, markdown, _indent_unit(doc) if cursor.language == "yaml" else 2, doc.index)
    root = cursor.root
    if root is not None and root.is_object:
        from olive_ls.workflow import build_view

        ctx.view = build_view(root)
    if cursor.kind == EMPTY:
        return [_document_skeleton(ctx)]
    if cursor.kind == KEY:
        return _key_completions(ctx, cursor.path)
    if cursor.kind == VALUE:
        place = place_at(cursor.path, root)
        spec = key_spec(tables, place, cursor.key or "")
        return _value_completions(ctx, place, spec) if spec is not None else []
    if cursor.kind == ITEM:
        return _item_completions(ctx)
    return []


def _indent_unit(doc) -> int:
    smallest = 0
    for line in doc.text.splitlines()[:400]:
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if stripped and not stripped.startswith("#") and indent and (smallest == 0 or indent < smallest):
            smallest = indent
    return smallest if 2 <= smallest <= 4 else 2


def _key_completions(ctx: _Ctx, path: list[PathPart], item_of_new: bool = False) -> list[types.CompletionItem]:
    cursor, tables = ctx.cursor, ctx.tables
    place = place_at(path, cursor.root)
    if path and isinstance(path[-1], str) and cursor.language == "yaml" and not cursor.flow and not cursor.has_colon and not item_of_new:
        # A new line under `key:` with nothing yet: a scalar key's value, or a `- item` of an array key.
        parent = place_at(path[:-1], cursor.root)
        spec = key_spec(tables, parent, path[-1]) if place.kind is None or place.kind in ARRAY_ITEMS or place.kind == EP_LIST else None
        if spec is not None and spec.is_array:
            return _item_completions(ctx, dash=True)
        if spec is not None and not spec.is_object:
            return _value_completions(ctx, parent, spec, block=True)
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
        items.insert(0, _document_skeleton(ctx))
    return items


def _key_item(ctx: _Ctx, place: Place, spec: KeySpec) -> types.CompletionItem:
    cursor = ctx.cursor
    stops = _Stops(ctx.snippets)
    if cursor.has_colon:
        text = _key_text(cursor, spec.name, stops)
    elif cursor.language == "yaml" and not cursor.flow:
        skeleton = value_skeleton(ctx.tables, spec, place, ctx.view)
        text = _lit(yaml_scalar(spec.name), stops) + ":" + _yaml_value(skeleton, cursor.column, ctx.unit, stops)
    else:
        skeleton = value_skeleton(ctx.tables, spec, place, ctx.view)
        # Before another entry the new one needs its own comma.
        text = _key_text(cursor, spec.name, stops) + ": " + _json_text(skeleton, stops) + cursor.comma_after
    return _item(
        ctx,
        label=spec.name,
        kind=types.CompletionItemKind.Property,
        detail=key_detail(spec) + (f" · {spec.origin}" if spec.origin else ""),
        doc=spec.doc,
        text=text,
        stops=stops,
        sort=f"{spec.sort_group}_{spec.name}",
    )


def _key_text(cursor: Cursor, name: str, stops: _Stops) -> str:
    if cursor.language == "yaml" and not cursor.flow:
        if cursor.quote:
            return _lit(cursor.quote + name + cursor.quote, stops)
        return _lit(yaml_scalar(name), stops)
    return _lit(json.dumps(name), stops)


def _value_completions(ctx: _Ctx, place: Place, spec: KeySpec, block: bool = False) -> list[types.CompletionItem]:
    cursor, tables = ctx.cursor, ctx.tables
    wrap = spec.is_array and bool(spec.values or spec.item_enum)
    options = value_options(tables, place, spec, ctx.view, for_item=wrap)
    items = []
    for index, option in enumerate(options):
        value = [option.value] if wrap else option.value
        stops = _Stops(ctx.snippets)
        text = _value_text(ctx, value, stops, block=block, comma=False)
        if spec.values == "pass_type" and not block:
            text += _pass_extra(ctx, place, option.value, stops)
        text += cursor.comma_after if cursor.language == "json" or cursor.flow else ""
        items.append(
            _item(ctx, label=option.text, kind=option.kind, detail=option.detail, doc=option.doc, text=text, stops=stops, sort=f"{index:04d}", filter_value=option.text)
        )
    if (not options or spec.values is None) and not block and not wrap:
        skeleton = None
        if spec.is_object or spec.is_array or (spec.child and "object" in spec.types):
            skeleton = object_skeleton(tables, spec.child, place, ctx.view) if spec.child else None
            skeleton = skeleton if skeleton is not None else value_skeleton(tables, spec, place, ctx.view)
        if isinstance(skeleton, (Obj, Arr)):
            stops = _Stops(ctx.snippets)
            if cursor.language == "yaml" and not cursor.flow:
                column = cursor.column
                text = _yaml_value(skeleton, column, ctx.unit, stops)
                text = text[1:] if text.startswith(" ") else text
            else:
                text = _json_text(skeleton, stops)
                text = (" " if cursor.space_before else "") + text + cursor.comma_after
            label = "{…}" if isinstance(skeleton, Obj) else "[…]"
            items.append(_item(ctx, label=label, kind=types.CompletionItemKind.Snippet, detail=f"new {spec.name}", doc=spec.doc, text=text, stops=stops, sort="0000"))
    return items


def _value_text(ctx: _Ctx, value: Any, stops: _Stops, block: bool = False, comma: bool = True) -> str:
    cursor = ctx.cursor
    if cursor.language == "yaml" and not cursor.flow:
        if isinstance(value, list):
            text = "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
        elif cursor.quote and isinstance(value, str):
            text = cursor.quote + value.replace(cursor.quote, "\\" + cursor.quote if cursor.quote == '"' else "''") + cursor.quote
        else:
            text = yaml_scalar(value)
        text = _lit(text, stops)
        return (" " if cursor.space_before else "") + text
    text = _lit(json.dumps(value), stops)
    if cursor.language == "yaml" and cursor.flow and isinstance(value, str) and not cursor.quote:
        text = _lit(yaml_scalar(value), stops)
    return (" " if cursor.space_before else "") + text + (cursor.comma_after if comma else "")


def _pass_extra(ctx: _Ctx, place: Place, pass_type: str, stops: _Stops) -> str:
    """After a pass type: the pass's required parameters that are not there yet (ModelBuilder: precision)."""
    if place.kind != PASS or not ctx.snippets:
        return ""
    _, present = keys_at(ctx.tables, place)
    fields = pass_skeleton(ctx.tables, pass_type, present)
    if not fields:
        return ""
    cursor = ctx.cursor
    if cursor.language == "yaml" and not cursor.flow:
        return "\n" + _yaml_fields(fields, cursor.column, ctx.unit, stops)
    # JSON: the fields follow the value; the comma the value may need goes after them.
    return "".join(f", {_lit(json.dumps(k), stops)}: {_json_text(v, stops)}" for k, v in fields)


def _item_completions(ctx: _Ctx, dash: bool = False) -> list[types.CompletionItem]:
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
            items = _key_completions(ctx, element_path, item_of_new=True)
        skeleton = _item_skeleton(ctx, item_kind, array_place)
        if skeleton is not None and not cursor.prefix:
            stops = _Stops(ctx.snippets)
            if cursor.language == "yaml" and not cursor.flow:
                column = cursor.column + len(lead)
                text = (" " if cursor.space_before else "") + lead + _yaml_item(skeleton, column, ctx.unit, stops)
            else:
                text = _json_text(skeleton, stops) + cursor.comma_after
            label = "{" + ", ".join(k for k, _ in skeleton.fields) + "}" if isinstance(skeleton, Obj) else "{…}"
            items.insert(0, _item(ctx, label=label, kind=types.CompletionItemKind.Snippet, detail=f"new {item_kind.replace('_', ' ')}", doc="", text=text, stops=stops, sort="0000"))
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
    items = []
    for index, option in enumerate(options):
        if option.value in present:
            continue
        stops = _Stops(ctx.snippets)
        text = lead + _value_text(ctx, option.value, stops)
        items.append(_item(ctx, label=option.text, kind=option.kind, detail=option.detail, doc=option.doc, text=text, stops=stops, sort=f"{index:04d}", filter_value=option.text))
    return items


def _item_skeleton(ctx: _Ctx, item_kind: str, array_place: Place):
    tables = ctx.tables
    if item_kind == PASS:
        return Obj([("type", Slot("string"))])
    for array_kind, kind in ARRAY_ITEMS.items():
        if kind == item_kind and array_kind == array_place.kind:
            skeleton = object_skeleton(tables, array_kind, array_place, ctx.view)
            if isinstance(skeleton, Arr):
                return skeleton.item
    return object_skeleton(tables, item_kind, array_place, ctx.view)


def _snake(name: str) -> str:
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    return text.lower()


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    index = 2
    while f"{name}_{index}" in taken:
        index += 1
    return f"{name}_{index}"


def _name_skeletons(ctx: _Ctx, place: Place) -> list[types.CompletionItem]:
    """Under passes/systems/evaluators the keys are names: offer new entries with a skeleton."""
    tables, cursor = ctx.tables, ctx.cursor
    taken = set(_keys_of(place.node))
    entries: list[tuple[str, str, str, str, Any]] = []  # (label, detail, doc, filter, skeleton)
    if place.kind == PASSES:
        for name in tables.catalog.pass_names:
            info = tables.data["passes"][name]
            fields = [("type", Lit(name))] + pass_skeleton(tables, name)
            key = _unique(_snake(name), taken)
            entries.append((key, f"{name} pass · {info.get('summary', '')}", tables.pass_doc(name), f"{key} {name}", Obj(fields)))
    elif place.kind == SYSTEMS:
        defaults = {"LocalSystem": "local_system", "Docker": "docker_system", "PythonEnvironment": "python_system"}
        for name, info in tables.data.get("system_types", {}).items():
            fields: list = [("type", Lit(name))]
            for key_name, entry in info.get("config_keys", {}).items():
                if entry.get("required"):
                    fields.append((key_name, Slot("string")))
            fields.append(("accelerators", object_skeleton(tables, ACCELERATORS, place, ctx.view)))
            key = _unique(defaults.get(name, _snake(name)), taken)
            entries.append((key, f"{name} system", system_type_doc(name, info), f"{key} {name}", Obj(fields)))
    elif place.kind == EVALUATORS:
        key = _unique("common_evaluator", taken)
        entries.append((key, "evaluator with metrics", tables.evaluator["metrics"].doc if "metrics" in tables.evaluator else "", key, Obj([("metrics", object_skeleton(tables, METRICS, place, ctx.view))])))
    items = []
    for label, detail, doc, filter_text, skeleton in entries:
        stops = _Stops(ctx.snippets)
        if cursor.has_colon:
            text = _key_text(cursor, label, stops)
        elif cursor.language == "yaml" and not cursor.flow:
            text = _lit(yaml_scalar(label), stops) + ":" + _yaml_value(skeleton, cursor.column, ctx.unit, stops)
        else:
            text = _key_text(cursor, label, stops) + ": " + _json_text(skeleton, stops) + cursor.comma_after
        items.append(_item(ctx, label=label, kind=types.CompletionItemKind.Module, detail=detail, doc=doc, text=text, stops=stops, sort=label, filter_value=filter_text))
    return items


def _document_skeleton(ctx: _Ctx) -> types.CompletionItem:
    cursor = ctx.cursor
    stops = _Stops(ctx.snippets)
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
        text = _yaml_fields(fields, cursor.column, ctx.unit, stops, first_inline=True)
    else:
        body = ",\n".join("  " + _lit(json.dumps(k), stops) + ": " + _json_text(v, stops) for k, v in fields)
        if cursor.kind == EMPTY:
            text = "{\n" + body + "\n}"
        else:
            text = body.lstrip()
    return _item(ctx, label="Olive workflow", kind=types.CompletionItemKind.Snippet, detail="new workflow: HfModel → ModelBuilder on a local system", doc="A minimal Olive workflow config.", text=text, stops=stops, sort="0000")


def _item(
    ctx: _Ctx,
    *,
    label: str,
    kind: types.CompletionItemKind,
    detail: str,
    doc: str,
    text: str,
    stops: _Stops,
    sort: str,
    filter_value: str | None = None,
) -> types.CompletionItem:
    cursor = ctx.cursor
    if stops.snippets and stops.count == 0:
        # No tab stop after all: send it as plain text, without snippet escapes.
        text = _UNESCAPE.sub(r"\1", text)
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
    documentation = None
    if doc:
        documentation = types.MarkupContent(kind=types.MarkupKind.Markdown, value=doc) if ctx.markdown else types.MarkupContent(kind=types.MarkupKind.PlainText, value=_plain(doc))
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
    )


def _plain(markdown: str) -> str:
    return markdown.replace("**", "").replace("`", "")
