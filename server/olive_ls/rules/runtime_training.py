"""Fine-tuning and PyTorch passes at run time (OLV380-OLV399, OLV483-OLV489, OLV592): the LoRA family and its
training arguments (olive/passes/pytorch/lora.py, train_utils.py), MergeAdapterWeights, SDLoRA
(olive/passes/diffusers/lora.py), SparseGPT, SelectiveMixedPrecision, CaptureLayerAnnotations, CaptureSplitInfo,
QuaRot/SpinQuant, AutoClip/KQuant group sizes, a PyTorchModel's calibration data, and the CUDA-only quantizers.

Rows P181, P183, P186, P187, P189, P190, P192, P193, P195, P196, P200, P201, P202, P204, P205, P206, P208, P212,
P213, P214, P215-P217, P219, L003 and L004 of docs/olive-runtime-checks.md (P204: transformers.TrainingArguments'
fields, generated into component-behaviour.json). What needs the model's files (config.json: P184, P191, P209, P211,
P218) is runtime_model_files.py's; OLV483-OLV485 and OLV488 read config.json through its readers.
"""

from __future__ import annotations

import re
from pathlib import Path

from olive_ls import config_paths
from olive_ls.document.nodes import Node, Property
from olive_ls.model.component_behaviour import DEFAULT_HF_TASK, component_behaviour
from olive_ls.model.view import PassEntry, merged_params
from olive_ls.rules.passes import _model_flow
from olive_ls.rules.registry import ERROR, HINT, WARNING, Finding, RuleContext, rule
from olive_ls.rules.runtime_common import string, truthy
from olive_ls.rules.runtime_helpers import (
    PRUNED,
    PRUNED_DETAIL,
    entries,
    node_of,
    owner_path,
    param,
    show,
)
from olive_ls.rules.targets import iter_systems
from olive_ls.suggest import did_you_mean, one_of

# Passes that build a peft LoraConfig from `r` (lora.py:516 get_peft_model, diffusers/lora.py:308, 665).
LORA_CONFIG_PASSES = ("LoRA", "DoRA", "QLoRA", "LoftQ", "SDLoRA")
TORCH_DTYPES = ("bfloat16", "float16", "float32")  # lora.py:486 get_torch_dtype
BUCKET_STEPS = ("aspect_ratio_bucketing", "image_resizing")  # the steps that set bucket_assignments
CHECKPOINT = re.compile(r"^checkpoint-(\d+)$")  # transformers.trainer_utils.PREFIX_CHECKPOINT_DIR


def _lora_passes(ctx: RuleContext) -> frozenset[str]:
    behaviour = component_behaviour(ctx.model)
    return behaviour.lora_passes if behaviour is not None and behaviour.lora_passes else frozenset()


def _hf_input(ctx: RuleContext) -> bool:
    model = ctx.view.input_model
    return model is not None and (model.type_name or "").lower() == "hfmodel"


# --- adapters: LoRA family and MergeAdapterWeights ---------------------------------------------------------


@rule("OLV380", "lora-model-has-adapter", "A LoRA-family pass on an HfModel that already has an adapter: Olive raises.", ERROR)
def lora_model_has_adapter(ctx: RuleContext):
    """The LoRA family loads its base model with load_hf_base_model (train_utils.py:109-111), which refuses a model
    with an adapter_path: `Model already has an adapter. Please provide a model without an adapter.` The adapter
    comes from input_model.adapter_path or from an earlier LoRA-family pass not followed by MergeAdapterWeights."""
    yield from _adapter_findings(ctx, want="lora")


@rule("OLV381", "merge-adapter-without-adapter", "MergeAdapterWeights on a model without an adapter: Olive raises RuntimeError.", ERROR)
def merge_adapter_without_adapter(ctx: RuleContext):
    """MergeAdapterWeights raises `No adapter path found in the model...` (merge_adapter_weights.py:30-34) when the
    HfModel has no adapter_path: none on input_model and no LoRA-family pass before it."""
    yield from _adapter_findings(ctx, want="merge")


def _adapter_findings(ctx: RuleContext, want: str):
    if not _hf_input(ctx) or any(entry.alternative is not None for entry in ctx.view.passes):
        return
    lora = _lora_passes(ctx)
    if not lora:
        return
    adapter_prop = ctx.view.input_model.params.get("adapter_path")
    given = adapter_prop is not None and truthy(adapter_prop.value)
    has_adapter, source = given, ("input_model.adapter_path" if given else None)
    for entry, canonical in entries(ctx):
        if canonical in lora:
            if has_adapter and want == "lora":
                yield Finding.at(
                    node_of(entry),
                    f"Olive will fail in {canonical}: the model already has an adapter ({source}).",
                    detail=(
                        "train_utils.py:109-111 (load_hf_base_model) raises `Model already has an adapter. Please provide a model "
                        "without an adapter.`; fine-tune the base model, or merge the adapter first with MergeAdapterWeights."
                    ),
                )
            has_adapter, source = True, f"pass '{entry.name}' ({canonical}) sets adapter_path"
        elif canonical == "MergeAdapterWeights":
            if not has_adapter and want == "merge":
                yield Finding.at(
                    node_of(entry),
                    "Olive will fail in MergeAdapterWeights: the model has no adapter to merge.",
                    detail=(
                        "merge_adapter_weights.py:30-34 raises `No adapter path found in the model. Please check your input model "
                        "type or remove `MergeAdapterWeights` from passes configs`: input_model has no adapter_path and no "
                        f"LoRA-family pass ({one_of(sorted(lora))}) runs before it."
                    ),
                )
            has_adapter, source = False, None


