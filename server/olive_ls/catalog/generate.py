"""Generate `schemas/olive-<version>/catalog.json` and `run-config.schema.json` from the installed olive-ai.

Run it in a Python that has olive-ai (the `run` extra): `olive-ls catalog generate [--out DIR]`.
It imports Olive, torch and transformers (about 4 s); nothing else in olive-ls may do that at load time,
which is why the result is committed and read back by `olive_ls.catalog.loader` without Olive.

The output is deterministic (sorted keys, no timestamps, no absolute paths), so regenerating with the same
olive-ai reproduces the committed files byte for byte.

It runs against every olive-ai from 0.9.0 on (pydantic v1 configs up to 0.11.0, see as_v2_model) and against
Olive main (`--label main --commit <sha>`). `make catalogs` (scripts/make_catalogs.py) generates them all, each
in its own environment, and packs them into schemas/ with pack_catalogs: the newest release whole, the others
as deltas (the stored form is described in loader.py).
"""

from __future__ import annotations

import enum
import hashlib
import importlib.metadata
import inspect
import json
import logging
import math
import sys
import typing
import warnings
from pathlib import Path
from typing import Any, Optional

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
    if is_pydantic_v1_model(type(value)):
        # Not .json(): Olive's v1 ConfigBase encodes paths resolved to absolute ones.
        return to_json_value(value.dict())
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
    """Self-contained JSON Schema fragment per field of a pydantic model (v2, or v1 through its v2 mirror)."""
    if is_pydantic_v1_model(model_cls):
        model_cls = as_v2_model(model_cls)
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


# ---------------------------------------------------------------------------------------------------------------
# Pydantic v1 (olive-ai up to 0.11.0 builds its configs on pydantic.v1, olive/common/pydantic_v1.py)
#
# A v1 model is mirrored as a v2 model with the same field annotations (v1 models in them mirrored in turn),
# defaults, descriptions, constraints and `extra`, and pydantic v2 writes its JSON Schema. So the fragments of
# every release come from one schema generator and have one shape; v1's own .schema() writes `definitions`,
# leaves null out of Optional fields and says nothing of `x: str = None` accepting None. A mirror whose schema
# fails is reported like a v2 model's (pass_parameters: "pydantic schema failed"); no release does.


def is_pydantic_v1_model(cls: Any) -> bool:
    # model_fields first: on a v2 model, touching __fields__ warns (deprecated).
    return isinstance(cls, type) and not hasattr(cls, "model_fields") and hasattr(cls, "__fields__") and hasattr(
        cls, "__config__"
    )


_V2_MIRRORS: dict[type, Any] = {}
_V1_IN_PROGRESS: set[type] = set()

# v1 FieldInfo constraint -> v2 Field argument.
V1_CONSTRAINTS = {
    "gt": "gt", "ge": "ge", "lt": "lt", "le": "le", "multiple_of": "multiple_of", "min_items": "min_length",
    "max_items": "max_length", "min_length": "min_length", "max_length": "max_length", "regex": "pattern",
}


def as_v2_model(v1_cls: type) -> Any:
    """The pydantic v2 mirror of a v1 model (cached per class)."""
    import pydantic

    if v1_cls not in _V2_MIRRORS:
        _V1_IN_PROGRESS.add(v1_cls)
        try:
            fields = {name: _v2_field(field) for name, field in v1_cls.__fields__.items()}
        finally:
            _V1_IN_PROGRESS.discard(v1_cls)
        extra = getattr(getattr(v1_cls.__config__, "extra", None), "value", None) or "ignore"
        _V2_MIRRORS[v1_cls] = pydantic.create_model(
            v1_cls.__name__,
            __config__=pydantic.ConfigDict(extra=extra, arbitrary_types_allowed=True),
            __doc__=v1_cls.__doc__,
            **fields,
        )
    return _V2_MIRRORS[v1_cls]


