"""What the input model's own files decide at run time (OLV570-OLV580, OLV583-OLV584): its config.json's architecture and
model_type, an existing quantization_config, a diffusion model's transformer/config.json.

Rows P028, P029, P137, P184, P191, P209, P211, P218, M010, L005 (and L006, P268, M016) of docs/olive-runtime-checks.md. The files are
read for an input_model (or OnnxDiscrepancyCheck's reference_model_path) that is a local folder (relative to the
config's folder, as the file-system rules look it up) or a hub id whose snapshot is in the local Hugging Face cache
(as the machine rules find it). Only config.json-sized JSON is read (capped, cached per path and mtime): never
weights, never code. A hub id that is not on disk gets no finding.

Reading the user's model folder is like the file-system family, reading the cache like the machine family, so
every rule here that reads a file runs only with environment checks on (`--no-env` skips them). OLV577 reads no
file (a Flux model_variant written in the config) and always runs.

The genai, SparseGPT, quantizer, Olive LoRA and module-name facts are generated (component-behaviour.json's
`model_files`); peft is not installed beside Olive here, so its default target modules are the table below.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from olive_ls.document.nodes import Node, Property, string_value
from olive_ls.model.component_behaviour import ComponentBehaviour, component_behaviour
from olive_ls.model.view import merged_params
from olive_ls.rules.filesystem import MAX_MODEL_CONFIG_BYTES, locate
from olive_ls.rules.passes import _model_flow
from olive_ls.rules.registry import ERROR, WARNING, Finding, RuleContext, rule
from olive_ls.rules.runtime_helpers import entries, node_of, param, show, target
from olive_ls.suggest import did_you_mean

# peft 0.21.2, peft/utils/constants.py TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING: the model types LoRA
# finds default target_modules for (lora.py:491-502 asks it first, then Olive's own table).
PEFT_VERSION = "0.21.2"
PEFT_LORA_TARGET_MODULES: dict[str, tuple[str, ...] | str] = {
    "t5": ("q", "v"), "mt5": ("q", "v"), "bart": ("q_proj", "v_proj"), "gpt2": ("c_attn",),
    "bloom": ("query_key_value",), "blip-2": ("q", "v", "q_proj", "v_proj"), "opt": ("q_proj", "v_proj"),
    "gptj": ("q_proj", "v_proj"), "gpt_neox": ("query_key_value",), "gpt_neo": ("q_proj", "v_proj"),
    "bert": ("query", "value"), "roberta": ("query", "value"), "xlm-roberta": ("query", "value"),
    "electra": ("query", "value"), "deberta-v2": ("query_proj", "value_proj"), "deberta": ("in_proj",),
    "layoutlm": ("query", "value"), "llama": ("q_proj", "v_proj"), "llama4": ("q_proj", "v_proj"),
    "chatglm": ("query_key_value",), "gpt_bigcode": ("c_attn",), "mpt": ("Wqkv",),
    "RefinedWebModel": ("query_key_value",), "RefinedWeb": ("query_key_value",), "falcon": ("query_key_value",),
    "btlm": ("c_proj", "c_attn"), "codegen": ("qkv_proj",), "mistral": ("q_proj", "v_proj"),
    "mixtral": ("q_proj", "v_proj"), "stablelm": ("q_proj", "v_proj"), "phi": ("q_proj", "v_proj", "fc1", "fc2"),
    "gemma": ("q_proj", "v_proj"), "gemma2": ("q_proj", "v_proj"), "gemma3_text": ("q_proj", "v_proj"),
    "gemma4": ".*language_model\\..*\\.(q_proj|v_proj)", "qwen2": ("q_proj", "v_proj"),
    "qwen3": ("q_proj", "v_proj"), "nemotron_h": ("q_proj", "k_proj", "v_proj", "o_proj"),
    "rwkv": ("key", "value", "receptance", "output"),
    "rwkv7": ("r_proj", "k_proj", "v_proj", "o_proj", "key", "value"),
}
# LoRA-family passes that hand the config's target_modules to peft (QLoRA and LoftQ replace them by the quantized
# modules, lora.py:842, 896).
TARGET_MODULE_PASSES = ("LoRA", "DoRA", "LoHa", "LoKr")
CAUSAL_LM_TASKS = ("text-generation", "text-generation-with-past")
HF_TYPES = ("hfmodel",)


# ---------------------------------------------------------------------------------------------------------------
# Reading the files


@lru_cache(maxsize=256)
def _read_json_cached(path: str, mtime_ns: int, size: int):
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read_small_json(path: Path) -> dict | None:
    """A JSON object file under the size cap, read once per path and modification time."""
    try:
        stat = path.stat()
    except OSError:
        return None
    if not path.is_file() or stat.st_size > MAX_MODEL_CONFIG_BYTES:
        return None
    return _read_json_cached(str(path), stat.st_mtime_ns, stat.st_size)


def model_folder(ctx: RuleContext, raw: str | None) -> tuple[Path, str] | None:
    """The folder a model path names on this machine, and how to say where it is: a local folder, else the cached
    snapshot of a hub id. None when neither is on disk."""
    if not raw or not raw.strip():
        return None
    raw = raw.strip()
    folder = locate(raw, ctx)
    if folder is not None:
        return (folder, f"'{raw}'") if folder.is_dir() else None
    from olive_ls.machine import current_machine
    from olive_ls.rules.filesystem import hf_repo_id_problem, looks_local
    from olive_ls.rules.machine import cached_snapshot

    if looks_local(raw) or hf_repo_id_problem(raw) is not None:
        return None
    snapshot = cached_snapshot(ctx, current_machine(), raw)
    if snapshot is None or not snapshot.has_config:
        return None
    return Path(snapshot.folder), f"'{raw}' (its cached snapshot {snapshot.revision[:12]})"


class InputModelFiles:
    """The input model's model_path node, its folder on disk and its config.json."""

    def __init__(self, node: Node, folder: Path, where: str, config: dict):
        self.node, self.folder, self.where, self.config = node, folder, where, config

    @property
    def model_type(self) -> str | None:
        value = self.config.get("model_type")
        return value if isinstance(value, str) else None

    @property
    def architectures(self) -> list:
        value = self.config.get("architectures")
        return value if isinstance(value, list) else []

    @property
    def quantization_config(self):
        return self.config.get("quantization_config") or None


