"""Vendor SDK passes at run time (OLV450-OLV469, OLV581-OLV582): QAIRT, QNN, AIMET, Vitis AI and Quark options and pass order.
Rows P149, P150, P169, P172-P176, P253, P255-P257, P259, P260, P262, P265 (and P170, P258) of docs/olive-runtime-checks.md.

What Olive's own code decides is generated (schemas/olive-0.13.0/vendor-behaviour.json, read through
model/vendor_behaviour.py); what amd-quark decides (not installed with olive-ls) is the table below, read from its
source. QAIRT is not on PyPI: its checks cite Olive's lines and say where the SDK decides.
"""

from __future__ import annotations

from pathlib import Path

from olive_ls.document.nodes import Node
from olive_ls.model.vendor_behaviour import vendor_behaviour
from olive_ls.rules.passes import MODEL_KINDS, core_kind_after, input_kind, model_flow
from olive_ls.rules.registry import ERROR, HINT, WARNING, Finding, RuleContext, rule
from olive_ls.rules.runtime_helpers import PRUNED, PRUNED_DETAIL, entries, node_of, param, show

# amd-quark 0.12.post1 and 0.13, quark/onnx/quantization/config/data_type.py `dt_name_map`: the names parse_data_type
# accepts (any other raises KeyError). amd-quark 0.11 has no parse_data_type, and Olive then skips the check.
QUARK_DATA_TYPES = frozenset({
    "Int8", "UInt8", "Int16", "UInt16", "Int32", "UInt32", "Float16", "BFloat16", "BFP16", "MX4", "MX6", "MX9",
    "MXFP4E2M1", "MXFP6E3M2", "MXFP6E2M3", "MXFP8E5M2", "MXFP8E4M3", "MXInt8",
})
# amd-quark 0.13, quark/onnx/quantization/config/spec.py: QTensorConfig.__init__'s parameters (another key raises
# TypeError from QTensorConfig(**kwargs)) and the keys QLayerConfig.from_dict reads (others are dropped).
QUARK_TENSOR_KEYS = frozenset({"symmetric", "scale_type", "calibration_method", "quant_granularity", "data_type"})
QUARK_LAYER_KEYS_READ = frozenset({"input_tensors", "weight", "bias", "output_tensors"})
QUARK_SOURCE = "amd-quark 0.13 (quark/onnx/quantization/config)"
# amd-quark 0.13, quark/torch/quantization/config/template.py `DEFAULT_TEMPLATES`: the model types LLMTemplate has
# built in (0.11's and 0.12.post1's lists are subsets of it).
QUARK_TORCH_MODEL_TYPES = frozenset({
    "chatglm", "cohere", "dbrx", "deepseek", "deepseek_v2", "deepseek_v3", "deepseek_v32", "deepseek_v4", "deepseek_vl_v2",
    "gemma2", "gemma3", "gemma3_text", "gemma4", "gemma4_unified", "glm4_moe", "glm4_moe_lite", "glm5_next", "glm_moe_dsa",
    "gpt_oss", "gptj", "granitemoehybrid", "grok-1", "hunyuan_v1_dense", "instella", "kimi_k2", "kimi_k25", "kimi_k3", "lfm2",
    "llama", "llama4", "minimax_m2", "minimax_m3_vl", "mistral", "mixtral", "mllama", "muse_glimmer", "olmo", "opt", "phi",
    "phi3", "qwen", "qwen2", "qwen2_moe", "qwen3", "qwen3_5", "qwen3_5_moe", "qwen3_moe", "qwen3_next", "qwen3_vl_moe",
    "qwen4_exp", "qwen4_exp_text",
})

# Model kinds after the vendor passes (their _run_for_config return types), beyond those rules/passes.py follows.
VENDOR_KINDS = {
    "tensorflowmodel": "tensorflow", "qnnmodel": "qnn", "qairtmodel": "qairt",
    "qairtpreparedmodel": "qairt_prepared", "openvinomodel": "openvino",
}
KIND_NAMES = {
    "hf": "an HfModel", "pytorch": "a PyTorchModel", "diffusers": "a DiffusersModel", "onnx": "an ONNX model",
    "tensorflow": "a TensorFlowModel", "qnn": "a QNN model", "qairt": "a QAIRT model (.dlc)",
    "qairt_prepared": "a QairtPreparedModel", "openvino": "an OpenVINO model",
}


# --- the model kind reaching each pass, vendor passes included ----------------------------------------------------


def _after(ctx: RuleContext, entry, canonical: str | None, kind: str) -> str | None:
    """The kind of model a pass returns given the kind it gets (None: not followed), as rules/passes.py's
    _model_flow does, plus the vendor passes' return types (qnn/conversion.py:124, qairt/preparation.py,
    gen_ai_builder.py, pipeline.py, encapsulation.py, openvino/conversion.py)."""
    vendor = {
        "QNNConversion": "qnn", "QNNModelLibGenerator": "qnn", "QNNContextBinaryGenerator": "qnn",
        "QairtPreparation": "qairt_prepared", "QairtGenAIBuilder": "qairt", "QairtPipelinePass": "qairt",
        "QairtEncapsulation": "onnx", "OpenVINOConversion": "openvino",
    }
    if canonical in vendor:
        return vendor[canonical]
    if canonical == "QuarkQuantization":
        return kind if kind in ("onnx", "hf") else None  # quark_quantization.py:187-192: ONNX or Quark-Torch (HfModel)
    return core_kind_after(ctx, entry, canonical, kind)


def _flow(ctx: RuleContext):
    """(entry, canonical, kind before it) in pass order while the kind is known; alternatives of one pass share the
    kind before them, and the kind after them only when they agree."""
    return ctx.memo("runtime_vendor_passes.flow", _build_flow)


def _build_flow(ctx: RuleContext) -> list:
    return list(model_flow(ctx, input_kind(ctx, {**MODEL_KINDS, **VENDOR_KINDS}), _after))


