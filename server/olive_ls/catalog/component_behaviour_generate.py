"""Generate `schemas/olive-<version>/component-behaviour.json`: what Olive's components (not its passes) accept.

    python -m olive_ls.catalog.component_behaviour_generate [--out schemas/olive-<version>]

Read from the installed olive-ai, transformers and torch, never written by hand:
- every registered data component's signature (parameters, which have no default, whether it takes **kwargs)
  and the keys its module reads from **kwargs (`kwargs.get("x")`), each data container's default components
  and task overrides (DataConfig._get_default_components), the fields of TextGenParams and its strategies;
- the metric user_config keys per metric type, metric_config keys per sub-type, the accuracy sub-types that are
  text based or vision based (olive_evaluator.py), Olive's memory units (MEM_TO_INT), log levels;
- transformers' pipeline tasks and aliases (check_task), the keyword names `from_pretrained` takes or pops,
  the BitsAndBytesConfig / GPTQConfig attributes, torch's dtype names;
- the peft task map Olive's LoRA family uses (TASK_TO_PEFT_TASK_TYPE) and the passes of that family.

Deterministic: sorted keys and lists, no paths, no timestamps (tests/rules/test_runtime_components.py checks that
regenerating reproduces the committed file when the libraries are installed). olive_ls.model.component_behaviour
is its only reader.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import inspect
import json
import logging
import re
import sys
import warnings
from pathlib import Path
from typing import Any

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
        "log_levels": levels,
    }


def render(data: dict) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="folder to write into (default: schemas/olive-<version>)")
    args = parser.parse_args(argv)
    data = generate()
    out = args.out or Path(__file__).resolve().parents[3] / "schemas" / f"olive-{data['olive_version']}"
    out.mkdir(parents=True, exist_ok=True)
    (out / FILE_NAME).write_text(render(data), encoding="utf-8")
    print(out / FILE_NAME)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
