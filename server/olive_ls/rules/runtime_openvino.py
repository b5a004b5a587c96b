"""OpenVINO passes at run time (OLV430-OLV449, OLV586): nncf and optimum-intel option values, ignored_scope pairs, what
ov_quant_config needs, input model types, unnamed outputs before OpenVINOEncapsulation.
Rows P223-P227, P229-P236, P238, P240, P241, P244, P245 of docs/olive-runtime-checks.md.

Olive's own enums (olive/passes/openvino/ov_utils.py, optimum_intel.py) are copied below and
tests/rules/test_runtime_openvino.py checks them against the installed Olive. nncf's and optimum-intel's are not
installed with olive-ls: they are tables read from the releases named beside them, and a value outside them is a
warning that names those releases (the user's nncf may know it).
"""

from __future__ import annotations

import difflib
from pathlib import Path

from olive_ls import config_paths
from olive_ls.document.nodes import Node, Property
from olive_ls.rules.passes import core_kind_after, input_kind, model_flow
from olive_ls.rules.registry import ERROR, HINT, WARNING, Finding, RuleContext, rule
from olive_ls.rules.runtime_helpers import PRUNED, PRUNED_DETAIL, entries, param

# --- Olive 0.13.0's own enums -------------------------------------------------------------------------------------
# olive/passes/openvino/ov_utils.py OVOptimumLibrary
OV_LIBRARIES = ("transformers", "diffusers", "timm", "sentence_transformers", "open_clip")
# olive/passes/openvino/optimum_intel.py OVOptimumFramework, OVWeightFormat, OVQuantMode
OV_FRAMEWORKS = ("pt", "tf")
OV_WEIGHT_FORMATS = ("fp32", "fp16", "int8", "int4", "mxfp4", "nf4")
OV_QUANT_MODES = ("int8", "f8e4m3", "f8e5m2", "nf4_f8e4m3", "nf4_f8e5m2", "int4_f8e4m3", "int4_f8e5m2")

# --- nncf's enums, {enum: {release: ((name, value), ...)}} --------------------------------------------------------
# Read from nncf/parameters.py, nncf/common/quantization/structs.py (QuantizationPreset) and
# nncf/quantization/advanced_parameters.py (GroupSizeFallbackMode) of nncf 2.19.0 (the oldest olive-ai[openvino]
# allows) and 3.4.0 (the newest on PyPI when this was written).
NNCF_RELEASES = ("2.19.0", "3.4.0")
NNCF_ENUMS = {
    "CompressWeightsMode": {
        "2.19.0": (
            ("INT8_SYM", "int8_sym"), ("INT8_ASYM", "int8_asym"), ("INT4_SYM", "int4_sym"), ("INT4_ASYM", "int4_asym"),
            ("NF4", "nf4"), ("CB4_F8E4M3", "cb4_f8e4m3"), ("INT8", "int8"), ("MXFP4", "mxfp4"),
            ("MXFP8_E4M3", "mxfp8_e4m3"), ("FP8_E4M3", "fp8_e4m3"), ("FP4", "fp4"), ("CODEBOOK", "codebook"),
        ),
        "3.4.0": (
            ("INT8_SYM", "int8_sym"), ("INT8_ASYM", "int8_asym"), ("INT4_SYM", "int4_sym"), ("INT4_ASYM", "int4_asym"),
            ("INT3_SYM", "int3_sym"), ("INT2_SYM", "int2_sym"), ("NF4", "nf4"), ("CB4", "cb4"), ("MXFP4", "mxfp4"),
            ("MXFP8_E4M3", "mxfp8_e4m3"), ("FP8_E4M3", "fp8_e4m3"), ("FP4", "fp4"), ("NVFP4", "nvfp4"),
            ("CODEBOOK", "codebook"), ("ADAPTIVE_CODEBOOK", "adaptive_codebook"),
        ),
    },
    "SensitivityMetric": dict.fromkeys(NNCF_RELEASES, (
        ("WEIGHT_QUANTIZATION_ERROR", "weight_quantization_error"), ("HESSIAN_INPUT_ACTIVATION", "hessian_input_activation"),
        ("MEAN_ACTIVATION_VARIANCE", "mean_activation_variance"), ("MAX_ACTIVATION_VARIANCE", "max_activation_variance"),
        ("MEAN_ACTIVATION_MAGNITUDE", "mean_activation_magnitude"),
    )),
    "BackupMode": {
        "2.19.0": (("NONE", "none"), ("INT8_SYM", "int8_sym"), ("INT8_ASYM", "int8_asym")),
        "3.4.0": (("NONE", "none"), ("INT8_SYM", "int8_sym"), ("INT8_ASYM", "int8_asym"), ("MXFP8_E4M3", "mxfp8_e4m3"), ("FP8_E4M3", "fp8_e4m3")),
    },
    "CompressionFormat": dict.fromkeys(NNCF_RELEASES, (
        ("DQ", "dequantize"), ("FQ", "fake_quantize"), ("FQ_LORA", "fake_quantize_with_lora"), ("FQ_LORA_NLS", "fake_quantize_with_lora_nls"),
    )),
    "ModelType": dict.fromkeys(NNCF_RELEASES, (("TRANSFORMER", "transformer"),)),
    "QuantizationPreset": dict.fromkeys(NNCF_RELEASES, (("PERFORMANCE", "performance"), ("MIXED", "mixed"))),
    "GroupSizeFallbackMode": dict.fromkeys(NNCF_RELEASES, (("ERROR", "error"), ("IGNORE", "ignore"), ("ADJUST", "adjust"))),
}
# The dataclass fields of nncf.AdvancedCompressionParameters and the nested ones Olive builds from dicts
# (compression.py:404-425), from nncf/quantization/advanced_parameters.py; None: the top level.
NNCF_ADVANCED_FIELDS = {
    None: {
        "2.19.0": ("statistics_path", "lora_adapter_rank", "group_size_fallback_mode", "min_adjusted_group_size", "awq_params",
                   "scale_estimation_params", "gptq_params", "lora_correction_params", "backend_params", "codebook"),
        "3.4.0": ("statistics_path", "lora_adapter_rank", "group_size_fallback_mode", "min_adjusted_group_size", "awq_params",
                  "scale_estimation_params", "gptq_params", "lora_correction_params", "backend_params", "codebook",
                  "adaptive_codebook_params"),
    },
    "awq_params": dict.fromkeys(NNCF_RELEASES, ("subset_size", "percent_to_apply", "alpha_min", "alpha_max", "steps", "prefer_data_aware_scaling")),
    "scale_estimation_params": dict.fromkeys(NNCF_RELEASES, ("subset_size", "initial_steps", "scale_steps", "weight_penalty")),
    "gptq_params": dict.fromkeys(NNCF_RELEASES, ("damp_percent", "block_size", "subset_size")),
    "lora_correction_params": dict.fromkeys(NNCF_RELEASES, ("adapter_rank", "num_iterations", "apply_regularization", "subset_size", "use_int8_adapters")),
}
# --- optimum-intel 2.2.0 (optimum/intel/openvino/configuration.py) -------------------------------------------------
OPTIMUM_INTEL_RELEASE = "2.2.0"
# _DEFAULT_INT8_FQ_CONFIGS: the models get_default_quantization_config has a full-quantization default for; it has
# none for any other quant_mode than int8.
DEFAULT_INT8_FQ_MODELS = frozenset({
    "FacebookAI/roberta-large", "facebook/sam-vit-base", "facebook/sam-vit-huge", "facebook/sam-vit-large",
    "google-bert/bert-base-multilingual-uncased", "google-t5/t5-3b", "google-t5/t5-large", "google-t5/t5-small",
    "hf-tiny-model-private/tiny-random-CLIPModel", "openai/clip-vit-base-patch16", "openai/clip-vit-base-patch32",
    "openai/clip-vit-large-patch14",
})

