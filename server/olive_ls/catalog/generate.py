"""Generate `schemas/olive-<version>/catalog.json` and `run-config.schema.json` from the installed olive-ai.

Run it in a Python that has olive-ai (the `run` extra): `olive-ls catalog generate [--out DIR]`.
It imports Olive, torch and transformers (about 4 s); nothing else in olive-ls may do that at load time,
which is why the result is committed and read back by `olive_ls.catalog.loader` without Olive.

The output is deterministic (sorted keys, no timestamps, no absolute paths), so regenerating with the same
olive-ai reproduces the committed files byte for byte.
"""

from __future__ import annotations

import enum
import importlib.metadata
import inspect
import json
import logging
import math
import sys
import warnings
from pathlib import Path
from typing import Any

from olive_ls.json_types import json_type_of as value_json_type

CATALOG_FILE = "catalog.json"
SCHEMA_FILE = "run-config.schema.json"

# `olive.passes.onnx.*` is how Olive itself tells ONNX passes apart (package_config.py: is_onnx_module).
ONNX_PASS_PREFIX = "olive.passes.onnx"

# Where Olive's PROVIDER_PACKAGE_MAPPING misses an EP's pip package; each name is a distribution on PyPI.
# QNN is Olive's own `qnn` extra. VitisAI (AMD's Ryzen AI installer) and Js (browser only) have no PyPI wheel,
# so they stay unmapped.
EXTRA_PROVIDER_PACKAGES = {
    "QNNExecutionProvider": "onnxruntime-qnn",
    "NvTensorRTRTXExecutionProvider": "onnxruntime-trt-rtx",
    "MIGraphXExecutionProvider": "onnxruntime-migraphx",
    "WebGpuExecutionProvider": "onnxruntime-webgpu",
}

# Pydantic $defs that only exist because of the search machinery wrapped around every optional pass parameter
# (create_config_class: Optional[Union[type_, SearchParameter, PassParamDefault, SpecialParamValue]]).
# They are not what a user writes for a value, so they are stripped from the parameter types.
SEARCH_WRAPPER_DEFS = {"PassParamDefault", "SpecialParamValue"}

# Handler __init__ kwargs carry no descriptions in Olive; these are ours, kept short and factual.
MODEL_KEY_DESCRIPTIONS = {
    "model_path": "Local folder or file of the model, or a Hugging Face hub id (HfModel).",
    "task": "Hugging Face task used to pick the model class and its I/O, e.g. text-generation-with-past.",
    "load_kwargs": "Arguments for from_pretrained, e.g. {\"trust_remote_code\": true, \"torch_dtype\": \"float16\"}.",
    "io_config": "Input/output names, shapes and types of the model, or the name of a function in model_script.",
    "adapter_path": "Folder of a PEFT adapter to load on top of the model.",
    "test_model_path": "Folder of a small random test model used by `olive run --test`.",
    "test_model_config": "Overrides for the test model's architecture config used by `olive run --test`.",
    "model_attributes": "Extra attributes of the model, merged into the model's config.",
    "onnx_file_name": "Name of the .onnx file when model_path is a folder holding several files.",
    "inference_settings": "onnxruntime session settings: execution_provider, provider_options, session_options.",
    "use_ort_extensions": "Register onnxruntime-extensions custom ops when creating the session.",
    "external_initializers_file_name": "File of external initializers next to the model.",
    "constant_inputs_file_name": "File of constant inputs next to the model.",
    "model_file_format": "Format of the model file, e.g. PyTorch.StateDict, PyTorch.EntireModel.",
    "model_loader": "Name of a function in model_script that loads the model, or the function itself.",
    "model_script": "Python file that defines model_loader, io_config and dummy_inputs_func functions.",
    "script_dir": "Folder added to sys.path so model_script can import its dependencies.",
    "dummy_inputs_func": "Name of a function in model_script that returns dummy inputs for the model.",
    "model_variant": "Diffusers pipeline variant, e.g. auto, sd, sdxl, flux.",
    "model_components": "List of the component model configs that make up the composite model.",
    "model_component_names": "Names of the components, in the same order as model_components.",
    "model_name_pattern": "File name pattern of the per-rank models, e.g. model_{:02d}.onnx.",
    "num_ranks": "Number of ranks (shards) of the distributed model.",
}