def _input_model_files(ctx: RuleContext) -> InputModelFiles | None:
    model = ctx.view.input_model if ctx.view is not None else None
    if model is None or (model.type_name or "").lower() not in HF_TYPES:
        return None
    prop = model.params.get("model_path")
    raw = string_value(prop.value) if prop is not None else None
    found = model_folder(ctx, raw)
    if found is None:
        return None
    config = read_small_json(found[0] / "config.json")
    return InputModelFiles(prop.value, found[0], found[1], config) if config is not None else None


def input_model_files(ctx: RuleContext) -> InputModelFiles | None:
    return ctx.memo("runtime_model_files.input", _input_model_files)


def _hf_passes(ctx: RuleContext, *names: str):
    """(entry, canonical) of the passes of these types that get the input HfModel (no conversion before them)."""
    wanted = set(names)
    for entry, canonical, kind in _model_flow(ctx):
        if canonical in wanted and kind == "hf" and entry.type_node is not None:
            yield entry, canonical


def _behaviour_and_files(ctx: RuleContext) -> tuple[ComponentBehaviour, InputModelFiles] | None:
    behaviour = component_behaviour(ctx.model)
    files = input_model_files(ctx) if behaviour is not None else None
    return (behaviour, files) if files is not None else None


def _has_key(ctx: RuleContext, key: str) -> bool:
    model = ctx.view.input_model
    prop = model.params.get(key) if model is not None else None
    return prop is not None and prop.value is not None and prop.value.kind != "null"


# ---------------------------------------------------------------------------------------------------------------
# ModelBuilder: onnxruntime-genai's dispatch on the architecture


def _genai_certain(ctx: RuleContext, behaviour: ComponentBehaviour) -> bool:
    """Whether the Python that runs Olive has the onnxruntime-genai the facts were read from."""
    env = ctx.environment
    if env is None or getattr(env, "error", None):
        return False
    return any(env.version(name) == behaviour.genai_version for name in env.genai_packages())


def _model_builders(ctx: RuleContext):
    if _has_key(ctx, "test_model_config"):
        return  # genai builds the test model then (model_builder.py:246-254): another config.json
    for entry, canonical in _hf_passes(ctx, "ModelBuilder"):
        if param(ctx, entry, canonical, "metadata_only").value is not True:
            yield entry, canonical


