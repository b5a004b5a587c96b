"""OLV412: passes whose validate_config prunes them for a precision they cannot build (and OLV402 no longer
speaks for them: their metadata lists less than they accept, e.g. OnnxQuantization's int8 only)."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import TINY, check, find, text_at  # noqa: E402


def _quantize(pass_type: str, precision: str) -> tuple[str, list]:
    config = copy.deepcopy(TINY)
    config["input_model"] = {"type": "ONNXModel", "model_path": "model.onnx"}
    config["passes"] = {"q": {"type": pass_type, "precision": precision}}
    text = json.dumps(config, indent=2)
    return text, check(text)


@pytest.mark.parametrize(
    ("pass_type", "precision"),
    [("OnnxDynamicQuantization", "fp16"), ("OnnxQuantization", "int32"), ("OnnxBnb4Quantization", "int4"), ("AimetQuantization", "fp16")],
)
def test_a_precision_the_pass_prunes_itself_for_is_an_error_on_the_value(pass_type, precision):
    text, findings = _quantize(pass_type, precision)
    [finding] = find(findings, "OLV412")
    assert text_at(text, finding) == f'"{precision}"'
    assert finding.severity == "error" and finding.message.startswith(f"Olive will skip {pass_type}")
    assert find(findings, "OLV402") == []


@pytest.mark.parametrize(
    ("pass_type", "precision"),
    [("OnnxQuantization", "uint8"), ("OnnxQuantization", "int16"), ("OnnxStaticQuantization", "uint16"), ("OnnxBnb4Quantization", "nf4"), ("AimetQuantization", "int16")],
)
def test_precisions_the_pass_accepts_get_nothing(pass_type, precision):
    # OnnxQuantization's metadata lists int8 only; OLV402 used to warn on these, which the pass accepts and runs.
    _, findings = _quantize(pass_type, precision)
    assert find(findings, "OLV412") == [] and find(findings, "OLV402") == []


@pytest.mark.slow
@pytest.mark.olive
def test_olive_prunes_exactly_where_olv412_says():
    pytest.importorskip("olive")
    from olive.hardware.accelerator import AcceleratorSpec
    from olive.passes.olive_pass import create_pass_from_dict
    from olive.passes.onnx.bnb_quantization import OnnxBnb4Quantization
    from olive.passes.onnx.quantization import OnnxDynamicQuantization, OnnxQuantization

    spec = AcceleratorSpec("cpu", "CPUExecutionProvider")
    for cls, precision, kept in [
        (OnnxDynamicQuantization, "fp16", False),
        (OnnxQuantization, "uint8", True),
        (OnnxQuantization, "int16", True),
        (OnnxBnb4Quantization, "int4", False),
        (OnnxBnb4Quantization, "nf4", True),
    ]:
        created = create_pass_from_dict(cls, {"precision": precision}, disable_search=True, accelerator_spec=spec)
        assert cls.validate_config(created.config, spec) is kept, (cls.__name__, precision)
        _, findings = _quantize(cls.__name__, precision)
        assert bool(find(findings, "OLV412")) is (not kept), (cls.__name__, precision)
