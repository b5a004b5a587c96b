"""Hints and key tables for Olive's own objects: shapes, value sources and sort groups the catalog does not
carry, and the keys of objects it does not describe (metric sub types, goals, load_kwargs, data components,
packaging)."""

from __future__ import annotations

from olive_ls.features.completion.places import (
    ACCELERATORS,
    CACHE_CONFIG,
    DATA_COMPONENT,
    DATA_COMPONENT_KEYS,
    DATA_CONFIGS,
    ENGINE,
    EVALUATOR,
    EVALUATORS,
    GOAL,
    INPUT_MODEL,
    LOAD_KWARGS,
    METRICS,
    MODEL_COMPONENTS,
    MODEL_CONFIG,
    PACKAGING,
    PASS_CONFIG,
    PASSES,
    SAMPLER_CONFIG,
    SEARCH,
    SUB_TYPES,
    SYSTEM,
    SYSTEM_CONFIG,
    SYSTEMS,
)

# Shapes the catalog does not carry for the framework's own keys.
_S, _I, _B, _O, _A, _N = ("string",), ("integer",), ("boolean",), ("object",), ("array",), ("number",)
ROOT_HINTS = {
    "workflow_id": {"types": _S},
    "input_model": {"types": _O, "child": INPUT_MODEL, "sort": 0},
    "systems": {"types": _O, "child": SYSTEMS, "sort": 1},
    "data_configs": {"types": _A, "child": DATA_CONFIGS, "sort": 1},
    "evaluators": {"types": _O, "child": EVALUATORS, "sort": 1},
    "engine": {"types": _O, "child": ENGINE, "sort": 1},
    "passes": {"types": _O, "child": PASSES, "sort": 0},
}
ENGINE_HINTS = {
    "host": {"values": "system_ref", "child": SYSTEM, "types": ("string", "object")},
    "target": {"values": "system_ref", "child": SYSTEM, "types": ("string", "object")},
    "evaluator": {"values": "evaluator_ref", "child": EVALUATOR, "types": ("string", "object")},
    "search_strategy": {"child": SEARCH, "types": ("object", "boolean")},
    "packaging_config": {"child": PACKAGING, "types": ("object", "array")},
    "cache_config": {"child": CACHE_CONFIG},
    "cache_dir": {"types": ("string", "array")},
    "log_severity_level": {"enum": (0, 1, 2, 3, 4)},
    "ort_log_severity_level": {"enum": (0, 1, 2, 3, 4)},
    "ort_py_log_severity_level": {"enum": (0, 1, 2, 3, 4)},
}
SEARCH_HINTS = {
    "execution_order": {"types": _S, "values": "execution_order"},
    "sampler": {"types": _S, "values": "sampler"},
    "sampler_config": {"types": _O, "child": SAMPLER_CONFIG},
    "output_model_num": {"types": _I},
    "stop_when_goals_met": {"types": _B},
    "max_iter": {"types": _I},
    "max_time": {"types": _I},
    "include_pass_params": {"types": _B},
}
SYSTEM_HINTS = {
    "type": {"types": _S, "values": "system_type", "sort": 0},
    "config": {"types": _O, "child": SYSTEM_CONFIG, "sort": 1},
    "accelerators": {"types": _A, "child": ACCELERATORS, "sort": 1},
}
ACCELERATOR_HINTS = {
    "device": {"types": _S, "values": "device", "sort": 0},
    "execution_providers": {"types": _A, "values": "ep", "sort": 0},
}
MODEL_HINTS = {
    "type": {"types": _S, "values": "model_type", "sort": 0},
    "config": {"types": _O, "child": MODEL_CONFIG, "sort": 1},
    "model_path": {"types": _S},
    "task": {"types": _S, "values": "task"},
    "load_kwargs": {"types": _O, "child": LOAD_KWARGS},
    "io_config": {"types": ("object", "string")},
    "adapter_path": {"types": _S},
    "model_attributes": {"types": _O},
    "model_components": {"types": _A, "child": MODEL_COMPONENTS},
    "model_component_names": {"types": _A},
    "inference_settings": {"types": _O},
    "use_ort_extensions": {"types": _B},
    "onnx_file_name": {"types": _S},
    "external_initializers_file_name": {"types": _S},
    "constant_inputs_file_name": {"types": _S},
    "model_loader": {"types": _S},
    "model_script": {"types": _S},
    "script_dir": {"types": _S},
    "dummy_inputs_func": {"types": _S},
    "model_file_format": {"types": _S},
    "model_variant": {"types": _S},
    "model_name_pattern": {"types": _S},
    "num_ranks": {"types": _I},
    "test_model_path": {"types": _S},
    "test_model_config": {"types": _O},
}
EVALUATOR_HINTS = {
    "metrics": {"types": _A, "child": METRICS, "sort": 0},
    "type": {"types": _S, "values": "evaluator_type"},
    "type_args": {"types": _O},
    "user_script": {"types": _S},
    "script_dir": {"types": _S},
}
METRIC_HINTS = {
    "name": {"types": _S, "sort": 0},
    "type": {"types": _S, "values": "metric_type", "sort": 0},
    "backend": {"types": _S, "values": "metric_backend"},
    "sub_types": {"types": _A, "child": SUB_TYPES, "sort": 1},
    "data_config": {"types": _S, "values": "data_config_ref"},
    "user_config": {"types": _O},
}
DATA_CONFIG_HINTS = {
    "name": {"types": _S, "sort": 0},
    "type": {"types": _S, "values": "data_container", "sort": 1},
    "user_script": {"types": _S},
    "script_dir": {"types": _S},
    **{key: {"types": _O, "child": DATA_COMPONENT} for key in DATA_COMPONENT_KEYS},
}
PASS_HINTS = {
    "type": {"types": _S, "values": "pass_type", "sort": 0},
    "config": {"types": _O, "child": PASS_CONFIG, "sort": 3},
    "host": {"types": ("string", "object"), "values": "system_ref", "child": SYSTEM, "sort": 3},
    "evaluator": {"types": ("string", "object"), "values": "evaluator_ref", "child": EVALUATOR, "sort": 3},
}
# Keys of objects the catalog does not describe (olive/evaluator/metric.py, olive/model/config/hf_config.py).
SUB_TYPE_KEYS = {
    "name": {"description": "The sub metric: e.g. avg, p90 for latency; accuracy_score, f1_score for accuracy.", "required": True},
    "priority": {"description": "Rank of the sub metric in the search objective; -1 evaluates it without ranking.", "default": -1, "json_type": "integer"},
    "higher_is_better": {"description": "Whether higher values are better.", "default": False, "json_type": "boolean"},
    "goal": {"description": "A goal the sub metric must meet: {type, value}.", "json_type": "object"},
    "metric_config": {"description": "Extra configuration of the sub metric (e.g. for accuracy: task, num_classes).", "json_type": "object"},
}
SUB_TYPE_HINTS = {"name": {"types": _S, "values": "metric_sub_type", "sort": 0}, "goal": {"types": _O, "child": GOAL}}
GOAL_KEYS = {
    "type": {"description": "How the goal compares with the input model's value.", "required": True, "json_type": "string"},
    "value": {"description": "The threshold, or the allowed (percent) improvement or degradation.", "required": True, "json_type": "number"},
}
GOAL_HINTS = {"type": {"types": _S, "values": "goal_type", "sort": 0}}
LOAD_KWARGS_KEYS = {
    "trust_remote_code": {"description": "Allow the model's own code from the hub to run. Olive no longer enables it implicitly.", "json_type": "boolean"},
    "torch_dtype": {"description": "dtype to load the model in, e.g. float16, bfloat16, float32 or auto.", "json_type": "string", "enum": ["auto", "float16", "bfloat16", "float32"]},
    "device_map": {"description": "Where to place the model's modules, e.g. auto or cpu.", "json_type": ["string", "object", "integer"]},
    "max_memory": {"description": "Maximum memory per device when device_map is used.", "json_type": "object"},
    "quantization_method": {"description": "Quantization method of the model, e.g. bitsandbytes or gptq.", "json_type": "string"},
    "quantization_config": {"description": "Quantization config passed to from_pretrained.", "json_type": "object"},
    "extra_args": {"description": "Any other argument for from_pretrained; unknown keys land here too.", "json_type": "object"},
}
DATA_COMPONENT_SPEC = {
    "type": {"description": "Name of a registered component (see data_registry.json), or a function in user_script.", "required": True, "json_type": "string"},
    "params": {"description": "Keyword arguments of the component, e.g. data_name, split, batch_size.", "json_type": "object"},
}
DATA_COMPONENT_HINTS = {"type": {"types": _S, "values": "data_component", "sort": 0}}
# Common parameters of the default HuggingfaceContainer components (olive/data/component/*.py); they may be
# given flat next to `type` or under `params`.
COMPONENT_PARAMS = {
    "load_dataset": {
        "data_name": {"description": "Hugging Face dataset id (huggingface_dataset), e.g. wikitext.", "json_type": "string"},
        "subset": {"description": "Dataset configuration name, e.g. wikitext-2-raw-v1.", "json_type": "string"},
        "split": {"description": "Split to load, e.g. train, test or train[:1000].", "default": "validation", "json_type": "string"},
        "data_dir": {"description": "Folder of the dataset's data files.", "json_type": "string"},
        "data_files": {"description": "Data files to load (a path, a list or a split mapping).", "json_type": ["string", "array", "object"]},
        "col_filters": {"description": "Keep only rows whose columns have these values.", "json_type": "object"},
    },
    "pre_process_data": {
        "max_samples": {"description": "Maximum number of samples to use; all when not set.", "json_type": "integer"},
        "max_seq_len": {"description": "Maximum sequence length.", "default": 1024, "json_type": "integer"},
        "text_template": {"description": "A Python format string over the columns, e.g. '### Question: {prompt}'.", "json_type": "string"},
        "text_cols": {"description": "Text columns, joined with a space.", "default": ["text"], "json_type": ["array", "string"]},
        "strategy": {"description": "How rows become sequences.", "default": "join", "json_type": "string", "enum": ["join", "join-random", "join-sliding-window", "line-by-line", "line-by-line-random"]},
        "stride": {"description": "Stride of the join-sliding-window strategy.", "json_type": "integer"},
        "add_special_tokens": {"description": "Add bos and eos tokens to each sequence.", "default": True, "json_type": "boolean"},
        "pad_to_max_len": {"description": "Pad sequences to max_seq_len (ignored for join strategies).", "default": True, "json_type": "boolean"},
        "padding_side": {"description": "Pad on the right or the left.", "default": "right", "json_type": "string", "enum": ["right", "left"]},
        "drop_short_sequences": {"description": "Drop sequences shorter than max_seq_len.", "default": False, "json_type": "boolean"},
        "use_attention_mask": {"description": "Add an attention mask to each example.", "default": True, "json_type": "boolean"},
        "chat_template": {"description": "Apply the tokenizer's chat template (true) or this template (a string).", "json_type": ["boolean", "string"]},
        "message_col": {"description": "Column with the chat messages.", "default": "messages", "json_type": "string"},
        "input_cols": {"description": "Input columns (huggingface_pre_process).", "json_type": "array"},
        "label_col": {"description": "Label column (huggingface_pre_process).", "default": "label", "json_type": "string"},
    },
    "dataloader": {
        "batch_size": {"description": "Batch size.", "default": 1, "json_type": "integer"},
        "shuffle": {"description": "Shuffle the data.", "default": False, "json_type": "boolean"},
        "drop_last": {"description": "Drop the last incomplete batch.", "default": False, "json_type": "boolean"},
    },
    "post_process_data": {},
}

PACKAGING_KEYS = {
    "type": {"description": "Zipfile or Dockerfile.", "default": "Zipfile", "json_type": "string"},
    "name": {"description": "Name of the packaged output.", "default": "OutputModels", "json_type": "string"},
    "config": {"description": "Options of the packaging type (e.g. export_in_mlflow_format).", "json_type": "object"},
}
PACKAGING_HINTS = {"type": {"types": _S, "values": "packaging_type", "sort": 0}}

TASKS = (
    "text-generation",
    "text-generation-with-past",
    "text-classification",
    "token-classification",
    "question-answering",
    "feature-extraction",
    "fill-mask",
    "image-classification",
    "automatic-speech-recognition",
    "text2text-generation",
)
