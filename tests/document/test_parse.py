"""The parser, asked directly: text to nodes with LSP ranges, the same tree for the same config in JSON and YAML,
every syntax problem kept, and what a half-typed document still yields."""

from __future__ import annotations

import json

import pytest

from olive_ls.document.nodes import innermost, node_at_path, property_at_path
from olive_ls.document.parse import JSON, YAML, language_for, parse_document
from olive_ls.document.ranges import Position, Range
from olive_ls.document.syntax import DUPLICATE_KEY, JSON_COMMENT, SYNTAX_ERROR, TRAILING_COMMA

CONFIG = {
    "input_model": {"type": "HfModel", "model_path": "model"},
    "passes": {"builder": {"type": "ModelBuilder", "precision": "int4"}, "list": [{"type": "OnnxConversion"}]},
    "log_severity_level": 1,
    "evaluate_input_model": False,
    "output_dir": None,
}
YAML_TEXT = """input_model:
  type: HfModel
  model_path: model
passes:
  builder:
    type: ModelBuilder
    precision: int4
  list:
    - type: OnnxConversion
log_severity_level: 1
evaluate_input_model: false
output_dir: null
"""


@pytest.mark.parametrize(("text", "language"), [(json.dumps(CONFIG, indent=2), JSON), (YAML_TEXT, YAML)])
def test_json_and_yaml_give_the_same_tree(text, language):
    doc = parse_document(text, language)
    assert doc.problems == []
    assert doc.root.to_python() == CONFIG
    assert node_at_path(doc.root, ["passes", "list", 0, "type"]).value == "OnnxConversion"
    assert property_at_path(doc.root, ["passes", "builder", "precision"]).key == "precision"


def test_ranges_are_lsp_positions_of_the_exact_token():
    text = '{\n  "passes": {"b": {"type": "ModelBuilder", "precision": "int4"}}\n}'
    doc = parse_document(text, JSON)
    node = node_at_path(doc.root, ["passes", "b", "precision"])
    line = text.splitlines()[node.range.start.line]
    assert line[node.range.start.character : node.range.end.character] == '"int4"'
    column = line.index('"int4"')
    assert node.range == Range(start=Position(line=1, character=column), end=Position(line=1, character=column + 6))
    prop = property_at_path(doc.root, ["passes", "b", "precision"])
    assert line[prop.key_node.range.start.character : prop.key_node.range.end.character] == '"precision"'


def test_columns_count_utf16_code_units_as_lsp_does():
    text = '{"workflow_id": "\U0001f600 é", "passes": {}}'
    doc = parse_document(text, JSON)
    node = node_at_path(doc.root, ["passes"])
    # The emoji is two UTF-16 units and four UTF-8 bytes, é one unit and two bytes.
    assert node.range.start.character == text.index('{}') + 1


def test_innermost_finds_the_node_under_an_offset():
    text = json.dumps(CONFIG)
    doc = parse_document(text, JSON)
    offset = len(text[: text.index('"int4"') + 2].encode())
    node, prop = innermost(doc.root, offset)
    assert node.value == "int4" and prop.key == "precision"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('{"passes": {}, // note\n "engine": {}}', JSON_COMMENT),
        ('{"passes": {"a": 1,}}', TRAILING_COMMA),
        ('{"passes": {}, "passes": {}}', DUPLICATE_KEY),
        ('{"passes": {"a": }', SYNTAX_ERROR),
    ],
)
def test_every_syntax_problem_is_kept_with_its_kind(text, kind):
    doc = parse_document(text, JSON)
    assert kind in {problem.kind for problem in doc.problems}
    assert doc.root is not None and doc.root.is_object  # the rest is still there for the rules


def test_a_half_typed_document_keeps_what_it_can():
    doc = parse_document('{"input_model": {"type": "HfModel"}, "passes": {"b": {"type": "ModelB', JSON)
    assert doc.problems
    assert node_at_path(doc.root, ["input_model", "type"]).value == "HfModel"


@pytest.mark.parametrize(
    ("name", "language_id", "expected"),
    [("config.json", None, JSON), ("c.yaml", None, YAML), ("c.yml", None, YAML), ("c.txt", "yaml", YAML), ("file:///x/c.JSON", None, JSON)],
)
def test_language_from_the_editor_or_the_file_name(name, language_id, expected):
    assert language_for(name, language_id) == expected
