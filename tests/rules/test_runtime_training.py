"""OLV380-OLV399: fine-tuning and PyTorch passes at run time (docs/olive-runtime-checks.md), known before a run.

Each case: a minimal config, the finding on the value at fault with what Olive will do, and the corrected config
with no finding of that code.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import TINY, check, find, text_at

DATA = {"name": "train", "type": "HuggingfaceContainer", "load_dataset_config": {"data_name": "imdb", "split": "train"}}


def config(passes: dict, **model) -> dict:
    c = copy.deepcopy(TINY)
    c["passes"] = passes
    c["input_model"].update(model)
    c["data_configs"] = [copy.deepcopy(DATA)]
    return c


def lora(**params) -> dict:
    return {"type": "LoRA", "train_data_config": "train", **params}


def run(c: dict, path=None):
    text = json.dumps(c, indent=2)
    return text, check(text, path=path)


def only(c, code, severity=None, path=None):
    text, findings = run(c, path)
    found = find(findings, code)
    assert len(found) == 1, [(f.code, f.text) for f in findings]
    assert len(found[0].message) <= 120, found[0].message
    if severity:
        assert found[0].severity == severity
    return text, found[0]


def none_of(c: dict, code: str, path=None):
    _, findings = run(c, path)
    assert find(findings, code) == [], [(f.code, f.text) for f in find(findings, code)]


# --- adapters ---------------------------------------------------------------------------------------------


def test_lora_on_model_with_adapter():
    c = config({"l": lora()}, adapter_path="adapters/mine")
    text, f = only(c, "OLV380", "error")
    assert text_at(text, f) == '"LoRA"' and "already has an adapter" in f.detail
    del c["input_model"]["adapter_path"]
    none_of(c, "OLV380")
    # merged first: no adapter left
    none_of(config({"m": {"type": "MergeAdapterWeights"}, "l": lora()}, adapter_path="adapters/mine"), "OLV380")


def test_second_lora_without_merge():
    _text, f = only(config({"a": lora(), "b": lora()}), "OLV380")
    assert "pass 'a'" in f.message
    none_of(config({"a": lora(), "m": {"type": "MergeAdapterWeights"}, "b": lora()}), "OLV380")


def test_merge_without_adapter():
    text, f = only(config({"m": {"type": "MergeAdapterWeights"}}), "OLV381", "error")
    assert text_at(text, f) == '"MergeAdapterWeights"'
    none_of(config({"l": lora(), "m": {"type": "MergeAdapterWeights"}}), "OLV381")
    none_of(config({"m": {"type": "MergeAdapterWeights"}}, adapter_path="adapters/mine"), "OLV381")


def test_lora_task_without_peft_type():
    text, f = only(config({"l": lora()}, task="feature-extraction"), "OLV382", "error")
    assert text_at(text, f) == '"feature-extraction"'
    none_of(config({"l": lora()}, task="text-classification"), "OLV382")
    none_of(config({"l": lora()}, task="text-generation-with-past"), "OLV382")
    none_of(config({"l": lora()}), "OLV382")  # the default task


def test_lora_r_not_positive():
    text, f = only(config({"l": lora(r=0)}), "OLV383", "error")
    assert text_at(text, f) == "0" and "peft" in f.detail and "lora.py:516" in f.detail
    only(config({"q": {"type": "QLoRA", "train_data_config": "train", "r": -4}}), "OLV383")
    none_of(config({"l": lora(r=16)}), "OLV383")


def test_lora_torch_dtype():
    text, f = only(config({"l": lora(torch_dtype="bf16")}), "OLV384", "error")
    assert text_at(text, f) == '"bf16"' and f.fix["replace_value"] == ["bfloat16"]
    none_of(config({"l": lora(torch_dtype="bfloat16")}), "OLV384")


def test_lora_fp16_extra_arg():
    text, f = only(config({"l": lora(training_args={"extra_args": {"fp16": True}})}), "OLV385", "warning")
    assert text_at(text, f) == '"fp16"'
    only(config({"l": lora(training_args={"fp16": True})}), "OLV385")
    none_of(config({"l": lora(torch_dtype="float16", training_args={"max_steps": 10})}), "OLV385")


def test_lora_output_dir_not_empty(tmp_path):
    out = tmp_path / "train_out"
    out.mkdir()
    (out / "notes.txt").write_text("x")
    path = tmp_path / "config.json"
    c = config({"l": lora(training_args={"output_dir": "train_out"})})
    text, f = only(c, "OLV386", "warning", path=path)
    assert text_at(text, f) == '"train_out"'
    none_of(config({"l": lora(training_args={"output_dir": "train_out", "overwrite_output_dir": True})}), "OLV386", path=path)
    (out / "checkpoint-10").mkdir()
    none_of(c, "OLV386", path=path)
    none_of(config({"l": lora(training_args={"output_dir": "fresh"})}), "OLV386", path=path)


# --- SDLoRA -----------------------------------------------------------------------------------------------


def sd(**params) -> dict:
    c = config({"s": {"type": "SDLoRA", "train_data_config": "train", **params}})
    c["input_model"] = {"type": "DiffusersModel", "model_path": "stabilityai/stable-diffusion-2-1"}
    return c


def test_sdlora_prompts():
    text, f = only(sd(dreambooth=True), "OLV387", "error")
    assert text_at(text, f) == "true" and "instance_prompt" in f.message
    text, f = only(sd(with_prior_preservation=True, class_prompt="a dog"), "OLV387")
    assert "dreambooth" in f.message
    text, f = only(sd(dreambooth=True, instance_prompt="sks dog", with_prior_preservation=True), "OLV387")
    assert "class_prompt" in f.message
    none_of(sd(dreambooth=True, instance_prompt="sks dog", with_prior_preservation=True, class_prompt="a dog"), "OLV387")


def test_sdlora_no_bucketing_step():
    c = sd()
    c["data_configs"] = [
        {
            "name": "train",
            "type": "ImageDataContainer",
            "load_dataset_config": {"type": "image_folder_dataset", "params": {"data_dir": "images"}},
            "pre_process_data_config": {"type": "image_lora_preprocess", "params": {"steps": {"auto_caption": {}}}},
        }
    ]
    text, f = only(c, "OLV388", "error")
    assert text_at(text, f) == '"steps"'
    c["data_configs"][0]["pre_process_data_config"]["params"]["steps"]["aspect_ratio_bucketing"] = {}
    none_of(c, "OLV388")
    del c["data_configs"][0]["pre_process_data_config"]["params"]["steps"]
    none_of(c, "OLV388")


# --- SparseGPT, SelectiveMixedPrecision, CaptureLayerAnnotations ----------------------------------------


def test_sparsegpt_sparsity():
    text, f = only(config({"s": {"type": "SparseGPT", "sparsity": 1.5}}), "OLV389", "error")
    assert text_at(text, f) == "1.5"
    only(config({"s": {"type": "SparseGPT", "sparsity": [2, 4, 8]}}), "OLV389")
    none_of(config({"s": {"type": "SparseGPT", "sparsity": 0.5}}), "OLV389")
    none_of(config({"s": {"type": "SparseGPT", "sparsity": [2, 4]}}), "OLV389")


def test_sparsegpt_min_layer_negative():
    text, f = only(config({"s": {"type": "SparseGPT", "sparsity": 0.5, "min_layer": -2}}), "OLV390", "warning")
    assert text_at(text, f) == "-2"
    none_of(config({"s": {"type": "SparseGPT", "sparsity": 0.5, "min_layer": 2}}), "OLV390")


def test_selective_mixed_precision_ratio():
    text, f = only(config({"s": {"type": "SelectiveMixedPrecision", "algorithm": "snr"}}), "OLV391", "error")
    assert text_at(text, f) == '"snr"' and f.message.startswith("Olive will skip this pass")
    text, f = only(config({"s": {"type": "SelectiveMixedPrecision", "algorithm": "snr", "ratio": 1.5}}), "OLV391")
    assert text_at(text, f) == "1.5"
    none_of(config({"s": {"type": "SelectiveMixedPrecision", "algorithm": "snr", "ratio": 0.8}}), "OLV391")
    none_of(config({"s": {"type": "SelectiveMixedPrecision", "algorithm": "k_quant_mixed"}}), "OLV391")


def test_selective_mixed_precision_input():
    c = config({"s": {"type": "SelectiveMixedPrecision", "algorithm": "k_quant_mixed"}})
    c["input_model"] = {"type": "ONNXModel", "model_path": "model.onnx"}
    text, f = only(c, "OLV392", "error")
    assert text_at(text, f) == '"SelectiveMixedPrecision"'
    assert "the input ONNXModel" in f.message
    _, f = only(config({"b": {"type": "ModelBuilder", "precision": "int4"}, "s": {"type": "SelectiveMixedPrecision", "algorithm": "k_quant_mixed"}}), "OLV392")
    assert "an ONNX model" in f.message
    none_of(config({"s": {"type": "SelectiveMixedPrecision", "algorithm": "k_quant_mixed"}}), "OLV392")


def test_selective_mixed_precision_per_tensor():
    c = config({"s": {"type": "SelectiveMixedPrecision", "algorithm": "snr", "ratio": 0.8, "group_size": 0}})
    text, f = only(c, "OLV393", "warning")
    assert text_at(text, f) == "0"
    none_of(config({"s": {"type": "SelectiveMixedPrecision", "algorithm": "snr", "ratio": 0.8, "group_size": -1}}), "OLV393")
    none_of(config({"s": {"type": "SelectiveMixedPrecision", "algorithm": "k_quant_down", "group_size": 0}}), "OLV393")


def test_capture_layer_annotations_invalid():
    text, f = only(config({"c": {"type": "CaptureLayerAnnotations", "layer_annotations": {}}}), "OLV394", "error")
    assert text_at(text, f) == "{}"
    text, f = only(config({"c": {"type": "CaptureLayerAnnotations", "layer_annotations": {"attn": []}}}), "OLV394")
    assert text_at(text, f) == "[]"
    only(config({"c": {"type": "CaptureLayerAnnotations", "layer_annotations": {"attn": ["q", ""]}}}), "OLV394")
    none_of(config({"c": {"type": "CaptureLayerAnnotations", "layer_annotations": {"attn": ["q_proj"]}}}), "OLV394")


# --- CUDA-only quantizers ---------------------------------------------------------------------------------


def test_cuda_quantizer_on_cpu_host():
    c = config({"q": {"type": "AutoAWQQuantizer"}})
    text, f = only(c, "OLV395", "hint")
    assert text_at(text, f) == '"AutoAWQQuantizer"' and "AWQ" in f.message
    only(config({"q": {"type": "GptqQuantizer"}}), "OLV395")
    c["systems"]["local_system"]["accelerators"] = [{"device": "gpu", "execution_providers": ["CUDAExecutionProvider"]}]
    none_of(c, "OLV395")


# --- data -------------------------------------------------------------------------------------------------


def test_audio_pre_process_input_cols():
    c = config({"b": {"type": "ModelBuilder", "precision": "int4"}})
    c["data_configs"] = [
        {
            "name": "audio",
            "type": "HuggingfaceContainer",
            "load_dataset_config": {"data_name": "superb", "split": "test"},
            "pre_process_data_config": {"type": "audio_classification_pre_process", "input_cols": ["audio", "extra"], "label_col": "label"},
        }
    ]
    text, f = only(c, "OLV396", "warning")  # nothing uses it
    assert '"input_cols": [' in text.splitlines()[f.range.start.line]
    c["evaluators"] = {"e": {"metrics": [{"name": "acc", "type": "accuracy", "data_config": "audio", "sub_types": [{"name": "accuracy_score"}]}]}}
    c["evaluator"] = "e"
    only(c, "OLV396", "error")
    c["data_configs"][0]["pre_process_data_config"]["input_cols"] = ["audio"]
    none_of(c, "OLV396")


# --- training_args keys transformers does not have (OLV592) ------------------------------------------------------


def test_olv592_training_arg_not_a_field():
    c = config({"l": lora(training_args={"max_steps": 2, "learning_ratee": 0.1, "extra_args": {"bogus_arg": 1}})})
    text, findings = run(c)
    found = find(findings, "OLV592")
    assert sorted(text_at(text, f) for f in found) == ['"bogus_arg"', '"learning_ratee"'], [(f.code, f.text) for f in findings]
    typo = next(f for f in found if "learning_ratee" in f.message)
    assert "not a transformers.TrainingArguments field" in typo.message and typo.fix["replace_key"][0] == "learning_rate"
    assert "train_utils.py:62-72" in typo.detail and typo.severity == "warning"
    none_of(config({"l": lora(training_args={"max_steps": 2, "learning_rate": 0.1, "extra_args": {"seed": 1}})}), "OLV592")