# optimum_intel.py:611-646: what no_compression_parameter_provided and no_quantization_parameter_provided read.
COMPRESSION_PARAMETERS = ("ratio", "group_size", "sym", "all_layers", "dataset", "num_samples", "awq", "scale_estimation",
                          "gptq", "lora_correction", "sensitivity_metric", "backup_precision")
QUANTIZATION_PARAMETERS = ("sym", "dataset", "num_samples", "smooth_quant_alpha")
QUANTIZERS = ("OpenVINOQuantization", "OpenVINOQuantizationWithAccuracy")


# --- helpers ------------------------------------------------------------------------------------------------------


def _object(entry, key: str) -> Node | None:
    """A pass parameter's object value (compress_config, extra_args, ov_quant_config), None otherwise."""
    prop = entry.params.get(key)
    node = prop.value if prop is not None else None
    if node is None or not node.is_object or node.get("olive_parameter_type") is not None:
        return None
    return node


def _set(obj: Node | None, key: str) -> Property | None:
    """The property when it is written with a value other than null (what `.get(key) is not None` sees)."""
    prop = obj.prop(key) if obj is not None else None
    return prop if prop is not None and prop.value is not None and prop.value.kind != "null" else None


def _advanced(entry) -> Node | None:
    """extra_args.advanced_compression_parameters when it is an object."""
    prop = _set(_object(entry, "extra_args"), "advanced_compression_parameters")
    return prop.value if prop is not None and prop.value.is_object else None


def _closest(value, candidates) -> list[str]:
    text = value if isinstance(value, str) else str(value)
    return difflib.get_close_matches(text.lower(), list(candidates), n=3, cutoff=0.4) or list(candidates)[:3]


def _replace(value, candidates) -> dict:
    return {"title": "Replace with", "replace_value": _closest(value, candidates)}


def _nncf_known(enum: str, text: str) -> bool:
    """Olive's _validate_enum_value (ov_utils.py:35-66): a value or a name, in any case, of any release in the table."""
    return any(text.lower() in {n.lower() for n, _ in members} | {v.lower() for _, v in members} for members in NNCF_ENUMS[enum].values())


def _nncf_values(enum: str) -> list[str]:
    return sorted({v for members in NNCF_ENUMS[enum].values() for _, v in members})


def _olive_enum_known(text: str, values) -> bool:
    """_validate_enum_value for an Olive enum of lower-case values whose names are the values upper-cased."""
    return text.lower() in values


def _releases() -> str:
    return "/".join(NNCF_RELEASES)


def _pruned_detail(where: str, message: str) -> str:
    return f"{where} logs `{message}` and returns False. {PRUNED_DETAIL}"


# --- OpenVINOWeightCompression: compress_config and extra_args ---------------------------------------------------

# (object parameter, key, nncf enum); extra_args' are read at compression.py:229-240, compress_config's at 207-227.
NNCF_ENUM_KEYS = (
    ("compress_config", "mode", "CompressWeightsMode"),
    ("compress_config", "sensitivity_metric", "SensitivityMetric"),
    ("compress_config", "backup_mode", "BackupMode"),
    ("compress_config", "compression_format", "CompressionFormat"),
    ("extra_args", "model_type", "ModelType"),
    ("extra_args", "preset", "QuantizationPreset"),
)