def _kind_before(ctx: RuleContext, entry) -> str | None:
    kinds = ctx.memo("runtime_vendor_passes.kinds", lambda _ctx: {id(e): kind for e, _c, kind in _flow(_ctx)})
    return kinds.get(id(entry))


def _first_pass(ctx: RuleContext, entry) -> bool:
    return bool(ctx.view.passes) and ctx.view.passes[0].name_node is entry.name_node


# --- AIMET, Vitis AI ---------------------------------------------------------------------------------------------


@rule("OLV450", "aimet-technique-pruned", "An AimetQuantization techniques entry without a name, unknown, or with arguments it does not take.", ERROR)
def aimet_technique_pruned(ctx: RuleContext):
    """AimetQuantization.validate_config (aimet_quantization.py:316-328) returns False for a techniques entry without
    `name`, with a name not in SUPPORTED_TECHNIQUES (lpbq, adaround, seqmse; case-insensitive) or with an argument the
    technique's apply does not take (validate_args binds them, lines 140-149): the pass is pruned."""
    table = vendor_behaviour(ctx.model).aimet_techniques()
    if not table:
        return
    for entry, canonical in entries(ctx, "AimetQuantization"):
        techniques = param(ctx, entry, canonical, "techniques")
        if not techniques.given or not techniques.concrete or techniques.node is None or not techniques.node.is_array:
            continue
        for item in techniques.node.items:
            if item.is_object:
                found = _technique_problem(item, table)
                if found is not None:
                    yield found
                    break  # validate_config stops at the first


def _technique_problem(item: Node, table: dict) -> Finding | None:
    name = item.get("name")
    names = sorted(table)
    if name is None:
        return Finding.at(
            item, f"{PRUNED}: an AIMET technique without 'name' ({', '.join(names)}).",
            detail=f"{PRUNED_DETAIL} aimet_quantization.py:317-319 logs `Techniques must specify a name` and returns False.",
            fix={"title": "Add 'name'", "add_keys": ["name"], "object_path": item.path(), "values": {"name": names[0]}},
        )
    if name.kind != "string":
        return None  # `.lower()` on a non-string raises AttributeError; the schema has no say on it
    technique = table.get(name.value.lower())
    if technique is None:
        return Finding.at(
            name, f"{PRUNED}: AIMET has no technique {show(name.value)} ({', '.join(names)}).",
            detail=f"{PRUNED_DETAIL} aimet_quantization.py:321-325 looks the name up in SUPPORTED_TECHNIQUES and logs `Unsupported technique: {name.value.lower()}`.",
            fix={"title": "Replace with", "replace_value": names},
        )
    for prop in item.properties:
        if prop.key != "name" and prop.key not in technique:
            return Finding.at(
                prop, f"{PRUNED}: AIMET's {name.value.lower()} takes no argument '{prop.key}'.",
                detail=f"{PRUNED_DETAIL} aimet_quantization.py:140-149 binds the entry's keys to the technique's apply ({', '.join(sorted(technique))}) and logs `Unsupported arguments for technique ...`.",
                fix={"title": f"Remove '{prop.key}'", "delete_property": True},
            )
    return None


def _schema_enum(ctx: RuleContext, canonical: str, key: str) -> frozenset:
    """The enum values anywhere in a parameter's declared type (a value outside them is the schema rule's)."""
    spec = ctx.model.pass_spec(canonical)
    p = spec.parameters.get(key) if spec is not None else None
    found, pending = set(), [p.raw.get("type") if p is not None else None]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            found.update(str(v) for v in node.get("enum") or ())
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return frozenset(found)


@rule("OLV451", "aimet-override-precision", "An AimetQuantization tensor_precision_overrides precision that AIMET has no qtype for.", ERROR)
def aimet_override_precision(ctx: RuleContext):
    """precision_to_qtype maps int4/int8/int16, uint4/uint8/uint16 and fp16 to an aimet qtype; for any other
    precision in tensor_precision_overrides validate_config logs `Unsupported precision ... for tensor ...` and returns
    False (aimet_quantization.py:330-333): the pass is pruned."""
    supported = vendor_behaviour(ctx.model).aimet_override_precisions()
    if not supported:
        return
    for entry, canonical in entries(ctx, "AimetQuantization"):
        precisions = _schema_enum(ctx, canonical, "tensor_precision_overrides")
        overrides = param(ctx, entry, canonical, "tensor_precision_overrides")
        if not overrides.given or overrides.node is None or not overrides.node.is_object:
            continue
        for prop in overrides.node.properties:
            value = prop.value
            if value is not None and value.kind == "string" and value.value in precisions and value.value not in supported:
                yield Finding.at(
                    value, f"{PRUNED}: AIMET cannot override tensor '{prop.key}' to {value.value}.",
                    detail=f"{PRUNED_DETAIL} aimet_quantization.py:330-333: precision_to_qtype maps only {', '.join(sorted(supported))}; validate_config logs `Unsupported precision {value.value} for tensor {prop.key}`.",
                    fix={"title": "Replace with", "replace_value": ["int8", "int16", "fp16"]},
                )
                break


@rule("OLV452", "vitis-metadata-dtype", "VitisAIAddMetaData activation_type/weight_type without a Vitis AI dtype.", ERROR)
def vitis_metadata_dtype(ctx: RuleContext):
    """dtype_from_precision maps int4/uint4, int8/uint8 and int16/uint16 to the Vitis AI metadata types; for another
    activation_type or weight_type validate_config logs `Unsupported activation type` / `Unsupported weight type` and
    returns False (vitis_ai/meta_data.py:71-77): the pass is pruned."""
    supported = vendor_behaviour(ctx.model).vitis_dtype_precisions()
    if not supported:
        return
    for entry, canonical in entries(ctx, "VitisAIAddMetaData"):
        for key in ("activation_type", "weight_type"):
            value = param(ctx, entry, canonical, key)
            if value.given and value.concrete and isinstance(value.value, str) and value.value and value.value not in supported:
                yield Finding.at(
                    value.node, f"{PRUNED}: Vitis AI metadata has no {key.split('_')[0]} dtype for {value.value}.",
                    detail=f"{PRUNED_DETAIL} vitis_ai/meta_data.py:23-34 maps only {', '.join(sorted(supported))}; validate_config (lines 71-77) logs `Unsupported {key.replace('_', ' ')}: {value.value}`.",
                    fix={"title": "Replace with", "replace_value": ["uint8", "int8", "uint16", "int16"]},
                )
                break


