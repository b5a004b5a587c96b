"""Real Olive 0.13.0 doing what OLV540, OLV581, OLV583-OLV586 say, offline, in one subprocess.

The probe builds Olive's own objects (AcceleratorNormalizer's create_accelerator, VitisAIAddMetaData,
ONNXModelHandler, complete_kv_cache_with_model_attributes, HfModelHandler on the tiny local Llama,
apply_genai_overrides) and records what each raises, logs or builds; each test asserts one record. OLV541
(packaging, engine.py:220-234) and OLV582 (QAIRT, not on PyPI) cite the lines instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("olive")
pytestmark = [pytest.mark.slow, pytest.mark.olive]

PROBES = r'''
import io, json, logging, sys
from pathlib import Path
model, work = sys.argv[1], Path(sys.argv[2])
out = {}
log = io.StringIO()
handler = logging.StreamHandler(log)
for name in ("", "olive"):
    logging.getLogger(name).addHandler(handler)
    logging.getLogger(name).setLevel(logging.DEBUG)

def probe(name, fn):
    log.seek(0); log.truncate()
    try:
        out[name] = {"ok": True, "value": fn(), "log": log.getvalue()}
    except BaseException as e:  # noqa
        out[name] = {"ok": False, "type": type(e).__name__, "message": str(e), "log": log.getvalue()}

import onnx
def tiny_onnx(path):
    graph = onnx.helper.make_graph([onnx.helper.make_node("Identity", ["x"], ["y"])], "g",
        [onnx.helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1])],
        [onnx.helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1])])
    onnx.save(onnx.helper.make_model(graph), path)
    return str(path)

# OLV540: device gpu without EPs on this CPU-only onnxruntime
from olive.systems.system_config import SystemConfig
from olive.systems.accelerator_creator import create_accelerator
def gpu(skip):
    config = SystemConfig.model_validate({"type": "LocalSystem", "config": {"accelerators": [{"device": "gpu"}]}})
    return str(create_accelerator(config, skip_supported_eps_check=skip))
probe("gpu_build_only", lambda: gpu(True))
probe("gpu_target_used", lambda: gpu(False))

# OLV581
from olive.model import ONNXModelHandler
from olive.passes.olive_pass import create_pass_from_dict
from olive.passes.onnx.vitis_ai.meta_data import VitisAIAddMetaData
single = work / "single"; single.mkdir()
tiny_onnx(single / "model.onnx")
def metadata(attributes):
    p = create_pass_from_dict(VitisAIAddMetaData, {}, disable_search=True)
    handler = ONNXModelHandler(model_path=str(single / "model.onnx"), model_attributes=attributes)
    return type(p.run(handler, str(work / f"meta-{bool(attributes)}"))).__name__
probe("metadata_without_attributes", lambda: metadata(None))
probe("metadata_with_attributes", lambda: metadata({"model_type": "llama"}))

# OLV583
two = work / "two"; two.mkdir()
tiny_onnx(two / "model.onnx"); tiny_onnx(two / "decoder.onnx")
probe("folder_two_files", lambda: ONNXModelHandler(model_path=str(two)).model_path)
probe("folder_missing_name", lambda: ONNXModelHandler(model_path=str(two), onnx_file_name="modle.onnx").model_path)
probe("folder_named", lambda: Path(ONNXModelHandler(model_path=str(two), onnx_file_name="decoder.onnx").model_path).name)
empty = work / "empty"; empty.mkdir()
probe("folder_empty", lambda: ONNXModelHandler(model_path=str(empty)).model_path)

# OLV584
from olive.model.config.io_config import complete_kv_cache_with_model_attributes
probe("kv_no_layers", lambda: complete_kv_cache_with_model_attributes(True, {"num_attention_heads": 4, "hidden_size": 64}).model_dump())
probe("kv_no_heads", lambda: complete_kv_cache_with_model_attributes(True, {"n_layer": 2, "n_embd": 64}).model_dump())
probe("kv_aliases", lambda: complete_kv_cache_with_model_attributes(True, {"n_layer": 2, "n_head": 4, "n_embd": 64}).model_dump())

# OLV585
from olive.model import HfModelHandler
probe("dummy_ner", lambda: sorted(HfModelHandler(model_path=model, task="ner").get_dummy_inputs()))
probe("dummy_with_past", lambda: sorted(HfModelHandler(model_path=model, task="text-generation-with-past").get_dummy_inputs()))

# OLV586
from olive.passes.openvino.ov_utils import apply_genai_overrides
probe("override", lambda: apply_genai_overrides({"search": {"max_length": 128, "do_sample": False}}, {"search": {"max_lenght": 2048, "do_sample": 1}}))

print(json.dumps(out))
'''


@pytest.fixture(scope="module")
def records(tiny_model, tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("probes")
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_HOME=str(work / "hf-home"), OLIVE_DISABLE_TELEMETRY="1")
    done = subprocess.run([sys.executable, "-c", PROBES, str(tiny_model), str(work)], check=False, capture_output=True,
                          text=True, timeout=600, env=env, cwd=work)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_olv540_gpu_without_eps_gets_cuda(records):
    assert records["gpu_build_only"]["ok"] and "cuda" in records["gpu_build_only"]["value"].lower()
    assert "The following execution providers are filtered: CPUExecutionProvider" in records["gpu_build_only"]["log"]
    assert not records["gpu_target_used"]["ok"] and "cannot be found in the target" in records["gpu_target_used"]["message"]


def test_olv581_metadata_without_attributes(records):
    assert records["metadata_without_attributes"] == {**records["metadata_without_attributes"], "ok": False, "type": "ValueError"}
    assert "Model attributes are missing" in records["metadata_without_attributes"]["message"]
    assert records["metadata_with_attributes"]["ok"]


def test_olv583_onnx_folder(records):
    assert records["folder_two_files"]["type"] == "ValueError" and "Multiple .onnx" in records["folder_two_files"]["message"]
    assert records["folder_missing_name"]["type"] == "AssertionError" and "does not exist" in records["folder_missing_name"]["message"]
    assert records["folder_named"] == {**records["folder_named"], "ok": True, "value": "decoder.onnx"}
    assert records["folder_empty"]["type"] == "ValueError" and "No .onnx file found" in records["folder_empty"]["message"]


def test_olv584_kv_cache_sizes(records):
    # pydantic's ValidationError (a ValueError) for a size that is None; io_config.py:181's own message is for 0
    assert records["kv_no_layers"]["type"] == "ValidationError" and "num_hidden_layers" in records["kv_no_layers"]["message"]
    assert records["kv_no_heads"]["type"] == "TypeError"
    assert records["kv_aliases"]["ok"] and records["kv_aliases"]["value"]["num_hidden_layers"] == 2


def test_olv585_no_dummy_inputs(records):
    assert records["dummy_ner"]["type"] == "ValueError" and "Unable to get dummy inputs" in records["dummy_ner"]["message"]
    assert records["dummy_with_past"]["ok"] and "input_ids" in records["dummy_with_past"]["value"]


def test_olv586_override_skipped_and_mismatch(records):
    record = records["override"]
    assert record["ok"] and "max_lenght" not in record["value"]["search"] and record["value"]["search"]["do_sample"] == 1
    assert "Type mismatch at search.do_sample" in record["log"]
