"""OLV2xx: config forms of older Olive releases, each with what 0.13.0 does with it and the current form."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import TINY, check, find, text_at  # noqa: E402

MIGRATE = {"title": "Migrate config to Olive 0.13.0", "migrate": True}

# The seed tutorial's config (facts §3.4): old model form, search_algorithm, latency metric without data.
TUTORIAL = {
    "input_model": {
        "type": "PyTorchModel",
        "config": {"hf_config": {"model_name": "Qwen/Qwen2.5-0.5B-Instruct", "task": "text-generation"}},
    },
    "systems": {
        "local_system": {
            "type": "LocalSystem",
            "config": {"accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}]},
        }
    },
    "evaluators": {"common_evaluator": {"metrics": [{"name": "latency", "type": "latency", "sub_types": [{"name": "avg"}]}]}},
    "passes": {
        "conversion": {"type": "ModelBuilder", "config": {"precision": "int4"}},
        "optimization": {"type": "OrtTransformersOptimization", "config": {"model_type": "gpt2"}},
    },
    "engine": {
        "search_strategy": {"execution_order": "joint", "search_algorithm": "tpe"},
        "evaluator": "common_evaluator",
        "host": "local_system",
        "target": "local_system",
        "cache_dir": "cache",
        "output_dir": "models/optimized",
    },
}


def run(config: dict):
    text = json.dumps(config, indent=2)
    return text, check(text)


def tiny(**changes) -> dict:
    config = copy.deepcopy(TINY)
    config.update(changes)
    return config


def only(findings, code):
    found = find(findings, code)
    assert len(found) == 1, [(f.code, f.text) for f in findings]
    return found[0]


def family(findings):
    return [(f.code, f.text) for f in findings if f.code.startswith("OLV2")]


def test_tiny_config_is_clean():
    _, findings = run(tiny())
    assert family(findings) == []


# --- the tutorial ---------------------------------------------------------------------------------------------------


def test_tutorial_config_gets_a_migration_hint_on_each_old_key():
    text, findings = run(copy.deepcopy(TUTORIAL))
    model = only(findings, "OLV201")
    assert text_at(text, model) == '"hf_config"'
    assert "TypeError: PyTorchModelHandler.__init__() got an unexpected keyword argument 'hf_config'" in model.text
    assert '{"type": "HfModel", "model_path": "Qwen/Qwen2.5-0.5B-Instruct", "task": "text-generation"}' in model.text
    assert model.fix == MIGRATE
    search = only(findings, "OLV202")
    assert text_at(text, search) == '"search_algorithm"'
    assert "KeyError: None" in search.text and "sampler" in search.text
    assert search.fix == {"title": "Rename to 'sampler'", "replace_key": ["sampler"]}


def test_migrated_tutorial_has_no_legacy_findings():
    config = copy.deepcopy(TUTORIAL)
    config["input_model"] = {"type": "HfModel", "model_path": "Qwen/Qwen2.5-0.5B-Instruct", "task": "text-generation"}
    config["engine"]["search_strategy"] = {"execution_order": "joint", "sampler": "tpe", "max_samples": 3}
    _, findings = run(config)
    assert family(findings) == []


# --- OLV201 -------------------------------------------------------------------------------------------------------


def test_hf_model_with_model_name_gets_a_rename():
    text, findings = run(tiny(input_model={"type": "HfModel", "model_name": "gpt2", "model_loading_args": {"trust_remote_code": True}}))
    by_text = {text_at(text, f): f for f in find(findings, "OLV201")}
    assert by_text['"model_name"'].fix == {"title": "Rename to 'model_path'", "replace_key": ["model_path"]}
    assert by_text['"model_loading_args"'].fix == {"title": "Rename to 'load_kwargs'", "replace_key": ["load_kwargs"]}
    assert "HfModelHandler.__init__() got an unexpected keyword argument 'model_name'" in by_text['"model_name"'].text
    assert '"load_kwargs": {"trust_remote_code": true}' in by_text['"model_name"'].text


def test_pytorch_model_for_a_hub_model_without_loader():
    text, findings = run(tiny(input_model={"type": "PyTorchModel", "model_path": "microsoft/phi-2"}))
    finding = only(findings, "OLV201")
    assert text_at(text, finding) == '"PyTorchModel"'
    assert "model_loader is required for PyTorchModelHandler" in finding.text
    assert finding.fix == {"title": "Replace with", "replace_value": ["HfModel"]}
    _, fine = run(tiny(input_model={"type": "PyTorchModel", "model_path": "m.pt", "model_script": "s.py", "model_loader": "load"}))
    assert find(fine, "OLV201") == []
    _, torchscript = run(tiny(input_model={"type": "PyTorchModel", "model_path": "m.pt", "model_file_format": "PyTorch.TorchScript"}))
    assert find(torchscript, "OLV201") == []


def test_old_model_form_in_yaml():
    text = """\