# --- Quark (ONNX path: olive/passes/quark_quantizer/onnx/configuration_preparation.py) ----------------------------


def _quark_onnx_entries(ctx: RuleContext):
    """QuarkQuantization passes whose ONNX options are read: not those that surely get an HfModel (the Quark-Torch
    path, quark_quantization.py:187-192, reads none of them)."""
    for entry, canonical in entries(ctx, "QuarkQuantization"):
        if _kind_before(ctx, entry) not in ("hf", "pytorch"):
            yield entry, canonical


def _layer_configs(ctx: RuleContext, entry, canonical):
    """(layer config node, where) for global_config and the first element of each layer entry."""
    glob = param(ctx, entry, canonical, "global_config")
    if glob.given and glob.node is not None and glob.node.is_object:
        yield glob.node, "global_config"
    for key in ("specific_layer_config", "layer_type_config"):
        value = param(ctx, entry, canonical, key)
        if value.given and value.node is not None and value.node.is_array:
            for item in value.node.items:
                if item.is_array and len(item.items) == 2 and item.items[0].is_object:
                    yield item.items[0], key


def _tensor_configs(ctx: RuleContext, entry, canonical):
    keys = vendor_behaviour(ctx.model).quark_values("tensor_config_keys") or frozenset()
    for layer, where in _layer_configs(ctx, entry, canonical):
        for prop in layer.properties:
            if prop.key in keys and prop.value is not None and prop.value.is_object:
                yield prop.value, where


def _unmapped(node: Node, allowed) -> bool:
    """A scalar value (a list or object would make Olive's own lookup raise TypeError: not judged) not in the table."""
    value = node.to_python()
    return isinstance(value, (str, int, float, bool)) and value not in allowed


QUARK_MAPPED = (
    ("scale_type", "scale_types", "Float32", "configuration_preparation.py:66-73"),
    ("calibration_method", "calibration_methods", "Percentile", "configuration_preparation.py:75-82"),
    ("quant_granularity", "quant_granularities", "Tensor", "configuration_preparation.py:84-91"),
)


@rule("OLV453", "quark-tensor-value-replaced", "A Quark tensor config scale_type, calibration_method or quant_granularity Olive does not map.", WARNING)
def quark_tensor_value_replaced(ctx: RuleContext):
    """Olive maps a tensor config's scale_type, calibration_method and quant_granularity through its own tables
    (configuration_preparation.py:37-58, case-sensitive); another value is logged `The ... %s is not supported.` and
    replaced by the default (Float32, Percentile, Tensor): the quantization runs with a setting not asked for."""
    behaviour = vendor_behaviour(ctx.model)
    for entry, canonical in _quark_onnx_entries(ctx):
        for tensor, where in _tensor_configs(ctx, entry, canonical):
            for key, table, default, line in QUARK_MAPPED:
                allowed = behaviour.quark_values(table)
                value = tensor.get(key)
                if allowed and value is not None and value.kind != "null" and _unmapped(value, allowed):
                    yield Finding.at(
                        value, f"Olive will use {key} {default} instead: Quark's {show(value.to_python())} is not one it maps ({where}).",
                        detail=f"{line} logs `The {key.replace('_', ' ')} ... is not supported.` and uses {default}. Olive maps {', '.join(sorted(allowed))} (case-sensitive).",
                        fix={"title": "Replace with", "replace_value": sorted(allowed)},
                    )


@rule("OLV454", "quark-tensor-config-fails", "A Quark tensor config data_type or key that amd-quark 0.12+ refuses (KeyError/TypeError).", WARNING)
def quark_tensor_config_fails(ctx: RuleContext):
    """Olive checks a tensor config's data_type with Quark's parse_data_type (configuration_preparation.py:93-97),
    which in amd-quark 0.12 and 0.13 indexes `name_dt_map` and raises KeyError for a name it does not have; Quark's
    QTensorConfig(**kwargs) raises TypeError for a key it does not take. A warning: the installed amd-quark decides."""
    for entry, canonical in _quark_onnx_entries(ctx):
        for tensor, where in _tensor_configs(ctx, entry, canonical):
            for prop in tensor.properties:
                value = prop.value
                if prop.key == "data_type" and value is not None and value.kind == "string" and value.value not in QUARK_DATA_TYPES:
                    yield Finding.at(
                        value, f"Quark raises KeyError: data_type {show(value.value)} is not a Quark ONNX data type ({where}).",
                        detail=f"configuration_preparation.py:95 calls parse_data_type, which in {QUARK_SOURCE}/data_type.py:207 indexes name_dt_map ({', '.join(sorted(QUARK_DATA_TYPES))}, case-sensitive). amd-quark 0.11 has no parse_data_type.",
                        fix={"title": "Replace with", "replace_value": ["Int8", "UInt8", "Int16", "UInt16"]},
                    )
                elif prop.key not in QUARK_TENSOR_KEYS:
                    yield Finding.at(
                        prop, f"Quark raises TypeError: a tensor config takes no '{prop.key}' ({where}).",
                        detail=f"QTensorConfig.from_dict passes every key to QTensorConfig(...), which takes {', '.join(sorted(QUARK_TENSOR_KEYS))} ({QUARK_SOURCE}/spec.py:113-169).",
                        fix={"title": f"Remove '{prop.key}'", "delete_property": True},
                    )


