"""OLV520-OLV568, OLV593-OLV596: run-time decisions of Olive 0.13.0 outside the passes (docs/olive-runtime-checks.md (Part 2)).

Each case: a minimal config with the fault, the finding placed on the value at fault, and the corrected config clean
of that code. tests/rules/test_runtime_components_slow.py shows Olive doing what the findings say.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import check, find, text_at
from olive_ls.catalog import load_catalog
from olive_ls.catalog.component_behaviour_generate import generate, render
from olive_ls.environment import Environment
from olive_ls.model.component_behaviour import FILE_NAME

MODEL = {"type": "HfModel", "model_path": "model"}
PASS = {"c": {"type": "OnnxConversion"}}
LATENCY = {"name": "latency", "type": "latency", "sub_types": [{"name": "avg"}]}


def base(**changes) -> dict:
    config = {"input_model": copy.deepcopy(MODEL), "passes": copy.deepcopy(PASS), "output_dir": "out"}
    config.update(copy.deepcopy(changes))
    return config


def run(config: dict):
    text = json.dumps(config, indent=2)
    return text, check(text)


def only(config: dict, code: str):
    text, findings = run(config)
    found = find(findings, code)
    assert len(found) == 1, [(f.code, f.text) for f in findings]
    return text, found[0]


def clean(config: dict, code: str):
    _, findings = run(config)
    assert not find(findings, code), [(f.code, f.text) for f in find(findings, code)]


def with_evaluator(metrics: list, **changes) -> dict:
    return base(evaluators={"e": {"metrics": metrics}}, evaluator="e", **changes)


# --- the generated file ----------------------------------------------------------------------------------------


@pytest.mark.skipif(importlib.util.find_spec("olive") is None, reason="olive-ai is not installed")
def test_generated_file_is_reproduced_byte_for_byte():
    data = generate()
    path = load_catalog(data["olive_version"]).path.parent / FILE_NAME
    assert path.read_text(encoding="utf-8") == render(data)


# --- engine / search (OLV520-OLV528) ---------------------------------------------------------------------------


def test_olv520_empty_passes_without_evaluator():
    config = base(passes={})
    text, f = only(config, "OLV520")
    assert text_at(text, f) == '"passes"' and f.severity == "error"
    assert "exits 0" in f.message
    clean(with_evaluator([LATENCY], passes={}), "OLV520")
    clean(base(), "OLV520")


def test_olv520_evaluate_input_model_false():
    config = with_evaluator([LATENCY], passes={}, evaluate_input_model=False)
    assert only(config, "OLV520")[1].severity == "error"


def test_olv521_search_strategy_true():
    config = with_evaluator([LATENCY], search_strategy=True)
    text, f = only(config, "OLV521")
    assert text_at(text, f) == "true"
    assert f.fix["replace_value"] == [{"execution_order": "joint", "sampler": "tpe"}]
    clean(with_evaluator([LATENCY], search_strategy={"execution_order": "joint", "sampler": "tpe"}), "OLV521")


def test_olv522_search_without_execution_order():
    config = with_evaluator([LATENCY], search_strategy={"sampler": "tpe"})
    text, f = only(config, "OLV522")
    assert text_at(text, f) == '"search_strategy"'
    assert f.fix["values"] == {"execution_order": "joint"}
    clean(with_evaluator([LATENCY], search_strategy={"sampler": "tpe", "execution_order": "pass-by-pass"}), "OLV522")


def test_olv523_joint_only_option_with_pass_by_pass():
    config = with_evaluator([LATENCY], search_strategy={"execution_order": "pass-by-pass", "sampler": "random", "max_iter": 3})
    text, f = only(config, "OLV523")
    assert text_at(text, f) == '"max_iter"' and f.severity == "warning"
    clean(with_evaluator([LATENCY], search_strategy={"execution_order": "joint", "sampler": "random", "max_iter": 3}), "OLV523")


def test_olv524_pass_alternatives_without_search():
    config = base(passes={"c": [{"type": "OnnxConversion", "target_opset": 17}, {"type": "OnnxConversion", "target_opset": 18}]})
    text, findings = run(config)
    (f,) = find(findings, "OLV524")
    assert f.range.start.line == text.splitlines().index(next(l for l in text.splitlines() if '"target_opset": 18' in l)) - 2
    clean(base(passes={"c": [{"type": "OnnxConversion", "target_opset": 17}]}), "OLV524")


def test_olv525_evaluate_input_model_without_evaluator():
    text, f = only(base(evaluate_input_model=True), "OLV525")
    assert text_at(text, f) == "true" and f.severity == "warning"
    clean(with_evaluator([LATENCY], evaluate_input_model=True), "OLV525")
    clean(base(), "OLV525")  # the default is not reported


def test_olv526_output_dir_with_suffix():
    text, f = only(base(output_dir="models/qwen2.5-int4"), "OLV526")
    assert text_at(text, f) == '"models/qwen2.5-int4"' and "'models'" in f.message and f.severity == "information"
    clean(base(output_dir="models/qwen2_5-int4"), "OLV526")
    clean(base(output_dir="models/model.onnx"), "OLV526")  # a model file, on purpose


def test_olv526_existing_directory_is_not_reported(tmp_path):
    (tmp_path / "out.v2").mkdir()
    text = json.dumps(base(output_dir="out.v2"))
    assert not find(check(text, path=tmp_path / "config.json"), "OLV526")


def test_olv527_log_level_out_of_range():
    text, f = only(base(log_severity_level=5), "OLV527")
    assert text_at(text, f) == "5" and f.fix["replace_value"] == [4]
    clean(base(log_severity_level=4), "OLV527")


def test_olv528_relative_goal_in_pass_evaluator_without_engine_evaluator():
    evaluator = {"metrics": [{"name": "size", "type": "size_on_disk", "sub_types": [{"name": "bytes", "goal": {"type": "max-degradation", "value": 1}}]}]}
    config = base(passes={"c": {"type": "OnnxConversion", "evaluator": evaluator}})
    text, f = only(config, "OLV528")
    assert text_at(text, f) == '"max-degradation"'
    fixed = copy.deepcopy(config)
    fixed["passes"]["c"]["evaluator"]["metrics"][0]["sub_types"][0]["goal"] = {"type": "threshold", "value": 1}
    clean(fixed, "OLV528")


# --- evaluators / metrics (OLV530-OLV539) -----------------------------------------------------------------------


def test_olv530_duplicate_metric_name():
    text, f = only(with_evaluator([LATENCY, dict(LATENCY, sub_types=[{"name": "max"}])]), "OLV530")
    assert text_at(text, f) == '"latency"'
    assert f.fix["replace_value"] == ["latency_2"]


def test_olv531_several_sub_types_without_priority():
    metric = {"name": "latency", "type": "latency", "sub_types": [{"name": "avg"}, {"name": "max"}]}
    text, f = only(with_evaluator([metric]), "OLV531")
    assert text_at(text, f) == '"metrics"'
    fixed = f.fix["replace_value"][0]
    assert [s["priority"] for s in fixed[0]["sub_types"]] == [1, 2]
    clean(with_evaluator(fixed), "OLV531")


def test_olv531_priorities_not_1_to_n():
    metric = {"name": "latency", "type": "latency", "sub_types": [{"name": "avg", "priority": 1}, {"name": "max", "priority": 3}]}
    text, f = only(with_evaluator([metric]), "OLV531")
    assert text_at(text, f) == "3"
    duplicate = {"name": "latency", "type": "latency", "sub_types": [{"name": "avg", "priority": 1}, {"name": "max", "priority": 1}]}
    assert only(with_evaluator([duplicate]), "OLV531")[1].range.start.line > 0
    partial = {"name": "latency", "type": "latency", "sub_types": [{"name": "avg", "priority": 1}, {"name": "max"}]}
    clean(with_evaluator([partial]), "OLV531")


def test_olv532_ranked_custom_without_higher_is_better():
    metric = {"name": "c", "type": "custom", "sub_types": [{"name": "x", "priority": 1}],
              "user_config": {"user_script": "m.py", "evaluate_func": "f"}}
    text, f = only(with_evaluator([metric]), "OLV532")
    assert text_at(text, f) == "1"
    assert f.fix["values"] == {"higher_is_better": True}
    metric["sub_types"][0]["higher_is_better"] = True
    clean(with_evaluator([metric]), "OLV532")


def test_olv533_custom_metric_functions():
    metric = {"name": "c", "type": "custom", "sub_types": [{"name": "x"}], "user_config": {"evaluate_func": "f"}}
    text, f = only(with_evaluator([metric]), "OLV533")
    assert text_at(text, f) == '"f"'
    none = {"name": "c", "type": "custom", "sub_types": [{"name": "x"}]}
    text, f = only(with_evaluator([none]), "OLV533")
    assert text_at(text, f) == '"custom"'
    metric["user_config"]["user_script"] = "m.py"
    clean(with_evaluator([metric]), "OLV533")


def test_olv534_goal_values():
    metric = {"name": "acc", "type": "accuracy", "data_config": "d",
              "sub_types": [{"name": "accuracy_score", "goal": {"type": "percent-max-degradation", "value": 150}}]}
    data = [{"name": "d", "type": "HuggingfaceContainer", "load_dataset_config": {"data_name": "x"}, "pre_process_data_config": {"input_cols": ["t"]}}]
    text, f = only(with_evaluator([metric], data_configs=data), "OLV534")
    assert text_at(text, f) == "150" and "(0, 100)" in f.message
    metric["sub_types"][0]["goal"]["value"] = 5
    clean(with_evaluator([metric], data_configs=data), "OLV534")
    negative = {"name": "lat", "type": "latency", "sub_types": [{"name": "avg", "goal": {"type": "max-degradation", "value": -1}}]}
    text, f = only(with_evaluator([negative]), "OLV534")
    assert text_at(text, f) == "-1" and f.fix["replace_value"] == [1]
    # latency is lower-is-better: a percent-max-degradation above 100 is allowed
    slow = {"name": "lat", "type": "latency", "sub_types": [{"name": "avg", "goal": {"type": "percent-max-degradation", "value": 150}}]}
    clean(with_evaluator([slow]), "OLV534")


def test_olv535_goal_without_priority():
    metric = {"name": "lat", "type": "latency",
              "sub_types": [{"name": "avg", "priority": 1}, {"name": "max", "goal": {"type": "threshold", "value": 10}}]}
    text, f = only(with_evaluator([metric]), "OLV535")
    assert text_at(text, f) == '"goal"'
    metric["sub_types"][1]["priority"] = 2
    clean(with_evaluator([metric]), "OLV535")
    lone = {"name": "lat", "type": "latency", "sub_types": [{"name": "avg", "goal": {"type": "threshold", "value": 10}}]}
    clean(with_evaluator([lone]), "OLV535")  # a lone sub-type gets priority 1


def test_olv536_unknown_metric_options():
    metric = {"name": "lat", "type": "latency", "sub_types": [{"name": "avg", "metric_config": {"warmup": 3}}], "user_config": {"io_bnd": True}}
    text, findings = run(with_evaluator([metric]))
    found = find(findings, "OLV536")
    assert sorted(text_at(text, f) for f in found) == ['"io_bnd"', '"warmup"']
    warmup = next(f for f in found if "warmup" in f.message)
    assert warmup.fix["replace_key"][0] == "warmup_num" and warmup.severity == "warning"
    clean(with_evaluator([{"name": "lat", "type": "latency", "sub_types": [{"name": "avg", "metric_config": {"warmup_num": 3}}]}]), "OLV536")


def test_olv537_latency_config_on_later_sub_type():
    metric = {"name": "lat", "type": "latency",
              "sub_types": [{"name": "avg", "priority": 1}, {"name": "max", "priority": 2, "metric_config": {"warmup_num": 1}}]}
    text, f = only(with_evaluator([metric]), "OLV537")
    assert text_at(text, f) == '"metric_config"'
    metric["sub_types"][0]["metric_config"] = metric["sub_types"][1].pop("metric_config")
    clean(with_evaluator([metric]), "OLV537")


def test_olv538_accuracy_without_data_config():
    metric = {"name": "acc", "type": "accuracy", "sub_types": [{"name": "accuracy_score"}]}
    text, f = only(with_evaluator([metric]), "OLV538")
    assert text_at(text, f) == '"accuracy"'
    data = [{"name": "d", "type": "DummyDataContainer", "load_dataset_config": {"input_shapes": [[1, 4]]}}]
    clean(with_evaluator([dict(metric, data_config="d")], data_configs=data), "OLV538")


def test_olv539_mixed_accuracy_sub_types():
    metric = {"name": "acc", "type": "accuracy", "data_config": "d", "sub_types": [{"name": "wer", "priority": 1}, {"name": "accuracy_score", "priority": 2}]}
    text, f = only(with_evaluator([metric]), "OLV539")
    assert text_at(text, f) == '"accuracy_score"'
    metric["sub_types"] = [{"name": "wer", "priority": 1}, {"name": "rtfx", "priority": 2}]
    clean(with_evaluator([metric]), "OLV539")


# --- systems (OLV545-OLV547) ------------------------------------------------------------------------------------


def system(memory=None, device="gpu", eps=("CUDAExecutionProvider",)):
    accelerator = {"device": device, "execution_providers": list(eps)}
    if memory is not None:
        accelerator["memory"] = memory
    return {"type": "LocalSystem", "accelerators": [accelerator]}


def test_olv545_memory_unit():
    config = base(systems={"s": system("16G")}, host="s", target="s")
    text, f = only(config, "OLV545")
    assert text_at(text, f) == '"16G"' and f.fix["replace_value"] == ["16GB"]
    assert only(base(systems={"s": system("1.5GB")}, host="s", target="s"), "OLV545")[1].fix is None
    clean(base(systems={"s": system("16GB")}, host="s", target="s"), "OLV545")
    clean(base(systems={"s": system("1024")}, host="s", target="s"), "OLV545")


def test_olv546_host_with_accelerator_and_no_target():
    config = base(systems={"g": system()}, host="g")
    text, f = only(config, "OLV546")
    assert text_at(text, f) == '"g"' and f.fix["values"] == {"target": "g"}
    clean(base(systems={"g": system()}, host="g", target="g"), "OLV546")
    clean(base(systems={"c": system(device="cpu", eps=("CPUExecutionProvider",))}, host="c"), "OLV546")


def test_olv547_docker_host_without_target():
    docker = {"type": "Docker", "config": {"image_name": "olive", "build_context_path": "docker", "dockerfile": "Dockerfile"}}
    config = base(systems={"d": docker, "local": {"type": "LocalSystem"}}, host="d")
    text, f = only(config, "OLV547")
    assert text_at(text, f) == '"d"' and f.fix["values"] == {"target": "local"}
    clean(base(systems={"d": docker, "local": {"type": "LocalSystem"}}, host="d", target="local"), "OLV547")


# --- input model (OLV550-OLV557) --------------------------------------------------------------------------------


def model(**config) -> dict:
    return dict(MODEL, **config)


def test_olv550_misspelt_load_kwarg():
    text, f = only(base(input_model=model(load_kwargs={"trust_remote_cod": True})), "OLV550")
    assert text_at(text, f) == '"trust_remote_cod"' and f.fix["replace_key"] == ["trust_remote_code"]
    clean(base(input_model=model(load_kwargs={"trust_remote_code": True, "use_cache": False})), "OLV550")


def test_olv551_quantization_method_and_config():
    text, f = only(base(input_model=model(load_kwargs={"quantization_method": "bitsandbytes"})), "OLV551")
    assert text_at(text, f) == '"quantization_method"'
    text, f = only(base(input_model=model(load_kwargs={"quantization_method": "awq", "quantization_config": {"bits": 4}})), "OLV551")
    assert text_at(text, f) == '"awq"'
    clean(base(input_model=model(load_kwargs={"quantization_method": "bitsandbytes", "quantization_config": {"load_in_4bit": True}})), "OLV551")


def test_olv552_unknown_quantization_config_key():
    config = base(input_model=model(load_kwargs={"quantization_method": "bitsandbytes", "quantization_config": {"load_in_4bits": True}}))
    text, f = only(config, "OLV552")
    assert text_at(text, f) == '"load_in_4bits"' and "load_in_4bit" in f.fix["replace_key"]
    clean(base(input_model=model(load_kwargs={"quantization_method": "bitsandbytes", "quantization_config": {"load_in_4bit": True}})), "OLV552")


def test_olv553_unknown_torch_dtype():
    text, f = only(base(input_model=model(load_kwargs={"torch_dtype": "float17"})), "OLV553")
    assert text_at(text, f) == '"float17"'
    for good in ("float16", "torch.bfloat16", "auto"):
        clean(base(input_model=model(load_kwargs={"torch_dtype": good})), "OLV553")


def test_olv554_io_config_lengths():
    io = {"input_names": ["a", "b"], "input_shapes": [[1, 2]], "output_names": ["o"]}
    text, f = only(base(input_model=model(io_config=io)), "OLV554")
    assert text_at(text, f) == '"input_shapes"'
    clean(base(input_model=model(io_config=dict(io, input_shapes=[[1, 2], [1, 2]]))), "OLV554")
    text, f = only(base(input_model=model(io_config={"input_names": ["a"]})), "OLV554")
    assert "output_names" in f.message


def test_olv555_dynamic_axes_keys():
    io = {"input_names": ["a"], "output_names": ["o"], "dynamic_axes": {"a": {"batch": 0}}}
    text, f = only(base(input_model=model(io_config=io)), "OLV555")
    assert text_at(text, f) == '"batch"'
    assert f.fix["replace_value"] == [{"0": "batch"}]
    clean(base(input_model=model(io_config=dict(io, dynamic_axes={"a": {"0": "batch"}}))), "OLV555")


def test_olv556_dynamic_axes_unknown_name():
    io = {"input_names": ["input_ids"], "output_names": ["logits"], "dynamic_axes": {"input_id": {"0": "batch"}}}
    text, f = only(base(input_model=model(io_config=io)), "OLV556")
    assert text_at(text, f) == '"input_id"' and f.fix["replace_key"] == ["input_ids"]
    clean(base(input_model=model(io_config=dict(io, dynamic_axes={"input_ids": {"0": "batch"}}))), "OLV556")


def test_olv557_unknown_task():
    text, f = only(base(input_model=model(task="text-gen")), "OLV557")
    assert text_at(text, f) == '"text-gen"' and "text-generation" in f.fix["replace_value"]
    for good in ("text-generation-with-past", "ner", "text2text-generation", "feature-extraction"):
        clean(base(input_model=model(task=good)), "OLV557")



def test_olv585_no_dummy_inputs_for_task():
    text, f = only(base(input_model=model(task="summarization")), "OLV585")
    assert text_at(text, f) == '"summarization"' and f.severity == "error" and "no dummy inputs" in f.message
    assert "hf.py:137-141" in f.detail
    for good in ("text-generation-with-past", "causal-lm", "sequence-classification", "feature-extraction-with-past", "fill-mask"):
        clean(base(input_model=model(task=good)), "OLV585")
    io = {"input_names": ["input_ids"], "input_shapes": [[1, 8]], "output_names": ["logits"]}
    clean(base(input_model=model(task="summarization", io_config=io)), "OLV585")
    clean(base(input_model=model(task="summarization"), passes={"b": {"type": "ModelBuilder", "precision": "int4"}}), "OLV585")
    # transformers' alias, not one of Olive's synonyms
    assert only(base(input_model=model(task="ner")), "OLV585")


def test_olv585_tasks_are_olives():
    olive = pytest.importorskip("olive")
    import yaml
    from olive.common.hf.io_config.tasks import _TASK_SYNONYMS
    from olive_ls.rules.runtime_model import DUMMY_INPUT_TASKS, TASK_SYNONYMS

    tasks = yaml.safe_load((Path(olive.__file__).parent / "assets" / "io_configs" / "tasks.yaml").read_text())
    assert set(DUMMY_INPUT_TASKS) == {k for k, v in tasks.items() if isinstance(v, dict)}
    assert TASK_SYNONYMS == {k: str(v.value) for k, v in _TASK_SYNONYMS.items()}


# --- data (OLV560-OLV568) ---------------------------------------------------------------------------------------


def data(entry: dict, used: bool = True, **changes) -> dict:
    metrics = [dict(LATENCY, data_config=entry["name"])] if used else [LATENCY]
    return with_evaluator(metrics, data_configs=[entry], **changes)


def test_olv560_container_type_case():
    entry = {"name": "d", "type": "transformersdummydatacontainer"}
    text, f = only(data(entry), "OLV560")
    assert text_at(text, f) == '"transformersdummydatacontainer"' and f.severity == "error"
    assert f.fix["replace_value"] == ["TransformersDummyDataContainer"]
    clean(data(dict(entry, type="TransformersDummyDataContainer")), "OLV560")
    # model_name set by hand: only what is set is used, a warning
    named = dict(entry, load_dataset_config={"model_name": "model"})
    assert only(data(named), "OLV560")[1].severity == "warning"


def test_olv561_onnx_model_without_attributes():
    entry = {"name": "d", "type": "HuggingfaceContainer", "load_dataset_config": {"data_name": "x"},
             "pre_process_data_config": {"input_cols": ["t"]}}
    config = data(entry, input_model={"type": "ONNXModel", "model_path": "m.onnx"})
    text, f = only(config, "OLV561")
    assert text_at(text, f) == '"pre_process_data_config"'
    entry["pre_process_data_config"]["model_name"] = "gpt2"
    clean(data(entry, input_model={"type": "ONNXModel", "model_path": "m.onnx"}), "OLV561")


def test_olv562_kv_cache_names_not_copied():
    io = {"input_names": ["a"], "output_names": ["o"], "kv_cache": {"ort_past_key_name": "pk.<id>"}}
    entry = {"name": "d", "type": "TransformersDummyDataContainer"}
    text, f = only(data(entry, input_model=model(io_config=io)), "OLV562")
    assert text_at(text, f) == '"kv_cache"'
    clean(data(dict(entry, load_dataset_config={"ort_past_key_name": "pk.<id>"}), input_model=model(io_config=io)), "OLV562")


def test_olv563_unknown_data_task():
    entry = {"name": "d", "type": "HuggingfaceContainer", "load_dataset_config": {"data_name": "x"},
             "pre_process_data_config": {"task": "text-gen", "input_cols": ["t"]}}
    text, f = only(data(entry), "OLV563")
    assert text_at(text, f) == '"text-gen"' and "text-generation" in f.fix["replace_value"]
    entry["pre_process_data_config"]["task"] = "text-generation"
    clean(data(entry), "OLV563")


def test_olv564_missing_component_param():
    entry = {"name": "d", "type": "RawDataContainer", "load_dataset_config": {"input_names": ["a"], "input_shapes": [[1]]}}
    text, f = only(data(entry), "OLV564")
    assert "data_dir" in f.message and f.severity == "error" and f.fix["add_keys"] == ["data_dir"]
    assert text_at(text, f) == '"load_dataset_config"'
    assert only(data(entry, used=False), "OLV564")[1].severity == "warning"
    entry["load_dataset_config"]["data_dir"] = "data"
    clean(data(entry), "OLV564")
    hf = {"name": "d", "type": "HuggingfaceContainer", "pre_process_data_config": {"task": "text-classification", "input_cols": ["t"]}}
    assert "data_name" in only(data(hf), "OLV564")[1].message


def test_olv565_unknown_component_param():
    entry = {"name": "d", "type": "RawDataContainer",
             "load_dataset_config": {"data_dir": "d", "input_names": ["a"], "input_shapes": [[1]], "input_shape": [[1]]}}
    text, f = only(data(entry), "OLV565")
    assert text_at(text, f) == '"input_shape"' and f.severity == "error"
    del entry["load_dataset_config"]["input_shape"]
    clean(data(entry), "OLV565")
    # a **kwargs pre-process: a misspelt key is a warning
    hf = {"name": "d", "type": "HuggingfaceContainer", "load_dataset_config": {"data_name": "x"},
          "pre_process_data_config": {"task": "text-classification", "input_cols": ["t"], "max_sample": 3}}
    text, f = only(data(hf), "OLV565")
    assert text_at(text, f) == '"max_sample"' and f.severity == "warning" and f.fix["replace_key"][0] == "max_samples"


TEXT_GEN = {"name": "d", "type": "HuggingfaceContainer", "load_dataset_config": {"data_name": "x"}}


def text_gen(**pre) -> dict:
    return data(dict(TEXT_GEN, pre_process_data_config=pre))


def test_olv566_unknown_text_generation_option():
    text, f = only(text_gen(max_seq_length=128), "OLV566")
    assert text_at(text, f) == '"max_seq_length"' and f.severity == "warning" and f.fix["replace_key"][0] == "max_seq_len"
    clean(text_gen(max_seq_len=128), "OLV566")


@pytest.mark.parametrize(
    "pre, at",
    [
        ({"padding_side": "center"}, '"center"'),
        ({"drop_short_sequences": True}, "true"),
        ({"text_cols": []}, "[]"),
        ({"strategy": "join-sliding-window"}, '"join-sliding-window"'),
        ({"strategy": "join-random", "random_seed": 1}, '"join-random"'),
        ({"strategy": "line-by-line-random", "max_samples": 8, "random_seed": None}, "null"),
        ({"strategy": "line-by-line", "use_attention_mask": False}, "false"),
    ],
)
def test_olv566_rejected_text_generation_options(pre, at):
    text, f = only(text_gen(**pre), "OLV566")
    assert f.severity == "error"
    assert text_at(text, f) == at


def test_olv566_accepted_text_generation_options():
    for pre in (
        {"padding_side": "left"},
        {"drop_short_sequences": True, "pad_to_max_len": False},
        {"text_cols": [], "text_template": "{a}"},
        {"strategy": "join-sliding-window", "stride": 64},
        {"strategy": "join-random", "max_samples": 8, "random_seed": 1},
        {"strategy": "line-by-line", "use_attention_mask": False, "pad_to_max_len": False},
        {"strategy": "join", "use_attention_mask": False},
    ):
        clean(text_gen(**pre), "OLV566")


def test_olv567_input_lengths():
    dummy = {"name": "d", "type": "DummyDataContainer", "load_dataset_config": {"input_names": ["a", "b"], "input_shapes": [[1]]}}
    text, f = only(data(dummy), "OLV567")
    assert text_at(text, f) == '"input_shapes"' and f.severity == "warning"
    raw = {"name": "d", "type": "RawDataContainer", "load_dataset_config": {"data_dir": "d", "input_names": ["a"], "input_shapes": [[1]], "input_types": ["int64", "float"]}}
    text, f = only(data(raw), "OLV567")
    assert f.severity == "error" and "input_types" in f.message
    raw["load_dataset_config"]["input_types"] = ["int64"]
    clean(data(raw), "OLV567")


def test_olv568_shared_kv_without_fp16():
    entry = {"name": "d", "type": "TransformersDummyDataContainer", "load_dataset_config": {"shared_kv": True}}
    text, f = only(data(entry), "OLV568")
    assert text_at(text, f) == "true" and f.fix["values"] == {"use_fp16": True}
    entry["load_dataset_config"]["use_fp16"] = True
    clean(data(entry), "OLV568")


# --- the datasets and evaluate packages, vision tasks (OLV593-OLV596) ----------------------------------------------

NO_DATASETS = Environment(python="/opt/venv/bin/python", distributions={"olive-ai": "0.13.0", "transformers": "5.0.0"})


def env_findings(config: dict, environment):
    text = json.dumps(config, indent=2)
    return text, check(text, environment=environment)


def test_olv593_load_dataset_unknown_kwarg():
    entry = {"name": "d", "type": "HuggingfaceContainer", "load_dataset_config": {"data_name": "imdb", "split": "train", "streeming": True},
             "pre_process_data_config": {"task": "text-classification", "input_cols": ["text"]}}
    text, f = only(data(entry), "OLV593")
    assert text_at(text, f) == '"streeming"' and "load_dataset will reject 'streeming'" in f.message
    assert f.fix["replace_key"][0] == "streaming" and "datasets 5.2.0" in f.detail
    entry["load_dataset_config"]["streaming"] = entry["load_dataset_config"].pop("streeming")
    clean(data(entry), "OLV593")
    # a packaged builder's own option is accepted for that builder only
    entry["load_dataset_config"] = {"data_name": "json", "data_files": "d.json", "field": "rows", "split": "train"}
    clean(data(entry), "OLV593")
    entry["load_dataset_config"] = {"data_name": "csv", "data_files": "d.csv", "field": "rows", "split": "train"}
    text, f = only(data(entry), "OLV593")
    assert text_at(text, f) == '"field"' and "'csv' builder" in f.message


def test_olv593_path_given_twice():
    entry = {"name": "d", "type": "HuggingfaceContainer", "load_dataset_config": {"data_name": "imdb", "path": "imdb"},
             "pre_process_data_config": {"task": "text-classification", "input_cols": ["text"]}}
    text, f = only(data(entry), "OLV593")
    assert text_at(text, f) == '"path"' and "'path' twice" in f.message and f.fix["replace_key"] == ["data_name"]


def test_olv594_datasets_not_installed():
    entry = {"name": "d", "type": "HuggingfaceContainer", "load_dataset_config": {"data_name": "imdb", "split": "train"},
             "pre_process_data_config": {"task": "text-classification", "input_cols": ["text"]}}
    text, findings = env_findings(data(entry), NO_DATASETS)
    found = find(findings, "OLV594")
    assert len(found) == 1 and text_at(text, found[0]) == '"HuggingfaceContainer"' and "'datasets' package" in found[0].message
    with_datasets = Environment(python="/opt/venv/bin/python", distributions={"olive-ai": "0.13.0", "datasets": "5.2.0"})
    assert not find(env_findings(data(entry), with_datasets)[1], "OLV594")
    assert not find(env_findings(data(entry, used=False), NO_DATASETS)[1], "OLV594")
    assert not find(run(data(entry))[1], "OLV594")  # environment checks off


def test_olv595_huggingface_metrics_without_evaluate():
    metric = {"name": "acc", "type": "accuracy", "backend": "huggingface_metrics", "sub_types": [{"name": "accuracy"}], "data_config": "d"}
    entry = {"name": "d", "type": "HuggingfaceContainer", "load_dataset_config": {"data_name": "imdb"},
             "pre_process_data_config": {"task": "text-classification", "input_cols": ["text"]}}
    config = with_evaluator([metric], data_configs=[entry])
    text, findings = env_findings(config, NO_DATASETS)
    found = find(findings, "OLV595")
    assert len(found) == 1 and text_at(text, found[0]) == '"huggingface_metrics"' and "'evaluate' package" in found[0].message
    with_evaluate = Environment(python="/opt/venv/bin/python", distributions={"olive-ai": "0.13.0", "evaluate": "0.4.6"})
    assert not find(env_findings(config, with_evaluate)[1], "OLV595")


def vision(task=None, sub="exact_match", used=True):
    pre = {"type": "vision_vqa_pre_process"} if task is None else {"type": "vision_vqa_pre_process", "task": task}
    entry = {"name": "v", "type": "HuggingfaceContainer", "load_dataset_config": {"data_name": "lmms-lab/textvqa"}, "pre_process_data_config": pre}
    metric = {"name": "vqa", "type": "accuracy", "sub_types": [{"name": sub}], "data_config": "v"}
    config = with_evaluator([metric], data_configs=[entry])
    if not used:
        del config["evaluator"]
    return config


def test_olv596_vision_metric_task():
    text, f = only(vision("vision-chart-qa"), "OLV596")
    assert text_at(text, f) == '"exact_match"' and "'vision-chart-qa' takes relaxed_accuracy" in f.message and f.severity == "error"
    assert f.fix["replace_value"] == ["relaxed_accuracy"]
    clean(vision("vision-vqa"), "OLV596")
    text, f = only(vision("vision-qa"), "OLV596")
    assert text_at(text, f) == '"v"' and "'vision-qa' is not a vision task type" in f.message
    assert only(vision("vision-qa", used=False), "OLV596")[1].severity == "warning"


def test_olv596_autofilled_model_task():
    # No task in the pre-process: Olive copies input_model's task (text-generation-with-past by default) into it.
    _text, f = only(vision(), "OLV596")
    assert "'text-generation-with-past' is not a vision task type" in f.message and "input_model" in f.detail
    config = vision()
    config["input_model"]["task"] = "vision-vqa"
    clean(config, "OLV596")


def test_every_new_code_is_tested_here():
    source = Path(__file__).read_text()
    from olive_ls.rules.registry import load_rules

    families = ("runtime_engine", "runtime_evaluation", "runtime_systems", "runtime_model", "runtime_data")
    mine = sorted(c for c, r in load_rules().items() if "OLV520" <= c <= "OLV599" and r.family in families)
    assert mine and all(c.lower() in source for c in mine), [c for c in mine if c.lower() not in source]


# --- OLV540-OLV541 ----------------------------------------------------------------------------------------------


def gpu_target(accelerator: dict) -> dict:
    return base(systems={"t": {"type": "LocalSystem", "accelerators": [accelerator]}}, host="t", target="t")


def test_olv540_gpu_defaults_to_cuda():
    directml = Environment(python="/opt/venv/bin/python", distributions={"olive-ai": "0.13.0", "onnxruntime-directml": "1.22.0"})
    text, findings = env_findings(gpu_target({"device": "gpu"}), directml)
    found = find(findings, "OLV540")
    assert len(found) == 1, [(f.code, f.text) for f in findings]
    f = found[0]
    assert text_at(text, f) == '"gpu"' and f.severity == "warning" and "CUDAExecutionProvider" in f.message
    assert "onnxruntime-directml 1.22.0" in f.message and "accelerator_creator.py:86-103" in f.detail
    assert f.fix["values"] == {"execution_providers": ["DmlExecutionProvider"]}
    for fine in ({"device": "gpu", "execution_providers": ["DmlExecutionProvider"]}, {"device": "cpu"}):
        _, findings = env_findings(gpu_target(fine), directml)
        assert not find(findings, "OLV540")
    cuda = Environment(python="/opt/venv/bin/python", distributions={"olive-ai": "0.13.0", "onnxruntime-gpu": "1.22.0"})
    _, findings = env_findings(gpu_target({"device": "gpu"}), cuda)
    assert not find(findings, "OLV540")
    clean(gpu_target({"device": "gpu"}), "OLV540")  # environment checks off


def test_olv541_packaging_replaces_output_model():
    text, f = only(base(packaging_config={"type": "Zipfile", "name": "pkg"}), "OLV541")
    assert text_at(text, f) == '"packaging_config"' and f.severity == "information" and "does not save the best model" in f.message
    assert "engine.py:220-234" in f.detail
    clean(base(), "OLV541")
    clean(base(packaging_config=[]), "OLV541")