def _v2_field(field: Any) -> tuple:
    """(annotation, v2 FieldInfo) of a v1 ModelField."""
    import pydantic

    kwargs: dict[str, Any] = {"description": field.field_info.description}
    if field.alias != field.name:
        kwargs["alias"] = field.alias
    for v1_name, v2_name in V1_CONSTRAINTS.items():
        value = getattr(field.field_info, v1_name, None)
        if value is not None:
            kwargs[v2_name] = getattr(value, "pattern", value)  # v1 keeps `regex` compiled
    if field.required:
        kwargs["default"] = ...
    elif field.default_factory is not None:
        kwargs["default_factory"] = field.default_factory
    else:
        # v1 gives an Optional field without a default the default None; v2 would make it required.
        kwargs["default"] = field.default
    annotation = field.annotation
    if isinstance(annotation, (str, typing.ForwardRef)) or _has_forward_ref(annotation):
        # A string annotation (`from __future__ import annotations`) stays unresolved in .annotation; v1 keeps
        # the resolved type, less Optional (allow_none below), in outer_type_.
        annotation = field.outer_type_
    annotation = v2_annotation(annotation)
    if field.allow_none and not _admits_none(annotation):
        # v1 lets a field with default None take None whatever its annotation (`x: str = None`).
        annotation = Optional[annotation]
    return annotation, pydantic.Field(**kwargs)


def _has_forward_ref(annotation: Any) -> bool:
    return any(
        isinstance(arg, (str, typing.ForwardRef)) or _has_forward_ref(arg) for arg in typing.get_args(annotation)
    )


def _admits_none(annotation: Any) -> bool:
    import types
    import typing

    if annotation in (None, type(None), Any):
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is getattr(types, "UnionType", None):
        return any(_admits_none(arg) for arg in typing.get_args(annotation))
    if origin is typing.Annotated:
        return _admits_none(typing.get_args(annotation)[0])
    return False