def _nncf_enum_targets(entry):
    for owner, key, enum in NNCF_ENUM_KEYS:
        prop = _set(_object(entry, owner), key)
        if prop is not None:
            yield f"{owner}.{key}", prop.value, enum
    prop = _set(_advanced(entry), "group_size_fallback_mode")
    if prop is not None:
        yield "advanced_compression_parameters.group_size_fallback_mode", prop.value, "GroupSizeFallbackMode"


@rule("OLV430", "nncf-enum-value", "OpenVINOWeightCompression: a compress_config/extra_args value nncf's enum does not have.", ERROR)
def nncf_enum_value(ctx: RuleContext):
    """OpenVINOWeightCompression.validate_config checks compress_config's mode, sensitivity_metric, backup_mode and
    compression_format, extra_args' model_type and preset, and advanced_compression_parameters'
    group_size_fallback_mode against nncf's enums (compression.py:207-248, 100-116; a value or a name, any case):
    anything else is logged and the pass pruned. nncf's enums change between releases, so a string outside the
    tables of the releases olive-ls read is a warning; a value that is not a string is pruned in any release."""
    for entry, _canonical in entries(ctx, "OpenVINOWeightCompression"):
        for where, node, enum in _nncf_enum_targets(entry):
            name = where.rsplit(".", 1)[-1]
            if node.kind != "string":
                yield Finding.at(
                    node,
                    f"{PRUNED}: {name} must be a string (nncf.{enum}).",
                    severity=ERROR,
                    detail=_pruned_detail("compression.py:207-248 (ov_utils.py:49-50)", f"{name} '...' is not a valid string or {enum} enum.")
                    + f" Values: {', '.join(_nncf_values(enum))}.",
                )
            elif not _nncf_known(enum, node.value):
                yield Finding.at(
                    node,
                    f"{PRUNED}: nncf {_releases()} have no {name} '{node.value}'.",
                    severity=WARNING,
                    detail="Unless your nncf has it: "
                    + _pruned_detail("compression.py:207-248 (ov_utils.py:35-66)", f"{name} '{node.value}' is not supported. Supported values are: ...")
                    + f" nncf {_releases()} accept (as value or name, any case): {', '.join(_nncf_values(enum))}.",
                    fix=_replace(node.value, _nncf_values(enum)),
                )


@rule("OLV431", "weight-compression-library", "OpenVINOWeightCompression extra_args.library not one of Olive's OVOptimumLibrary.", ERROR)
def weight_compression_library(ctx: RuleContext):
    """compression.py:229-240 checks extra_args.library against OVOptimumLibrary (ov_utils.py:26-31, a value or a
    name, any case): another value is logged and the pass pruned."""
    for entry, _canonical in entries(ctx, "OpenVINOWeightCompression"):
        prop = _set(_object(entry, "extra_args"), "library")
        if prop is None or (prop.value.kind == "string" and _olive_enum_known(prop.value.value, OV_LIBRARIES)):
            continue
        value = prop.value.to_python()
        yield Finding.at(
            prop.value,
            f"{PRUNED}: library {value!r} is not supported.",
            detail=_pruned_detail("compression.py:229-240 (ov_utils.py:35-66)", f"library '{value}' is not supported. Supported values are: ...")
            + f" OVOptimumLibrary (a value or a name, any case): {', '.join(OV_LIBRARIES)}.",
            fix=_replace(value, OV_LIBRARIES),
        )


def _unknown_advanced_keys(advanced: Node):
    """(key node, path, known keys) for each key nncf.AdvancedCompressionParameters (or a nested dataclass) lacks."""
    for prop in advanced.properties:
        fields = NNCF_ADVANCED_FIELDS[None]
        if not any(prop.key in names for names in fields.values()):
            yield prop, prop.key, sorted(set().union(*fields.values()))
            continue
        nested = NNCF_ADVANCED_FIELDS.get(prop.key)
        if nested is None or prop.value is None or not prop.value.is_object:
            continue
        for inner in prop.value.properties:
            if not any(inner.key in names for names in nested.values()):
                yield inner, f"{prop.key}.{inner.key}", sorted(set().union(*nested.values()))


@rule("OLV432", "advanced-compression-key", "advanced_compression_parameters with a key nncf's dataclass does not take.", WARNING)
def advanced_compression_key(ctx: RuleContext):
    """OpenVINOWeightCompression passes extra_args.advanced_compression_parameters to
    nncf.AdvancedCompressionParameters(**...), its awq_params/scale_estimation_params/gptq_params/
    lora_correction_params to nncf's nested dataclasses (compression.py:404-425, 479): a key they do not have raises
    TypeError `unexpected keyword argument` when the pass runs. (backend_params is the backend's dict: not checked.)"""
    for entry, _canonical in entries(ctx, "OpenVINOWeightCompression"):
        advanced = _advanced(entry)
        if advanced is None:
            continue
        for prop, path, known in _unknown_advanced_keys(advanced):
            yield Finding.at(
                prop,
                f"Olive will fail calling nncf (TypeError): nncf {_releases()} take no advanced_compression_parameters.{path}.",
                detail=f"compression.py:404-425, 479 build nncf's dataclasses with **{path.rsplit('.', 1)[0] if '.' in path else 'advanced_compression_parameters'}; "
                f"a key they lack raises TypeError (`got an unexpected keyword argument '{prop.key}'`) after the model is "
                f"exported, unless your nncf has it. Keys: {', '.join(known)}.",
                fix={"title": "Rename to", "replace_key": _closest(prop.key, known)},
            )


# --- ignored_scope and ignored_scope_type (OpenVINOWeightCompression, OpenVINOQuantization*) -----------------------


