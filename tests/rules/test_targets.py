"""OLV4xx: devices, execution providers and what the passes can build for the target.

Each case is a config Olive 0.13.0 rejects, crashes on or silently mis-builds, and the same config corrected.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import TINY, check, find, text_at  # noqa: E402


def run(config: dict):
    text = json.dumps(config, indent=2)
    return text, check(text)


def with_accelerator(accelerator, passes=None, **changes) -> dict:
    config = copy.deepcopy(TINY)
    config["systems"]["local_system"]["accelerators"] = [accelerator] if isinstance(accelerator, dict) else accelerator
    if passes is not None:
        config["passes"] = passes
    config.update(changes)
    return config


def only(findings, code):
    found = find(findings, code)
    assert len(found) == 1, [(f.code, f.text) for f in findings]
    return found[0]


def family(findings):
    return [(f.code, f.text) for f in findings if f.code.startswith("OLV4")]


CPU = {"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}
CUDA = {"device": "gpu", "execution_providers": ["CUDAExecutionProvider"]}


def test_tiny_config_is_clean():
    _, findings = run(copy.deepcopy(TINY))
    assert family(findings) == []


# --- OLV401 -------------------------------------------------------------------------------------------------------


def test_cuda_ep_on_cpu_device_of_the_target_is_an_error():
    text, findings = run(with_accelerator({"device": "cpu", "execution_providers": ["CUDAExecutionProvider"]}))
    finding = only(findings, "OLV401")
    assert text_at(text, finding) == '"CUDAExecutionProvider"'
    assert finding.severity == "error"
    assert "None of the execution providers ['CUDAExecutionProvider'] cannot be found in the target system" in finding.text
    assert "silently builds for cpu" in finding.text
    assert finding.fix == {"title": "Replace with", "replace_value": ["CPUExecutionProvider", "OpenVINOExecutionProvider"]}
    _, fixed = run(with_accelerator(CUDA))
    assert find(fixed, "OLV401") == []


def test_cpu_ep_on_gpu_device_is_fine():
    _, findings = run(with_accelerator({"device": "gpu", "execution_providers": ["CPUExecutionProvider"]}))
    assert find(findings, "OLV401") == []


def test_mismatch_on_a_system_that_is_not_the_target_is_a_warning():
    config = with_accelerator(CPU)
    config["systems"]["other"] = {"type": "LocalSystem", "accelerators": [{"device": "npu", "execution_providers": ["CUDAExecutionProvider"]}]}
    text, findings = run(config)
    finding = only(findings, "OLV401")
    assert finding.severity == "warning"
    assert text_at(text, finding) == '"CUDAExecutionProvider"'


def test_device_without_ep_table_on_target_crashes():
    text, findings = run(with_accelerator({"device": "vpu", "execution_providers": ["OpenVINOExecutionProvider"]}))
    finding = only(findings, "OLV401")
    assert text_at(text, finding) == '"vpu"'
    assert "TypeError: Value after * must be an iterable, not NoneType" in finding.text


# --- OLV402 -------------------------------------------------------------------------------------------------------


def test_precision_outside_pass_metadata_is_a_warning():
    # MobiusBuilder's metadata lists fp32/fp16/bf16 and its validate_config does not check: a warning, said as such.
    # (The ONNX quantization passes check the precision themselves: OLV412, tests/rules/test_precision_pruning.py.)
    passes = {"m": {"type": "MobiusBuilder", "precision": "int4"}}
    text, findings = run(with_accelerator(CPU, passes))
    finding = only(findings, "OLV402")
    assert text_at(text, finding) == '"int4"'
    assert finding.severity == "warning"
    assert finding.fix == {"title": "Replace with", "replace_value": ["fp32", "fp16", "bf16"]}
    passes["m"]["precision"] = "fp16"
    _, fixed = run(with_accelerator(CPU, passes))
    assert find(fixed, "OLV402") == []


def test_model_builder_bf16_is_not_an_olv402_case():
    _, findings = run(with_accelerator(CUDA, {"b": {"type": "ModelBuilder", "precision": "bf16"}}))
    assert find(findings, "OLV402") == []
    assert find(findings, "OLV404") == []  # bf16 with CUDA builds


# --- OLV403 -------------------------------------------------------------------------------------------------------


def test_qnn_only_pass_without_qnn_target():
    config = copy.deepcopy(TINY)
    config["input_model"] = {"type": "ONNXModel", "model_path": "model.onnx"}
    config["passes"] = {"ctx": {"type": "EPContextBinaryGenerator"}}
    text, findings = run(config)
    # The pass asserts on any other EP: that is OLV411 (an error), not OLV403 (made for another EP: a warning).
    finding = only(findings, "OLV411")
    assert find(findings, "OLV403") == []
    assert text_at(text, finding) == '"EPContextBinaryGenerator"'
    assert finding.severity == "error"
    assert "Only QNNExecutionProvider is supported for now." in finding.text
    config["systems"]["local_system"]["accelerators"] = [{"device": "npu", "execution_providers": ["QNNExecutionProvider"]}]
    _, fixed = run(config)
    assert find(fixed, "OLV411") == [] and find(fixed, "OLV403") == []


def test_mixed_precision_on_cpu_is_a_warning_and_uses_the_default_target():
    config = copy.deepcopy(TINY)
    del config["target"], config["systems"]
    config["input_model"] = {"type": "ONNXModel", "model_path": "model.onnx"}
    config["passes"] = {"mp": {"type": "OrtMixedPrecision"}}
    config.pop("host")
    text, findings = run(config)
    finding = only(findings, "OLV403")
    assert finding.severity == "warning"
    assert "default target" in finding.text
    config["systems"] = {"gpu": {"type": "LocalSystem", "accelerators": [CUDA]}}
    config["target"] = "gpu"
    _, fixed = run(config)
    assert find(fixed, "OLV403") == []


def test_nvmo_with_trt_rtx_is_fine_and_dynamic_quantization_with_qnn_is_an_error():
    passes = {"b": {"type": "ModelBuilder", "precision": "int4"}, "n": {"type": "NVModelOptQuantization"}}
    _, findings = run(with_accelerator({"device": "gpu", "execution_providers": ["NvTensorRTRTXExecutionProvider"]}, passes))
    assert find(findings, "OLV403") == []
    passes = {"b": {"type": "ModelBuilder", "precision": "int4"}, "q": {"type": "OnnxDynamicQuantization"}}
    text, findings = run(with_accelerator({"device": "npu", "execution_providers": ["QNNExecutionProvider"]}, passes))
    finding = only(findings, "OLV411")
    assert find(findings, "OLV403") == []
    assert finding.severity == "error"
    assert text_at(text, finding) == '"OnnxDynamicQuantization"'
    assert "QNNExecutionProvider is not supported for dynamic quantization." in finding.text


# --- OLV404 -------------------------------------------------------------------------------------------------------


def test_model_builder_fp16_on_cpu_is_pruned():
    config = copy.deepcopy(TINY)
    config["passes"]["builder"]["precision"] = "fp16"
    text, findings = run(config)
    finding = only(findings, "OLV404")
    assert text_at(text, finding) == '"fp16"'
    assert finding.severity == "error"
    assert "FP16 is not supported on CPU." in finding.text and "exits 0 with no model" in finding.text
    assert finding.fix == {"title": "Replace with", "replace_value": ["int4", "fp32"]}
    _, fixed = run(with_accelerator(CUDA, {"builder": {"type": "ModelBuilder", "precision": "fp16"}}))
    assert find(fixed, "OLV404") == []


def test_model_builder_fp16_with_cpu_ep_on_gpu_and_bf16_without_cuda():
    passes = {"builder": {"type": "ModelBuilder", "precision": "fp16"}}
    _, findings = run(with_accelerator({"device": "gpu", "execution_providers": ["CPUExecutionProvider"]}, passes))
    assert len(find(findings, "OLV404")) == 1
    passes = {"builder": {"type": "ModelBuilder", "precision": "bf16"}}
    _, findings = run(with_accelerator({"device": "gpu", "execution_providers": ["DmlExecutionProvider"]}, passes))
    finding = only(findings, "OLV404")
    assert "BF16 is only supported on CUDA execution provider." in finding.text
    assert finding.fix["replace_value"] == ["fp16", "int4"]


def test_model_builder_fp16_without_target_uses_default_cpu():
    config = copy.deepcopy(TINY)
    del config["target"]
    config["passes"]["builder"]["precision"] = "fp16"
    _, findings = run(config)
    assert "Olive's default target" in only(findings, "OLV404").text


def test_model_builder_fp16_on_cpu_in_yaml():
    text = """\
