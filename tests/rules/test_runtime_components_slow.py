"""Real Olive 0.13.0 doing what the OLV520-OLV568 findings say, on the tiny local Llama (scripts/build_tiny_model.py).

Two kinds of evidence, both offline with telemetry off, in subprocesses:
- `python -m olive run --config` on the tiny model, for what only a run shows (OLV520 exits 0 without a model,
  OLV526 writes next to an output_dir with a suffix);
- one Python process that builds Olive's own classes (RunConfig, create_engine, OliveEvaluatorConfig, the data
  components, TextGenParams, IoConfig, HfLoadKwargs, AcceleratorConfig, HfModelHandler) for each finding and
  records what Olive raises, warns or builds; each test asserts one of those records.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("olive")

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.olive]


def offline_env(tmp: Path) -> dict:
    return dict(
        os.environ,
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HF_DATASETS_OFFLINE="1",
        HF_HOME=str(tmp / "hf-home"),
        OLIVE_DISABLE_TELEMETRY="1",
        PYTHONUNBUFFERED="1",
    )


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from build_tiny_model import build_tiny_model
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model", "llama")


def olive_run(folder: Path, config: dict) -> subprocess.CompletedProcess:
    path = folder / "config.json"
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "olive", "run", "--config", str(path)],
        check=False, cwd=folder, capture_output=True, text=True, timeout=300, env=offline_env(folder),
    )


PROBES = r'''
import json, logging, sys, warnings, io
from pathlib import Path
model = sys.argv[1]
out = {}
log = io.StringIO()
handler = logging.StreamHandler(log)
for name in ("", "olive"):
    logging.getLogger(name).addHandler(handler)
    logging.getLogger(name).setLevel(logging.DEBUG)

def probe(name, fn):
    log.seek(0); log.truncate()
    try:
        value = fn()
        out[name] = {"ok": True, "value": value, "log": log.getvalue()}
    except BaseException as e:  # noqa
        out[name] = {"ok": False, "type": type(e).__name__, "message": str(e), "log": log.getvalue()}

from olive.workflows.run.config import RunConfig
base = {"input_model": {"type": "HfModel", "model_path": model}, "passes": {"c": {"type": "OnnxConversion"}}, "output_dir": "o"}

def run_config(**changes):
    config = json.loads(json.dumps(base)); config.update(changes)
    return RunConfig.model_validate(config)

# OLV521 search_strategy: true
def g006():
    from olive.package_config import OlivePackageConfig
    latency = {"name": "l", "type": "latency", "sub_types": [{"name": "avg"}]}
    cfg = run_config(evaluators={"e": {"metrics": [latency]}}, evaluator="e", search_strategy=True)
    cfg.engine.create_engine(OlivePackageConfig.load_default_config(), cfg.workflow_id)
    return "created"
probe("G006", g006)

# OLV523 joint-only option with pass-by-pass
def g010():
    from olive.search.search_strategy import SearchStrategyConfig
    c = SearchStrategyConfig(execution_order="pass-by-pass", sampler="random", max_iter=3)
    return c.max_iter
probe("G010", g010)

# OLV530 / OLV531 / OLV532 / OLV533 / OLV534 evaluator validation
from olive.evaluator.olive_evaluator import OliveEvaluatorConfig
def evaluator(metrics):
    return lambda: bool(OliveEvaluatorConfig.model_validate({"metrics": metrics}))
lat = lambda **kw: dict({"name": "l", "type": "latency", "sub_types": [{"name": "avg"}]}, **kw)
probe("E004", evaluator([lat(), lat()]))
probe("E007", evaluator([lat(sub_types=[{"name": "avg"}, {"name": "max"}])]))
probe("E008", evaluator([lat(sub_types=[{"name": "avg", "priority": 1}, {"name": "max", "priority": 3}])]))
probe("E008_ok", evaluator([lat(sub_types=[{"name": "avg", "priority": 1}, {"name": "max"}])]))
probe("E009", evaluator([{"name": "c", "type": "custom", "sub_types": [{"name": "x", "priority": 1}], "user_config": {"user_script": "m.py", "evaluate_func": "f"}}]))
probe("E010", evaluator([{"name": "c", "type": "custom", "sub_types": [{"name": "x"}], "user_config": {"evaluate_func": "f"}}]))
probe("E013", evaluator([lat(sub_types=[{"name": "avg", "goal": {"type": "max-degradation", "value": -1}}])]))
probe("E014", evaluator([{"name": "a", "type": "accuracy", "sub_types": [{"name": "accuracy_score", "goal": {"type": "percent-max-degradation", "value": 150}}]}]))
probe("E014_latency_ok", evaluator([lat(sub_types=[{"name": "avg", "goal": {"type": "percent-max-degradation", "value": 150}}])]))
def e017():
    c = OliveEvaluatorConfig.model_validate({"metrics": [lat(sub_types=[{"name": "avg", "metric_config": {"warmup": 3}}])]})
    return c.metrics[0].sub_types[0].metric_config.model_dump()
probe("E017", e017)
def e019():
    from olive.evaluator.metric import get_latency_config_from_metric
    c = OliveEvaluatorConfig.model_validate({"metrics": [lat(sub_types=[{"name": "avg", "priority": 1}, {"name": "max", "priority": 2, "metric_config": {"warmup_num": 1}}])]})
    return list(get_latency_config_from_metric(c.metrics[0]))
probe("E019", e019)
def e015():
    c = OliveEvaluatorConfig.model_validate({"metrics": [lat(sub_types=[{"name": "avg", "priority": 1}, {"name": "max", "goal": {"type": "threshold", "value": 10}}])]})
    return c.metrics[0].get_sub_type_info("goal")
probe("E015", lambda: {k: (v.model_dump() if v else None) for k, v in e015().items()})
def e021():
    from olive.evaluator.olive_evaluator import _is_text_based_metric
    c = OliveEvaluatorConfig.model_validate({"metrics": [{"name": "a", "type": "accuracy", "sub_types": [{"name": "wer", "priority": 1}, {"name": "accuracy_score", "priority": 2}]}]})
    return _is_text_based_metric(c.metrics[0])
probe("E021", e021)

# OLV545 memory
from olive.hardware.accelerator import AcceleratorSpec
from olive.systems.common import AcceleratorConfig
probe("S005", lambda: AcceleratorConfig(device="gpu", execution_providers=["CUDAExecutionProvider"], memory="16G").memory)
probe("S005_ok", lambda: AcceleratorConfig(device="gpu", execution_providers=["CUDAExecutionProvider"], memory="16GB").memory)

# OLV551-OLV553 load_kwargs
from olive.model.config.hf_config import HfLoadKwargs
probe("M006", lambda: bool(HfLoadKwargs(quantization_method="bitsandbytes")))
probe("M007", lambda: bool(HfLoadKwargs(quantization_method="awq", quantization_config={"bits": 4})))
probe("M008", lambda: HfLoadKwargs(quantization_method="bitsandbytes", quantization_config={"load_in_4bits": True}).get_quantization_config() and "built")
probe("M009", lambda: str(HfLoadKwargs(torch_dtype="float17").get_torch_dtype()))
# the RunConfig keeps load_kwargs as a free dict: none of these fail at config validation
probe("M006_config", lambda: bool(run_config(input_model={"type": "HfModel", "model_path": model, "load_kwargs": {"quantization_method": "bitsandbytes", "torch_dtype": "float17"}})))

# OLV554 / OLV555 io_config
from olive.model.config.io_config import IoConfig
probe("M011", lambda: bool(IoConfig(input_names=["a", "b"], input_shapes=[[1, 2]], output_names=["o"])))
probe("M013", lambda: bool(IoConfig(input_names=["a"], output_names=["o"], dynamic_axes={"a": {"batch": 0}})))
probe("M015", lambda: bool(IoConfig(input_names=["a"])))
probe("M011_config", lambda: bool(run_config(input_model={"type": "HfModel", "model_path": model, "io_config": {"input_names": ["a", "b"], "input_shapes": [[1, 2]], "output_names": ["o"]}})))

# OLV557 task
def l002():
    from olive.model import HfModelHandler
    return type(HfModelHandler(model_path=model, task="text-gen").load_model()).__name__
probe("L002", l002)
def l002_ok():
    from olive.model import HfModelHandler
    return type(HfModelHandler(model_path=model, task="text-generation-with-past").load_model()).__name__
probe("L002_ok", l002_ok)

# OLV560 / OLV562 data autofill
def d007(type_name):
    cfg = run_config(data_configs=[{"name": "d", "type": type_name}])
    return cfg.data_configs[0].load_dataset_config.params.get("model_name")
probe("D007_exact", lambda: d007("TransformersDummyDataContainer"))
probe("D007_lower", lambda: d007("transformersdummydatacontainer"))
def d009():
    im = {"type": "HfModel", "model_path": model, "io_config": {"input_names": ["a"], "output_names": ["o"], "kv_cache": {"ort_past_key_name": "pk.<id>"}}}
    cfg = run_config(input_model=im, data_configs=[{"name": "d", "type": "TransformersDummyDataContainer"}])
    return cfg.data_configs[0].load_dataset_config.params.get("ort_past_key_name")
probe("D009", d009)
def d011(task):
    from olive.data.config import DataConfig
    c = DataConfig(name="d", type="HuggingfaceContainer", load_dataset_config={"data_name": "x"}, pre_process_data_config={"task": task, "model_name": model})
    return c.pre_process_data_config.type
probe("D011", lambda: d011("text-gen"))
probe("D011_ok", lambda: d011("text-generation"))

# OLV564 / OLV565 / OLV567 / OLV568 data components
from olive.data.config import DataConfig
def load(**params):
    return lambda: len(DataConfig(name="d", type=params.pop("_container"), load_dataset_config=params).to_data_container().load_dataset())
probe("D012", load(_container="RawDataContainer", input_names=["a"], input_shapes=[[1]]))
probe("D014", load(_container="RawDataContainer", data_dir="d", input_names=["a"], input_shapes=[[1]], input_shape=[[1]]))
def d028():
    data = DataConfig(name="d", type="DummyDataContainer", load_dataset_config={"input_names": ["a", "b"], "input_shapes": [[1, 2]]}).to_data_container().load_dataset()
    sample = data[0][0]
    return sorted(sample) if isinstance(sample, dict) else type(sample).__name__
probe("D028", d028)
probe("D029", load(_container="RawDataContainer", data_dir="d", input_names=["a"], input_shapes=[[1]], input_types=["int64", "float32"]))
probe("D030", load(_container="TransformersDummyDataContainer", model_name=model, shared_kv=True))

# OLV566 text-generation options (TextGenParams, as the pre-process validates them)
from olive.common.config_utils import validate_config
from olive.data.component.text_generation import TextGenParams
def tg(**kw):
    return lambda: validate_config(kw, TextGenParams, warn_unused_keys=True).model_dump(include={"max_seq_len", "stride", "strategy"})
probe("D020", tg(max_seq_length=128))
probe("D021", tg(padding_side="center"))
probe("D022", tg(drop_short_sequences=True))
probe("D023", tg(text_cols=[]))
probe("D024", tg(strategy="join-sliding-window"))
probe("D025", tg(strategy="join-random", random_seed=1))
probe("D026", tg(strategy="line-by-line", use_attention_mask=False))
probe("D027", tg(strategy="line-by-line-random", max_samples=8, random_seed=None))

print("PROBES=" + json.dumps(out, default=str))
'''


@pytest.fixture(scope="module")
def probes(tiny_model, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("probes")
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(PROBES), str(tiny_model)],
        check=False, cwd=folder, capture_output=True, text=True, timeout=300, env=offline_env(folder),
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("PROBES=")), None)
    assert line is not None, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(line[len("PROBES="):])


def raised(probe: dict, kind: str, text: str):
    assert not probe["ok"], probe
    assert probe["type"] == kind and text in probe["message"], probe


# ------------------------------------------------------------------------------------------- real `olive run`


def test_olv520_passes_empty_exits_0_without_a_model(tiny_model, tmp_path):
    shutil_copy(tiny_model, tmp_path / "model")
    proc = olive_run(tmp_path, {"input_model": {"type": "HfModel", "model_path": "model"}, "passes": {}, "output_dir": "out"})
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "KeyError: None" in output and "No output model produced" in output, output[-3000:]


def test_olv526_output_dir_with_suffix_writes_to_its_parent(tiny_model, tmp_path):
    shutil_copy(tiny_model, tmp_path / "model")
    config = {
        "input_model": {"type": "HfModel", "model_path": "model"},
        "passes": {"builder": {"type": "ModelBuilder", "precision": "fp32"}},
        "output_dir": "models/tiny2.5-fp32",
        "cache_dir": ".olive-cache",
    }
    proc = olive_run(tmp_path, config)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    assert (tmp_path / "models" / "tiny2.5-fp32" / "model.onnx").is_file()  # the model is where it was asked
    for name in ("footprint.json", "run_history.txt"):
        assert (tmp_path / "models" / name).is_file()  # ... its artefacts in the parent
        assert not (tmp_path / "models" / "tiny2.5-fp32" / name).exists()


def shutil_copy(src: Path, dst: Path):
    import shutil

    shutil.copytree(src, dst)


# ------------------------------------------------------------------------------------------- Olive's classes


def test_olv521_search_strategy_true_is_rejected(probes):
    raised(probes["G006"], "ValueError", "Invalid config class")


def test_olv523_max_iter_ignored_with_pass_by_pass(probes):
    probe = probes["G010"]
    assert probe["ok"] and probe["value"] is None, probe
    assert "only supported for joint execution order" in probe["log"]


def test_olv530_duplicate_metric_names(probes):
    raised(probes["E004"], "ValidationError", "Metric names must be unique")


def test_olv531_priorities(probes):
    raised(probes["E007"], "ValidationError", "Priority must be specified for multiple sub type metrics")
    raised(probes["E008"], "ValidationError", "Priorities must be unique and in the range 1 to")
    assert probes["E008_ok"]["ok"], probes["E008_ok"]  # an unranked sub-type beside a ranked one is fine


def test_olv532_olv533_custom_metrics(probes):
    raised(probes["E009"], "ValidationError", "higher_is_better must be specified for ranked custom metric")
    raised(probes["E010"], "ValidationError", "user_script must be provided")


def test_olv534_goal_values(probes):
    raised(probes["E013"], "ValidationError", "Value must be nonnegative")
    raised(probes["E014"], "ValidationError", "Invalid goal value 150")
    assert probes["E014_latency_ok"]["ok"], probes["E014_latency_ok"]


def test_olv535_goal_without_priority_is_dropped(probes):
    probe = probes["E015"]
    assert probe["ok"] and list(probe["value"]) == ["avg"], probe  # max's goal is not among the resolved goals


def test_olv536_olv537_latency_options(probes):
    probe = probes["E017"]
    assert probe["ok"] and "warmup" not in probe["value"] and "not part of LatencyMetricConfig" in probe["log"], probe
    assert probes["E019"]["ok"] and probes["E019"]["value"][0] != 1, probes["E019"]  # the second sub-type's warmup_num is not used


def test_olv539_mixed_accuracy_sub_types(probes):
    raised(probes["E021"], "ValueError", "Cannot mix text-based accuracy sub-types")


def test_olv545_memory_unit(probes):
    assert not probes["S005"]["ok"] and "Memory unit 6G is not supported" in probes["S005"]["message"], probes["S005"]
    assert probes["S005_ok"]["ok"] and probes["S005_ok"]["value"] == 16 * 10**9


def test_olv551_olv552_olv553_load_kwargs(probes):
    assert probes["M006_config"]["ok"], probes["M006_config"]  # accepted by RunConfig...
    raised(probes["M006"], "ValidationError", "quantization_config and quantization_method must be provided together")
    raised(probes["M007"], "ValidationError", "Unsupported quantization method awq")
    assert "Unused kwargs in quantization_config" in probes["M008"]["log"] and "load_in_4bits" in probes["M008"]["log"], probes["M008"]
    raised(probes["M009"], "AttributeError", "Invalid dtype 'float17'")


def test_olv554_olv555_io_config(probes):
    assert probes["M011_config"]["ok"], probes["M011_config"]  # RunConfig lets it through; the pass fails
    raised(probes["M011"], "ValidationError", "input_names and input_shapes must have the same length")
    raised(probes["M013"], "ValidationError", "Input should be a valid integer")
    raised(probes["M015"], "ValidationError", "output_names")


def test_olv557_unknown_task_fails_when_the_model_loads(probes):
    raised(probes["L002"], "KeyError", "Unknown task text-gen")
    assert probes["L002_ok"]["ok"], probes["L002_ok"]


def test_olv560_olv562_autofill(probes, tiny_model):
    assert probes["D007_exact"]["value"] == str(tiny_model)
    assert probes["D007_lower"]["ok"] and probes["D007_lower"]["value"] is None, probes["D007_lower"]
    assert probes["D009"]["ok"] and probes["D009"]["value"] == "past_key_values.<id>.key", probes["D009"]


def test_olv563_unknown_data_task_falls_back(probes):
    assert probes["D011"]["value"] == "huggingface_pre_process"
    assert probes["D011_ok"]["value"] == "text_generation_huggingface_pre_process"


def test_olv564_olv565_olv567_olv568_data_components(probes):
    raised(probes["D012"], "TypeError", "")
    raised(probes["D014"], "TypeError", "unexpected keyword argument 'input_shape'")
    # zip() stops at the one shape: a single input 'a', returned bare (not a dict), and 'b' silently dropped
    assert probes["D028"]["ok"] and probes["D028"]["value"] == "Tensor", probes["D028"]
    raised(probes["D029"], "AssertionError", "Number of input types should be equal to number of input names")
    raised(probes["D030"], "ValueError", "shared_kv is only supported for ONNX model with FP16")


def test_olv566_text_generation_options(probes):
    assert probes["D020"]["ok"] and probes["D020"]["value"]["max_seq_len"] == 1024, probes["D020"]
    assert "not part of TextGenParams" in probes["D020"]["log"]
    raised(probes["D021"], "ValidationError", "padding_side must be either left or right")
    raised(probes["D022"], "ValidationError", "pad_to_max_len and drop_short_sequences cannot both be True")
    raised(probes["D023"], "ValidationError", "One of text_cols")
    assert probes["D024"]["ok"] and probes["D024"]["value"]["stride"] is None, probes["D024"]  # accepted; fails later
    raised(probes["D025"], "ValidationError", "max_samples must be specified when strategy is random")
    raised(probes["D026"], "ValidationError", "Attention mask is required for padding")
    raised(probes["D027"], "ValidationError", "random_seed must be specified when strategy is random")
