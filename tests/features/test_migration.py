"""The migration to Olive 0.13.0: every old form of facts §3.3/§3.4/§5 A, the tutorial config end to end (olive-ls
rules, and Olive's own RunConfig validation), JSON and YAML, formatting kept, idempotence, nothing dropped silently."""

from __future__ import annotations

import copy
import json

import pytest

from diagnostic_helpers import CORPUS, check
from olive_ls.catalog import load_catalog
from olive_ls.document.edits import dump_yaml
from olive_ls.document.parse import language_for, parse_document
from olive_ls.features.migration import migrate, migrate_config, plan_migration

CATALOG = load_catalog("0.13.0")

# The seed tutorial's config (facts §3.4): Olive 0.13.0 dies on it with a bare `KeyError: None`.
TUTORIAL = {
    "input_model": {"type": "PyTorchModel", "config": {"hf_config": {"model_name": "Qwen/Qwen2.5-0.5B-Instruct", "task": "text-generation"}}},
    "systems": {"local_system": {"type": "LocalSystem", "config": {"accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}]}}},
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


def run(text: str, language: str = "json"):
    return plan_migration(parse_document(text, language), CATALOG)


def migrated(config: dict) -> tuple[dict, list[str]]:
    result = run(json.dumps(config, indent=2))
    return json.loads(result.text), result.notes


def errors(text: str, language: str = "json"):
    return [(f.code, f.message) for f in check(text, language=language) if f.severity == "error"]


def assert_idempotent(text: str, language: str = "json") -> None:
    again = run(text, language)
    assert not again.changed and again.text == text, again.notes


# --- the tutorial (the key test) ------------------------------------------------------------------------------

TUTORIAL_FORMS = {
    "one-line json": (json.dumps(TUTORIAL), "json"),
    "indented json": (json.dumps(TUTORIAL, indent=4) + "\n", "json"),
    "yaml": (dump_yaml(TUTORIAL), "yaml"),
}


@pytest.mark.parametrize("form", TUTORIAL_FORMS)
def test_tutorial_config_migrates_to_one_without_errors(form):
    text, language = TUTORIAL_FORMS[form]
    assert errors(text, language), "the old tutorial config must have errors to begin with"
    result = run(text, language)
    assert result.changed and result.legacy and not result.rewritten
    assert errors(result.text, language) == []
    assert_idempotent(result.text, language)


@pytest.mark.parametrize("form", TUTORIAL_FORMS)
def test_tutorial_config_keeps_what_the_user_wrote(form):
    text, language = TUTORIAL_FORMS[form]
    new = parse_document(run(text, language).text, language).root.to_python()
    model = new["input_model"]
    assert model["type"] == "HfModel"
    assert model["config"] == {"model_path": "Qwen/Qwen2.5-0.5B-Instruct", "task": "text-generation"}
    assert new["passes"] == TUTORIAL["passes"]  # precision int4 and the rest
    assert new["systems"] == TUTORIAL["systems"]
    engine = new["engine"]
    assert engine["search_strategy"] == {"execution_order": "joint", "sampler": "tpe"}
    assert {k: engine[k] for k in ("evaluator", "host", "target", "cache_dir", "output_dir")} == {
        "evaluator": "common_evaluator",
        "host": "local_system",
        "target": "local_system",
        "cache_dir": "cache",
        "output_dir": "models/optimized",
    }
    metric = new["evaluators"]["common_evaluator"]["metrics"][0]
    assert metric == {"name": "latency", "type": "latency", "sub_types": [{"name": "avg"}], "data_config": "dummy"}
    assert new["data_configs"] == [{"name": "dummy", "type": "TransformersTokenDummyDataContainer"}]
    assert list(new) == ["input_model", "systems", "data_configs", "evaluators", "passes", "engine"]


def test_tutorial_migration_keeps_the_indentation_and_changes_only_the_old_parts():
    text = json.dumps(TUTORIAL, indent=4) + "\n"
    result = run(text)
    assert result.text == json.dumps(json.loads(result.text), indent=4) + "\n"
    # Unchanged parts are not touched: the edits cover the model, the data config, the metric and the search strategy.
    touched = [text.encode()[e.start : e.end].decode() for e in result.edits]
    assert not any('"passes"' in part or '"systems"' in part for part in touched)


def test_tutorial_notes_say_what_changed():
    _, notes = migrate(parse_document(json.dumps(TUTORIAL)), CATALOG)
    assert any("HfModel" in n and "Qwen/Qwen2.5-0.5B-Instruct" in n for n in notes)
    assert any("sampler 'tpe'" in n for n in notes)
    assert any("data config 'dummy'" in n for n in notes)


@pytest.mark.olive
def test_olive_accepts_the_migrated_tutorial_config():
    config_module = pytest.importorskip("olive.workflows.run.config", reason="olive-ai is not installed")
    with pytest.raises(Exception):  # noqa: B017 - the old form fails with a bare KeyError: None (facts §3.4)
        config_module.RunConfig.parse_file_or_obj(copy.deepcopy(TUTORIAL))
    config = json.loads(run(json.dumps(TUTORIAL)).text)
    run_config = config_module.RunConfig.parse_file_or_obj(copy.deepcopy(config))
    assert run_config.input_model.type.lower() == "hfmodel"
    assert run_config.input_model.config["model_path"] == "Qwen/Qwen2.5-0.5B-Instruct"
    assert run_config.engine.search_strategy.sampler == "tpe"
    assert run_config.evaluators["common_evaluator"].metrics[0].data_config.name == "dummy"
    assert run_config.engine.cache_dir == "cache"


# --- each old form --------------------------------------------------------------------------------------------

LLAMA_V05 = {
    "input_model": {
        "type": "PyTorchModel",
        "config": {
            "model_script": "user_script.py",
            "io_config": {"input_names": ["input_ids"], "output_names": ["logits"]},
            "hf_config": {
                "model_name": "meta-llama/Llama-2-7b-hf",
                "model_class": "LlamaForCausalLM",
                "from_pretrained_args": {"trust_remote_code": True},
                "model_loading_args": {"torch_dtype": "float16"},
            },
        },
    },
    "systems": {"local_system": {"type": "LocalSystem", "config": {"accelerators": ["gpu"]}}},
    "evaluators": {"common_evaluator": {"metrics": [{"name": "latency", "type": "latency", "sub_types": [{"name": "avg"}]}]}},
    "passes": {
        "convert": {"type": "OnnxConversion", "config": {"target_opset": 17}, "disable_search": True},
        "perf_tuning": {"type": "OrtPerfTuning", "config": {"enable_cuda_graph": True, "dataloader_func": "create_dataloader"}},
    },
    "engine": {
        "search_strategy": {"execution_order": "joint", "search_algorithm": "exhaustive", "search_algorithm_config": {"num_samples": 5}},
        "execution_providers": ["CUDAExecutionProvider"],
        "evaluator": "common_evaluator",
        "host": "local_system",
        "target": "local_system",
        "cache_dir": "cache",
        "output_dir": "models/llama2",
    },
}


def test_old_llama_example_migrates_every_part():
    new, notes = migrated(LLAMA_V05)
    assert new["input_model"] == {
        "type": "HfModel",
        "config": {
            "io_config": {"input_names": ["input_ids"], "output_names": ["logits"]},
            "model_path": "meta-llama/Llama-2-7b-hf",
            "load_kwargs": {"trust_remote_code": True, "torch_dtype": "float16"},
        },
    }
    assert new["systems"]["local_system"]["config"]["accelerators"] == [{"device": "gpu", "execution_providers": ["CUDAExecutionProvider"]}]
    assert new["passes"]["convert"] == {"type": "OnnxConversion", "config": {"target_opset": 17}}
    assert new["passes"]["perf_tuning"] == {"type": "OrtSessionParamsTuning", "config": {"enable_cuda_graph": True}}
    engine = new["engine"]
    assert engine["search_strategy"] == {"execution_order": "joint", "sampler": "sequential", "max_samples": 5}
    assert "execution_providers" not in engine
    # Nothing dropped without a word: each removed value is named in a note.
    for dropped in ("model_script", "model_class", "disable_search", "dataloader_func", "CUDAExecutionProvider"):
        assert any(dropped in note for note in notes), dropped
    assert [code for code, _ in errors(json.dumps(new)) if code.startswith("OLV2")] == []


def test_engine_execution_providers_without_a_target_get_a_local_system():
    config = {
        "input_model": {"type": "HfModel", "model_path": "m"},
        "passes": {"b": {"type": "ModelBuilder", "precision": "int4"}},
        "engine": {"execution_providers": ["CPUExecutionProvider"], "output_dir": "out"},
    }
    new, notes = migrated(config)
    assert new["systems"] == {"local_system": {"type": "LocalSystem", "accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}]}}
    assert list(new) == ["input_model", "systems", "passes", "engine"]
    assert new["engine"] == {"output_dir": "out", "target": "local_system", "host": "local_system"}
    assert errors(json.dumps(new)) == []


def test_top_level_execution_providers_go_to_the_named_target():
    config = {
        "input_model": {"type": "HfModel", "model_path": "m"},
        "systems": {"dev": {"type": "LocalSystem"}, "other": {"type": "LocalSystem", "accelerators": [{"device": "cpu"}]}},
        "passes": {"b": {"type": "ModelBuilder", "precision": "int4"}},
        "execution_providers": ["QNNExecutionProvider", "CPUExecutionProvider"],
        "target": "dev",
    }
    new, notes = migrated(config)
    assert new["systems"]["dev"] == {"type": "LocalSystem", "accelerators": [{"device": "npu", "execution_providers": ["QNNExecutionProvider"]}]}
    assert new["systems"]["other"] == config["systems"]["other"]
    assert "execution_providers" not in new
    assert any("CPUExecutionProvider" in n and "one execution provider" in n for n in notes)


def test_string_accelerators_become_objects_with_their_default_provider():
    config = {
        "input_model": {"type": "HfModel", "model_path": "m"},
        "systems": {"local": {"type": "LocalSystem", "config": {"accelerators": ["cpu"]}}},
    }
    new, notes = migrated(config)
    assert new["systems"]["local"]["config"]["accelerators"] == [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}]
    assert any("accelerators" in n for n in notes)


def test_several_string_accelerators_keep_the_first():
    config = {"input_model": {"type": "HfModel", "model_path": "m"}, "systems": {"s": {"type": "LocalSystem", "accelerators": ["gpu", "cpu"]}}}
    new, notes = migrated(config)
    assert new["systems"]["s"]["accelerators"] == [{"device": "gpu", "execution_providers": ["CUDAExecutionProvider"]}]
    assert any('"cpu"' in n and "one accelerator" in n for n in notes)


@pytest.mark.parametrize(
    "strategy, expected",
    [
        ({"execution_order": "joint", "search_algorithm": "tpe", "search_algorithm_config": {"num_samples": 3, "seed": 0}},
         {"execution_order": "joint", "sampler": "tpe", "max_samples": 3, "seed": 0}),
        ({"execution_order": "pass-by-pass", "search_algorithm": "exhaustive"}, {"execution_order": "pass-by-pass", "sampler": "sequential"}),
        ({"execution_order": "joint", "search_algorithm": "random", "num_samples": 2, "output_model_num": 1},
         {"execution_order": "joint", "sampler": "random", "max_samples": 2, "output_model_num": 1}),
        ({"execution_order": "joint", "sampler": "exhaustive"}, {"execution_order": "joint", "sampler": "sequential"}),
    ],
)
def test_old_search_keys_become_sampler_options(strategy, expected):
    config = {"input_model": {"type": "HfModel", "model_path": "m"}, "evaluators": {"e": {"metrics": [{"name": "s", "type": "size_on_disk"}]}}}
    config["engine"] = {"search_strategy": strategy, "evaluator": "e"}
    new, _ = migrated(config)
    assert new["engine"]["search_strategy"] == expected
    assert new["engine"]["evaluator"] == "e"


def test_unknown_sampler_options_are_dropped_with_a_note():
    config = {"input_model": {"type": "HfModel", "model_path": "m"}, "search_strategy": {"execution_order": "joint", "search_algorithm": "exhaustive", "search_algorithm_config": {"seed": 4}}}
    new, notes = migrated(config)
    assert new["search_strategy"] == {"execution_order": "joint", "sampler": "sequential"}
    assert any("seed 4" in n for n in notes)


@pytest.mark.parametrize("key", ["$schema", "azureml_client", "auto_optimizer_config", "workflow_host", "pass_flows", "data_root"])
@pytest.mark.parametrize("where", ["top", "engine"])
def test_removed_keys_are_dropped_with_a_note(key, where):
    value = {"opt_level": 0} if key == "auto_optimizer_config" else [["a", "b"]] if key == "pass_flows" else "xyz-value"
    config = {"input_model": {"type": "HfModel", "model_path": "m"}, "engine": {"cache_dir": "c"}}
    (config if where == "top" else config["engine"])[key] = value
    new, notes = migrated(config)
    assert new == {"input_model": {"type": "HfModel", "model_path": "m"}, "engine": {"cache_dir": "c"}}
    assert any(f"'{key}'" in n and json.dumps(value) in n for n in notes)


def test_azureml_system_becomes_local():
    config = {
        "input_model": {"type": "HfModel", "model_path": "m"},
        "systems": {"aml": {"type": "AzureML", "config": {"aml_compute": "gpu-cluster", "accelerators": [{"device": "gpu", "execution_providers": ["CUDAExecutionProvider"]}]}}},
        "host": "aml",
        "target": "aml",
    }
    new, notes = migrated(config)
    assert new["systems"]["aml"] == {"type": "LocalSystem", "config": {"accelerators": [{"device": "gpu", "execution_providers": ["CUDAExecutionProvider"]}]}}
    assert any("AzureML" in n and "gpu-cluster" in n for n in notes)


def test_isolated_ort_system_keeps_its_python_environment():
    config = {
        "input_model": {"type": "ONNXModel", "model_path": "model.onnx"},
        "systems": {"ort": {"type": "IsolatedORT", "python_environment_path": "/envs/ort/bin", "accelerators": [{"device": "cpu"}]}},
    }
    new, notes = migrated(config)
    assert new["systems"]["ort"] == {"type": "PythonEnvironment", "python_environment_path": "/envs/ort/bin", "accelerators": [{"device": "cpu"}]}


@pytest.mark.parametrize("old, new_type", [("OrtPerfTuning", "OrtSessionParamsTuning"), ("GenAIModelExporter", "ModelBuilder"), ("ortperftuning", "OrtSessionParamsTuning")])
def test_renamed_passes_get_their_new_names(old, new_type):
    config = {"input_model": {"type": "HfModel", "model_path": "m"}, "passes": {"p": [{"type": old}, {"type": "OnnxConversion"}]}}
    new, notes = migrated(config)
    assert new["passes"]["p"] == [{"type": new_type}, {"type": "OnnxConversion"}]
    assert any(old in n and new_type in n for n in notes)


def test_genai_model_exporter_keeps_its_precision():
    config = {"input_model": {"type": "HfModel", "model_path": "m"}, "passes": {"g": {"type": "GenAIModelExporter", "config": {"precision": "int4"}}}}
    new, _ = migrated(config)
    assert new["passes"]["g"] == {"type": "ModelBuilder", "config": {"precision": "int4"}}
    assert errors(json.dumps(new)) == []


@pytest.mark.parametrize("form", ["flat", "nested"])
def test_old_pass_keys_are_removed(form):
    pass_config = {"type": "ModelBuilder", "precision": "int4", "disable_search": True, "clean_run_cache": True}
    if form == "nested":
        pass_config = {"type": "ModelBuilder", "config": {"precision": "int4", "disable_search": True}, "clean_run_cache": True}
    new, notes = migrated({"input_model": {"type": "HfModel", "model_path": "m"}, "passes": {"b": pass_config}})
    expected = {"type": "ModelBuilder", "precision": "int4"} if form == "flat" else {"type": "ModelBuilder", "config": {"precision": "int4"}}
    assert new["passes"]["b"] == expected


@pytest.mark.parametrize(
    "model, expected",
    [
        ({"type": "PyTorchModel", "hf_config": {"model_name": "m", "task": "text-classification"}}, {"type": "HfModel", "model_path": "m", "task": "text-classification"}),
        ({"type": "HfModel", "config": {"model_name": "m", "model_loading_args": {"trust_remote_code": True}}},
         {"type": "HfModel", "config": {"model_path": "m", "load_kwargs": {"trust_remote_code": True}}}),
        ({"type": "HfModel", "config": {"hf_config": {"model_name": "m"}, "load_kwargs": {"torch_dtype": "auto"}}},
         {"type": "HfModel", "config": {"model_path": "m", "load_kwargs": {"torch_dtype": "auto"}}}),
        ({"type": "PyTorchModel", "config": {"model_path": "local/folder", "hf_config": {"model_name": "org/m", "task": "text-generation"}}},
         {"type": "HfModel", "config": {"model_path": "local/folder", "task": "text-generation"}}),
        ({"type": "PyTorchModel", "config": {"model_path": "microsoft/phi-2"}}, {"type": "HfModel", "config": {"model_path": "microsoft/phi-2"}}),
    ],
    ids=["flat-pytorch", "hfmodel-model_name", "merge-load_kwargs", "keep-model_path", "pytorch-without-loader"],
)
def test_old_model_forms(model, expected):
    new, notes = migrated({"input_model": model})
    assert new["input_model"] == expected
    assert notes


def test_pytorch_model_with_a_loader_is_left_alone():
    config = {"input_model": {"type": "PyTorchModel", "config": {"model_path": "model.pt", "model_loader": "load", "model_script": "s.py"}}}
    assert not run(json.dumps(config)).changed


def test_llm_latency_reuses_an_existing_dummy_data_config():
    config = copy.deepcopy(TUTORIAL)
    config["data_configs"] = [{"name": "tokens", "type": "TransformersTokenDummyDataContainer"}]
    new, _ = migrated(config)
    assert new["data_configs"] == config["data_configs"]
    assert new["evaluators"]["common_evaluator"]["metrics"][0]["data_config"] == "tokens"


def test_non_llm_latency_gets_no_data_config():
    config = {"input_model": {"type": "HfModel", "model_path": "m", "task": "text-classification"}, "evaluators": {"e": {"metrics": [{"name": "l", "type": "latency"}]}}}
    assert not run(json.dumps(config)).changed


# --- JSON and YAML text ---------------------------------------------------------------------------------------

YAML_TUTORIAL = """# Tutorial config (Olive 0.5)
input_model:
  type: PyTorchModel
  config:
    hf_config:
      model_name: Qwen/Qwen2.5-0.5B-Instruct   # the small one
      task: text-generation
systems:
  local_system:
    type: LocalSystem
    config:
      accelerators: [cpu]
evaluators:
  common_evaluator:
    metrics:
      - name: latency
        type: latency
        sub_types:
          - name: avg
passes:
  # first build, then optimize
  conversion:
    type: ModelBuilder
    config:
      precision: int4
engine:
  search_strategy:
    execution_order: joint
    search_algorithm: tpe
  evaluator: common_evaluator
  host: local_system
  target: local_system
  cache_dir: cache
  output_dir: models/optimized
"""


def test_yaml_migration_keeps_comments_and_layout_outside_the_changed_parts():
    result = run(YAML_TUTORIAL, "yaml")
    assert not result.rewritten
    assert result.text.startswith("# Tutorial config (Olive 0.5)\ninput_model:\n  type: HfModel\n  config:\n    model_path: Qwen/Qwen2.5-0.5B-Instruct\n    task: text-generation\n")
    assert "  # first build, then optimize\n  conversion:\n" in result.text
    assert "      accelerators: [{device: cpu, execution_providers: [CPUExecutionProvider]}]\n" in result.text
    assert "  search_strategy:\n    execution_order: joint\n    sampler: tpe\n  evaluator: common_evaluator\n" in result.text
    assert "data_configs:\n  - name: dummy\n    type: TransformersTokenDummyDataContainer\nevaluators:" in result.text
    assert "        data_config: dummy\n" in result.text
    assert any("comment" in n for n in result.notes)  # the one on model_name went with hf_config
    assert errors(result.text, "yaml") == []
    assert_idempotent(result.text, "yaml")


def test_yaml_and_json_migrate_to_the_same_config():
    from_json = json.loads(run(json.dumps(LLAMA_V05, indent=2)).text)
    from_yaml = parse_document(run(dump_yaml(LLAMA_V05), "yaml").text, "yaml").root.to_python()
    assert from_yaml == from_json


def test_document_with_syntax_errors_is_not_migrated():
    text = '{"input_model": {"type": "PyTorchModel", "config": {"hf_config": {"model_name": "m"}}}, "passes": {'
    result = run(text)
    assert not result.changed and result.text == text
    assert any("syntax" in n for n in result.notes)


def test_migrate_config_does_not_change_its_argument():
    original = copy.deepcopy(LLAMA_V05)
    migrate_config(LLAMA_V05, CATALOG)
    assert LLAMA_V05 == original


@pytest.mark.parametrize("config", [TUTORIAL, LLAMA_V05], ids=["tutorial", "llama"])
@pytest.mark.parametrize("language", ["json", "yaml"])
def test_migration_is_idempotent(config, language):
    text = json.dumps(config, indent=2) if language == "json" else dump_yaml(config)
    result = run(text, language)
    assert result.changed
    assert_idempotent(result.text, language)


def _corpus_paths():
    root = CORPUS / "olive-recipes"
    return sorted(p for p in root.rglob("*") if p.suffix in (".json", ".yaml", ".yml")) if root.exists() else []


@pytest.mark.skipif(not _corpus_paths(), reason="the shared corpus is not on this machine")
def test_current_configs_of_the_corpus_need_no_migration():
    changed = []
    for path in _corpus_paths():
        result = plan_migration(parse_document(path.read_text(), language_for(str(path))), CATALOG)
        if result.changed:
            changed.append((str(path), result.notes))
    assert changed == []