input_model:
  type: HfModel
  model_path: microsoft/Phi-3-mini-4k-instruct
systems:
  local_system:
    type: LocalSystem
    accelerators:
      - device: cpu
        execution_providers: [CPUExecutionProvider]
passes:
  builder:
    type: ModelBuilder
    precision: fp16
target: local_system
"""
    findings = check(text, language="yaml")
    assert text_at(text, only(findings, "OLV404")) == "fp16"
    assert find(check(text.replace("fp16", "int4"), language="yaml"), "OLV404") == []


# --- OLV405 -------------------------------------------------------------------------------------------------------


def test_unknown_device_with_suggestion():
    text, findings = run(with_accelerator({"device": "tpu", "execution_providers": ["CPUExecutionProvider"]}))
    finding = only(findings, "OLV405")
    assert text_at(text, finding) == '"tpu"'
    assert "'tpu' is not a valid Device" in finding.text
    assert "vpu" in finding.fix["replace_value"]
    _, fixed = run(with_accelerator({"device": "GPU", "execution_providers": ["CUDAExecutionProvider"]}))
    assert find(fixed, "OLV405") == []  # Olive lowercases the device


# --- OLV406 -------------------------------------------------------------------------------------------------------


def test_ep_without_suffix():
    text, findings = run(with_accelerator({"device": "gpu", "execution_providers": ["CUDA"]}))
    finding = only(findings, "OLV406")
    assert text_at(text, finding) == '"CUDA"'
    assert "Execution provider CUDA should end with ExecutionProvider" in finding.text
    assert finding.fix == {"title": "Replace with", "replace_value": ["CUDAExecutionProvider"]}


def test_unknown_ep_with_suffix_and_aliases():
    text, findings = run(with_accelerator({"device": "gpu", "execution_providers": ["CudaExecutionProvider"]}))
    finding = only(findings, "OLV406")
    assert finding.fix["replace_value"] == ["CUDAExecutionProvider"]
    text, findings = run(with_accelerator({"device": "gpu", "execution_providers": ["dml"]}))
    assert only(findings, "OLV406").fix["replace_value"] == ["DmlExecutionProvider"]
    _, fixed = run(with_accelerator({"device": "gpu", "execution_providers": ["DmlExecutionProvider"]}))
    assert find(fixed, "OLV406") == []


def test_ep_given_as_name_and_library_path_is_accepted():
    _, findings = run(with_accelerator({"device": "npu", "execution_providers": [["QNNExecutionProvider", "/opt/qnn/libqnn.so"]]}))
    assert family(findings) == []


# --- OLV407 -------------------------------------------------------------------------------------------------------


def test_two_eps_and_two_accelerators():
    text, findings = run(with_accelerator({"device": "gpu", "execution_providers": ["CUDAExecutionProvider", "CPUExecutionProvider"]}))
    finding = only(findings, "OLV407")
    assert text_at(text, finding) == '"CPUExecutionProvider"'
    assert "Only one execution provider is supported per accelerator" in finding.text
    _, findings = run(with_accelerator([CPU, CUDA]))
    assert "Only one accelerator is supported currently." in only(findings, "OLV407").text
    _, fixed = run(with_accelerator(CUDA))
    assert find(fixed, "OLV407") == []


# --- OLV408 -------------------------------------------------------------------------------------------------------


def test_npu_without_ep():
    text, findings = run(with_accelerator({"device": "npu"}))
    finding = only(findings, "OLV408")
    assert text_at(text, finding) == '"npu"'
    assert "Please specify the execution providers for the device: npu." in finding.text
    assert finding.fix["add_keys"] == ["execution_providers"]
    _, fixed = run(with_accelerator({"device": "npu", "execution_providers": ["QNNExecutionProvider"]}))
    assert find(fixed, "OLV408") == []
    _, fine = run(with_accelerator({"device": "gpu"}))  # gpu defaults to CUDA
    assert find(fine, "OLV408") == []


def test_accelerator_with_neither_device_nor_ep():
    _, findings = run(with_accelerator({}))
    assert "Either device or execution_providers must be provided" in only(findings, "OLV408").text


# --- OLV409 -------------------------------------------------------------------------------------------------------


def test_transformers_optimization_float16_on_cpu_is_pruned():
    passes = {"c": {"type": "OnnxConversion"}, "o": {"type": "OrtTransformersOptimization", "model_type": "gpt2", "float16": True}}
    text, findings = run(with_accelerator(CPU, passes))
    finding = only(findings, "OLV409")
    assert text_at(text, finding) == "true"
    assert "CPUExecutionProvider does not support float16 very well" in finding.text
    _, fixed = run(with_accelerator(CUDA, passes))
    assert find(fixed, "OLV409") == []


def test_transformers_optimization_gqa_needs_float16():
    passes = {"c": {"type": "OnnxConversion"}, "o": {"type": "OrtTransformersOptimization", "use_gqa": True}}
    _, findings = run(with_accelerator(CUDA, passes))
    assert "use_gqa is only supported when float16 is True." in only(findings, "OLV409").text


# --- OLV410 -------------------------------------------------------------------------------------------------------


def test_openvino_ep_without_device_on_target():
    text, findings = run(with_accelerator({"execution_providers": ["OpenVINOExecutionProvider"]}))
    finding = only(findings, "OLV410")
    assert text_at(text, finding) == '"OpenVINOExecutionProvider"'
    assert "Cannot infer the devices from the execution providers" in finding.text
    _, fine = run(with_accelerator({"execution_providers": ["QNNExecutionProvider"]}))  # QNN: npu
    assert find(fine, "OLV410") == []
    _, fixed = run(with_accelerator({"device": "npu", "execution_providers": ["OpenVINOExecutionProvider"]}))
    assert find(fixed, "OLV410") == []


def test_inline_target_is_used():
    config = copy.deepcopy(TINY)
    config["target"] = {"type": "LocalSystem", "accelerators": [{"device": "cpu", "execution_providers": ["CUDAExecutionProvider"]}]}
    text, findings = run(config)
    assert only(findings, "OLV401").severity == "error"


# --- robustness -----------------------------------------------------------------------------------------------------


HALF_TYPED = [
    '{"input_model": {"type": "HfModel"}, "systems": {"s": {"type": "LocalSystem", "accelerators": [{"device": ',
    '{"systems": {"s": {"accelerators": 3}}, "target": "s", "passes": {"b": {"type": "ModelBuilder", "precision": 4}}}',
    '{"systems": {"s": {"accelerators": [null, 1, "x", {"device": 5, "execution_providers": "CUDA"}]}}, "target": {"a": 1}}',
    '{"systems": [], "passes": {"b": [1, {"type": null}]}, "target": ["s"], "engine": 3}',
    '{"systems": {"s": {"accelerators": [{"device": "gpu", "execution_providers": [[], [1], {"x": 1}]}]}}, "target": "s"}',
]


def test_half_typed_configs_do_not_break_the_rules(caplog):
    caplog.set_level("ERROR", logger="olive_ls.rules.engine")
    for text in HALF_TYPED:
        check(text)
        check(text.replace('"', ""), language="yaml")
    failed = [r.getMessage() for r in caplog.records if "OLV4" in r.getMessage()]
    assert failed == []
