"""OLV480-OLV489: what Olive's search does with a pass's parameters (docs/olive-runtime-checks.md P002, P004).

Each case: a minimal config, the finding on the value at fault with what Olive will do, and the corrected config
with no finding of that code.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import TINY, none_of, only, run, text_at  # noqa: E402

SEARCH = {"execution_order": "joint", "sampler": "sequential"}
CONVERT = {"type": "OnnxConversion"}
QNN = {"device": "npu", "execution_providers": ["QNNExecutionProvider"]}


def config(second: dict, search=SEARCH, accelerator=None) -> dict:
    c = copy.deepcopy(TINY)
    c["passes"] = {"c": dict(CONVERT), "p": second}
    if search is not None:
        c["search_strategy"] = search
    if accelerator is not None:
        c["systems"]["local_system"]["accelerators"] = [accelerator]
    return c


# --- OLV480 (P002) ---------------------------------------------------------------------------------------------


def test_searchable_values_without_search_defaults():
    c = config({"type": "OnnxPeepholeOptimizer"})
    c["passes"]["c"]["target_opset"] = "SEARCHABLE_VALUES"
    text, findings = run(c)
    f = only(findings, "OLV480")
    assert text_at(text, f) == '"SEARCHABLE_VALUES"' and f.severity == "warning"
    assert "target_opset" in f.message and "default (20)" in f.message
    assert "does not have searchable values" in f.detail and f.fix["replace_value"] == [20]
    c["passes"]["c"]["target_opset"] = [17, 20]
    none_of(c, "OLV480")


def test_searchable_values_with_search_defaults_is_searched():
    none_of(config({"type": "OnnxDynamicQuantization", "per_channel": "SEARCHABLE_VALUES"}), "OLV480")
    # Search off: Olive rejects the config (OLV308), not this warning.
    off = config({"type": "OnnxPeepholeOptimizer"}, search=None)
    off["passes"]["c"]["target_opset"] = "SEARCHABLE_VALUES"
    _, findings = run(off)
    assert only(findings, "OLV308") and not [f for f in findings if f.code == "OLV480"]


# --- OLV481 (P004) ---------------------------------------------------------------------------------------------


def test_qoperator_int8_leaves_activation_type_invalid():
    text, findings = run(config({"type": "OnnxStaticQuantization", "quant_format": "QOperator", "precision": "int8"}))
    f = only(findings, "OLV481")
    assert text_at(text, f) == '"QOperator"' and f.severity == "error"
    assert "ValueError" in f.message and "'activation_type'" in f.message
    assert "Invalid value for parameter 'activation_type'" in f.detail and f.fix["replace_value"] == ["QDQ"]
    # Fixed another way: QDQ, uint8, an explicit activation_type, search left to choose precision, or search off.
    none_of(config({"type": "OnnxStaticQuantization", "quant_format": "QDQ", "precision": "int8"}), "OLV481")
    none_of(config({"type": "OnnxStaticQuantization", "quant_format": "QOperator", "precision": "uint8"}), "OLV481")
    none_of(config({"type": "OnnxStaticQuantization", "quant_format": "QOperator", "precision": "int8", "activation_type": "uint8"}), "OLV481")
    none_of(config({"type": "OnnxStaticQuantization", "quant_format": "QOperator"}), "OLV481")
    none_of(config({"type": "OnnxStaticQuantization", "quant_format": "QOperator", "precision": "int8"}, search=None), "OLV481")


def test_onnx_quantization_static_qoperator_int8():
    second = {"type": "OnnxQuantization", "quant_mode": "static", "quant_format": "QOperator", "precision": "int8"}
    text, findings = run(config(second))
    f = only(findings, "OLV481")
    assert text_at(text, f) == '"QOperator"' and "quant_mode 'static'" in f.detail and len(f.message) <= 120
    none_of(config(dict(second, quant_mode="dynamic")), "OLV481")
    # A value outside the parameter's enum fails validation first: OLV304's, not this.
    none_of(config({"type": "OnnxStaticQuantization", "quant_format": "QDQ", "precision": "INT8"}), "OLV481")


def test_int16_precision_alone_is_outside_the_support():
    text, findings = run(config({"type": "OnnxStaticQuantization", "precision": "int16"}))
    f = only(findings, "OLV481")
    assert text_at(text, f) == '"int16"' and "precision 'int16'" in f.message
    # On QNN the activation_type search values are a plain Categorical: no Conditional to fail.
    none_of(config({"type": "OnnxStaticQuantization", "precision": "int16"}, accelerator=QNN), "OLV481")