input_model:
  type: PyTorchModel
  config:
    hf_config:
      model_name: gpt2
      task: text-generation
passes:
  builder:
    type: ModelBuilder
    precision: int4
"""
    findings = check(text, language="yaml")
    assert text_at(text, only(findings, "OLV201")) == "hf_config"
    fixed = "input_model:\n  type: HfModel\n  model_path: gpt2\npasses:" + text.split("passes:", 1)[1]
    assert family(check(fixed, language="yaml")) == []


# --- OLV202 -------------------------------------------------------------------------------------------------------


def test_old_search_keys_and_exhaustive():
    config = tiny(
        search_strategy={"execution_order": "joint", "search_algorithm": "exhaustive", "search_algorithm_config": {"num_samples": 5}}
    )
    text, findings = run(config)
    found = {text_at(text, f): f for f in find(findings, "OLV202")}
    assert set(found) == {'"search_algorithm"', '"exhaustive"', '"search_algorithm_config"', '"num_samples"'}
    assert found['"exhaustive"'].fix == {"title": "Replace with 'sequential'", "replace_value": ["sequential"]}
    assert found['"num_samples"'].fix["replace_key"] == ["max_samples"]
    assert all(f.severity == "error" for f in found.values())


def test_leftover_old_key_next_to_sampler_is_a_warning():
    text, findings = run(tiny(search_strategy={"execution_order": "joint", "sampler": "tpe", "num_samples": 5}))
    finding = only(findings, "OLV202")
    assert finding.severity == "warning"
    assert "exhaustive" in finding.text
    _, fixed = run(tiny(search_strategy={"execution_order": "joint", "sampler": "tpe", "max_samples": 5}))
    assert find(fixed, "OLV202") == []


# --- OLV203, OLV204 -------------------------------------------------------------------------------------------------


def test_engine_execution_providers():
    config = tiny()
    config["engine"] = {"execution_providers": ["CUDAExecutionProvider"]}
    text, findings = run(config)
    finding = only(findings, "OLV203")
    assert text_at(text, finding) == '"execution_providers"'
    assert "engine.execution_providers  Extra inputs are not permitted" in finding.text
    assert '"execution_providers": ["CUDAExecutionProvider"]' in finding.text
    assert finding.fix == MIGRATE
    _, fixed = run(tiny())
    assert find(fixed, "OLV203") == []


def test_string_accelerators():
    config = tiny()
    config["systems"]["local_system"] = {"type": "LocalSystem", "config": {"accelerators": ["gpu"]}}
    text, findings = run(config)
    finding = only(findings, "OLV204")
    assert text_at(text, finding) == '"gpu"'
    assert "Input should be a valid dictionary or instance of AcceleratorConfig" in finding.text
    assert '{"device": "gpu", "execution_providers": ["CUDAExecutionProvider"]}' in finding.text


# --- OLV205, OLV206 -------------------------------------------------------------------------------------------------


def test_removed_engine_and_top_level_keys():
    config = tiny(azureml_client={"subscription_id": "x"}, pass_flows=[["builder"]])
    config["engine"] = {"workflow_host": "aml"}
    text, findings = run(config)
    found = {text_at(text, f): f for f in find(findings, "OLV205")}
    assert set(found) == {'"azureml_client"', '"pass_flows"', '"workflow_host"'}
    assert "engine.azureml_client  Extra inputs are not permitted" in found['"azureml_client"'].text
    assert found['"azureml_client"'].fix == {"title": "Remove 'azureml_client'", "delete_property": True}
    assert found['"pass_flows"'].fix == MIGRATE


def test_removed_system_types():
    config = tiny()
    config["systems"]["iso"] = {"type": "IsolatedORT", "python_environment_path": "/venv/bin"}
    config["systems"]["aml"] = {"type": "AzureML", "aml_compute": "gpu-cluster"}
    text, findings = run(config)
    found = {text_at(text, f): f for f in find(findings, "OLV206")}
    assert set(found) == {'"IsolatedORT"', '"AzureML"'}
    assert found['"IsolatedORT"'].fix == {"title": "Replace with 'PythonEnvironment'", "replace_value": ["PythonEnvironment"]}
    assert "Input should be 'Docker', 'LocalSystem' or 'PythonEnvironment'" in found['"AzureML"'].text


# --- OLV207 -------------------------------------------------------------------------------------------------------


def test_renamed_pass_types():
    config = tiny()
    config["passes"]["tune"] = {"type": "OrtPerfTuning"}
    config["passes"]["gen"] = {"type": "GenAIModelExporter"}
    config["passes"]["old"] = {"type": "InsertBeamSearch"}
    text, findings = run(config)
    found = {text_at(text, f): f for f in find(findings, "OLV207")}
    assert found['"OrtPerfTuning"'].fix == {"title": "Replace with 'OrtSessionParamsTuning'", "replace_value": ["OrtSessionParamsTuning"]}
    assert "Package configuration for pass of type 'ortperftuning' not found" in found['"OrtPerfTuning"'].text
    assert found['"GenAIModelExporter"'].fix["replace_value"] == ["ModelBuilder"]
    assert "no direct successor" in found['"InsertBeamSearch"'].text
    assert find(findings, "OLV301") == []  # the unknown-type rule leaves these to OLV207


# --- OLV208 -------------------------------------------------------------------------------------------------------


def test_schema_key():
    config = {"$schema": "https://microsoft.github.io/Olive/schema.json", **tiny()}
    text, findings = run(config)
    finding = only(findings, "OLV208")
    assert text_at(text, finding) == '"$schema"'
    assert "engine.$schema  Extra inputs are not permitted" in finding.text
    assert finding.fix == {"title": 'Remove "$schema"', "delete_property": True}


def test_schema_key_in_yaml():
    text = "$schema: https://microsoft.github.io/Olive/schema.json\ninput_model:\n  type: HfModel\n  model_path: gpt2\n"
    assert text_at(text, only(check(text, language="yaml"), "OLV208")) == "$schema"


# --- OLV209 -------------------------------------------------------------------------------------------------------


def test_old_pass_keys_are_warnings():
    config = tiny()
    config["passes"]["builder"].update(disable_search=True, clean_run_cache=True)
    text, findings = run(config)
    found = {text_at(text, f): f for f in find(findings, "OLV209")}
    assert set(found) == {'"disable_search"', '"clean_run_cache"'}
    assert all(f.severity == "warning" for f in found.values())
    assert "Keys {'disable_search'} are not part of ModelBuilderConfig. Ignoring them." in found['"disable_search"'].text
    assert find(findings, "OLV302") == []  # not reported twice as unknown parameters


# --- robustness -----------------------------------------------------------------------------------------------------


HALF_TYPED = [
    '{"input_model": {"type": "PyTorchModel", "config": {"hf_config": 3}}, "search_strategy": {"search_algorithm": 1',
    '{"input_model": {"type": 5, "model_name": null}, "engine": {"search_strategy": [1], "execution_providers": null}}',
    '{"input_model": [], "systems": {"s": {"type": ["AzureML"], "accelerators": [1, null, "cpu"]}}, "passes": {"p": {"type": {}}}}',
    '{"input_model": {"type": "PyTorchModel", "model_path": 7, "model_file_format": 3}, "search_strategy": {"search_algorithm_config": 4}}',
]


def test_half_typed_configs_do_not_break_the_rules(caplog):
    caplog.set_level("ERROR", logger="olive_ls.rules.engine")
    for text in HALF_TYPED:
        check(text)
        check(text.replace('"', ""), language="yaml")
    failed = [r.getMessage() for r in caplog.records if "OLV2" in r.getMessage()]
    assert failed == []
