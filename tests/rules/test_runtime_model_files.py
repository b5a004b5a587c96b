"""OLV570-OLV580 (and ModelBuilder/MobiusBuilder's OLV590-OLV591): what the input model's own files (config.json, transformer/config.json) decide at run time.

Each case: a model folder with a config.json beside the config, the finding on the value at fault with what Olive
will do, and the corrected folder or config with no finding of that code. The rules read files, so they run with
environment checks on only; tests/rules/test_runtime_model_files_slow.py shows Olive (and genai) doing it.
"""

from __future__ import annotations

import copy
import json

import pytest
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import find, on_disk, one_on_disk, text_at
from olive_ls.environment import Environment

LLAMA = {"architectures": ["LlamaForCausalLM"], "model_type": "llama"}
CPU = {"local": {"type": "LocalSystem", "accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}]}}
DATA = [{"name": "train", "type": "HuggingfaceContainer", "load_dataset_config": {"data_name": "imdb", "split": "train"}}]
GENAI = Environment(python="/opt/venv/bin/python", distributions={"onnxruntime-genai": "0.14.1", "olive-ai": "0.13.0"})


def folder(tmp_path: Path, config: dict, name: str = "model") -> Path:
    path = tmp_path / name
    path.mkdir(parents=True, exist_ok=True)
    (path / "config.json").write_text(json.dumps(config))
    return path


def workflow(passes: dict, model_path: str = "model", **model) -> dict:
    return {
        "input_model": {"type": "HfModel", "model_path": model_path, **model},
        "systems": copy.deepcopy(CPU),
        "host": "local",
        "target": "local",
        "data_configs": copy.deepcopy(DATA),
        "passes": passes,
        "output_dir": "out",
    }


def none_of(tmp_path, config, code, environment=None, env_checks=True):
    _, findings = on_disk(tmp_path, config, environment, env_checks)
    assert find(findings, code) == [], [(f.code, f.text) for f in find(findings, code)]


BUILDER = {"b": {"type": "ModelBuilder", "precision": "int4"}}


# --- ModelBuilder and genai's architectures (OLV570, OLV571) -------------------------------------------------------


def test_olv570_architecture_genai_does_not_build(tmp_path):
    folder(tmp_path, {"architectures": ["LlamaForCausalLMX"], "model_type": "llama"})
    text, f = one_on_disk(tmp_path, workflow(BUILDER), "OLV570")
    assert text_at(text, f) == '"model"'
    assert "does not build LlamaForCausalLMX" in f.message and "NotImplementedError" in f.message
    assert "LlamaForCausalLM" in f.message  # did you mean
    assert f.severity == "warning" and "builder.py:215-332" in f.detail
    _, f = one_on_disk(tmp_path, workflow(BUILDER), "OLV570", environment=GENAI)
    assert f.severity == "error"
    folder(tmp_path, LLAMA)
    none_of(tmp_path, workflow(BUILDER), "OLV570")


def test_olv570_without_architectures_and_not_for_metadata_only_or_no_env(tmp_path):
    folder(tmp_path, {"model_type": "llama"})
    _, f = one_on_disk(tmp_path, workflow(BUILDER), "OLV570")
    assert "no architectures" in f.message
    folder(tmp_path, {"architectures": ["FooForCausalLM"]})
    none_of(tmp_path, workflow({"b": {"type": "ModelBuilder", "precision": "int4", "metadata_only": True}}), "OLV570")
    none_of(tmp_path, workflow(BUILDER), "OLV570", env_checks=False)
    none_of(tmp_path, workflow(BUILDER, model_path="org/not-on-this-disk"), "OLV570")


def test_olv570_hub_id_read_from_the_local_hf_cache(tmp_path):
    from olive_ls.machine import (
        GB,
        DiskInfo,
        HfCacheInfo,
        Machine,
        MemoryInfo,
        NvidiaInfo,
        use_machine,
    )
    from olive_ls.machine.hf_cache import repo_folder

    hub = tmp_path / "hub"
    repo = repo_folder(hub, "org/foo")
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text("abc123")
    folder(repo / "snapshots", {"architectures": ["FooForCausalLM"]}, "abc123")
    described = Machine(system="Linux", nvidia=NvidiaInfo(), memory=MemoryInfo(64 * GB, 48 * GB, "test"),
                        hf=HfCacheInfo(hub_dir=str(hub), home=str(tmp_path), source="HF_HOME"),
                        disks={"": DiskInfo("/", 1000 * GB, 500 * GB, 1)}, provider_probes={})
    with use_machine(described):
        text, f = one_on_disk(tmp_path, workflow(BUILDER, model_path="org/foo"), "OLV570")
        assert text_at(text, f) == '"org/foo"' and "cached snapshot abc123" in f.detail
        none_of(tmp_path, workflow(BUILDER, model_path="org/bar"), "OLV570")


def test_olv570_phi3_condition_needs_both_keys(tmp_path):
    # PhiMoE's only branch needs max_position_embeddings != original_max_position_embeddings.
    folder(tmp_path, {"architectures": ["PhiMoEForCausalLM"], "max_position_embeddings": 4096, "original_max_position_embeddings": 4096})
    one_on_disk(tmp_path, workflow(BUILDER), "OLV570")
    folder(tmp_path, {"architectures": ["PhiMoEForCausalLM"], "max_position_embeddings": 4096})
    none_of(tmp_path, workflow(BUILDER), "OLV570")  # not certain: the missing key has a default in transformers


def test_olv571_vision_model_exclude_embeds_false(tmp_path):
    folder(tmp_path, {"architectures": ["Phi4MMForCausalLM"], "model_type": "phi4mm"})
    passes = {"b": {"type": "ModelBuilder", "precision": "int4", "extra_options": {"exclude_embeds": False}}}
    text, f = one_on_disk(tmp_path, workflow(passes), "OLV571")
    assert text_at(text, f) == "false" and "only the text part" in f.message
    none_of(tmp_path, workflow(BUILDER), "OLV571")


def test_olv571_phimoe_forces_cuda_and_int4(tmp_path):
    folder(tmp_path, {"architectures": ["PhiMoEForCausalLM"], "max_position_embeddings": 131072, "original_max_position_embeddings": 4096})
    text, findings = on_disk(tmp_path, workflow({"b": {"type": "ModelBuilder", "precision": "fp16"}}))
    found = find(findings, "OLV571")
    assert sorted(text_at(text, f) for f in found) == ['"fp16"', '"model"']
    assert any("for CUDA, not CPUExecutionProvider" in f.message for f in found)
    assert any("int4 weights" in f.message for f in found)
    config = workflow(BUILDER)
    config["systems"]["local"]["accelerators"] = [{"device": "gpu", "execution_providers": ["CUDAExecutionProvider"]}]
    none_of(tmp_path, config, "OLV571")


# --- OnnxDiscrepancyCheck (OLV572) ------------------------------------------------------------------------------


def test_olv572_reference_model_not_causal_lm(tmp_path):
    folder(tmp_path, {"architectures": ["BertForMaskedLM"], "model_type": "bert"}, "bert")
    passes = {"c": {"type": "OnnxConversion"}, "d": {"type": "OnnxDiscrepancyCheck", "reference_model_path": "bert"}}
    folder(tmp_path, LLAMA)
    text, f = one_on_disk(tmp_path, workflow(passes), "OLV572")
    assert text_at(text, f) == '"bert"' and "not a causal LM (BertForMaskedLM)" in f.message
    passes["d"]["reference_model_path"] = "model"
    none_of(tmp_path, workflow(passes), "OLV572")


# --- quantized models (OLV573, OLV576, OLV579) -----------------------------------------------------------------


def test_olv573_gptq_on_quantized_model(tmp_path):
    folder(tmp_path, {**LLAMA, "quantization_config": {"quant_method": "gptq", "bits": 4}})
    text, f = one_on_disk(tmp_path, workflow({"q": {"type": "Gptq"}}), "OLV573")
    assert text_at(text, f) == '"Gptq"' and "already quantized" in f.message and f.severity == "error"
    assert "Cannot quantize again" in f.detail
    _, f = one_on_disk(tmp_path, workflow({"q": {"type": "Rtn"}}), "OLV573")
    assert "not compatible with this pass" in f.detail
    folder(tmp_path, {**LLAMA, "quantization_config": {"quant_method": "olive", "bits": 4}})
    none_of(tmp_path, workflow({"q": {"type": "Rtn"}}), "OLV573")  # Rtn and KQuant take Olive's own
    one_on_disk(tmp_path, workflow({"q": {"type": "Gptq"}}), "OLV573")
    folder(tmp_path, LLAMA)
    none_of(tmp_path, workflow({"q": {"type": "Gptq"}}), "OLV573")


def test_olv576_qlora_on_quantized_model(tmp_path):
    folder(tmp_path, {**LLAMA, "quantization_config": {"quant_method": "bitsandbytes", "load_in_4bit": True}})
    text, f = one_on_disk(tmp_path, workflow({"q": {"type": "QLoRA", "train_data_config": "train"}}), "OLV576")
    assert text_at(text, f) == '"QLoRA"' and "already quantized" in f.message
    folder(tmp_path, LLAMA)
    none_of(tmp_path, workflow({"q": {"type": "QLoRA", "train_data_config": "train"}}), "OLV576")


def test_olv579_load_kwargs_quantization_config_ignored(tmp_path):
    folder(tmp_path, {**LLAMA, "quantization_config": {"quant_method": "gptq", "bits": 4}})
    kwargs = {"load_kwargs": {"quantization_method": "bitsandbytes", "quantization_config": {"load_in_4bit": True}}}
    text, f = one_on_disk(tmp_path, workflow({"c": {"type": "OnnxConversion"}}, **kwargs), "OLV579")
    assert text_at(text, f) == '"quantization_config"' and "not quantize with this quantization_config" in f.message
    folder(tmp_path, LLAMA)
    none_of(tmp_path, workflow({"c": {"type": "OnnxConversion"}}, **kwargs), "OLV579")


# --- model_type (OLV574, OLV575, OLV580) ------------------------------------------------------------------------


def test_olv574_sparsegpt_model_type(tmp_path):
    folder(tmp_path, {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2"})
    passes = {"s": {"type": "SparseGPT", "data_config": "train"}}
    text, f = one_on_disk(tmp_path, workflow(passes), "OLV574")
    assert text_at(text, f) == '"SparseGPT"' and "model type 'qwen2'" in f.message
    folder(tmp_path, LLAMA)
    none_of(tmp_path, workflow(passes), "OLV574")


def test_olv575_lora_model_type_unknown_to_peft(tmp_path):
    folder(tmp_path, {"architectures": ["SmolLM3ForCausalLM"], "model_type": "smollm3"})
    passes = {"l": {"type": "LoRA", "train_data_config": "train"}}
    text, f = one_on_disk(tmp_path, workflow(passes), "OLV575")
    assert text_at(text, f) == '"LoRA"' and "model type 'smollm3'" in f.message and f.severity == "warning"
    passes["l"]["target_modules"] = ["q_proj", "v_proj"]
    none_of(tmp_path, workflow(passes), "OLV575")
    folder(tmp_path, LLAMA)
    none_of(tmp_path, workflow({"l": {"type": "LoRA", "train_data_config": "train"}}), "OLV575")


def test_olv580_target_modules_not_in_model(tmp_path):
    folder(tmp_path, LLAMA)
    passes = {"l": {"type": "LoRA", "train_data_config": "train", "target_modules": ["c_attn"]}}
    text, f = one_on_disk(tmp_path, workflow(passes), "OLV580")
    assert text.splitlines()[f.range.start.line][f.range.start.character] == "[" and "no module of a llama model is named c_attn" in f.message
    assert "q_proj" in f.detail and f.fix["replace_value"] == [["q_proj", "v_proj"]]
    for good in (["q_proj", "c_attn"], ["self_attn.q_proj"], ["layers.3.mlp.down_proj"]):
        passes["l"]["target_modules"] = good
        none_of(tmp_path, workflow(passes), "OLV580")


# --- SDLoRA on Flux (OLV577, OLV578) ----------------------------------------------------------------------------


def _sdlora(tmp_path, variant=None, precision="fp16"):
    sd = {"type": "SDLoRA", "train_data_config": "train", "training_args": {"mixed_precision": precision}}
    if variant:
        sd["model_variant"] = variant
    config = workflow({"s": sd})
    config["input_model"] = {"type": "DiffusersModel", "model_path": "flux"}
    return config


def test_olv577_flux_variant_with_fp16(tmp_path):
    text, f = one_on_disk(tmp_path, _sdlora(tmp_path, "flux"), "OLV577")
    assert text_at(text, f) == '"fp16"' and "bf16, not fp16" in f.message
    none_of(tmp_path, _sdlora(tmp_path, "flux", "bf16"), "OLV577")
    none_of(tmp_path, _sdlora(tmp_path, "sdxl"), "OLV577")


def test_olv578_detected_flux_with_fp16(tmp_path):
    (tmp_path / "flux" / "transformer").mkdir(parents=True)
    (tmp_path / "flux" / "transformer" / "config.json").write_text(json.dumps({"_class_name": "FluxTransformer2DModel"}))
    text, f = one_on_disk(tmp_path, _sdlora(tmp_path), "OLV578")
    assert text_at(text, f) == '"fp16"' and "FluxTransformer2DModel" in f.detail
    none_of(tmp_path, _sdlora(tmp_path, precision="bf16"), "OLV578")
    (tmp_path / "flux" / "transformer" / "config.json").write_text(json.dumps({"_class_name": "SD3Transformer2DModel"}))
    none_of(tmp_path, _sdlora(tmp_path), "OLV578")


# --- genai's genai_config.json search keys, MobiusBuilder's EP (OLV590, OLV591: runtime_model_builder) ----------


def test_olv590_genai_search_key(tmp_path):
    passes = {"b": {"type": "ModelBuilder", "precision": "int4", "search": {"max_len": 32, "top_k": 5}}}
    text, f = one_on_disk(tmp_path, workflow(passes), "OLV590", )
    assert text_at(text, f) == '"max_len"' and "no search key 'max_len'" in f.message and f.severity == "warning"
    assert f.fix["replace_key"][0] == "max_length" and "Unknown value" in f.detail
    passes["b"]["search"] = {"max_length": 32, "top_k": 5, "random_seed": 1}
    none_of(tmp_path, workflow(passes), "OLV590", env_checks=False)


def test_olv591_mobius_default_ep(tmp_path):
    config = workflow({"m": {"type": "MobiusBuilder"}})
    config["systems"]["local"]["accelerators"] = [{"device": "gpu", "execution_providers": ["TensorrtExecutionProvider"]}]
    text, f = one_on_disk(tmp_path, config, "OLV591")
    assert text_at(text, f) == '"MobiusBuilder"' and "TensorrtExecutionProvider has no mobius EP" in f.message
    config["systems"]["local"]["accelerators"] = [{"device": "gpu", "execution_providers": ["CUDAExecutionProvider"]}]
    none_of(tmp_path, config, "OLV591", env_checks=False)


def test_every_code_of_the_family_is_tested_here():
    source = Path(__file__).read_text()
    from olive_ls.rules.registry import load_rules

    mine = sorted(c for c, r in load_rules().items() if r.family == "runtime_model_files" or "OLV590" <= c <= "OLV591")
    assert mine and all(c.lower() in source for c in mine), [c for c in mine if c.lower() not in source]


# --- OLV583: which .onnx file an ONNXModel folder opens ---------------------------------------------------------


def onnx_workflow(**model) -> dict:
    c = workflow({"p": {"type": "OnnxPeepholeOptimizer"}})
    c["input_model"] = {"type": "ONNXModel", "model_path": "onnx", **model}
    return c


def onnx_folder(tmp_path: Path, *names: str) -> Path:
    path = tmp_path / "onnx"
    path.mkdir()
    for name in names:
        (path / name).write_bytes(b"")
    return path


def test_olv583_onnx_folder_file_name_missing(tmp_path):
    onnx_folder(tmp_path, "model.onnx", "decoder.onnx")
    text, f = one_on_disk(tmp_path, onnx_workflow(onnx_file_name="modle.onnx"), "OLV583")
    assert text_at(text, f) == '"modle.onnx"' and f.severity == "error" and "AssertionError" in f.message
    assert "onnx_utils.py:44-46" in f.detail and f.fix["replace_value"][0] == "model.onnx"
    none_of(tmp_path, onnx_workflow(onnx_file_name="model.onnx"), "OLV583")


def test_olv583_onnx_folder_several_files(tmp_path):
    onnx_folder(tmp_path, "model.onnx", "decoder.onnx")
    text, f = one_on_disk(tmp_path, onnx_workflow(), "OLV583")
    assert text_at(text, f) == '"onnx"' and "needs onnx_file_name" in f.message and "2 .onnx files" in f.message
    assert f.fix["values"] == {"onnx_file_name": "decoder.onnx"}
    none_of(tmp_path, onnx_workflow(onnx_file_name="decoder.onnx"), "OLV583")
    none_of(tmp_path, onnx_workflow(), "OLV583", env_checks=False)


def test_olv583_onnx_folder_one_or_no_file(tmp_path):
    onnx_folder(tmp_path)
    _, f = one_on_disk(tmp_path, onnx_workflow(), "OLV583")
    assert "no .onnx file" in f.message
    (tmp_path / "onnx" / "model.onnx").write_bytes(b"")
    none_of(tmp_path, onnx_workflow(), "OLV583")


# --- OLV584: a KV cache sized from config.json -------------------------------------------------------------------

IO = {"input_names": ["input_ids"], "input_shapes": [[1, 8]], "output_names": ["logits"]}
CONVERT = {"c": {"type": "OnnxConversion"}}


def test_olv584_kv_cache_sizes_missing(tmp_path):
    folder(tmp_path, {"model_type": "llava", "text_config": {"hidden_size": 64}})
    text, f = one_on_disk(tmp_path, workflow(CONVERT, io_config={**IO, "kv_cache": True}), "OLV584")
    assert text_at(text, f) == "true" and f.severity == "warning" and "num_hidden_layers, num_attention_heads, hidden_size" in f.message
    assert "io_config.py:159-185" in f.detail and "n_layer" in f.detail
    # the default task text-generation-with-past builds the cache too: the finding goes on io_config's key
    text, f = one_on_disk(tmp_path, workflow(CONVERT, io_config=IO), "OLV584")
    assert text_at(text, f) == '"io_config"' and "text-generation-with-past" in f.detail
    none_of(tmp_path, workflow(CONVERT, io_config=IO, task="text-classification"), "OLV584")
    sizes = {"num_hidden_layers": 2, "num_attention_heads": 4, "hidden_size": 64}
    none_of(tmp_path, workflow(CONVERT, io_config={**IO, "kv_cache": sizes}), "OLV584")
    none_of(tmp_path, workflow(CONVERT, io_config=IO, model_attributes=sizes), "OLV584")


def test_olv584_kv_cache_sizes_by_alias(tmp_path):
    folder(tmp_path, {"model_type": "gpt2", "n_layer": 2, "n_head": 4, "n_embd": 64})
    none_of(tmp_path, workflow(CONVERT, io_config={**IO, "kv_cache": True}), "OLV584")
    folder(tmp_path, {"model_type": "gpt2", "n_layer": 2, "n_embd": 64})
    _, f = one_on_disk(tmp_path, workflow(CONVERT, io_config={**IO, "kv_cache": True}), "OLV584")
    assert "no num_attention_heads (KV cache)" in f.message


def test_olv584_kv_cache_aliases_are_olives():
    import yaml

    olive = pytest.importorskip("olive")
    aliases = yaml.safe_load((Path(olive.__file__).parent / "assets" / "io_configs" / "defaults.yaml").read_text())["aliases"]
    from olive_ls.rules.runtime_model_files import KV_CACHE_SIZE_ALIASES

    for name, aliased in KV_CACHE_SIZE_ALIASES.values():
        assert tuple(aliases[name]) == aliased