@rule("OLV455", "quark-layer-entry-dropped", "A Quark specific_layer_config/layer_type_config entry that is not a [config, names] pair.", WARNING)
def quark_layer_entry_dropped(ctx: RuleContext):
    """convert_layer_config_list_to_dict skips an entry that is not a list of two elements with only a warning
    (configuration_preparation.py:141-144): that layer configuration is not applied."""
    for entry, canonical in _quark_onnx_entries(ctx):
        for key in ("specific_layer_config", "layer_type_config"):
            value = param(ctx, entry, canonical, key)
            if not value.given or value.node is None or not value.node.is_array:
                continue
            for item in value.node.items:
                if not item.is_array or len(item.items) != 2:
                    yield Finding.at(
                        item, f"Olive will drop this {key} entry: it is not a [layer config, [names]] pair.",
                        detail="configuration_preparation.py:141-144 logs `The element of layer configuration should be a list of two elements.` and skips it.",
                    )


@rule("OLV456", "quark-layer-activation-ignored", "'activation' in a Quark layer config that Quark's QLayerConfig.from_dict does not read.", WARNING)
def quark_layer_activation_ignored(ctx: RuleContext):
    """Quark's QLayerConfig.from_dict reads input_tensors, weight, bias and output_tensors only (amd-quark 0.12/0.13
    spec.py:506-519). Olive copies `activation` to input_tensors for global_config when input_tensors is absent
    (configuration_preparation.py:128-130), never for the layer entries: there `activation` is dropped."""
    for entry, canonical in _quark_onnx_entries(ctx):
        for layer, where in _layer_configs(ctx, entry, canonical):
            activation = layer.get("activation")
            if activation is None or (where == "global_config" and layer.get("input_tensors") is None):
                continue
            prop = layer.prop("activation")
            why = "input_tensors is given too" if where == "global_config" else "Olive copies it to input_tensors only for global_config"
            yield Finding.at(
                prop, f"Quark will ignore 'activation' in this {where} entry: {why}.",
                detail=f"{QUARK_SOURCE}/spec.py:506-519: QLayerConfig.from_dict builds input_tensors, weight, bias and output_tensors only; configuration_preparation.py:128-130. Name it input_tensors.",
                fix={"title": "Replace with", "replace_key": ["input_tensors"]} if layer.get("input_tensors") is None else None,
            )


@rule("OLV457", "quark-algorithm-ignored", "A Quark algo_config entry without a name or with one Olive does not map: ignored.", WARNING)
def quark_algorithm_ignored(ctx: RuleContext):
    """get_algo_config skips an entry without `name` (`Unknown algorithm configuration. Ignoring.`) or whose name is
    not in Olive's algorithm_mapping (`Unsupported algorithm %s. Ignoring.`), configuration_preparation.py:275-282."""
    table = vendor_behaviour(ctx.model).quark_algorithms()
    if not table:
        return
    for entry, canonical in _quark_onnx_entries(ctx):
        for item in _algo_items(ctx, entry, canonical):
            name = item.get("name")
            if name is None:
                yield Finding.at(
                    item, "Olive will ignore this algo_config entry: it has no 'name'.",
                    detail=f"configuration_preparation.py:276-278 logs `Unknown algorithm configuration. Ignoring.` Names: {', '.join(sorted(table))}.",
                    fix={"title": "Add 'name'", "add_keys": ["name"], "object_path": item.path(), "values": {"name": sorted(table)[0]}},
                )
            elif _unmapped(name, table):
                yield Finding.at(
                    name, f"Olive will ignore this algorithm: {show(name.to_python())} is not one Quark's ONNX path maps.",
                    detail=f"configuration_preparation.py:280-282 logs `Unsupported algorithm ... Ignoring.` Names (case-sensitive): {', '.join(sorted(table))}.",
                    fix={"title": "Replace with", "replace_value": sorted(table)},
                )


def _algo_items(ctx: RuleContext, entry, canonical):
    value = param(ctx, entry, canonical, "algo_config")
    if value.given and value.node is not None and value.node.is_array:
        yield from (item for item in value.node.items if item.is_object)


@rule("OLV458", "quark-algorithm-option-ignored", "A Quark algo_config option that Olive does not copy onto the algorithm's config.", WARNING)
def quark_algorithm_option_ignored(ctx: RuleContext):
    """update_algo_config copies a fixed set of keys per algorithm (configuration_preparation.py:191-265): AdaRound
    and AdaQuant their listed options, CLE the cle_* ones, SmoothQuant alpha, and none for gptq, bias_correction,
    auto_mixprecision and quarot (a TODO). Any other key is silently ignored: Quark runs with its default."""
    table = vendor_behaviour(ctx.model).quark_algorithms()
    if not table:
        return
    for entry, canonical in _quark_onnx_entries(ctx):
        for item in _algo_items(ctx, entry, canonical):
            name = item.get("name")
            options = table.get(name.to_python()) if name is not None and name.kind == "string" else None
            if options is None:
                continue
            for prop in item.properties:
                if prop.key != "name" and prop.key not in options:
                    taken = ", ".join(sorted(options)) if options else "none (Olive does not configure it yet)"
                    yield Finding.at(
                        prop, f"Olive will ignore '{prop.key}' for Quark's {name.value}: it is not an option Olive copies.",
                        detail=f"configuration_preparation.py:191-265 (update_algo_config) copies for {name.value}: {taken}. Quark uses its default.",
                        fix={"title": f"Remove '{prop.key}'", "delete_property": True},
                    )


def _extra_options(ctx: RuleContext, entry, canonical) -> dict:
    value = param(ctx, entry, canonical, "extra_options")
    if not value.given or value.node is None or not value.node.is_object:
        return {}
    return {p.key: p for p in value.node.properties if p.value is not None}