def _scope_problem(scope, kinds) -> tuple[str, str] | None:
    """What _get_extra_params raises for this pair (compression.py:325-354, quantization.py:262-289), and which of the
    two keys is at fault; None if nothing."""
    if scope and not kinds:
        return "ignored_scope needs ignored_scope_type (names, types, patterns)", "ignored_scope"
    if kinds and not scope:
        return "ignored_scope_type needs ignored_scope", "ignored_scope_type"
    if not scope or not isinstance(kinds, list):
        return None
    if not isinstance(scope, list) or not all(isinstance(item, list) for item in scope):
        return "ignored_scope must be a list of lists (one per type)", "ignored_scope"
    if len(set(map(str, kinds))) != len(kinds):
        return "the values of ignored_scope_type must be unique", "ignored_scope_type"
    if len(scope) != len(kinds):
        return f"ignored_scope has {len(scope)} lists for {len(kinds)} ignored_scope_type values", "ignored_scope"
    return None


@rule("OLV433", "ignored-scope-pair", "ignored_scope and ignored_scope_type that Olive cannot pair into an nncf.IgnoredScope.", ERROR)
def ignored_scope_pair(ctx: RuleContext):
    """OpenVINOWeightCompression and OpenVINOQuantization(WithAccuracy) build nncf.IgnoredScope from ignored_scope and
    ignored_scope_type (compression.py:325-354, quantization.py:262-289): one without the other, a list of types
    with a flat ignored_scope, duplicate types, or not one list per type raise ValueError when the pass runs."""
    for entry, canonical in entries(ctx, "OpenVINOWeightCompression", *QUANTIZERS):
        values = {key: param(ctx, entry, canonical, key) for key in ("ignored_scope", "ignored_scope_type")}
        if not all(v.concrete for v in values.values()):
            continue
        found = _scope_problem(values["ignored_scope"].value, values["ignored_scope_type"].value)
        if found is None:
            continue
        problem, key = found
        at = values[key].prop or values["ignored_scope"].prop or values["ignored_scope_type"].prop
        fix = None
        if not values["ignored_scope_type"].given:
            fix = {"title": "Add 'ignored_scope_type'", "add_keys": ["ignored_scope_type"], "values": {"ignored_scope_type": "names"}, "object_path": entry.node.path()}
        where = "compression.py:325-354" if canonical == "OpenVINOWeightCompression" else "quantization.py:262-289"
        yield Finding.at(
            at,
            f"Olive will fail in {canonical}: {problem}.",
            detail=f"{where} raises ValueError when the pass runs (`Both 'ignored_scope' and 'ignored_scope_type' must be "
            "provided together ...`, `... ignored_scope must be a list of lists.`, `All values in ignored_scope_type must be "
            "unique ...`, `Length of ignored_scope must match length of ignored_scope_type ...`).",
            fix=fix,
        )


# --- the model a pass gets ----------------------------------------------------------------------------------------

MODEL_KINDS = {
    "hfmodel": "hf", "pytorchmodel": "pytorch", "diffusersmodel": "diffusers", "onnxmodel": "onnx",
    "distributedonnxmodel": "onnx", "openvinomodel": "openvino", "distributedhfmodel": "distributed-hf",
    "tensorflowmodel": "tensorflow", "qnnmodel": "qnn", "qairtmodel": "qairt", "qairtpreparedmodel": "qairt",
}
# An OpenVINO model OpenVINOConversion made from a PyTorchModel's module: its outputs may have no tensor names. (An
# HfModel's forward returns a ModelOutput, whose keys name the outputs.)
UNNAMED = "openvino-unnamed"
KIND_WORDS = {
    "hf": "an HfModel", "pytorch": "a PyTorchModel", "diffusers": "a DiffusersModel", "onnx": "an ONNX model",
    "openvino": "an OpenVINO model", UNNAMED: "an OpenVINO model", "distributed-hf": "a DistributedHfModel",
    "tensorflow": "a TensorFlowModel", "qnn": "a QNNModel", "qairt": "a QAIRT model",
}


def _kind_after(ctx: RuleContext, entry, canonical: str | None, kind: str):
    """The model kind a pass returns for this kind, None when olive-ls does not follow it."""
    if canonical is None:
        return None
    if canonical == "OpenVINOConversion":
        return UNNAMED if kind == "pytorch" else "openvino"
    if canonical == "OpenVINOOptimumConversion":
        return "openvino"
    if canonical == "OpenVINOIoUpdate":
        return "openvino" if kind in ("openvino", UNNAMED) else None
    if canonical in QUANTIZERS:
        return kind if kind in ("openvino", UNNAMED, "onnx") else None
    if canonical == "OpenVINOWeightCompression":
        if kind == "hf":
            extra = _object(entry, "extra_args")
            use_onnx = _set(extra, "use_onnx")
            return None if use_onnx is not None else "openvino"
        return kind if kind in ("onnx", "openvino", UNNAMED) else None
    if canonical == "OpenVINOEncapsulation":
        return "onnx" if kind in ("openvino", UNNAMED) else None
    return core_kind_after(ctx, entry, canonical, kind)


def _flow(ctx: RuleContext):
    """(entry, canonical, kind of the model it gets) in pass order, while the kind is known (rules/passes.py's
    model_flow, with the OpenVINO passes followed too). A CompositeModel's components are run one by one
    (olive_pass.py:230-241), so a composite of OpenVINO models counts as OpenVINO."""
    return model_flow(ctx, input_kind(ctx, MODEL_KINDS), _kind_after)


