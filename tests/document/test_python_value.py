"""ParsedDocument.python_value: json.loads' value for a clean JSON text (kept from the fast path's check), the tree's
own value otherwise; the two agree on every corpus config and sample, and on texts the fast path refuses."""

from __future__ import annotations

from pathlib import Path

from olive_ls.document.parse import JSON, YAML, parse_document

REPO = Path(__file__).resolve().parents[2]
FILES = sorted((REPO.parent / "shared" / "corpus").rglob("*.json")) + sorted((REPO / "samples").rglob("*.json"))


def test_the_loaded_value_is_the_trees_value():
    clean = 0
    for path in FILES:
        doc = parse_document(path.read_text(encoding="utf-8", errors="replace"), JSON)
        if doc.root is None:
            continue
        clean += doc.loaded is not None
        assert doc.python_value() == doc.root.to_python(), path
    assert clean >= 10


def test_texts_off_the_fast_path_fall_back_to_the_tree():
    for text, language in (('{"a": 1, "a": 2}', JSON), ('{"a": [1, 2,]}', JSON), ("a: 1\nb: [x, y]\n", YAML), ('{"a": 1} // c', JSON)):
        doc = parse_document(text, language)
        assert doc.loaded is None
        assert doc.python_value() == (doc.root.to_python() if doc.root is not None else None)
    assert parse_document('{"a": {"b": [1, 2.5, "x", null, true]}}', JSON).loaded == {"a": {"b": [1, 2.5, "x", None, True]}}