# Passes whose class (and bases) carry no docstring in Olive; ours, from what their code does.
PASS_DOC_FALLBACKS = {
    "OnnxOpVersionConversion": "Converts an ONNX model to another opset version (target_opset; default: the latest "
    "opset of the installed onnx).",
}

# Pydantic fields without a Field(description=...): our descriptions, keyed by "<Class>.<field>" or "<field>".
FIELD_DESCRIPTIONS = {
    "accelerators": "Accelerators of the system; one entry {device, execution_providers} is supported.",
    "hf_token": "Log in to the Hugging Face hub with the token stored on the system (for gated models).",
    "dockerfile": "Dockerfile used to build the image, relative to build_context_path.",
    "build_context_path": "Folder used as the docker build context.",
    "image_name": "Name and tag of the docker image to build or use.",
    "work_dir": "Absolute working folder inside the container.",
    "build_args": "Build arguments passed to docker build.",
    "run_params": "Extra parameters for docker run, e.g. {\"mem_limit\": \"16g\"}.",
    "clean_image": "Remove the image after the workflow finishes.",
    "python_environment_path": "Folder holding the python executable of the environment (e.g. <venv>/bin).",
    "environment_variables": "Environment variables set when running in that environment.",
    "prepend_to_path": "Folders prepended to PATH when running in that environment.",
    "SearchStrategyConfig.execution_order": "joint: search all passes together; pass-by-pass: one pass at a time.",
    "SearchStrategyConfig.sampler": "Sampler that suggests search points: tpe, random or sequential.",
    "SearchStrategyConfig.sampler_config": "Options of the sampler (max_samples, seed...). Unknown keys of the "
    "search strategy also land here.",
    "SearchStrategyConfig.output_model_num": "Number of best models to output; all of them if not set.",
    "SearchStrategyConfig.stop_when_goals_met": "Stop the search once every metric goal is met (joint only).",
    "SearchStrategyConfig.max_iter": "Maximum number of search iterations (joint only).",
    "SearchStrategyConfig.max_time": "Maximum search time in seconds (joint only).",
    "SearchStrategyConfig.include_pass_params": "Include the pass parameters in the search space.",
    "Metric.name": "Unique name of the metric within the evaluator.",
    "Metric.type": "Metric type: accuracy, latency, throughput, size_on_disk or custom.",
    "Metric.backend": "Backend computing accuracy sub types: torch_metrics or huggingface_metrics.",
    "Metric.sub_types": "Sub metrics, e.g. [{\"name\": \"avg\"}] for latency, with priority and goal.",
    "Metric.user_config": "Metric options (user_script, evaluate_func, inference_settings...). Unknown metric "
    "keys also land here.",
    "Metric.data_config": "Name of an entry in data_configs used to evaluate the metric.",
    "OliveEvaluatorConfig.name": "Name of the evaluator (set from its key under evaluators).",
    "OliveEvaluatorConfig.type": "Evaluator type; the framework's default evaluator if not set.",
    "OliveEvaluatorConfig.type_args": "Arguments of the evaluator type. Unknown evaluator keys also land here.",
    "OliveEvaluatorConfig.user_script": "Python file that defines and registers a custom evaluator.",
    "OliveEvaluatorConfig.script_dir": "Folder added to sys.path for user_script's imports.",
    "OliveEvaluatorConfig.metrics": "Metrics to evaluate.",
    "DataConfig.name": "Unique name of the data config (letters, digits, underscore); passes refer to it.",
    "DataConfig.type": "Data container type, e.g. HuggingfaceContainer.",
    "DataConfig.user_script": "Python file that defines and registers custom data components.",
    "DataConfig.script_dir": "Folder added to sys.path for user_script's imports.",
    "DataConfig.load_dataset_config": "How to load the dataset: {type, params}.",
    "DataConfig.pre_process_data_config": "How to pre-process the data: {type, params}.",
    "DataConfig.post_process_data_config": "How to post-process model outputs: {type, params}.",
    "DataConfig.dataloader_config": "How to batch the data: {type, params}.",
    "RunPassConfig.type": "Pass type, one of the registered passes (case-insensitive).",
    "RunPassConfig.config": "Pass parameters. They may also be given flat next to type.",
    "RunPassConfig.name": "Name of the pass.",
    "RunConfig.workflow_id": "Workflow ID; the cache lives in <cache_dir>/<workflow_id>.",
}