@rule("OLV434", "weight-compression-input", "OpenVINOWeightCompression gets a model other than an HF, ONNX or OpenVINO one.", ERROR)
def weight_compression_input(ctx: RuleContext):
    """OpenVINOWeightCompression raises TypeError `... can only be applied to Hugging Face, ONNX, or OpenVINO models`
    for any other model (compression.py:528-530): a PyTorchModel, a DiffusersModel, a DistributedHfModel."""
    for entry, canonical, kind in _flow(ctx):
        if canonical == "OpenVINOWeightCompression" and entry.type_node is not None and kind not in ("hf", "onnx", "openvino", UNNAMED):
            yield Finding.at(
                entry.type_node,
                f"Olive will fail in OpenVINOWeightCompression: it takes HF, ONNX or OpenVINO models; this one gets {KIND_WORDS[kind]}.",
                detail="compression.py:528-530 raises TypeError `OpenVINOWeightCompression pass can only be applied to Hugging Face, "
                "ONNX, or OpenVINO models`. Convert the model first (OpenVINOConversion, OnnxConversion).",
            )


@rule("OLV435", "openvino-quantization-input", "OpenVINOQuantization(WithAccuracy) gets a model other than an OpenVINO or ONNX one.", ERROR)
def openvino_quantization_input(ctx: RuleContext):
    """OpenVINOQuantization and OpenVINOQuantizationWithAccuracy raise TypeError `... can only be applied to OpenVINO
    or ONNX models.` for any other model (quantization.py:300-302, 417-419)."""
    for entry, canonical, kind in _flow(ctx):
        if canonical in QUANTIZERS and entry.type_node is not None and kind not in ("onnx", "openvino", UNNAMED):
            line = "300-302" if canonical == "OpenVINOQuantization" else "417-419"
            yield Finding.at(
                entry.type_node,
                f"Olive will fail in {canonical}: it takes OpenVINO or ONNX models; this one gets {KIND_WORDS[kind]}.",
                detail=f"quantization.py:{line} raises TypeError `{canonical} pass can only be applied to OpenVINO or ONNX models.` "
                "Convert the model first (OpenVINOConversion or OpenVINOOptimumConversion).",
            )


@rule("OLV436", "encapsulation-unnamed-outputs", "OpenVINOEncapsulation after OpenVINOConversion of a PyTorchModel, with no OpenVINOIoUpdate.", WARNING)
def encapsulation_unnamed_outputs(ctx: RuleContext):
    """OpenVINOEncapsulation names the EPContext node's inputs and outputs after the OpenVINO model's tensors and raises
    ValueError `Incorrect IO names, please use OpenVINO reshape pass before this pass` for a tensor without a name
    (encapsulation.py:150-168). openvino.convert_model of a PyTorch module leaves outputs unnamed unless the module
    returns a dict; OpenVINOIoUpdate names every unnamed input and output (io_update.py:112-128)."""
    for entry, canonical, kind in _flow(ctx):
        if canonical == "OpenVINOEncapsulation" and kind == UNNAMED and entry.type_node is not None:
            yield Finding.at(
                entry.type_node,
                "Olive may fail in OpenVINOEncapsulation: OpenVINOConversion of a PyTorchModel can leave outputs unnamed.",
                detail="encapsulation.py:150-168 raises ValueError `Incorrect IO names, please use OpenVINO reshape pass before this pass` "
                "for a tensor without a name (convert_model names outputs only for a module that returns a dict). Add "
                "OpenVINOIoUpdate before it: it names every unnamed input and output (io_update.py:112-128).",
            )


# --- OpenVINOOptimumConversion: extra_args and ov_quant_config values (optimum_intel.py:280-345) --------------------


def _not_in(ctx: RuleContext, owner: str, key: str, values, where: str, noun: str):
    """validate_config's `value not in [e.value for e in Enum]` checks (exact, case-sensitive): pruned."""
    for entry, _canonical in entries(ctx, "OpenVINOOptimumConversion"):
        prop = _set(_object(entry, owner), key)
        if prop is None or prop.value.to_python() in values:
            continue
        value = prop.value.to_python()
        yield Finding.at(
            prop.value,
            f"{PRUNED}: {noun} {value!r} is not supported.",
            detail=_pruned_detail(f"optimum_intel.py:{where}", f"{noun.capitalize()} {value} is not supported. Supported ... are {', '.join(values)}.")
            + " Olive compares the exact value, case included.",
            fix=_replace(value, values),
        )


@rule("OLV437", "optimum-library", "OpenVINOOptimumConversion extra_args.library not one of OVOptimumLibrary's values.", ERROR)
def optimum_library(ctx: RuleContext):
    """optimum_intel.py:280-291 prunes the pass for an extra_args.library that is not exactly one of OVOptimumLibrary's
    values (ov_utils.py:26-31)."""
    yield from _not_in(ctx, "extra_args", "library", OV_LIBRARIES, "280-291", "library")


@rule("OLV438", "optimum-framework", "OpenVINOOptimumConversion extra_args.framework other than 'pt' or 'tf'.", ERROR)
def optimum_framework(ctx: RuleContext):
    """optimum_intel.py:293-304 prunes the pass for an extra_args.framework that is not one of OVOptimumFramework's
    values (pt, tf)."""
    yield from _not_in(ctx, "extra_args", "framework", OV_FRAMEWORKS, "293-304", "framework")


@rule("OLV439", "optimum-weight-format", "OpenVINOOptimumConversion ov_quant_config.weight_format not one of OVWeightFormat's values.", ERROR)
def optimum_weight_format(ctx: RuleContext):
    """optimum_intel.py:306-318 prunes the pass for an ov_quant_config.weight_format that is not one of OVWeightFormat's
    values (fp32, fp16, int8, int4, mxfp4, nf4)."""
    yield from _not_in(ctx, "ov_quant_config", "weight_format", OV_WEIGHT_FORMATS, "306-318", "weight format")


