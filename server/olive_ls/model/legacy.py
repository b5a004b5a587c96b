"""What older Olive releases called things, and what they had that 0.13.0 has not: hand-written history,
one table per kind, read by the legacy rules (rules/legacy.py) and the migration (features/migration.py).

Which passes and keys each release has is in its catalog (schemas/olive-<version>/); these tables add what no
catalog can say: what an old name became, when, and what to write instead.
"""

from __future__ import annotations

# Pass types renamed in Olive's history: old name (lowercase) -> (new name, where it changed).
RENAMED_PASSES = {
    "ortperftuning": ("OrtSessionParamsTuning", "renamed in Olive 0.7.0, PR #1380"),
    "genaimodelexporter": ("ModelBuilder", "renamed in PR #1110, 2024-04"),
    "onnxmatmul4quantizer": ("OnnxBlockWiseRtnQuantization", "replaced in PR #1937, 2025-06"),
    "onnxmodeloptimizer": ("OnnxPeepholeOptimizer", "renamed in PR #1477, 2024-11"),
    "onnxiofloat16tofloat32": ("OnnxIODataTypeConverter", "replaced in PR #1519, 2024-12"),
    "quarkquantizationpass": ("QuarkQuantization", "renamed in PR #2053, 2025-08"),
    "awqquantizer": ("AutoAWQQuantizer", "renamed after PR #1080, 2024-04"),
}
# Pass types that older Olive releases had and 0.13.0 has not, with no direct successor.
REMOVED_PASSES = {
    "appendprepostprocessingops": "AppendPrePostProcessingOps",
    "insertbeamsearch": "InsertBeamSearch",
    "moeexpertsdistributor": "MoEExpertsDistributor",
    "pytorchtensorparallel": "PyTorchTensorParallel",
    "quantizationawaretraining": "QuantizationAwareTraining",
    "torchtrtconversion": "TorchTRTConversion",
    "snpeconversion": "SNPEConversion",
    "snpequantization": "SNPEQuantization",
    "snpetoonnxconversion": "SNPEtoONNXConversion",
    "vitisaiquantization": "VitisAIQuantization",
    "vitisqdqquantizer": "VitisQDQQuantizer",
    "vitisqopquantizer": "VitisQOpQuantizer",
}

# Keys of the old model forms (HfModel came with PR #1239, Olive 0.7.0).
OLD_MODEL_KEYS = {
    "hf_config": "model_path/task/load_kwargs",
    "model_name": "model_path",
    "model_loading_args": "load_kwargs",
    "from_pretrained_args": "load_kwargs",
}
# PyTorchModelHandler.__init__ loads without model_loader only for these formats (model/handler/pytorch.py:135).
LOADERLESS_FORMATS = ("pytorch.torchscript", "pytorch.slicegpt")

# Top-level or engine keys that older releases had (RunConfig puts unknown top-level keys into engine).
REMOVED_ENGINE_KEYS = {
    "azureml_client": ("removed in Olive 0.9.3 together with AzureML systems", True),
    "auto_optimizer_config": ("removed in Olive 0.9.3; generate a config with `olive optimize` or `olive auto-opt` instead", False),
    "workflow_host": ("removed in Olive 0.9.3", True),
    "pass_flows": (
        "removed in Olive 0.8.0 (PR #1562): passes run in the order they are listed under `passes`; list alternatives "
        "for one pass name as an array to search over them",
        False,
    ),
    "data_root": ("dropped before Olive 0.13.0: give data paths absolute or relative to the config instead", False),
    "output_name": ("an engine option of older Olive releases (a prefix for output files); 0.13.0 writes into output_dir", True),
    "evaluation_only": ("an engine option of older Olive releases", True),
    "verbose": ("a top-level option of older Olive releases; use log_severity_level (0 is the most verbose)", True),
}
# RunPassConfig keys of older releases (disable_search, clean_run_cache, output_name): 0.13.0 flattens them into the
# pass config and drops them with a warning.
OLD_PASS_KEYS = {
    "disable_search": "search is on or off for the whole workflow: `search_strategy` (false or absent: each pass runs once "
    "with its given or default values)",
    "clean_run_cache": "to rerun a pass from scratch, set `clean_cache` on the engine or delete the cache folder",
    "output_name": "outputs go to the engine's output_dir",
}

REMOVED_SYSTEMS = {
    "azureml": ("AzureML", None),
    "isolatedort": ("IsolatedORT", "PythonEnvironment"),
}

OLD_SEARCH_KEYS = {"search_algorithm": "sampler", "search_algorithm_config": "sampler_config", "num_samples": "max_samples"}
OLD_SAMPLERS = {"exhaustive": "sequential"}

# The execution provider Olive pairs with a device by default (what an old string accelerator becomes).
DEFAULT_EP = {"cpu": "CPUExecutionProvider", "gpu": "CUDAExecutionProvider", "npu": "QNNExecutionProvider"}
