"""OLV360-OLV379: what the ONNX passes decide at run time (docs/olive-runtime-checks.md), known before a run.

Each case: a minimal config, the finding on the value at fault with what Olive will do, and the corrected config
with no finding of that code.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import TINY, none_of, only, run, text_at  # noqa: E402
from diagnostic_helpers import tiny_with as config  # noqa: E402

BUILD = {"type": "ModelBuilder", "precision": "fp32"}
QNN = {"device": "npu", "execution_providers": ["QNNExecutionProvider"]}
ONNX_MODEL = {"type": "ONNXModel", "model_path": "model.onnx"}
TORCH_MODEL = {"type": "PyTorchModel", "model_path": "model.pt"}


def onnx(**second) -> dict:
    return config({"b": dict(BUILD), "p": second})


# --- RTN, KQuant, Bnb4 ----------------------------------------------------------------------------------------


def test_rtn_gather_bits_skipped():
    text, findings = run(onnx(type="OnnxBlockWiseRtnQuantization", bits=2))
    f = only(findings, "OLV360")
    assert text_at(text, f) == "2" and f.severity == "warning" and "Gather" in f.message
    none_of(onnx(type="OnnxBlockWiseRtnQuantization", bits=8), "OLV360")


def test_rtn_gather_block_size():
    text, findings = run(onnx(type="OnnxBlockWiseRtnQuantization", block_size=48))
    f = only(findings, "OLV360")
    assert text_at(text, f) == "48" and "power of 2" in f.message
    _, findings = run(onnx(type="OnnxBlockWiseRtnQuantization", block_size=8))
    assert "under 16" in only(findings, "OLV360").message
    none_of(onnx(type="OnnxBlockWiseRtnQuantization", block_size=32), "OLV360")


def test_kquant_bits():
    text, findings = run(onnx(type="OnnxKQuantQuantization", bits=3))
    f = only(findings, "OLV361")
    assert text_at(text, f) == "3" and f.severity == "error"
    text, findings = run(onnx(type="OnnxKQuantQuantization", customized_weight_config={"n": {"bits": 2}}))
    assert text_at(text, only(findings, "OLV361")) == "2"
    none_of(onnx(type="OnnxKQuantQuantization", bits=8, customized_weight_config={"n": {"bits": 4}}), "OLV361")


def test_bnb4_precision_required():
    text, findings = run(config({"p": {"type": "OnnxBnb4Quantization"}}, model=ONNX_MODEL))
    f = only(findings, "OLV362")
    assert text_at(text, f) == '"OnnxBnb4Quantization"' and f.severity == "error"
    none_of(config({"p": {"type": "OnnxBnb4Quantization", "precision": "nf4"}}, model=ONNX_MODEL), "OLV362")
    bnb = dict(ONNX_MODEL, model_attributes={"quantization_config": {"bnb_4bit_quant_type": "nf4"}})
    none_of(config({"p": {"type": "OnnxBnb4Quantization"}}, model=bnb), "OLV362")
    # An HfModel may be a bnb checkpoint: not flagged.
    none_of(onnx(type="OnnxBnb4Quantization"), "OLV362")


# --- Adapters, QNN, split ---------------------------------------------------------------------------------------


def test_quantize_after_extract_adapters():
    hf = dict(TINY["input_model"], adapter_path="adapter")
    passes = {"b": dict(BUILD), "e": {"type": "ExtractAdapters"}, "q": {"type": "OnnxDynamicQuantization"}}
    text, findings = run(config(passes, model=hf))
    f = only(findings, "OLV363")
    assert text_at(text, f) == '"OnnxDynamicQuantization"' and f.severity == "warning"
    fixed = {"b": dict(BUILD), "q": {"type": "OnnxDynamicQuantization"}, "e": {"type": "ExtractAdapters"}}
    none_of(config(fixed, model=hf), "OLV363")
    # ExtractAdapters finds none without an adapter source (OLV366), so the quantization runs.
    none_of(config(passes), "OLV363")


def test_qnn_min_real_range():
    p = {"type": "OnnxStaticQuantization", "prepare_qdq_config": True, "min_real_range": 0.001, "data_config": "d"}
    c = config({"p": p}, accelerator=QNN, model=ONNX_MODEL)
    c["data_configs"] = [{"name": "d", "type": "HuggingfaceContainer"}]
    text, findings = run(c)
    f = only(findings, "OLV364")
    assert text_at(text, f).startswith('"min_real_range"') and f.severity == "warning"
    c["passes"]["p"].pop("min_real_range")
    none_of(c, "OLV364")
    c["passes"]["p"]["min_real_range"] = 0.001
    c["systems"]["local_system"]["accelerators"] = [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}]
    none_of(c, "OLV364")


def test_capture_split_info_before_model_builder():
    passes = {"s": {"type": "CaptureSplitInfo", "num_splits": 2}, "b": dict(BUILD)}
    text, findings = run(config(passes))
    f = only(findings, "OLV365")
    assert text_at(text, f) == '"CaptureSplitInfo"' and f.severity == "warning"
    none_of(config({"s": {"type": "CaptureSplitInfo", "num_splits": 2}, "c": {"type": "OnnxConversion"}}), "OLV365")


def test_extract_adapters_without_adapters():
    text, findings = run(onnx(type="ExtractAdapters"))
    f = only(findings, "OLV366")
    assert text_at(text, f) == '"ExtractAdapters"' and f.severity == "warning"
    hf = dict(TINY["input_model"], adapter_path="adapter")
    none_of(config({"b": dict(BUILD), "e": {"type": "ExtractAdapters"}}, model=hf), "OLV366")
    none_of(config({"l": {"type": "LoRA", "train_data_config": "d"}, "c": {"type": "OnnxConversion"}, "e": {"type": "ExtractAdapters"}}), "OLV366")


def test_io_dtype_invalid():
    text, findings = run(onnx(type="OnnxIODataTypeConverter", source_dtype=100))
    f = only(findings, "OLV367")
    assert text_at(text, f) == "100" and f.severity == "error"
    none_of(onnx(type="OnnxIODataTypeConverter", source_dtype=10, target_dtype=1), "OLV367")


def test_mobius_builder_input():
    text, findings = run(config({"m": {"type": "MobiusBuilder"}}, model=ONNX_MODEL))
    f = only(findings, "OLV368")
    assert text_at(text, f) == '"MobiusBuilder"' and f.severity == "error"
    none_of(config({"m": {"type": "MobiusBuilder"}}), "OLV368")


def test_split_model_without_assignments():
    passes = {"c": {"type": "OnnxConversion"}, "s": {"type": "SplitModel"}}
    text, findings = run(config(passes))
    f = only(findings, "OLV369")
    assert text_at(text, f) == '"SplitModel"' and f.severity == "error"
    fixed = {"i": {"type": "CaptureSplitInfo", "num_splits": 2}, "c": {"type": "OnnxConversion"}, "s": {"type": "SplitModel"}}
    none_of(config(fixed), "OLV369")
    none_of(config({"s": {"type": "SplitModel"}}, model=ONNX_MODEL), "OLV369")
    attrs = dict(TINY["input_model"], model_attributes={"split_assignments": {"model.layers.0": 0}})
    none_of(config(passes, model=attrs), "OLV369")


def test_rename_input_dims_needs_input():
    surgery = {"surgeon": "RenameInputDims", "dim_idx": 0, "dim_name": "batch"}
    text, findings = run(onnx(type="GraphSurgeries", surgeries=[surgery]))
    f = only(findings, "OLV370")
    assert text_at(text, f) == '"RenameInputDims"' and f.severity == "error"
    none_of(onnx(type="GraphSurgeries", surgeries=[dict(surgery, input_idx=0)]), "OLV370")


def test_pytorch_model_without_io_config():
    text, findings = run(config({"c": {"type": "OnnxConversion"}}, model=TORCH_MODEL))
    f = only(findings, "OLV371")
    assert text_at(text, f) == '"OnnxConversion"' and f.severity == "error"
    io = dict(TORCH_MODEL, io_config={"input_names": ["x"], "output_names": ["y"]})
    none_of(config({"c": {"type": "OnnxConversion"}}, model=io), "OLV371")


# --- Composite models, MatMulNBits, dynamic_lora_r --------------------------------------------------------------


def test_composite_pass_on_single_onnx_model():
    for kind in ("ComposeOnnxModels", "OptimumMerging", "StaticLLM"):
        text, findings = run(config({"o": {"type": "OnnxPeepholeOptimizer"}, "c": {"type": kind}}, model=ONNX_MODEL))
        f = only(findings, "OLV372")
        assert text_at(text, f) == f'"{kind}"' and f.severity == "error"
    split = {"s": {"type": "SplitModel", "split_assignments": {"a": 0}}, "c": {"type": "ComposeOnnxModels"}}
    none_of(config(split, model=ONNX_MODEL), "OLV372")
    none_of(config({"c": {"type": "StaticLLM"}}, accelerator={"device": "gpu", "execution_providers": ["QNNExecutionProvider"]}, model=ONNX_MODEL), "OLV372")


def test_matmulnbits_to_qdq_without_int4():
    text, findings = run(onnx(type="MatMulNBitsToQDQ"))
    f = only(findings, "OLV373")
    assert text_at(text, f) == '"MatMulNBitsToQDQ"' and f.severity == "warning"
    none_of(config({"b": {"type": "ModelBuilder", "precision": "int4"}, "p": {"type": "MatMulNBitsToQDQ"}}), "OLV373")
    none_of(config({"b": dict(BUILD), "r": {"type": "OnnxBlockWiseRtnQuantization"}, "p": {"type": "MatMulNBitsToQDQ"}}), "OLV373")


def test_dynamic_lora_r_on_quantized_adapters():
    hf = dict(TINY["input_model"], adapter_path="adapter")
    passes = {"b": {"type": "ModelBuilder", "precision": "int4"}, "e": {"type": "ExtractAdapters", "dynamic_lora_r": True}}
    text, findings = run(config(passes, model=hf))
    f = only(findings, "OLV374")
    assert text_at(text, f).startswith('"dynamic_lora_r"') and f.severity == "warning"
    passes["b"]["precision"] = "fp16"
    none_of(config(passes, model=hf), "OLV374")


# --- OnnxConversion (L011) --------------------------------------------------------------------------------------


def test_torchscript_exporter_opset():
    text, findings = run(config({"c": {"type": "OnnxConversion", "target_opset": 22}}))
    f = only(findings, "OLV375")
    assert text_at(text, f) == "22" and f.severity == "warning" and "20" in f.message
    assert "use_dynamo_exporter" in f.detail and f.fix["replace_value"] == [20]
    none_of(config({"c": {"type": "OnnxConversion", "target_opset": 22, "use_dynamo_exporter": True}}), "OLV375")
    none_of(config({"c": {"type": "OnnxConversion", "target_opset": 20}}), "OLV375")
