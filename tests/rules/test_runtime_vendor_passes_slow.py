"""Proofs for OLV450-OLV468: real Olive 0.13.0 (and amd-quark, where installed) do what the findings claim.

Pass-level claims are shown on the pass classes (create_pass_from_dict, validate_config, _run_for_config: what the
engine calls). The vendor SDKs are not installed with olive-ls: where Olive only imports one before it decides
(aimet_onnx's qtypes, qairt's BackendType), the proof puts a stand-in module with just those names in sys.modules,
so what is shown is Olive's own decision. The Quark proofs need amd-quark (configuration_preparation.py imports it at
module level) and are skipped without it; they were run with amd-quark 0.13.
"""

from __future__ import annotations

import enum
import logging
import sys
import types

import pytest

pytest.importorskip("olive")

pytestmark = [pytest.mark.slow, pytest.mark.olive]


def _spec(device="cpu", ep="CPUExecutionProvider"):
    from olive.hardware.accelerator import AcceleratorSpec

    return AcceleratorSpec(device, ep)


def _pass(cls, config):
    from olive.passes.olive_pass import create_pass_from_dict

    return create_pass_from_dict(cls, config, disable_search=True, accelerator_spec=_spec())


def _valid(cls, config) -> bool:
    return cls.validate_config(_pass(cls, config).config, _spec())


DATA = {"name": "calib", "type": "HuggingfaceContainer"}


@pytest.fixture
def stand_in_qairt(monkeypatch):
    """qairt with only what Olive reads before deciding: BackendType (its values are Olive's QairtBackend ones)."""
    module = types.ModuleType("qairt")
    module.BackendType = enum.Enum("BackendType", {"CPU": "CPU", "HTP": "HTP"})
    monkeypatch.setitem(sys.modules, "qairt", module)
    return module


# --- AIMET, Vitis AI ---------------------------------------------------------------------------------------------


def test_olv450_aimet_techniques_prune_the_pass(caplog):
    from olive.passes.onnx.aimet_quantization import AimetQuantization

    with caplog.at_level(logging.WARNING):
        assert _valid(AimetQuantization, {"data_config": DATA, "techniques": [{"name": "gptq"}]}) is False
        assert _valid(AimetQuantization, {"data_config": DATA, "techniques": [{"name": "lpbq", "bits": 4}]}) is False
        assert _valid(AimetQuantization, {"data_config": DATA, "techniques": [{"block_size": 64}]}) is False
    assert "Unsupported technique: gptq" in caplog.text and "Techniques must specify a name" in caplog.text
    assert _valid(AimetQuantization, {"data_config": DATA, "techniques": [{"name": "SeqMSE", "num_candidates": 10}]}) is True


def test_olv451_aimet_override_precision_prunes_the_pass(monkeypatch):
    from olive.passes.onnx.aimet_quantization import AimetQuantization

    aimet = types.ModuleType("aimet_onnx")
    aimet.int4, aimet.int8, aimet.int16, aimet.float16 = "int4", "int8", "int16", "float16"
    monkeypatch.setitem(sys.modules, "aimet_onnx", aimet)
    assert _valid(AimetQuantization, {"data_config": DATA, "tensor_precision_overrides": {"logits": "fp32"}}) is False
    assert _valid(AimetQuantization, {"data_config": DATA, "tensor_precision_overrides": {"logits": "int16"}}) is True


def test_olv452_vitis_metadata_dtype_prunes_the_pass():
    from olive.passes.onnx.vitis_ai.meta_data import VitisAIAddMetaData

    assert _valid(VitisAIAddMetaData, {"activation_type": "bf16"}) is False
    assert _valid(VitisAIAddMetaData, {"activation_type": "uint16", "weight_type": "uint8"}) is True


# --- Quark (needs amd-quark) -------------------------------------------------------------------------------------


@pytest.fixture
def prep():
    pytest.importorskip("quark.onnx")
    from olive.passes.quark_quantizer.onnx import configuration_preparation

    return configuration_preparation


def test_olv453_unmapped_value_is_replaced(prep, caplog):
    with caplog.at_level(logging.WARNING):
        layer = prep.get_global_config({"activation": {"calibration_method": "minmax"}})
    assert layer.input_tensors.calibration_method.name == "Percentile"
    assert "The calibration method minmax is not supported." in caplog.text


def test_olv454_data_type_and_unknown_key_raise(prep):
    with pytest.raises(KeyError, match="int4"):
        prep.get_global_config({"weight": {"data_type": "int4"}})
    with pytest.raises(TypeError, match="bits"):
        prep.get_global_config({"weight": {"bits": 4}})
    prep.get_global_config({"weight": {"data_type": "UInt8", "symmetric": False}})


