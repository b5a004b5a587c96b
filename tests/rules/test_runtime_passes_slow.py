"""Proofs for OLV320-OLV354: real Olive 0.13.0, onnxruntime and onnxruntime-genai do what the findings claim.

Pass-level claims are shown on the pass classes themselves (create_pass_from_dict, validate_config,
init_surgeon_instance: what the engine calls), library claims on the library function Olive calls, and the
ModelBuilder claims with one offline `olive run` on the tiny random Llama (scripts/build_tiny_model.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("olive")
pytest.importorskip("onnxruntime_genai")

pytestmark = [pytest.mark.slow, pytest.mark.olive]

ROOT = Path(__file__).resolve().parents[2]


def _spec(device="cpu", ep="CPUExecutionProvider"):
    from olive.hardware.accelerator import AcceleratorSpec

    return AcceleratorSpec(device, ep)


def _pass(cls, config, spec=None):
    from olive.passes.olive_pass import create_pass_from_dict

    return create_pass_from_dict(cls, config, disable_search=True, accelerator_spec=spec or _spec())


def test_olv320_model_builder_accepts_int8_and_genai_raises_keyerror():
    from olive.passes.onnx.model_builder import ModelBuilder
    from onnxruntime_genai.models.builder import set_onnx_dtype

    p = _pass(ModelBuilder, {"precision": "int8"})
    assert ModelBuilder.validate_config(p.config, _spec()) is True
    with pytest.raises(KeyError, match="int8"):
        set_onnx_dtype("int8", {})


def test_olv330_quant_mode_capitalised_fails_creating_the_pass():
    from olive.passes.onnx.quantization import OnnxQuantization

    with pytest.raises(ValueError, match="Invalid value for parameter 'calibrate_method'"):
        _pass(OnnxQuantization, {"quant_mode": "Static", "data_config": {"name": "d", "type": "HuggingfaceContainer"}})


def test_olv331_calibrate_method_is_looked_up_by_exact_name():
    from olive.passes.onnx.quantization import OnnxQuantization
    from onnxruntime.quantization import QuantFormat
    from onnxruntime.quantization.calibrate import CalibrationMethod

    p = _pass(OnnxQuantization, {"calibrate_method": "minmax", "quant_format": "qdq"})
    assert OnnxQuantization.validate_config(p.config, _spec()) is True  # accepted: the failure comes when it runs
    with pytest.raises(KeyError, match="minmax"):
        CalibrationMethod[p.config.calibrate_method]
    with pytest.raises(KeyError, match="qdq"):
        QuantFormat[p.config.quant_format]


def test_olv332_onnxruntime_rejects_int8_activations_with_uint8_weights_and_16_bit_qoperator():
    from olive.passes.onnx.quantization import OnnxQuantization
    from onnxruntime.quantization import QuantFormat, QuantType
    from onnxruntime.quantization.quantize import check_static_quant_arguments

    p = _pass(OnnxQuantization, {"precision": "uint8"})
    assert p.config.activation_type == "int8" and OnnxQuantization.validate_config(p.config, _spec()) is True
    with pytest.raises(ValueError, match="activation_type=QuantType.QInt8, weight_type=QuantType.QUInt8"):
        check_static_quant_arguments(QuantFormat.QDQ, QuantType.QInt8, QuantType.QUInt8)
    with pytest.raises(ValueError, match="Only QuantFormat.QDQ supports 16-bit"):
        check_static_quant_arguments(QuantFormat.QOperator, QuantType.QInt16, QuantType.QInt16)
    pruned = _pass(OnnxQuantization, {"activation_type": "int32"})
    assert OnnxQuantization.validate_config(pruned.config, _spec()) is False


def test_olv340_only_onnxruntime_without_opt_level_crashes_validate_config():
    from olive.passes.onnx.transformer_optimization import OrtTransformersOptimization

    p = _pass(OrtTransformersOptimization, {"only_onnxruntime": True})
    with pytest.raises(TypeError, match="'<=' not supported between instances of 'NoneType' and 'int'"):
        OrtTransformersOptimization.validate_config(p.config, _spec())
    zero = _pass(OrtTransformersOptimization, {"only_onnxruntime": True, "opt_level": 0})
    assert OrtTransformersOptimization.validate_config(zero.config, _spec()) is False
    ok = _pass(OrtTransformersOptimization, {"only_onnxruntime": True, "opt_level": 99})
    assert OrtTransformersOptimization.validate_config(ok.config, _spec()) is True


def test_olv342_olv344_model_types_and_attention_op_types():
    from olive.passes.onnx.transformer_optimization import OrtTransformersOptimization
    from onnxruntime.transformers.optimizer import MODEL_TYPES

    assert "llama" not in MODEL_TYPES and "gpt2" in MODEL_TYPES
    run_config = {"model_type": "gpt2", "optimization_options": {"attention_op_type": "GQA"}}
    with pytest.raises(ValueError, match="Unsupported attention op type: GQA"):
        OrtTransformersOptimization._set_fusion_options(run_config)


def test_olv343_session_tuning_pruning():
    from olive.passes.onnx.session_params_tuning import OrtSessionParamsTuning

    cuda = _spec("gpu", "CUDAExecutionProvider")
    p = _pass(OrtSessionParamsTuning, {}, cuda)
    assert p.config.providers_list == "CUDAExecutionProvider" and p.config.io_bind is False
    assert OrtSessionParamsTuning.validate_config(p.config, cuda) is False
    assert OrtSessionParamsTuning.validate_config(_pass(OrtSessionParamsTuning, {"io_bind": True}, cuda).config, cuda) is True
    assert OrtSessionParamsTuning.validate_config(_pass(OrtSessionParamsTuning, {"io_bind": True}).config, _spec()) is False
    other = _pass(OrtSessionParamsTuning, {"providers_list": "CUDAExecutionProvider", "io_bind": True})
    assert OrtSessionParamsTuning.validate_config(other.config, _spec()) is False


def test_olv350_graph_surgeries_dispatch(caplog):
    from olive.passes.onnx.graph_surgeries import GraphSurgeries

    p = _pass(GraphSurgeries, {"surgeries": [{"surgeon": "RenameInputs", "old_names": ["a"], "new_names": ["b"]}]})
    with pytest.raises(ValueError, match="Surgeon 'renameinputz' does not exist"):
        p.init_surgeon_instance({"surgeon": "RenameInputz"})
    with pytest.raises(ValueError, match="Missing parameters for surgery 'renameinputs'"):
        p.init_surgeon_instance({"surgeon": "RenameInputs"})
    with pytest.raises(AttributeError):
        p.init_surgeon_instance({"old_names": ["a"]})
    with caplog.at_level("WARNING"):
        p.init_surgeon_instance({"surgeon": "renameinputs", "old_names": ["a"], "new_names": ["b"], "new_name": "c"})
    assert "Ignoring extra parameters for surgery 'renameinputs'" in caplog.text


def test_olv351_validate_config_pruning():
    from olive.passes.onnx.nvmo_quantization import NVModelOptQuantization
    from olive.passes.pytorch.capture_split_info import CaptureSplitInfo
    from olive.passes.pytorch.gptq import Gptq

    assert Gptq.validate_config(_pass(Gptq, {"desc_act": True}).config, _spec()) is False
    assert Gptq.validate_config(_pass(Gptq, {"desc_act": True, "group_size": -1}).config, _spec()) is True
    assert CaptureSplitInfo.validate_config(_pass(CaptureSplitInfo, {}).config, _spec()) is False
    assert NVModelOptQuantization.validate_config(_pass(NVModelOptQuantization, {"precision": "int8", "tokenizer_dir": "x"}).config, _spec()) is False
    assert NVModelOptQuantization.validate_config(_pass(NVModelOptQuantization, {}).config, _spec()) is False


def test_olv352_dynamic_to_fixed_shape_validator():
    from olive.passes.onnx.dynamic_to_fixed_shape import DynamicToFixedShape

    with pytest.raises(ValueError, match="dim_param and dim_value must be both provided or both None"):
        _pass(DynamicToFixedShape, {"dim_param": ["batch"]})


# --------------------------------------------------------------------------------------------- one real run
@pytest.fixture(scope="module")
def model_builder_run(tmp_path_factory):
    """ModelBuilder int4 with int4_block_size 32 overridden by extra_options 16, and exclude_embeds: "false"."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from build_tiny_model import build_tiny_model
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    from olive_ls.execution.workflow_run import build_env

    folder = tmp_path_factory.mktemp("mb")
    build_tiny_model(folder / "model", "llama")
    config = json.loads((ROOT / "samples" / "tiny-llama" / "config.json").read_text(encoding="utf-8"))
    config["passes"]["builder"] = {
        "type": "ModelBuilder",
        "precision": "int4",
        "int4_block_size": 32,
        "extra_options": {"int4_block_size": 16, "exclude_embeds": "false"},
    }
    config["output_dir"] = "out"
    path = folder / "config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    env = build_env(folder)
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    proc = subprocess.run(
        [sys.executable, "-m", "olive", "run", "--config", str(path), "--disable_telemetry"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=300,
    )
    yield folder, proc
    shutil.rmtree(folder, ignore_errors=True)


def _model(folder: Path):
    import onnx

    found = sorted(folder.glob("out/**/model.onnx"))
    assert found, list(folder.glob("out/**/*"))
    return onnx.load(str(found[0]), load_external_data=False)


def test_olv322_extra_options_override_the_pass_parameter(model_builder_run):
    folder, proc = model_builder_run
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    model = _model(folder)
    sizes = {a.i for n in model.graph.node if n.op_type == "MatMulNBits" for a in n.attribute if a.name == "block_size"}
    assert sizes == {16}


def test_olv323_string_false_is_truthy(model_builder_run):
    folder, proc = model_builder_run
    assert proc.returncode == 0
    inputs = [i.name for i in _model(folder).graph.input]
    assert "inputs_embeds" in inputs and "input_ids" not in inputs
