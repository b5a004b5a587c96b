"""Proofs for OLV570-OLV596: real Olive 0.13.0, onnxruntime-genai 0.14.1 and transformers do what the findings say.

Two offline `olive run`s on the tiny random Llama (scripts/build_tiny_model.py): one with an architecture genai does
not build, one with a search key genai's parser rejects. The others call the Olive function that decides, on a
copy of the tiny model's config.json (no weights are loaded before the decision).
"""

from __future__ import annotations

import copy
import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("olive")
pytest.importorskip("onnxruntime_genai")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import check, find

pytestmark = [pytest.mark.slow, pytest.mark.olive]

ROOT = Path(__file__).resolve().parents[2]


def _config_copy(tiny_model: Path, folder: Path, **changes) -> Path:
    """A model folder with the tiny model's config.json, changed: enough for what is decided from the config."""
    folder.mkdir(parents=True, exist_ok=True)
    config = json.loads((tiny_model / "config.json").read_text())
    config.update(changes)
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def _olive_run(folder: Path, passes: dict, model_path: str):
    from olive_ls.execution.workflow_run import build_env

    config = json.loads((ROOT / "samples" / "tiny-llama" / "config.json").read_text(encoding="utf-8"))
    config["input_model"]["model_path"] = model_path
    config["passes"] = passes
    config["output_dir"] = "out"
    path = folder / "config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    env = build_env(folder)
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    proc = subprocess.run(
        [sys.executable, "-m", "olive", "run", "--config", str(path), "--disable_telemetry"],
        check=False, cwd=folder, env=env, capture_output=True, text=True, timeout=300,
    )
    return path, proc


def test_olv570_genai_does_not_build_an_unknown_architecture(tiny_model, tmp_path):
    shutil.copytree(tiny_model, tmp_path / "model")
    _config_copy(tiny_model, tmp_path / "model", architectures=["TinyFooForCausalLM"])
    path, proc = _olive_run(tmp_path, {"builder": {"type": "ModelBuilder", "precision": "fp32"}}, "model")
    out = proc.stdout + proc.stderr
    # engine.py:284-288 catches the pass's exception per accelerator: the run ends without a model.
    assert "NotImplementedError" in out and "model is not currently supported." in out, out[-3000:]
    assert "No output model produced" in out
    assert find(check(path.read_text(), path=path, env_checks=True), "OLV570")


def test_olv590_genai_refuses_the_search_key_modelbuilder_wrote(tiny_model, tmp_path):
    import onnxruntime_genai as og

    shutil.copytree(tiny_model, tmp_path / "model")
    passes = {"builder": {"type": "ModelBuilder", "precision": "fp32", "search": {"max_len": 32}}}
    path, proc = _olive_run(tmp_path, passes, "model")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    written = sorted(tmp_path.glob("out/**/genai_config.json"))
    assert written and json.loads(written[0].read_text())["search"]["max_len"] == 32
    with pytest.raises(RuntimeError, match='search: Unknown value "max_len"'):
        og.Config(str(written[0].parent))
    assert find(check(path.read_text()), "OLV590")


def _hf(folder: Path, **load_kwargs):
    from olive.model import HfModelHandler

    return HfModelHandler(model_path=str(folder), load_kwargs=load_kwargs or None)


def test_olv573_prepare_model_refuses_a_quantized_model(tiny_model, tmp_path):
    from olive.passes.olive_pass import create_pass_from_dict
    from olive.passes.pytorch.gptq import Gptq
    from olive.passes.pytorch.quant_utils import prepare_model

    folder = _config_copy(tiny_model, tmp_path / "q", quantization_config={"quant_method": "gptq", "bits": 4})
    p = create_pass_from_dict(Gptq, {}, disable_search=True)
    with pytest.raises(ValueError, match="Model is already quantized. Cannot quantize again using this pass."):
        prepare_model(_hf(folder), p.config)
    with pytest.raises(ValueError, match="not compatible with this pass"):
        prepare_model(_hf(folder), p.config, allow_quantized=True)  # what Rtn and KQuant call


def test_olv579_load_kwargs_quantization_config_is_ignored(tiny_model, tmp_path, caplog):
    from olive.common.hf.utils import get_model_config

    folder = _config_copy(tiny_model, tmp_path / "q", quantization_config={"quant_method": "gptq", "bits": 4})
    with caplog.at_level(logging.WARNING):
        config = get_model_config(str(folder), quantization_config={"load_in_4bit": True})
    assert "Ignoring the new quantization_config" in caplog.text
    # The config Olive keeps (model_attributes) does carry the new one: AutoConfig.from_pretrained applies the
    # kwarg itself. The weights are loaded by transformers, which keeps config.json's (quantizers/auto.py).
    assert config.quantization_config == {"load_in_4bit": True}


def test_olv592_training_args_outside_training_arguments_are_dropped(caplog):
    from olive.passes.pytorch.lora import HFTrainingArguments

    with caplog.at_level(logging.WARNING):
        args = HFTrainingArguments(max_steps=2, learning_ratee=0.1, extra_args={"bogus_arg": 1})
    assert "Extra arg learning_ratee is not a field of transformers.TrainingArguments. Ignoring." in caplog.text
    assert "Extra arg bogus_arg is not a field" in caplog.text
    assert set(args.extra_args) == {"max_steps"}


def test_olv594_huggingface_dataset_needs_datasets():
    if __import__("importlib").util.find_spec("datasets") is not None:
        pytest.skip("datasets is installed here")
    from olive.data.component.load_dataset import huggingface_dataset

    with pytest.raises(ModuleNotFoundError, match="datasets"):
        huggingface_dataset(data_name="imdb")


def test_olv595_huggingface_metrics_need_evaluate():
    if __import__("importlib").util.find_spec("evaluate") is not None:
        pytest.skip("evaluate is installed here")
    from olive.evaluator.metric import Metric

    with pytest.raises(ImportError, match="Please install the huggingface/evaluate package"):
        Metric(name="acc", type="accuracy", backend="huggingface_metrics", sub_types=[{"name": "accuracy"}])


def test_olv596_vision_metric_on_another_task():
    from olive.data.config import DataConfig
    from olive.evaluator.metric import Metric
    from olive.evaluator.olive_evaluator import _validate_vision_task_metric

    data = {"name": "v", "type": "HuggingfaceContainer", "load_dataset_config": {"data_name": "x"},
            "pre_process_data_config": {"type": "vision_vqa_pre_process", "params": {"task": "vision-chart-qa"}}}
    metric = Metric(name="vqa", type="accuracy", sub_types=[{"name": "exact_match"}], data_config=DataConfig(**copy.deepcopy(data)))
    with pytest.raises(ValueError, match="Metric sub-type 'exact_match' is not compatible with task type 'vision-chart-qa'"):
        _validate_vision_task_metric(metric)
    data["pre_process_data_config"]["params"]["task"] = "text-generation-with-past"  # what the autofill puts there
    metric = Metric(name="vqa", type="accuracy", sub_types=[{"name": "exact_match"}], data_config=DataConfig(**data))
    with pytest.raises(ValueError, match="Unknown vision task type 'text-generation-with-past'"):
        _validate_vision_task_metric(metric)
