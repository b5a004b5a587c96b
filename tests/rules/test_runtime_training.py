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

from olive_ls.rules.runtime_training import hadamard_size_ok

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


# --- what the model's config.json decides (OLV483-OLV485, OLV488) ----------------------------------------------

LLAMA = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 576, "num_attention_heads": 9, "intermediate_size": 1536}


def model_folder(tmp_path: Path, config_json: dict) -> None:
    (tmp_path / "model").mkdir(exist_ok=True)
    (tmp_path / "model" / "config.json").write_text(json.dumps(config_json))


def on_disk(tmp_path: Path, passes: dict, config_json: dict, **model) -> dict:
    model_folder(tmp_path, config_json)
    return config(passes, model_path="model", **model)


def env_run(tmp_path: Path, c: dict, env_checks=True):
    text = json.dumps(c, indent=2)
    return text, check(text, path=tmp_path / "workflow.json", env_checks=env_checks)


def env_only(tmp_path, c, code, severity=None):
    text, findings = env_run(tmp_path, c)
    found = find(findings, code)
    assert len(found) == 1, [(f.code, f.text) for f in findings]
    assert len(found[0].message) <= 120, found[0].message
    if severity:
        assert found[0].severity == severity
    return text, found[0]


def env_none(tmp_path, c, code, env_checks=True):
    _, findings = env_run(tmp_path, c, env_checks)
    assert find(findings, code) == [], [(f.code, f.text) for f in find(findings, code)]


def test_olv483_group_size_not_dividing_the_hidden_size(tmp_path):
    c = on_disk(tmp_path, {"k": {"type": "KQuant", "group_size": 128}}, LLAMA)
    text, f = env_only(tmp_path, c, "OLV483", "error")
    assert text_at(text, f) == "128" and "hidden_size 576 is not divisible by group_size 128" in f.message
    assert "kquant.py:171-173" in f.detail and f.fix["replace_value"] == [-1, 64, 32, 16]
    c["passes"]["k"]["group_size"] = 64
    env_none(tmp_path, c, "OLV483")
    c["passes"]["k"]["group_size"] = -1
    env_none(tmp_path, c, "OLV483")
    # AutoClip's default group_size is 128: the finding is on the pass type; intermediate_size counts too.
    c = on_disk(tmp_path, {"a": {"type": "AutoClip"}}, {**LLAMA, "hidden_size": 1024, "intermediate_size": 2816 + 32})
    text, f = env_only(tmp_path, c, "OLV483")
    assert text_at(text, f) == '"AutoClip"' and "intermediate_size 2848" in f.message and "autoclip.py:177-179" in f.detail
    # Overrides, an earlier SelectiveMixedPrecision, a MoE model's intermediate_size, --no-env: not claimed.
    c = on_disk(tmp_path, {"k": {"type": "KQuant", "group_size": 128, "overrides": {"lm_head": {"group_size": 32}}}}, LLAMA)
    env_none(tmp_path, c, "OLV483")
    c = on_disk(tmp_path, {"s": {"type": "SelectiveMixedPrecision", "algorithm": "k_quant_mixed"}, "k": {"type": "KQuant", "group_size": 128}}, LLAMA)
    env_none(tmp_path, c, "OLV483")
    c = on_disk(tmp_path, {"a": {"type": "AutoClip"}}, {**LLAMA, "hidden_size": 1024, "intermediate_size": 100, "num_experts": 8})
    env_none(tmp_path, c, "OLV483")
    env_none(tmp_path, on_disk(tmp_path, {"k": {"type": "KQuant", "group_size": 128}}, LLAMA), "OLV483", env_checks=False)


def test_olv484_rotate_on_a_layernorm_model(tmp_path):
    c = on_disk(tmp_path, {"r": {"type": "QuaRot"}}, {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "n_embd": 64})
    text, f = env_only(tmp_path, c, "OLV484", "error")
    assert text_at(text, f) == '"QuaRot"' and "ValueError" in f.message and "LayerNorm" in f.message and "rotate.py:202" in f.detail
    c = on_disk(tmp_path, {"r": {"type": "SpinQuant"}}, {"architectures": ["OPTForCausalLM"], "model_type": "opt"})
    text, f = env_only(tmp_path, c, "OLV484")
    assert "AttributeError" in f.message and "ModelWrapper" in f.detail
    env_none(tmp_path, on_disk(tmp_path, {"r": {"type": "QuaRot"}}, {**LLAMA, "hidden_size": 2048, "num_attention_heads": 32}), "OLV484")