@rule("OLV382", "lora-task-without-peft-type", "A LoRA-family pass on an HfModel whose task has no peft task type.", ERROR)
def lora_task_without_peft_type(ctx: RuleContext):
    """The LoRA family maps the model's task to a peft task type with fail_on_not_found=True (lora.py:327 ->
    common/hf/utils.py:350); only text-generation and text-classification (with or without -with-past) have one."""
    behaviour = component_behaviour(ctx.model)
    if behaviour is None or not behaviour.peft_tasks or not _hf_input(ctx):
        return
    lora = _lora_passes(ctx)
    found = [(entry, canonical) for entry, canonical in entries(ctx) if canonical in lora]
    if not found:
        return
    task_prop = ctx.view.input_model.params.get("task")
    task = string(task_prop.value) if task_prop is not None else DEFAULT_HF_TASK
    if not task or task.replace("-with-past", "") in behaviour.peft_tasks:
        return
    names = ", ".join(sorted({canonical for _, canonical in found}))
    yield Finding.at(
        task_prop.value,
        f"Olive will fail in {names}: peft has no task type for task {show(task)}.",
        detail=(
            f"`There is no peft task type for task {task}`: lora.py:327 calls get_peft_task_type_from_task(task, fail_on_not_found=True) (common/hf/utils.py:350), which "
            f"knows {one_of(behaviour.peft_tasks)} (a -with-past suffix is dropped) and raises ValueError for any other task."
        ),
        fix={"title": "Replace with", "replace_value": list(behaviour.peft_tasks)},
    )


@rule("OLV383", "lora-r-not-positive", "LoRA r is 0 or negative: peft's LoraConfig rejects it when the adapter is created.", ERROR)
def lora_r_not_positive(ctx: RuleContext):
    """Olive passes `r` straight to peft's LoraConfig (lora.py:516; diffusers/lora.py:308, 665). peft's
    LoraLayer.update_layer (peft/tuners/lora/layer.py, public huggingface/peft source; peft is not installed here)
    raises `r` should be a positive integer value but the value passed is N` for r <= 0."""
    for entry, canonical in entries(ctx, *LORA_CONFIG_PASSES):
        r = param(ctx, entry, canonical, "r")
        if not r.given or not r.concrete or isinstance(r.value, bool) or not isinstance(r.value, (int, float)) or r.value > 0:
            continue
        yield Finding.at(
            r.node,
            f"Olive will fail in {canonical}: r is {r.value}, and peft needs a positive integer rank.",
            detail=(
                f"Olive passes r to peft's LoraConfig unchanged ({'diffusers/lora.py:308, 665' if canonical == 'SDLoRA' else 'lora.py:516'}); "
                "peft's LoraLayer.update_layer (peft/tuners/lora/layer.py, huggingface/peft's public source) raises "
                f"`ValueError: `r` should be a positive integer value but the value passed is {r.value}` when the adapter is created."
            ),
            fix={"title": "Replace with", "replace_value": [16, 64]},
        )


@rule("OLV384", "lora-torch-dtype", "A LoRA-family torch_dtype other than bfloat16, float16 or float32: Olive asserts.", ERROR)
def lora_torch_dtype(ctx: RuleContext):
    """load_base_pytorch_model calls get_torch_dtype (lora.py:484-487), which asserts that torch_dtype is one of
    bfloat16, float16, float32 (the parameter itself is a free string)."""
    for entry, canonical in entries(ctx, *sorted(_lora_passes(ctx))):
        dtype = param(ctx, entry, canonical, "torch_dtype")
        if not dtype.given or not dtype.concrete or dtype.value in TORCH_DTYPES:
            continue
        meant = {"bf16": "bfloat16", "fp16": "float16", "half": "float16", "fp32": "float32", "float": "float32"}.get(str(dtype.value).lower())
        yield Finding.at(
            dtype.node,
            f"Olive will fail in {canonical}: torch_dtype {show(dtype.value)} is not bfloat16, float16 or float32.",
            detail=(
                "lora.py:484-487 asserts `torch_dtype must be one of ('bfloat16', 'float16', 'float32')` before loading the model."
                + (f" Did you mean '{meant}'?" if meant else "")
            ),
            fix={"title": "Replace with", "replace_value": [meant] if meant else list(TORCH_DTYPES)},
        )


def _training_args(entry: PassEntry) -> tuple[Node | None, dict[str, Property]]:
    """The training_args object and its keys, flat and under extra_args (NestedConfig puts unknown keys there)."""
    prop = entry.params.get("training_args")
    node = prop.value if prop is not None else None
    if node is None or not node.is_object:
        return None, {}
    return node, merged_params(node, "extra_args", ())


@rule("OLV385", "lora-fp16-extra-arg", "training_args fp16 in a LoRA-family pass: Olive drops it (torch_dtype decides).", WARNING)
def lora_fp16_extra_arg(ctx: RuleContext):
    """HFTrainingArguments.validate_torch_dtype (lora.py:90-96) deletes `fp16` from extra_args with the warning
    `Extra arg 'fp16' is not allowed. Please use torch_dtype instead.`; torch_dtype float16 gives fp16 mixed precision."""
    for entry, canonical in entries(ctx, *sorted(_lora_passes(ctx))):
        _, keys = _training_args(entry)
        fp16 = keys.get("fp16")
        if fp16 is None:
            continue
        yield Finding.at(
            fp16.key_node,
            f"Olive will ignore training_args fp16 in {canonical}: it drops the key; set torch_dtype instead.",
            detail=(
                "lora.py:90-96 deletes `fp16` from the training arguments and logs `Extra arg 'fp16' is not allowed. Please use "
                "`torch_dtype` instead.` torch_dtype 'float16' trains with fp16 mixed precision (lora.py:278)."
            ),
        )


@rule("OLV592", "training-arg-not-a-field", "A training_args key that is not a transformers.TrainingArguments field: Olive drops it.", WARNING)
def training_arg_not_a_field(ctx: RuleContext):
    """training_args keys that its class does not declare go to extra_args (NestedConfig), and
    BaseHFTrainingArguments.validate_extra_args deletes every extra_args key that is not an init field of
    transformers.TrainingArguments, logging `Extra arg %s is not a field of transformers.TrainingArguments.
    Ignoring.` (train_utils.py:62-72). The fields are those of the transformers olive-ls was generated with."""
    behaviour = component_behaviour(ctx.model)
    if behaviour is None or not behaviour.transformers_training_args_fields:
        return
    fields = behaviour.transformers_training_args_fields
    for entry, canonical in entries(ctx, *sorted(behaviour.training_args_fields)):
        declared = behaviour.training_args_fields[canonical]
        _node, keys = _training_args(entry)
        for key, prop in keys.items():
            if key in declared or key in fields:
                continue
            hint, suggestions = did_you_mean(key, sorted(fields | declared))
            yield Finding.at(
                prop,
                f"Olive will ignore training_args '{key}': it is not a transformers.TrainingArguments field.{hint}",
                detail=(
                    f"{canonical}'s training_args hand keys they do not declare to transformers.TrainingArguments, and "
                    f"train_utils.py:62-72 drops '{key}' with the warning `Extra arg {key} is not a field of "
                    f"transformers.TrainingArguments. Ignoring.` (fields of transformers {behaviour.raw.get('transformers_version', '')})."
                ),
                fix={"title": "Rename to", "replace_key": suggestions} if suggestions else {"title": f"Remove '{key}'", "delete_property": True},
            )


