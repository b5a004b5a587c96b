"""The name index (model/names.py) and what reads it: the reference rules, definition, references, rename.

Rename and the rules agree: over every sample and every corpus config that has no OLV50x, renaming any system,
evaluator or data config to a fresh name (the service's own rename, its edits applied) leaves no OLV50x; and
find-references at each definition is exactly the set of places the rules check: renaming only the definition
makes each of those places, and nothing else, fire its rule.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from diagnostic_helpers import CORPUS, REPO, check, find
from lsprotocol import types
from olive_ls.catalog import load_catalog
from olive_ls.document.parse import parse_document
from olive_ls.model.names import DATA_CONFIG, EVALUATOR, SYSTEM, build_index, name_index
from olive_ls.model.olive import olive_model
from olive_ls.model.view import build_view
from olive_ls.service import OliveLanguageService
from olive_ls.settings import ServerSettings

CATALOG = load_catalog("0.13.0")
SERVICE = OliveLanguageService(CATALOG, ServerSettings(environment_checks=False))
NAME_RULE = {SYSTEM: "OLV501", EVALUATOR: "OLV502", DATA_CONFIG: "OLV503"}
OLV50X = re.compile(r"^OLV50\d$")
LABELS = CORPUS / "olive-recipes.labels.jsonl"

EVERYWHERE = {
    "input_model": {"type": "HfModel", "model_path": "m"},
    "systems": {"box": {"type": "LocalSystem"}, "other": {"type": "LocalSystem"}},
    "data_configs": [{"name": "calib", "type": "HuggingfaceContainer"}, {"name": "evald", "type": "HuggingfaceContainer"}],
    "evaluators": {"common": {"metrics": [{"name": "acc", "type": "accuracy", "sub_types": [{"name": "accuracy_score"}], "data_config": "evald"}]}},
    "engine": {
        "host": "box",
        "evaluator": {"metrics": [{"name": "lat", "type": "latency", "sub_types": [{"name": "avg"}], "data_config": "calib"}]},
    },
    "target": "other",
    "passes": {
        "quant": {"type": "OnnxStaticQuantization", "data_config": "calib", "host": "box"},
        "tune": {"type": "OrtSessionParamsTuning", "config": {"data_config": "evald"}},
        "deep": {"type": "OnnxConversion", "extra": {"nested": [{"calibration_data_config": "calib"}]}},
        "inline_eval": {
            "type": "OnnxConversion",
            "evaluator": {"metrics": [{"name": "lat", "type": "latency", "sub_types": [{"name": "avg"}], "data_config": "evald"}]},
        },
    },
}


def _index(config: dict, model=True):
    doc = parse_document(json.dumps(config, indent=2), "json")
    return doc, build_index(build_view(doc.root), olive_model(CATALOG) if model else None)


# --- the index itself -------------------------------------------------------------------------------------------


def test_every_place_olive_resolves_a_name_is_a_reference():
    _, index = _index(EVERYWHERE)
    places = {(r.kind, r.where, r.name) for r in index.references}
    assert places == {
        (SYSTEM, "host", "box"),  # engine.host
        (SYSTEM, "target", "other"),  # top-level target, flattened into the engine
        (EVALUATOR, "evaluator", None),  # the engine's inline evaluator
        (SYSTEM, "passes.quant.host", "box"),
        (DATA_CONFIG, "passes.quant.data_config", "calib"),
        (DATA_CONFIG, "passes.tune.data_config", "evald"),  # under the pass's `config`
        (DATA_CONFIG, "passes.deep...calibration_data_config", "calib"),  # any depth, any *data_config key
        (EVALUATOR, "passes.inline_eval.evaluator", None),
        (DATA_CONFIG, "evaluators.common.metrics[0].data_config", "evald"),
        (DATA_CONFIG, "evaluator.metrics[0].data_config", "calib"),
        (DATA_CONFIG, "passes.inline_eval.evaluator.metrics[0].data_config", "evald"),
    }
    assert all("config.py:" in r.olive for r in index.references)
    assert {(d.kind, d.name) for d in index.definitions} == {
        (SYSTEM, "box"), (SYSTEM, "other"), (EVALUATOR, "common"), (DATA_CONFIG, "calib"), (DATA_CONFIG, "evald"),
    }


def test_declared_data_config_parameters_come_from_the_pass_spec():
    _, index = _index(EVERYWHERE)
    declared = {r.where for r in index.references if r.declared}
    assert declared == {"passes.quant.data_config", "passes.tune.data_config"}
    _, without_model = _index(EVERYWHERE, model=False)
    assert [r.where for r in without_model.references] == [r.where for r in index.references]


def test_pass_alternatives_and_engine_section_override():
    config = {
        "input_model": {"type": "HfModel", "model_path": "m"},
        "systems": {"a": {"type": "LocalSystem"}, "b": {"type": "LocalSystem"}},
        "host": "a",  # ignored by Olive: engine.host wins (NestedConfig)
        "engine": {"host": "b"},
        "passes": {"p": [{"type": "OnnxConversion", "host": "a"}, {"type": "OnnxConversion", "host": "b"}]},
    }
    _, index = _index(config)
    assert [(r.where, r.name) for r in index.references] == [("host", "b"), ("passes.p.host", "a"), ("passes.p.host", "b")]


def test_malformed_sections_have_no_names_and_absent_ones_have_none():
    _, index = _index({"input_model": {"type": "HfModel"}, "systems": ["x"], "evaluators": None})
    assert index.names(SYSTEM) is None and index.names(EVALUATOR) == [] and index.names(DATA_CONFIG) == []


def test_the_index_is_built_once_per_view():
    doc = parse_document(json.dumps(EVERYWHERE), "json")
    view = build_view(doc.root)
    model = olive_model(CATALOG)
    assert name_index(view, model) is name_index(view, model)


# --- service-level rename and references ------------------------------------------------------------------------


def _position(doc, node) -> types.Position:
    inner = 1 if node.raw[:1] in ('"', "'") else 0
    return doc.index.position_at(node.start + inner)


def _apply(doc, text: str, edits: list[types.TextEdit]) -> str:
    spans = sorted(((doc.index.offset_at(e.range.start), doc.index.offset_at(e.range.end), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def _ranges(items) -> set[tuple[int, int, int, int]]:
    return {(r.start.line, r.start.character, r.end.line, r.end.character) for r in items}


def _fresh(index, base: str) -> str:
    taken = {d.name for d in index.definitions}
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    return name


def _diagnostics(uri: str, text: str):
    return SERVICE.diagnostics(uri, parse_document(text, "yaml" if uri.endswith((".yaml", ".yml")) else "json"))


def _agreement_failures(uri: str, text: str) -> list[str]:
    """What goes wrong renaming each definition of a config that has no OLV50x (empty when rename and rules agree)."""
    doc = SERVICE.parse(uri, text)
    index = name_index(build_view(doc.root), olive_model(CATALOG))
    failures = []
    for definition in index.definitions:
        where = f"{definition.kind} '{definition.name}'"
        position = _position(doc, definition.node)
        fresh = _fresh(index, "renamed_" + definition.kind.replace(" ", "_"))
        edit = SERVICE.rename(uri, doc, position, fresh)
        if edit is None:
            failures.append(f"{where}: no rename")
            continue
        after = [f.code for f in _diagnostics(uri, _apply(doc, text, edit.changes[uri])) if OLV50X.match(f.code)]
        if after:
            failures.append(f"{where}: {after} after the rename")
        # References at the definition are the places the rules check: break the name (rename the definition
        # alone) and exactly those places fire the kind's rule.
        found = _ranges(loc.range for loc in SERVICE.references(uri, doc, position, include_declaration=False))
        by_name = _ranges(r.node.range for r in index.references_of(definition.kind, definition.name))
        if found != by_name:
            failures.append(f"{where}: references {sorted(found)} but the index has {sorted(by_name)}")
        broken = _apply(doc, text, [types.TextEdit(range=edit.changes[uri][0].range, new_text=fresh)])
        fired = _ranges(f.range for f in _diagnostics(uri, broken) if f.code == NAME_RULE[definition.kind])
        if len(index.definitions_of(definition.kind, definition.name)) == 1 and fired != found:
            failures.append(f"{where}: the rule fires at {sorted(fired)}, references are {sorted(found)}")
    return failures


def _clean(uri: str, text: str) -> bool:
    return not any(OLV50X.match(f.code) for f in _diagnostics(uri, text))


def _samples() -> list[Path]:
    return sorted(p for p in (REPO / "samples").rglob("*") if p.suffix in (".json", ".yaml", ".yml") and p.is_file())


def _corpus() -> list[Path]:
    if not LABELS.exists():
        return []
    paths = [json.loads(line)["path"] for line in LABELS.read_text().splitlines() if line.strip()]
    return [CORPUS / "olive-recipes" / p for p in paths]


def _configs_with_names(paths: list[Path]) -> list[Path]:
    kept = []
    for path in paths:
        text = path.read_text()
        doc = parse_document(text, "yaml" if path.suffix in (".yaml", ".yml") else "json")
        if doc.root is not None and doc.root.is_object and _clean(path.as_uri(), text):
            kept.append(path)
    return kept


@pytest.mark.parametrize("path", _configs_with_names(_samples()), ids=lambda p: str(p.relative_to(REPO / "samples")))
def test_rename_and_the_rules_agree_on_every_sample(path):
    assert _agreement_failures(path.as_uri(), path.read_text()) == []


@pytest.mark.skipif(not LABELS.exists(), reason="the shared corpus is not on this machine")
def test_rename_and_the_rules_agree_on_every_corpus_config():
    configs = _configs_with_names(_corpus())
    assert len(configs) > 50
    definitions = 0
    failures = []
    for path in configs:
        text = path.read_text()
        doc = SERVICE.parse(path.as_uri(), text)
        definitions += len(name_index(build_view(doc.root)).definitions)
        failures += [f"{path.relative_to(CORPUS)}: {f}" for f in _agreement_failures(path.as_uri(), text)]
    assert failures == []
    assert definitions > 100  # the corpus exercises the agreement, not only empty configs


# --- regressions --------------------------------------------------------------------------------------------------


def _rename_at(config: dict, needle: str, new_name: str) -> tuple[str, str]:
    text = json.dumps(config, indent=2)
    uri = "file:///tmp/names/config.json"
    doc = SERVICE.parse(uri, text)
    offset = text.index(needle) + 1
    edit = SERVICE.rename(uri, doc, doc.index.position_at(offset), new_name)
    return uri, _apply(doc, text, edit.changes[uri])


def test_renaming_a_data_config_renames_it_in_a_top_level_evaluator_metric():
    config = {
        "input_model": {"type": "HfModel", "model_path": "m"},
        "data_configs": [{"name": "calib", "type": "HuggingfaceContainer"}],
        "evaluators": {"common": {"metrics": [{"name": "acc", "type": "accuracy", "sub_types": [{"name": "accuracy_score"}], "data_config": "calib"}]}},
        "evaluator": "common",
        "passes": {"conv": {"type": "OnnxConversion"}},
    }
    assert not find(check(config), "OLV503")
    uri, renamed = _rename_at(config, '"calib"', "calibration")
    after = json.loads(renamed)
    assert after["evaluators"]["common"]["metrics"][0]["data_config"] == "calibration"
    assert not [f for f in _diagnostics(uri, renamed) if OLV50X.match(f.code)]


def test_renaming_a_data_config_renames_it_in_inline_engine_and_pass_evaluators():
    uri, renamed = _rename_at(EVERYWHERE, '"evald"', "eval_data")
    after = json.loads(renamed)
    assert after["passes"]["inline_eval"]["evaluator"]["metrics"][0]["data_config"] == "eval_data"
    assert after["passes"]["tune"]["config"]["data_config"] == "eval_data"
    assert after["evaluators"]["common"]["metrics"][0]["data_config"] == "eval_data"
    assert not find(_diagnostics(uri, renamed), "OLV503")
    uri, renamed = _rename_at(EVERYWHERE, '"calib"', "calib2")
    after = json.loads(renamed)
    assert after["engine"]["evaluator"]["metrics"][0]["data_config"] == "calib2"
    assert after["passes"]["deep"]["extra"]["nested"][0]["calibration_data_config"] == "calib2"
    assert not find(_diagnostics(uri, renamed), "OLV503")


def test_completion_offers_the_names_the_index_defines():
    config = {
        "input_model": {"type": "HfModel", "model_path": "m"},
        "systems": {"box": {"type": "LocalSystem"}, "bare": None},
        "data_configs": [{"name": "calib", "type": "HuggingfaceContainer"}],
        "passes": {"quant": {"type": "OnnxStaticQuantization", "data_config": "calib", "host": "box"}},
    }
    text = json.dumps(config, indent=2)
    uri = "file:///tmp/names/complete.json"
    doc = SERVICE.parse(uri, text)
    offset = text.index('"calib"', text.index('"quant"')) + 1
    labels = {item.label for item in SERVICE.completion(uri, doc, doc.index.position_at(offset)).items}
    assert "calib" in labels
    offset = text.index('"box"', text.index('"quant"')) + 1
    labels = {item.label for item in SERVICE.completion(uri, doc, doc.index.position_at(offset)).items}
    assert {"box", "bare"} <= labels  # a system the rules count as defined is offered too


def test_rename_and_the_rules_agree_on_a_config_using_every_place():
    text = json.dumps(EVERYWHERE, indent=2)
    uri = "file:///tmp/names/everywhere.json"
    assert _clean(uri, text)
    assert _agreement_failures(uri, text) == []