@rule("OLV440", "optimum-quant-mode", "OpenVINOOptimumConversion ov_quant_config.quant_mode not one of OVQuantMode's values.", ERROR)
def optimum_quant_mode(ctx: RuleContext):
    """optimum_intel.py:320-331 prunes the pass for an ov_quant_config.quant_mode that is not one of OVQuantMode's values
    (int8, f8e4m3, f8e5m2, nf4_f8e4m3, nf4_f8e5m2, int4_f8e4m3, int4_f8e5m2; cb4_f8e4m3, which line 456 names, is not
    one)."""
    yield from _not_in(ctx, "ov_quant_config", "quant_mode", OV_QUANT_MODES, "320-331", "quant mode")


@rule("OLV441", "optimum-backup-precision", "OpenVINOOptimumConversion ov_quant_config.backup_precision not a value of nncf.BackupMode.", ERROR)
def optimum_backup_precision(ctx: RuleContext):
    """optimum_intel.py:333-345 prunes the pass for an ov_quant_config.backup_precision that is not exactly a value of
    the installed nncf's BackupMode; the values differ between nncf releases, so one outside the tables olive-ls read is
    a warning (a value that is not a string, or not lower case, is pruned in any release)."""
    values = _nncf_values("BackupMode")
    for entry, _canonical in entries(ctx, "OpenVINOOptimumConversion"):
        prop = _set(_object(entry, "ov_quant_config"), "backup_precision")
        if prop is None or prop.value.to_python() in values:
            continue
        value = prop.value.to_python()
        certain = not isinstance(value, str) or value != value.lower()
        yield Finding.at(
            prop.value,
            f"{PRUNED}: " + (f"backup_precision {value!r} is not supported." if certain else f"nncf {_releases()} have no backup_precision {value!r}."),
            severity=ERROR if certain else WARNING,
            detail=("" if certain else "Unless your nncf has it: ") + _pruned_detail("optimum_intel.py:333-345", f"Backup precision {value} is not supported. Supported backup precisions are ...")
            + f" nncf {_releases()}: {', '.join(values)} (exact values, lower case).",
            fix=_replace(value, values),
        )


# --- OpenVINOOptimumConversion: what ov_quant_config needs (optimum_intel.py:383-479) ------------------------------


def _written(obj: Node, keys) -> list[str]:
    return [key for key in keys if _set(obj, key) is not None]


def _ov_quant_configs(ctx: RuleContext):
    """(entry, ov_quant_config's property, its object, weight_format, quant_mode) of each OpenVINOOptimumConversion
    whose ov_quant_config is a non-empty object (Olive skips all of this for an empty one)."""
    for entry, _canonical in entries(ctx, "OpenVINOOptimumConversion"):
        obj = _object(entry, "ov_quant_config")
        if obj is None or not obj.properties:
            continue
        fmt, mode = _set(obj, "weight_format"), _set(obj, "quant_mode")
        yield entry, entry.params["ov_quant_config"], obj, fmt.value.to_python() if fmt else None, mode.value.to_python() if mode else None


@rule("OLV442", "ov-quant-config-without-format", "ov_quant_config with compression or quantization parameters but no weight_format/quant_mode.", ERROR)
def ov_quant_config_without_format(ctx: RuleContext):
    """With neither weight_format nor quant_mode, OpenVINOOptimumConversion raises ValueError for any compression
    parameter (ratio, group_size, sym, all_layers, dataset, num_samples, awq, scale_estimation, gptq, lora_correction,
    sensitivity_metric, backup_precision) or quantization_statistics_path, and for smooth_quant_alpha
    (optimum_intel.py:384-397)."""
    for entry, prop, obj, fmt, mode in _ov_quant_configs(ctx):
        if fmt is not None or mode is not None:
            continue
        compression = _written(obj, (*COMPRESSION_PARAMETERS, "quantization_statistics_path"))
        quantization = _written(obj, QUANTIZATION_PARAMETERS)
        if compression:
            missing, given, line = "weight_format", compression, "386-392"
        elif quantization:
            missing, given, line = "quant_mode", quantization, "394-397"
        else:
            continue
        yield Finding.at(
            prop,
            f"Olive will fail in OpenVINOOptimumConversion: ov_quant_config sets {', '.join(given)} but no {missing}.",
            detail=f"optimum_intel.py:{line} raises ValueError `Some {'compression' if missing == 'weight_format' else 'quantization'} "
            f"parameters are provided, but the {'weight format' if missing == 'weight_format' else 'quant mode'} is not specified.` "
            f"Add {missing} ({', '.join(OV_WEIGHT_FORMATS if missing == 'weight_format' else OV_QUANT_MODES)}).",
            fix={"title": f"Add '{missing}'", "add_keys": [missing], "values": {missing: "int4" if missing == "weight_format" else "int8"}, "object_path": obj.path()},
        )


@rule("OLV443", "weight-format-and-quant-mode", "ov_quant_config with both weight_format and quant_mode.", ERROR)
def weight_format_and_quant_mode(ctx: RuleContext):
    """OpenVINOOptimumConversion raises ValueError `Both weight_format and quant_mode are provided.` when both are set
    (optimum_intel.py:404-409), except for weight_format fp16/fp32, which is taken first and quant_mode ignored
    (399-400)."""
    for _entry, _prop, obj, fmt, mode in _ov_quant_configs(ctx):
        if fmt is None or mode is None or fmt not in OV_WEIGHT_FORMATS or mode not in OV_QUANT_MODES:
            continue
        mode_prop = _set(obj, "quant_mode")
        if fmt in ("fp16", "fp32"):
            yield Finding.at(
                mode_prop,
                f"Olive will ignore quant_mode: weight_format '{fmt}' is taken first and the model is only cast to {fmt}.",
                severity=WARNING,
                detail="optimum_intel.py:399-400 builds OVConfig(dtype=weight_format) and never reads quant_mode.",
                fix={"title": "Remove 'quant_mode'", "delete_property": True},
            )
            continue
        yield Finding.at(
            mode_prop,
            "Olive will fail in OpenVINOOptimumConversion: both weight_format and quant_mode are set; keep one.",
            detail="optimum_intel.py:404-409 raises ValueError `Both weight_format and quant_mode are provided. Please provide only "
            "one of them.` weight_format is weight-only compression, quant_mode full quantization.",
            fix={"title": "Remove 'quant_mode'", "delete_property": True},
        )