@rule(
    "OLV570",
    "genai-unsupported-architecture",
    "ModelBuilder on a model whose config.json architecture onnxruntime-genai's builder does not build.",
    ERROR,
    needs_environment=True,
)
def genai_unsupported_architecture(ctx: RuleContext):
    """onnxruntime-genai's create_model dispatches on config.json's `architectures[0]` (builder.py:215-332) and raises
    NotImplementedError `The {hf_name} model is not currently supported.` for any other (config_only is only set by
    metadata_only); without architectures it fails indexing None. An error when the Python that runs Olive has the
    onnxruntime-genai version the list was read from, a warning otherwise."""
    found = _behaviour_and_files(ctx)
    if found is None or not found[0].genai_branches:
        return
    behaviour, files = found
    for _entry, _canonical in _model_builders(ctx):
        branch, certain = behaviour.genai_branch(files.config)
        if branch is not None or not certain and files.architectures:
            return
        arch = files.architectures[0] if files.architectures and isinstance(files.architectures[0], str) else None
        known = sorted({a for b in behaviour.genai_branches for a in b["architectures"]})
        hint, _ = did_you_mean(arch, known) if arch else ("", [])
        severity = ERROR if _genai_certain(ctx, behaviour) else WARNING
        said = f"onnxruntime-genai {behaviour.genai_version}"
        if arch is None:
            headline = "Olive will fail in ModelBuilder: the model's config.json has no architectures, which genai dispatches on."
            why = "create_model reads `config.architectures[0]` (builder.py:215), a TypeError when config.json has none."
        else:
            headline = f"Olive will fail in ModelBuilder: {said} does not build {arch} (NotImplementedError).{hint}"
            why = (f"create_model (builder.py:215-332) has no branch for {arch} and raises NotImplementedError `The ... model is not "
                   "currently supported.`; the engine catches it (engine.py:284-288: `Failed to run Olive on ...`) and the run "
                   "ends with `No output model produced.`")
        yield Finding.at(
            files.node,
            headline,
            severity=severity,
            detail=f"{why} Read from {files.where}/config.json. It builds: {', '.join(known)}."
            + ("" if severity == ERROR else f" (These are {said}'s; the version that runs Olive was not confirmed.)"),
        )
        return


@rule(
    "OLV571",
    "genai-architecture-override",
    "onnxruntime-genai's builder overrides the config's exclude_embeds, EP or precision for this architecture.",
    WARNING,
    needs_environment=True,
)
def genai_architecture_override(ctx: RuleContext):
    """Some architectures make genai's builder set its own options (builder.py:226-321): the vision-language ones
    (Gemma3ForConditionalGeneration, Mistral3, Phi3V, Phi4MM, Qwen2.5-VL, Qwen3-VL, VideoChatFlash) force
    `exclude_embeds=True`, PhiMoE (long RoPE) forces the CUDA EP and int4 weights, each with a printed WARNING."""
    found = _behaviour_and_files(ctx)
    if found is None:
        return
    behaviour, files = found
    for entry, canonical in _model_builders(ctx):
        branch, certain = behaviour.genai_branch(files.config)
        forces = (branch or {}).get("forces") or {}
        if not certain or not forces:
            continue
        arch = files.architectures[0]
        where = f"builder.py:{branch.get('line', '215-332')}"
        extra = entry.params.get("extra_options")
        embeds = extra.value.prop("exclude_embeds") if extra is not None and extra.value is not None and extra.value.is_object else None
        if forces.get("exclude_embeds") and embeds is not None and embeds.value is not None and embeds.value.value is False:
            yield Finding.at(
                embeds.value,
                f"Olive will build only the text part of {arch}: onnxruntime-genai sets exclude_embeds true for it.",
                detail=f"{where} prints `Setting --extra_options exclude_embeds=true by default.` and overrides this false.",
            )
        precision = param(ctx, entry, canonical, "precision")
        if forces.get("precision") and precision.concrete and precision.value != forces["precision"]:
            yield Finding.at(
                precision.node or node_of(entry),
                f"Olive will build {arch} with {forces['precision']} weights, not {show(precision.value)}: genai forces it.",
                detail=f"{where} prints `This model currently only supports the quantized version. Setting --precision int4 by default.`",
            )
        spec = target(ctx)
        if forces.get("execution_provider") == "cuda" and spec is not None and spec.ep != "CUDAExecutionProvider":
            yield Finding.at(
                files.node,
                f"Olive will build {arch} for CUDA, not {spec.ep}: onnxruntime-genai forces the CUDA EP for it.",
                detail=f"{where} prints `This model only works for CUDA currently because MoE is only supported for CUDA in ONNX Runtime.`",
            )


# ---------------------------------------------------------------------------------------------------------------
# OnnxDiscrepancyCheck's reference model


