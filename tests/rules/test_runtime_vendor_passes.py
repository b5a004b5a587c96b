"""OLV450-OLV469: what the vendor SDK passes (AIMET, Vitis AI, Quark, QNN, QAIRT) decide at run time, known before a run.

Each case: a minimal config, the finding on the value at fault with what Olive will do, and the corrected config
with no finding of that code.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import REPO, TINY, check, find, none_of, only, run, text_at  # noqa: E402

ONNX_MODEL = {"type": "ONNXModel", "model_path": "model.onnx"}
DATA = {"name": "calib", "type": "HuggingfaceContainer"}


def config(passes: dict, model=None) -> dict:
    c = copy.deepcopy(TINY)
    c["passes"] = passes
    if model is not None:
        c["input_model"] = copy.deepcopy(model)
    return c


def onnx(**p) -> dict:
    return config({"p": p}, model=ONNX_MODEL)


def aimet(**p) -> dict:
    c = onnx(type="AimetQuantization", data_config="calib", **p)
    c["data_configs"] = [DATA]
    return c


# --- AIMET, Vitis AI ---------------------------------------------------------------------------------------------


def test_aimet_technique_unknown_name():
    text, findings = run(aimet(techniques=[{"name": "gptq"}]))
    f = only(findings, "OLV450")
    assert text_at(text, f) == '"gptq"' and f.severity == "error" and "skip this pass" in f.message and "gptq" in f.message
    assert "adaround" in f.fix["replace_value"]
    none_of(aimet(techniques=[{"name": "SeqMSE", "num_candidates": 10}]), "OLV450")


def test_aimet_technique_unknown_argument_and_missing_name():
    text, findings = run(aimet(techniques=[{"name": "lpbq", "bits": 4}]))
    f = only(findings, "OLV450")
    assert text_at(text, f) == '"bits"' and "no argument 'bits'" in f.message
    text, findings = run(aimet(techniques=[{"block_size": 64}]))
    assert "without 'name'" in only(findings, "OLV450").message
    none_of(aimet(techniques=[{"name": "lpbq", "bitwidth": 4, "block_size": 64}]), "OLV450")


def test_aimet_override_precision():
    text, findings = run(aimet(tensor_precision_overrides={"logits": "fp32"}))
    f = only(findings, "OLV451")
    assert text_at(text, f) == '"fp32"' and f.severity == "error" and "logits" in f.message
    none_of(aimet(tensor_precision_overrides={"logits": "int16"}), "OLV451")


def test_vitis_metadata_dtype():
    text, findings = run(onnx(type="VitisAIAddMetaData", activation_type="bf16", weight_type="uint8"))
    f = only(findings, "OLV452")
    assert text_at(text, f) == '"bf16"' and "skip this pass" in f.message and "activation" in f.message
    none_of(onnx(type="VitisAIAddMetaData", activation_type="uint16", weight_type="uint8"), "OLV452")


# --- Quark, ONNX path --------------------------------------------------------------------------------------------


def quark(**p) -> dict:
    return onnx(type="QuarkQuantization", **p)


def test_quark_tensor_value_replaced():
    text, findings = run(quark(global_config={"activation": {"calibration_method": "minmax"}}))
    f = only(findings, "OLV453")
    assert text_at(text, f) == '"minmax"' and f.severity == "warning" and "Percentile" in f.message
    assert "MinMax" in f.fix["replace_value"]
    none_of(quark(global_config={"activation": {"calibration_method": "MinMax", "scale_type": "PowerOf2"}}), "OLV453")


def test_quark_tensor_value_in_a_layer_entry():
    text, findings = run(quark(specific_layer_config=[[{"weight": {"quant_granularity": "PerChannel"}}, ["/MatMul"]]]))
    f = only(findings, "OLV453")
    assert text_at(text, f) == '"PerChannel"' and "specific_layer_config" in f.message


def test_quark_options_read_only_on_the_onnx_path():
    # On an HfModel QuarkQuantization runs Quark-Torch, which reads none of the ONNX options.
    none_of(config({"p": {"type": "QuarkQuantization", "global_config": {"weight": {"scale_type": "pow2"}}}}), "OLV453")


def test_quark_tensor_config_fails():
    text, findings = run(quark(global_config={"weight": {"data_type": "int4", "bits": 4}}))
    data_type, key = find(findings, "OLV454")
    assert text_at(text, data_type) == '"int4"' and "KeyError" in data_type.message
    assert text_at(text, key) == '"bits"' and "TypeError" in key.message
    none_of(quark(global_config={"weight": {"data_type": "UInt8", "symmetric": False}}), "OLV454")


def test_quark_layer_entry_dropped():
    text, findings = run(quark(layer_type_config=[[{"weight": {}}, ["MatMul"], "extra"]]))
    f = only(findings, "OLV455")
    assert f.severity == "warning" and "drop this layer_type_config entry" in f.message
    none_of(quark(layer_type_config=[[{"weight": {}}, ["MatMul"]]]), "OLV455")


def test_quark_layer_activation_ignored():
    text, findings = run(quark(specific_layer_config=[[{"activation": {"data_type": "UInt16"}}, ["/Add"]]]))
    f = only(findings, "OLV456")
    assert text_at(text, f) == '"activation"' and "ignore 'activation'" in f.message
    assert f.fix["replace_key"] == ["input_tensors"]
    # global_config gets activation copied to input_tensors when that is absent.
    none_of(quark(global_config={"activation": {"data_type": "UInt16"}}), "OLV456")
    none_of(quark(specific_layer_config=[[{"input_tensors": {"data_type": "UInt16"}}, ["/Add"]]]), "OLV456")


def test_quark_algorithm_ignored():
    text, findings = run(quark(algo_config=[{"name": "awq"}]))
    f = only(findings, "OLV457")
    assert text_at(text, f) == '"awq"' and "ignore this algorithm" in f.message and "smooth_quant" in f.fix["replace_value"]
    text, findings = run(quark(algo_config=[{"alpha": 0.5}]))
    assert "no 'name'" in only(findings, "OLV457").message
    none_of(quark(algo_config=[{"name": "smooth_quant", "alpha": 0.5}]), "OLV457")


def test_quark_algorithm_option_ignored():
    text, findings = run(quark(algo_config=[{"name": "gptq", "block_size": 128}, {"name": "smooth_quant", "beta": 1}]))
    gptq, smooth = find(findings, "OLV458")
    assert text_at(text, gptq) == '"block_size"' and "gptq" in gptq.message and "does not configure it" in gptq.detail
    assert text_at(text, smooth) == '"beta"'
    none_of(quark(algo_config=[{"name": "cle", "cle_steps": 2}, {"name": "adaround", "num_iterations": 100}]), "OLV458")


def test_quark_extra_option_ignored():
    text, findings = run(quark(extra_options={"TensorQuantOverrides": {"x": {"quant_type": "Int8"}, "y": [{"quant_type": "int8"}]}}))
    shape, quant = find(findings, "OLV459")
    assert "must be a list" in shape.message and text_at(text, quant) == '"int8"' and "unconverted" in quant.message
    text, findings = run(quark(extra_options={"MixedPrecisionTensor": ["Int16"]}))
    assert "must be an object" in only(findings, "OLV459").message
    none_of(quark(extra_options={"TensorQuantOverrides": {"y": [{"quant_type": "Int16"}]}, "ActivationSymmetric": True}), "OLV459")


def test_quark_extra_option_keyerror():
    text, findings = run(quark(extra_options={"MixedPrecisionTensor": {"Int4": ["/a"]}, "TensorQuantOverrides": {"y": [{"scale": 1}]}}))
    mixed, override = find(findings, "OLV460")
    assert text_at(text, mixed) == '"Int4"' and mixed.severity == "error" and "KeyError" in mixed.message
    assert "no quant_type" in override.message
    none_of(quark(extra_options={"MixedPrecisionTensor": {"UInt16": ["/a"]}, "TensorQuantOverrides": {"y": [{"quant_type": "Int8"}]}}), "OLV460")


# --- Quark, torch path -------------------------------------------------------------------------------------------


def test_quark_fake_quantized_export():
    hf = config({"q": {"type": "QuarkQuantization", "export_weight_format": "fake_quantized", "custom_mode": "awq"}})
    text, findings = run(hf)
    f = only(findings, "OLV461")
    assert text_at(text, f) == '"awq"' and f.severity == "error" and "after quantizing" in f.message
    none_of(config({"q": {"type": "QuarkQuantization", "export_weight_format": "fake_quantized"}}), "OLV461")
    none_of(config({"q": {"type": "QuarkQuantization", "custom_mode": "awq"}}), "OLV461")
    # On an ONNX model Quark-ONNX runs, which reads neither.
    none_of(quark(export_weight_format="fake_quantized", custom_mode="awq"), "OLV461")


# --- QNN and QAIRT inputs ----------------------------------------------------------------------------------------


def test_qnn_conversion_on_an_hf_model():
    text, findings = run(config({"c": {"type": "QNNConversion"}}))
    f = only(findings, "OLV462")
    assert text_at(text, f) == '"QNNConversion"' and "gets an HfModel" in f.message and "NotImplementedError" in f.detail
    none_of(config({"c": {"type": "QNNConversion"}}, model=ONNX_MODEL), "OLV462")
    none_of(config({"b": {"type": "OnnxConversion"}, "c": {"type": "QNNConversion"}}), "OLV462")


def test_qairt_htp_needs_preparation():
    text, findings = run(config({"g": {"type": "QairtGenAIBuilder", "backend": "HTP"}}))
    f = only(findings, "OLV462")
    assert "QairtPreparedModel" in f.message and "QairtPreparation" in f.detail
    ok = config({"p": {"type": "QairtPreparation", "script_path": "prep.py"}, "g": {"type": "QairtGenAIBuilder", "backend": "HTP"}})
    none_of(ok, "OLV462")


def test_qairt_cpu_builder_after_preparation():
    c = config({"p": {"type": "QairtPreparation", "script_path": "prep.py"}, "g": {"type": "QairtGenAIBuilder"}})
    text, findings = run(c)
    f = only(findings, "OLV462")
    assert "CPU GenAIBuilder" in f.detail and "a QairtPreparedModel" in f.message
    none_of(config({"g": {"type": "QairtGenAIBuilder"}}), "OLV462")


def test_qairt_passes_need_an_hf_model():
    text, findings = run(config({"p": {"type": "QairtPreparation", "script_path": "prep.py"}}, model=ONNX_MODEL))
    assert "an ONNX model" in only(findings, "OLV462").message
    text, findings = run(config({"p": {"type": "QairtPipelinePass", "recipe": "r.yaml"}}, model=ONNX_MODEL))
    assert "QairtPipelinePass" in only(findings, "OLV462").message


def test_mha2sha_after_a_qairt_pass():
    c = config({"p": {"type": "QairtPipelinePass", "recipe": "r.yaml"}, "m": {"type": "QairtMHA2SHA"}})
    text, findings = run(c)
    f = only(findings, "OLV462")
    assert text_at(text, f) == '"QairtMHA2SHA"' and "a QAIRT model" in f.message
    # After QairtEncapsulation the model is ONNX again; on an HfModel OLV305 speaks.
    c["passes"] = {"p": {"type": "QairtPipelinePass", "recipe": "r.yaml"}, "e": {"type": "QairtEncapsulation"}, "m": {"type": "QairtMHA2SHA"}}
    none_of(c, "OLV462")
    none_of(config({"m": {"type": "QairtMHA2SHA"}}), "OLV462")


# --- QAIRT GenAIBuilder options ----------------------------------------------------------------------------------


def builder(**p) -> dict:
    return config({"p": {"type": "QairtPreparation", "script_path": "prep.py"}, "g": {"type": "QairtGenAIBuilder", **p}})


def test_qairt_htp_only_option_on_the_default_backend():
    text, findings = run(config({"g": {"type": "QairtGenAIBuilder", "vtcm_size_in_mb": 8, "multi_graph": True}}))
    f = only(findings, "OLV463")
    assert text_at(text, f) == "8" and f.severity == "error" and "(the default)" in f.message and "HTP-only" in f.message
    none_of(builder(backend="HTP", vtcm_size_in_mb=8, multi_graph=True), "OLV463")
    none_of(config({"g": {"type": "QairtGenAIBuilder", "num_splits": -1, "native_kv": False}}), "OLV463")


def test_qairt_native_kv_lengths():
    text, findings = run(builder(backend="HTP", native_kv=True, sequence_lengths=[128, 32]))
    f = only(findings, "OLV464")
    assert text_at(text, f).replace(" ", "").replace("\n", "") == "[128,32]" or "[128, 32]" in f.message
    text, findings = run(builder(backend="HTP", native_kv=True))
    assert "not null" in only(findings, "OLV464").message
    none_of(builder(backend="HTP", native_kv=True, sequence_lengths=[32, 128]), "OLV464")


def test_qairt_extended_udma_arch():
    text, findings = run(builder(backend="HTP", extended_udma=True, soc_details="dsp_arch:v73;soc_model:60"))
    f = only(findings, "OLV465")
    assert text_at(text, f) == "true" and f.severity == "warning" and "v73" in f.message
    none_of(builder(backend="HTP", extended_udma=True, soc_details="dsp_arch:v81"), "OLV465")
    none_of(builder(backend="HTP", extended_udma=True, soc_details="chipset:SC8480XP"), "OLV465")


# --- QAIRT files -------------------------------------------------------------------------------------------------


def test_qairt_script_not_py():
    text, findings = run(config({"p": {"type": "QairtPreparation", "script_path": "prepare.sh"}}))
    f = only(findings, "OLV466")
    assert text_at(text, f) == '"prepare.sh"' and f.severity == "error" and ".py" in f.message
    none_of(config({"p": {"type": "QairtPreparation", "script_path": "prepare.py"}}), "OLV466")


def test_qairt_file_not_found(tmp_path):
    path = tmp_path / "olive.json"
    c = config({"p": {"type": "QairtPreparation", "script_path": "missing.py"}, "q": {"type": "QairtPipelinePass", "recipe": "nope.yaml"}})
    text = json.dumps(c, indent=2)
    script, recipe = find(check(text, path=path, env_checks=True), "OLV467")
    assert text_at(text, script) == '"missing.py"' and "does not exist" in script.message
    assert text_at(text, recipe) == '"nope.yaml"'
    (tmp_path / "missing.py").write_text("", encoding="utf-8")
    (tmp_path / "nope.yaml").write_text("", encoding="utf-8")
    assert find(check(text, path=path, env_checks=True), "OLV467") == []


def test_qairt_recipe_model_conflict(tmp_path):
    path = tmp_path / "olive.json"
    (tmp_path / "recipe.yaml").write_text("model_id_or_path: meta-llama/Llama-3.2-1B\nstages: []\n", encoding="utf-8")
    c = config({"q": {"type": "QairtPipelinePass", "recipe": "recipe.yaml"}})
    text = json.dumps(c, indent=2)
    f = only(check(text, path=path, env_checks=True), "OLV468")
    assert text_at(text, f) == '"recipe.yaml"' and "model_id_or_path" in f.message and "Llama-3.2-1B" in f.detail
    (tmp_path / "recipe.yaml").write_text(f"model_id_or_path: {TINY['input_model']['model_path']}\n", encoding="utf-8")
    assert find(check(text, path=path, env_checks=True), "OLV468") == []


# --- the shipped knowledge ---------------------------------------------------------------------------------------


def test_vendor_behaviour_file_matches_olive():
    pytest.importorskip("olive")
    from olive_ls.catalog.vendor_behaviour_generate import default_path, generate, render

    path = default_path()
    if not path.is_file():
        pytest.skip(f"no {path.name} for the installed olive-ai")
    assert render(generate()) == path.read_text(encoding="utf-8")


def test_samples_have_no_vendor_findings():
    for path in sorted((REPO / "samples").glob("**/*.json")):
        findings = check(path.read_text(encoding="utf-8"), path=path)
        assert [f.code for f in findings if "OLV450" <= f.code <= "OLV469"] == [], path


def test_quark_torch_model_type(tmp_path):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "config.json").write_text(json.dumps({"model_type": "bert"}), encoding="utf-8")
    path = tmp_path / "olive.json"
    c = config({"q": {"type": "QuarkQuantization"}}, model={"type": "HfModel", "model_path": "model"})
    text = json.dumps(c, indent=2)
    f = only(check(text, path=path, env_checks=True), "OLV469")
    assert text_at(text, f) == '"QuarkQuantization"' and f.severity == "warning" and "'bert'" in f.message
    (tmp_path / "model" / "config.json").write_text(json.dumps({"model_type": "qwen2"}), encoding="utf-8")
    assert find(check(text, path=path, env_checks=True), "OLV469") == []
    # After a conversion Quark-ONNX runs, which has no templates.
    (tmp_path / "model" / "config.json").write_text(json.dumps({"model_type": "bert"}), encoding="utf-8")
    c["passes"] = {"c": {"type": "OnnxConversion"}, "q": {"type": "QuarkQuantization"}}
    assert find(check(json.dumps(c, indent=2), path=path, env_checks=True), "OLV469") == []


# --- OLV581-OLV582 ---------------------------------------------------------------------------------------------------


def test_vitis_metadata_without_model_attributes():
    text, findings = run(onnx(type="VitisAIAddMetaData"))
    f = only(findings, "OLV581")
    assert text_at(text, f) == '"VitisAIAddMetaData"' and f.severity == "error" and "Model attributes are missing" in f.message
    assert "meta_data.py:95-96" in f.detail
    c = onnx(type="VitisAIAddMetaData")
    c["input_model"]["model_attributes"] = {}
    text, findings = run(c)
    assert text_at(text, only(findings, "OLV581")) == "{}"
    c["input_model"]["model_attributes"] = {"model_type": "llama"}
    none_of(c, "OLV581")
    # after another pass the model's attributes are not followed
    none_of(config({"o": {"type": "OnnxPeepholeOptimizer"}, "m": {"type": "VitisAIAddMetaData"}}, model=ONNX_MODEL), "OLV581")


def test_qairt_cache_dir_off():
    text, findings = run(config({"g": {"type": "QairtGenAIBuilder", "cache_dir": None}}))
    f = only(findings, "OLV582")
    assert text_at(text, f) == "null" and f.severity == "hint" and "without a cache" in f.message
    assert f.fix == {"title": "Remove 'cache_dir'", "delete_property": True}
    text, findings = run(config({"g": {"type": "QairtGenAIBuilder", "cache_dir": ""}}))
    assert text_at(text, only(findings, "OLV582")) == '""'
    none_of(config({"g": {"type": "QairtGenAIBuilder"}}), "OLV582")
    none_of(config({"g": {"type": "QairtGenAIBuilder", "cache_dir": "qairt-cache"}}), "OLV582")