def _has_int8_default(ctx: RuleContext) -> bool:
    """get_default_quantization_config's match (optimum-intel configuration.py:701-741): the model id, or a folder named
    like one's last part. (A local folder whose config.json's _name_or_path matches is not read: unknown, so True.)"""
    model = ctx.view.input_model
    prop = model.params.get("model_path") if model is not None else None
    path = prop.value.value if prop is not None and prop.value is not None and prop.value.kind == "string" else None
    if path is None:
        return True
    if path in DEFAULT_INT8_FQ_MODELS or Path(path).name in {m.split("/")[-1] for m in DEFAULT_INT8_FQ_MODELS}:
        return True
    return "/" not in path.strip("/") or path.startswith((".", "/", "~"))  # a local folder: its config.json decides


@rule("OLV444", "full-quantization-unbound", "OpenVINOOptimumConversion full quantization (quant_mode) that fails before it starts.", ERROR)
def full_quantization_unbound(ctx: RuleContext):
    """With quant_mode (and no weight_format), OpenVINOOptimumConversion uses optimum-intel's default quantization config
    for the model when ov_quant_config sets none of sym, dataset, num_samples, smooth_quant_alpha and optimum-intel
    has one (optimum_intel.py:440-449); otherwise it reads `quant_config.get("dataset")` before quant_config is
    assigned (line 451) and raises UnboundLocalError, so the `Dataset is required for full quantization.` check and
    everything after it are never reached. optimum-intel 2.2.0 has defaults only for quant_mode int8 and a dozen
    models (_DEFAULT_INT8_FQ_CONFIGS)."""
    for _entry, prop, obj, fmt, mode in _ov_quant_configs(ctx):
        if fmt is not None or mode not in OV_QUANT_MODES:
            continue
        given = _written(obj, QUANTIZATION_PARAMETERS)
        if not given and mode == "int8" and _has_int8_default(ctx):
            continue
        mode_prop = _set(obj, "quant_mode")
        headline = (
            f"Olive will fail with UnboundLocalError: ov_quant_config sets {', '.join(given)} with quant_mode." if given
            else f"Olive will fail with UnboundLocalError unless your optimum-intel has a default {mode} config for this model."
        )
        yield Finding.at(
            mode_prop.value,
            headline,
            severity=None if given else WARNING,
            detail="optimum_intel.py:450-451 reads `quant_config.get(\"dataset\")` before quant_config is assigned, so full "
            "quantization fails unless ov_quant_config sets none of sym, dataset, num_samples, smooth_quant_alpha and "
            f"optimum-intel has a default config for the model ({OPTIMUM_INTEL_RELEASE} has them only for quant_mode int8 and "
            f"{len(DEFAULT_INT8_FQ_MODELS)} models). Use weight_format (weight-only compression) or OpenVINOQuantization.",
        )


def _fails_first(ctx: RuleContext, obj: Node, fmt, mode) -> bool:
    """Whether OLV442, OLV443 or OLV444 already says the pass fails before quantization_statistics_path matters."""
    if fmt is None and mode is None:
        return True
    if fmt is not None and mode is not None:
        return fmt not in ("fp16", "fp32")
    if fmt is None:
        return bool(_written(obj, QUANTIZATION_PARAMETERS)) or mode != "int8" or not _has_int8_default(ctx)
    return False


@rule("OLV445", "statistics-path-ignored", "ov_quant_config.quantization_statistics_path where Olive does not pass it on.", WARNING)
def statistics_path_ignored(ctx: RuleContext):
    """OpenVINOOptimumConversion copies quantization_statistics_path into the quantization config only for weight_format
    int4/int8 with no other compression parameter (optimum_intel.py:420-438); with parameters it builds the config
    with prep_wc_config, which reads `statistics_path` instead (595); other weight formats and quant_mode never read
    it (the warning at 475-479 is unreachable: line 451 raises first)."""
    for _entry, _prop, obj, fmt, mode in _ov_quant_configs(ctx):
        stats = _set(obj, "quantization_statistics_path")
        if stats is None or _fails_first(ctx, obj, fmt, mode):
            continue
        params = _written(obj, COMPRESSION_PARAMETERS)
        if fmt in ("int4", "int8") and not params:
            continue
        if fmt in ("int4", "int8"):
            why, fix = f"with {', '.join(params)} set, Olive reads 'statistics_path' instead", {"title": "Rename to", "replace_key": ["statistics_path"]}
        else:
            why, fix = f"it is read only for weight_format int4/int8, not {fmt or 'quant_mode ' + str(mode)}", {"title": "Remove 'quantization_statistics_path'", "delete_property": True}
        yield Finding.at(
            stats,
            f"Olive will ignore quantization_statistics_path: {why}.",
            detail="optimum_intel.py:420-438 copies it into the config only for int4/int8 without other compression "
            "parameters; prep_wc_config (optimum_intel.py:595) reads ov_quant_config's `statistics_path`.",
            fix=fix,
        )


# --- library inference (ov_utils.py:145-150) ----------------------------------------------------------------------