@rule("OLV459", "quark-extra-option-ignored", "A Quark MixedPrecisionTensor/TensorQuantOverrides of the wrong shape or quant_type: dropped.", WARNING)
def quark_extra_option_ignored(ctx: RuleContext):
    """get_extra_options (configuration_preparation.py:313-347) drops MixedPrecisionTensor or TensorQuantOverrides
    when it is not an object, and leaves a tensor's overrides that are not a list, an override that is not an object
    and a quant_type not in its map unconverted, each with only a warning: Quark gets the raw value."""
    types = vendor_behaviour(ctx.model).quark_values("quant_types") or frozenset()
    for entry, canonical in _quark_onnx_entries(ctx):
        options = _extra_options(ctx, entry, canonical)
        for key in ("MixedPrecisionTensor", "TensorQuantOverrides"):
            if key in options and not options[key].value.is_object:
                yield Finding.at(
                    options[key].value, f"Olive will drop extra_options.{key}: it must be an object.",
                    detail=f"configuration_preparation.py:316-318, 328-330 log `The value for extra option '{key}' should be a dict.` and skip it.",
                )
        overrides = options.get("TensorQuantOverrides")
        if overrides is not None and overrides.value.is_object and types:
            yield from _override_findings(overrides.value, types)


def _override_findings(overrides: Node, types: frozenset):
    for tensor in overrides.properties:
        value = tensor.value
        if value is None:
            continue
        if not value.is_array:
            yield Finding.at(
                value, f"Olive will not convert the overrides of '{tensor.key}': they must be a list.",
                detail="configuration_preparation.py:334-336 logs `The quant overrides for ... should be a list.` and passes them to Quark as they are.",
            )
            continue
        for item in value.items:
            quant = item.get("quant_type") if item.is_object else None
            if not item.is_object:
                yield Finding.at(item, "Olive will not convert this override: it must be an object.", detail="configuration_preparation.py:339-341 logs `The quant override ... should be a dict.`")
            elif quant is not None and _unmapped(quant, types):
                yield Finding.at(
                    quant, f"Olive will pass quant_type {show(quant.to_python())} to Quark unconverted: it is not one it maps.",
                    detail=f"configuration_preparation.py:343-345 logs `The quant type ... is not supported.` Olive maps {', '.join(sorted(types))}.",
                    fix={"title": "Replace with", "replace_value": sorted(types)},
                )


@rule("OLV460", "quark-extra-option-keyerror", "A MixedPrecisionTensor type or a TensorQuantOverrides entry without quant_type: Olive raises KeyError.", ERROR)
def quark_extra_option_keyerror(ctx: RuleContext):
    """get_extra_options indexes quant_type_mapping with each MixedPrecisionTensor key (configuration_preparation.py:322)
    and each override's quant_type (line 343) without a check: an unmapped key or a missing quant_type raises KeyError
    and the pass fails."""
    types = vendor_behaviour(ctx.model).quark_values("quant_types")
    if not types:
        return
    for entry, canonical in _quark_onnx_entries(ctx):
        options = _extra_options(ctx, entry, canonical)
        mixed = options.get("MixedPrecisionTensor")
        if mixed is not None and mixed.value.is_object:
            for prop in mixed.value.properties:
                if prop.key not in types:
                    yield Finding.at(
                        prop, f"Olive raises KeyError: MixedPrecisionTensor type '{prop.key}' is not one it maps.",
                        detail=f"configuration_preparation.py:321-323 indexes quant_type_mapping ({', '.join(sorted(types))}, case-sensitive) with each key.",
                        fix={"title": "Replace with", "replace_key": sorted(types)},
                    )
        overrides = options.get("TensorQuantOverrides")
        if overrides is not None and overrides.value.is_object:
            for tensor in overrides.value.properties:
                for item in tensor.value.items if tensor.value is not None and tensor.value.is_array else ():
                    if item.is_object and item.get("quant_type") is None:
                        yield Finding.at(
                            item, f"Olive raises KeyError: this override of '{tensor.key}' has no quant_type.",
                            detail="configuration_preparation.py:343 reads quant_override[\"quant_type\"] unchecked.",
                            fix={"title": "Add 'quant_type'", "add_keys": ["quant_type"], "object_path": item.path(), "values": {"quant_type": "Int8"}},
                        )


@rule("OLV461", "quark-fake-quantized-export", "Quark-Torch export_weight_format fake_quantized with a custom_mode other than quark.", ERROR)
def quark_fake_quantized_export(ctx: RuleContext):
    """On an HfModel, QuarkQuantization runs Quark-Torch, which raises `'fake_quantized' export is only supported with
    custom_mode='quark'` after quantizing and freezing the model (quark_torch_quantization.py:153-154)."""
    for entry, canonical in entries(ctx, "QuarkQuantization"):
        fmt, mode = param(ctx, entry, canonical, "export_weight_format"), param(ctx, entry, canonical, "custom_mode")
        if fmt.value != "fake_quantized" or not mode.concrete or mode.value == "quark" or _kind_before(ctx, entry) != "hf":
            continue
        yield Finding.at(
            mode.node or fmt.node or node_of(entry),
            f"Olive raises ValueError after quantizing: 'fake_quantized' export needs custom_mode 'quark', not {show(mode.value)}.",
            detail="quark_torch_quantization.py:153-154 checks it only after quantize_model and freeze, so the calibration time is lost. Use custom_mode quark or export_weight_format real_quantized.",
            fix={"title": "Replace with", "replace_value": ["quark"]} if mode.given else None,
        )


