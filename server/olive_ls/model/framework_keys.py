"""Keys of Olive objects the catalog does not describe, written by hand from Olive 0.13.0's code: metric sub types
and goals (olive/evaluator/metric.py), load_kwargs (olive/model/config/hf_config.py), data components and the
common parameters of the default HuggingfaceContainer components (olive/data/component/*.py; flat next to `type`
or under `params`), packaging (olive/engine/packaging/packaging_config.py), and the tasks completion offers.

One table each, read by completion (features/completion/) and by the exported JSON Schema (catalog/json_schema.py).
"""

from __future__ import annotations

SUB_TYPE_KEYS = {
    "name": {"description": "The sub metric: e.g. avg, p90 for latency; accuracy_score, f1_score for accuracy.", "required": True},
    "priority": {"description": "Rank of the sub metric in the search objective; -1 evaluates it without ranking.", "default": -1, "json_type": "integer"},
    "higher_is_better": {"description": "Whether higher values are better.", "default": False, "json_type": "boolean"},
    "goal": {"description": "A goal the sub metric must meet: {type, value}.", "json_type": "object"},
    "metric_config": {"description": "Extra configuration of the sub metric (e.g. for accuracy: task, num_classes).", "json_type": "object"},
}

GOAL_KEYS = {
    "type": {"description": "How the goal compares with the input model's value.", "required": True, "json_type": "string"},
    "value": {"description": "The threshold, or the allowed (percent) improvement or degradation.", "required": True, "json_type": "number"},
}

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
