"""lsp/convert.py DiagnosticCache: the diagnostics of an unchanged finding are reused between analyses, and what
pygls sends is exactly what it sent without the cache."""

from __future__ import annotations

import json

from lsprotocol import types
from pygls.protocol import default_converter

from olive_ls.document.ranges import Position, Range
from olive_ls.lsp.convert import DiagnosticCache, to_diagnostic
from olive_ls.rules.registry import Finding

URI = "file:///work/config.json"


def finding(line: int, message: str = "bad value", fix=None) -> Finding:
    return Finding(message, Range(Position(line, 4), Position(line, 9)), "error", code="OLV304", detail="Why and fix.", fix=fix)


def test_unchanged_findings_reuse_their_diagnostic_and_changed_ones_do_not():
    cache = DiagnosticCache()
    first = cache.diagnostics(URI, [finding(1), finding(2, fix={"title": "Replace with", "replace_value": ["int4"]})], True, True)
    second = cache.diagnostics(URI, [finding(1), finding(2, fix={"title": "Replace with", "replace_value": ["int8"]}), finding(3)], True, True)
    assert second[0] is first[0]
    assert second[1] is not first[1] and second[1].data["replace_value"] == ["int8"]
    assert second[2].range.start.line == 3
    moved = cache.diagnostics(URI, [finding(2), finding(4)], True, True)
    assert all(d is not s for d in moved for s in second)  # a finding that moved is a new diagnostic
    cache.forget(URI)
    assert cache.diagnostics(URI, [finding(2)], True, True)[0] is not moved[0]


def test_the_json_sent_is_the_json_without_the_cache():
    cache = DiagnosticCache()
    plain = default_converter()
    cached = default_converter()
    cached.register_unstructure_hook(types.Diagnostic, cache.unstructure_hook(cached.get_unstructure_hook(types.Diagnostic)))
    findings = [finding(n, fix={"title": "Add 'x'", "add_keys": ["x"]} if n % 2 else None) for n in range(50)]
    for _ in range(3):  # the JSON form is made once, then served from the cache
        diagnostics = cache.diagnostics(URI, findings, True, True)
        params = types.PublishDiagnosticsParams(uri=URI, diagnostics=diagnostics, version=7)
        expected = [to_diagnostic(f, related_uri=URI) for f in findings]
        assert json.dumps(cached.unstructure(params)) == json.dumps(plain.unstructure(types.PublishDiagnosticsParams(uri=URI, diagnostics=expected, version=7)))
    # A diagnostic the cache does not hold is converted as usual.
    other = to_diagnostic(finding(99, "other"), related_uri=URI)
    assert cached.unstructure(other) == plain.unstructure(other)


def test_the_text_of_a_publication_is_what_pygls_would_encode():
    cache = DiagnosticCache()
    plain = default_converter()
    cached = default_converter()
    cached.register_unstructure_hook(types.Diagnostic, cache.unstructure_hook(cached.get_unstructure_hook(types.Diagnostic)))
    findings = [finding(n, message=f"bad value ü {n}", fix={"title": "Add 'x'", "add_keys": ["x"]} if n % 2 else None) for n in range(20)]
    for version in (3, None, 4):
        diagnostics = cache.diagnostics(URI, findings, True, True)
        notification = types.PublishDiagnosticsNotification(params=types.PublishDiagnosticsParams(uri=URI, diagnostics=diagnostics, version=version))
        text = cache.notification_text(notification)
        assert text is not None and text.isascii()  # its length is its Content-Length
        assert json.loads(text) == json.loads(json.dumps(plain.unstructure(notification)))
    # One diagnostic the cache does not hold: pygls encodes the publication itself.
    stranger = types.PublishDiagnosticsNotification(params=types.PublishDiagnosticsParams(uri=URI, diagnostics=[*diagnostics, to_diagnostic(finding(99))]))
    assert cache.notification_text(stranger) is None
