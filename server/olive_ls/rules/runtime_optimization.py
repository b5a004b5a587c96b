"""ONNX Runtime optimization passes at run time (OLV340-OLV349): OrtTransformersOptimization and
OrtSessionParamsTuning (olive/passes/onnx/transformer_optimization.py, session_params_tuning.py).

The model types, fusion options and attention op types come from the installed onnxruntime.transformers
(pass-behaviour.json). Rows P084-P090, P093-P098 of docs/olive-runtime-checks.md.
"""

from __future__ import annotations

from olive_ls.model.pass_behaviour import pass_behaviour
from olive_ls.rules.registry import ERROR, WARNING, Finding, RuleContext, rule
from olive_ls.rules.runtime_helpers import (
    PRUNED,
    PRUNED_DETAIL,
    entries,
    node_of,
    owner_path,
    param,
    show,
    target,
)
from olive_ls.suggest import did_you_mean, one_of

CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"
TRT = "TensorrtExecutionProvider"


@rule("OLV340", "only-onnxruntime-opt-level", "OrtTransformersOptimization only_onnxruntime without a positive opt_level.", ERROR)
def only_onnxruntime_opt_level(ctx: RuleContext):
    """validate_config tests `only_onnxruntime and opt_level <= 0`: with opt_level missing (None) that raises
    `TypeError: '<=' not supported between instances of 'NoneType' and 'int'` (never caught: `olive run` crashes);
    with opt_level 0 or less the pass is pruned."""
    for entry, canonical in entries(ctx, "OrtTransformersOptimization"):
        only = param(ctx, entry, canonical, "only_onnxruntime")
        if only.value is not True or not only.given:
            continue
        level = param(ctx, entry, canonical, "opt_level")
        if not level.concrete:
            continue
        if level.value is None:
            yield Finding.at(
                only.node,
                "Olive will crash: only_onnxruntime needs opt_level (`TypeError: '<=' not supported ... 'NoneType' and 'int'`).",
                detail="validate_config compares opt_level <= 0 when only_onnxruntime is true; opt_level defaults to null. Add opt_level 1, 2 or 99.",
                fix={"title": "Add 'opt_level'", "add_keys": ["opt_level"], "object_path": owner_path(entry), "values": {"opt_level": 99}},
            )
        elif isinstance(level.value, (int, float)) and not isinstance(level.value, bool) and level.value <= 0:
            yield Finding.at(
                level.node,
                f"{PRUNED}: only_onnxruntime needs a positive opt_level.",
                detail=PRUNED_DETAIL + " " + "validate_config logs `Please specify a positive value for opt_level when only_onnxruntime is True`.",
                fix={"title": "Replace with", "replace_value": [1, 2, 99]},
            )


@rule("OLV341", "fusion-option-unknown", "optimization_options with a key onnxruntime's FusionOptions does not have.", WARNING)
def fusion_option_unknown(ctx: RuleContext):
    """Olive copies optimization_options into FusionOptions.__dict__: a key FusionOptions does not have is never
    read (silently)."""
    behaviour = pass_behaviour(ctx.model)
    options = behaviour.fusion_options()
    if not options:
        return
    for entry, _canonical in entries(ctx, "OrtTransformersOptimization"):
        prop = entry.params.get("optimization_options")
        if prop is None or prop.value is None or not prop.value.is_object:
            continue
        for item in prop.value.properties:
            if item.key not in options:
                hint, suggestions = did_you_mean(item.key, options)
                yield Finding.at(
                    item,
                    f"onnxruntime's FusionOptions has no '{item.key}': Olive will set it and nothing reads it.",
                    detail=(hint.strip() + " ") * bool(hint) + f"FusionOptions has {one_of(options, limit=30)}.",
                    fix={"title": "Replace with", "replace_key": suggestions} if suggestions else None,
                )


@rule("OLV344", "attention-op-type-unknown", "optimization_options.attention_op_type Olive does not map: ValueError.", ERROR)
def attention_op_type_unknown(ctx: RuleContext):
    """Olive maps attention_op_type by exact name to onnxruntime's AttentionOpType (Attention, MultiHeadAttention,
    GroupQueryAttention, PagedAttention) and raises `ValueError: Unsupported attention op type: ...` otherwise."""
    attention = pass_behaviour(ctx.model).attention_op_types()
    if not attention:
        return
    for entry, _canonical in entries(ctx, "OrtTransformersOptimization"):
        prop = entry.params.get("optimization_options")
        item = prop.value.prop("attention_op_type") if prop is not None and prop.value is not None and prop.value.is_object else None
        if item is None or item.value is None or item.value.kind != "string" or not item.value.value or item.value.value in attention:
            continue
        value = item.value.value
        hint, suggestions = did_you_mean(value, attention)
        yield Finding.at(
            item.value,
            f"Olive will fail: attention_op_type {show(value)} is not one Olive maps (`Unsupported attention op type`).",
            detail=(hint.strip() + " ") * bool(hint) + f"Olive maps {one_of(attention)} (case-sensitive) to onnxruntime's AttentionOpType.",
            fix={"title": "Replace with", "replace_value": suggestions or list(attention)},
        )