@rule(
    "OLV572",
    "discrepancy-reference-not-causal-lm",
    "OnnxDiscrepancyCheck reference_model_path whose config.json names no *ForCausalLM architecture.",
    ERROR,
    needs_environment=True,
)
def discrepancy_reference_not_causal_lm(ctx: RuleContext):
    """OnnxDiscrepancyCheck loads reference_model_path's config and raises ValueError `OnnxDiscrepancyCheck currently
    supports only HuggingFace causal language models (ForCausalLM).` when no architecture contains ForCausalLM
    (discrepancy_check.py:168-175)."""
    for entry, canonical in entries(ctx, "OnnxDiscrepancyCheck"):
        value = param(ctx, entry, canonical, "reference_model_path")
        if not value.given or not isinstance(value.value, str):
            continue
        found = model_folder(ctx, value.value)
        config = read_small_json(found[0] / "config.json") if found is not None else None
        if config is None:
            continue
        archs = config.get("architectures") if isinstance(config.get("architectures"), list) else []
        if any(isinstance(a, str) and "ForCausalLM" in a for a in archs):
            continue
        yield Finding.at(
            value.node,
            f"Olive will fail in OnnxDiscrepancyCheck: the reference model is not a causal LM ({', '.join(map(str, archs)) or 'no architectures'}).",
            detail=f"Read from {found[1]}/config.json. discrepancy_check.py:168-175 raises ValueError `OnnxDiscrepancyCheck currently supports only HuggingFace causal language models (ForCausalLM).`",
        )


# ---------------------------------------------------------------------------------------------------------------
# A model that is already quantized


@rule(
    "OLV573",
    "quantizer-on-quantized-model",
    "Gptq, AutoClip (any) or Rtn, KQuant (not Olive's) on a model whose config.json has a quantization_config.",
    ERROR,
    needs_environment=True,
)
def quantizer_on_quantized_model(ctx: RuleContext):
    """quant_utils.prepare_model (quant_utils.py:201-208) refuses a model whose config has a quantization_config:
    Gptq and AutoClip always (`Model is already quantized. Cannot quantize again using this pass.`), Rtn and KQuant
    unless Olive quantized it (quant_method 'olive'; else `Model has an existing quantization configuration that is
    not compatible with this pass.`)."""
    found = _behaviour_and_files(ctx)
    if found is None or not found[1].quantization_config:
        return
    behaviour, files = found
    qcfg = files.quantization_config
    method = qcfg.get("quant_method") if isinstance(qcfg, dict) else None
    for entry, canonical in _hf_passes(ctx, *behaviour.quantized_model_passes):
        if behaviour.quantized_model_passes[canonical] and method == "olive":
            continue
        message = ("Model has an existing quantization configuration that is not compatible with this pass."
                   if behaviour.quantized_model_passes[canonical] else "Model is already quantized. Cannot quantize again using this pass.")
        yield Finding.at(
            entry.type_node,
            f"Olive will fail in {canonical}: the model is already quantized ({show(method) if method else 'a quantization_config'}).",
            detail=f"{files.where}/config.json has a quantization_config; quant_utils.py:201-208 raises ValueError `{message}` Start from the unquantized model.",
        )


@rule(
    "OLV576",
    "qlora-on-quantized-model",
    "QLoRA or LoftQ on a model whose config.json already has a quantization_config.",
    ERROR,
    needs_environment=True,
)
def qlora_on_quantized_model(ctx: RuleContext):
    """QLoRA and LoftQ quantize the model themselves and raise ValueError `Model is already quantized. Please provide
    a non-quantized model or use LoRA pass.` when its config has a quantization_config (lora.py:755-758)."""
    files = input_model_files(ctx)
    if files is None or not files.quantization_config:
        return
    for entry, canonical in _hf_passes(ctx, "QLoRA", "LoftQ"):
        yield Finding.at(
            entry.type_node,
            f"Olive will fail in {canonical}: the model is already quantized; use LoRA, or the unquantized model.",
            detail=f"{files.where}/config.json has a quantization_config; lora.py:755-758 raises ValueError `Model is already quantized. Please provide a non-quantized model or use LoRA pass.`",
            fix={"title": "Replace with LoRA", "replace_value": ["LoRA"]},
        )