@rule("OLV386", "lora-output-dir-not-empty", "training_args.output_dir exists, is not empty and has no checkpoint: Olive raises.", WARNING)
def lora_output_dir_not_empty(ctx: RuleContext):
    """check_dependencies (lora.py:180-188) raises `Output directory (...) already exists and is not empty.` when
    training_args.output_dir exists with files but no checkpoint-N folder and overwrite_output_dir is false. A
    warning: it is the folder as it is now, relative to the config's folder."""
    for entry, canonical in entries(ctx, *sorted(_lora_passes(ctx))):
        _node, keys = _training_args(entry)
        out = keys.get("output_dir")
        raw = string(out.value) if out is not None else None
        overwrite = keys.get("overwrite_output_dir")
        if not raw or (overwrite is not None and truthy(overwrite.value)):
            continue
        path = config_paths.locate(raw, ctx.file_path)
        if path is None or not path.is_dir():
            continue
        try:
            children = list(Path(path).iterdir())
        except OSError:
            continue
        if not children or any(c.is_dir() and CHECKPOINT.match(c.name) for c in children):
            continue
        yield Finding.at(
            out.value,
            f"Olive will fail in {canonical}: training_args.output_dir {show(raw)} exists and is not empty.",
            detail=(
                f"{path} has {len(children)} entr{'y' if len(children) == 1 else 'ies'} and no checkpoint-N folder; lora.py:180-188 "
                "raises `Output directory (...) already exists and is not empty. Set overwrite_output_dir to True to overwrite "
                "or provide a new output_dir.`"
            ),
        )


# --- SDLoRA -----------------------------------------------------------------------------------------------


@rule("OLV387", "sdlora-dreambooth-prompts", "SDLoRA dreambooth/prior preservation without its prompt, or prior preservation without dreambooth.", ERROR)
def sdlora_dreambooth_prompts(ctx: RuleContext):
    """SDLoRA._run_for_config (diffusers/lora.py:205-211) raises `instance_prompt is required when dreambooth=True.`,
    `with_prior_preservation requires dreambooth=True.` and `class_prompt is required when with_prior_preservation=True.`"""
    for entry, canonical in entries(ctx, "SDLoRA"):
        values = {k: param(ctx, entry, canonical, k) for k in ("dreambooth", "instance_prompt", "with_prior_preservation", "class_prompt")}
        if not all(v.concrete for v in values.values()):
            continue
        dreambooth, prior = values["dreambooth"], values["with_prior_preservation"]
        if dreambooth.value and not values["instance_prompt"].value:
            yield Finding.at(
                dreambooth.node or node_of(entry),
                "Olive will fail in SDLoRA: dreambooth needs instance_prompt (`instance_prompt is required when dreambooth=True.`).",
                detail="diffusers/lora.py:205-206 raises ValueError before training; add instance_prompt (e.g. 'a photo of sks dog').",
            )
        if prior.value and not dreambooth.value:
            yield Finding.at(
                prior.node or node_of(entry),
                "Olive will fail in SDLoRA: with_prior_preservation needs dreambooth true.",
                detail="diffusers/lora.py:208-209 raises `with_prior_preservation requires dreambooth=True.`",
            )
        elif prior.value and not values["class_prompt"].value:
            yield Finding.at(
                prior.node or node_of(entry),
                "Olive will fail in SDLoRA: with_prior_preservation needs class_prompt.",
                detail="diffusers/lora.py:210-211 raises `class_prompt is required when with_prior_preservation=True.`",
            )


def _data_config(ctx: RuleContext, node: Node | None) -> Node | None:
    if node is None:
        return None
    if node.is_object:
        return node
    name = string(node)
    for entry in ctx.view.data_configs:
        if entry.name == name and entry.node.is_object:
            return entry.node
    return None


@rule("OLV388", "sdlora-no-bucketing-step", "SDLoRA train data whose image_lora_preprocess steps have neither aspect_ratio_bucketing nor image_resizing.", ERROR)
def sdlora_no_bucketing_step(ctx: RuleContext):
    """image_lora_preprocess (data/component/sd_lora/preprocess_chain.py) runs only the steps given; without
    aspect_ratio_bucketing or image_resizing the dataset has no bucket_assignments and SDLoRA raises
    `Dataset must be preprocessed with 'aspect_ratio_bucketing' or 'image_resizing'.` (diffusers/lora.py:1049-1055)."""
    for entry, canonical in entries(ctx, "SDLoRA"):
        prop = entry.params.get("train_data_config")
        data = _data_config(ctx, prop.value if prop is not None else None)
        pre = data.get("pre_process_data_config") if data is not None else None
        if pre is None or not pre.is_object:
            continue
        kind = string(pre.get("type"))
        container = string(data.get("type"))
        if kind != "image_lora_preprocess" and not (kind is None and container == "ImageDataContainer"):
            continue
        steps_prop = merged_params(pre, "params", ("type", "params")).get("steps")
        steps = steps_prop.value if steps_prop is not None else None
        if steps is None or not steps.is_object or any(steps.get(s) is not None for s in BUCKET_STEPS):
            continue
        yield Finding.at(
            steps_prop.key_node,
            "Olive will fail in SDLoRA: the preprocess steps have no aspect_ratio_bucketing or image_resizing.",
            detail=(
                "image_lora_preprocess runs only the steps given (the default {'aspect_ratio_bucketing': {}} only when steps is "
                "absent); without one of those two the dataset has no bucket_assignments and diffusers/lora.py:1049-1055 raises "
                "`Dataset must be preprocessed with 'aspect_ratio_bucketing' or 'image_resizing'.`"
            ),
        )