# RunConfig fields that are name references in the user-facing config (resolved in before-validators).
REFERENCE_DESCRIPTIONS = {
    "host": "name of an entry in `systems`",
    "target": "name of an entry in `systems`",
    "evaluator": "name of an entry in `evaluators`",
}

# NestedConfig classes and the field their unknown keys are gathered into (olive/common/config_utils.py).
FLATTENING = {
    "RunConfig": "engine",
    "ModelConfig": "config",
    "RunPassConfig": "config",
    "SystemConfig": "config",
    "SearchStrategyConfig": "sampler_config",
    "OliveEvaluatorConfig": "type_args",
    "HfLoadKwargs": "extra_args",
}


class NotJsonValue(Exception):
    """A Python default that has no faithful JSON form."""


# ---------------------------------------------------------------------------------------------------------------
# Values


def to_json_value(value: Any) -> Any:
    """Turn a Python default into JSON, or raise NotJsonValue."""
    # Enums first: str/int enums are also str/int instances, and JSON wants their plain value.
    if isinstance(value, enum.Enum):
        return to_json_value(value.value)
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotJsonValue(f"non-finite float {value}")
        return value
    if isinstance(value, Path):
        if value.is_absolute():
            # An absolute default is a property of the generating machine, not of Olive.
            raise NotJsonValue("absolute path")
        return str(value)
    if isinstance(value, (list, tuple)):
        return [to_json_value(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((to_json_value(item) for item in value), key=json.dumps)
    if isinstance(value, dict):
        return {str(to_json_value(k)): to_json_value(v) for k, v in value.items()}
    if hasattr(value, "model_dump"):
        return to_json_value(value.model_dump(mode="json"))
    raise NotJsonValue(type(value).__name__)


def describe_conditional_default(value: Any) -> str:
    """One line for a ConditionalDefault: which parents decide the default, and how."""

    def show(choice: Any) -> str:
        support = getattr(choice, "support", [choice])
        item = support[0] if isinstance(support, list) and support else choice
        raw = item.value if isinstance(item, enum.Enum) else item
        return {"OLIVE_IGNORED_PARAM_VALUE": "ignored", "OLIVE_INVALID_PARAM_VALUE": "invalid"}.get(raw, repr(raw))

    parents = ", ".join(value.parents)
    cases = "; ".join(f"{', '.join(map(str, key))} -> {show(choice)}" for key, choice in value.support.items())
    return f"conditional default depending on {parents}: {cases}; otherwise {show(value.default)}"


def json_default(value: Any) -> tuple[Any, str | None]:
    """(JSON default, note) for a Python default; note says why the default is null when it is not None."""
    if type(value).__name__ == "ConditionalDefault":
        return None, describe_conditional_default(value)
    if callable(value) and not isinstance(value, enum.Enum):
        return None, f"default is a Python callable ({getattr(value, '__name__', type(value).__name__)})"
    try:
        return to_json_value(value), None
    except NotJsonValue as reason:
        return None, f"default not representable in JSON ({reason})"


# ---------------------------------------------------------------------------------------------------------------
# JSON Schema fragments from pydantic


def resolve_refs(node: Any, defs: dict, seen: frozenset = frozenset()) -> Any:
    """Inline `$ref`s, drop titles and the search wrappers, so each fragment stands on its own."""
    if isinstance(node, list):
        return [resolve_refs(item, defs, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        rest = {k: v for k, v in node.items() if k != "$ref"}
        if name in seen:  # recursive model: stop at an open object rather than loop
            target = {"type": "object"}
        else:
            target = resolve_refs(defs[name], defs, seen | {name})
        return {**target, **resolve_refs(rest, defs, seen)}
    out = {}
    for key, value in node.items():
        # Titles are pydantic's humanised field names; format "path" means nothing to JSON Schema validators
        # and only splits {"type": "string"} unions into near-duplicates.
        if key == "title" or (key == "format" and value == "path"):
            continue
        if key in ("anyOf", "oneOf"):
            members = [m for m in value if not _is_search_wrapper(m)]
            members = _dedupe([resolve_refs(m, defs, seen) for m in members])
            if len(members) == 1:
                out.update(members[0])
                continue
            out[key] = members
            continue
        if key in ("properties", "$defs", "patternProperties"):
            out[key] = {k: resolve_refs(v, defs, seen) for k, v in value.items()}
            continue
        out[key] = resolve_refs(value, defs, seen)
    return out


def _is_search_wrapper(member: Any) -> bool:
    return isinstance(member, dict) and member.get("$ref", "").rsplit("/", 1)[-1] in SEARCH_WRAPPER_DEFS


def _dedupe(items: list) -> list:
    seen, out = set(), []
    for item in items:
        key = json.dumps(item, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def pydantic_field_fragments(model_cls: Any) -> dict[str, dict]:
    """Self-contained JSON Schema fragment per field of a pydantic model."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # non-serialisable defaults are reported by json_default instead
        schema = model_cls.model_json_schema()
    defs = schema.get("$defs", {})
    fragments = {}
    for name, prop in schema.get("properties", {}).items():
        fragment = resolve_refs(prop, defs)
        fragment.pop("default", None)
        fragment.pop("description", None)
        fragments[name] = fragment
    return fragments


def json_type_of(fragment: dict) -> str | list[str]:
    """Coarse JSON type(s) of a fragment: one name, a sorted list for unions, "any" when unconstrained."""
    found: set[str] = set()

    def walk(node: dict) -> bool:
        """Collect types; False when some branch accepts anything."""
        if "anyOf" in node or "oneOf" in node:
            return all(walk(m) for m in node.get("anyOf", node.get("oneOf", [])))
        declared = node.get("type")
        if isinstance(declared, str):
            found.add(declared)
            return True
        if isinstance(declared, list):
            found.update(declared)
            return True
        if "enum" in node:
            found.update(value_json_type(v) for v in node["enum"])
            return True
        if "const" in node:
            found.add(value_json_type(node["const"]))
            return True
        return False

    if not walk(fragment):
        return "any"
    if found == {"null"}:
        # Olive bug: a parameter declared with type_=None (LoRA modules_to_save) accepts nothing but null.
        return "null"
    found.discard("null")
    if "integer" in found and "number" in found:
        found.discard("integer")
    types = sorted(found)
    if not types:
        return "any"
    return types[0] if len(types) == 1 else types


def allows_null(fragment: dict) -> bool:
    if fragment.get("type") == "null" or (isinstance(fragment.get("type"), list) and "null" in fragment["type"]):
        return True
    return any(allows_null(m) for m in fragment.get("anyOf", []) + fragment.get("oneOf", []))


def enum_of(fragment: dict) -> list | None:
    """The value list of an enum fragment (also inside an Optional), else None."""
    if "enum" in fragment:
        return list(fragment["enum"])
    members = [m for m in fragment.get("anyOf", []) if m.get("type") != "null"]
    if len(members) == 1 and "enum" in members[0]:
        return list(members[0]["enum"])
    return None


# ---------------------------------------------------------------------------------------------------------------
# Passes


def cleaned_doc(cls: type) -> str:
    """The docstring of the pass class or of its own base classes, dedented; never the generic Pass one."""
    for klass in cls.__mro__:
        if klass.__module__ == "olive.passes.olive_pass" or klass is object:
            break
        doc = klass.__dict__.get("__doc__")
        if doc and doc.strip():
            return inspect.cleandoc(doc)
    return PASS_DOC_FALLBACKS.get(cls.__name__, "")


def summary_of(doc: str) -> str:
    """First sentence of the first paragraph, on one line."""
    paragraph = " ".join(doc.split("\n\n", 1)[0].split())
    end = paragraph.find(". ")
    return paragraph if end < 0 else paragraph[: end + 1]


def data_config_fragment(required: bool) -> dict:
    # Olive resolves the name to the data_configs entry before the pass validates it, and rejects inline
    # dicts ("Inline data configs are not supported"), so what a user writes is a name.
    name = {"type": "string", "description": "Name of an entry in data_configs."}
    return name if required else {"anyOf": [name, {"type": "null"}]}


def spec_label(spec: Any) -> str:
    return f"{spec.accelerator_type}-{spec.execution_provider}"


def pass_parameters(cls: type, specs: list) -> tuple[dict, list[str]]:
    """(parameters, problems) of one pass; problems are recorded rather than raised.

    The parameter set does not depend on the accelerator (facts §2.2), only some defaults and whether
    _default_config raises (OnnxDynamicQuantization on QNN). So the first spec that works is used.
    """
    problems = []
    for spec in specs:
        try:
            default_config = cls.default_config(spec)
            break
        except Exception as error:  # Olive bug or spec-dependent raise: note it, try the next spec
            problems.append(f"default_config({spec_label(spec)}) failed: {type(error).__name__}: {error}")
    else:
        return {}, problems
    if problems:
        problems.append(f"parameters and defaults taken from {spec_label(spec)}")
    try:
        config_class = cls.get_config_class(spec, disable_search=True)[0]
        fragments = pydantic_field_fragments(config_class)
    except Exception as error:
        fragments = {}
        problems.append(f"pydantic schema failed: {type(error).__name__}: {error}")

    parameters = {}
    for name, param in default_config.items():
        is_data_config = name.endswith("data_config")
        if is_data_config:
            fragment = data_config_fragment(param.required)
        else:
            fragment = fragments.get(name, {})
        default, note = json_default(param.default_value)
        entry = {
            "type": fragment,
            "json_type": json_type_of(fragment),
            "nullable": allows_null(fragment),
            "default": default,
            "required": bool(param.required),
            "enum": enum_of(fragment),
            "description": " ".join((param.description or "").split()),
            "data_config": is_data_config,
            "category": str(getattr(param.category, "value", param.category or "none")),
        }
        if note:
            entry["default_note"] = note
        parameters[name] = entry
    return parameters, problems


def resolve_pip_requirements(entry: dict, extras: dict[str, list[str]]) -> list[str]:
    names = set(entry.get("module_dependencies", []))
    for extra in entry.get("extra_dependencies", []):
        names.update(extras.get(extra, [extra]))
    return sorted(names)


def build_passes(olive_config: dict, specs: list) -> dict:
    from olive.package_config import OlivePackageConfig

    package_config = OlivePackageConfig.load_default_config()
    extras = olive_config.get("extra_dependencies", {})
    passes = {}
    for raw_name, entry in olive_config["passes"].items():
        module_path = entry["module_path"]
        canonical = module_path.rsplit(".", 1)[-1]
        info = {
            "module_path": module_path,
            "supported_providers": entry.get("supported_providers", []),
            "supported_accelerators": entry.get("supported_accelerators", []),
            "supported_precisions": entry.get("supported_precisions", []),
            "supported_algorithms": entry.get("supported_algorithms", []),
            "supported_quantization_encodings": entry.get("supported_quantization_encodings", []),
            "dataset": entry.get("dataset", "dataset_not_required"),
            "run_on_target": bool(entry.get("run_on_target", False)),
            "is_onnx": module_path.startswith(ONNX_PASS_PREFIX),
            "extra_dependencies": entry.get("extra_dependencies", []),
            "module_dependencies": entry.get("module_dependencies", []),
            "pip_requirements": resolve_pip_requirements(entry, extras),
        }
        try:
            cls = package_config.import_pass_module(raw_name.lower())
        except Exception as error:
            info.update(summary="", doc="", parameters={}, problems=[f"import failed: {type(error).__name__}: {error}"])
            passes[canonical] = info
            continue
        doc = cleaned_doc(cls)
        parameters, problems = pass_parameters(cls, specs)
        info.update(summary=summary_of(doc), doc=doc, parameters=parameters)
        if problems:
            info["problems"] = problems
        passes[canonical] = info
    return passes


# ---------------------------------------------------------------------------------------------------------------
# Key sets of pydantic classes and handlers


def pydantic_keys(model_cls: Any, with_types: bool = True) -> dict:
    """{field: {required, default, description[, type]}} for a pydantic model's declared fields."""
    fragments = pydantic_field_fragments(model_cls) if with_types else {}
    keys = {}
    for name, field in model_cls.model_fields.items():
        required = field.is_required()
        default, note = (None, None)
        if not required:
            raw = field.get_default(call_default_factory=True)
            if hasattr(raw, "model_fields"):
                # A nested config object: its defaults are listed under its own key set, and dumping it here
                # would leak machine-specific values (RunEngineConfig.output_dir is made absolute).
                default, note = None, f"defaults to an empty {type(raw).__name__}"
            else:
                default, note = json_default(raw)
        description = field.description or FIELD_DESCRIPTIONS.get(f"{model_cls.__name__}.{name}")
        description = description or FIELD_DESCRIPTIONS.get(name, "")
        entry = {"required": required, "default": default, "description": " ".join(description.split())}
        if note:
            entry["default_note"] = note
        if with_types:
            entry["type"] = fragments.get(name, {})
        keys[name] = entry
    return keys


def signature_keys(func: Any) -> dict:
    """{kwarg: {required, default, description}} from a handler's __init__ signature."""
    keys = {}
    for param in list(inspect.signature(func).parameters.values())[1:]:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        required = param.default is inspect.Parameter.empty
        default, note = (None, None) if required else json_default(param.default)
        entry = {"required": required, "default": default, "description": MODEL_KEY_DESCRIPTIONS.get(param.name, "")}
        if note:
            entry["default_note"] = note
        keys[param.name] = entry
    return keys


def build_model_types() -> dict:
    import olive.model  # noqa: F401  (importing registers every handler)
    from olive.model.config.registry import REGISTRY

    model_types = {}
    for registered, handler in REGISTRY.items():
        # The registry keeps lowercase names; the class name minus "Handler" is how docs and configs spell them.
        class_name = handler.__name__.removesuffix("Handler")
        canonical = class_name if class_name.lower() == registered else registered
        model_types[canonical] = {"handler": handler.__name__, "config_keys": signature_keys(handler.__init__)}
    return model_types


def build_system_types() -> dict:
    from olive.systems.system_config import _type_to_config

    return {
        system_type.value: {"config_keys": pydantic_keys(config_class)}
        for system_type, config_class in _type_to_config.items()
    }


def build_samplers() -> dict:
    from olive.search.samplers import REGISTRY

    samplers = {}
    for name, sampler in REGISTRY.items():
        keys = {}
        for key, param in sampler._default_config().items():
            default, note = json_default(param.default_value)
            entry = {
                "required": bool(param.required),
                "default": default,
                "description": " ".join((param.description or "").split()),
                "json_type": _python_json_type(param.type_),
            }
            if note:
                entry["default_note"] = note
            keys[key] = entry
        samplers[name] = {"config_keys": keys}
    return samplers


def _python_json_type(type_: Any) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string"}.get(type_, "any")


def build_data_registry() -> tuple[list[str], dict[str, list[str]]]:
    import olive.data  # noqa: F401  (importing registers containers and components)
    from olive.data.registry import Registry

    containers = []
    components = {}
    for sub_type, entries in Registry._REGISTRY.items():
        if sub_type == "data_container":
            # Container names are matched case-insensitively; show the class spelling.
            containers = sorted(
                component.__name__ if component.__name__.lower() == name else name
                for name, component in entries.items()
            )
        else:
            components[sub_type] = sorted(entries)
    return containers, components


def build_engine_keys() -> dict:
    from olive.workflows.run.config import RunEngineConfig

    keys = pydantic_keys(RunEngineConfig)
    # Nested configs are described by their own sections (system_types, evaluator_keys, search_strategy_keys...);
    # inlining pydantic's schema for them here would be large and wrong (it knows neither the flat forms nor
    # name references), so these keys get a compact shape.
    for name, what in REFERENCE_DESCRIPTIONS.items():
        keys[name]["type"] = {
            "anyOf": [
                {"type": "string", "description": f"The {what}."},
                {"type": "object", "description": "An inline config."},
                {"type": "null"},
            ]
        }
    keys["search_strategy"]["type"] = {"anyOf": [{"type": "boolean"}, {"type": "object"}, {"type": "null"}]}
    keys["packaging_config"]["type"] = {
        "anyOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}, {"type": "null"}]
    }
    for entry in keys.values():
        entry["json_type"] = json_type_of(entry["type"])
    # output_dir defaults to the current directory at run time; the validator makes it absolute.
    keys["output_dir"]["default"] = None
    keys["output_dir"].pop("default_note", None)
    for entry in keys.values():
        entry.pop("required", None)
    return keys


# ---------------------------------------------------------------------------------------------------------------
# Value sets


def build_value_sets() -> dict:
    from olive.constants import Precision, QuantAlgorithm, QuantEncoding
    from olive.engine.packaging.packaging_config import PackagingType
    from olive.evaluator.metric import (
        AccuracySubType,
        LatencySubType,
        Metric,
        MetricType,
        SizeOnDiskSubType,
        ThroughputSubType,
    )
    from olive.evaluator.metric_backend import MetricBackend
    from olive.evaluator.olive_evaluator import OliveEvaluatorConfig
    from olive.evaluator.registry import Registry as EvaluatorRegistry
    from olive.hardware.accelerator import Device
    from olive.hardware.constants import DEVICE_TO_EXECUTION_PROVIDERS, PROVIDER_PACKAGE_MAPPING, ExecutionProvider
    from olive.search.search_strategy import SearchStrategyConfig, SearchStrategyExecutionOrder
    from olive.systems.common import AcceleratorConfig

    provider_packages = {str(ep.value): pkg for ep, pkg in PROVIDER_PACKAGE_MAPPING.items()}
    for ep, pkg in EXTRA_PROVIDER_PACKAGES.items():
        provider_packages.setdefault(ep, pkg)

    sub_types = {
        MetricType.ACCURACY: AccuracySubType,
        MetricType.LATENCY: LatencySubType,
        MetricType.THROUGHPUT: ThroughputSubType,
        MetricType.SIZE_ON_DISK: SizeOnDiskSubType,
    }
    return {
        "execution_providers": [ep.value for ep in ExecutionProvider],
        "devices": [device.value for device in Device],
        # The table holds sets: sort them, or the order would follow the string hash seed.
        "device_providers": {
            str(getattr(device, "value", device)): sorted(str(getattr(ep, "value", ep)) for ep in eps)
            for device, eps in DEVICE_TO_EXECUTION_PROVIDERS.items()
        },
        "provider_packages": provider_packages,
        "precisions": [p.value for p in Precision],
        "quant_algorithms": [a.value for a in QuantAlgorithm],
        "quant_encodings": [e.value for e in QuantEncoding],
        "metric_types": {
            t.value: [s.value for s in sub_types[t]] if t in sub_types else [] for t in MetricType
        },
        "metric_keys": pydantic_keys(Metric, with_types=False),
        "metric_goal_types": [
            "threshold",
            "min-improvement",
            "percent-min-improvement",
            "max-degradation",
            "percent-max-degradation",
        ],
        "metric_backends": sorted(MetricBackend.registry),
        "evaluator_types": sorted(EvaluatorRegistry._REGISTRY),
        "evaluator_keys": pydantic_keys(OliveEvaluatorConfig, with_types=False),
        "search_strategy_keys": pydantic_keys(SearchStrategyConfig, with_types=False),
        "execution_orders": [o.value for o in SearchStrategyExecutionOrder],
        "accelerator_keys": pydantic_keys(AcceleratorConfig),
        "packaging_types": [t.value for t in PackagingType],
    }


def build_catalog() -> dict:
    from olive.data.config import DataConfig
    from olive.engine.config import RunPassConfig
    from olive.hardware.accelerator import AcceleratorSpec, Device
    from olive.package_config import OlivePackageConfig
    from olive.workflows.run.config import RunConfig

    olive_config = json.loads(Path(OlivePackageConfig.get_default_config_path()).read_text())
    # Device.CPU, not "cpu": OpenVINOEncapsulation/OpenVINOOptimumConversion call spec.accelerator_type.CPU...
    # Defaults are those for cpu-CPUExecutionProvider; the others are fallbacks for a pass that raises there.
    specs = [
        AcceleratorSpec(accelerator_type=Device.CPU, execution_provider="CPUExecutionProvider"),
        AcceleratorSpec(accelerator_type=Device.GPU, execution_provider="CUDAExecutionProvider"),
        AcceleratorSpec(accelerator_type=Device.NPU, execution_provider="QNNExecutionProvider"),
    ]
    data_containers, data_components = build_data_registry()
    catalog = {
        "olive_version": importlib.metadata.version("olive-ai"),
        "passes": build_passes(olive_config, specs),
        "model_types": build_model_types(),
        "system_types": build_system_types(),
        "samplers": build_samplers(),
        "data_containers": data_containers,
        "data_components": data_components,
        "data_config_keys": pydantic_keys(DataConfig, with_types=False),
        "engine_keys": build_engine_keys(),
        "run_config_keys": pydantic_keys(RunConfig, with_types=False),
        "pass_config_keys": pydantic_keys(RunPassConfig, with_types=False),
        "flattening": FLATTENING,
        "extra_dependencies": olive_config.get("extra_dependencies", {}),
        "pass_spec": {"device": "cpu", "execution_provider": "CPUExecutionProvider"},
    }
    catalog.update(build_value_sets())
    return catalog


# ---------------------------------------------------------------------------------------------------------------
# Writing


def dump_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def default_out_dir() -> Path:
    return Path(__file__).resolve().parents[3] / "schemas"


def main(out_dir: str | None = None) -> int:
    from olive_ls.catalog.json_schema import build_run_config_schema

    # Olive logs warnings while importing and building configs; they are not ours to show.
    logging.disable(logging.WARNING)
    try:
        catalog = build_catalog()
    except ImportError as error:
        print(f"olive-ls catalog generate: olive-ai is not importable here: {error}", file=sys.stderr)
        return 2
    finally:
        logging.disable(logging.NOTSET)
    target = Path(out_dir) if out_dir else default_out_dir()
    folder = target / f"olive-{catalog['olive_version']}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CATALOG_FILE).write_text(dump_json(catalog), encoding="utf-8")
    (folder / SCHEMA_FILE).write_text(dump_json(build_run_config_schema(catalog)), encoding="utf-8")
    problems = {name: info["problems"] for name, info in catalog["passes"].items() if info.get("problems")}
    print(f"wrote {folder / CATALOG_FILE} ({len(catalog['passes'])} passes) and {folder / SCHEMA_FILE}")
    for name, items in sorted(problems.items()):
        print(f"  {name}: {'; '.join(items)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else None))
