"""Proofs for OLV430-OLV446: Olive 0.13.0 with real nncf, openvino and optimum-intel does what the findings claim.

Those packages are not in the project's environment: the proofs run in /tmp/ov-venv (a venv with olive-ai==0.13.0,
nncf, openvino and optimum-intel; see docs/olive-runtime-checks.md) in one subprocess, and are skipped without it.
Pass-level claims are shown on the pass classes (create_pass_from_dict, validate_config, the helpers _run_for_config
calls, or _run_for_config itself with optimum-intel's export stubbed out: nothing is downloaded or exported).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.olive]

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

OV_PYTHON = Path(os.environ.get("OLIVE_LS_OV_VENV", "/tmp/ov-venv")) / "bin" / "python"

PROOF = r'''
import json, logging, sys, tempfile
from pathlib import Path

logging.disable(logging.NOTSET)
records = []
class Keep(logging.Handler):
    def emit(self, record):
        records.append(record.getMessage())
logging.getLogger("olive").addHandler(Keep())
logging.getLogger("olive").setLevel(logging.INFO)

import nncf, openvino, torch
from importlib.metadata import version
from olive.hardware.accelerator import AcceleratorSpec, Device
from olive.model import HfModelHandler, OpenVINOModelHandler, PyTorchModelHandler
from olive.passes.olive_pass import create_pass_from_dict
from olive.passes.openvino import optimum_intel
from olive.passes.openvino.compression import OpenVINOWeightCompression
from olive.passes.openvino.encapsulation import OpenVINOEncapsulation
from olive.passes.openvino.optimum_intel import OpenVINOOptimumConversion
from olive.passes.openvino.ov_utils import infer_library_name
from olive.passes.openvino.quantization import OpenVINOQuantization

SPEC = AcceleratorSpec(Device.CPU, "OpenVINOExecutionProvider")
tiny, work = Path(sys.argv[1]), Path(tempfile.mkdtemp())
out = {"versions": {k: version(k) for k in ("olive-ai", "nncf", "openvino", "optimum-intel")}}

def make(cls, cfg):
    return create_pass_from_dict(cls, cfg, disable_search=True, accelerator_spec=SPEC)

def valid(cls, cfg):
    del records[:]
    p = make(cls, cfg)
    return [cls.validate_config(p.config, SPEC), list(records)]

def raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return [type(e).__name__, str(e)]
    return None

def enum(E):
    return [[m.name, m.value] for m in E]

from nncf.quantization.advanced_parameters import GroupSizeFallbackMode
import nncf.quantization.advanced_parameters as ap
import dataclasses
out["nncf_enums"] = {
    "CompressWeightsMode": enum(nncf.parameters.CompressWeightsMode), "SensitivityMetric": enum(nncf.parameters.SensitivityMetric),
    "BackupMode": enum(nncf.BackupMode), "CompressionFormat": enum(nncf.parameters.CompressionFormat),
    "ModelType": enum(nncf.ModelType), "QuantizationPreset": enum(nncf.QuantizationPreset),
    "GroupSizeFallbackMode": enum(GroupSizeFallbackMode),
}
out["nncf_fields"] = {
    "": [f.name for f in dataclasses.fields(nncf.AdvancedCompressionParameters)],
    "awq_params": [f.name for f in dataclasses.fields(ap.AdvancedAWQParameters)],
    "scale_estimation_params": [f.name for f in dataclasses.fields(ap.AdvancedScaleEstimationParameters)],
    "gptq_params": [f.name for f in dataclasses.fields(ap.AdvancedGPTQParameters)],
    "lora_correction_params": [f.name for f in dataclasses.fields(ap.AdvancedLoraCorrectionParameters)],
}
from optimum.intel.openvino.configuration import _DEFAULT_INT8_FQ_CONFIGS
out["int8_fq_models"] = sorted(_DEFAULT_INT8_FQ_CONFIGS)

W = OpenVINOWeightCompression
out["olv430"] = {
    "unknown": valid(W, {"compress_config": {"mode": "int5_sym"}}),
    "not_string": valid(W, {"compress_config": {"mode": 4}}),
    "name_any_case": valid(W, {"compress_config": {"mode": "INT4_SYM", "compression_format": "DQ"}, "extra_args": {"preset": "MIXED"}}),
    "fallback": valid(W, {"extra_args": {"advanced_compression_parameters": {"group_size_fallback_mode": "skip"}}}),
}
out["olv431"] = {"bad": valid(W, {"extra_args": {"library": "transformer"}}), "name": valid(W, {"extra_args": {"library": "SENTENCE_TRANSFORMERS"}})}
p = make(W, {"extra_args": {"advanced_compression_parameters": {"lora_rank": 4, "awq_params": {"step": 2}}}})
out["olv432"] = {
    "top": raised(lambda: nncf.AdvancedCompressionParameters(**{"lora_rank": 4})),
    "nested": raised(lambda: W._get_advanced_compression_params(make(W, {"extra_args": {"advanced_compression_parameters": {"awq_params": {"step": 2}}}}).config)),
}
Q = OpenVINOQuantization
qd = {"data_config": {"name": "d", "type": "HuggingfaceContainer"}}
out["olv433"] = {
    "scope_only": raised(lambda: W._get_extra_params(make(W, {"ignored_scope": ["MatMul_1"]}).config)),
    "type_only": raised(lambda: Q._get_extra_params(make(Q, {**qd, "ignored_scope_type": "types"}).config)),
    "flat": raised(lambda: Q._get_extra_params(make(Q, {**qd, "ignored_scope": ["a", "b"], "ignored_scope_type": ["names", "types"]}).config)),
    "duplicate": raised(lambda: Q._get_extra_params(make(Q, {**qd, "ignored_scope": [["a"], ["b"]], "ignored_scope_type": ["names", "names"]}).config)),
    "length": raised(lambda: Q._get_extra_params(make(Q, {**qd, "ignored_scope": [["a"]], "ignored_scope_type": ["names", "types"]}).config)),
    "fixed": raised(lambda: Q._get_extra_params(make(Q, {**qd, "ignored_scope": [["a"], ["b"]], "ignored_scope_type": ["names", "types"]}).config)),
}
class Net(torch.nn.Module):
    def forward(self, x):
        return torch.relu(x) + 1
torch_model = PyTorchModelHandler(model_loader=lambda _path: Net())
hf_model = HfModelHandler(model_path=str(tiny))
out["olv434"] = raised(lambda: make(W, {})._run_for_config(torch_model, make(W, {}).config, str(work / "w")))
out["olv435"] = raised(lambda: make(Q, qd)._run_for_config(hf_model, make(Q, qd).config, str(work / "q")))

ov_dir = work / "ov"
ov_dir.mkdir()
openvino.save_model(openvino.convert_model(Net(), example_input=torch.rand(1, 3)), str(ov_dir / "ov_model.xml"))
E = OpenVINOEncapsulation
out["olv436"] = raised(lambda: make(E, {})._run_for_config(OpenVINOModelHandler(model_path=str(ov_dir)), make(E, {}).config, str(work / "e")))

O = OpenVINOOptimumConversion
out["olv437_441"] = {
    "library": valid(O, {"extra_args": {"library": "Transformers"}}),
    "framework": valid(O, {"extra_args": {"framework": "torch"}}),
    "weight_format": valid(O, {"ov_quant_config": {"weight_format": "int3"}}),
    "quant_mode": valid(O, {"ov_quant_config": {"quant_mode": "cb4_f8e4m3"}}),
    "backup": valid(O, {"ov_quant_config": {"weight_format": "int4", "backup_precision": "INT8_ASYM"}}),
    "good": valid(O, {"extra_args": {"library": "transformers", "framework": "pt"}, "ov_quant_config": {"weight_format": "int4", "backup_precision": "int8_asym"}}),
}

# optimum-intel's export and Olive's _main_quantize stubbed: what _run_for_config hands them.
import optimum.exporters.openvino as exporters
seen = {}
exporters.main_export = lambda *a, **k: seen.update(ov_config=k.get("ov_config"))
optimum_intel._main_quantize = lambda **k: seen.update(quantization_config=k.get("quantization_config"))

def optimum_run(ov_quant_config):
    seen.clear()
    p = make(O, {"extra_args": {"library": "transformers"}, "ov_quant_config": ov_quant_config})
    error = raised(lambda: p._run_for_config(hf_model, p.config, str(work / "o")))
    cfg = seen.get("ov_config")
    q = getattr(cfg, "quantization_config", None) if cfg is not None else None
    return {"error": error, "dtype": getattr(cfg, "dtype", None), "quantization": q.to_dict() if hasattr(q, "to_dict") else q}

out["olv442"] = {"format": optimum_run({"group_size": 128})["error"], "mode": optimum_run({"smooth_quant_alpha": 0.5})["error"]}
out["olv443"] = {"both": optimum_run({"weight_format": "int4", "quant_mode": "int8"})["error"], "fp16": optimum_run({"weight_format": "fp16", "quant_mode": "int8"})}
out["olv444"] = {"dataset": optimum_run({"quant_mode": "int8", "dataset": "wikitext2"})["error"], "f8": optimum_run({"quant_mode": "f8e4m3"})["error"]}
out["olv445"] = {
    "with_params": optimum_run({"weight_format": "int4", "group_size": 64, "quantization_statistics_path": "stats"}),
    "alone": optimum_run({"weight_format": "int8", "quantization_statistics_path": "stats"}),
}

st = work / "st"
st.mkdir()
(st / "config.json").write_text(json.dumps({"model_type": "bert"}))
(st / "config_sentence_transformers.json").write_text("{}")
del records[:]
out["olv446"] = [infer_library_name(str(st)), list(records)]
print("PROOF " + json.dumps(out, default=str))
'''


@pytest.fixture(scope="module")
def proof(tiny_model, tmp_path_factory):
    if not OV_PYTHON.exists():
        pytest.skip(f"no OpenVINO venv at {OV_PYTHON.parents[1]}")
    script = tmp_path_factory.mktemp("ov") / "proof.py"
    script.write_text(PROOF)
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", OLIVE_TELEMETRY="0", HF_DATASETS_OFFLINE="1")
    done = subprocess.run([str(OV_PYTHON), str(script), str(tiny_model)], capture_output=True, text=True, timeout=900, env=env, check=False)
    line = next((l for l in done.stdout.splitlines() if l.startswith("PROOF ")), None)
    assert line is not None, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(line[len("PROOF "):])
    if result["versions"]["olive-ai"] != "0.13.0":
        pytest.skip(f"{OV_PYTHON} has olive-ai {result['versions']['olive-ai']}, not 0.13.0")
    return result


def _pruned(result, message):
    ok, logged = result
    return ok is False and any(message in line for line in logged)


def test_tables_are_the_installed_nncf_and_optimum_intel(proof):
    from olive_ls.rules import runtime_openvino as ov

    nncf_version = proof["versions"]["nncf"]
    if nncf_version in ov.NNCF_RELEASES:
        for enum, members in proof["nncf_enums"].items():
            assert [list(m) for m in ov.NNCF_ENUMS[enum][nncf_version]] == members, enum
        for key, fields in proof["nncf_fields"].items():
            assert list(ov.NNCF_ADVANCED_FIELDS[key or None][nncf_version]) == fields, key
    if proof["versions"]["optimum-intel"] == ov.OPTIMUM_INTEL_RELEASE:
        assert set(proof["int8_fq_models"]) == ov.DEFAULT_INT8_FQ_MODELS


def test_olv430_nncf_enum_values_prune(proof):
    r = proof["olv430"]
    assert _pruned(r["unknown"], "mode 'int5_sym' is not supported")
    assert _pruned(r["not_string"], "mode '4' is not a valid string or CompressWeightsMode enum")
    assert _pruned(r["fallback"], "group_size_fallback_mode 'skip' is not supported")
    assert r["name_any_case"][0] is True


def test_olv431_library_prunes(proof):
    assert _pruned(proof["olv431"]["bad"], "library 'transformer' is not supported")
    assert proof["olv431"]["name"][0] is True


def test_olv432_unknown_advanced_keys_raise_typeerror(proof):
    top, nested = proof["olv432"]["top"], proof["olv432"]["nested"]
    assert top[0] == "TypeError" and "lora_rank" in top[1]
    assert nested[0] == "TypeError" and "step" in nested[1]


def test_olv433_ignored_scope_pairs_raise(proof):
    r = proof["olv433"]
    assert r["scope_only"][0] == r["type_only"][0] == "ValueError" and "must be provided together" in r["scope_only"][1]
    assert "must be a list of lists" in r["flat"][1]
    assert "must be unique" in r["duplicate"][1]
    assert "Length of ignored_scope must match" in r["length"][1]
    assert r["fixed"] is None


def test_olv434_olv435_input_types_raise(proof):
    assert proof["olv434"][0] == "TypeError" and "Hugging Face, ONNX, or OpenVINO" in proof["olv434"][1]
    assert proof["olv435"][0] == "TypeError" and "OpenVINO or ONNX models" in proof["olv435"][1]


def test_olv436_unnamed_pytorch_outputs_fail_encapsulation(proof):
    assert proof["olv436"] == ["ValueError", "Incorrect IO names, please use OpenVINO reshape pass before this pass"]


def test_olv437_to_olv441_optimum_values_prune(proof):
    r = proof["olv437_441"]
    assert _pruned(r["library"], "Library Transformers is not supported")
    assert _pruned(r["framework"], "Framework torch is not supported")
    assert _pruned(r["weight_format"], "Weight format int3 is not supported")
    assert _pruned(r["quant_mode"], "Quant mode cb4_f8e4m3 is not supported")
    assert _pruned(r["backup"], "Backup precision INT8_ASYM is not supported")
    assert r["good"][0] is True


def test_olv442_parameters_without_format_raise(proof):
    assert proof["olv442"]["format"][0] == "ValueError" and "weight format is not specified" in proof["olv442"]["format"][1]
    assert proof["olv442"]["mode"][0] == "ValueError" and "quant mode is not specified" in proof["olv442"]["mode"][1]


def test_olv443_both_raise_and_fp16_ignores_quant_mode(proof):
    assert proof["olv443"]["both"][0] == "ValueError" and "Both weight_format and quant_mode" in proof["olv443"]["both"][1]
    fp16 = proof["olv443"]["fp16"]
    assert fp16["dtype"] == "fp16" and fp16["quantization"] is None


def test_olv444_full_quantization_is_unbound(proof):
    for error in proof["olv444"].values():
        assert error[0] == "UnboundLocalError" and "quant_config" in error[1]


def test_olv445_statistics_path_read_only_without_parameters(proof):
    with_params, alone = proof["olv445"]["with_params"], proof["olv445"]["alone"]
    assert with_params["quantization"].get("statistics_path") is None
    assert alone["quantization"].get("statistics_path") == "stats"


def test_olv446_sentence_transformers_becomes_transformers(proof):
    library, logged = proof["olv446"]
    assert library == "transformers" and any("sentence_transformers" in line for line in logged)