# --- SparseGPT, SelectiveMixedPrecision, CaptureLayerAnnotations -----------------------------------------


@rule("OLV389", "sparsegpt-sparsity", "SparseGPT sparsity a number outside [0, 1] or a list not of two integers: Olive asserts.", ERROR)
def sparsegpt_sparsity(ctx: RuleContext):
    """sparsegpt.py:103-106 asserts `Sparsity must be in [0,1].` for a float and `Sparsity must be a float or a
    list of two integers.` for a list of another length."""
    for entry, canonical in entries(ctx, "SparseGPT"):
        s = param(ctx, entry, canonical, "sparsity")
        if not s.given or not s.concrete:
            continue
        if isinstance(s.value, (int, float)) and not isinstance(s.value, bool) and not 0 <= s.value <= 1:
            message = f"Olive will fail in SparseGPT: sparsity {s.value} is not in [0, 1] (`Sparsity must be in [0,1].`)."
            detail = "sparsegpt.py:103-104 asserts 0 <= sparsity <= 1 for unstructured sparsity; give a fraction (0.5) or [n, m] for n:m sparsity."
        elif isinstance(s.value, list) and len(s.value) != 2:
            message = f"Olive will fail in SparseGPT: sparsity has {len(s.value)} items; n:m sparsity is two integers."
            detail = "sparsegpt.py:105-106 asserts `Sparsity must be a float or a list of two integers.` (e.g. [2, 4])."
        else:
            continue
        yield Finding.at(s.node, message, detail=detail)


@rule("OLV390", "sparsegpt-min-layer-negative", "SparseGPT min_layer below 0: Olive uses 0.", WARNING)
def sparsegpt_min_layer_negative(ctx: RuleContext):
    """validate_min_max_layers (sparsegpt_utils.py:46-50) logs `min_layer (N) is less than 0. Setting to 0.`"""
    for entry, canonical in entries(ctx, "SparseGPT"):
        v = param(ctx, entry, canonical, "min_layer")
        if not v.given or not v.concrete or isinstance(v.value, bool) or not isinstance(v.value, (int, float)) or v.value >= 0:
            continue
        yield Finding.at(
            v.node,
            f"Olive will ignore SparseGPT min_layer {v.value}: it starts from layer 0.",
            detail="sparsegpt_utils.py:46-50 logs `min_layer (%d) is less than 0. Setting to 0.` (layers are not counted from the end).",
            fix={"title": "Replace with", "replace_value": [0]},
        )


def _smp_algorithm(ctx, entry, canonical):
    algo = param(ctx, entry, canonical, "algorithm")
    if not algo.given or not algo.concrete or not isinstance(algo.value, str):
        return None
    spec = ctx.model.pass_spec(canonical)
    known = spec.parameters["algorithm"].enum if spec is not None and "algorithm" in spec.parameters else ()
    return algo if not known or algo.value in known else None


@rule("OLV391", "selective-mixed-precision-ratio", "SelectiveMixedPrecision score-based algorithm without a ratio in (0, 1): Olive prunes it.", ERROR)
def selective_mixed_precision_ratio(ctx: RuleContext):
    """validate_config (selective_mixed_precision.py:736-740) logs `When using X algorithm, ratio must be provided
    and between 0 and 1.` and prunes the pass for every algorithm but the k_quant_* ones."""
    for entry, canonical in entries(ctx, "SelectiveMixedPrecision"):
        algo = _smp_algorithm(ctx, entry, canonical)
        if algo is None or algo.value.startswith("k_quant"):
            continue
        ratio = param(ctx, entry, canonical, "ratio")
        if not ratio.concrete:
            continue
        if ratio.value is not None and isinstance(ratio.value, (int, float)) and not isinstance(ratio.value, bool) and 0 < ratio.value < 1:
            continue
        what = f"ratio {ratio.value} is not between 0 and 1" if ratio.value is not None else "it has no ratio"
        yield Finding.at(
            ratio.node or algo.node,
            f"{PRUNED}: SelectiveMixedPrecision {algo.value} needs a ratio in (0, 1), and {what}.",
            detail=PRUNED_DETAIL + f" validate_config logs `When using {algo.value} algorithm, ratio must be provided and between 0 and 1.`",
        )


@rule("OLV392", "selective-mixed-precision-input", "SelectiveMixedPrecision on an input model that is not an HfModel: Olive raises.", ERROR, scope="entry")
def selective_mixed_precision_input(ctx: RuleContext):
    """selective_mixed_precision.py:747-749 raises `SelectiveMixedPrecision pass currently only supports
    HfModelHandler.`"""
    names = {"onnx": "an ONNX model", "pytorch": "a PyTorchModel", "diffusers": "a DiffusersModel"}
    for entry, canonical, kind in _model_flow(ctx):
        if canonical != "SelectiveMixedPrecision" or kind is None or kind == "hf":
            continue
        model = ctx.view.input_model
        what = names.get(kind, "another kind of model")
        where = f"the input {model.type_name}" if model is not None and _same_kind(ctx, entry) else what
        yield Finding.at(
            node_of(entry),
            f"Olive will fail in SelectiveMixedPrecision: the model reaching it is {where}, not an HfModel.",
            detail="selective_mixed_precision.py:747-749 raises `SelectiveMixedPrecision pass currently only supports HfModelHandler.`",
        )


def _same_kind(ctx: RuleContext, entry: PassEntry) -> bool:
    """Whether no pass before this one changes the model's format (the model is still the input model)."""
    for other in ctx.view.passes:
        if other is entry:
            return True
        canonical = ctx.model.canonical_pass_name(other.type_name or "")
        spec = ctx.model.pass_spec(canonical) if canonical else None
        if spec is None or not spec.is_pytorch:
            return False
    return True


