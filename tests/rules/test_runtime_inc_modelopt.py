"""OLV470-OLV479: what the Intel Neural Compressor and NVIDIA ModelOpt passes decide at run time
(docs/olive-runtime-checks.md P160-P167), known before a run.

Each case: a minimal config, the finding on the value at fault with what Olive will do, and the corrected config
with no finding of that code. (neural-compressor and modelopt are not installed: no slow proofs, the rules cite
Olive's lines.)
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diagnostic_helpers import TINY, find, none_of, only, run, text_at  # noqa: E402

ONNX_MODEL = {"type": "ONNXModel", "model_path": "model.onnx"}
DATA = {"calib": {"name": "calib", "type": "HuggingfaceContainer"}}
ACCURACY = {"name": "acc", "type": "accuracy", "sub_types": [{"name": "accuracy_score", "goal": {"type": "max-degradation", "value": 0.01}}]}


def config(passes: dict, model=ONNX_MODEL, data=True) -> dict:
    c = copy.deepcopy(TINY)
    c["input_model"] = copy.deepcopy(model)
    c["passes"] = passes
    if data:
        c["data_configs"] = [dict(DATA["calib"])]
    return c


def inc(**params) -> dict:
    return config({"q": {"type": params.pop("type", "IncQuantization"), **params}})


# --- OLV470 (P166) ---------------------------------------------------------------------------------------------


def test_inc_data_config_required_for_every_approach():
    text, findings = run(inc(approach="dynamic", metric=ACCURACY))
    f = only(findings, "OLV470")
    assert text_at(text, f) == '"q"' and f.severity == "error" and "data_config is required" in f.message
    assert "Field required" in f.detail and f.fix["add_keys"] == ["data_config"] and f.fix["values"] == {"data_config": "calib"}
    _, findings = run(inc(type="IncStaticQuantization", metric=ACCURACY))
    assert "IncStaticQuantization" in only(findings, "OLV470").message
    none_of(inc(data_config="calib", metric=ACCURACY), "OLV470")
    none_of(inc(type="IncDynamicQuantization", metric=ACCURACY), "OLV470")


# --- OLV471 (P162) ---------------------------------------------------------------------------------------------


def test_inc_threshold_goal_raises():
    metric = copy.deepcopy(ACCURACY)
    metric["sub_types"][0]["goal"]["type"] = "threshold"
    text, findings = run(inc(data_config="calib", metric=metric))
    f = only(findings, "OLV471")
    assert text_at(text, f) == '"threshold"' and f.severity == "error" and "AssertionError" in f.message
    assert "max-degradation" in f.fix["replace_value"]
    none_of(inc(data_config="calib", metric=ACCURACY), "OLV471")


# --- OLV472 (P163) ---------------------------------------------------------------------------------------------


def test_inc_without_metric_or_goal_does_not_tune():
    text, findings = run(inc(data_config="calib"))
    f = only(findings, "OLV472")
    assert text_at(text, f) == '"IncQuantization"' and f.severity == "hint" and "no metric" in f.message
    no_goal = copy.deepcopy(ACCURACY)
    del no_goal["sub_types"][0]["goal"]
    text, findings = run(inc(data_config="calib", metric=no_goal))
    f = only(findings, "OLV472")
    assert text_at(text, f) == '"metric"' and f.severity == "information" and "no goal" in f.message
    latency = {"name": "lat", "type": "latency", "sub_types": [{"name": "avg", "goal": {"type": "max-degradation", "value": 1}}]}
    text, findings = run(inc(data_config="calib", metric=latency))
    assert text_at(text, only(findings, "OLV472")) == '"latency"'
    none_of(inc(data_config="calib", metric=ACCURACY), "OLV472")


# --- OLV473 (P167) ---------------------------------------------------------------------------------------------


def test_inc_after_extract_adapters():
    hf = dict(TINY["input_model"], adapter_path="adapter")
    passes = {"b": {"type": "ModelBuilder", "precision": "fp32"}, "x": {"type": "ExtractAdapters"}, "q": {"type": "IncDynamicQuantization"}}
    text, findings = run(config(passes, model=hf))
    f = only(findings, "OLV473")
    assert text_at(text, f) == '"IncDynamicQuantization"' and f.severity == "warning" and "unquantized" in f.message
    reordered = {"b": passes["b"], "q": passes["q"], "x": passes["x"]}
    none_of(config(reordered, model=hf), "OLV473")


# --- OLV474 (P160) ---------------------------------------------------------------------------------------------


def nvmo(**calibration) -> dict:
    return config({"q": {"type": "NVModelOptQuantization", "tokenizer_dir": "tok", "calibration_params": calibration}}, data=False)


def test_nvmo_calib_size_and_dataset():
    text, findings = run(nvmo(calib_size=256))
    f = only(findings, "OLV474")
    assert text_at(text, f) == "256" and f.severity == "error" and "128" in f.message
    text, findings = run(nvmo(dataset="wikitext"))
    f = only(findings, "OLV474")
    assert text_at(text, f) == '"wikitext"' and "not supported" in f.message and f.fix["replace_value"] == ["cnn", "pile"]
    none_of(nvmo(calib_size=64, dataset="pile"), "OLV474")
    none_of(nvmo(dataset="cnn_dailymail"), "OLV474")
    # RTN and random calibration data load no dataset.
    c = nvmo(calib_size=256)
    c["passes"]["q"]["algorithm"] = "rtn"
    none_of(c, "OLV474")
    c = nvmo(dataset="wikitext")
    c["passes"]["q"]["use_random_calibration_data"] = True
    none_of(c, "OLV474")


# --- OLV475 (P161) ---------------------------------------------------------------------------------------------


def test_nvmo_unknown_surgery_type():
    c = config({"s": {"type": "NVModelOptGraphSurgery", "surgery_type": "replace_gqa"}}, data=False)
    text, findings = run(c)
    f = only(findings, "OLV475")
    assert text_at(text, f) == '"replace_gqa"' and f.severity == "warning" and "skip this pass" in f.message
    assert f.fix["replace_value"][0] == "replace-gqa" and "0.47.0" in f.detail
    c["passes"]["s"]["surgery_type"] = "replace-gqa"
    none_of(c, "OLV475")
    assert find(run(c)[1], "OLV303") == []


def test_inc_data_config_fix_adds_the_reference():
    from lsprotocol import types

    from olive_ls.catalog import load_catalog
    from olive_ls.document.parse import parse_document
    from olive_ls.features.actions import code_actions
    from olive_ls.lsp.convert import to_diagnostic

    text, findings = run(inc(type="IncStaticQuantization"))
    diagnostic = to_diagnostic(only(findings, "OLV470"))
    actions = code_actions(parse_document(text), load_catalog("0.13.0"), "file:///c.json", diagnostic.range, [diagnostic])
    fixes = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
    assert [a.title for a in fixes] == ["Add 'data_config'"]
    (edit,) = fixes[0].edit.changes["file:///c.json"]
    assert '"data_config": "calib"' in edit.new_text


# --- OLV482 (P157) ---------------------------------------------------------------------------------------------


def rtx(**params) -> dict:
    q = {"type": "NVModelOptQuantization", "use_random_calibration_data": True, "calibration_providers": ["NvTensorRtRtx", "cpu"], **params}
    return config({"q": q}, data=False)


def test_nvmo_rtx_profile_without_tokenizer_dir():
    text, findings = run(rtx())
    f = only(findings, "OLV482")
    assert text_at(text, f) == '"NvTensorRtRtx"' and f.severity == "error" and "tokenizer_dir" in f.message
    assert "from_pretrained" in f.detail and f.fix["add_keys"] == ["tokenizer_dir"]
    text, findings = run(rtx(tokenizer_dir=""))
    assert text_at(text, only(findings, "OLV482")) == '""'
    none_of(rtx(tokenizer_dir="microsoft/Phi-3-mini-4k-instruct"), "OLV482")
    # RTN builds no shape profile; without NvTensorRtRtx written the EPs are the machine's (only a warning in Olive).
    none_of(rtx(algorithm="rtn"), "OLV482")
    none_of(rtx(calibration_providers=["cuda", "cpu"]), "OLV482")
    c = rtx()
    del c["passes"]["q"]["calibration_providers"]
    none_of(c, "OLV482")