def v2_annotation(annotation: Any) -> Any:
    """The annotation with every v1 model in it replaced by its v2 mirror."""
    import types
    import typing

    if is_pydantic_v1_model(annotation):
        # A model that contains itself: an open object, as resolve_refs does for recursive v2 models.
        return dict if annotation in _V1_IN_PROGRESS else as_v2_model(annotation)
    if isinstance(annotation, type) and annotation.__module__.startswith("pydantic.v1"):
        # v1's constrained types (ConstrainedIntValue for Field(ge=1) on an int...): the plain type; the
        # constraints themselves are on the field (V1_CONSTRAINTS).
        return next((plain for plain in (bool, int, float, str, bytes) if issubclass(annotation, plain)), annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is None or not args or origin is typing.Literal:
        return annotation
    if origin is typing.Annotated:
        return typing.Annotated[(v2_annotation(args[0]), *annotation.__metadata__)]
    converted = tuple(v2_annotation(arg) for arg in args)
    if origin is typing.Union or origin is getattr(types, "UnionType", None):
        return typing.Union[converted]
    if hasattr(annotation, "copy_with"):  # typing.List[...], typing.Dict[...], typing.Callable[...]
        return annotation.copy_with(converted)
    return origin[converted]  # list[...], dict[...], tuple[int, ...]


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


def build_passes(olive_config: dict, specs: list) -> tuple[dict, dict]:
    """(passes, not_passes): not_passes are registry entries whose class is no Pass (see below)."""
    from olive.package_config import OlivePackageConfig
    from olive.passes.olive_pass import Pass

    package_config = OlivePackageConfig.load_default_config()
    extras = olive_config.get("extra_dependencies", {})
    passes = {}
    not_passes = {}
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
        if not (isinstance(cls, type) and issubclass(cls, Pass)):
            # Up to 0.9.x olive_config.json also lists helpers of the Vitis AI pass (PowerOfTwoMethod, an enum;
            # VitisQDQQuantizer and VitisQOpQuantizer, onnxruntime quantizers). A config naming them fails in
            # Olive, so they are not offered as passes; the catalog lists them apart.
            not_passes[canonical] = module_path
            continue
        doc = cleaned_doc(cls)
        parameters, problems = pass_parameters(cls, specs)
        info.update(summary=summary_of(doc), doc=doc, parameters=parameters)
        if problems:
            info["problems"] = problems
        passes[canonical] = info
    return passes, not_passes


# ---------------------------------------------------------------------------------------------------------------
# Key sets of pydantic classes and handlers


def pydantic_keys(model_cls: Any, with_types: bool = True) -> dict:
    """{field: {required, default, description[, type]}} for a pydantic model's declared fields."""
    fragments = pydantic_field_fragments(model_cls) if with_types else {}
    model_fields = as_v2_model(model_cls).model_fields if is_pydantic_v1_model(model_cls) else model_cls.model_fields
    keys = {}
    for name, field in model_fields.items():
        required = field.is_required()
        default, note = (None, None)
        if not required:
            raw = field.get_default(call_default_factory=True)
            if hasattr(type(raw), "model_fields") or is_pydantic_v1_model(type(raw)):
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
    from olive.evaluator import metric as metric_module
    from olive.evaluator.metric import AccuracySubType, LatencySubType, Metric, MetricType, ThroughputSubType
    from olive.evaluator.metric_backend import MetricBackend
    from olive.evaluator.olive_evaluator import OliveEvaluatorConfig
    from olive.evaluator.registry import Registry as EvaluatorRegistry
    from olive.hardware.accelerator import Device
    from olive.hardware import constants as hardware_constants
    from olive.hardware.constants import DEVICE_TO_EXECUTION_PROVIDERS, PROVIDER_PACKAGE_MAPPING
    from olive.search.search_strategy import SearchStrategyConfig, SearchStrategyExecutionOrder
    from olive.systems.common import AcceleratorConfig

    provider_packages = {}
    for ep, pkg in PROVIDER_PACKAGE_MAPPING.items():
        # Up to 0.9.1 the value is (release package, nightly package); the release one is what pip installs.
        provider_packages[str(getattr(ep, "value", ep))] = pkg[0] if isinstance(pkg, tuple) else pkg
    for ep, pkg in EXTRA_PROVIDER_PACKAGES.items():
        provider_packages.setdefault(ep, pkg)

    sub_types = {
        MetricType.ACCURACY: AccuracySubType,
        MetricType.LATENCY: LatencySubType,
        MetricType.THROUGHPUT: ThroughputSubType,
    }
    if hasattr(metric_module, "SizeOnDiskSubType"):  # size_on_disk: 0.11.0 and later
        sub_types[MetricType.SIZE_ON_DISK] = metric_module.SizeOnDiskSubType
    if hasattr(hardware_constants, "ExecutionProvider"):  # 0.9.2 and later
        execution_providers = [ep.value for ep in hardware_constants.ExecutionProvider]
    else:
        # Before the enum, the providers Olive knows are those of its device table (pass_config.py's set).
        execution_providers = sorted({str(ep) for eps in DEVICE_TO_EXECUTION_PROVIDERS.values() for ep in eps})
    return {
        "execution_providers": execution_providers,
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
    passes, not_passes = build_passes(olive_config, specs)
    catalog = {
        "olive_version": importlib.metadata.version("olive-ai"),
        "passes": passes,
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
    if not_passes:
        catalog["registered_non_passes"] = not_passes
    return catalog


# ---------------------------------------------------------------------------------------------------------------
# Writing


def dump_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def default_out_dir() -> Path:
    return Path(__file__).resolve().parents[3] / "schemas"


# ---------------------------------------------------------------------------------------------------------------
# Packing: the shipped catalogs stored once (loader.py describes the stored form)


def _canonical(value: Any) -> str:
    # Strict: Python's == says True == 1 and 1 == 1.0, JSON does not.
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def make_delta(base: dict, target: dict) -> dict:
    """The delta turning `base` into `target` (loader.apply_delta applies it)."""
    removed = sorted(key for key in base if key not in target)
    added, patched = {}, {}
    for key, value in target.items():
        if key not in base:
            added[key] = value
            continue
        old = base[key]
        old_text, new_text = _canonical(old), _canonical(value)
        if old_text == new_text:
            continue
        if isinstance(old, dict) and isinstance(value, dict):
            sub = make_delta(old, value)
            if len(_canonical(sub)) < len(new_text):
                patched[key] = sub
                continue
        added[key] = value
    delta: dict[str, Any] = {}
    if removed:
        delta["del"] = removed
    if patched:
        delta["patch"] = patched
    if added:
        delta["set"] = added
    return delta


def delta_base(version: str, versions: list[str]) -> str | None:
    """Which version a version's delta is taken from; None for the one stored whole (the newest release).

    A release's base is the next release (0.9.0 from 0.9.1, ... 0.12.1 from 0.13.0): neighbours differ least.
    main's is the newest release, which it descends from.
    """
    from olive_ls.catalog.loader import MAIN

    releases = [v for v in versions if v != MAIN]
    newest = releases[-1] if releases else None
    if version == newest or not releases:
        return None
    if version == MAIN:
        return newest
    return releases[releases.index(version) + 1]


def pack_catalogs(staging: Path, schemas: Path) -> list[str]:
    """Store the full catalogs of `staging` (olive-<v>/catalog.json + schema, as generated) into `schemas`.

    Every version is then read back through the loader and must give exactly the generated bytes (catalog, and
    the run-config schema, derived for deltas); otherwise this raises and schemas/ is left as written.
    Returns report lines (sizes).
    """
    from olive_ls.catalog import loader
    from olive_ls.catalog.json_schema import build_run_config_schema

    staging, schemas = Path(staging), Path(schemas)
    versions = loader.shipped_versions(staging)
    if not versions:
        raise ValueError(f"{staging}: no olive-<version>/{CATALOG_FILE} to pack")
    before = _catalog_files_size(schemas)
    texts = {v: (staging / f"olive-{v}" / CATALOG_FILE).read_text(encoding="utf-8") for v in versions}
    catalogs = {v: json.loads(text) for v, text in texts.items()}
    schemas.mkdir(parents=True, exist_ok=True)
    # Bases before what is built on them: a delta records the hash of its base's stored file.
    order: list[str] = []
    while len(order) < len(versions):
        order += [v for v in versions if v not in order and delta_base(v, versions) in (None, *order)]
    for version in order:
        folder = schemas / f"olive-{version}"
        folder.mkdir(parents=True, exist_ok=True)
        base = delta_base(version, versions)
        if base is None:
            (folder / CATALOG_FILE).write_text(texts[version], encoding="utf-8")
            (folder / SCHEMA_FILE).write_bytes((staging / f"olive-{version}" / SCHEMA_FILE).read_bytes())
            continue
        delta = make_delta(catalogs[base], catalogs[version])
        delta["base"] = base
        delta["base_sha256"] = _sha256((schemas / f"olive-{base}" / CATALOG_FILE).read_bytes())
        # What the generator wrote, so a test can check the round trip without Olive installed.
        delta["sha256"] = _sha256(texts[version].encode("utf-8"))
        delta["schema_sha256"] = _sha256((staging / f"olive-{version}" / SCHEMA_FILE).read_bytes())
        (folder / CATALOG_FILE).write_text(dump_json({loader.DELTA_KEY: delta}), encoding="utf-8")
        (folder / SCHEMA_FILE).unlink(missing_ok=True)
    stale = [v for v in loader.shipped_versions(schemas) if v not in versions]

    # Round trip: what the loader gives back is what the generator wrote, byte for byte.
    for version in versions:
        data, _ = loader.read_catalog_data(schemas, version)
        if dump_json(data) != texts[version]:
            raise AssertionError(f"olive-{version}: the packed catalog does not load back to the generated one")
        stored_schema = schemas / f"olive-{version}" / SCHEMA_FILE
        schema_text = stored_schema.read_text(encoding="utf-8") if stored_schema.is_file() else dump_json(
            build_run_config_schema(data)
        )
        if schema_text != (staging / f"olive-{version}" / SCHEMA_FILE).read_text(encoding="utf-8"):
            raise AssertionError(f"olive-{version}: the run-config schema does not come back as generated")

    report = [f"catalog files under {schemas}: {before:,} bytes before, {_catalog_files_size(schemas):,} after"]
    for version in versions:
        size = _catalog_files_size(schemas / f"olive-{version}")
        base = delta_base(version, versions)
        how = "whole" if base is None else f"delta from {base}"
        full = len(texts[version].encode()) + (staging / f"olive-{version}" / SCHEMA_FILE).stat().st_size
        report.append(
            f"olive-{version}: {len(catalogs[version]['passes'])} passes, {how}, {size:,} bytes (generated: {full:,})"
        )
    for version in stale:
        report.append(f"olive-{version}: in {schemas} but not packed now (left as it is)")
    return report


def unpack_catalog(schemas: Path, version: str, staging: Path) -> bool:
    """Write the full catalog of a stored version and its schema into staging/olive-<version>/; False if absent.

    The schema is built from the catalog by this json_schema.py, as the generator would build it now, so a
    repack after a change to json_schema.py ships schemas (and schema hashes) that match the code.
    """
    from olive_ls.catalog import loader
    from olive_ls.catalog.json_schema import build_run_config_schema

    if not loader.catalog_path(schemas, version).is_file():
        return False
    data, _ = loader.read_catalog_data(schemas, version)
    folder = Path(staging) / f"olive-{version}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CATALOG_FILE).write_text(dump_json(data), encoding="utf-8")
    (folder / SCHEMA_FILE).write_text(dump_json(build_run_config_schema(data)), encoding="utf-8")
    return True


def _sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _catalog_files_size(folder: Path) -> int:
    """Bytes of the catalog files (catalog.json, run-config.schema.json) under a schemas folder or a version's."""
    return sum(f.stat().st_size for name in (CATALOG_FILE, SCHEMA_FILE) for f in Path(folder).rglob(name))


def main(
    out_dir: str | None = None,
    label: str | None = None,
    commit: str | None = None,
    expect_version: str | None = None,
) -> int:
    """Write olive-<version>/ for the installed olive-ai.

    label replaces the version for a build that is not a release: Olive main reports the version of its last
    version.py bump (0.11.0.dev0), so `label="main", commit=<sha>` writes olive-main/ with olive_version "main",
    olive_commit and olive_distribution_version (what the distribution itself reports).
    expect_version: fail unless the installed olive-ai is that version (make_catalogs' guard against a wrong env).
    """
    from olive_ls.catalog.json_schema import build_run_config_schema

    installed = importlib.metadata.version("olive-ai") if _has_olive() else None
    if expect_version and installed != expect_version:
        print(f"olive-ls catalog generate: expected olive-ai {expect_version}, found {installed}", file=sys.stderr)
        return 2
    # Olive logs warnings while importing and building configs; they are not ours to show.
    logging.disable(logging.WARNING)
    try:
        catalog = build_catalog()
    except ImportError as error:
        print(f"olive-ls catalog generate: olive-ai is not importable here: {error}", file=sys.stderr)
        return 2
    finally:
        logging.disable(logging.NOTSET)
    if label:
        catalog["olive_distribution_version"] = catalog["olive_version"]
        catalog["olive_version"] = label
        if commit:
            catalog["olive_commit"] = commit
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


def _has_olive() -> bool:
    try:
        importlib.metadata.version("olive-ai")
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def cli(argv: list[str] | None = None) -> int:
    """`python -m olive_ls.catalog.generate [OUT] [--out OUT] [--label main --commit SHA] [--expect-version V]`."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m olive_ls.catalog.generate", description=main.__doc__)
    parser.add_argument("out_dir", nargs="?", default=None)
    parser.add_argument("--out", dest="out_flag", default=None, help="schemas folder (default: the repository's)")
    parser.add_argument("--label", default=None, help="version name for a non-release build, e.g. main")
    parser.add_argument("--commit", default=None, help="the commit of that build")
    parser.add_argument("--expect-version", default=None, help="fail unless this olive-ai version is installed")
    args = parser.parse_args(argv)
    return main(args.out_flag or args.out_dir, label=args.label, commit=args.commit, expect_version=args.expect_version)


if __name__ == "__main__":
    sys.exit(cli())