@rule("OLV393", "selective-mixed-precision-per-tensor", "Score-based SelectiveMixedPrecision with group_size 0 (per tensor): Olive raises for q/k/v models.", WARNING)
def selective_mixed_precision_per_tensor(ctx: RuleContext):
    """get_scored_config (selective_mixed_precision.py:875-880) raises for models with q/k/v projections (nearly
    every decoder) when group_size or high_group_size (None: group_size) is 0. A warning: it depends on the model."""
    for entry, canonical in entries(ctx, "SelectiveMixedPrecision"):
        algo = _smp_algorithm(ctx, entry, canonical)
        if algo is None or algo.value.startswith("k_quant"):
            continue
        group, high = param(ctx, entry, canonical, "group_size"), param(ctx, entry, canonical, "high_group_size")
        for v in (group, high):
            if v.given and v.concrete and v.value == 0 and not isinstance(v.value, bool):
                key = "group_size" if v is group else "high_group_size"
                yield Finding.at(
                    v.node,
                    f"Olive will fail in SelectiveMixedPrecision {algo.value}: {key} 0 (per tensor) is refused for q/k/v models.",
                    detail=(
                        "selective_mixed_precision.py:875-880 raises `Score-based selective mixed precision does not support per-tensor "
                        "quantization (group_size=0) for models with grouped QKV projections` (nearly every decoder LLM); use -1 "
                        "(per channel) or a positive group size."
                    ),
                    fix={"title": "Replace with", "replace_value": [128, -1]},
                )


@rule("OLV394", "capture-layer-annotations-invalid", "CaptureLayerAnnotations layer_annotations empty or not a map of names to non-empty string lists.", ERROR)
def capture_layer_annotations_invalid(ctx: RuleContext):
    """validate_config (capture_layer_annotations.py:51-64) prunes the pass when layer_annotations is empty, has an
    empty key, or a value that is not a non-empty list of non-empty strings (logged at info level only)."""
    for entry, canonical in entries(ctx, "CaptureLayerAnnotations"):
        v = param(ctx, entry, canonical, "layer_annotations")
        if not v.given or not v.concrete or (v.value is not None and not isinstance(v.value, dict)):
            continue
        node, reason = v.node, None
        if not v.value:
            reason = "layer_annotations is empty"
        else:
            for prop in v.node.properties if v.node is not None and v.node.is_object else ():
                value = prop.value.to_python() if prop.value is not None else None
                if not prop.key:
                    node, reason = prop.key_node, "a layer_annotations key is empty"
                elif not isinstance(value, list) or not value:
                    node, reason = prop.value or prop.key_node, f"layer_annotations['{prop.key}'] is not a non-empty list"
                elif not all(isinstance(s, str) and s for s in value):
                    node, reason = prop.value, f"layer_annotations['{prop.key}'] holds a non-string or empty name"
                if reason:
                    break
        if reason:
            yield Finding.at(
                node,
                f"{PRUNED}: {reason}.",
                detail=PRUNED_DETAIL + " CaptureLayerAnnotations.validate_config logs why at info level only (capture_layer_annotations.py:51-64).",
            )


# --- the CUDA-only quantizers --------------------------------------------------------------------------------


@rule("OLV395", "cuda-quantizer-on-cpu-host", "AutoAWQQuantizer or GptqQuantizer with a host that declares only CPU accelerators.", HINT)
def cuda_quantizer_on_cpu_host(ctx: RuleContext):
    """AutoAWQQuantizer (autoawq.py:117-118) and GptqQuantizer (autogptq.py:112-115) raise `Please use GPU to run ...
    quantization.` when torch.cuda.is_available() is false. A hint: the machine decides, and a host that declares
    only CPU accelerators suggests it has none."""
    quantizers = list(entries(ctx, "AutoAWQQuantizer", "GptqQuantizer"))
    if not quantizers:
        return
    systems = {s.label: s for s in iter_systems(ctx.view)}
    engine_host = ctx.view.engine_params.get("host")
    for entry, canonical in quantizers:
        host_node = entry.node.get("host") if entry.node.is_object else None
        if host_node is not None and host_node.is_object:
            system = systems.get(f"the host of pass '{entry.name}'")
        elif host_node is not None and string(host_node):
            system = systems.get(f"system '{host_node.value}'")
        elif engine_host is not None and engine_host.value is not None:
            system = systems.get(f"system '{engine_host.value.value}'") if string(engine_host.value) else systems.get("the inline host system")
        else:
            system = None
        devices = _devices(system.node) if system is not None else []
        if not devices or any(d != "cpu" for d in devices):
            continue
        awq = canonical == "AutoAWQQuantizer"
        yield Finding.at(
            node_of(entry),
            f"{canonical} needs CUDA: on a machine without a GPU it raises `Please use GPU to run {'AWQ' if awq else 'gptq'} quantization.`",
            detail=(
                f"{'autoawq.py:117-118' if awq else 'autogptq.py:112-115'} checks torch.cuda.is_available(); the host {system.label} "
                "declares only CPU accelerators. On a CPU machine use Gptq or Rtn instead."
            ),
        )


def _devices(system: Node) -> list[str]:
    node = system.get("accelerators") if system.is_object else None
    if node is None:
        config = system.get("config") if system.is_object else None
        node = config.get("accelerators") if config is not None and config.is_object else None
    if node is None or not node.is_array:
        return []
    devices = []
    for item in node.items:
        device = string(item.get("device")) if item.is_object else None
        if device is None:
            return []
        devices.append(device.lower())
    return devices


# --- data: the audio classification pre-process -------------------------------------------------------------


@rule("OLV396", "audio-pre-process-input-cols", "audio_classification_pre_process with input_cols not exactly one column: Olive asserts.", ERROR)
def audio_pre_process_input_cols(ctx: RuleContext):
    """audio_classification_pre_process (data/component/pre_process_data.py:262) asserts `Only one input column is
    supported for audio classification task.` An error for a data config something uses, a warning otherwise."""
    from olive_ls.rules.runtime_data import _severity, _unused_note
    from olive_ls.rules.runtime_data import entries as data_entries

    behaviour = component_behaviour(ctx.model)
    if behaviour is None:
        return
    for data in data_entries(ctx, behaviour):
        part = data.part("pre_process_data")
        if part.type != "audio_classification_pre_process":
            continue
        cols = part.params.get("input_cols")
        if cols is None or cols.value is None or not cols.value.is_array or len(cols.value.items) == 1:
            continue
        yield Finding.at(
            cols.value,
            f"Olive will fail loading data: audio_classification_pre_process takes one input column, not {len(cols.value.items)}.",
            detail="pre_process_data.py:262 asserts `Only one input column is supported for audio classification task.`" + _unused_note(data),
            severity=_severity(data),
        )


