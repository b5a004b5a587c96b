"""Generate `schemas/olive-<version>/component-behaviour.json`: what Olive's components (not its passes) accept.

    python -m olive_ls.catalog.component_behaviour_generate [--out FILE]

Read from the installed olive-ai, transformers and torch, never written by hand:
- every registered data component's signature (parameters, which have no default, whether it takes **kwargs)
  and the keys its module reads from **kwargs (`kwargs.get("x")`), each data container's default components
  and task overrides (DataConfig._get_default_components), the fields of TextGenParams and its strategies;
- the metric user_config keys per metric type, metric_config keys per sub-type, the accuracy sub-types that are
  text based or vision based (olive_evaluator.py), Olive's memory units (MEM_TO_INT), log levels;
- transformers' pipeline tasks and aliases (check_task), the keyword names `from_pretrained` takes or pops,
  the BitsAndBytesConfig / GPTQConfig attributes, torch's dtype names;
- the peft task map Olive's LoRA family uses (TASK_TO_PEFT_TASK_TYPE) and the passes of that family;
- what the input model's own files decide (rules/runtime_model_files.py): onnxruntime-genai's builder dispatch
  (create_model's `config.architectures[0] == ...` chain in builder.py, read with `ast`: each branch's
  architectures, its max_position_embeddings condition, what it forces), the genai_config.json search keys the
  installed onnxruntime-genai parses (each candidate probed with `og.Config` on a scratch genai_config.json),
  the model types SparseGPT supports, which passes refuse a quantized model (`prepare_model`'s allow_quantized),
  Olive's own LoRA target-module table, and the module names of a one-layer causal LM per model type (built on
  torch's meta device from transformers' default config: no weights, no download);
- MobiusBuilder's EP map, transformers.TrainingArguments' init fields and the declared fields of each pass's
  training_args class, the vision task map of the evaluator.

Deterministic: sorted keys and lists, no paths, no timestamps (tests/rules/test_runtime_components.py checks that
regenerating reproduces the committed file when the libraries are installed). olive_ls.model.component_behaviour
is its only reader.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import json
import logging
import re
import sys
import warnings
from pathlib import Path
from typing import Any

from olive_ls.catalog import behaviour_files
from olive_ls.catalog.behaviour_files import render  # noqa: F401 - render: the currency test's

FILE_NAME = "component-behaviour.json"
_KWARGS_READ = re.compile(r"""kwargs(?:\.get|\.pop|\[)\(?\s*["'](\w+)["']""")


def _json_default(value: Any) -> Any:
    """A default as JSON when it is plain data, else its repr (a callable, a class...)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)) and all(v is None or isinstance(v, (bool, int, float, str)) for v in value):
        return list(value)
    if hasattr(value, "value") and isinstance(value.value, str):  # an enum member
        return value.value
    return repr(value)


def _signature(func, skip_first: bool) -> dict:
    params = {}
    var_keyword = False
    for index, (name, info) in enumerate(inspect.signature(func).parameters.items()):
        if skip_first and index == 0:
            continue
        if info.kind is info.VAR_KEYWORD:
            var_keyword = True
            continue
        if info.kind is info.VAR_POSITIONAL:
            continue
        entry: dict[str, Any] = {"required": info.default is info.empty}
        if info.default is not info.empty:
            entry["default"] = _json_default(info.default)
        params[name] = entry
    module = sys.modules.get(func.__module__)
    kwargs_read: list[str] = []
    if var_keyword and module is not None:
        try:
            kwargs_read = sorted(set(_KWARGS_READ.findall(inspect.getsource(module))))
        except (OSError, TypeError):
            kwargs_read = []
    return {"params": params, "var_keyword": var_keyword, "kwargs_read": kwargs_read}


def _data() -> dict:
    from olive.data.config import DefaultDataComponentCombos
    from olive.data.constants import DataComponentType, DataContainerType
    from olive.data.registry import Registry

    components: dict[str, dict] = {}
    for category in DataComponentType:
        table = Registry._REGISTRY[category.value]
        components[category.value] = {
            name: _signature(func, skip_first=category != DataComponentType.LOAD_DATASET) for name, func in sorted(table.items())
        }
    containers = {}
    for name, cls in sorted(Registry._REGISTRY[DataContainerType.DATA_CONTAINER.value].items()):
        defaults = dict(getattr(cls, "default_components_type", None) or {})
        for k, v in DefaultDataComponentCombos.items():
            defaults.setdefault(k, v)
        containers[cls.__name__] = {
            "registered_as": name,
            "default_components": {str(k): str(v) for k, v in sorted(defaults.items())},
            "task_components": {
                task: {str(k): str(v) for k, v in sorted(overrides.items())}
                for task, overrides in sorted((getattr(cls, "task_type_components_map", None) or {}).items())
            },
        }
    from olive.data.component.text_generation import TextGenParams, TextGenStrategy

    text_gen = {name: _json_default(field.default) for name, field in sorted(TextGenParams.model_fields.items())}
    return {
        "components": components,
        "containers": containers,
        "text_generation_params": text_gen,
        "text_generation_strategies": sorted(s.value for s in TextGenStrategy),
    }


def _metrics() -> dict:
    from olive.evaluator import olive_evaluator
    from olive.evaluator.accuracy import AccuracyBase
    from olive.evaluator.metric import MetricType
    from olive.evaluator.metric_config import (
        LatencyMetricConfig,
        SizeOnDiskMetricConfig,
        ThroughputMetricConfig,
        get_user_config_class,
    )

    user_config = {t.value: sorted(get_user_config_class(t.value).model_fields) for t in MetricType}
    metric_config: dict[str, dict[str, list[str]]] = {
        "latency": {"*": sorted(LatencyMetricConfig.model_fields)},
        "throughput": {"*": sorted(ThroughputMetricConfig.model_fields)},
        "size_on_disk": {"*": sorted(SizeOnDiskMetricConfig.model_fields)},
        "accuracy": {
            str(name.value if hasattr(name, "value") else name): sorted(cls.get_config_class().model_fields)
            for name, cls in sorted(AccuracyBase.registry.items(), key=lambda kv: str(kv[0]))
        },
    }
    return {
        "user_config_keys": user_config,
        "metric_config_keys": metric_config,
        "text_accuracy_sub_types": sorted(str(s) for s in olive_evaluator._TEXT_BASED_ACCURACY_SUBTYPES),
        "vision_accuracy_sub_types": sorted(str(s) for s in olive_evaluator._VISION_ACCURACY_SUBTYPES),
        "vision_task_metrics": {task: sorted(str(s) for s in subs) for task, subs in sorted(olive_evaluator._VISION_TASK_METRIC_MAP.items())},
    }


def _from_pretrained_keys() -> list[str]:
    from transformers import PreTrainedModel

    keys = {name for name, p in inspect.signature(PreTrainedModel.from_pretrained).parameters.items() if p.kind is not p.VAR_KEYWORD}
    source = inspect.getsource(PreTrainedModel.from_pretrained)
    keys.update(re.findall(r"""kwargs\.pop\(\s*["'](\w+)["']""", source))
    keys.discard("cls")
    keys.discard("model_args")
    return sorted(keys)


def _quantization_keys() -> dict[str, list[str]]:
    import transformers

    out = {}
    for method, cls_name, kwargs in (("bitsandbytes", "BitsAndBytesConfig", {}), ("gptq", "GPTQConfig", {"bits": 4})):
        cls = getattr(transformers, cls_name)
        keys = {n for n, p in inspect.signature(cls.__init__).parameters.items() if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
        keys.discard("self")
        try:
            keys.update(k for k in vars(cls(**kwargs)) if not k.startswith("_"))
        except Exception:  # noqa: BLE001, S110  a config class that needs an optional package to be built
            pass
        out[method] = sorted(keys)
    return out


def _libraries() -> dict:
    import torch
    from olive.common.hf.mappings import TASK_TO_PEFT_TASK_TYPE
    from olive.hardware.accelerator import MEM_TO_INT
    from olive.package_config import OlivePackageConfig
    from olive.passes.pytorch.lora import LoRA
    from transformers.pipelines import SUPPORTED_TASKS, TASK_ALIASES

    passes = OlivePackageConfig.load_default_config().passes
    lora_family = []
    for name, module_config in sorted(passes.items()):
        if module_config.module_path.startswith("olive.passes.pytorch.lora."):
            cls = getattr(sys.modules.get("olive.passes.pytorch.lora") or __import__("olive.passes.pytorch.lora", fromlist=["x"]), module_config.module_path.rsplit(".", 1)[-1], None)
            if cls is not None and issubclass(cls, LoRA):
                lora_family.append(cls.__name__)
    dtypes = sorted(name for name in dir(torch) if isinstance(getattr(torch, name, None), torch.dtype))
    from olive.model.config.hf_config import HfLoadKwargs
    from olive.model.config.io_config import IoConfig

    return {
        "hf_load_kwargs_fields": sorted(HfLoadKwargs.model_fields),
        "io_config_fields": {name: field.is_required() for name, field in sorted(IoConfig.model_fields.items())},
        "transformers_tasks": sorted(SUPPORTED_TASKS),
        "transformers_task_aliases": dict(sorted(TASK_ALIASES.items())),
        "from_pretrained_keys": _from_pretrained_keys(),
        "quantization_config_keys": _quantization_keys(),
        "torch_dtypes": dtypes,
        "memory_units": sorted(MEM_TO_INT),
        "peft_tasks": sorted(TASK_TO_PEFT_TASK_TYPE),
        "lora_passes": sorted(lora_family),
    }


# genai_config.json search keys worth probing: the builder's own (base.py make_genai_config) are read from its
# source; these are the other names the native library's string table has beside them (onnxruntime-genai 0.14.1).
GENAI_SEARCH_CANDIDATES = ("batch_size", "blank_penalty", "chunk_size", "random_seed")
# Model types whose one-layer causal LM gives the module names target_modules is matched against.
MODULE_NAME_MODEL_TYPES = (
    "bloom", "codegen", "falcon", "gemma", "gemma2", "gemma3_text", "gpt2", "gpt_bigcode", "gpt_neo", "gpt_neox",
    "gptj", "granite", "llama", "mistral", "mixtral", "olmo", "opt", "phi", "phi3", "qwen2", "qwen3", "smollm3",
    "stablelm",
)


def _genai_branches(source: str) -> list[dict]:
    """create_model's dispatch on config.architectures[0], branch by branch, in order."""
    import ast

    tree = ast.parse(source)
    create = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "create_model")
    node = next(n for n in create.body if isinstance(n, ast.If) and "architectures" in ast.unparse(n.test))
    branches = []
    while isinstance(node, ast.If):
        archs, conditions = [], []
        for compare in (n for n in ast.walk(node.test) if isinstance(n, ast.Compare)):
            left, right = ast.unparse(compare.left), compare.comparators[0]
            if left == "config.architectures[0]" and isinstance(right, ast.Constant):
                archs.append(right.value)
            elif left.startswith("config.") and ast.unparse(right).startswith("config."):
                op = "==" if isinstance(compare.ops[0], ast.Eq) else "!="
                conditions.append([left[len("config."):], op, ast.unparse(right)[len("config."):]])
        if archs:
            forced: dict[str, Any] = {}
            warnings_printed = []
            for stmt in ast.walk(ast.Module(body=node.body, type_ignores=[])):
                text = ast.unparse(stmt) if isinstance(stmt, (ast.Assign, ast.Expr)) else ""
                if text == "extra_options['exclude_embeds'] = True":
                    forced["exclude_embeds"] = True
                elif text.startswith("execution_provider = "):
                    forced["execution_provider"] = ast.literal_eval(stmt.value)
                elif text.startswith("onnx_dtype = set_onnx_dtype("):
                    forced["precision"] = ast.literal_eval(stmt.value.args[0])
                elif text.startswith("print(") and isinstance(stmt.value.args[0], ast.Constant):
                    warnings_printed.append(stmt.value.args[0].value)
            branches.append({"architectures": archs, "conditions": conditions, "forces": forced, "warnings": warnings_printed, "line": node.lineno})
        node = node.orelse[0] if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If) else None
    return branches


def _genai_search_keys(base_source: str) -> list[str]:
    """The search keys the installed onnxruntime-genai's config parser accepts (it raises on any other)."""
    import ast
    import tempfile

    import onnxruntime_genai as og

    tree = ast.parse(base_source)
    written: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == "search" and isinstance(value, ast.Dict):
                    written.update(k.value for k in value.keys if isinstance(k, ast.Constant))
    decoder = {"filename": "model.onnx", "head_size": 8, "hidden_size": 32, "num_attention_heads": 4, "num_hidden_layers": 1,
               "num_key_value_heads": 4, "inputs": {"input_ids": "input_ids"}, "outputs": {"logits": "logits"}}
    model = {"type": "llama", "context_length": 128, "vocab_size": 100, "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0, "decoder": decoder}
    accepted = []
    with tempfile.TemporaryDirectory() as folder:
        for key in sorted(written | set(GENAI_SEARCH_CANDIDATES)):
            Path(folder, "genai_config.json").write_text(json.dumps({"model": model, "search": {key: 1}}))
            try:
                og.Config(folder)
            except RuntimeError as error:
                if "Unknown value" in str(error):
                    continue
            accepted.append(key)
    return accepted


def _module_names() -> dict[str, list[str]]:
    """Every module name of a one-layer causal LM per model type, layer indexes written N."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    out = {}
    for model_type in MODULE_NAME_MODEL_TYPES:
        config = AutoConfig.for_model(model_type)
        for key in ("num_hidden_layers", "n_layer", "num_layers"):
            if hasattr(config, key):
                setattr(config, key, 1)
        with torch.device("meta"):
            model = AutoModelForCausalLM.from_config(config)
        out[model_type] = sorted({re.sub(r"\.\d+(?=\.|$)", ".N", name) for name, _ in model.named_modules() if name})
    return out


def _training_args_fields() -> dict[str, list[str]]:
    import typing

    from olive.package_config import OlivePackageConfig
    from olive.passes.pytorch.train_utils import BaseHFTrainingArguments

    out = {}
    for module_config in OlivePackageConfig.load_default_config().passes.values():
        if not module_config.module_path.startswith("olive.passes.pytorch."):
            continue
        module_name, class_name = module_config.module_path.rsplit(".", 1)
        cls = getattr(__import__(module_name, fromlist=[class_name]), class_name)
        param = cls._default_config(None).get("training_args")
        args_class = next((a for a in (typing.get_args(param.type_) if param else ()) if isinstance(a, type) and issubclass(a, BaseHFTrainingArguments)), None)
        if args_class is not None:
            out[class_name] = sorted(args_class.model_fields)
    return dict(sorted(out.items()))


def _quantized_model_passes() -> dict[str, bool]:
    """Passes whose module calls quant_utils.prepare_model, and whether every call takes an Olive-quantized model."""
    import ast

    from olive.package_config import OlivePackageConfig

    out = {}
    for module_config in OlivePackageConfig.load_default_config().passes.values():
        module_name, class_name = module_config.module_path.rsplit(".", 1)
        if not module_name.startswith("olive.passes.pytorch.") or module_name.endswith(".quant_utils"):
            continue
        tree = ast.parse(inspect.getsource(__import__(module_name, fromlist=[class_name])))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "prepare_model"]
        if calls:
            out[class_name] = all(any(k.arg == "allow_quantized" and getattr(k.value, "value", None) is True for k in c.keywords) for c in calls)
    return dict(sorted(out.items()))


def _model_files() -> dict:
    import dataclasses

    import onnxruntime_genai.models.builder as genai_builder
    import onnxruntime_genai.models.builders.base as genai_base
    import transformers
    from olive.common.hf.mappings import MODELS_TO_LORA_TARGET_MODULES_MAPPING
    from olive.hardware.constants import EXECUTION_PROVIDER_TO_MOBIUS_EP
    from olive.passes.pytorch.sparsegpt_utils import supported_models

    return {
        "genai_version": importlib.metadata.version("onnxruntime-genai"),
        "genai_architectures": _genai_branches(inspect.getsource(genai_builder)),
        "genai_search_keys": _genai_search_keys(inspect.getsource(genai_base)),
        "mobius_ep_map": {str(k): v for k, v in sorted(EXECUTION_PROVIDER_TO_MOBIUS_EP.items())},
        "sparsegpt_model_types": sorted(supported_models),
        "quantized_model_passes": _quantized_model_passes(),
        "olive_lora_target_modules": {k: list(v) for k, v in sorted(MODELS_TO_LORA_TARGET_MODULES_MAPPING.items())},
        "module_names": _module_names(),
        "training_args_fields": _training_args_fields(),
        "transformers_training_args_fields": sorted(f.name for f in dataclasses.fields(transformers.TrainingArguments) if f.init),
    }


def generate() -> dict:
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    from olive.logging import get_logger_level

    levels = []
    for level in range(-2, 11):  # get_logger_level raises ValueError outside its own table
        try:
            get_logger_level(level)
        except ValueError:
            continue
        levels.append(level)
    return {
        "olive_version": importlib.metadata.version("olive-ai"),
        "transformers_version": importlib.metadata.version("transformers"),
        "torch_version": importlib.metadata.version("torch").split("+")[0],
        "data": _data(),
        "metrics": _metrics(),
        "libraries": _libraries(),
        "model_files": _model_files(),
        "log_levels": levels,
    }


def main(argv: list[str] | None = None) -> int:
    return behaviour_files.main(generate, FILE_NAME, __doc__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