@rule(
    "OLV579",
    "quantization-config-ignored",
    "input_model load_kwargs.quantization_config for a model whose config.json already has one: it is not applied.",
    WARNING,
    needs_environment=True,
)
def quantization_config_ignored(ctx: RuleContext):
    """get_model_config logs `Model config already has quantization_config but new quantization_config is provided
    as load kwargs. Ignoring the new quantization_config.` (common/hf/utils.py:228-236). transformers, which loads
    the weights, keeps the model's own quantization_config too and only takes the new one's loading attributes, or
    raises ValueError when the two are of different classes (transformers quantizers/auto.py
    merge_quantization_configs)."""
    files = input_model_files(ctx)
    load_kwargs = ctx.view.input_model.params.get("load_kwargs") if files is not None else None
    if files is None or not files.quantization_config or load_kwargs is None or load_kwargs.value is None or not load_kwargs.value.is_object:
        return
    keys = merged_params(load_kwargs.value, "extra_args", ())
    given = [keys[k] for k in ("quantization_config", "quantization_method") if k in keys and keys[k].value is not None and keys[k].value.kind != "null"]
    if not given:
        return
    yield Finding.at(
        given[0],
        "Olive will not quantize with this quantization_config: the model's config.json already has one.",
        detail=f"{files.where}/config.json has a quantization_config; common/hf/utils.py:228-236 logs `Model config already has "
        "quantization_config ... Ignoring the new quantization_config.`, and transformers loads the model with its own "
        "(a different kind of config raises ValueError `The model is quantized with ... but you are passing a ... config`).",
        fix={"title": f"Remove '{given[0].key}'", "delete_property": True},
    )


# ---------------------------------------------------------------------------------------------------------------
# What config.json's model_type decides


def _model_type(ctx: RuleContext, files: InputModelFiles) -> str | None:
    """model_attributes.model_type when written (it overrides config.json's, hf.py:55), else config.json's."""
    attrs = ctx.view.input_model.param_value("model_attributes")
    if isinstance(attrs, dict) and isinstance(attrs.get("model_type"), str):
        return attrs["model_type"]
    return files.model_type


@rule(
    "OLV574",
    "sparsegpt-model-type",
    "SparseGPT on a model type it does not support (bloom, gpt2, gpt_neox, llama, opt).",
    ERROR,
    needs_environment=True,
)
def sparsegpt_model_type(ctx: RuleContext):
    """SparseGPT raises ValueError `Unsupported model type: ... Supported types: ...` for a model_attributes
    model_type (config.json's) outside sparsegpt_utils.supported_models (sparsegpt.py:99-101)."""
    found = _behaviour_and_files(ctx)
    if found is None or not found[0].sparsegpt_model_types:
        return
    behaviour, files = found
    model_type = _model_type(ctx, files)
    if model_type is None or model_type in behaviour.sparsegpt_model_types:
        return
    for entry, _canonical in _hf_passes(ctx, "SparseGPT"):
        yield Finding.at(
            entry.type_node,
            f"Olive will fail in SparseGPT: it does not support model type '{model_type}'.",
            detail=f"{files.where}/config.json has model_type '{model_type}'; sparsegpt.py:99-101 raises ValueError `Unsupported "
            f"model type` (supported: {', '.join(behaviour.sparsegpt_model_types)}).",
        )


def _target_modules(ctx: RuleContext, entry, canonical) -> tuple[object, Node | None]:
    value = param(ctx, entry, canonical, "target_modules")
    return value.value, value.node


@rule(
    "OLV575",
    "lora-model-type-without-target-modules",
    "LoRA without target_modules on a model type neither peft nor Olive has default target modules for.",
    WARNING,
    needs_environment=True,
)
def lora_model_type_without_target_modules(ctx: RuleContext):
    """Without target_modules, LoRA asks peft's TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING, then Olive's
    MODELS_TO_LORA_TARGET_MODULES_MAPPING, for config.json's model_type, and raises ValueError `Model type ... is not
    recognized by peft or olive. Please provide 'target_modules'.` (lora.py:491-502). A warning: peft's table is
    its 0.21.2 one, and the peft that runs Olive may have more."""
    found = _behaviour_and_files(ctx)
    if found is None:
        return
    behaviour, files = found
    model_type = files.model_type
    if model_type is None or model_type in PEFT_LORA_TARGET_MODULES or model_type in behaviour.olive_lora_target_modules:
        return
    for entry, canonical in _hf_passes(ctx, "LoRA"):
        value, _node = _target_modules(ctx, entry, canonical)
        if value:
            continue
        yield Finding.at(
            entry.type_node,
            f"Olive will fail in LoRA: no default target_modules for model type '{model_type}'; set target_modules.",
            detail=f"{files.where}/config.json has model_type '{model_type}', which is in neither peft {PEFT_VERSION}'s "
            "TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING nor Olive's table: lora.py:491-502 raises ValueError `Model "
            "type ... is not recognized by peft or olive. Please provide 'target_modules'.`",
            fix={"title": "Add 'target_modules'", "add_keys": ["target_modules"], "object_path": entry.node.path()},
        )