def test_olv485_hadamard_size(tmp_path):
    assert [n for n in (576, 896, 960, 1536, 2048, 3072, 3584, 4096, 5120, 64, 128) if not hadamard_size_ok(n)] == []
    assert [n for n in (100, 344 * 3, 1000, 172 * 3) if hadamard_size_ok(n)] == []
    c = on_disk(tmp_path, {"r": {"type": "QuaRot"}}, {**LLAMA, "hidden_size": 1000, "num_attention_heads": 8})
    text, f = env_only(tmp_path, c, "OLV485", "error")
    assert text_at(text, f) == '"QuaRot"' and "hidden_size 1000" in f.message and "AssertionError" in f.message
    assert "head_dim 125" in f.detail and f.fix is None
    c["passes"]["r"]["rotate_mode"] = "hadamard"
    text, f = env_only(tmp_path, c, "OLV485")
    assert text_at(text, f) == '"hadamard"' and f.fix["replace_value"] == ["random"]
    c["passes"]["r"]["rotate_mode"] = "random"
    env_none(tmp_path, c, "OLV485")
    env_none(tmp_path, on_disk(tmp_path, {"r": {"type": "SpinQuant"}}, {**LLAMA, "hidden_size": 2048, "num_attention_heads": 32}), "OLV485")


def test_olv488_gradient_checkpointing_unsupported(tmp_path):
    xlnet = {"architectures": ["XLNetLMHeadModel"], "model_type": "xlnet"}
    c = on_disk(tmp_path, {"l": lora(target_modules=["q"], training_args={"gradient_checkpointing": True})}, xlnet)
    text, f = env_only(tmp_path, c, "OLV488", "warning")
    assert text_at(text, f) == "true" and "without gradient checkpointing" in f.message and "train_utils.py:156-161" in f.detail
    c["passes"]["l"]["training_args"]["gradient_checkpointing"] = False
    env_none(tmp_path, c, "OLV488")
    # Left to its default (true) Olive's warning is no mistake of the config; a model that supports it: none.
    env_none(tmp_path, on_disk(tmp_path, {"l": lora(target_modules=["q"])}, xlnet), "OLV488")
    env_none(tmp_path, on_disk(tmp_path, {"l": lora(training_args={"gradient_checkpointing": True})}, LLAMA), "OLV488")


# --- CaptureSplitInfo and a PyTorchModel's calibration data (OLV486, OLV487, OLV489) ---------------------------

PYTORCH = {"type": "PyTorchModel", "model_script": "user_script.py", "model_loader": "load_model"}


def pytorch(passes: dict) -> dict:
    c = config(passes)
    c["input_model"] = dict(PYTORCH)
    return c


def test_olv486_capture_split_block_not_inferable():
    c = pytorch({"s": {"type": "CaptureSplitInfo", "num_splits": 2}})
    text, f = only(c, "OLV486", "error")
    assert text_at(text, f) == '"CaptureSplitInfo"' and "block_to_split" in f.message and f.fix["add_keys"] == ["block_to_split"]
    c["passes"]["s"]["block_to_split"] = ""
    none_of(c, "OLV486")
    c["passes"]["s"]["block_to_split"] = "model.layers"
    none_of(c, "OLV486")
    none_of(config({"s": {"type": "CaptureSplitInfo", "num_splits": 2}}), "OLV486")


def test_olv487_capture_split_num_splits_not_positive():
    c = config({"s": {"type": "CaptureSplitInfo", "num_splits": 0}})
    text, f = only(c, "OLV487", "error")
    assert text_at(text, f) == "0" and "num_splits 0" in f.message and "One of num_splits or cost_model" in f.detail
    c["passes"]["s"]["num_splits"] = -2
    text, f = only(c, "OLV487")
    assert text_at(text, f) == "-2" and "larger than 0" in f.detail
    c["passes"]["s"]["num_splits"] = 2
    none_of(c, "OLV487")
    none_of(config({"s": {"type": "CaptureSplitInfo", "num_splits": 0, "cost_model": "cost.csv"}}), "OLV487")


def test_olv489_pytorch_model_calibration_needs_data_config():
    c = pytorch({"g": {"type": "GptqModel"}})
    text, f = only(c, "OLV489", "error")
    assert text_at(text, f) == '"GptqModel"' and "data_config" in f.message and f.fix["values"] == {"data_config": "train"}
    c["passes"]["g"]["data_config"] = "train"
    none_of(c, "OLV489")
    none_of(config({"g": {"type": "GptqModel"}}), "OLV489")  # an HfModel gets wikitext
