"""What Olive's components (data, metrics, handlers) and the libraries behind them accept: the one reader of
`schemas/olive-<version>/component-behaviour.json` (written by catalog/component_behaviour_generate.py from the
installed olive-ai, transformers and torch), plus the few facts read in Olive's code that no signature carries,
each with the line it comes from (docs/olive-runtime-checks.md (Part 2)).

`component_behaviour(model)` is None for an Olive version without the file: the runtime_* rules then say nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from olive_ls.model.behaviour_file import read_beside_catalog

if TYPE_CHECKING:
    from olive_ls.model.olive import OliveModel

FILE_NAME = "component-behaviour.json"

# Olive autofills these from input_model (workflows/run/config.py:241-260) only when the container type is written
# exactly so (`item["type"] in TRANSFORMER_DUMMY_DATA_CONTAINER`, `== HuggingfaceContainer.__name__`).
DUMMY_CONTAINERS = ("TransformersDummyDataContainer", "TransformersPromptDummyDataContainer", "TransformersTokenDummyDataContainer")
HF_CONTAINER = "HuggingfaceContainer"
DEFAULT_HF_TASK = "text-generation-with-past"  # olive/constants.py, filled in by config.py:226
TEXT_GENERATION_PRE_PROCESS = "text_generation_huggingface_pre_process"

# Component parameters that, left out, are set to None (config.py:157) and then certainly fail, with what fails.
FAILS_WHEN_NONE: dict[tuple[str, str], str] = {
    ("huggingface_dataset", "data_name"): "AssertionError: Please specify the data name (load_dataset.py:39)",
    ("raw_dataset", "data_dir"): "TypeError from Path(None) in RawDataset (component/dataset.py)",
    ("raw_dataset", "input_names"): "TypeError: object of type 'NoneType' has no len() in RawDataset (component/dataset.py)",
    ("raw_dataset", "input_shapes"): "TypeError: object of type 'NoneType' has no len() in RawDataset (component/dataset.py)",
    ("dummy_dataset", "input_shapes"): "TypeError: object of type 'NoneType' has no len() in DummyDataset (component/dataset.py)",
    ("huggingface_pre_process", "input_cols"): "TypeError: 'NoneType' object is not iterable when tokenizing (pre_process_data.py)",
    ("tokenizer_pre_process", "input_cols"): "TypeError: 'NoneType' object is not iterable when tokenizing (pre_process_data.py)",
    ("ner_huggingface_preprocess", "input_cols"): "TypeError: 'NoneType' object is not iterable when tokenizing (pre_process_data.py)",
}
# Keys every component's params may carry because Olive itself puts them there (autofill, config.py:241-260).
AUTOFILLED_PARAMS = ("model_name", "task", "trust_remote_code", "ort_past_key_name", "ort_past_value_name", "batch_size")

LATENCY_LIKE = ("latency", "throughput")
# Olive's goal value ranges for percent goals by higher_is_better (metric.py:106-115); bounds exclusive.
PERCENT_GOAL_RANGES = {
    ("percent-min-improvement", True): (0, None),
    ("percent-min-improvement", False): (0, 100),
    ("percent-max-degradation", True): (0, 100),
    ("percent-max-degradation", False): (0, None),
}
# Goal types whose value must be nonnegative (metric_config.py:94).
NONNEGATIVE_GOALS = ("min-improvement", "percent-min-improvement", "max-degradation", "percent-max-degradation")
# higher_is_better when the sub-type leaves it out (metric.py:219-235); accuracy's default is True except wer.
ERROR_RATE_SUB_TYPES = ("wer",)
HIGHER_IS_BETTER_DEFAULT = {"accuracy": True, "latency": False, "throughput": True, "size_on_disk": False, "custom": False}
# search_strategy options only the joint execution order honours (search_strategy.py:72).
JOINT_ONLY_SEARCH_OPTIONS = ("stop_when_goals_met", "max_iter", "max_time")
# The TorchScript ONNX exporter's highest opset (torch/onnx/_constants.py ONNX_TORCHSCRIPT_EXPORTER_MAX_OPSET).
TORCHSCRIPT_MAX_OPSET = 20
# LoRA-family parameter that peft rejects when not positive (peft LoraConfig / update_layer).
LORA_RANK = "r"


@dataclass(frozen=True)
class Component:
    name: str
    params: dict[str, dict]
    var_keyword: bool
    kwargs_read: tuple[str, ...]

    @property
    def required(self) -> list[str]:
        return [name for name, spec in self.params.items() if spec.get("required")]

    def accepts(self, key: str) -> bool:
        return key in self.params or key in self.kwargs_read or key in AUTOFILLED_PARAMS


class ComponentBehaviour:
    def __init__(self, data: dict):
        self.raw = data
        d = data.get("data") or {}
        self._components: dict[str, dict[str, Component]] = {
            category: {
                name: Component(name, dict(info.get("params") or {}), bool(info.get("var_keyword")), tuple(info.get("kwargs_read") or ()))
                for name, info in (table or {}).items()
            }
            for category, table in (d.get("components") or {}).items()
        }
        self.containers: dict[str, dict] = dict(d.get("containers") or {})
        self._container_by_lower = {name.lower(): name for name in self.containers}
        self.text_generation_params: dict[str, Any] = dict(d.get("text_generation_params") or {})
        self.text_generation_strategies: tuple[str, ...] = tuple(d.get("text_generation_strategies") or ())
        m = data.get("metrics") or {}
        self.user_config_keys: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in (m.get("user_config_keys") or {}).items()}
        self.metric_config_keys: dict[str, dict[str, tuple[str, ...]]] = {
            k: {s: tuple(v) for s, v in table.items()} for k, table in (m.get("metric_config_keys") or {}).items()
        }
        self.text_accuracy_sub_types = frozenset(m.get("text_accuracy_sub_types") or ())
        self.vision_accuracy_sub_types = frozenset(m.get("vision_accuracy_sub_types") or ())
        lib = data.get("libraries") or {}
        self.transformers_tasks = frozenset(lib.get("transformers_tasks") or ())
        self.task_aliases: dict[str, str] = dict(lib.get("transformers_task_aliases") or {})
        self.from_pretrained_keys = frozenset(lib.get("from_pretrained_keys") or ())
        self.quantization_config_keys: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in (lib.get("quantization_config_keys") or {}).items()}
        self.torch_dtypes = frozenset(lib.get("torch_dtypes") or ())
        self.memory_units: tuple[str, ...] = tuple(lib.get("memory_units") or ())
        self.peft_tasks: tuple[str, ...] = tuple(lib.get("peft_tasks") or ())
        self.lora_passes = frozenset(lib.get("lora_passes") or ())
        self.log_levels: tuple[int, ...] = tuple(data.get("log_levels") or ())
        self.vision_task_metrics: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in (m.get("vision_task_metrics") or {}).items()}
        files = data.get("model_files") or {}
        self.genai_version: str | None = files.get("genai_version")
        self.genai_branches: tuple[dict, ...] = tuple(files.get("genai_architectures") or ())
        self.genai_search_keys: tuple[str, ...] = tuple(files.get("genai_search_keys") or ())
        self.mobius_ep_map: dict[str, str] = dict(files.get("mobius_ep_map") or {})
        self.sparsegpt_model_types: tuple[str, ...] = tuple(files.get("sparsegpt_model_types") or ())
        # pass -> whether it takes a model Olive quantized (prepare_model's allow_quantized)
        self.quantized_model_passes: dict[str, bool] = dict(files.get("quantized_model_passes") or {})
        self.olive_lora_target_modules: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in (files.get("olive_lora_target_modules") or {}).items()}
        self.module_names: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in (files.get("module_names") or {}).items()}
        self.training_args_fields: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in (files.get("training_args_fields") or {}).items()}
        self.transformers_training_args_fields = frozenset(files.get("transformers_training_args_fields") or ())

    # --- data -------------------------------------------------------------------------------------------------

    def component(self, category: str, name: str | None) -> Component | None:
        if not isinstance(name, str):
            return None
        return self._components.get(category, {}).get(name.lower())

    def container(self, name: str | None) -> str | None:
        """The container's class name for a type written in any case (DataConfig compares without case)."""
        return self._container_by_lower.get(name.lower()) if isinstance(name, str) else None

    def default_component(self, container: str, category: str, task: str | None = None) -> str | None:
        info = self.containers.get(container) or {}
        if task:
            override = (info.get("task_components") or {}).get(task.replace("-with-past", ""), {})
            if category in override:
                return override[category]
        return (info.get("default_components") or {}).get(category)

    def container_tasks(self, container: str) -> list[str]:
        return sorted((self.containers.get(container) or {}).get("task_components") or {})

    # --- libraries --------------------------------------------------------------------------------------------

    def is_transformers_task(self, task: str) -> bool:
        """transformers.pipelines.check_task after Olive strips -with-past (common/hf/utils.py:137)."""
        base = task.replace("-with-past", "")
        if base in self.transformers_tasks or base in self.task_aliases:
            return True
        return re.fullmatch(r"translation_[A-Za-z]+_to_[A-Za-z]+", base) is not None

    def genai_branch(self, hf_config: dict) -> tuple[dict | None, bool]:
        """The branch of genai's create_model a config.json takes (None: NotImplementedError), and whether that is
        certain (False when a condition reads a key config.json does not have)."""
        archs = hf_config.get("architectures")
        arch = archs[0] if isinstance(archs, list) and archs and isinstance(archs[0], str) else None
        if arch is None:
            return None, False
        for branch in self.genai_branches:
            if arch not in branch["architectures"]:
                continue
            held = []
            for left, op, right in branch.get("conditions") or ():
                if left not in hf_config or right not in hf_config:
                    return branch, False
                held.append((hf_config[left] == hf_config[right]) == (op == "=="))
            if all(held):
                return branch, True
        return None, True

    @property
    def task_names(self) -> list[str]:
        return sorted(self.transformers_tasks | set(self.task_aliases))


def _load(model: OliveModel) -> ComponentBehaviour | None:
    data = read_beside_catalog(model, FILE_NAME)
    return ComponentBehaviour(data) if data is not None else None


def component_behaviour(model: OliveModel) -> ComponentBehaviour | None:
    """The component behaviour of this model's Olive version (the file beside its catalog), read once and kept on
    the model; None when none was generated for that version."""
    return model.derived("component_behaviour", _load)
