"""The service facade, asked directly (no LSP): recognition, exclusion, settings through one call, the size limit,
the parse cache, and findings as its own type — the same calls `lsp/` and `cli/` make."""

from __future__ import annotations

import json

from olive_ls.catalog import load_catalog
from olive_ls.document.ranges import Range
from olive_ls.rules.registry import Finding
from olive_ls.service import MAX_ANALYSED_CHARS, OliveLanguageService, path_to_uri, uri_to_path
from olive_ls.settings import ServerSettings

CONFIG = {"input_model": {"type": "HfModel", "model_path": "m"}, "passes": {"b": {"type": "ModelBuilder", "precision": "int3"}}}
URI = "file:///work/configs/config.json"


def service(**settings) -> OliveLanguageService:
    return OliveLanguageService(load_catalog("0.13.0"), ServerSettings(environment_checks=False, **settings))


def test_diagnostics_are_findings_with_ranges_of_its_own_type():
    svc = service()
    doc = svc.parse(URI, json.dumps(CONFIG))
    findings = svc.diagnostics(URI, doc)
    assert findings and all(isinstance(f, Finding) and isinstance(f.range, Range) for f in findings)
    assert {f.code for f in findings} == {"OLV304"}
    assert all(len(f.message) <= 120 for f in findings)


def test_parse_is_cached_per_uri_and_version():
    svc = service()
    text = json.dumps(CONFIG)
    first = svc.parse(URI, text, version=1)
    assert svc.parse(URI, text, version=1) is first
    assert svc.parse(URI, text, version=2) is first  # same text, newer version: no new parse
    assert svc.parse(URI, text + " ", version=3) is not first
    svc.forget(URI)
    assert svc.parse(URI, text, version=3) is not first


def test_recognition_by_content_by_glob_and_exclusion_by_one_configure_call():
    svc = service()
    plain = svc.parse("file:///w/package.json", '{"name": "x"}')
    assert not svc.is_olive_config("file:///w/package.json", plain)
    assert svc.diagnostics("file:///w/package.json", svc.parse("file:///w/package.json", '{"name": 1,}')) == []
    svc.configure(ServerSettings(environment_checks=False, config_globs=["package.json"]))
    assert svc.is_olive_config("file:///w/package.json", plain)
    svc.configure(ServerSettings(environment_checks=False, exclude_globs=["*/configs/*"]))
    doc = svc.parse(URI, json.dumps(CONFIG))
    assert not svc.is_olive_config(URI, doc) and svc.diagnostics(URI, doc) == []


def test_severity_overrides_apply_to_the_service_findings():
    svc = service(severity_overrides={"OLV304": "warning"})
    findings = svc.diagnostics(URI, svc.parse(URI, json.dumps(CONFIG)))
    assert {f.severity for f in findings} == {"warning"}
    svc.configure(ServerSettings(environment_checks=False, severity_overrides={"OLV304": "off"}))
    assert svc.diagnostics(URI, svc.parse(URI, json.dumps(CONFIG) + " ")) == []


def test_one_size_limit_said_with_one_code():
    svc = service()
    big = '{"passes": {}, "x": "' + "a" * MAX_ANALYSED_CHARS + '"}'
    assert svc.too_large(big) and not svc.too_large(json.dumps(CONFIG))
    [finding] = svc.size_findings(URI, big)
    assert finding.code == "OLV007" and finding.severity == "information" and "too large" in finding.message
    assert svc.size_findings("file:///w/notes.json", "[1, 2, 3]") == []  # not an object: not a config anyway


def test_uris_and_paths_round_trip(tmp_path):
    path = tmp_path / "a b" / "config.json"
    assert uri_to_path(path_to_uri(path)) == path
    assert uri_to_path("untitled:Untitled-1") is None


def test_features_answer_through_the_facade():
    from olive_ls.document.ranges import Position

    svc = service()
    text = json.dumps(CONFIG, indent=2)
    doc = svc.parse(URI, text)
    line = next(i for i, line in enumerate(text.splitlines()) if '"precision"' in line)
    column = text.splitlines()[line].index('"int3"') + 1
    items = svc.completion(URI, doc, Position(line=line, character=column)).items
    assert "int4" in [item.label for item in items]
    assert svc.hover(URI, doc, Position(line=line, character=column)) is not None
    assert [s.name for s in svc.document_symbols(URI, doc)]