# --- what the input model's config.json decides (OLV483-OLV486, OLV488) ----------------------------------------
# These read the model's config.json through runtime_model_files' readers (a local folder, or a hub id in the local
# Hugging Face cache), so they run only with environment checks on.


def _int_key(config: dict, key: str) -> int | None:
    value = config.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _moe(config: dict) -> bool:
    """A mixture-of-experts config: its experts' sizes (and whether they are nn.Linear at all) are not intermediate_size's."""
    return any("expert" in key for key in config)


def _linear_in_features(config: dict) -> dict[str, int]:
    """The nn.Linear in_features a llama-like decoder's config.json gives: hidden_size (q/k/v, gate/up), the
    attention output's heads x head_dim (o_proj) and intermediate_size (down_proj, not for MoE models)."""
    sizes = {}
    hidden, heads, head_dim = _int_key(config, "hidden_size"), _int_key(config, "num_attention_heads"), _int_key(config, "head_dim")
    if hidden:
        sizes["hidden_size"] = hidden
    if heads and head_dim:
        sizes["num_attention_heads x head_dim"] = heads * head_dim
    if not _moe(config) and _int_key(config, "intermediate_size"):
        sizes["intermediate_size"] = config["intermediate_size"]
    return sizes


def _mixed_precision_before(ctx: RuleContext, entry: PassEntry) -> bool:
    """An earlier SelectiveMixedPrecision sets mixed_precision_info, whose group sizes override the pass's (quant_utils.py:310-319)."""
    from olive_ls.rules.runtime_onnx_passes import _earlier

    return any(canonical == "SelectiveMixedPrecision" for _e, canonical in _earlier(ctx, entry))


def _group_size_divisors(sizes: dict[str, int]) -> list[int]:
    return [-1, *(g for g in (128, 64, 32, 16) if all(size % g == 0 for size in sizes.values()))]


@rule(
    "OLV483",
    "quantizer-group-size-not-dividing",
    "AutoClip or KQuant group_size that does not divide the model's hidden or intermediate size: Olive raises.",
    ERROR,
    needs_environment=True,
)
def quantizer_group_size_not_dividing(ctx: RuleContext):
    """AutoClip (autoclip.py:177-179) and KQuant (kquant_find_qparams, kquant.py:171-173) raise ValueError when a
    quantized nn.Linear's in_features is not divisible by group_size (-1 means the whole row). The in_features are
    config.json's hidden_size (q/k/v, gate/up), num_attention_heads x head_dim (o_proj) and intermediate_size
    (down_proj). Not claimed with per-module overrides or after SelectiveMixedPrecision (their group sizes win), nor
    for intermediate_size on a mixture-of-experts model. (A weight not 2-D, autoclip.py:173-174, is unreachable: only
    nn.Linear modules are quantized.)"""
    from olive_ls.rules.runtime_model_files import _hf_passes, input_model_files

    files = input_model_files(ctx)
    sizes = _linear_in_features(files.config) if files is not None else {}
    if not sizes:
        return
    for entry, canonical in _hf_passes(ctx, "AutoClip", "KQuant"):
        group, overrides = param(ctx, entry, canonical, "group_size"), param(ctx, entry, canonical, "overrides")
        if not group.concrete or not isinstance(group.value, int) or group.value <= 0 or overrides.value or _mixed_precision_before(ctx, entry):
            continue
        bad = {name: size for name, size in sizes.items() if size % group.value}
        if not bad:
            continue
        name, size = next(iter(bad.items()))
        yield Finding.at(
            group.node if group.given else node_of(entry),
            f"Olive raises ValueError in {canonical}: {name} {size} is not divisible by group_size {group.value}.",
            detail=(
                f"{files.where}/config.json gives {', '.join(f'{k} {v}' for k, v in bad.items())}; "
                + ("autoclip.py:177-179 raises `Weight in_features must be divisible by group_size.`" if canonical == "AutoClip"
                   else "kquant.py:171-173 raises `in_features (...) must be divisible by group_size (...) for k-quant.`")
                + " Use a group_size that divides every in_features, or -1 (per channel)."
            ),
            fix={"title": "Replace with", "replace_value": _group_size_divisors(sizes)} if group.given else None,
        )


# Model types QuaRot/SpinQuant cannot rotate (rotate.py:202 `fuse_layer_norms`), read from transformers 5.24.0's
# models (built from their configs) through Olive 0.13.0's ModelWrapper (olive/common/hf/wrapper.py):
# - the final norm is an nn.LayerNorm: ValueError `Model uses LayerNorm. Only RMSNorm fusion is supported.`;
# - LayerNorm models whose modules the wrapper's default names (model.norm, model.layers, post_attention_layernorm)
#   do not find, or whose LayerNorm has no weight: AttributeError.
# tests/rules/test_runtime_pytorch_more_slow.py builds each and shows the exception.
ROTATE_LAYERNORM_MODEL_TYPES = ("gpt2", "stablelm", "starcoder2")
ROTATE_UNFOUND_MODEL_TYPES = ("bloom", "codegen", "cohere", "falcon", "gpt_bigcode", "gpt_neox", "gptj", "mpt", "olmo", "opt", "phi")
ROTATE_PASSES = ("QuaRot", "SpinQuant")


