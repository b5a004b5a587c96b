"""OLV413-OLV422: run-time decisions of the search, ModelBuilder/genai, ONNX quantization and ONNX conversion passes
(rows P005, P014, P026, P030, P064, P067, P069, P104, P105, P112 of docs/olive-runtime-checks.md).

Each case: a minimal config (with a model folder beside it where the rule reads the model's files), the finding on
the value at fault with what Olive will do, and the corrected config with no finding of that code.
tests/rules/test_runtime_onnx_more_slow.py shows Olive (and genai, onnxruntime) doing it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import check, find, none_of, on_disk, one_on_disk, only, run, text_at  # noqa: E402
from diagnostic_helpers import tiny_with as config  # noqa: E402
from olive_ls.environment import Environment  # noqa: E402

RTX = {"device": "gpu", "execution_providers": ["NvTensorRTRTXExecutionProvider"]}
CUDA = {"device": "gpu", "execution_providers": ["CUDAExecutionProvider"]}
CPU = {"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}
GENAI = Environment(python="/opt/venv/bin/python", distributions={"onnxruntime-genai": "0.14.1", "olive-ai": "0.13.0"})
LLAMA = {"architectures": ["LlamaForCausalLM"], "model_type": "llama"}


def builder(accelerator, **params) -> dict:
    return config({"b": {"type": "ModelBuilder", **params}}, accelerator)


def disk_none(tmp_path, c, code):
    _, findings = on_disk(tmp_path, c)
    assert find(findings, code) == [], [(f.code, f.text) for f in find(findings, code)]


def model_folder(tmp_path: Path, name: str, files: dict) -> str:
    for relative, content in files.items():
        path = tmp_path / name / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))
    return name


# --- OLV413 (P005) ------------------------------------------------------------------------------------------------

CATEGORICAL = {"olive_parameter_type": "SearchParameter", "type": "Categorical", "support": [True, False]}
CONDITIONAL = {
    "olive_parameter_type": "SearchParameter",
    "type": "Conditional",
    "parents": ["reduce_range"],
    "support": {"true": CATEGORICAL},
    "default": {"olive_parameter_type": "SearchParameter", "type": "Categorical", "support": [False]},
}


def quantize(**params) -> dict:
    return config({"b": {"type": "ModelBuilder", "precision": "fp32"}, "q": {"type": "OnnxDynamicQuantization", **params}})


def test_olv413_conditional_written_in_a_config():
    text, findings = run(quantize(per_channel=CONDITIONAL))
    f = only(findings, "OLV413")
    assert f.severity == "error" and "parents must be a tuple" in f.message and "Conditional" in f.message
    line = text.splitlines()[f.range.start.line]
    assert line.strip().startswith("[") or '"parents"' in line or "reduce_range" in line
    none_of(quantize(per_channel=CATEGORICAL), "OLV413")
    none_of(quantize(per_channel=True), "OLV413")


# --- OLV414 (P014), OLV415 (P026) -----------------------------------------------------------------------------------


def test_olv414_use_qdq_false_is_forced_true_for_nvtensorrtrtx():
    for c in (builder(RTX, precision="int4", use_qdq=False), builder(RTX, precision="int4", extra_options={"use_qdq": False})):
        text, findings = run(c)
        f = only(findings, "OLV414")
        assert text_at(text, f) == "false" and f.severity == "warning" and "use_qdq true" in f.message
    none_of(builder(RTX, precision="int4"), "OLV414")  # left to genai: its design, not a mistake
    none_of(builder(CUDA, precision="int4", use_qdq=False), "OLV414")


def test_olv415_qmoe_block_size_on_an_ep_without_blockwise_qmoe():
    text, findings = run(builder(CUDA, precision="int4", extra_options={"qmoe_block_size": 64}))
    f = only(findings, "OLV415")
    assert text_at(text, f) == '"qmoe_block_size"' and "'cuda'" in f.message and f.severity == "warning"
    # With the genai version the facts come from confirmed, an error.
    text = json.dumps(builder(CUDA, precision="int4", extra_options={"qmoe_block_size": 64}), indent=2)
    assert only(check(text, environment=GENAI), "OLV415").severity == "error"
    none_of(builder(CPU, precision="int4", extra_options={"qmoe_block_size": 64}), "OLV415")
    none_of(builder(RTX, precision="int4", extra_options={"qmoe_block_size": 64}), "OLV415")  # genai's trt-rtx
    none_of(builder(CUDA, precision="fp16", extra_options={"qmoe_block_size": 64}), "OLV415")  # MoE, not QMoE
    none_of(builder(CUDA, precision="int4", int4_is_symmetric=False, extra_options={"qmoe_block_size": 64}), "OLV415")
    none_of(builder(CUDA, precision="int4"), "OLV415")


# --- OLV416 (P064) -----------------------------------------------------------------------------------------------


def test_olv416_op_type_both_quantized_and_excluded():
    text, findings = run(quantize(op_types_to_quantize=["MatMul", "Gather"], op_types_to_exclude=["Gather", "Conv"]))
    f = only(findings, "OLV416")
    assert text_at(text, f) == '"Gather"' and f.severity == "warning" and "will not quantize Gather" in f.message
    none_of(quantize(op_types_to_quantize=["MatMul"], op_types_to_exclude=["Gather"]), "OLV416")
    none_of(quantize(op_types_to_exclude=["Gather"]), "OLV416")


# --- OLV417, OLV418 (P067, P069) ------------------------------------------------------------------------------------

BNB8 = {"quant_method": "bitsandbytes", "load_in_8bit": True, "load_in_4bit": False}
BNB4_DOUBLE = {"quant_method": "bitsandbytes", "load_in_4bit": True, "bnb_4bit_quant_type": "nf4", "bnb_4bit_use_double_quant": True}


def bnb(tmp_path, quantization_config, **params) -> dict:
    path = model_folder(tmp_path, "model", {"config.json": {**LLAMA, "quantization_config": quantization_config}})
    return config(
        {"c": {"type": "OnnxConversion"}, "q": {"type": "OnnxBnb4Quantization", **params}},
        CPU, {"type": "HfModel", "model_path": path},
    )


def test_olv417_bnb4_on_an_8bit_model(tmp_path):
    text, f = one_on_disk(tmp_path, bnb(tmp_path, BNB8), "OLV417")
    assert text_at(text, f) == '"OnnxBnb4Quantization"' and f.severity == "error" and "load_in_8bit" in f.message
    assert f.fix["values"] == {"precision": "nf4"}
    disk_none(tmp_path, bnb(tmp_path, BNB8, precision="nf4"), "OLV417")
    disk_none(tmp_path, bnb(tmp_path, BNB4_DOUBLE), "OLV417")
    # model_attributes written in the config override config.json's.
    c = bnb(tmp_path, BNB4_DOUBLE)
    c["input_model"]["model_attributes"] = {"quantization_config": BNB8}
    one_on_disk(tmp_path, c, "OLV417")


def test_olv418_bnb4_double_quant_ignored(tmp_path):
    text, f = one_on_disk(tmp_path, bnb(tmp_path, BNB4_DOUBLE), "OLV418")
    assert f.severity == "information" and "double-quantize" in f.message
    disk_none(tmp_path, bnb(tmp_path, {**BNB4_DOUBLE, "bnb_4bit_use_double_quant": False}), "OLV418")
    disk_none(tmp_path, bnb(tmp_path, BNB4_DOUBLE, precision="nf4"), "OLV418")
    none_of(bnb(tmp_path, BNB4_DOUBLE), "OLV418")  # --no-env: the model's files are not read


# --- OLV419 (P104) ------------------------------------------------------------------------------------------------

DISTRIBUTED = {"type": "DistributedHfModel", "model_path": "ranks", "model_name_pattern": "model_{:02d}", "num_ranks": 2}


def distributed(**model) -> dict:
    return config({"c": {"type": "OnnxConversion"}}, CUDA, {**DISTRIBUTED, **model})


def test_olv419_distributed_conversion_of_another_model_type():
    text, findings = run(distributed(model_attributes={"model_type": "mistral"}))
    f = only(findings, "OLV419")
    assert text_at(text, f) == '"mistral"' and f.severity == "error" and "only llama" in f.message
    text, findings = run(distributed())
    f = only(findings, "OLV419")
    assert text_at(text, f) == '"OnnxConversion"' and "NoneType" in f.text
    none_of(distributed(model_attributes={"model_type": "llama"}), "OLV419")


# --- OLV420 (P112) ------------------------------------------------------------------------------------------------


def static_llm(**params) -> dict:
    return config({"s": {"type": "StaticLLM", **params}}, model={"type": "ONNXModel", "model_path": "model.onnx"})


def test_olv420_static_llm_negative_dimension():
    text, findings = run(static_llm(batch_size=-1))
    f = only(findings, "OLV420")
    assert text_at(text, f) == "-1" and f.severity == "error" and "dim_values must be all >= 0" in f.message
    text, findings = run(static_llm(context_length=-64))
    assert text_at(text, only(findings, "OLV420")) == "-64"
    none_of(static_llm(batch_size=1, context_length=64), "OLV420")


# --- OLV421 (P105) ------------------------------------------------------------------------------------------------

SDXL_INDEX = {
    "_class_name": "StableDiffusionXLPipeline",
    "text_encoder": ["transformers", "CLIPTextModel"],
    "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"],
    "unet": ["diffusers", "UNet2DConditionModel"],
    "vae": ["diffusers", "AutoencoderKL"],
}


def diffusers(tmp_path, index: dict, cross_attention_dim=2048) -> dict:
    files = {"model_index.json": index, "unet/config.json": {"_class_name": "UNet2DConditionModel", "cross_attention_dim": cross_attention_dim}}
    path = model_folder(tmp_path, "sd", files)
    return config({"c": {"type": "OnnxConversion"}}, CPU, {"type": "DiffusersModel", "model_path": path})


def test_olv421_optional_component_is_skipped(tmp_path):
    text, f = one_on_disk(tmp_path, diffusers(tmp_path, {**SDXL_INDEX, "text_encoder": [None, None]}), "OLV421")
    assert text_at(text, f) == '"sd"' and f.severity == "warning" and "will not export text_encoder" in f.message
    disk_none(tmp_path, diffusers(tmp_path, SDXL_INDEX), "OLV421")


def test_olv421_required_component_fails_loading(tmp_path):
    index = {"_class_name": "StableDiffusionPipeline", "text_encoder": [None, None], "unet": ["diffusers", "UNet2DConditionModel"], "vae": ["diffusers", "AutoencoderKL"]}
    text, f = one_on_disk(tmp_path, diffusers(tmp_path, index, cross_attention_dim=768), "OLV421")
    assert f.severity == "error" and "StableDiffusionPipeline" in f.message and "expected" in f.text
    index["text_encoder"] = ["transformers", "CLIPTextModel"]
    disk_none(tmp_path, diffusers(tmp_path, index, cross_attention_dim=768), "OLV421")


# --- OLV422 (P030) ------------------------------------------------------------------------------------------------


def rope(tmp_path, rope_config: dict, key="rope_scaling") -> dict:
    path = model_folder(tmp_path, "model", {"config.json": {**LLAMA, key: rope_config}})
    return config({"b": {"type": "ModelBuilder", "precision": "fp32"}}, CPU, {"type": "HfModel", "model_path": path})


def test_olv422_linear_rope_factor_not_positive(tmp_path):
    text, f = one_on_disk(tmp_path, rope(tmp_path, {"type": "linear", "factor": 0.0}), "OLV422")
    assert text_at(text, f) == '"model"' and f.severity == "warning" and "must be positive" in f.message
    _, f = one_on_disk(tmp_path, rope(tmp_path, {"rope_type": "linear", "factor": -2}, "rope_parameters"), "OLV422", GENAI)
    assert f.severity == "error"
    disk_none(tmp_path, rope(tmp_path, {"rope_type": "linear", "factor": 2.0}), "OLV422")
    disk_none(tmp_path, rope(tmp_path, {"rope_type": "llama3", "factor": 0.0, "low_freq_factor": 1.0}), "OLV422")
