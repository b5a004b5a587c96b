"""The run-config JSON Schema: accepts what Olive 0.13.0 accepts, rejects structural errors, stays portable."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from olive_ls.catalog.json_schema import build_run_config_schema

REPO = Path(__file__).resolve().parents[2]
SCHEMA_DIR = REPO / "schemas" / "olive-0.13.0"
CORPUS = REPO.parent / "shared" / "corpus"
LABELS = CORPUS / "olive-recipes.labels.jsonl"
RECIPES = CORPUS / "olive-recipes"

# Rejections that are not structural: a PythonEnvironment path that does not exist on this machine.
NON_STRUCTURAL = re.compile(r"Python path .* does not exist")


@pytest.fixture(scope="module")
def catalog_data() -> dict:
    return json.loads((SCHEMA_DIR / "catalog.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads((SCHEMA_DIR / "run-config.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema) -> Draft202012Validator:
    return Draft202012Validator(schema)


def leaf_errors(validator: Draft202012Validator, instance: dict) -> list:
    """Every error, descending into anyOf/if-then contexts, so tests can look for the specific one."""
    out, stack = [], list(validator.iter_errors(instance))
    while stack:
        error = stack.pop()
        out.append(error)
        stack.extend(error.context or [])
    return out


def has_error(validator, instance, path: list, validator_kind: str | None = None, text: str = "") -> bool:
    return any(
        list(e.absolute_path) == path and (validator_kind is None or e.validator == validator_kind) and text in e.message
        for e in leaf_errors(validator, instance)
    )


def is_valid(validator, instance) -> bool:
    return next(validator.iter_errors(instance), None) is None


# ---------------------------------------------------------------------------------------------------------------
# The schema itself


def test_schema_is_valid_draft_2020_12(schema):
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] and schema["title"] and schema["description"]
    assert schema["additionalProperties"] is False


def test_schema_is_derived_from_the_committed_catalog(catalog_data, schema):
    # The pure builder on the committed catalog gives the committed schema: the two cannot drift apart.
    assert build_run_config_schema(catalog_data) == schema


def test_builder_does_not_modify_the_catalog(catalog_data):
    before = copy.deepcopy(catalog_data)
    build_run_config_schema(catalog_data)
    assert catalog_data == before


def test_patterns_are_portable(schema):
    patterns = re.findall(r'"pattern": "((?:[^"\\]|\\.)*)"', json.dumps(schema))
    assert patterns
    for pattern in patterns:
        assert "(?i" not in pattern and "(?<" not in pattern and "(?P" not in pattern


def test_descriptions_reach_pass_parameters(schema):
    precision = schema["$defs"]["param.ModelBuilder.precision"]
    assert precision["description"] == "Precision of model."
    assert "int4" in precision["enum"]


# ---------------------------------------------------------------------------------------------------------------
# The corpus of real configs


def _labels() -> list[dict]:
    if not LABELS.is_file():
        return []
    return [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]


corpus_missing = pytest.mark.skipif(not LABELS.is_file(), reason=f"corpus not found at {CORPUS}")


@corpus_missing
@pytest.mark.parametrize("label", [l for l in _labels() if l["olive_0_13_0"] == "accept"], ids=lambda l: l["path"])
def test_accepted_configs_validate(validator, label):
    config = json.loads((RECIPES / label["path"]).read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(config)]
    assert errors == []


@corpus_missing
@pytest.mark.parametrize(
    "label",
    [l for l in _labels() if l["olive_0_13_0"] == "reject" and not NON_STRUCTURAL.search(l["olive_says"])],
    ids=lambda l: l["path"],
)
def test_structurally_rejected_configs_fail(validator, label):
    config = json.loads((RECIPES / label["path"]).read_text(encoding="utf-8"))
    assert not is_valid(validator, config), label["olive_says"]


def _corpus_config(path: str) -> dict:
    if not (RECIPES / path).is_file():
        pytest.skip(f"corpus file {path} not found")
    return json.loads((RECIPES / path).read_text(encoding="utf-8"))


@corpus_missing
@pytest.mark.parametrize(
    ("path", "error_path", "kind", "text"),
    [
        (
            "Qwen-Qwen1.5-7B-Chat/RyzenAI/Qwen1.5-7B-Chat_quark_ryzenai_llm.json",
            ["passes", "mg", "type"],
            "pattern",
            "RyzenGenerateModelLLM",
        ),
        (
            "Qwen-Qwen2.5-1.5B-Instruct/aitk/qwen2_5_vitis_ai_config.json",
            ["passes", "qq", "type"],
            "pattern",
            "QuarkQuantizationVitisAI",
        ),
        (
            "meta-llama-Llama-3.1-8B-Instruct/QAIRT/htp_sc8380xp.json",
            ["passes", "qe"],
            "additionalProperties",
            "backend_extensions_overrides",
        ),
        ("openai-whisper-large/cpu/whisper_eval_wer.json", ["evaluators", "common_evaluator", "metrics", 0], "type", ""),
        ("openai-whisper-large/cpu/whisper_eval_wer.json", [], "additionalProperties", "'metrics'"),
        ("openai-whisper-small/VitisAI/vitisai_config.json", ["passes"], "type", ""),
        (".aitk/non_model_projects/templates/empty/sample.json", ["passes", "dynamic_shape_to_fixed", "dim_param"], None, ""),
    ],
)
def test_rejections_point_at_the_offending_key(validator, path, error_path, kind, text):
    assert has_error(validator, _corpus_config(path), error_path, kind, text)


# ---------------------------------------------------------------------------------------------------------------
# Hand-written configs

AUTO_OPT_DRY_RUN = {
    "input_model": {
        "type": "HfModel",
        "model_path": "tiny-llama",
        "load_kwargs": {"attn_implementation": "eager", "trust_remote_code": False},
    },
    "systems": {
        "local_system": {
            "type": "LocalSystem",
            "accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}],
        }
    },
    "passes": {"model_builder": {"type": "ModelBuilder", "precision": "int4"}, "extract_adapters": {"type": "ExtractAdapters"}},
    "host": "local_system",
    "target": "local_system",
    "no_artifacts": True,
    "output_dir": "out-autoopt",
    "log_severity_level": 3,
    "cache_config": {"account_name": None, "container_name": None},
}

LEGACY_TUTORIAL = {
    "input_model": {
        "type": "PyTorchModel",
        "config": {"hf_config": {"model_name": "microsoft/phi-2", "task": "text-generation"}},
    },
    "systems": {
        "local_system": {
            "type": "LocalSystem",
            "config": {"accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}]},
        }
    },
    "passes": {"conversion": {"type": "OnnxConversion", "config": {"target_opset": 17}}},
    "engine": {
        "search_strategy": {
            "execution_order": "joint",
            "search_algorithm": "tpe",
            "search_algorithm_config": {"num_samples": 3, "seed": 0},
        },
        "execution_providers": ["CPUExecutionProvider"],
        "host": "local_system",
        "target": "local_system",
    },
}


def config(**overrides) -> dict:
    out = copy.deepcopy(AUTO_OPT_DRY_RUN)
    out.update(copy.deepcopy(overrides))
    return out


def test_top_level_engine_keys_are_accepted(validator):
    assert is_valid(validator, AUTO_OPT_DRY_RUN)


def test_engine_keys_nested_under_engine_are_accepted(validator):
    nested = copy.deepcopy(AUTO_OPT_DRY_RUN)
    nested["engine"] = {key: nested.pop(key) for key in ("host", "target", "no_artifacts", "output_dir", "cache_config")}
    assert is_valid(validator, nested)


def test_legacy_tutorial_config_is_rejected(validator):
    assert has_error(validator, LEGACY_TUTORIAL, ["input_model", "config"], "additionalProperties", "hf_config")
    assert has_error(validator, LEGACY_TUTORIAL, ["engine"], "additionalProperties", "execution_providers")
    assert has_error(validator, LEGACY_TUTORIAL, ["engine", "search_strategy"], "required", "sampler")
    assert has_error(validator, LEGACY_TUTORIAL, ["engine", "search_strategy"], "additionalProperties", "search_algorithm")


def test_dollar_schema_key_is_rejected(validator):
    # `olive run` fails with "engine.$schema  Extra inputs are not permitted" (facts §1.4).
    assert has_error(validator, config(**{"$schema": "https://microsoft.github.io/Olive/schema.json"}), [], "additionalProperties")


@pytest.mark.parametrize("key", ["azureml_client", "auto_optimizer_config", "pass_flows", "workflow_host", "execution_providers"])
def test_removed_top_level_keys_are_rejected(validator, key):
    assert not is_valid(validator, config(**{key: {}}))


def test_flat_and_nested_forms(validator):
    nested = config(
        input_model={"type": "HfModel", "config": {"model_path": "m"}},
        systems={"s": {"type": "LocalSystem", "config": {"accelerators": [{"device": "gpu"}]}}},
        passes={"mb": {"type": "ModelBuilder", "config": {"precision": "int4", "int4_block_size": 32}}},
    )
    assert is_valid(validator, nested)


def test_passes_as_a_list_of_alternatives(validator):
    alternatives = [{"type": "ModelBuilder", "precision": "int4"}, {"type": "ModelBuilder", "precision": "fp32"}]
    assert is_valid(validator, config(passes={"mb": alternatives}))
    assert not is_valid(validator, config(passes=[{"type": "ModelBuilder", "precision": "int4"}]))


@pytest.mark.parametrize("spelling", ["modelbuilder", "MODELBUILDER", "olive.passes.onnx.model_builder.ModelBuilder"])
def test_pass_type_is_case_insensitive(validator, spelling):
    assert is_valid(validator, config(passes={"mb": {"type": spelling, "precision": "int4"}}))


@pytest.mark.parametrize(
    ("pass_config", "error_path", "kind"),
    [
        ({"type": "OrtPerfTuning"}, ["passes", "p", "type"], "pattern"),
        ({"type": "ModelBuilder", "int4_blocksize": 32, "precision": "int4"}, ["passes", "p"], "additionalProperties"),
        ({"type": "ModelBuilder", "config": {"precision": "int4", "typo": 1}}, ["passes", "p", "config"], "additionalProperties"),
        ({"type": "ModelBuilder", "precision": "int4", "int4_block_size": 48}, ["passes", "p", "int4_block_size"], None),
        ({"type": "ModelBuilder", "precision": "int3"}, ["passes", "p", "precision"], "enum"),
        ({"type": "ModelBuilder"}, ["passes", "p"], "required"),
        ({"type": "ModelBuilder", "precision": "DEFAULT_VALUE"}, ["passes", "p", "precision"], "enum"),
        ({"type": "GraphSurgeries", "config": {}}, ["passes", "p"], "required"),
    ],
)
def test_pass_errors(validator, pass_config, error_path, kind):
    assert has_error(validator, config(passes={"p": pass_config}), error_path, kind)


def test_special_values_for_optional_parameters(validator):
    special = {"type": "ModelBuilder", "precision": "int4", "int4_block_size": "SEARCHABLE_VALUES"}
    assert is_valid(validator, config(passes={"p": special}))


def test_pass_host_and_evaluator_may_be_names_or_objects(validator):
    host_object = {"type": "LocalSystem"}
    for pass_config in (
        {"type": "OnnxConversion", "host": "local_system", "evaluator": "common"},
        {"type": "OnnxConversion", "host": host_object, "evaluator": {"metrics": []}},
    ):
        assert is_valid(validator, config(passes={"p": pass_config}))


def test_data_config_parameters_take_names(validator):
    data = config(
        data_configs=[{"name": "calib", "type": "HuggingfaceContainer", "load_dataset_config": {"data_name": "x"}}],
        passes={"q": {"type": "OnnxStaticQuantization", "data_config": "calib"}},
    )
    assert is_valid(validator, data)
    inline = copy.deepcopy(data)
    inline["passes"]["q"]["data_config"] = {"name": "calib"}
    assert has_error(validator, inline, ["passes", "q", "data_config"])


def test_lax_scalars_are_accepted_like_pydantic_does(validator):
    lax = {"type": "OnnxConversion", "save_as_external_data": "true", "target_opset": "17"}
    assert is_valid(validator, config(passes={"p": lax}))
    assert not is_valid(validator, config(passes={"p": {"type": "OnnxConversion", "save_as_external_data": "maybe"}}))


def test_input_model_keys_come_from_the_handler(validator):
    assert has_error(validator, config(input_model={"type": "HfModel", "model_path": "m", "hf_config": {}}), ["input_model"], "additionalProperties")
    assert has_error(validator, config(input_model={"type": "HfModel", "task": "x"}), ["input_model"], "required")
    assert has_error(validator, config(input_model={"type": "HuggingFaceModel", "model_path": "m"}), ["input_model", "type"], "pattern")
    assert is_valid(validator, config(input_model={"type": "onnxmodel", "model_path": "m.onnx"}))


@pytest.mark.parametrize(
    ("system", "kind"),
    [
        ({"type": "AzureML"}, "pattern"),
        ({"type": "LocalSystem", "accelerators": ["cpu"]}, "type"),
        ({"type": "LocalSystem", "accelerators": [{"device": "cpu", "execution_providers": ["A", "B"]}]}, None),
        ({"type": "LocalSystem", "accelerators": [{"execution_providers": ["CUDA"]}]}, "pattern"),
        ({"type": "LocalSystem", "accelerators": [{}]}, None),
        ({"type": "LocalSystem", "provider_options": {}}, "additionalProperties"),
        ({"type": "Docker", "dockerfile": "Dockerfile"}, "required"),
    ],
)
def test_system_errors(validator, system, kind):
    errors = [e for e in leaf_errors(validator, config(systems={"s": system})) if kind is None or e.validator == kind]
    assert errors


def test_system_types(validator):
    docker = {"type": "docker", "dockerfile": "Dockerfile", "build_context_path": "ctx", "work_dir": "/ws"}
    python_env = {"type": "PythonEnvironment", "config": {"python_environment_path": "/venv/bin"}}
    assert is_valid(validator, config(systems={"d": docker, "p": python_env}))
    docker["work_dir"] = "relative"
    assert not is_valid(validator, config(systems={"d": docker}))


def test_search_strategy(validator):
    evaluator = {"common": {"metrics": [{"name": "lat", "type": "latency", "sub_types": [{"name": "avg"}]}]}}
    good = {"execution_order": "joint", "sampler": "tpe", "max_samples": 3, "seed": 0, "multivariate": False}
    assert is_valid(validator, config(evaluators=evaluator, evaluator="common", search_strategy=good))
    assert is_valid(validator, config(search_strategy=False))
    assert is_valid(validator, config(search_strategy={"sampler": "random", "sampler_config": {"seed": 1}}))
    assert not is_valid(validator, config(search_strategy={"sampler": "random", "multivariate": True}))
    assert not is_valid(validator, config(search_strategy={"sampler": "bayes"}))


def test_metrics(validator):
    def with_metric(metric: dict) -> dict:
        return config(evaluators={"e": {"metrics": [metric]}})

    assert is_valid(validator, with_metric({"name": "acc", "type": "accuracy", "data_config": "d", "sub_types": [{"name": "accuracy_score", "priority": 1, "goal": {"type": "max-degradation", "value": 0.01}}]}))
    assert not is_valid(validator, with_metric({"name": "x", "type": "speech_accuracy"}))
    assert not is_valid(validator, with_metric({"name": "x", "type": "latency", "sub_types": [{"name": "average"}]}))
    assert is_valid(validator, with_metric({"name": "x", "type": "accuracy", "backend": "huggingface_metrics", "sub_types": [{"name": "bleu"}]}))
    # LMEvaluator arguments sit flat on the evaluator (they are gathered into type_args).
    assert is_valid(validator, config(evaluators={"e": {"type": "LMEvaluator", "tasks": ["arc"], "batch_size": 4}}))
    assert not is_valid(validator, config(evaluators={"e": {"type": "NoSuchEvaluator"}}))


def test_data_configs(validator):
    good = {"name": "d_1", "type": "huggingfacecontainer", "pre_process_data_config": {"type": "text_generation_huggingface_pre_process", "max_length": 8}}
    assert is_valid(validator, config(data_configs=[good]))
    assert not is_valid(validator, config(data_configs=[{**good, "name": "speech_commands_v0.02"}]))
    assert not is_valid(validator, config(data_configs=[{**good, "tokenizer": "x"}]))
    assert not is_valid(validator, config(data_configs=[{**good, "type": "FooContainer"}]))
    # A user script may register its own container.
    assert is_valid(validator, config(data_configs=[{**good, "type": "FooContainer", "user_script": "s.py"}]))


def test_yaml_loaded_config_validates(validator):
    yaml = pytest.importorskip("yaml")
    text = """
input_model:
  type: HfModel
  model_path: microsoft/Phi-3-mini-4k-instruct
  load_kwargs:
    trust_remote_code: true
systems:
  local_system:
    type: LocalSystem
    accelerators:
      - device: cpu
        execution_providers: [CPUExecutionProvider]
passes:
  builder:
    type: ModelBuilder
    precision: int4
    int4_block_size: 32
host: local_system
target: local_system
log_severity_level: 1
"""
    assert is_valid(validator, yaml.safe_load(text))