@rule("OLV484", "rotate-layernorm-model", "QuaRot or SpinQuant on a model type with LayerNorm: Olive fuses only RMSNorm and raises.", ERROR, needs_environment=True)
def rotate_layernorm_model(ctx: RuleContext):
    """QuaRot and SpinQuant fuse the norms into the linear layers first (rotate.py:94-102, fuse_layer_norms): a final
    nn.LayerNorm raises ValueError `Model uses LayerNorm. Only RMSNorm fusion is supported.` (line 202); the other
    LayerNorm model types in the table fail earlier in Olive's ModelWrapper, whose default module names they do not
    have. The model type is model_attributes.model_type, else config.json's."""
    from olive_ls.rules.runtime_model_files import _hf_passes, _model_type, input_model_files

    files = input_model_files(ctx)
    model_type = _model_type(ctx, files) if files is not None else None
    if model_type not in ROTATE_LAYERNORM_MODEL_TYPES + ROTATE_UNFOUND_MODEL_TYPES:
        return
    layernorm = model_type in ROTATE_LAYERNORM_MODEL_TYPES
    for entry, canonical in _hf_passes(ctx, *ROTATE_PASSES):
        yield Finding.at(
            entry.type_node,
            f"Olive raises {'ValueError' if layernorm else 'AttributeError'} in {canonical}: model type '{model_type}' uses LayerNorm, not RMSNorm.",
            detail=(
                f"{files.where}/config.json has model_type '{model_type}'. "
                + ("rotate.py:202 raises `Model uses LayerNorm. Only RMSNorm fusion is supported.`" if layernorm
                   else "Olive's ModelWrapper (common/hf/wrapper.py) finds no RMSNorm-style modules in it (`Attribute model.norm not found.` or the like) before rotating.")
                + " QuaRot/SpinQuant rotate RMSNorm decoders (llama, mistral, qwen2, gemma...); read from transformers 5.24.0."
            ),
        )


# hadamard_utils.get_hadK (hadamard_utils.py:13-62): the Hadamard sizes it tries, in its order; n must be K x 2^m for
# the first K dividing n (or a power of 2 when none does).
HADAMARD_SIZES = (172, 156, 140, 108, 60, 52, 36, 28, 40, 20, 12)


