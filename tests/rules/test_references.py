"""OLV5xx: references that must resolve (systems, evaluators, data configs) and the value sets Olive checks.

Each case is a config Olive 0.13.0 rejects (or crashes on) and the same config corrected, which must be clean.
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


def tiny(**changes) -> dict:
    config = copy.deepcopy(TINY)
    config.update(changes)
    return config


LATENCY = {"name": "latency", "type": "latency", "sub_types": [{"name": "avg"}]}


def only(findings, code):
    found = find(findings, code)
    assert len(found) == 1, [(f.code, f.text) for f in findings]
    return found[0]


# --- OLV501 -------------------------------------------------------------------------------------------------------


def test_unknown_host_is_reported_on_the_value_with_a_suggestion():
    text, findings = run(tiny(host="local_sytem"))
    finding = only(findings, "OLV501")
    assert text_at(text, finding) == '"local_sytem"'
    assert finding.severity == "error"
    assert "local_sytem not found in {'local_system': ...}" in finding.text
    assert finding.fix == {"title": "Replace with", "replace_value": ["local_system"]}
    # only the root cause: nothing about the engine or passes cascade
    assert "Invalid engine" not in " ".join(f.text for f in findings)


def test_target_in_engine_and_pass_host_are_checked():
    config = tiny()
    del config["target"]
    config["engine"] = {"target": "gpu_system"}
    config["passes"]["builder"]["host"] = "nowhere"
    text, findings = run(config)
    assert sorted(text_at(text, f) for f in find(findings, "OLV501")) == ['"gpu_system"', '"nowhere"']


def test_host_without_systems_section():
    config = tiny()
    del config["systems"]
    text, findings = run(config)
    assert [text_at(text, f) for f in find(findings, "OLV501")] == ['"local_system"', '"local_system"']
    assert "not found in {}" in find(findings, "OLV501")[0].text


def test_resolving_system_names_are_clean():
    _, findings = run(tiny())
    assert not find(findings, "OLV501")
    # an inline system is not a name
    inline = tiny(target={"type": "LocalSystem"})
    assert not find(run(inline)[1], "OLV501")


# --- OLV502 / OLV514 ----------------------------------------------------------------------------------------------


def test_unknown_engine_evaluator():
    config = tiny(evaluators={"common": {"metrics": [LATENCY]}}, evaluator="comon")
    config["data_configs"] = [{"name": "d", "type": "TransformersTokenDummyDataContainer"}]
    config["evaluators"]["common"]["metrics"][0] = dict(LATENCY, data_config="d")
    text, findings = run(config)
    finding = only(findings, "OLV502")
    assert text_at(text, finding) == '"comon"'
    assert finding.fix["replace_value"] == ["common"]
    config["evaluator"] = "common"
    assert not find(run(config)[1], "OLV502")


def test_unknown_pass_evaluator_and_pass_evaluator_by_name():
    config = tiny(evaluators={"common": {"metrics": [dict(LATENCY, data_config="d")]}})
    config["data_configs"] = [{"name": "d", "type": "TransformersTokenDummyDataContainer"}]
    config["passes"]["builder"]["evaluator"] = "nope"
    text, findings = run(config)
    assert text_at(text, only(findings, "OLV502")) == '"nope"'
    assert not find(findings, "OLV514")
    # a name that exists still crashes Olive 0.13.0 (verified: AttributeError before resolving)
    config["passes"]["builder"]["evaluator"] = "common"
    text, findings = run(config)
    assert not find(findings, "OLV502")
    finding = only(findings, "OLV514")
    assert text_at(text, finding) == '"common"'
    assert "AttributeError: 'str' object has no attribute 'get'" in finding.text
    # the fix it suggests: the engine-level evaluator
    del config["passes"]["builder"]["evaluator"]
    config["evaluator"] = "common"
    findings = run(config)[1]
    assert not find(findings, "OLV514") and not find(findings, "OLV502")


# --- OLV503 / OLV504 ----------------------------------------------------------------------------------------------


def static_quant(**params) -> dict:
    config = tiny()
    config["input_model"] = {"type": "ONNXModel", "model_path": "model.onnx"}
    config["passes"] = {"sq": dict({"type": "OnnxStaticQuantization"}, **params)}
    config["data_configs"] = [{"name": "calib", "type": "DummyDataContainer"}]
    return config


def test_unknown_data_config_in_pass_param():
    text, findings = run(static_quant(data_config="calb"))
    finding = only(findings, "OLV503")
    assert text_at(text, finding) == '"calb"'
    assert "calb not found in {'calib': ...}" in finding.text
    assert finding.fix["replace_value"] == ["calib"]
    assert not find(run(static_quant(data_config="calib"))[1], "OLV503")


def test_unknown_data_config_nested_in_pass_config_and_in_metric():
    config = static_quant(data_config="calib")
    config["passes"]["sq"]["config"] = {"extra": {"my_data_config": "missing"}}
    config["evaluators"] = {"e": {"metrics": [dict(LATENCY, data_config="evl")]}}
    text, findings = run(config)
    assert sorted(text_at(text, f) for f in find(findings, "OLV503")) == ['"evl"', '"missing"']


def test_inline_data_config_is_a_warning():
    inline = {"name": "calib2", "type": "DummyDataContainer"}
    text, findings = run(static_quant(data_config=inline))
    finding = only(findings, "OLV504")
    assert finding.severity == "warning"
    start = finding.range.start
    line = text.splitlines()[start.line]
    assert line[start.character] == "{" and line.strip().startswith('"data_config"')
    assert "Inline data configs are not supported" in finding.text
    assert not find(run(static_quant(data_config="calib"))[1], "OLV504")


# --- OLV505 / OLV506 / OLV512 -------------------------------------------------------------------------------------


def test_duplicate_data_config_name():
    config = static_quant(data_config="calib")
    config["data_configs"].append({"name": "calib", "type": "DummyDataContainer"})
    text, findings = run(config)
    finding = only(findings, "OLV505")
    assert text_at(text, finding) == '"calib"'
    assert "Data config name calib is duplicated" in finding.text
    # it is the second one
    second_line = [i for i, line in enumerate(text.splitlines()) if '"name": "calib"' in line][1]
    assert finding.range.start.line == second_line
    config["data_configs"][1]["name"] = "calib_2"
    assert not find(run(config)[1], "OLV505")


def test_invalid_data_config_name():
    config = static_quant(data_config="speech_commands_v0.02")
    config["data_configs"][0]["name"] = "speech_commands_v0.02"
    text, findings = run(config)
    finding = only(findings, "OLV506")
    assert text_at(text, finding) == '"speech_commands_v0.02"'
    assert "should only contain letters, numbers and underscore" in finding.text
    assert finding.fix["replace_value"] == ["speech_commands_v0_02"]
    config["data_configs"][0]["name"] = config["passes"]["sq"]["data_config"] = "speech_commands_v0_02"
    assert not find(run(config)[1], "OLV506")


def test_unknown_data_container_and_component():
    config = static_quant(data_config="calib")
    config["data_configs"][0] = {
        "name": "calib",
        "type": "HuggingFaceContainr",
        "load_dataset_config": {"type": "huggingface_datasets"},
    }
    text, findings = run(config)
    found = find(findings, "OLV512")
    assert sorted(text_at(text, f) for f in found) == ['"HuggingFaceContainr"', '"huggingface_datasets"']
    assert any("HuggingfaceContainer" in f.fix["replace_value"] for f in found)
    # types compare without case, as Olive's registry does
    config["data_configs"][0] = {"name": "calib", "type": "huggingfacecontainer", "load_dataset_config": {"type": "HuggingFace_Dataset"}}
    assert not find(run(config)[1], "OLV512")
    # a user_script may register its own
    config["data_configs"][0] = {"name": "calib", "type": "MyContainer", "user_script": "x.py"}
    assert not find(run(config)[1], "OLV512")


# --- OLV507 / OLV511 ----------------------------------------------------------------------------------------------


def test_search_without_evaluator():
    text, findings = run(tiny(search_strategy={"execution_order": "joint", "sampler": "tpe"}))
    finding = only(findings, "OLV507")
    assert text_at(text, finding) == '"search_strategy"'
    assert "Can't search without a valid evaluator config" in finding.text
    text, findings = run(tiny(engine={"search_strategy": True}))
    assert text_at(text, only(findings, "OLV507")) == '"search_strategy"'
    # off, or with the engine's evaluator: fine
    assert not find(run(tiny(search_strategy=False))[1], "OLV507")
    config = tiny(
        search_strategy=True,
        evaluators={"e": {"metrics": [dict(LATENCY, data_config="d")]}},
        evaluator="e",
        data_configs=[{"name": "d", "type": "TransformersTokenDummyDataContainer"}],
    )
    assert not find(run(config)[1], "OLV507")


def test_unknown_sampler_and_missing_sampler():
    base = dict(
        evaluators={"e": {"metrics": [dict(LATENCY, data_config="d")]}},
        evaluator="e",
        data_configs=[{"name": "d", "type": "TransformersTokenDummyDataContainer"}],
    )
    text, findings = run(tiny(search_strategy={"execution_order": "joint", "sampler": "bayes"}, **base))
    finding = only(findings, "OLV511")
    assert text_at(text, finding) == '"bayes"'
    assert "Unknown sampler: bayes" in finding.text
    text, findings = run(tiny(search_strategy={"execution_order": "joint", "sampler": "exhaustive"}, **base))
    assert only(findings, "OLV511").fix["replace_value"] == ["sequential"]
    text, findings = run(tiny(search_strategy={"execution_order": "joint"}, **base))
    finding = only(findings, "OLV511")
    assert text_at(text, finding) == '"search_strategy"'
    assert "KeyError: None" in finding.text
    assert not find(run(tiny(search_strategy={"execution_order": "joint", "sampler": "tpe"}, **base))[1], "OLV511")


# --- OLV508 -------------------------------------------------------------------------------------------------------


def test_data_required_pass_without_data():
    config = static_quant()
    text, findings = run(config)
    finding = only(findings, "OLV508")
    assert text_at(text, finding) == '"OnnxStaticQuantization"'
    assert '"data_config": "calib"' in finding.text
    assert not find(run(static_quant(data_config="calib"))[1], "OLV508")


def test_pass_with_required_data_param_is_left_to_the_passes_rules():
    config = tiny()
    config["passes"] = {"q": {"type": "IncStaticQuantization"}}  # data_config is a required parameter
    assert not find(run(config)[1], "OLV508")


# --- OLV509 -------------------------------------------------------------------------------------------------------


def test_llm_latency_without_data_config():
    config = tiny(evaluators={"e": {"metrics": [LATENCY]}}, evaluator="e")
    text, findings = run(config)
    finding = only(findings, "OLV509")
    assert text_at(text, finding) == '"latency"'
    assert "Model input shapes are not static" in finding.text
    assert finding.fix["add_data_config"] == {"name": "dummy", "type": "TransformersTokenDummyDataContainer"}
    assert finding.fix["metric_path"] == ["evaluators", "e", "metrics", 0]
    fixed = copy.deepcopy(config)
    fixed["data_configs"] = [{"name": "dummy", "type": "TransformersTokenDummyDataContainer"}]
    fixed["evaluators"]["e"]["metrics"][0]["data_config"] = "dummy"
    assert not find(run(fixed)[1], "OLV509")


def test_llm_latency_rule_needs_a_used_evaluator_and_a_generation_task():
    unused = tiny(evaluators={"e": {"metrics": [LATENCY]}})
    assert not find(run(unused)[1], "OLV509")
    classifier = tiny(evaluators={"e": {"metrics": [LATENCY]}}, evaluator="e")
    classifier["input_model"] = dict(classifier["input_model"], task="text-classification")
    assert not find(run(classifier)[1], "OLV509")
    taken = tiny(evaluators={"e": {"metrics": [LATENCY]}}, evaluator="e", data_configs=[{"name": "dummy", "type": "DummyDataContainer"}])
    assert only(run(taken)[1], "OLV509").fix["add_data_config"]["name"] == "dummy2"


# --- OLV510 -------------------------------------------------------------------------------------------------------


def test_unknown_metric_type_and_sub_type():
    config = tiny(evaluators={"e": {"metrics": [{"name": "m", "type": "speech_accuracy", "sub_types": [{"name": "wer"}]}]}})
    text, findings = run(config)
    finding = only(findings, "OLV510")
    assert text_at(text, finding) == '"speech_accuracy"'
    assert finding.fix["replace_value"] == ["accuracy"]
    config["evaluators"]["e"]["metrics"][0]["type"] = "latency"
    config["evaluators"]["e"]["metrics"][0]["sub_types"] = [{"name": "average"}]
    text, findings = run(config)
    finding = only(findings, "OLV510")
    assert text_at(text, finding) == '"average"'
    assert "sub_type average is not in ['AVG', 'MAX'" in finding.text
    config["evaluators"]["e"]["metrics"][0]["sub_types"] = [{"name": "avg"}, {"name": "p90"}]
    assert not find(run(config)[1], "OLV510")


def test_metric_type_compares_with_case_and_custom_is_free():
    config = tiny(evaluators={"e": {"metrics": [{"name": "m", "type": "Latency", "sub_types": [{"name": "AVG"}]}]}})
    found = find(run(config)[1], "OLV510")
    assert [f.fix["replace_value"] for f in found] == [["latency"]]
    config["evaluators"]["e"]["metrics"][0] = {"name": "m", "type": "custom", "sub_types": [{"name": "anything"}]}
    assert not find(run(config)[1], "OLV510")


def test_metric_given_by_name_is_an_error_on_the_name():
    config = tiny(evaluators={"e": {"metrics": ["speech_accuracy"]}})
    text, findings = run(config)
    finding = only(findings, "OLV510")
    assert text_at(text, finding) == '"speech_accuracy"'
    assert "Invalid type" in finding.text


# --- OLV513 -------------------------------------------------------------------------------------------------------


def test_unknown_evaluator_type():
    config = tiny(evaluators={"e": {"type": "OnnxEvaluatr", "metrics": [dict(LATENCY, data_config="d")]}})
    config["data_configs"] = [{"name": "d", "type": "TransformersTokenDummyDataContainer"}]
    text, findings = run(config)
    finding = only(findings, "OLV513")
    assert text_at(text, finding) == '"OnnxEvaluatr"'
    assert "Invalid/unknown evaluator type: OnnxEvaluatr" in finding.text
    assert "OnnxEvaluator" in finding.fix["replace_value"]
    config["evaluators"]["e"]["type"] = "OnnxEvaluator"
    assert not find(run(config)[1], "OLV513")
    config["evaluators"]["e"]["type"] = "onnxevaluator"  # Olive's evaluator registry compares with case
    assert find(run(config)[1], "OLV513")


# --- robustness ---------------------------------------------------------------------------------------------------


HALF_TYPED = [
    '{"input_model": {"type": "HfModel"}, "host": ',
    '{"input_model": {}, "systems": [], "host": 3, "evaluator": {"metrics": "x"}}',
    '{"input_model": {}, "data_configs": {"a": 1}, "evaluators": [], "passes": {"p": [1, null, {"type": 3}]}}',
    '{"input_model": {}, "data_configs": [null, 1, {"name": 2}], "search_strategy": {"sampler": null}}',
    '{"input_model": {}, "evaluators": {"e": null, "f": {"metrics": [null, {"type": null, "sub_types": [1, {"name": 5}]}]}}}',
    "input_model:\n  type: HfModel\nsearch_strategy:\n  sampler:\n",
]


def test_half_typed_configs_never_break_the_rules():
    from olive_ls.rules.registry import load_rules

    for text in HALF_TYPED:
        language = "yaml" if not text.startswith("{") else "json"
        # the engine swallows rule exceptions: call the rules directly so an exception fails the test
        from olive_ls.catalog import load_catalog
        from olive_ls.document.parse import parse_document
        from olive_ls.rules.registry import RuleContext
        from olive_ls.model.view import build_view

        doc = parse_document(text, language)
        if doc.root is None or not doc.root.is_object:
            continue
        ctx = RuleContext(doc=doc, view=build_view(doc.root), catalog=load_catalog("0.13.0"))
        for code, rule in load_rules().items():
            if rule.family == "references":
                list(rule.check(ctx))
