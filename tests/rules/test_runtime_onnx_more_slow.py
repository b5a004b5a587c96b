"""Proofs for OLV413-OLV422: real Olive 0.13.0, onnxruntime-genai 0.14.1 and onnxruntime do what the findings say.

The genai claims call genai's create_model on the tiny random Llama (scripts/build_tiny_model.py; it raises before it
builds anything), the pass claims run the pass classes on a one-MatMul ONNX model made here. OLV421 (diffusers is
not installed beside Olive) checks its table against Olive's own get_exportable_components.
"""

from __future__ import annotations

import copy
import json
import logging
import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("olive")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

pytestmark = [pytest.mark.slow, pytest.mark.olive]


def _spec(device="cpu", ep="CPUExecutionProvider"):
    from olive.hardware.accelerator import AcceleratorSpec

    return AcceleratorSpec(device, ep)


def _pass(cls, config, spec=None):
    from olive.passes.olive_pass import create_pass_from_dict

    return create_pass_from_dict(cls, config, disable_search=True, accelerator_spec=spec or _spec())


def _matmul_model(folder: Path, model_attributes=None):
    """An ONNXModelHandler of Y = X @ W (W a 64x64 initializer): something every quantizer quantizes."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from olive.model import ONNXModelHandler

    weight = numpy_helper.from_array(np.random.default_rng(0).standard_normal((64, 64)).astype(np.float32), "W")
    node = helper.make_node("MatMul", ["X", "W"], ["Y"], name="matmul")
    graph = helper.make_graph(
        [node], "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 64])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 64])], [weight],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    folder.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(folder / "model.onnx"))
    return ONNXModelHandler(model_path=str(folder / "model.onnx"), model_attributes=model_attributes)


def _op_types(model) -> set[str]:
    import onnx

    return {n.op_type for n in onnx.load(model.model_path, load_external_data=False).graph.node}


def _genai_model(tiny_model: Path, folder: Path, **config_changes) -> Path:
    shutil.copytree(tiny_model, folder)
    config = json.loads((folder / "config.json").read_text())
    config.update(config_changes)
    (folder / "config.json").write_text(json.dumps(config))
    return folder


# --- OLV413 ---------------------------------------------------------------------------------------------------------


def test_olv413_a_written_conditional_fails_validation():
    from pydantic import ValidationError
    from olive.passes.onnx.quantization import OnnxDynamicQuantization

    categorical = {"olive_parameter_type": "SearchParameter", "type": "Categorical", "support": [True, False]}
    conditional = {
        "olive_parameter_type": "SearchParameter", "type": "Conditional", "parents": ["reduce_range"],
        "support": {"true": categorical}, "default": {**categorical, "support": [False]},
    }
    for disable_search in (True, False):
        with pytest.raises(ValidationError, match="parents must be a tuple"):
            OnnxDynamicQuantization.get_config_params(_spec(), {"per_channel": copy.deepcopy(conditional)}, disable_search)


# --- OLV414, OLV415, OLV422: genai's create_model ---------------------------------------------------------------------


def test_olv414_genai_forces_use_qdq_for_nvtensorrtrtx(tiny_model, tmp_path, monkeypatch):
    import onnxruntime_genai.models.builder as builder

    seen = {}

    def stop(precision, execution_provider, extra_options):
        seen.update(ep=execution_provider, use_qdq=extra_options.get("use_qdq"))
        raise RuntimeError("stop before building")

    monkeypatch.setattr(builder, "set_io_dtype", stop)
    with pytest.raises(RuntimeError, match="stop before building"):
        builder.create_model("tiny", str(tiny_model), str(tmp_path / "out"), "int4", "NvTensorRtRtx", str(tmp_path / "cache"), use_qdq=False)
    assert seen == {"ep": "trt-rtx", "use_qdq": True}


def test_olv415_genai_refuses_qmoe_block_size_on_cuda(tiny_model, tmp_path):
    from onnxruntime_genai.models.builder import create_model

    with pytest.raises(ValueError, match="The 'qmoe_block_size' option is not supported for cuda execution provider with QMoE"):
        create_model("tiny", str(tiny_model), str(tmp_path / "out"), "int4", "cuda", str(tmp_path / "cache"), qmoe_block_size=64)


def test_olv422_genai_refuses_a_linear_rope_factor_not_positive(tiny_model, tmp_path):
    from onnxruntime_genai.models.builder import create_model

    for name, key in (("a", "rope_scaling"), ("b", "rope_parameters")):
        folder = _genai_model(tiny_model, tmp_path / name, **{key: {"rope_type": "linear", "factor": 0.0, "rope_theta": 10000.0}})
        if key == "rope_scaling":
            config = json.loads((folder / "config.json").read_text())
            config.pop("rope_parameters", None)
            (folder / "config.json").write_text(json.dumps(config))
        with pytest.raises(ValueError, match="rope_scaling.factor must be positive for linear RoPE scaling"):
            create_model("tiny", str(folder), str(tmp_path / f"out{name}"), "fp32", "cpu", str(tmp_path / "cache"))


# --- OLV416 ---------------------------------------------------------------------------------------------------------


def test_olv416_op_types_to_exclude_wins(tmp_path):
    from olive.passes.onnx.quantization import OnnxDynamicQuantization

    model = _matmul_model(tmp_path / "in")
    listed = _pass(OnnxDynamicQuantization, {"op_types_to_quantize": ["MatMul"], "quant_preprocess": False})
    assert "MatMulInteger" in _op_types(listed.run(model, str(tmp_path / "a" / "model.onnx")))
    both = _pass(OnnxDynamicQuantization, {"op_types_to_quantize": ["MatMul"], "op_types_to_exclude": ["MatMul"], "quant_preprocess": False})
    assert _op_types(both.run(model, str(tmp_path / "b" / "model.onnx"))) == {"MatMul"}


# --- OLV417, OLV418 -------------------------------------------------------------------------------------------------


def test_olv417_bnb4_refuses_an_8bit_quantization_config(tmp_path):
    from olive.passes.onnx.bnb_quantization import OnnxBnb4Quantization

    model = _matmul_model(tmp_path / "in", {"quantization_config": {"load_in_8bit": True}})
    with pytest.raises(ValueError, match="load_in_8bit is not supported. Only 4-bit quantization is supported."):
        _pass(OnnxBnb4Quantization, {}).run(model, str(tmp_path / "out" / "model.onnx"))


def test_olv418_bnb4_ignores_double_quant(tmp_path, caplog):
    from olive.passes.onnx.bnb_quantization import OnnxBnb4Quantization

    attrs = {"quantization_config": {"load_in_4bit": True, "bnb_4bit_quant_type": "nf4", "bnb_4bit_use_double_quant": True}}
    model = _matmul_model(tmp_path / "in", attrs)
    with caplog.at_level(logging.INFO):
        out = _pass(OnnxBnb4Quantization, {}).run(model, str(tmp_path / "out" / "model.onnx"))
    assert "double quantization is not supported. Ignoring." in caplog.text
    assert "MatMulBnb4" in _op_types(out)


# --- OLV419, OLV420 -------------------------------------------------------------------------------------------------


def test_olv419_ranked_conversion_is_llama_only(tmp_path):
    from olive.passes.onnx.conversion import _export_ranked_model

    params = ({}, {"model_attributes": {"model_type": "mistral"}}, "cpu", None, 0, str(tmp_path))
    with pytest.raises(ValueError, match="Unsupported model type 'mistral' for conversion pass"):
        _export_ranked_model(params)
    with pytest.raises(AttributeError, match="'NoneType' object has no attribute 'get'"):
        _export_ranked_model(({}, {"model_attributes": None}, "cpu", None, 0, str(tmp_path)))


def test_olv420_fix_dim_params_asserts_on_a_negative_value(tmp_path):
    import onnx
    from olive.passes.onnx.common import fix_dim_params

    model = onnx.load(_matmul_model(tmp_path / "in").model_path)
    with pytest.raises(AssertionError, match="dim_values must be all >= 0"):
        fix_dim_params(model, ["batch_size", "sequence_length"], [-1, 64])


# --- OLV421 ---------------------------------------------------------------------------------------------------------


def test_olv421_components_table_is_olives(tmp_path):
    from olive.model import DiffusersModelHandler

    from olive_ls.rules.runtime_onnx_passes import DIFFUSERS_COMPONENTS

    (tmp_path / "model_index.json").write_text("{}")
    for variant, components in DIFFUSERS_COMPONENTS.items():
        handler = DiffusersModelHandler(model_path=str(tmp_path), model_variant=variant)
        assert tuple(str(c) for c in handler.get_exportable_components()) == components