def test_olv455_olv456_layer_entries(prep, caplog):
    with caplog.at_level(logging.WARNING):
        assert prep.get_specific_layer_config([[{"weight": {}}, ["MatMul"], "extra"]]) == {}
    assert "should be a list of two elements" in caplog.text
    (layer,) = prep.get_specific_layer_config([[{"activation": {"data_type": "UInt16"}}, ["/Add"]]])
    assert layer.input_tensors is None and layer.activation is None


def test_olv457_olv458_algorithms(prep, caplog):
    with caplog.at_level(logging.WARNING):
        configs = prep.get_algo_config([{"name": "awq"}, {"name": "smooth_quant", "alpha": 0.3, "beta": 1}])
    assert "Unsupported algorithm awq. Ignoring." in caplog.text
    (smooth,) = configs
    assert smooth.alpha == 0.3 and not hasattr(smooth, "beta")


def test_olv459_olv460_extra_options(prep, caplog):
    with caplog.at_level(logging.WARNING):
        options = prep.get_extra_options({"MixedPrecisionTensor": ["Int16"], "TensorQuantOverrides": {"y": [{"quant_type": "int8"}]}})
    assert "MixedPrecisionTensor" not in options and options["TensorQuantOverrides"]["y"][0]["quant_type"] == "int8"
    with pytest.raises(KeyError, match="Int4"):
        prep.get_extra_options({"MixedPrecisionTensor": {"Int4": ["/a"]}})
    with pytest.raises(KeyError, match="quant_type"):
        prep.get_extra_options({"TensorQuantOverrides": {"y": [{"scale": 1}]}})


# --- QNN and QAIRT -----------------------------------------------------------------------------------------------


def test_olv462_qnn_conversion_and_mha2sha_refuse_an_hf_model(tiny_model, tmp_path):
    from olive.model import HfModelHandler
    from olive.passes.onnx.qairt.mha2sha import QairtMHA2SHA
    from olive.passes.qnn.conversion import QNNConversion

    model = HfModelHandler(model_path=str(tiny_model))
    for cls in (QNNConversion, QairtMHA2SHA):
        p = _pass(cls, {})
        with pytest.raises(NotImplementedError):
            p._run_for_config(model, p.config, str(tmp_path / cls.__name__))


def test_olv462_qairt_preparation_refuses_an_onnx_model(stand_in_qairt, tmp_path):
    from olive.model import ONNXModelHandler
    from olive.passes.qairt.preparation import QairtPreparation

    (tmp_path / "m.onnx").write_bytes(b"")
    p = _pass(QairtPreparation, {"script_path": "prep.py"})
    with pytest.raises(ValueError, match="requires HfModelHandler"):
        p._run_for_config(ONNXModelHandler(model_path=str(tmp_path / "m.onnx")), p.config, str(tmp_path / "out"))


def test_olv463_olv464_genai_builder_options_prune(stand_in_qairt, caplog):
    from olive.passes.qairt.gen_ai_builder import QairtGenAIBuilder

    with caplog.at_level(logging.ERROR):
        assert _valid(QairtGenAIBuilder, {"vtcm_size_in_mb": 8}) is False
        assert _valid(QairtGenAIBuilder, {"backend": "HTP", "native_kv": True, "sequence_lengths": [128, 32]}) is False
    assert "vtcm_size_in_mb is unsupported on non-HTP backends" in caplog.text
    assert _valid(QairtGenAIBuilder, {"backend": "HTP", "vtcm_size_in_mb": 8, "native_kv": True, "sequence_lengths": [32, 128]}) is True


def test_olv466_olv467_preparation_script_path(stand_in_qairt, tiny_model, tmp_path):
    from olive.model import HfModelHandler
    from olive.passes.qairt.preparation import QairtPreparation

    model = HfModelHandler(model_path=str(tiny_model))
    missing = _pass(QairtPreparation, {"script_path": str(tmp_path / "missing.py")})
    with pytest.raises(ValueError, match="Preparation script not found"):
        missing._run_for_config(model, missing.config, str(tmp_path / "out"))
    (tmp_path / "prepare.sh").write_text("", encoding="utf-8")
    shell = _pass(QairtPreparation, {"script_path": str(tmp_path / "prepare.sh")})
    with pytest.raises(ValueError, match=r"must be a Python file \(\.py\)"):
        shell._run_for_config(model, shell.config, str(tmp_path / "out"))