@rule("OLV469", "quark-torch-model-type", "Quark-Torch on a local HfModel whose config.json model_type has no LLMTemplate.", WARNING, needs_environment=True)
def quark_torch_model_type(ctx: RuleContext):
    """On an HfModel QuarkQuantization raises `Model type '...' is not supported by LLMTemplate` when the model's
    config.json model_type is not one of Quark's templates (quark_torch_quantization.py:109-112), after loading the
    model and the calibration data. Read from a local model folder's config.json; a warning: the installed amd-quark
    lists the templates (0.11 to 0.13 checked)."""
    model_type = _local_model_type(ctx)
    if model_type is None or model_type in QUARK_TORCH_MODEL_TYPES:
        return
    for entry, _canonical in entries(ctx, "QuarkQuantization"):
        if entry.type_node is not None and _kind_before(ctx, entry) == "hf":
            yield Finding.at(
                entry.type_node, f"Quark-Torch raises ValueError: amd-quark has no LLMTemplate for model_type {show(model_type)}.",
                detail="quark_torch_quantization.py:109-112 checks LLMTemplate.list_available() (amd-quark 0.13's template.py DEFAULT_TEMPLATES, e.g. llama, qwen2, phi3, mistral) after loading the model. Convert to ONNX first to use Quark-ONNX, or register a template.",
            )


def _local_model_type(ctx: RuleContext) -> str | None:
    """model_type of the input HfModel's config.json when model_path is a local folder."""
    import json

    from olive_ls.rules.filesystem import MAX_MODEL_CONFIG_BYTES, locate

    path = _input_model_path(ctx)
    folder = locate(path, ctx) if path else None
    config = folder / "config.json" if folder is not None and folder.is_dir() else None
    try:
        if config is None or not config.is_file() or config.stat().st_size > MAX_MODEL_CONFIG_BYTES:
            return None
        data = json.loads(config.read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError):
        return None
    value = data.get("model_type") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


# --- pass order: QNN and QAIRT inputs ------------------------------------------------------------------------------


def _accepted(ctx: RuleContext, entry, canonical) -> tuple[tuple[str, ...], str, str] | None:
    """The model kinds the pass takes, in words, and the line that raises for another; None when not checked here."""
    if canonical == "QNNConversion":
        return ("onnx", "pytorch", "tensorflow"), "an ONNX, PyTorch or TensorFlow model", "qnn/conversion.py:73-81 raises NotImplementedError `Unsupported model handler type`"
    if canonical in ("QairtPreparation", "QairtPipelinePass"):
        line = "qairt/preparation.py:91-92" if canonical == "QairtPreparation" else "qairt/pipeline.py:95-96"
        return ("hf",), "an HfModel", f"{line} raises ValueError `{canonical} requires HfModelHandler as input`"
    if canonical == "QairtGenAIBuilder":
        backend = param(ctx, entry, canonical, "backend")
        if not backend.concrete or backend.value not in ("CPU", "HTP"):
            return None  # null: neither of the checks at lines 176-180 applies
        if backend.value == "HTP":
            return ("qairt_prepared",), "a QairtPreparedModel", "qairt/gen_ai_builder.py:179-180 raises ValueError `QAIRT HTP GenAIBuilder can only consume QairtPreparedModelHandler`: run QairtPreparation before it"
        return ("hf",), "an HfModel (backend CPU)", "qairt/gen_ai_builder.py:176-177 raises ValueError `QAIRT CPU GenAIBuilder can only consume HfModelHandler`"
    if canonical == "QairtMHA2SHA":
        # An HfModel/PyTorchModel/DiffusersModel before it is OLV305's; a vendor pass's output is this rule's.
        return ("onnx", "hf", "pytorch", "diffusers"), "an ONNX model", "onnx/qairt/mha2sha.py:41-44 raises NotImplementedError `QairtMHA2SHA pass only supports ONNXModelHandler`"
    return None


@rule("OLV462", "vendor-pass-input", "A QNN or QAIRT pass gets a model type it does not take (QAIRT HTP needs QairtPreparation first).", ERROR, scope="entry")
def vendor_pass_input(ctx: RuleContext):
    """QNNConversion takes ONNX, PyTorch or TensorFlow models; QairtPreparation, QairtPipelinePass and the CPU
    QairtGenAIBuilder an HfModel; the HTP QairtGenAIBuilder the QairtPreparedModel QairtPreparation makes; QairtMHA2SHA
    an ONNX model. The model kind reaching each is followed through the passes before it."""
    for entry, canonical, kind in _flow(ctx):
        accepted = _accepted(ctx, entry, canonical)
        if accepted is None or entry.type_node is None or kind in accepted[0]:
            continue
        yield Finding.at(
            entry.type_node,
            f"Olive will fail in {canonical}: it gets {KIND_NAMES.get(kind, kind)}, not {accepted[1]}.",
            detail=f"{accepted[2]}.",
        )
        return  # Olive stops at the first failing pass


# --- QAIRT GenAIBuilder options ------------------------------------------------------------------------------------

# gen_ai_builder.py:115-136, in the order validate_config checks them: (key, the value that is not HTP-only).
HTP_ONLY = (("extended_udma", False), ("vtcm_size_in_mb", 0), ("hvx_threads", 0), ("sequence_lengths", None),
            ("native_kv", False), ("num_splits", -1), ("multi_graph", False))


def _htp_only_set(value, neutral) -> bool:
    if neutral is False or neutral is None:
        return bool(value)  # `if config.x:`
    return value != neutral  # `if config.x != 0/-1:`, null included