def _is_pow2(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


def hadamard_size_ok(n: int) -> bool:
    """Whether get_hadK(n) passes its assertion."""
    for k in HADAMARD_SIZES:
        if n % k == 0:
            return _is_pow2(n // k)
    return _is_pow2(n)


def _rotated_sizes(config: dict) -> dict[str, int]:
    """The matrix sizes rotate.py builds Hadamard rotations of: R1 of the hidden size (line 108), R2 of the head
    dimension (line 133; config head_dim, else hidden_size // num_attention_heads, wrapper.py:246)."""
    hidden, heads, head_dim = _int_key(config, "hidden_size"), _int_key(config, "num_attention_heads"), _int_key(config, "head_dim")
    sizes = {"hidden_size": hidden} if hidden else {}
    if head_dim or (hidden and heads):
        sizes["head_dim"] = head_dim or hidden // heads
    return sizes


@rule("OLV485", "rotate-hadamard-size", "QuaRot or SpinQuant hadamard rotation of a hidden size or head_dim Olive has no Hadamard matrix for.", ERROR, needs_environment=True)
def rotate_hadamard_size(ctx: RuleContext):
    """With rotate_mode hadamard (the default) QuaRot/SpinQuant build random Hadamard matrices of the hidden size
    and the head dimension (rotate.py:108, 133); get_hadK asserts the size is a power of 2 times the first of its
    known sizes (172, 156, ..., 12) that divides it (hadamard_utils.py:13-62). rotate_mode random has no such limit."""
    from olive_ls.rules.runtime_model_files import _hf_passes, _model_type, input_model_files

    files = input_model_files(ctx)
    if files is None or _model_type(ctx, files) in ROTATE_LAYERNORM_MODEL_TYPES + ROTATE_UNFOUND_MODEL_TYPES:
        return  # OLV484: the pass fails before rotating
    bad = {name: n for name, n in _rotated_sizes(files.config).items() if not hadamard_size_ok(n)}
    if not bad:
        return
    name, size = next(iter(bad.items()))
    for entry, canonical in _hf_passes(ctx, *ROTATE_PASSES):
        mode = param(ctx, entry, canonical, "rotate_mode")
        if not mode.concrete or mode.value != "hadamard":
            continue
        yield Finding.at(
            mode.node if mode.given else entry.type_node,
            f"Olive raises AssertionError in {canonical}: no Hadamard matrix of {name} {size}; use rotate_mode random.",
            detail=(
                f"{files.where}/config.json gives {', '.join(f'{k} {v}' for k, v in bad.items())}. hadamard_utils.py:13-62 "
                f"(get_hadK) asserts n is a power of 2 times the first of {', '.join(map(str, HADAMARD_SIZES))} that divides "
                "it (or a power of 2). rotate_mode random (a QR-orthogonal matrix) takes any size."
            ),
            fix={"title": "Replace with", "replace_value": ["random"]} if mode.given else None,
        )


# --- CaptureSplitInfo (OLV486, OLV487) -------------------------------------------------------------------------


def _pytorch_passes(ctx: RuleContext, *names: str):
    """(entry, canonical) of the passes of these types that get a PyTorchModel (not an HfModel)."""
    wanted = set(names)
    for entry, canonical, kind in _model_flow(ctx):
        if canonical in wanted and kind == "pytorch" and entry.type_node is not None:
            yield entry, canonical


@rule("OLV486", "capture-split-block-not-inferable", "CaptureSplitInfo num_splits on a PyTorchModel without block_to_split: Olive raises.", ERROR)
def capture_split_block_not_inferable(ctx: RuleContext):
    """With num_splits, CaptureSplitInfo finds the layers to split itself only for an HfModel (Olive's ModelWrapper);
    for a PyTorchModel without block_to_split it raises ValueError `block_to_split is not set and could not be
    inferred. Please set it manually.` (capture_split_info.py:108-115). ("" is a valid block_to_split: the model.)"""
    for entry, canonical in _pytorch_passes(ctx, "CaptureSplitInfo"):
        splits, block = param(ctx, entry, canonical, "num_splits"), param(ctx, entry, canonical, "block_to_split")
        if not splits.concrete or not isinstance(splits.value, int) or isinstance(splits.value, bool) or splits.value <= 0 or block.value is not None:
            continue
        yield Finding.at(
            block.prop if block.given else node_of(entry),
            f"Olive raises ValueError in {canonical}: block_to_split cannot be inferred for a PyTorchModel; set it.",
            detail=(
                "capture_split_info.py:108-115 infers the layer block only for an HfModel; for a PyTorchModel it raises "
                "`block_to_split is not set and could not be inferred. Please set it manually.` Name the module whose "
                "children are split (e.g. 'model.layers')."
            ),
            fix=None if block.given else {"title": "Add 'block_to_split'", "add_keys": ["block_to_split"], "object_path": owner_path(entry)},
        )


@rule("OLV487", "capture-split-num-splits-not-positive", "CaptureSplitInfo num_splits 0 (without cost_model) or negative: Olive raises.", ERROR)
def capture_split_num_splits_not_positive(ctx: RuleContext):
    """validate_config only asks num_splits or cost_model to be set (capture_split_info.py:70-71); the run branches on
    `if config.num_splits:` (line 88): 0 without cost_model reaches `raise ValueError("One of num_splits or
    cost_model is required.")` (line 93), a negative number reaches numpy's array_split, which raises ValueError
    `number sections must be larger than 0.` (line 131). (0 with a cost_model splits by the cost model.)"""
    for entry, canonical in entries(ctx, "CaptureSplitInfo"):
        splits, cost = param(ctx, entry, canonical, "num_splits"), param(ctx, entry, canonical, "cost_model")
        if not splits.given or not splits.concrete or not isinstance(splits.value, int) or isinstance(splits.value, bool):
            continue
        if splits.value > 0 or (splits.value == 0 and cost.value is not None):
            continue
        why = (
            "capture_split_info.py:88-93 treats num_splits 0 as unset and, with no cost_model, raises `One of num_splits or cost_model is required.`"
            if splits.value == 0
            else "capture_split_info.py:133 passes it to numpy.array_split, which raises `number sections must be larger than 0.`"
        )
        yield Finding.at(
            splits.node,
            f"Olive raises ValueError in {canonical}: num_splits {splits.value} is not a number of splits (1 or more).",
            detail=why + " validate_config (lines 70-71) only checks that one of them is set, so the pass is not pruned.",
        )


# --- training arguments against the model (OLV488) and calibration data of a PyTorchModel (OLV489) ------------

# The causal-LM model types whose transformers class sets supports_gradient_checkpointing False (transformers 5.24.0,
# MODEL_FOR_CAUSAL_LM_MAPPING_NAMES; tests/rules/test_runtime_pytorch_more_slow.py reads them again).
NO_GRADIENT_CHECKPOINTING = ("cpmant", "ctrl", "gpt_neox_japanese", "jetmoe", "openai-gpt", "reformer", "xlm", "xlnet")
TRANSFORMERS_VERSION = "5.24.0"


@rule(
    "OLV488",
    "gradient-checkpointing-unsupported",
    "LoRA-family training_args.gradient_checkpointing true on a model whose class does not support it: Olive turns it off.",
    WARNING,
    needs_environment=True,
)
def gradient_checkpointing_unsupported(ctx: RuleContext):
    """prepare_model_for_finetuning (train_utils.py:156-161) logs `gradient_checkpointing is True, but model does not
    support gradient checkpointing!` and sets it to False when the loaded model's class has
    supports_gradient_checkpointing False; the model trains without it (more memory). Claimed only where the config
    writes true (true is also the default, train_utils.py:38) and the causal-LM class of config.json's model_type is
    one of transformers' that do not support it (read from transformers 5.24.0)."""
    from olive_ls.rules.runtime_model_files import CAUSAL_LM_TASKS, _hf_passes, input_model_files

    files = input_model_files(ctx)
    if files is None or files.model_type not in NO_GRADIENT_CHECKPOINTING or _task(ctx) not in CAUSAL_LM_TASKS:
        return
    lora = _lora_passes(ctx) - {"SDLoRA"}
    for entry, canonical in _hf_passes(ctx, *lora):
        _node, args = _training_args(entry)
        prop = args.get("gradient_checkpointing")
        if prop is None or prop.value is None or prop.value.value is not True:
            continue
        yield Finding.at(
            prop.value,
            f"Olive will train {canonical} without gradient checkpointing: model type '{files.model_type}' does not support it.",
            detail=(
                f"{files.where}/config.json has model_type '{files.model_type}', whose transformers {TRANSFORMERS_VERSION} causal-LM "
                "class has supports_gradient_checkpointing False; train_utils.py:156-161 logs a warning and sets "
                "gradient_checkpointing to False."
            ),
            fix={"title": "Replace with", "replace_value": [False]},
        )


def _task(ctx: RuleContext) -> str:
    value = ctx.view.input_model.param_value("task") if ctx.view.input_model is not None else None
    return value if isinstance(value, str) else DEFAULT_HF_TASK


# The passes that read calibration data through train_utils.get_calibration_dataset with the pass's data_config and
# take a PyTorchModel: GptqModel (gptqmodel.py:119) and GptqQuantizer (autogptq.py:117, after its CUDA check).
CALIBRATION_DATASET_PASSES = ("GptqModel", "GptqQuantizer")


@rule("OLV489", "calibration-data-config-required", "GptqModel or GptqQuantizer on a PyTorchModel without data_config: Olive raises.", ERROR)
def calibration_data_config_required(ctx: RuleContext):
    """get_calibration_dataset builds a wikitext data config itself only for an HfModel; for a PyTorchModel without
    data_config it raises ValueError `Data config is required for PyTorch model.` (train_utils.py:280-290). A dataset
    of the wrong form (lines 296-305) needs the data."""
    names = sorted(ctx.view.data_config_names)
    for entry, canonical in _pytorch_passes(ctx, *CALIBRATION_DATASET_PASSES):
        data = param(ctx, entry, canonical, "data_config")
        if data.value:
            continue
        yield Finding.at(
            data.prop if data.given else node_of(entry),
            f"Olive raises ValueError in {canonical}: a PyTorchModel needs data_config for calibration.",
            detail=(
                "train_utils.py:280-290 (get_calibration_dataset) falls back to wikitext only for an HfModel; for a "
                "PyTorchModel it raises `Data config is required for PyTorch model.` Give a data config whose batches "
                "are dicts with input_ids and attention_mask."
            ),
            fix={"title": "Add 'data_config'", "add_keys": ["data_config"], "object_path": owner_path(entry), **({"values": {"data_config": names[0]}} if names else {})}
            if not data.given else None,
        )