def _is_projection(name: str, names: tuple[str, ...]) -> bool:
    """A module with no sub-module (a Linear, a norm...): the names target_modules usually picks."""
    return not any(other.startswith(name + ".") for other in names)


def _matches(key: str, names: tuple[str, ...]) -> bool:
    """peft's check_target_module_exists for a list entry: the module's name is the key or ends with '.key'."""
    key = re.sub(r"\.\d+(?=\.|$)", ".N", key)
    return any(name == key or name.endswith("." + key) for name in names)


@rule(
    "OLV580",
    "lora-target-modules-not-found",
    "LoRA-family target_modules of which none names a module of the model's type.",
    WARNING,
    needs_environment=True,
)
def lora_target_modules_not_found(ctx: RuleContext):
    """peft matches each target_modules entry against the model's module names (a name equal to it or ending in
    '.entry') and raises ValueError `Target modules {...} not found in the base model.` when none matches
    (peft tuners_utils.py inject_adapter). Module names are those of a one-layer causal LM of config.json's
    model_type in the transformers olive-ls was generated with; a warning, since transformers and peft may differ."""
    found = _behaviour_and_files(ctx)
    if found is None:
        return
    behaviour, files = found
    names = behaviour.module_names.get(files.model_type or "")
    task = ctx.view.input_model.param_value("task")
    if not names or (task is not None and task not in CAUSAL_LM_TASKS):
        return
    for entry, canonical in _hf_passes(ctx, *TARGET_MODULE_PASSES):
        value, node = _target_modules(ctx, entry, canonical)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value) or node is None:
            continue
        if any(_matches(key, names) for key in value):
            continue
        leaves = sorted({n.rsplit(".", 1)[-1] for n in names if ".N." in n and _is_projection(n, names)})
        defaults = PEFT_LORA_TARGET_MODULES.get(files.model_type) or behaviour.olive_lora_target_modules.get(files.model_type)
        yield Finding.at(
            node,
            f"Olive will fail in {canonical}: no module of a {files.model_type} model is named {', '.join(value)}.",
            detail=f"{files.where}/config.json has model_type '{files.model_type}', whose layers' modules are named {', '.join(leaves)}; "
            "peft raises ValueError `Target modules ... not found in the base model.`"
            + (f" peft's default for {files.model_type}: {list(defaults)}." if isinstance(defaults, tuple) else ""),
            fix={"title": "Replace with", "replace_value": [list(defaults)]} if isinstance(defaults, tuple) else None,
        )


# ---------------------------------------------------------------------------------------------------------------
# SDLoRA on Flux


def _mixed_precision_fp16(ctx: RuleContext, entry, canonical) -> Property | None:
    args = entry.params.get("training_args")
    if args is None or args.value is None or not args.value.is_object:
        return None
    prop = merged_params(args.value, "extra_args", ()).get("mixed_precision")
    return prop if prop is not None and prop.value is not None and prop.value.value == "fp16" else None


def _written_variant(ctx: RuleContext, entry, canonical) -> str | None:
    """The pass's model_variant, else the DiffusersModel's, when not 'auto' (lora.py:905-910, diffusers.py:105-108)."""
    value = param(ctx, entry, canonical, "model_variant").value
    if isinstance(value, str) and value != "auto":
        return value
    model = ctx.view.input_model
    variant = model.param_value("model_variant") if model is not None else None
    return variant if isinstance(variant, str) and variant != "auto" else None


def _flux_finding(prop: Property, why: str) -> Finding:
    return Finding.at(
        prop.value,
        "Olive will train this Flux model in bf16, not fp16: SDLoRA switches mixed_precision for Flux.",
        detail=f"{why} diffusers/lora.py:606-609 logs `Flux requires bfloat16, switching from fp16`.",
        fix={"title": "Replace with", "replace_value": ["bf16"]},
    )


@rule("OLV577", "sdlora-flux-fp16", "SDLoRA training_args.mixed_precision fp16 with model_variant flux: Olive trains in bf16.", WARNING)
def sdlora_flux_fp16(ctx: RuleContext):
    """_train_flux sets mixed_precision to bf16 when it is fp16 (diffusers/lora.py:606-609). Here the variant is
    written in the config (the pass's or the DiffusersModel's model_variant)."""
    for entry, canonical in entries(ctx, "SDLoRA"):
        prop = _mixed_precision_fp16(ctx, entry, canonical)
        if prop is not None and _written_variant(ctx, entry, canonical) == "flux":
            yield _flux_finding(prop, "model_variant is flux.")


