"""Proofs for OLV480-OLV481: real Olive 0.13.0 resolves pass parameters under search as the findings claim.

The claims are shown on the pass classes themselves: Pass.get_config_params(accelerator, config, False) is what the
engine calls for every pass when it builds the search space (engine.py:345-352), no model needed.

Also here, from the same worker's rows: the INC and ModelOpt claims (OLV470, OLV471, OLV474) that Olive decides before
it imports neural-compressor or modelopt (neither is installed), shown on the pass classes and the tiny local model.
"""

from __future__ import annotations

import copy
import itertools
import logging
import sys
from pathlib import Path

import pytest

pytest.importorskip("olive")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import TINY, find, run  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.olive]


def _spec(device="cpu", ep="CPUExecutionProvider"):
    from olive.hardware.accelerator import AcceleratorSpec

    return AcceleratorSpec(device, ep)


def _search_space(cls, config, spec=None):
    """(fixed values, search parameters) as the engine's _get_search_space_config gets them."""
    _, fixed, space = cls.get_config_params(spec or _spec(), copy.deepcopy(config), False)
    return fixed, space


def test_olv480_searchable_values_without_search_defaults_uses_the_default(caplog):
    from olive.passes.onnx.conversion import OnnxConversion

    with caplog.at_level(logging.WARNING):
        fixed, space = _search_space(OnnxConversion, {"target_opset": "SEARCHABLE_VALUES"})
    assert fixed["target_opset"] == 20 and "target_opset" not in space
    assert "Parameter target_opset does not have searchable values. Using default value instead." in caplog.text


def test_olv480_searchable_values_with_search_defaults_is_searched():
    from olive.passes.onnx.quantization import OnnxDynamicQuantization

    _, space = _search_space(OnnxDynamicQuantization, {"per_channel": "SEARCHABLE_VALUES"})
    assert "per_channel" in space


def test_olv481_qoperator_int8_raises_building_the_search_space():
    from olive.passes.onnx.quantization import OnnxQuantization, OnnxStaticQuantization

    with pytest.raises(ValueError, match="Invalid value for parameter 'activation_type'. Either the parameter or its parents are not fixed."):
        _search_space(OnnxStaticQuantization, {"quant_format": "QOperator", "precision": "int8"})
    with pytest.raises(ValueError, match="Invalid value for parameter 'activation_type'"):
        _search_space(OnnxQuantization, {"quant_mode": "static", "quant_format": "QOperator", "precision": "int8"})
    with pytest.raises(ValueError, match="Invalid value for parameter 'activation_type'"):
        _search_space(OnnxStaticQuantization, {"precision": "int16"})
    _search_space(OnnxStaticQuantization, {"quant_format": "QDQ", "precision": "int8"})
    _search_space(OnnxStaticQuantization, {"precision": "int16"}, _spec("npu", "QNNExecutionProvider"))


# Every combination of these values (or the key left out) for the passes whose search_defaults are conditional.
GRID = {
    "OnnxStaticQuantization": {"quant_format": ["QDQ", "QOperator"], "precision": ["int8", "uint8", "int16"], "activation_type": ["uint8"]},
    "OnnxQuantization": {"quant_mode": ["static", "dynamic"], "quant_format": ["QDQ", "QOperator"], "precision": ["int8", "uint8", "int16"]},
    "IncQuantization": {"approach": ["static", "dynamic", "weight_only"], "quant_format": ["QDQ", "QOperator"]},
}
ACCELERATORS = {"CPUExecutionProvider": "cpu", "QNNExecutionProvider": "npu"}


def _configs():
    for pass_type, values in GRID.items():
        keys = list(values)
        for combo in itertools.product(*[[None, *values[k]] for k in keys]):
            yield pass_type, {k: v for k, v in zip(keys, combo) if v is not None}


@pytest.mark.parametrize("ep", list(ACCELERATORS))
def test_olv481_agrees_with_olive_on_every_combination(ep):
    from olive.package_config import OlivePackageConfig

    package = OlivePackageConfig.load_default_config()
    disagree = []
    for pass_type, params in _configs():
        cls = package.import_pass_module(pass_type.lower())
        try:
            _search_space(cls, params, _spec(ACCELERATORS[ep], ep))
            raises = False
        except ValueError as error:
            raises = "Invalid value for parameter" in str(error)
        config = copy.deepcopy(TINY)
        config["systems"]["local_system"]["accelerators"] = [{"device": ACCELERATORS[ep], "execution_providers": [ep]}]
        config["search_strategy"] = {"execution_order": "joint", "sampler": "sequential"}
        config["passes"] = {"c": {"type": "OnnxConversion"}, "p": {"type": pass_type, **params}}
        flagged = bool(find(run(config)[1], "OLV481"))
        if flagged != raises:
            disagree.append((pass_type, params, raises, flagged))
    assert not disagree


# --- INC and ModelOpt, before their packages are imported ------------------------------------------------------

ACCURACY_THRESHOLD = {"name": "acc", "type": "accuracy", "sub_types": [{"name": "accuracy_score", "goal": {"type": "threshold", "value": 0.9}}]}


def _pass(cls, config):
    from olive.passes.olive_pass import create_pass_from_dict

    return create_pass_from_dict(cls, config, disable_search=True, accelerator_spec=_spec())


def test_olv470_inc_data_config_is_required_for_every_approach():
    from olive.passes.onnx.inc_quantization import IncDynamicQuantization, IncQuantization, IncStaticQuantization
    from pydantic import ValidationError

    for cls, config in ((IncQuantization, {"approach": "dynamic"}), (IncStaticQuantization, {})):
        with pytest.raises(ValidationError, match="data_config\n  Field required"):
            _pass(cls, config)
    assert _pass(IncDynamicQuantization, {}).config.approach == "dynamic"


def test_olv471_inc_threshold_goal_fails_the_accuracy_criterion():
    from olive.passes.onnx.inc_quantization import IncQuantization

    p = _pass(IncQuantization, {"data_config": {"name": "d", "type": "HuggingfaceContainer"}, "metric": ACCURACY_THRESHOLD})
    with pytest.raises(AssertionError, match="only suuport 'max-degradation', 'min-improvement'"):
        p._set_accuracy_criterion(p.config.metric.sub_types[0])
    ok = copy.deepcopy(ACCURACY_THRESHOLD)
    ok["sub_types"][0]["goal"]["type"] = "max-degradation"
    p = _pass(IncQuantization, {"data_config": {"name": "d", "type": "HuggingfaceContainer"}, "metric": ok})
    assert p._set_accuracy_criterion(p.config.metric.sub_types[0])[1] == "absolute"


def test_olv474_nvmo_calib_size_over_the_rows_it_loads(tiny_model, tmp_path, monkeypatch):
    from olive.passes.onnx.nvmo_quantization import NVModelOptQuantization

    monkeypatch.chdir(tmp_path)  # get_calib_inputs passes cache_dir="./cache"
    p = _pass(NVModelOptQuantization, {"tokenizer_dir": str(tiny_model), "calibration_params": {"calib_size": 200}})
    assert NVModelOptQuantization.validate_config(p.config, _spec()) is True
    with pytest.raises(AssertionError, match="calib size should be no more than max_calib_rows_to_load"):
        p.initialize_quant_config(p.config)
