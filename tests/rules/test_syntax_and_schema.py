"""Syntax rules OLV001-005 and the schema rule's codes OLV100-104: each reported on the exact place, once."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from diagnostic_helpers import TINY, check, codes, find, text_at


def _with(**changes):
    config = copy.deepcopy(TINY)
    config.update(changes)
    return config


def test_olv001_unclosed_object_is_a_syntax_error():
    findings = check('{\n  "input_model": {"type": "HfModel"\n')
    assert find(findings, "OLV001"), codes(findings)


def test_olv001_bad_yaml_is_a_syntax_error_even_when_the_tree_loses_its_shape():
    findings = check("input_model:\n  type: HfModel\n   model_path: x\n", language="yaml")
    assert find(findings, "OLV001"), codes(findings)


def test_a_broken_file_that_is_not_an_olive_config_gets_nothing():
    assert check('{"name": "x", "a": [1,}') == []


def test_olv002_comment_inside_an_error_free_object_is_found():
    text = '{\n  "input_model": {\n    // why\n    "type": "HfModel", "model_path": "m"\n  }\n}\n'
    [comment] = find(check(text), "OLV002")
    assert text_at(text, comment) == "// why"


def test_valid_json_and_yaml_have_no_syntax_findings():
    text = json.dumps(TINY, indent=2)
    assert not [f for f in check(text) if f.code < "OLV100"]


def test_olv002_comment_in_json_is_marked_on_the_comment():
    text = '{\n  // the model\n  "input_model": {"type": "HfModel", "model_path": "m"}\n}\n'
    [comment] = find(check(text), "OLV002")
    assert text_at(text, comment) == "// the model"
    assert comment.fix["delete"] is True


def test_olv003_trailing_comma_is_marked_on_the_comma():
    text = '{\n  "input_model": {"type": "HfModel", "model_path": "m"},\n  "output_dir": "out",\n}\n'
    [comma] = find(check(text), "OLV003")
    assert text_at(text, comma) == ","
    assert comma.range.start.line == 2


def test_olv004_duplicate_key_is_a_warning_on_the_dropped_key():
    text = '{\n  "input_model": {"type": "HfModel", "model_path": "m"},\n  "output_dir": "a",\n  "output_dir": "b"\n}\n'
    [duplicate] = find(check(text), "OLV004")
    assert duplicate.severity == "warning"
    assert duplicate.range.start.line == 2  # the first one is the one json.load drops
    assert text_at(text, duplicate).startswith('"output_dir"')


def test_olv005_nesting_too_deep_is_reported_not_crashed_on():
    text = '{"input_model": ' + '{"a": ' * 3000 + "1" + "}" * 3001
    findings = check(text)
    assert find(findings, "OLV005"), codes(findings)


def test_olv100_unknown_root_key_with_did_you_mean():
    config = _with(output_dri="out")
    del config["output_dir"]
    text = json.dumps(config, indent=2)
    [unknown] = [f for f in find(check(text), "OLV100") if "output_dri" in f.text]
    assert text_at(text, unknown) == '"output_dri"'
    assert "output_dir" in unknown.fix["replace_key"]


def test_olv101_wrong_type_is_on_the_value():
    text = json.dumps(_with(output_dir=42), indent=2)
    [wrong] = find(check(text), "OLV101")
    assert text_at(text, wrong) == "42"
    assert "string" in wrong.text


def test_olv102_misspelt_model_type_is_on_the_value_with_did_you_mean():
    text = json.dumps(_with(input_model={"type": "HfModl", "model_path": "m"}), indent=2)
    [bad] = find(check(text), "OLV102")
    assert text_at(text, bad) == '"HfModl"'
    assert bad.fix["replace_value"] == ["HfModel"]
    assert "Did you mean 'HfModel'" in bad.text


def test_olv102_model_type_matches_case_insensitively_as_in_olive():
    text = json.dumps(_with(input_model={"type": "hfmodel", "model_path": "m"}), indent=2)
    assert find(check(text), "OLV102") == []


def test_olv101_lax_boolean_says_boolean_not_its_branches():
    text = json.dumps(_with(engine={"evaluate_input_model": "maybe"}), indent=2)
    [bad] = find(check(text), "OLV101")
    assert text_at(text, bad) == '"maybe"'
    assert "should be a boolean" in bad.text and "0, 1" not in bad.text
    for accepted in (True, 0, "yes", "off"):  # pydantic's lax booleans, as Olive accepts them
        # (true without an evaluator gets OLV525, a warning that it does nothing: not the schema's concern here)
        assert [f for f in check(json.dumps(_with(engine={"evaluate_input_model": accepted}))) if f.code != "OLV525"] == []


def test_olv103_missing_required_key_is_on_the_owner_key_with_a_fix():
    config = _with(input_model={"model_path": "m"})
    text = json.dumps(config, indent=2)
    [missing] = find(check(text), "OLV103")
    assert text_at(text, missing) == '"input_model"'
    assert missing.fix["add_keys"] == ["type"]


def test_each_schema_problem_is_reported_once():
    text = json.dumps(_with(output_dir=42), indent=2)
    findings = check(text)
    places = [(f.code, f.range.start.line, f.range.start.character) for f in findings]
    assert len(places) == len(set(places))


# --- one slip, one report ----------------------------------------------------------------------------------------------
SAMPLE = (Path(__file__).resolve().parents[2] / "samples" / "smollm2-135m-instruct-int4-cpu.json").read_text()


def test_a_missing_colon_is_one_syntax_error_not_a_flood():
    broken = SAMPLE.replace('"input_model":', '"input_model"', 1)
    findings = check(broken)
    errors = [f for f in findings if f.severity == "error"]
    assert len(errors) <= 5, [(f.code, f.text) for f in errors]
    first = find(findings, "OLV001")[0]
    assert first.range.start.line == 1  # on the line of the slip
    # Without the policy tree-sitter's token-by-token recovery reports a dozen more on the next lines.
    assert any("more syntax error(s)" in f.text for f in find(findings, "OLV001"))


def test_rule_findings_past_a_syntax_error_wait_for_the_fix():
    # The pass typo is after the broken line: what the rules say there is about a salvaged tree.
    text = SAMPLE.replace('"precision": "int4"', '"precision": "int3"').replace('"input_model":', '"input_model"', 1)
    assert not [f for f in check(text) if f.code >= "OLV100"]
    # Fixed syntax: the bad value is reported again.
    assert [f for f in check(SAMPLE.replace('"precision": "int4"', '"precision": "int3"')) if "int3" in f.text]


def test_independent_syntax_errors_far_apart_are_each_reported():
    lines = SAMPLE.splitlines()
    broken = list(lines)
    broken[2] = broken[2].replace(":", "", 1)  # an early slip...
    late = max(i for i, line in enumerate(lines) if line.strip().startswith('"') and ":" in line)
    broken[late] = broken[late].replace(":", "", 1)  # ...and an unrelated one far below
    syntax = find(check("\n".join(broken)), "OLV001")
    reported = {f.range.start.line for f in syntax}
    assert 2 in reported and reported & {late - 1, late}  # tree-sitter may place the second at the previous comma


@pytest.mark.parametrize(
    "text, line, column, said",
    [
        ("input_model:\n  type: HfModel\n   model_path: x\n", 2, 13, "mapping values are not allowed here"),
        ("input_model:\n  type: HfModel\n  model_path: [x\n", 2, 14, "while parsing a flow sequence"),  # where it opened
        ("passes:\n  b:\n    type: ModelBuilder\n   precision: int4\n", 3, 3, "expected <block end>"),
    ],
)
def test_olv001_yaml_is_placed_and_said_as_olive_s_pyyaml_reads_it(text, line, column, said):
    [error] = find(check(text, language="yaml"), "OLV001")
    assert (error.range.start.line, error.range.start.character) == (line, column)
    assert said in error.text