@rule("OLV463", "qairt-htp-only-option", "A QairtGenAIBuilder HTP-only option on the CPU backend (the default): the pass is pruned.", ERROR)
def qairt_htp_only_option(ctx: RuleContext):
    """QairtGenAIBuilder.validate_config returns False when backend is not HTP (CPU is the default) and any of
    extended_udma, vtcm_size_in_mb, hvx_threads, sequence_lengths, native_kv, num_splits, multi_graph is set
    (gen_ai_builder.py:115-136), logging `<option> is unsupported on non-HTP backends`: the pass is pruned."""
    for entry, canonical in entries(ctx, "QairtGenAIBuilder"):
        backend = param(ctx, entry, canonical, "backend")
        if not backend.concrete or backend.value == "HTP":
            continue
        for key, neutral in HTP_ONLY:
            value = param(ctx, entry, canonical, key)
            if value.given and value.concrete and _htp_only_set(value.value, neutral):
                yield Finding.at(
                    value.node, f"{PRUNED}: {key} is HTP-only and backend is {show(backend.value)}{'' if backend.given else ' (the default)'}.",
                    detail=f"{PRUNED_DETAIL} gen_ai_builder.py:115-136 logs `{key} is unsupported on non-HTP backends` and returns False. Set backend: HTP (which needs QairtPreparation before it) or remove {key}.",
                    fix={"title": f"Remove '{key}'", "delete_property": True} if value.prop is not None else None,
                )
                break  # validate_config stops at the first


@rule("OLV464", "qairt-native-kv-lengths", "QairtGenAIBuilder native_kv: true with sequence_lengths other than [32, 128]: pruned.", ERROR)
def qairt_native_kv_lengths(ctx: RuleContext):
    """native_kv is supported only with sequence_lengths [32, 128]: validate_config logs `native_kv is only supported
    for the following sequence lengths: [[32, 128]]` and returns False (gen_ai_builder.py:138-144). On the CPU backend
    native_kv itself prunes the pass first (OLV463)."""
    for entry, canonical in entries(ctx, "QairtGenAIBuilder"):
        backend, native, lengths = (param(ctx, entry, canonical, k) for k in ("backend", "native_kv", "sequence_lengths"))
        if backend.value != "HTP" or native.value is not True or not lengths.concrete or lengths.value == [32, 128]:
            continue
        yield Finding.at(
            lengths.node or native.node, f"{PRUNED}: native_kv needs sequence_lengths [32, 128], not {show(lengths.value)}.",
            detail=f"{PRUNED_DETAIL} gen_ai_builder.py:138-144 compares sequence_lengths with [[32, 128]] (order matters).",
            fix={"title": "Replace with", "replace_value": [[32, 128]]} if lengths.given else None,
        )


def _dsp_arch(soc_details: str) -> int | None:
    """The dsp_arch version of the first target in a soc_details spec ('dsp_arch:v73;soc_model:60|...')."""
    first = soc_details.split("|", 1)[0]
    for part in first.split(";"):
        key, _, value = part.partition(":")
        if key.strip() == "dsp_arch" and value.strip().lstrip("v").isdigit():
            return int(value.strip().lstrip("v"))
    return None


@rule("OLV465", "qairt-extended-udma-arch", "QairtGenAIBuilder extended_udma with a soc_details dsp_arch under v81.", WARNING)
def qairt_extended_udma_arch(ctx: RuleContext):
    """With extended_udma on HTP, QairtGenAIBuilder reads the device config's dsp_arch and raises `extended_udma is
    unsupported on DSP architectures less than v81` below v81 (gen_ai_builder.py:217-223). Flagged when soc_details
    names the dsp_arch; a warning, since the SDK's set_targets builds that device config."""
    for entry, canonical in entries(ctx, "QairtGenAIBuilder"):
        backend, udma, soc = (param(ctx, entry, canonical, k) for k in ("backend", "extended_udma", "soc_details"))
        if backend.value != "HTP" or udma.value is not True or not udma.given or not isinstance(soc.value, str):
            continue
        arch = _dsp_arch(soc.value)
        if arch is not None and arch < 81:
            yield Finding.at(
                udma.node, f"Olive raises ValueError: extended_udma needs a DSP arch of v81 or later; soc_details gives v{arch}.",
                detail="gen_ai_builder.py:217-223 reads device_custom_configs[0].dsp_arch (set by QAIRT's set_targets from soc_details, line 209) and raises `extended_udma is unsupported on DSP architectures less than v81`.",
                fix={"title": "Replace with", "replace_value": [False]},
            )


# --- QAIRT files ---------------------------------------------------------------------------------------------------


@rule("OLV466", "qairt-script-not-py", "QairtPreparation script_path that is not a .py file.", ERROR)
def qairt_script_not_py(ctx: RuleContext):
    """QairtPreparation raises `Script must be a Python file (.py), got: ...` for a script_path whose suffix is not
    .py (qairt/preparation.py:98-99; the suffix is case-sensitive)."""
    for entry, canonical in entries(ctx, "QairtPreparation"):
        script = param(ctx, entry, canonical, "script_path")
        if script.given and script.concrete and isinstance(script.value, str) and script.value.strip() and Path(script.value.strip()).suffix != ".py":
            yield Finding.at(
                script.node, f"Olive will fail in QairtPreparation: script_path must be a .py file, not {show(script.value)}.",
                detail="qairt/preparation.py:98-99 raises ValueError `Script must be a Python file (.py), got: ...` (after checking the file exists, line 96-97).",
            )


def _qairt_files(ctx: RuleContext):
    for entry, canonical in entries(ctx, "QairtPreparation", "QairtPipelinePass"):
        key = "script_path" if canonical == "QairtPreparation" else "recipe"
        value = param(ctx, entry, canonical, key)
        if value.given and value.concrete and isinstance(value.value, str) and value.value.strip():
            yield entry, canonical, key, value


@rule("OLV467", "qairt-file-not-found", "QairtPreparation script_path or QairtPipelinePass recipe names no file.", WARNING, needs_environment=True)
def qairt_file_not_found(ctx: RuleContext):
    """QairtPreparation raises `Preparation script not found at: ...` (qairt/preparation.py:95-97) and
    QairtPipelinePass `Recipe file not found at: ...` (qairt/pipeline.py:98-100); Olive resolves the path against the
    folder `olive run` starts in, so a warning when olive-ls finds it in none of the folders it looks in."""
    from olive_ls.rules.filesystem import can_judge, locate, where_looked

    for _entry, canonical, key, value in _qairt_files(ctx):
        raw = value.value.strip()
        if locate(raw, ctx) is None and can_judge(raw, ctx):
            what = "Preparation script" if key == "script_path" else "Recipe file"
            yield Finding.at(
                value.node, f"Olive will fail in {canonical}: {key} '{raw}' does not exist.",
                detail=f"{canonical} raises ValueError `{what} not found at: ...`{where_looked(raw, ctx)}.",
            )


