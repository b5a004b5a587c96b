"""OLV430-OLV446: what the OpenVINO passes decide at run time (docs/olive-runtime-checks.md P223-P245), known before
a run.

Each case: a minimal config, the finding on the value at fault with what Olive will do, and the corrected config
with no finding of that code. The last tests check the module's copies of Olive's enums against the installed Olive.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import TINY, check, find, none_of, only, run, text_at

ONNX_MODEL = {"type": "ONNXModel", "model_path": "model.onnx"}
TORCH_MODEL = {"type": "PyTorchModel", "model_path": "model.pt"}
OV_MODEL = {"type": "OpenVINOModel", "model_path": "ov_model"}


def config(passes: dict, model=None) -> dict:
    c = copy.deepcopy(TINY)
    c["passes"] = passes
    if model is not None:
        c["input_model"] = copy.deepcopy(model)
    return c


def compression(model=None, **params) -> dict:
    return config({"w": {"type": "OpenVINOWeightCompression", **params}}, model)


def optimum(**params) -> dict:
    return config({"o": {"type": "OpenVINOOptimumConversion", **params}})


# --- OpenVINOWeightCompression ------------------------------------------------------------------------------------


def test_nncf_enum_value_unknown_is_a_warning_naming_the_releases():
    text, findings = run(compression(compress_config={"mode": "int5_sym"}))
    f = only(findings, "OLV430")
    assert text_at(text, f) == '"int5_sym"' and f.severity == "warning"
    assert "skip this pass" in f.message and "2.19.0/3.4.0" in f.message
    assert "int4_sym" in f.fix["replace_value"]
    # A value or a name, any case (ov_utils.py:_validate_enum_value).
    none_of(compression(compress_config={"mode": "INT4_SYM", "sensitivity_metric": "weight_quantization_error", "backup_mode": "int8_asym",
                                         "compression_format": "DQ"}), "OLV430")


def test_nncf_enum_value_extra_args_and_advanced():
    text, findings = run(compression(extra_args={"preset": "fast", "advanced_compression_parameters": {"group_size_fallback_mode": "skip"}}))
    assert sorted(text_at(text, f) for f in find(findings, "OLV430")) == ['"fast"', '"skip"']
    none_of(compression(extra_args={"preset": "MIXED", "model_type": "transformer", "advanced_compression_parameters": {"group_size_fallback_mode": "adjust"}}), "OLV430")


def test_nncf_enum_value_not_a_string_is_an_error():
    text, findings = run(compression(compress_config={"mode": 4}))
    f = only(findings, "OLV430")
    assert text_at(text, f) == "4" and f.severity == "error" and "must be a string" in f.message


def test_weight_compression_library():
    text, findings = run(compression(extra_args={"library": "transformer"}))
    f = only(findings, "OLV431")
    assert text_at(text, f) == '"transformer"' and f.severity == "error" and "library 'transformer'" in f.message
    assert f.fix["replace_value"][0] == "transformers"
    none_of(compression(extra_args={"library": "SENTENCE_TRANSFORMERS"}), "OLV431")


def test_advanced_compression_key():
    params = {"awq_params": {"step": 2}, "scale_estimation_params": {"subset_size": 8}, "lora_rank": 4}
    text, findings = run(compression(extra_args={"advanced_compression_parameters": params}))
    found = find(findings, "OLV432")
    assert sorted(text_at(text, f) for f in found) == ['"lora_rank"', '"step"']
    assert all(f.severity == "warning" and "TypeError" in f.message for f in found)
    fixed = {"awq_params": {"steps": 2}, "scale_estimation_params": {"subset_size": 8}, "lora_adapter_rank": 4, "backend_params": {"external_dir": "x"}}
    none_of(compression(extra_args={"advanced_compression_parameters": fixed}), "OLV432")


def test_ignored_scope_without_type():
    text, findings = run(compression(ignored_scope=["MatMul_1"]))
    f = only(findings, "OLV433")
    assert text_at(text, f) == '"ignored_scope"' and f.severity == "error" and "needs ignored_scope_type" in f.message
    assert f.fix["values"] == {"ignored_scope_type": "names"}
    none_of(compression(ignored_scope=["MatMul_1"], ignored_scope_type="names"), "OLV433")


def test_ignored_scope_type_without_scope():
    q = {"type": "OpenVINOQuantization", "data_config": "d", "ignored_scope_type": "types"}
    text, findings = run(config({"q": q}, OV_MODEL))
    f = only(findings, "OLV433")
    assert text_at(text, f) == '"ignored_scope_type"' and "OpenVINOQuantization" in f.message


def test_ignored_scope_lists():
    q = {"type": "OpenVINOQuantizationWithAccuracy", "data_config": "d", "ignored_scope": ["a", "b"], "ignored_scope_type": ["names", "types"]}
    text, findings = run(config({"q": q}, OV_MODEL))
    assert "list of lists (one per type)" in only(findings, "OLV433").message
    q["ignored_scope"] = [["a"]]
    assert "1 lists for 2" in only(run(config({"q": q}, OV_MODEL))[1], "OLV433").message
    q["ignored_scope"], q["ignored_scope_type"] = [["a"], ["b"]], ["names", "names"]
    text, findings = run(config({"q": q}, OV_MODEL))
    f = only(findings, "OLV433")
    assert "unique" in f.message and text_at(text, f) == '"ignored_scope_type"'
    q["ignored_scope_type"] = ["names", "types"]
    none_of(config({"q": q}, OV_MODEL), "OLV433")


def test_weight_compression_input():
    text, findings = run(compression(model=TORCH_MODEL))
    f = only(findings, "OLV434")
    assert text_at(text, f) == '"OpenVINOWeightCompression"' and f.severity == "error" and "PyTorchModel" in f.message
    none_of(compression(), "OLV434")
    none_of(compression(model=ONNX_MODEL), "OLV434")
    convert = {"c": {"type": "OpenVINOConversion"}, "w": {"type": "OpenVINOWeightCompression"}}
    none_of(config(convert, TORCH_MODEL), "OLV434")


def test_openvino_quantization_input():
    q = {"type": "OpenVINOQuantization", "data_config": "d"}
    text, findings = run(config({"q": q}))
    f = only(findings, "OLV435")
    assert text_at(text, f) == '"OpenVINOQuantization"' and f.severity == "error" and "an HfModel" in f.message
    none_of(config({"o": {"type": "OpenVINOOptimumConversion"}, "q": q}), "OLV435")
    none_of(config({"q": q}, ONNX_MODEL), "OLV435")
    none_of(config({"q": q}, OV_MODEL), "OLV435")


def test_encapsulation_after_pytorch_conversion():
    passes = {"c": {"type": "OpenVINOConversion"}, "e": {"type": "OpenVINOEncapsulation"}}
    text, findings = run(config(passes, TORCH_MODEL))
    f = only(findings, "OLV436")
    assert text_at(text, f) == '"OpenVINOEncapsulation"' and f.severity == "warning" and "unnamed" in f.message
    fixed = {"c": {"type": "OpenVINOConversion"}, "u": {"type": "OpenVINOIoUpdate"}, "e": {"type": "OpenVINOEncapsulation"}}
    none_of(config(fixed, TORCH_MODEL), "OLV436")
    none_of(config(passes, ONNX_MODEL), "OLV436")
    none_of(config({"o": {"type": "OpenVINOOptimumConversion"}, "e": {"type": "OpenVINOEncapsulation"}}), "OLV436")


# --- OpenVINOOptimumConversion values -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "owner", "key", "bad", "good"),
    [
        ("OLV437", "extra_args", "library", "Transformers", "transformers"),
        ("OLV438", "extra_args", "framework", "torch", "pt"),
        ("OLV439", "ov_quant_config", "weight_format", "int3", "int4"),
        ("OLV440", "ov_quant_config", "quant_mode", "cb4_f8e4m3", "int4_f8e4m3"),
    ],
)
def test_optimum_values_are_exact(code, owner, key, bad, good):
    text, findings = run(optimum(**{owner: {key: bad}}))
    f = only(findings, code)
    assert text_at(text, f) == f'"{bad}"' and f.severity == "error" and "skip this pass" in f.message
    assert good in f.fix["replace_value"]
    none_of(optimum(**{owner: {key: good}}), code)


def test_optimum_backup_precision():
    text, findings = run(optimum(ov_quant_config={"weight_format": "int4", "backup_precision": "int4_sym"}))
    f = only(findings, "OLV441")
    assert text_at(text, f) == '"int4_sym"' and f.severity == "warning" and "2.19.0/3.4.0" in f.message
    # The comparison is exact: upper case is pruned whatever the nncf release.
    assert only(run(optimum(ov_quant_config={"weight_format": "int4", "backup_precision": "INT8_ASYM"}))[1], "OLV441").severity == "error"
    none_of(optimum(ov_quant_config={"weight_format": "int4", "backup_precision": "int8_asym"}), "OLV441")


# --- OpenVINOOptimumConversion ov_quant_config -------------------------------------------------------------------


def test_ov_quant_config_without_weight_format():
    text, findings = run(optimum(ov_quant_config={"group_size": 128, "ratio": 0.8}))
    f = only(findings, "OLV442")
    assert text_at(text, f) == '"ov_quant_config"' and f.severity == "error" and "no weight_format" in f.message
    assert f.fix["add_keys"] == ["weight_format"]
    none_of(optimum(ov_quant_config={"weight_format": "int4", "group_size": 128, "ratio": 0.8}), "OLV442")
    none_of(optimum(ov_quant_config={"trust_remote_code": True}), "OLV442")


def test_ov_quant_config_without_quant_mode():
    _, findings = run(optimum(ov_quant_config={"smooth_quant_alpha": 0.5}))
    assert "no quant_mode" in only(findings, "OLV442").message


def test_weight_format_and_quant_mode():
    text, findings = run(optimum(ov_quant_config={"weight_format": "int4", "quant_mode": "int8"}))
    f = only(findings, "OLV443")
    assert text_at(text, f) == '"quant_mode"' and f.severity == "error" and "both" in f.message and f.fix["delete_property"]
    _, findings = run(optimum(ov_quant_config={"weight_format": "fp16", "quant_mode": "int8"}))
    f = only(findings, "OLV443")
    assert f.severity == "warning" and "ignore quant_mode" in f.message
    none_of(optimum(ov_quant_config={"weight_format": "int4"}), "OLV443")


def test_full_quantization_fails_with_parameters():
    text, findings = run(optimum(ov_quant_config={"quant_mode": "int8", "dataset": "wikitext2"}))
    f = only(findings, "OLV444")
    assert text_at(text, f) == '"int8"' and f.severity == "error" and "UnboundLocalError" in f.message and "dataset" in f.message


def test_full_quantization_without_default_is_a_warning():
    _, findings = run(optimum(ov_quant_config={"quant_mode": "f8e4m3"}))
    f = only(findings, "OLV444")
    assert f.severity == "warning" and "default f8e4m3 config" in f.message
    c = optimum(ov_quant_config={"quant_mode": "int8"})
    c["input_model"]["model_path"] = "google-t5/t5-small"
    none_of(c, "OLV444")
    none_of(optimum(ov_quant_config={"weight_format": "int8", "dataset": "wikitext2"}), "OLV444")


def test_statistics_path_ignored():
    cfg = {"weight_format": "int4", "group_size": 64, "quantization_statistics_path": "stats"}
    text, findings = run(optimum(ov_quant_config=cfg))
    f = only(findings, "OLV445")
    assert text_at(text, f) == '"quantization_statistics_path"' and f.severity == "warning" and "statistics_path" in f.fix["replace_key"]
    _, findings = run(optimum(ov_quant_config={"weight_format": "nf4", "quantization_statistics_path": "stats"}))
    assert "not nf4" in only(findings, "OLV445").message
    none_of(optimum(ov_quant_config={"weight_format": "int4", "quantization_statistics_path": "stats"}), "OLV445")
    # Without weight_format the pass fails first (OLV442).
    none_of(optimum(ov_quant_config={"quantization_statistics_path": "stats"}), "OLV445")


# --- library inference --------------------------------------------------------------------------------------------


def test_sentence_transformers_library_hint(tmp_path):
    model = tmp_path / "st-model"
    model.mkdir()
    for name in ("config.json", "config_sentence_transformers.json", "modules.json"):
        (model / name).write_text("{}")
    c = optimum()
    c["input_model"]["model_path"] = "st-model"
    path = tmp_path / "config.json"
    text = json.dumps(c, indent=2)
    f = only(check(text, path=path, env_checks=True), "OLV446")
    assert text_at(text, f) == '"OpenVINOOptimumConversion"' and f.severity == "hint" and "sentence-transformers" in f.message
    c["passes"]["o"]["extra_args"] = {"library": "sentence_transformers"}
    assert find(check(json.dumps(c, indent=2), path=path, env_checks=True), "OLV446") == []
    c = optimum()
    c["input_model"]["model_path"] = "sentence-transformers/all-MiniLM-L6-v2"
    assert len(find(check(json.dumps(c, indent=2), env_checks=True), "OLV446")) == 1
    assert find(check(json.dumps(optimum(), indent=2), env_checks=True), "OLV446") == []


# --- the module's copies of Olive's enums ------------------------------------------------------------------------


def test_olive_enums_match_the_installed_olive():
    pytest.importorskip("olive")
    from olive.passes.openvino.optimum_intel import (
        OVOptimumFramework,
        OVQuantMode,
        OVWeightFormat,
    )
    from olive.passes.openvino.ov_utils import OVOptimumLibrary
    from olive_ls.rules import runtime_openvino as ov

    assert ov.OV_LIBRARIES == tuple(m.value for m in OVOptimumLibrary)
    assert all(m.name.lower() == m.value for m in OVOptimumLibrary)  # names are the values upper-cased
    assert ov.OV_FRAMEWORKS == tuple(m.value for m in OVOptimumFramework)
    assert ov.OV_WEIGHT_FORMATS == tuple(m.value for m in OVWeightFormat)
    assert ov.OV_QUANT_MODES == tuple(m.value for m in OVQuantMode)


def test_parameter_lists_match_olive():
    pytest.importorskip("olive")
    from olive.passes.openvino import optimum_intel
    from olive_ls.rules import runtime_openvino as ov

    for key in ov.COMPRESSION_PARAMETERS:
        assert optimum_intel.no_compression_parameter_provided({key: 1}) is False
    for key in ov.QUANTIZATION_PARAMETERS:
        assert optimum_intel.no_quantization_parameter_provided({key: 1}) is False
    others = {k: 1 for k in ("weight_format", "quant_mode", "quantization_statistics_path", "trust_remote_code", "cache_dir")}
    assert optimum_intel.no_compression_parameter_provided(others) and optimum_intel.no_quantization_parameter_provided(others)


def test_the_flow_follows_onnx_conversions_and_stops_where_unknown():
    q = {"type": "OpenVINOQuantization", "data_config": "d"}
    none_of(config({"c": {"type": "OnnxConversion"}, "q": q}), "OLV435")
    none_of(config({"b": {"type": "ModelBuilder", "precision": "int4"}, "w": {"type": "OpenVINOWeightCompression"}}, TORCH_MODEL), "OLV434")
    # An HfModel's outputs are named by its ModelOutput: no OLV436.
    none_of(config({"c": {"type": "OpenVINOConversion"}, "e": {"type": "OpenVINOEncapsulation"}}), "OLV436")
    # A composite model's components are unknown.
    none_of(config({"q": q}, {"type": "CompositeModel", "model_components": [], "model_component_names": []}), "OLV435")
    # use_onnx makes OpenVINOWeightCompression's output an ONNX model or not: not followed.
    use_onnx = {"type": "OpenVINOWeightCompression", "extra_args": {"use_onnx": True}}
    none_of(config({"w": use_onnx, "q": q}), "OLV435")
    none_of(config({"w": {"type": "OpenVINOWeightCompression"}, "q": q}), "OLV435")


# --- OLV586: genai_config_override --------------------------------------------------------------------------------


def encapsulation(override) -> dict:
    return config({"e": {"type": "OpenVINOEncapsulation", "genai_config_override": override}}, model=OV_MODEL)


def test_olv586_override_key_skipped():
    text, findings = run(encapsulation({"search": {"max_lenght": 2048, "top_k": 50}}))
    f = only(findings, "OLV586")
    assert text_at(text, f) == '"max_lenght"' and f.severity == "warning" and "Olive ignores this override" in f.message
    assert "search.max_lenght" in f.message and f.fix["replace_key"][0] == "max_length" and "ov_utils.py:195-207" in f.detail
    text, findings = run(encapsulation({"model": {"decoder": {"session_options": {"intra_op_num_threads": 4}}}}))
    assert text_at(text, only(findings, "OLV586")) == '"intra_op_num_threads"'
    none_of(encapsulation({"search": {"max_length": 2048, "top_k": 50, "do_sample": True}, "model": {"decoder": {"inputs": {"x": "x"}}}}), "OLV586")


def test_olv586_override_type_mismatch():
    text, findings = run(encapsulation({"search": {"do_sample": 1, "temperature": 0.7}}))
    f = only(findings, "OLV586")
    assert text_at(text, f) == "1" and "is a number, genai_config has a boolean" in f.message and f.fix is None
    none_of(encapsulation({"search": {"do_sample": False, "temperature": 1}, "model": {"eos_token_id": [1, 2]}}), "OLV586")


def test_olv586_template_is_olives(tmp_path):
    onnx = pytest.importorskip("onnx")
    pytest.importorskip("olive")
    from types import SimpleNamespace

    from olive.passes.openvino.ov_utils import create_genai_config
    from olive_ls.rules.runtime_openvino import GENAI_TEMPLATE

    graph = onnx.helper.make_graph(
        [onnx.helper.make_node("Identity", ["input_ids"], ["logits"])], "g",
        [onnx.helper.make_tensor_value_info("input_ids", onnx.TensorProto.INT64, [1])],
        [onnx.helper.make_tensor_value_info("logits", onnx.TensorProto.INT64, [1])],
    )
    onnx.save(onnx.helper.make_model(graph), tmp_path / "openvino_model.onnx")
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "llama", "hidden_size": 64, "num_attention_heads": 4}))
    (tmp_path / "generation_config.json").write_text(json.dumps({"eos_token_id": 2}))
    create_genai_config("openvino_model.onnx", str(tmp_path), SimpleNamespace(target_device="cpu", genai_config_override=None))
    generated = json.loads((tmp_path / "genai_config.json").read_text())

    def shape(template, value):
        assert set(template) == set(value)
        for key, default in template.items():
            if isinstance(default, dict):
                shape(default, value[key])
            elif default not in (None, "*", "", []):
                assert value[key] == default and type(value[key]) is type(default), key

    shape(GENAI_TEMPLATE, generated)
