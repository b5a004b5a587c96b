"""OLV320-OLV354: what the passes decide at run time (docs/olive-runtime-checks.md), known before a run.

Each case: a minimal config, the finding on the value at fault with what Olive will do, and the corrected config
with no finding of that code. tests/rules/test_runtime_passes_slow.py proves the claims with real Olive.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import REPO, TINY, check, find, none_of, only, run, text_at  # noqa: E402

BUILD = {"type": "ModelBuilder", "precision": "fp32"}
CUDA = {"device": "gpu", "execution_providers": ["CUDAExecutionProvider"]}
QNN = {"device": "npu", "execution_providers": ["QNNExecutionProvider"]}


def config(passes: dict, accelerator=None) -> dict:
    c = copy.deepcopy(TINY)
    c["passes"] = passes
    if accelerator is not None:
        c["systems"]["local_system"]["accelerators"] = [accelerator]
    return c


def onnx(**second) -> dict:
    return config({"b": dict(BUILD), "p": second})


# --- ModelBuilder -------------------------------------------------------------------------------------------


def test_model_builder_int8_fails_in_genai():
    text, findings = run(config({"b": {"type": "ModelBuilder", "precision": "int8"}}))
    f = only(findings, "OLV320")
    assert text_at(text, f) == '"int8"' and f.severity == "error"
    assert "KeyError: 'int8'" in f.message
    assert f.fix == {"title": "Replace with", "replace_value": ["int4", "fp32"]}
    none_of(config({"b": {"type": "ModelBuilder", "precision": "int4"}}), "OLV320")


def test_model_builder_on_qnn_builds_a_cpu_model():
    text, findings = run(config({"b": {"type": "ModelBuilder", "precision": "int4"}}, QNN))
    f = only(findings, "OLV321")
    assert text_at(text, f) == '"ModelBuilder"' and f.severity == "warning"
    assert "QNNExecutionProvider" in f.message and "CPU model" in f.message
    none_of(config({"b": {"type": "ModelBuilder", "precision": "int4"}}, CUDA), "OLV321")


def test_model_builder_cpu_fallback_is_information_when_passes_follow():
    c = config({"b": {"type": "ModelBuilder", "precision": "int4"}, "s": {"type": "StaticLLM"}}, QNN)
    _, findings = run(c)
    assert only(findings, "OLV321").severity == "information"


def test_extra_options_override_the_parameter():
    c = config({"b": {"type": "ModelBuilder", "precision": "int4", "int4_block_size": 64, "extra_options": {"int4_block_size": 128}}})
    text, findings = run(c)
    f = only(findings, "OLV322")
    assert text_at(text, f) == '"int4_block_size"' and f.severity == "warning"
    assert "64" in f.message and "128" in f.message
    assert f.fix == {"title": "Remove this 'int4_block_size'", "delete_property": True}
    none_of(config({"b": {"type": "ModelBuilder", "precision": "int4", "extra_options": {"int4_block_size": 128}}}), "OLV322")


def test_string_false_is_truthy_for_genai():
    c = config({"b": {"type": "ModelBuilder", "precision": "fp32", "extra_options": {"exclude_embeds": "false"}}})
    text, findings = run(c)
    f = only(findings, "OLV323")
    assert text_at(text, f) == '"false"' and f.severity == "warning"
    assert "as true" in f.message
    assert f.fix == {"title": "Replace with", "replace_value": [False]}
    none_of(config({"b": {"type": "ModelBuilder", "precision": "fp32", "extra_options": {"exclude_embeds": False}}}), "OLV323")


def test_string_list_option_is_used_raw():
    c = config({"b": {"type": "ModelBuilder", "precision": "int4", "extra_options": {"int4_op_types_to_quantize": "MatMul/Gather"}}})
    text, findings = run(c)
    f = only(findings, "OLV323")
    assert text_at(text, f) == '"MatMul/Gather"'
    assert f.fix == {"title": "Replace with", "replace_value": [["MatMul", "Gather"]]}


def test_hf_token_boolean_crashes():
    text, findings = run(config({"b": {"type": "ModelBuilder", "precision": "int4", "extra_options": {"hf_token": False}}}))
    f = only(findings, "OLV329")
    assert text_at(text, f) == "false" and f.severity == "error"
    assert "has no attribute 'lower'" in f.message
    none_of(config({"b": {"type": "ModelBuilder", "precision": "int4", "extra_options": {"hf_token": "false"}}}), "OLV329")


def test_exclude_lm_head_makes_include_hidden_states_useless():
    c = config({"b": {"type": "ModelBuilder", "precision": "int4", "exclude_lm_head": True, "extra_options": {"include_hidden_states": True}}})
    text, findings = run(c)
    f = only(findings, "OLV324")
    assert text_at(text, f) == '"include_hidden_states"'
    none_of(config({"b": {"type": "ModelBuilder", "precision": "int4", "extra_options": {"include_hidden_states": True}}}), "OLV324")


def test_webgpu_graph_off_webgpu():
    text, findings = run(config({"b": {"type": "ModelBuilder", "precision": "int4", "enable_webgpu_graph": True}}))
    assert "WebGPU" in only(findings, "OLV324").message


def test_unknown_int4_algo_config():
    text, findings = run(config({"b": {"type": "ModelBuilder", "precision": "int4", "int4_algo_config": "kquant"}}))
    f = only(findings, "OLV325")
    assert text_at(text, f) == '"kquant"'
    assert "k_quant" in f.fix["replace_value"]
    none_of(config({"b": {"type": "ModelBuilder", "precision": "int4", "int4_algo_config": "k_quant"}}), "OLV325")


def test_int4_option_with_fp32():
    text, findings = run(config({"b": {"type": "ModelBuilder", "precision": "fp32", "int4_block_size": 32}}))
    f = only(findings, "OLV326")
    assert text_at(text, f) == '"int4_block_size"' and "fp32" in f.message
    none_of(config({"b": {"type": "ModelBuilder", "precision": "int4", "int4_block_size": 32}}), "OLV326")


def test_unknown_extra_option():
    text, findings = run(config({"b": {"type": "ModelBuilder", "precision": "int4", "extra_options": {"exclude_embed": True}}}))
    f = only(findings, "OLV327")
    assert text_at(text, f) == '"exclude_embed"'
    assert f.fix["replace_key"][0] == "exclude_embeds"
    none_of(config({"b": {"type": "ModelBuilder", "precision": "int4", "extra_options": {"exclude_embeds": True}}}), "OLV327")


def test_test_model_config_needs_test_model_path():
    c = config({"b": {"type": "ModelBuilder", "precision": "int4"}})
    c["input_model"]["test_model_config"] = {"num_hidden_layers": 1}
    text, findings = run(c)
    f = only(findings, "OLV328")
    assert text_at(text, f) == '"test_model_config"' and f.severity == "error"
    c["input_model"]["test_model_path"] = "test_model"
    none_of(c, "OLV328")


# --- ONNX quantization --------------------------------------------------------------------------------------


def test_quant_mode_capitalised_fails_creating_the_pass():
    text, findings = run(onnx(type="OnnxQuantization", quant_mode="Static", data_config="d"))
    f = only(findings, "OLV330")
    assert text_at(text, f) == '"Static"' and f.severity == "error"
    assert "Invalid value for parameter 'calibrate_method'" in f.message
    assert f.fix == {"title": "Replace with", "replace_value": ["static"]}
    none_of(onnx(type="OnnxQuantization", quant_mode="static", data_config="d"), "OLV330")


def test_quant_mode_capitalised_with_every_static_key_runs_dynamic():
    keys = dict(calibrate_method="MinMax", calibration_providers=["CPUExecutionProvider"], quant_format="QDQ", activation_type="int8",
                min_real_range=0.0001, tensor_quant_overrides={}, prepare_qdq_config=True)
    _, findings = run(onnx(type="OnnxQuantization", quant_mode="Static", data_config="d", **keys))
    f = only(findings, "OLV330")
    assert f.severity == "warning" and "dynamic" in f.message


@pytest.mark.parametrize("key,bad,good", [("calibrate_method", "minmax", "MinMax"), ("quant_format", "qdq", "QDQ")])
def test_calibrate_method_and_quant_format_are_case_sensitive(key, bad, good):
    text, findings = run(onnx(type="OnnxStaticQuantization", data_config="d", **{key: bad}))
    f = only(findings, "OLV331")
    assert text_at(text, f) == f'"{bad}"' and f"KeyError: '{bad}'" in f.message
    assert f.fix == {"title": "Replace with", "replace_value": [good]}
    none_of(onnx(type="OnnxStaticQuantization", data_config="d", **{key: good}), "OLV331")


def test_int8_activation_with_uint8_weight_fails_without_a_model():
    text, findings = run(onnx(type="OnnxQuantization", precision="uint8", data_config="d"))
    f = only(findings, "OLV332")
    assert text_at(text, f) == '"uint8"' and "exits 0 without a model" in f.message
    none_of(onnx(type="OnnxQuantization", precision="uint8", activation_type="uint8", data_config="d"), "OLV332")


def test_16_bit_needs_qdq():
    text, findings = run(onnx(type="OnnxStaticQuantization", precision="int16", activation_type="int16", quant_format="QOperator", data_config="d"))
    f = only(findings, "OLV332")
    assert text_at(text, f) == '"QOperator"' and "QDQ" in f.message
    none_of(onnx(type="OnnxStaticQuantization", precision="int16", activation_type="int16", quant_format="QDQ", data_config="d"), "OLV332")


def test_activation_type_without_ort_type_is_pruned():
    text, findings = run(onnx(type="OnnxStaticQuantization", activation_type="int32", data_config="d"))
    f = only(findings, "OLV332")
    assert text_at(text, f) == '"int32"' and "exit 0 without a model" in f.message


def test_s8s8_qoperator_is_a_hint():
    _, findings = run(onnx(type="OnnxStaticQuantization", quant_format="QOperator", data_config="d"))
    assert only(findings, "OLV332").severity == "information"


def test_onnx_quantization_static_default_needs_data():
    text, findings = run(onnx(type="OnnxQuantization"))
    f = only(findings, "OLV333")
    assert text_at(text, f) == '"OnnxQuantization"' and f.severity == "error"
    assert f.fix["add_keys"] == ["data_config"]
    none_of(onnx(type="OnnxQuantization", quant_mode="dynamic"), "OLV333")


def test_dynamic_ignores_static_keys():
    text, findings = run(onnx(type="OnnxQuantization", quant_mode="dynamic", calibrate_method="Entropy"))
    f = only(findings, "OLV334")
    assert text_at(text, f) == '"calibrate_method"'
    none_of(onnx(type="OnnxQuantization", quant_mode="dynamic"), "OLV334")


def test_activation_symmetric_extra_option_is_overwritten():
    text, findings = run(onnx(type="OnnxDynamicQuantization", extra_options={"ActivationSymmetric": True}))
    f = only(findings, "OLV335")
    assert text_at(text, f) == '"ActivationSymmetric"' and "activation_symmetric" in f.message
    none_of(onnx(type="OnnxDynamicQuantization", activation_symmetric=True), "OLV335")


def test_reduce_range_ignored_with_prepare_qdq_config():
    text, findings = run(onnx(type="OnnxStaticQuantization", data_config="d", reduce_range=True))
    f = only(findings, "OLV336")
    assert text_at(text, f) == '"reduce_range"'
    none_of(onnx(type="OnnxStaticQuantization", data_config="d", reduce_range=True, prepare_qdq_config=False), "OLV336")


# --- OrtTransformersOptimization, OrtSessionParamsTuning ---------------------------------------------------


def test_only_onnxruntime_without_opt_level_crashes():
    text, findings = run(onnx(type="OrtTransformersOptimization", only_onnxruntime=True))
    f = only(findings, "OLV340")
    assert text_at(text, f) == "true" and "TypeError" in f.message
    assert f.fix["values"] == {"opt_level": 99}
    none_of(onnx(type="OrtTransformersOptimization", only_onnxruntime=True, opt_level=99), "OLV340")


def test_only_onnxruntime_with_opt_level_zero_is_pruned():
    text, findings = run(onnx(type="OrtTransformersOptimization", only_onnxruntime=True, opt_level=0))
    f = only(findings, "OLV340")
    assert text_at(text, f) == "0" and "exit 0 without a model" in f.message


def test_unknown_fusion_option():
    text, findings = run(onnx(type="OrtTransformersOptimization", optimization_options={"enable_gleu": False}))
    f = only(findings, "OLV341")
    assert text_at(text, f) == '"enable_gleu"' and "enable_gelu" in f.fix["replace_key"]
    none_of(onnx(type="OrtTransformersOptimization", optimization_options={"enable_gelu": False}), "OLV341")


def test_unknown_attention_op_type():
    text, findings = run(onnx(type="OrtTransformersOptimization", optimization_options={"attention_op_type": "GQA"}))
    f = only(findings, "OLV344")
    assert text_at(text, f) == '"GQA"' and f.severity == "error"
    none_of(onnx(type="OrtTransformersOptimization", optimization_options={"attention_op_type": "GroupQueryAttention"}), "OLV344")


def test_unknown_transformers_model_type_skips_the_pass():
    text, findings = run(onnx(type="OrtTransformersOptimization", model_type="llama"))
    f = only(findings, "OLV342")
    assert text_at(text, f) == '"llama"' and "skip this pass" in f.message
    assert f.fix["replace_value"][0] == "gpt2"
    none_of(onnx(type="OrtTransformersOptimization", model_type="gpt2"), "OLV342")


def test_session_tuning_cuda_without_io_bind_is_pruned():
    c = config({"b": dict(BUILD), "t": {"type": "OrtSessionParamsTuning"}}, CUDA)
    text, findings = run(c)
    f = only(findings, "OLV343")
    assert text_at(text, f) == '"OrtSessionParamsTuning"' and "io_bind" in f.message
    c["passes"]["t"]["io_bind"] = True
    none_of(c, "OLV343")


def test_session_tuning_cpu_with_io_bind_is_pruned():
    text, findings = run(onnx(type="OrtSessionParamsTuning", io_bind=True))
    f = only(findings, "OLV343")
    assert text_at(text, f) == "true"
    none_of(onnx(type="OrtSessionParamsTuning", io_bind=False), "OLV343")


def test_session_tuning_other_ep_is_pruned():
    text, findings = run(onnx(type="OrtSessionParamsTuning", providers_list="CUDAExecutionProvider", io_bind=True))
    f = only(findings, "OLV343")
    assert text_at(text, f) == '"CUDAExecutionProvider"' and "target's EP" in f.message
    none_of(onnx(type="OrtSessionParamsTuning", providers_list="CUDAExecutionProvider", io_bind=True, force_evaluate_other_eps=True), "OLV343")


def test_session_tuning_cuda_graph_off_cuda_is_ignored():
    _, findings = run(onnx(type="OrtSessionParamsTuning", enable_cuda_graph=True))
    assert only(findings, "OLV343").severity == "warning"


# --- other passes -------------------------------------------------------------------------------------------


def test_graph_surgeries():
    surgeries = [{"surgeon": "RenameInputz"}, {"surgeon": "RenameInputs"}, {"old_names": ["a"]},
                 {"surgeon": "renameinputs", "old_names": ["a"], "new_names": ["b"], "new_name": "c"}]
    text, findings = run(onnx(type="GraphSurgeries", surgeries=surgeries))
    found = find(findings, "OLV350")
    assert [text_at(text, f) for f in found] == ['"RenameInputz"', '"RenameInputs"', '"old_names"', '"new_name"']
    assert [f.severity for f in found] == ["error", "error", "error", "warning"]
    assert "RenameInputs" in found[0].fix["replace_value"]
    assert found[1].fix["add_keys"] == ["new_names", "old_names"]
    none_of(onnx(type="GraphSurgeries", surgeries=[{"surgeon": "RenameInputs", "old_names": ["a"], "new_names": ["b"]}]), "OLV350")


def test_gptq_desc_act_with_group_size_is_pruned():
    text, findings = run(config({"g": {"type": "Gptq", "desc_act": True}}))
    f = only(findings, "OLV351")
    assert text_at(text, f) == "true" and "exit 0 without a model" in f.message
    none_of(config({"g": {"type": "Gptq", "desc_act": True, "group_size": -1}}), "OLV351")


def test_capture_split_info_needs_num_splits():
    text, findings = run(config({"c": {"type": "CaptureSplitInfo"}}))
    f = only(findings, "OLV351")
    assert text_at(text, f) == '"CaptureSplitInfo"'
    none_of(config({"c": {"type": "CaptureSplitInfo", "num_splits": 2}}), "OLV351")


def test_nvmo_int8_is_pruned():
    text, findings = run(onnx(type="NVModelOptQuantization", precision="int8"))
    assert text_at(text, only(findings, "OLV351")) == '"int8"'
    none_of(onnx(type="NVModelOptQuantization", precision="int4", tokenizer_dir="model"), "OLV351")


def test_nvmo_default_without_tokenizer_dir_is_pruned():
    text, findings = run(onnx(type="NVModelOptQuantization"))
    assert "tokenizer_dir" in only(findings, "OLV351").message
    none_of(onnx(type="NVModelOptQuantization", use_random_calibration_data=True), "OLV351")


def test_dynamic_to_fixed_shape_arguments():
    text, findings = run(onnx(type="DynamicToFixedShape", dim_param=["batch"]))
    f = only(findings, "OLV352")
    assert text_at(text, f) == '"dim_param"' and "dim_value" in f.message
    none_of(onnx(type="DynamicToFixedShape", dim_param=["batch"], dim_value=[1]), "OLV352")


def test_float16_include_and_block_lists():
    text, findings = run(onnx(type="OnnxFloatToFloat16", op_include_list=["MatMul"], op_block_list=["Add"]))
    f = only(findings, "OLV353")
    assert text_at(text, f) == '"op_block_list"'
    none_of(onnx(type="OnnxFloatToFloat16", op_include_list=["MatMul"]), "OLV353")


def test_function_name_needs_user_script():
    c = config({"b": dict(BUILD), "q": {"type": "OpenVINOQuantization", "transform_fn": "my_transform", "data_config": "d"}})
    text, findings = run(c)
    f = only(findings, "OLV354")
    assert text_at(text, f) == '"my_transform"'
    c["passes"]["q"]["user_script"] = "user.py"
    none_of(c, "OLV354")


def test_samples_and_tiny_config_have_no_runtime_findings():
    for path in [*sorted((REPO / "samples").glob("**/*.json"))]:
        findings = check(path.read_text(encoding="utf-8"), path=path)
        assert [f.code for f in findings if "OLV320" <= f.code <= "OLV379"] == [], path


def test_pass_behaviour_file_matches_the_installed_libraries():
    pytest.importorskip("olive")
    pytest.importorskip("onnxruntime_genai")
    from olive_ls.catalog.pass_behaviour_generate import default_path, generate, render

    path = default_path()
    if not path.is_file():
        pytest.skip(f"no {path.name} for the installed olive-ai")
    assert render(generate()) == path.read_text(encoding="utf-8")