@rule(
    "OLV578",
    "sdlora-detected-flux-fp16",
    "SDLoRA mixed_precision fp16 on a model whose transformer/config.json is a Flux transformer: Olive trains in bf16.",
    WARNING,
    needs_environment=True,
)
def sdlora_detected_flux_fp16(ctx: RuleContext):
    """With model_variant auto, Olive detects Flux from the model's transformer/config.json `_class_name`
    (diffusers.py:136-145: Sana first, then Flux), and _train_flux switches fp16 to bf16 (lora.py:606-609)."""
    model = ctx.view.input_model
    if model is None or (model.type_name or "").lower() != "diffusersmodel":
        return
    for entry, canonical in entries(ctx, "SDLoRA"):
        prop = _mixed_precision_fp16(ctx, entry, canonical)
        if prop is None or _written_variant(ctx, entry, canonical) is not None:
            continue
        path = model.params.get("model_path")
        found = model_folder(ctx, string_value(path.value) if path is not None else None)
        config = read_small_json(found[0] / "transformer" / "config.json") if found is not None else None
        name = config.get("_class_name") if config is not None else None
        if isinstance(name, str) and "Flux" in name and "Sana" not in name:
            yield _flux_finding(prop, f"{found[1]}/transformer/config.json is a {name}, so the variant is detected as flux.")


# ---------------------------------------------------------------------------------------------------------------
# An ONNXModel folder: which .onnx file Olive opens (OLV583)


def _onnx_folder(ctx: RuleContext):
    """(model, model_path property, folder) of an ONNXModel input_model whose model_path is a local folder."""
    model = ctx.view.input_model if ctx.view is not None else None
    if model is None or (model.type_name or "").lower() != "onnxmodel":
        return None
    prop = model.params.get("model_path")
    raw = string_value(prop.value) if prop is not None and prop.value is not None else None
    folder = locate(raw, ctx) if raw else None
    return (model, prop, folder) if folder is not None and folder.is_dir() else None


@rule("OLV583", "onnx-folder-file", "An ONNXModel folder without the onnx_file_name it names, or without one .onnx file to pick.", ERROR, needs_environment=True)
def onnx_folder_file(ctx: RuleContext):
    """For an ONNXModel whose model_path is a folder, every use of model.model_path goes through get_onnx_file_path
    (onnx_utils.py:30-63, onnx.py:75-77): an onnx_file_name that is not in the folder asserts `ONNX model file ...
    does not exist`; without onnx_file_name the folder must hold exactly one .onnx file (ValueError `Multiple .onnx
    model files found` / `No .onnx file found`). VitisGenerateModelSD's own look-up (vitis_generate_model_sd.py:110-131)
    is never reached: model.model_path has resolved (or raised) first."""
    found = _onnx_folder(ctx)
    if found is None:
        return
    model, path_prop, folder = found
    names = sorted(p.name for p in folder.glob("*.onnx"))
    name_prop = model.params.get("onnx_file_name")
    name = string_value(name_prop.value) if name_prop is not None and name_prop.value is not None else None
    if name:
        if (folder / name).exists():
            return
        yield Finding.at(
            name_prop.value, f"Olive fails with AssertionError: '{name}' is not in the model folder.",
            detail=f"onnx_utils.py:44-46 asserts `ONNX model file ... does not exist` for {folder / name}. "
            + (f"The folder has {', '.join(names)}." if names else "The folder has no .onnx file."),
            fix={"title": "Replace with", "replace_value": did_you_mean(name, names)[1] or names[:3]} if names else None,
        )
    elif len(names) != 1:
        why = f"it has {len(names)} .onnx files ({', '.join(names[:4])}{', ...' if len(names) > 4 else ''})" if names else "it has no .onnx file"
        yield Finding.at(
            path_prop.value, f"Olive fails with ValueError: the model folder needs onnx_file_name, {why}." if names
            else "Olive fails with ValueError: the model folder has no .onnx file.",
            detail="Without onnx_file_name, onnx_utils.py:49-63 picks the folder's only *.onnx file and raises `Multiple .onnx "
            "model files found in the model folder` or `No .onnx file found in the model folder` otherwise.",
            fix={"title": "Add 'onnx_file_name'", "add_keys": ["onnx_file_name"], "object_path": path_prop.parent.path(), "values": {"onnx_file_name": names[0]}} if names and path_prop.parent is not None else None,
        )