@rule("OLV342", "transformers-model-type-unknown", "An OrtTransformersOptimization model_type onnxruntime does not know: the pass is skipped.", WARNING)
def transformers_model_type_unknown(ctx: RuleContext):
    """A model_type outside onnxruntime.transformers.optimizer.MODEL_TYPES makes the pass log `Unsupported model
    type: ..., will skip this pass.` and return the input model unchanged."""
    types = pass_behaviour(ctx.model).transformers_model_types()
    if not types:
        return
    for entry, canonical in entries(ctx, "OrtTransformersOptimization"):
        value = param(ctx, entry, canonical, "model_type")
        if not value.given or not value.concrete or not isinstance(value.value, str) or value.value in types:
            continue
        hint, suggestions = did_you_mean(value.value, types)
        if suggestions and suggestions[0][:2] != value.value[:2].lower():
            hint, suggestions = " Decoder LLMs use 'gpt2'.", ["gpt2"]
        yield Finding.at(
            value.node,
            f"Olive will skip this pass and keep the model unoptimized: onnxruntime knows no model_type {show(value.value)}.",
            detail=(hint.strip() + " ") * bool(hint) + (
                f"The pass logs `Unsupported model type: {value.value}, will skip this pass.` onnxruntime's transformer "
                f"optimizer knows {one_of(types, limit=30)}; decoder LLMs (llama, mistral, qwen2) usually use 'gpt2'."
            ),
            fix={"title": "Replace with", "replace_value": suggestions or ["gpt2", "bert"]},
        )


@rule("OLV343", "session-tuning-pruned", "OrtSessionParamsTuning settings Olive prunes, or flags it ignores for the EP.", ERROR)
def session_tuning_pruned(ctx: RuleContext):
    """OrtSessionParamsTuning.validate_config, in its order: CUDA without io_bind is pruned with no log line; CPU with
    io_bind is pruned; enable_cuda_graph off CUDA and trt_fp16_enable off TensorRT are ignored (and end the checks);
    CUDA + enable_cuda_graph + execution_mode_list 1 is pruned; a providers_list other than the target's EP without
    force_evaluate_other_eps is pruned. providers_list defaults to the target's EP."""
    spec = None
    for entry, canonical in entries(ctx, "OrtSessionParamsTuning"):
        spec = spec or target(ctx)
        if spec is None or not spec.ep:
            return
        providers = param(ctx, entry, canonical, "providers_list")
        ep = providers.value if providers.given else spec.ep
        if not providers.concrete or not isinstance(ep, str):
            continue
        io_bind, graph = param(ctx, entry, canonical, "io_bind"), param(ctx, entry, canonical, "enable_cuda_graph")
        trt16, mode = param(ctx, entry, canonical, "trt_fp16_enable"), param(ctx, entry, canonical, "execution_mode_list")
        force = param(ctx, entry, canonical, "force_evaluate_other_eps")
        if not all(v.concrete for v in (io_bind, graph, trt16, mode, force)):
            continue
        where = providers.node if providers.given else node_of(entry)
        if ep == CUDA and io_bind.value is not True:
            yield Finding.at(
                io_bind.node or where,
                f"{PRUNED}: tuning on CUDAExecutionProvider needs io_bind: true (no log line).",
                detail=PRUNED_DETAIL + " " + "validate_config returns False for CUDA without IO binding (CUDA graphs fail without it).",
                fix={"title": "Replace with", "replace_value": [True]}
                if io_bind.given
                else {"title": "Add 'io_bind'", "add_keys": ["io_bind"], "object_path": owner_path(entry), "values": {"io_bind": True}},
            )
            continue
        if ep == CPU and io_bind.value is True:
            yield Finding.at(
                io_bind.node,
                f"{PRUNED}: io_bind is not for CPUExecutionProvider.",
                detail=PRUNED_DETAIL + " " + "validate_config logs `[Ignored] Because EP is CPUExecutionProvider, the io_bind should not be True`.",
                fix={"title": "Replace with", "replace_value": [False]},
            )
            continue
        if ep != CUDA and graph.value is True:
            yield Finding.at(
                graph.node,
                f"Olive will ignore enable_cuda_graph: the tuning EP is {ep}, not CUDAExecutionProvider.",
                severity=WARNING,
                detail="validate_config logs `[Ignored] Because EP is not CUDAExecutionProvider, the enable_cuda_graph is ignored` and skips its later checks.",
                fix={"title": "Remove 'enable_cuda_graph'", "delete_property": True},
            )
            continue
        if ep != TRT and trt16.value is True:
            yield Finding.at(
                trt16.node,
                f"Olive will ignore trt_fp16_enable: the tuning EP is {ep}, not TensorrtExecutionProvider.",
                severity=WARNING,
                detail="validate_config logs `[Ignored] Because EP is not TensorrtExecutionProvider, the trt_fp16_enable is ignored`.",
                fix={"title": "Remove 'trt_fp16_enable'", "delete_property": True},
            )
            continue
        if ep == CUDA and graph.value is True and mode.value == 1:
            yield Finding.at(
                mode.node,
                f"{PRUNED}: CUDA graphs do not run in parallel execution mode (execution_mode_list 1).",
                detail=PRUNED_DETAIL + " " + "validate_config logs `the execution_mode should not be 1 in case of enable_cuda_graph is True`.",
                fix={"title": "Replace with", "replace_value": [0]},
            )
            continue
        if ep != spec.ep and force.value is not True:
            yield Finding.at(
                where,
                f"{PRUNED}: providers_list {ep} is not the target's EP.",
                detail=PRUNED_DETAIL + " " + (
                    f"The workflow builds for {spec.description}. validate_config logs `Ignore perf tuning for EP {ep} since "
                    f"current pass EP is {spec.ep}`; set force_evaluate_other_eps: true to tune it anyway."
                ),
                fix={"title": "Replace with", "replace_value": [spec.ep]} if providers.given else None,
            )