@rule("OLV468", "qairt-recipe-model-conflict", "A QairtPipelinePass recipe whose model_id_or_path differs from input_model.model_path.", WARNING, needs_environment=True)
def qairt_recipe_model_conflict(ctx: RuleContext):
    """QairtPipelinePass raises `Conflict between recipe model_id_or_path ... and input model path ...` when the
    recipe names another model than the HfModel it gets (qairt/pipeline.py:104-110). Flagged for the first pass, whose
    model is input_model, when the recipe file is found and its top-level model_id_or_path is neither the same string
    nor the same local folder; a warning, since QAIRT's Recipe reads the file."""
    from olive_ls.rules.filesystem import locate

    model_path = _input_model_path(ctx)
    if model_path is None:
        return
    for entry, canonical, key, value in _qairt_files(ctx):
        if canonical != "QairtPipelinePass" or not _first_pass(ctx, entry):
            continue
        found = locate(value.value.strip(), ctx)
        named = _recipe_model(found) if found is not None and found.is_file() else None
        if named is None or named == model_path:
            continue
        a, b = locate(named, ctx), locate(model_path, ctx)
        if a is not None and b is not None and a.resolve() == b.resolve():
            continue
        yield Finding.at(
            value.node, "Olive will fail in QairtPipelinePass: the recipe's model_id_or_path is not input_model.model_path.",
            detail=f"The recipe names {show(named)}, input_model {show(model_path)}. qairt/pipeline.py:104-110 raises ValueError `Conflict between recipe model_id_or_path ... and input model path ...`. Remove model_id_or_path from the recipe or make it match.",
        )


def _input_model_path(ctx: RuleContext) -> str | None:
    model = ctx.view.input_model
    if model is None or not isinstance(model.type_name, str) or model.type_name.lower() != "hfmodel":
        return None
    prop = model.params.get("model_path")
    return prop.value.value if prop is not None and prop.value is not None and prop.value.kind == "string" else None


def _recipe_model(path: Path) -> str | None:
    from olive_ls.document.parse import parse_document

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    root = parse_document(text, "yaml").root
    value = root.get("model_id_or_path") if root is not None and root.is_object else None
    return value.value if value is not None and value.kind == "string" and value.value else None


# --- Vitis AI metadata, QAIRT cache (OLV581-OLV582) -----------------------------------------------------------------


def _first_passes(ctx: RuleContext):
    """(entry, canonical) of the passes that get the input model itself: the first pass (or its alternatives)."""
    first = ctx.view.passes[0] if ctx.view.passes else None
    for entry in ctx.view.passes:
        if entry.name_node is not first.name_node:
            return
        canonical = ctx.model.canonical_pass_name(entry.type_name or "")
        if canonical is not None:
            yield entry, canonical


@rule("OLV581", "vitis-metadata-without-attributes", "VitisAIAddMetaData on an input ONNXModel with no model_attributes.", ERROR)
def vitis_metadata_without_attributes(ctx: RuleContext):
    """VitisAIAddMetaData raises ValueError `Model attributes are missing` when the ONNX model it gets has no (or
    empty) model_attributes (meta_data.py:95-96). An ONNXModel input_model has only the model_attributes its config
    gives (ONNX models converted by Olive carry the HF config's); checked for the first pass, which gets the input
    model itself."""
    model = ctx.view.input_model
    if model is None or (model.type_name or "").lower() != "onnxmodel" or model.param_value("model_attributes"):
        return
    prop = model.params.get("model_attributes")
    if prop is not None and prop.value is not None and prop.value.kind not in ("object", "null"):
        return  # another type: the schema's finding
    for entry, canonical in _first_passes(ctx):
        if canonical != "VitisAIAddMetaData" or entry.type_node is None:
            continue
        yield Finding.at(
            prop.value if prop is not None and prop.value is not None else entry.type_node,
            "Olive raises ValueError in VitisAIAddMetaData: 'Model attributes are missing' (the input ONNXModel has none).",
            detail="meta_data.py:95-96 raises when model.model_attributes is empty; an ONNXModel input_model has only what its "
            "`model_attributes` gives. Add the keys config_meta_data_keys reads (architectures, model_type by default), "
            "e.g. copied from the source model's config.json, or convert the model with an Olive pass first.",
        )


@rule("OLV582", "qairt-cache-dir-off", "QairtGenAIBuilder cache_dir set to null or empty: no cache, Olive warns.", HINT)
def qairt_cache_dir_off(ctx: RuleContext):
    """cache_dir defaults to ./cache/qairt/gen_ai_builder; set to null or "" QairtGenAIBuilder logs `QAIRT
    GenAIBuilder cache directory not set. Using this will decrease future preparation time.` and prepares without a
    cache (gen_ai_builder.py:171-174)."""
    for entry, canonical in entries(ctx, "QairtGenAIBuilder"):
        value = param(ctx, entry, canonical, "cache_dir")
        if not value.given or value.value not in (None, "") or value.node is None:
            continue
        yield Finding.at(
            value.node, f"QairtGenAIBuilder runs without a cache (cache_dir {show(value.value)}): Olive warns, later preparations are slower.",
            detail="gen_ai_builder.py:171-174 logs `QAIRT GenAIBuilder cache directory not set.` when cache_dir is falsy; "
            "remove the key to use the default ./cache/qairt/gen_ai_builder.",
            fix={"title": "Remove 'cache_dir'", "delete_property": True},
        )