# ---------------------------------------------------------------------------------------------------------------
# io_config with a KV cache: the sizes Olive reads from the model's attributes (OLV584)

# olive/assets/io_configs/defaults.yaml `aliases` (read by resolve_alias, io_resolver.py:130-158: the aliases in
# order, then the name itself) for the three sizes complete_kv_cache_with_model_attributes needs; the test checks
# it against the installed Olive.
KV_CACHE_SIZE_ALIASES = {
    "num_hidden_layers": ("num_layers", ("num_hidden_layers", "n_layer", "n_layers")),
    "num_attention_heads": ("num_attention_heads", ("num_heads", "n_head", "n_heads", "encoder_attention_heads")),
    "hidden_size": ("hidden_size", ("dim", "d_model", "n_embd")),
}


def _kv_cache_wanted(ctx: RuleContext, io_config: dict) -> str | None:
    """Why get_resolved_io_config builds a KV cache (pytorch.py:97-102): io_config.kv_cache, or a -with-past task
    (HfModel's default is text-generation-with-past, hf.py:111)."""
    if io_config.get("kv_cache"):
        return "io_config.kv_cache is set"
    task = ctx.view.input_model.param_value("task")
    task = task if isinstance(task, str) else "text-generation-with-past"
    return f"the task '{task}' ends with -with-past" if task.endswith("-with-past") else None


def _missing_sizes(attributes: dict, kv_cache) -> list[str]:
    given = kv_cache if isinstance(kv_cache, dict) else {}
    missing = []
    for field, (name, aliases) in KV_CACHE_SIZE_ALIASES.items():
        if given.get(field) or any(attributes.get(key) is not None for key in (*aliases, name)):
            continue
        missing.append(field)
    return missing


@rule(
    "OLV584",
    "kv-cache-sizes-missing",
    "An HfModel io_config with a KV cache, whose config.json gives no layer count, head count or hidden size.",
    WARNING,
    needs_environment=True,
)
def kv_cache_sizes_missing(ctx: RuleContext):
    """With an io_config and a KV cache (io_config.kv_cache, or a -with-past task, HfModel's default), the HfModel's
    io_config completes the cache from model_attributes (config.json's, then model_attributes; hf.py:55, 108-112):
    ModelWrapper reads num_hidden_layers, num_attention_heads and hidden_size through defaults.yaml's aliases, and
    complete_kv_cache_with_model_attributes builds KVCacheConfig from them: a size that is None raises pydantic's
    ValidationError (a ValueError, `Input should be a valid integer`), a 0 the ValueError of io_config.py:181-185;
    without a head count wrapper.py:246 raises TypeError first. A warning:
    transformers' config class for the model type may fill a default config.json leaves out."""
    files = input_model_files(ctx)
    io_prop = ctx.view.input_model.params.get("io_config") if files is not None else None
    io_config = io_prop.value.to_python() if io_prop is not None and io_prop.value is not None and io_prop.value.is_object else None
    if not io_config:
        return
    why = _kv_cache_wanted(ctx, io_config)
    attrs = ctx.view.input_model.param_value("model_attributes")
    attributes = {**files.config, **(attrs if isinstance(attrs, dict) else {})}
    missing = _missing_sizes(attributes, io_config.get("kv_cache"))
    if why is None or not missing or not any(True for _ in _hf_passes(ctx, "OnnxConversion")):
        return
    kv = io_prop.value.prop("kv_cache")
    yield Finding.at(
        kv.value if kv is not None and kv.value is not None else io_prop.key_node,
        f"Olive will likely raise ValueError: config.json has no {', '.join(missing)} (KV cache).",
        detail=f"{files.where}/config.json gives no {', '.join(missing)}. {why[0].upper()}{why[1:]}, so the HfModel's io_config adds past key/values sized from the model's attributes "
        "(pytorch.py:97-102, io_config.py:159-185), looked up under "
        + "; ".join(f"{f}: {', '.join((*KV_CACHE_SIZE_ALIASES[f][1], KV_CACHE_SIZE_ALIASES[f][0]))}" for f in missing)
        + ". Unless the model type's transformers config class fills a default, building KVCacheConfig raises "
        "ValidationError `Input should be a valid integer` (TypeError at wrapper.py:246 without a head count). Give them in io_config.kv_cache (an object) or in "
        "input_model.model_attributes.",
    )
