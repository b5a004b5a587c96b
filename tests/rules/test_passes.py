"""OLV3xx: pass types, parameters, values and the model format flowing through the passes."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import TINY, check, find, text_at  # noqa: E402


def run(config: dict):
    text = json.dumps(config, indent=2)
    return text, check(text)


def with_passes(passes: dict, **changes) -> dict:
    config = copy.deepcopy(TINY)
    config["passes"] = passes
    config.update(changes)
    return config


def only(findings, code):
    found = find(findings, code)
    assert len(found) == 1, [(f.code, f.text) for f in findings]
    return found[0]


def family(findings):
    return [(f.code, f.text) for f in findings if f.code.startswith("OLV3")]


BUILDER = {"type": "ModelBuilder", "precision": "int4"}
ONNX_INPUT = {"type": "ONNXModel", "model_path": "model.onnx"}


def test_tiny_config_is_clean():
    _, findings = run(copy.deepcopy(TINY))
    assert family(findings) == []


# --- OLV301 -------------------------------------------------------------------------------------------------------


def test_misspelled_pass_type():
    text, findings = run(with_passes({"b": BUILDER, "q": {"type": "OnnxDynamicQuantisation"}}))
    finding = only(findings, "OLV301")
    assert text_at(text, finding) == '"OnnxDynamicQuantisation"'
    assert "Package configuration for pass of type 'onnxdynamicquantisation' not found" in finding.text
    assert finding.fix["replace_value"][0] == "OnnxDynamicQuantization"
    _, fixed = run(with_passes({"b": BUILDER, "q": {"type": "onnxdynamicquantization"}}))  # any case is fine
    assert find(fixed, "OLV301") == []


def test_pass_type_from_a_newer_release():
    text, findings = run(with_passes({"q": {"type": "QuarkQuantizationVitisAI"}}))
    finding = only(findings, "OLV301")
    assert "newer Olive release" in finding.text
    assert "QuarkQuantization" in finding.fix["replace_value"]


def test_unknown_pass_type_in_yaml():
    text = "input_model:\n  type: HfModel\n  model_path: gpt2\npasses:\n  mg:\n    type: RyzenGenerateModelLLM\n"
    findings = check(text, language="yaml")
    assert text_at(text, only(findings, "OLV301")) == "RyzenGenerateModelLLM"


# --- OLV302 -------------------------------------------------------------------------------------------------------


def test_misspelled_parameter_flat_and_nested():
    passes = {"b": {"type": "ModelBuilder", "precision": "int4", "int4_blocksize": 32}}
    text, findings = run(with_passes(passes))
    finding = only(findings, "OLV302")
    assert text_at(text, finding) == '"int4_blocksize"'
    assert "Keys {'int4_blocksize'} are not part of ModelBuilderConfig. Ignoring them." in finding.text
    assert finding.fix["replace_key"][0] == "int4_block_size"
    _, findings = run(with_passes({"b": {"type": "ModelBuilder", "config": {"precision": "int4", "int4_blocksize": 32}}}))
    assert len(find(findings, "OLV302")) == 1
    _, fixed = run(with_passes({"b": {"type": "ModelBuilder", "precision": "int4", "int4_block_size": 32}}))
    assert find(fixed, "OLV302") == []


def test_unknown_parameter_in_yaml():
    text = "input_model:\n  type: HfModel\n  model_path: gpt2\npasses:\n  b:\n    type: ModelBuilder\n    precision: int4\n    int4_blocksize: 32\n"
    findings = check(text, language="yaml")
    assert text_at(text, only(findings, "OLV302")) == "int4_blocksize"


# --- OLV303 -------------------------------------------------------------------------------------------------------


def test_missing_required_parameter_flat_and_nested():
    text, findings = run(with_passes({"builder": {"type": "ModelBuilder"}}))
    finding = only(findings, "OLV303")
    assert text_at(text, finding) == '"builder"'
    assert "ModelBuilderConfig / precision / Field required" in finding.text
    assert finding.fix == {"title": "Add 'precision'", "add_keys": ["precision"], "object_path": ["passes", "builder"]}
    text, findings = run(with_passes({"builder": {"type": "ModelBuilder", "config": {"int4_block_size": 32}}}))
    finding = only(findings, "OLV303")
    assert text_at(text, finding) == '"config"'
    assert finding.fix["object_path"] == ["passes", "builder", "config"]
    _, fixed = run(with_passes({"builder": BUILDER}))
    assert find(fixed, "OLV303") == []


def test_missing_data_config_is_left_to_the_reference_rules():
    _, findings = run(with_passes({"l": {"type": "LoRA"}}))
    assert find(findings, "OLV303") == []


# --- OLV304 -------------------------------------------------------------------------------------------------------


def test_value_outside_enum_and_wrong_type():
    passes = {"b": {"type": "ModelBuilder", "precision": "int3", "int4_block_size": 48}, "c": {"type": "GraphSurgeries", "surgeries": "x"}}
    text, findings = run(with_passes(passes))
    found = {text_at(text, f): f for f in find(findings, "OLV304")}
    assert set(found) == {'"int3"', "48", '"x"'}
    assert "16, 32, 64, 128, 256" in found["48"].text
    assert "int4" in found['"int3"'].fix["replace_value"]
    assert "a list" in found['"x"'].text
    passes = {"b": {"type": "ModelBuilder", "precision": "int4", "int4_block_size": 64}, "c": {"type": "GraphSurgeries", "surgeries": []}}
    _, fixed = run(with_passes(passes))
    assert find(fixed, "OLV304") == []


def test_precision_is_case_sensitive():
    text, findings = run(with_passes({"b": {"type": "ModelBuilder", "precision": "INT4"}}))
    assert text_at(text, only(findings, "OLV304")) == '"INT4"'


def test_nested_value_is_reported_where_it_is():
    text, findings = run(with_passes({"b": BUILDER, "d": {"type": "DynamicToFixedShape", "dim_param": ["batch"], "dim_value": ["one"]}}))
    finding = only(findings, "OLV304")
    assert text_at(text, finding) == '"one"'
    assert "'dim_value[0]' of DynamicToFixedShape should be an integer" in finding.text


def test_values_pydantic_accepts_are_not_reported():
    passes = {
        "b": {"type": "ModelBuilder", "precision": "int4", "int4_accuracy_level": 4.0, "exclude_embeds": "true", "int4_block_size": "DEFAULT_VALUE"},
        "o": {"type": "OrtTransformersOptimization", "opt_level": "1", "float16": 0, "num_heads": True},
        "s": {"type": "OnnxStaticQuantization", "quant_format": {"olive_parameter_type": "SearchParameter", "type": "Categorical", "support": ["QDQ"]}},
    }
    _, findings = run(with_passes(passes, search_strategy={"execution_order": "joint", "sampler": "tpe"}))
    assert find(findings, "OLV304") == []


def test_required_parameter_cannot_be_default_value():
    text, findings = run(with_passes({"b": {"type": "ModelBuilder", "precision": "DEFAULT_VALUE"}}))
    finding = only(findings, "OLV304")
    assert "precision is required and cannot be set to DEFAULT_VALUE" in finding.text


# --- OLV305, OLV306 -------------------------------------------------------------------------------------------------


def test_onnx_pass_on_hf_model_without_conversion():
    text, findings = run(with_passes({"q": {"type": "OnnxDynamicQuantization"}, "b": BUILDER}))
    finding = only(findings, "OLV305")
    assert text_at(text, finding) == '"OnnxDynamicQuantization"'
    assert "IsADirectoryError" in finding.text
    _, fixed = run(with_passes({"b": BUILDER, "q": {"type": "OnnxDynamicQuantization"}}))
    assert find(fixed, "OLV305") == []


def test_pytorch_passes_keep_the_model_format():
    passes = {"g": {"type": "Gptq"}, "q": {"type": "OnnxPeepholeOptimizer"}}
    _, findings = run(with_passes(passes))
    assert len(find(findings, "OLV305")) == 1
    passes = {"g": {"type": "Gptq"}, "c": {"type": "OnnxConversion"}, "q": {"type": "OnnxPeepholeOptimizer"}}
    _, findings = run(with_passes(passes))
    assert find(findings, "OLV305") == []


def test_passes_of_other_formats_stop_the_check():
    passes = {"ov": {"type": "OpenVINOOptimumConversion"}, "e": {"type": "OpenVINOEncapsulation"}, "q": {"type": "OnnxPeepholeOptimizer"}}
    _, findings = run(with_passes(passes))
    assert find(findings, "OLV305") == []


def test_model_builder_after_conversion_or_on_onnx_input():
    text, findings = run(with_passes({"c": {"type": "OnnxConversion"}, "b": BUILDER}))
    finding = only(findings, "OLV306")
    assert text_at(text, finding) == '"ModelBuilder"'
    assert "model building is available only with HfModel as input." in finding.text
    _, findings = run(with_passes({"b": BUILDER}, input_model=ONNX_INPUT))
    assert len(find(findings, "OLV306")) == 1
    _, fixed = run(with_passes({"b": {**BUILDER, "metadata_only": True}}, input_model=ONNX_INPUT))
    assert find(fixed, "OLV306") == []


def test_metadata_only_on_hf_model():
    text, findings = run(with_passes({"b": {**BUILDER, "metadata_only": True}}))
    finding = only(findings, "OLV306")
    assert text_at(text, finding) == "true"
    assert "metadata_only option is available only with ONNXModel as input." in finding.text


# --- OLV307 -------------------------------------------------------------------------------------------------------


def test_parameter_flat_and_nested():
    text, findings = run(with_passes({"b": {"type": "ModelBuilder", "precision": "fp32", "config": {"precision": "int4"}}}))
    finding = only(findings, "OLV307")
    assert text_at(text, finding) == '"precision"'
    assert finding.severity == "warning"
    assert "field 'precision' is already defined in 'config'. Ignoring." in finding.text
    # the flat one is the one dropped: the finding is on the first (flat) occurrence
    nested_line = next(i for i, line in enumerate(text.splitlines()) if '"precision": "int4"' in line)
    assert finding.range.start.line < nested_line
    _, fixed = run(with_passes({"b": {"type": "ModelBuilder", "config": {"precision": "int4"}}}))
    assert find(fixed, "OLV307") == []


# --- OLV308 -------------------------------------------------------------------------------------------------------


def test_searchable_values_without_search():
    passes = {"b": {"type": "ModelBuilder", "precision": "int4", "int4_block_size": "SEARCHABLE_VALUES"}}
    text, findings = run(with_passes(passes))
    finding = only(findings, "OLV308")
    assert text_at(text, finding) == '"SEARCHABLE_VALUES"'
    assert "You cannot disable search for modelbuilder and set {'int4_block_size'} to SEARCHABLE_VALUES" in finding.text
    _, fixed = run(with_passes(passes, search_strategy={"execution_order": "joint", "sampler": "tpe"}))
    assert find(fixed, "OLV308") == []
    _, off = run(with_passes(passes, search_strategy=False))
    assert len(find(off, "OLV308")) == 1


# --- OLV309 -------------------------------------------------------------------------------------------------------


def test_passes_as_a_list():
    config = copy.deepcopy(TINY)
    config["passes"] = [BUILDER]
    text, findings = run(config)
    finding = only(findings, "OLV309")
    assert text.splitlines()[finding.range.start.line][finding.range.start.character] == "["
    assert "'list' object has no attribute 'items'" in finding.text
    assert find(findings, "OLV101") == []  # the generic schema finding at the same place is replaced


# --- robustness -----------------------------------------------------------------------------------------------------


HALF_TYPED = [
    '{"input_model": {"type": "HfModel"}, "passes": {"b": {"type": "ModelBuilder", "precision": ',
    '{"passes": {"b": {"type": "ModelBuilder", "config": 3, "precision": {"x": [1]}}, "c": [null, 2, {"type": 1}]}}',
    '{"input_model": {"type": null}, "passes": {"b": {"type": "DynamicToFixedShape", "dim_value": [[], {}], "config": {"dim_param": null}}}}',
    '{"passes": {"b": {"type": "ModelBuilder", "metadata_only": [], "precision": "SEARCHABLE_VALUES"}}, "search_strategy": 1}',
    '{"passes": []}',
    '{"passes": {"": {}}, "input_model": {"type": "ONNXModel"}}',
]


def test_half_typed_configs_do_not_break_the_rules(caplog):
    caplog.set_level("ERROR", logger="olive_ls.rules.engine")
    for text in HALF_TYPED:
        check(text)
        check(text.replace('"', ""), language="yaml")
    failed = [r.getMessage() for r in caplog.records if "OLV3" in r.getMessage()]
    assert failed == []


# --- the value check against Olive's own pass config classes ----------------------------------------------------------

PROBES = ["true", "yes", "1", "4", " 4 ", "4.0", 1, 0, 4, 1.0, 1.5, True, False, "abc", "int4", "INT4", "QDQ", "qdq", [], ["a"], [1], [[1]], {}, {"a": 1}, None]


@pytest.mark.olive
def test_value_check_agrees_with_olive_pydantic_classes():
    """OLV304 accepts every value Olive's pass config class accepts (no false positives), and rejects the rest."""
    olive_pkg = pytest.importorskip("olive.package_config")
    accelerator = pytest.importorskip("olive.hardware.accelerator")
    import logging
    import warnings

    from olive_ls.catalog import load_catalog
    from olive_ls.model.olive import olive_model
    from olive_ls.rules import passes as rules

    model = olive_model(load_catalog("0.13.0"))
    lookups = rules.lookups(model)
    package = olive_pkg.OlivePackageConfig.load_default_config()
    spec = accelerator.AcceleratorSpec(accelerator.Device.CPU, "CPUExecutionProvider")
    disagreements = []
    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for name in model.pass_names:
                config_class = package.import_pass_module(name).get_config_class(spec, disable_search=True)
                config_class = config_class[0] if isinstance(config_class, tuple) else config_class
                for param, info in model.passes[name].parameters.items():
                    if info.raw.get("category") == "object" or info.is_data_config:
                        continue  # names of user_script functions / data configs: not OLV304's
                    validator = lookups.validator(model, name, param)
                    for value in PROBES:
                        try:
                            config_class.model_validate({param: value})
                            olive_ok = True
                        except Exception as error:  # noqa: BLE001
                            errors = error.errors() if hasattr(error, "errors") else None
                            if not errors or not any(e["loc"] for e in errors):
                                continue  # a model-level validator or a crash: not a verdict on this value
                            olive_ok = not any(e["loc"][0] == param for e in errors)
                        ours_ok = validator is None or not list(validator.iter_errors(value))
                        if olive_ok != ours_ok:
                            disagreements.append((name, param, value, olive_ok))
    finally:
        logging.disable(logging.NOTSET)
    assert disagreements == []
