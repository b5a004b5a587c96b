"""The fast path (a regex scan of valid JSON, and of the error-free regions of broken JSON) builds the very tree,
and finds the very problems, that the tree-sitter walk alone builds and finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from olive_ls.document import json_tree
from olive_ls.document.text import LineIndex

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"


def _shape(node):
    if node is None:
        return None
    container = node.kind in ("object", "array")
    return (
        node.kind,
        node.start,
        node.end,
        None if container else (type(node.value).__name__, node.value),
        node.raw,
        [(p.key, p.start, p.end, p.colon, _shape(p.key_node), _shape(p.value), p.parent is node, p.key_node.parent is p, p.value is None or p.value.parent is p) for p in node.properties],
        [(_shape(item), item.parent is node) for item in node.items],
    )


def _build(text: str, fast: bool):
    data = text.encode("utf-8", errors="surrogatepass")
    builder = json_tree.JsonTreeBuilder(data, LineIndex(data))
    builder.scan_clean_regions = fast
    root = builder.build()
    return _shape(root), sorted((p.kind, p.message, p.start, p.end) for p in builder.problems), builder


CASES = [
    '{"a": 1, "a": 2}',
    '[1, 2.5, -3e5, 0, -0, 1E400, true, false, null, "x\\u00e9\\n", "é", "\\""]',
    '{"é": {"ü": "ß", "emoji": "😀"}}',
    '"s"',
    "3",
    "{}",
    "[]",
    ' \r\n{"a" : [ ] , "b":{ } }\n ',
    "[" * 300 + "]" * 300,
    '{"a":' * 300 + "1" + "}" * 300,
    "[" * 257 + "1, 2" + "]" * 257,
    "[" * 256 + '1, {"a": [2]}, [3]' + "]" * 256,
    '{"k":' * 257 + "[1]" + "}" * 257,
    '{"k":' * 256 + '{"x": 1, "y": [2], "z": "s"}' + "}" * 256,
    '{"big": 123456789012345678901234567890, "f": 1.0, "s": "\\ud83d\\ude00"}',
]


@pytest.mark.parametrize("text", CASES, ids=range(len(CASES)))
def test_fast_path_builds_the_tree_sitter_tree(text):
    fast, slow = _build(text, True), _build(text, False)
    assert fast[:2] == slow[:2]


@pytest.mark.parametrize("text", ['{"a": NaN}', '{"a": 1,}', '{"a": 1} // c', '{"a":1}{"b":2}', '{"a": 1', "[" * 3000 + "]" * 3000])
def test_invalid_json_goes_the_tree_sitter_way(text):
    data = text.encode()
    assert json_tree.JsonTreeBuilder(data, LineIndex(data))._build_clean() is False


def test_every_shipped_and_corpus_config_builds_the_same_tree():
    paths = sorted((ROOT / "samples").rglob("*.json")) + sorted((ROOT / "tests" / "data").rglob("*.json")) + sorted(CORPUS.rglob("*.json"))
    assert paths
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        assert _build(text, True)[:2] == _build(text, False)[:2], path


def _slips(text: str):
    """The text with one bracket, comma, colon or quote deleted, at every such place (half-typed documents)."""
    for offset, char in enumerate(text):
        if char in '{}[],:"':
            yield text[:offset] + text[offset + 1 :]


BROKEN = [
    '{"a": 1, // note\n "b": {"c": [1, 2,]}, "d": {"e": 1 /* x */}, "f": {"g": {"h": 1}}}',
    '{"a": {"b": 1}, "c": {"d": ',
    '{"a": {"b": "unterminated}, "c": {"d": [1, 2]}}',
    '{"a": {"x": 1, "x": 2}, "b": {"c": 1} "d": {"e": 2}}',
    "[" * 300 + "1" + "]" * 299,
    '{"a": ' + '{"b": ' * 260 + "1" + "}" * 259,
]


@pytest.mark.parametrize("text", BROKEN, ids=range(len(BROKEN)))
def test_broken_documents_scan_their_clean_regions_to_the_same_tree(text):
    assert _build(text, True)[:2] == _build(text, False)[:2]


def test_every_slip_of_a_typical_config_builds_the_same_tree():
    text = (ROOT / "tests" / "data" / "typical.json").read_text()
    count = 0
    for broken in _slips(text):
        assert _build(broken, True)[:2] == _build(broken, False)[:2], broken
        count += 1
    assert count > 300
