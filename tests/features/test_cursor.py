"""What is at a cursor, on half-typed JSON and YAML: kind, container path, key/index, typed word and the span.

`‸` marks the cursor in each text (a non-ASCII marker, so byte offsets and UTF-16 columns are exercised too).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from olive_ls.features.completion.cursor import EMPTY, ITEM, KEY, NONE, VALUE, cursor_at, cursor_at_offset
from olive_ls.document.parse import parse_document

MARK = "‸"
SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def at(marked: str, language: str = "json"):
    offset = marked.index(MARK)
    text = marked.replace(MARK, "", 1)
    doc = parse_document(text, language)
    cursor = cursor_at_offset(doc, len(text[:offset].encode("utf-8")))
    span = text.encode("utf-8")[cursor.start : cursor.end].decode("utf-8")
    return cursor, span


# (text, kind, path, key or index, prefix, replaced span)
JSON_CASES = [
    # keys
    ('{‸}', KEY, [], None, "", ""),
    ('{"‸"}', KEY, [], None, "", '""'),
    ('{"‸', KEY, [], None, "", '"'),
    ('{"pa‸"}', KEY, [], None, "pa", '"pa"'),
    ('{"pa‸', KEY, [], None, "pa", '"pa'),
    ('{"passes": {"x": {"type": "ModelBuilder", "‸', KEY, ["passes", "x"], None, "", '"'),
    ('{"passes": {"x": {"type": "ModelBuilder", "‸"}}}', KEY, ["passes", "x"], None, "", '""'),
    ('{"passes": {"x": {"type": "ModelBuilder", pre‸}}}', KEY, ["passes", "x"], None, "pre", "pre"),
    ('{"passes": {"x": {"type": "ModelBuilder", pre‸cis}}}', KEY, ["passes", "x"], None, "pre", "precis"),
    ('{"passes": {"x": {"type": "ModelBuilder",\n  ‸\n  "precision": "int4"}}}', KEY, ["passes", "x"], None, "", ""),
    ('{"passes": {"x": {"type": "ModelBuilder", "pre‸cision": "int4"}}}', KEY, ["passes", "x"], None, "pre", '"precision"'),
    ('{"passes": {"x": [{"type": "A"}, {‸}]}}', KEY, ["passes", "x", 1], None, "", ""),
    ('{"systems": {"s": {"accelerators": [{‸}]}}}', KEY, ["systems", "s", "accelerators", 0], None, "", ""),
    ('{\n  "input_model": {\n    "type": "HfModel",\n    ‸\n  }\n}', KEY, ["input_model"], None, "", ""),
    # values
    ('{"passes": {"x": {"type": "Mo‸', VALUE, ["passes", "x"], "type", "Mo", '"Mo'),
    ('{"passes": {"x": {"type": "Mo‸"}}}', VALUE, ["passes", "x"], "type", "Mo", '"Mo"'),
    ('{"passes": {"x": {"type": "Mo‸del"}}}', VALUE, ["passes", "x"], "type", "Mo", '"Model"'),
    ('{"passes": {"x": {"type": "‸', VALUE, ["passes", "x"], "type", "", '"'),
    ('{"passes": {"x": {"type": "‸"}}}', VALUE, ["passes", "x"], "type", "", '""'),
    ('{"passes": {"x": {"type": ‸', VALUE, ["passes", "x"], "type", "", ""),
    ('{"passes": {"x": {"type":‸', VALUE, ["passes", "x"], "type", "", ""),
    ('{"passes": {"x": {"type": ‸}}}', VALUE, ["passes", "x"], "type", "", ""),
    ('{"a": {"flag": tr‸}}', VALUE, ["a"], "flag", "tr", "tr"),
    ('{"passes": {"x": {"type": "ModelBuilder", "precision": ‸"int4"}}}', VALUE, ["passes", "x"], "precision", "", '"int4"'),
    ('{"passes": {"x": [{"type": "A"}, {"type": "‸"}]}}', VALUE, ["passes", "x", 1], "type", "", '""'),
    ('{"host": "lo‸cal"}', VALUE, [], "host", "lo", '"local"'),
    ('{"a": "x\\"y‸"}', VALUE, [], "a", 'x"y', '"x\\"y"'),
    # array items
    ('{"s": {"accelerators": [{"device": "cpu", "execution_providers": ["‸', ITEM, ["s", "accelerators", 0, "execution_providers"], 0, "", '"'),
    ('{"s": {"accelerators": [{"device": "cpu", "execution_providers": ["C‸"]}]}}', ITEM, ["s", "accelerators", 0, "execution_providers"], 0, "C", '"C"'),
    ('{"e": ["CPUExecutionProvider", "‸"]}', ITEM, ["e"], 1, "", '""'),
    ('{"e": ["A", ‸]}', ITEM, ["e"], 1, "", ""),
    ('{"e": [‸]}', ITEM, ["e"], 0, "", ""),
    ('{"e": [{"a": 1}, ‸]}', ITEM, ["e"], 1, "", ""),
    # nowhere
    ('{"a": "x"‸}', NONE, None, None, "", ""),
    ('{"a": "x" ‸}', NONE, None, None, "", ""),
    ('{"a": "x", // c‸\n}', NONE, None, None, "", ""),
    ('{"a" ‸', NONE, None, None, "", ""),
    ("‸", EMPTY, None, None, "", ""),
    ("  ‸  ", EMPTY, None, None, "", ""),
]


@pytest.mark.parametrize(("text", "kind", "path", "key", "prefix", "span"), JSON_CASES)
def test_json_cursor(text, kind, path, key, prefix, span):
    cursor, replaced = at(text)
    assert cursor.kind == kind
    if path is not None:
        assert cursor.path == path
    if kind == VALUE:
        assert cursor.key == key
    if kind == ITEM:
        assert cursor.index == key
    assert cursor.prefix == prefix
    assert replaced == span
    assert cursor.start <= cursor.offset <= cursor.end


YAML_CASES = [
    ("‸", KEY, [], None, "", ""),
    ("pa‸", KEY, [], None, "pa", "pa"),
    ("input_model:\n  ‸", KEY, ["input_model"], None, "", ""),
    ("passes:\n  x:\n    type: ModelBuilder\n    ‸", KEY, ["passes", "x"], None, "", ""),
    ("passes:\n  x:\n    type: ModelBuilder\n    pre‸", KEY, ["passes", "x"], None, "pre", "pre"),
    ("passes:\n  x:\n    type: ModelBuilder\n    pre‸\nengine:\n  host: local", KEY, ["passes", "x"], None, "pre", "pre"),
    ("passes:\n  x:\n    type: ModelBuilder\n  ‸", KEY, ["passes"], None, "", ""),
    ("passes:\n  x:\n    type: ModelBuilder\n‸", KEY, [], None, "", ""),
    # Over-indented under `key: value`: still a sibling of that key.
    ("passes:\n  x:\n    type: ModelBuilder\n      ‸", KEY, ["passes", "x"], None, "", ""),
    ("passes:\n  x:\n    type: ModelBuilder\n    pre‸cision: int4", KEY, ["passes", "x"], None, "pre", "precision"),
    ("passes:\n  x:\n    type: ModelBuilder\n    ‸precision: int4", KEY, ["passes", "x"], None, "", "precision"),
    ("a:\n  # a comment\n\n  b: 1\n  ‸", KEY, ["a"], None, "", ""),
    # values
    ("passes:\n  x:\n    type: Mo‸", VALUE, ["passes", "x"], "type", "Mo", "Mo"),
    ("passes:\n  x:\n    type: Mo‸del", VALUE, ["passes", "x"], "type", "Mo", "Model"),
    ("passes:\n  x:\n    type: ‸", VALUE, ["passes", "x"], "type", "", ""),
    ("passes:\n  x:\n    type:‸", VALUE, ["passes", "x"], "type", "", ""),
    ('passes:\n  x:\n    precision: "‸"', VALUE, ["passes", "x"], "precision", "", '""'),
    ('passes:\n  x:\n    precision: "in‸', VALUE, ["passes", "x"], "precision", "in", '"in'),
    ("passes:\n  x:\n    precision: 'in‸t4'", VALUE, ["passes", "x"], "precision", "in", "'int4'"),
    ("host: lo‸cal  # the host", VALUE, [], "host", "lo", "local"),
    ("systems:\n  s:\n    accelerators:\n      - device: c‸", VALUE, ["systems", "s", "accelerators", 0], "device", "c", "c"),
    ("systems:\n  s:\n    accelerators:\n    - device: cpu\n    - device: g‸", VALUE, ["systems", "s", "accelerators", 1], "device", "g", "g"),
    # items
    ("systems:\n  s:\n    accelerators:\n      - ‸", ITEM, ["systems", "s", "accelerators"], 0, "", ""),
    ("systems:\n  s:\n    accelerators:\n      - dev‸", ITEM, ["systems", "s", "accelerators"], 0, "dev", "dev"),
    ("systems:\n  s:\n    accelerators:\n    - device: cpu\n    - ‸", ITEM, ["systems", "s", "accelerators"], 1, "", ""),
    ("systems:\n  s:\n    accelerators:\n    - device: cpu\n    -‸", ITEM, ["systems", "s", "accelerators"], 1, "", ""),
    (
        "systems:\n  s:\n    accelerators:\n      - device: cpu\n        execution_providers:\n          - CPUExecutionProvider\n          - Op‸",
        ITEM,
        ["systems", "s", "accelerators", 0, "execution_providers"],
        1,
        "Op",
        "Op",
    ),
    ("a:\n  - - x\n    - ‸", ITEM, ["a", 0], 1, "", ""),
    # keys inside a sequence item
    ("systems:\n  s:\n    accelerators:\n      - device: cpu\n        ‸", KEY, ["systems", "s", "accelerators", 0], None, "", ""),
    ("systems:\n  s:\n    accelerators:\n    - device: cpu\n      exe‸", KEY, ["systems", "s", "accelerators", 0], None, "exe", "exe"),
    # flow collections
    ("s:\n  execution_providers: [CPUExecutionProvider, ‸]", ITEM, ["s", "execution_providers"], 1, "", ""),
    ("s:\n  execution_providers: [Op‸", ITEM, ["s", "execution_providers"], 0, "Op", "Op"),
    ('s:\n  execution_providers: ["‸"]', ITEM, ["s", "execution_providers"], 0, "", '""'),
    ("s: {type: Local‸}", VALUE, ["s"], "type", "Local", "Local"),
    ("s: {type: LocalSystem, ‸}", KEY, ["s"], None, "", ""),
    # nowhere
    ("a: 1 # comm‸", NONE, None, None, "", ""),
    ("script: |\n  foo\n  ba‸", NONE, None, None, "", ""),
]


@pytest.mark.parametrize(("text", "kind", "path", "key", "prefix", "span"), YAML_CASES)
def test_yaml_cursor(text, kind, path, key, prefix, span):
    cursor, replaced = at(text, "yaml")
    assert cursor.kind == kind
    if path is not None:
        assert cursor.path == path
    if kind == VALUE:
        assert cursor.key == key
    if kind == ITEM:
        assert cursor.index == key
    assert cursor.prefix == prefix
    assert replaced == span
    assert cursor.start <= cursor.offset <= cursor.end


def test_json_key_followed_by_colon_inserts_name_only():
    cursor, _ = at('{"pass": {"x": {"pre‸cision": "int4"}}}')
    assert cursor.has_colon and cursor.word == "precision"
    cursor, _ = at('{"x": {"pre‸"}}')
    assert not cursor.has_colon


def test_json_missing_comma_before_and_after():
    cursor, _ = at('{"a": 1\n  ‸\n}')
    assert cursor.kind == KEY and cursor.comma_before == len('{"a": 1')
    cursor, _ = at('{‸"a": 1}')
    assert cursor.comma_after == ", "
    cursor, _ = at('{"a": 1,\n  ‸\n  "b": 2}')
    assert cursor.comma_after == ","
    cursor, _ = at('{"a": "‸"}')
    assert cursor.comma_after == ""
    cursor, _ = at('{"a": "‸"\n "b": 2}')
    assert cursor.comma_after == ","


def test_space_needed_right_after_colon_or_dash():
    assert at('{"type":‸}')[0].space_before
    assert not at('{"type": ‸}')[0].space_before
    assert at("type:‸", "yaml")[0].space_before
    assert at("a:\n  -‸", "yaml")[0].space_before
    assert not at("a:\n  - ‸", "yaml")[0].space_before


def test_unclosed_string_does_not_swallow_the_next_key():
    cursor, span = at('{"type": "Mo‸, "x": 1}')
    assert cursor.kind == VALUE and span == '"Mo' and not cursor.closed


def test_quote_and_closed_flags():
    cursor, _ = at('{"type": "Mo‸"}')
    assert cursor.quote == '"' and cursor.closed and cursor.in_string
    cursor, _ = at('{"type": Mo‸}')
    assert cursor.quote is None and not cursor.in_string


def test_columns_for_yaml_inserts():
    assert at("passes:\n  x:\n    pre‸", "yaml")[0].column == 4
    assert at("a:\n  - dev‸", "yaml")[0].column == 4
    assert at("a:\n  - ‸", "yaml")[0].column == 4


def test_non_ascii_before_the_cursor():
    cursor, span = at('{"model_path": "модель/‸"}')
    assert cursor.kind == VALUE and cursor.prefix == "модель/" and span == '"модель/"'
    doc = parse_document('{"a": "é", "type": "Mo"}')
    cursor = cursor_at(doc, doc.index.position_at(len('{"a": "é", "type": "Mo'.encode())))
    assert cursor.kind == VALUE and cursor.key == "type" and cursor.range.start.character == len('{"a": "é", "type": ')


def test_container_comes_from_the_tree_with_present_keys():
    cursor, _ = at('{"passes": {"x": {"type": "ModelBuilder", "precision": "int4", "‸"}}}')
    assert cursor.container_keys() == ["type", "precision"]


def test_yaml_tree_is_repaired_when_the_line_breaks_it():
    # tree-sitter reads this document as a lone scalar; without the cursor's line it is a mapping.
    cursor, _ = at("passes:\n  x:\n    type: ModelBuilder\n    pre‸", "yaml")
    assert cursor.container is not None and cursor.container_keys() == ["type"]


def test_yaml_document_written_as_json_uses_the_json_scanner():
    cursor, span = at('{"passes": {"x": {"type": "Mo‸"}}}', "yaml")
    assert cursor.kind == VALUE and cursor.path == ["passes", "x"] and span == '"Mo"'


def _sample_texts():
    texts = []
    for path in sorted(SAMPLES.glob("**/config.*")) + sorted(SAMPLES.glob("*.json")):
        texts.append((path.read_text(), "yaml" if path.suffix in (".yaml", ".yml") else "json"))
    return texts or [('{"passes": {"x": {"type": "ModelBuilder"}}}', "json")]


SAMPLE_TEXTS = _sample_texts()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=len(SAMPLE_TEXTS) - 1), st.floats(min_value=0, max_value=1), st.integers(min_value=0, max_value=40))
def test_any_cursor_in_any_truncated_sample_is_answered(which, where, cut):
    """Every offset of every sample, also with the text cut short right after it, gives a sane cursor."""
    text, language = SAMPLE_TEXTS[which]
    data = text.encode("utf-8")
    offset = int(where * len(data))
    while offset > 0 and (data[offset] & 0xC0) == 0x80 if offset < len(data) else False:
        offset -= 1
    truncated = data[: min(len(data), offset + cut)].decode("utf-8", errors="ignore")
    for source in (text, truncated):
        doc = parse_document(source, language)
        limit = min(offset, len(doc.index.data))
        cursor = cursor_at_offset(doc, limit)
        assert cursor.start <= cursor.offset <= cursor.end
        assert b"\n" not in doc.index.data[cursor.start : cursor.end]