def _sentence_transformers_model(ctx: RuleContext, path: str) -> bool:
    """optimum's TasksManager._infer_library_from_model_name_or_path: a file named sentence_* or
    config_sentence_transformers.json (no model_index.json); for a hub id only the sentence-transformers org is known."""
    if path.startswith("sentence-transformers/"):
        return True
    folder = config_paths.locate(path, ctx.file_path)
    if folder is None or not folder.is_dir():
        return False
    try:
        names = {p.name for p in folder.iterdir()}
    except OSError:
        return False
    return "model_index.json" not in names and any(n.startswith("sentence_") or n == "config_sentence_transformers.json" for n in names)


@rule("OLV446", "library-inferred-as-transformers", "A sentence-transformers model for an OpenVINO pass without extra_args.library.", HINT, needs_environment=True)
def library_inferred_as_transformers(ctx: RuleContext):
    """Without extra_args.library, OpenVINOOptimumConversion and OpenVINOWeightCompression (on an HfModel) infer it from
    the model's files; for a sentence-transformers model they log a warning and export it with transformers
    (ov_utils.py:145-150)."""
    model = ctx.view.input_model
    if model is None or not isinstance(model.type_name, str) or model.type_name.lower() != "hfmodel":
        return
    prop = model.params.get("model_path")
    if prop is None or prop.value is None or prop.value.kind != "string" or not _sentence_transformers_model(ctx, prop.value.value):
        return
    for entry, canonical in entries(ctx, "OpenVINOOptimumConversion", "OpenVINOWeightCompression"):
        if _set(_object(entry, "extra_args"), "library") is not None or entry.type_node is None:
            continue
        yield Finding.at(
            entry.type_node,
            f"Olive will export this sentence-transformers model with transformers: {canonical} has no extra_args.library.",
            detail="ov_utils.py:145-150 logs `Library name is not specified. There are multiple possible variants ...` and picks "
            "transformers. Set extra_args.library to 'sentence_transformers' (or 'transformers') to choose.",
        )


# --- genai_config_override (OLV586) ---------------------------------------------------------------------------------

# The genai_config.json create_genai_config builds (ov_utils.py:242-358): every key it can hold (pad_token_id is
# always set, line 346-355). None: a value read from the model's config.json or graph, whose type is not fixed;
# "*": a mapping whose keys come from the model (the graph's input and output names).
GENAI_TEMPLATE = {
    "model": {
        "bos_token_id": None, "context_length": None, "eos_token_id": None, "pad_token_id": None, "type": "", "vocab_size": None,
        "decoder": {
            "session_options": {"log_id": "onnxruntime-genai", "graph_optimization_level": "ORT_DISABLE_ALL", "provider_options": []},
            "filename": "", "head_size": None, "hidden_size": None, "inputs": "*", "outputs": "*",
            "num_attention_heads": None, "num_hidden_layers": None, "num_key_value_heads": None,
        },
    },
    "search": {
        "diversity_penalty": 0.0, "do_sample": False, "early_stopping": True, "length_penalty": 1.0, "max_length": None,
        "min_length": 0, "no_repeat_ngram_size": 0, "num_beams": 1, "num_return_sequences": 1,
        "past_present_share_buffer": False, "repetition_penalty": 1.0, "temperature": 1.0, "top_k": 1, "top_p": 1.0,
    },
}


def _type_name(value) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "a string" if isinstance(value, str) else "a list" if isinstance(value, list) else "an object"


def _compatible(default, value) -> bool:
    """ov_utils.py:158-172 _compatible_type (a bool is not a number)."""
    if default is None or default == "*":
        return True
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    return isinstance(value, type(default)) if not isinstance(default, list) else isinstance(value, list)


def _override_problems(node: Node, template: dict, path: str):
    """(property or value, problem, the template's keys there) for the keys apply_genai_overrides drops and the
    values it warns about."""
    for prop in node.properties:
        here = f"{path}.{prop.key}" if path else prop.key
        if prop.key not in template:
            yield prop, f"'{here}' is not a key of the genai_config Olive generates", list(template)
            continue
        default = template[prop.key]
        if isinstance(default, dict) and prop.value is not None and prop.value.is_object:
            yield from _override_problems(prop.value, default, here)
        elif prop.value is not None and not _compatible(default, prop.value.to_python()) and not isinstance(default, dict):
            yield prop.value, f"'{here}' is {_type_name(prop.value.to_python())}, genai_config has {_type_name(default)}: Olive writes it with a warning", []


@rule("OLV586", "genai-config-override-ignored", "An OpenVINOEncapsulation genai_config_override key Olive skips, or a value of another type.", WARNING)
def genai_config_override_ignored(ctx: RuleContext):
    """create_genai_config merges genai_config_override into the genai_config.json it builds (ov_utils.py:362-365):
    apply_genai_overrides (ov_utils.py:175-207) skips a key the generated config does not have, without a word, and
    writes a value of another type after logging `Type mismatch at ...` (onnxruntime-genai then reads that value)."""
    for entry, _canonical in entries(ctx, "OpenVINOEncapsulation"):
        override = _object(entry, "genai_config_override")
        if override is None:
            continue
        for target, problem, keys in _override_problems(override, GENAI_TEMPLATE, ""):
            skipped = isinstance(target, Property)
            yield Finding.at(
                target,
                f"Olive ignores this override: {problem}." if skipped else f"{problem}.",
                detail="ov_utils.py:195-207 updates only the keys genai_config.json already has (model.{bos_token_id, "
                "context_length, decoder, eos_token_id, pad_token_id, type, vocab_size}, search.*) and logs `Type mismatch` "
                "for a value whose type differs from the generated one, writing it anyway.",
                fix={"title": "Rename to", "replace_key": _closest(target.key, keys)} if skipped else None,
            )
