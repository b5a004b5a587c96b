"""Quick fixes from diagnostics' data: the exact text each fix shape produces, in JSON and YAML.

Where a rule produces the shape, the diagnostic comes from the real rules (`check`); otherwise it is built by
hand the way a rule would send it.
"""

from __future__ import annotations

import json

import pytest
from lsprotocol import types

from diagnostic_helpers import check
from olive_ls.catalog import load_catalog
from olive_ls.document.parse import parse_document
from olive_ls.features.actions import FIX_ALL_KIND, code_actions
from olive_ls.lsp.convert import to_diagnostic as to_lsp

URI = "file:///work/config.json"
CATALOG = load_catalog("0.13.0")


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits the way a client does (all against the original text)."""
    doc = parse_document(text)
    data = text.encode()
    spans = sorted(((doc.index.offset_at(e.range.start), doc.index.offset_at(e.range.end), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        data = data[:start] + new.encode() + data[end:]
    return data.decode()


def actions_for(text: str, diagnostics: list[types.Diagnostic], language: str = "json", range_: types.Range | None = None):
    doc = parse_document(text, language)
    where = range_ or (diagnostics[0].range if diagnostics else types.Range(types.Position(0, 0), types.Position(0, 0)))
    return code_actions(doc, CATALOG, URI, where, diagnostics)


def rule_diagnostic(text: str, code: str, language: str = "json") -> types.Diagnostic:
    found = [f for f in check(text, language=language) if f.code == code]
    assert len(found) == 1, [(f.code, f.message) for f in check(text, language=language)]
    return to_lsp(found[0])


def diagnostic_on(text: str, needle: str, data: dict, nth: int = 0) -> types.Diagnostic:
    """A diagnostic on the nth occurrence of needle, as a rule would send it."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    doc = parse_document(text)
    start = len(text[:at].encode())
    where = doc.index.range_of(start, start + len(needle.encode()))
    return types.Diagnostic(range=where, message="test", source="olive-ls", code="OLV999", data=data)


def quick_fixes(actions):
    return [a for a in actions if a.kind == types.CodeActionKind.QuickFix]


def fixed(text: str, diagnostic: types.Diagnostic, language: str = "json", title: str | None = None) -> str:
    actions = quick_fixes(actions_for(text, [diagnostic], language))
    if title is not None:
        actions = [a for a in actions if a.title == title]
    assert actions, "no quick fix"
    action = actions[0]
    assert action.diagnostics == [diagnostic]
    assert list(action.edit.changes) == [URI]
    return apply(text, action.edit.changes[URI])


# --- replace_key ----------------------------------------------------------------------------------------------

BLOCKSIZE_JSON = """{
  "input_model": {"type": "HfModel", "model_path": "m"},
  "passes": {"b": {"type": "ModelBuilder", "config": {"precision": "int4", "int4_blocksize": 32}}}
}
"""


def test_misspelled_pass_parameter_is_renamed():
    diagnostic = rule_diagnostic(BLOCKSIZE_JSON, "OLV302")
    actions = quick_fixes(actions_for(BLOCKSIZE_JSON, [diagnostic]))
    assert [a.title for a in actions] == ["Replace with 'int4_block_size'", "Replace with 'int4_algo_config'"]
    assert not any(a.is_preferred for a in actions)  # two candidates: no single clear fix
    assert apply(BLOCKSIZE_JSON, actions[0].edit.changes[URI]) == BLOCKSIZE_JSON.replace('"int4_blocksize"', '"int4_block_size"')
    assert check(apply(BLOCKSIZE_JSON, actions[0].edit.changes[URI])) == []


def test_misspelled_pass_parameter_is_renamed_in_yaml():
    text = "input_model:\n  type: HfModel\n  model_path: m\npasses:\n  b:\n    type: ModelBuilder\n    precision: int4\n    int4_blocksize: 32\n"
    diagnostic = rule_diagnostic(text, "OLV302", "yaml")
    assert fixed(text, diagnostic, "yaml", "Replace with 'int4_block_size'") == text.replace("int4_blocksize", "int4_block_size")


def test_quoted_yaml_key_keeps_its_quotes():
    text = "passes:\n  b:\n    'int4_blocksize': 32\n"
    diagnostic = diagnostic_on(text, "'int4_blocksize'", {"title": "Replace with", "replace_key": ["int4_block_size"]})
    assert fixed(text, diagnostic, "yaml") == "passes:\n  b:\n    'int4_block_size': 32\n"


# --- replace_value --------------------------------------------------------------------------------------------

EP_JSON = """{
  "input_model": {"type": "HfModel", "model_path": "m"},
  "systems": {"s": {"type": "LocalSystem", "accelerators": [{"device": "gpu", "execution_providers": ["CUDAExecutionProvidr"]}]}},
  "passes": {"b": {"type": "ModelBuilder", "precision": "int4"}},
  "target": "s"
}
"""


def test_misspelled_execution_provider_is_replaced():
    diagnostic = rule_diagnostic(EP_JSON, "OLV406")
    actions = quick_fixes(actions_for(EP_JSON, [diagnostic]))
    assert actions[0].title == "Replace with 'CUDAExecutionProvider'"
    assert apply(EP_JSON, actions[0].edit.changes[URI]) == EP_JSON.replace("CUDAExecutionProvidr", "CUDAExecutionProvider")


def test_execution_provider_of_another_device_is_replaced_in_yaml():
    text = (
        "input_model:\n  type: HfModel\n  model_path: m\nsystems:\n  s:\n    type: LocalSystem\n    accelerators:\n"
        "      - device: cpu\n        execution_providers:\n          - CUDAExecutionProvider\n"
        "passes:\n  b:\n    type: ModelBuilder\n    precision: int4\nhost: s\ntarget: s\n"
    )
    diagnostic = diagnostic_on(text, "CUDAExecutionProvider", {"title": "Replace with", "replace_value": ["CPUExecutionProvider"]})
    result = fixed(text, diagnostic, "yaml")
    assert result == text.replace("- CUDAExecutionProvider", "- CPUExecutionProvider")
    action = quick_fixes(actions_for(text, [diagnostic], "yaml"))[0]
    assert action.is_preferred is True  # one candidate: the clear fix


@pytest.mark.parametrize(
    "written, candidate, expected",
    [
        ('"fp16"', "int4", '"int4"'),  # JSON: always quoted
        ("16", 32, "32"),
        ("true", False, "false"),
    ],
)
def test_replaced_json_values_are_rendered_as_json(written, candidate, expected):
    text = '{"passes": {"b": {"type": "ModelBuilder", "x": ' + written + "}}}"
    diagnostic = diagnostic_on(text, written, {"title": "Replace with", "replace_value": [candidate]})
    assert fixed(text, diagnostic) == text.replace(written, expected)


@pytest.mark.parametrize(
    "written, candidate, expected",
    [
        ("fp16", "int4", "int4"),
        ('"fp16"', "int4", '"int4"'),  # keeps the user's quotes
        ("'fp16'", "int4", "'int4'"),
        ("fp16", "yes", '"yes"'),  # would load as a boolean: quoted
        ("fp16", "1.0", '"1.0"'),  # would load as a number: quoted
        ("16", 32, "32"),
    ],
)
def test_replaced_yaml_values_are_plain_unless_quoting_is_needed(written, candidate, expected):
    text = f"passes:\n  b:\n    x: {written}\n"
    diagnostic = diagnostic_on(text, written, {"title": "Replace with", "replace_value": [candidate]})
    assert fixed(text, diagnostic, "yaml") == f"passes:\n  b:\n    x: {expected}\n"


# --- delete ---------------------------------------------------------------------------------------------------

JSONC = """{
  // the model
  "input_model": {"type": "HfModel", "model_path": "m"}, /* inline */
  "passes": {
    "b": {"type": "ModelBuilder", "precision": "int4",},
  },
}
"""


def _syntax_fixes(text: str, code: str) -> list[types.Diagnostic]:
    return [to_lsp(f) for f in check(text) if f.code == code]


def test_comment_on_its_own_line_is_removed_with_the_line():
    first = _syntax_fixes(JSONC, "OLV002")[0]
    assert fixed(JSONC, first).startswith('{\n  "input_model"')


def test_comment_after_a_value_is_removed_with_the_spaces_before_it():
    second = _syntax_fixes(JSONC, "OLV002")[1]
    assert '"model_path": "m"},\n  "passes"' in fixed(JSONC, second)


def test_trailing_commas_are_removed():
    text = JSONC
    for _ in range(3):
        diagnostic = _syntax_fixes(text, "OLV003")[0]
        text = fixed(text, diagnostic)
    assert _syntax_fixes(text, "OLV003") == []
    assert text.endswith('"b": {"type": "ModelBuilder", "precision": "int4"}\n  }\n}\n')


# --- delete_property ------------------------------------------------------------------------------------------

SCHEMA_JSON = """{
  "$schema": "https://microsoft.github.io/Olive/schema.json",
  "input_model": {"type": "HfModel", "model_path": "m"}
}
"""


def test_schema_key_is_deleted_with_its_line():
    diagnostic = rule_diagnostic(SCHEMA_JSON, "OLV208")
    actions = quick_fixes(actions_for(SCHEMA_JSON, [diagnostic]))
    assert actions[0].title == 'Remove "$schema"' and actions[0].is_preferred
    assert apply(SCHEMA_JSON, actions[0].edit.changes[URI]) == '{\n  "input_model": {"type": "HfModel", "model_path": "m"}\n}\n'


def test_last_property_is_deleted_with_the_comma_before_it():
    text = '{\n  "input_model": {"type": "HfModel", "model_path": "m"},\n  "$schema": "x"\n}\n'
    diagnostic = rule_diagnostic(text, "OLV208")
    assert fixed(text, diagnostic) == '{\n  "input_model": {"type": "HfModel", "model_path": "m"}\n}\n'


def test_inline_property_is_deleted_with_its_comma():
    text = '{"$schema": "x", "input_model": {"type": "HfModel", "model_path": "m"}}'
    diagnostic = rule_diagnostic(text, "OLV208")
    assert fixed(text, diagnostic) == '{"input_model": {"type": "HfModel", "model_path": "m"}}'


def test_schema_key_is_deleted_in_yaml():
    text = "$schema: https://microsoft.github.io/Olive/schema.json\ninput_model:\n  type: HfModel\n  model_path: m\n"
    diagnostic = rule_diagnostic(text, "OLV208", "yaml")
    assert fixed(text, diagnostic, "yaml") == "input_model:\n  type: HfModel\n  model_path: m\n"


def test_first_key_of_a_yaml_list_item_is_deleted_behind_the_dash():
    text = "passes:\n  p:\n    - disable_search: true\n      type: ModelBuilder\n      precision: int4\n"
    diagnostic = diagnostic_on(text, "disable_search", {"title": "Remove", "delete_property": True})
    assert fixed(text, diagnostic, "yaml") == "passes:\n  p:\n    - type: ModelBuilder\n      precision: int4\n"


# --- add_keys -------------------------------------------------------------------------------------------------

MISSING_JSON = """{
  "input_model": {"type": "HfModel", "model_path": "m"},
  "passes": {
    "b": {
      "type": "ModelBuilder",
      "config": {
        "int4_block_size": 32
      }
    }
  }
}
"""


def test_missing_precision_is_added_to_the_nested_config():
    diagnostic = rule_diagnostic(MISSING_JSON, "OLV303")
    assert fixed(MISSING_JSON, diagnostic) == MISSING_JSON.replace('"int4_block_size": 32\n', '"int4_block_size": 32,\n        "precision": "int4"\n')


def test_missing_precision_is_added_flat_in_yaml():
    text = "input_model:\n  type: HfModel\n  model_path: m\npasses:\n  b:\n    type: ModelBuilder\n    int4_block_size: 32\n"
    diagnostic = rule_diagnostic(text, "OLV303", "yaml")
    result = fixed(text, diagnostic, "yaml")
    assert result == text + "    precision: int4\n"
    assert [f.code for f in check(result, language="yaml")] == []


def test_missing_precision_in_an_inline_pass_stays_inline():
    text = '{\n  "input_model": {"type": "HfModel", "model_path": "m"},\n  "passes": {"b": {"type": "ModelBuilder"}}\n}\n'
    diagnostic = rule_diagnostic(text, "OLV303")
    assert fixed(text, diagnostic) == text.replace('{"type": "ModelBuilder"}', '{"type": "ModelBuilder", "precision": "int4"}')


def test_missing_keys_go_into_an_empty_object_in_the_document_style():
    text = '{\n    "passes": {\n        "b": {\n            "type": "ModelBuilder",\n            "config": {}\n        }\n    }\n}\n'
    data = {"title": "Add 'precision'", "add_keys": ["precision"], "object_path": ["passes", "b", "config"]}
    diagnostic = diagnostic_on(text, '"config"', data)
    assert fixed(text, diagnostic) == text.replace('"config": {}', '"config": {\n                "precision": "int4"\n            }')


def test_missing_yaml_config_value_gets_an_object():
    text = "passes:\n  b:\n    type: ModelBuilder\n    config:\n"
    data = {"title": "Add 'precision'", "add_keys": ["precision"], "object_path": ["passes", "b", "config"]}
    diagnostic = diagnostic_on(text, "config", data)
    assert fixed(text, diagnostic, "yaml") == "passes:\n  b:\n    type: ModelBuilder\n    config:\n      precision: int4\n"


def test_missing_accelerator_execution_provider_follows_the_device():
    text = '{"systems": {"s": {"type": "LocalSystem", "accelerators": [{"device": "npu"}]}}}'
    data = {"title": "Add 'execution_providers'", "add_keys": ["execution_providers"], "object_path": ["systems", "s", "accelerators", 0]}
    diagnostic = diagnostic_on(text, '"device"', data)
    assert fixed(text, diagnostic) == text.replace('{"device": "npu"}', '{"device": "npu", "execution_providers": ["QNNExecutionProvider"]}')


def test_missing_sampler_is_added_to_the_search_strategy():
    text = '{"input_model": {"type": "HfModel", "model_path": "m"}, "search_strategy": {"execution_order": "joint"}, "evaluators": {}}'
    data = {"title": 'Add "sampler": "tpe"', "add_keys": ["sampler"], "object_path": ["search_strategy"]}
    diagnostic = diagnostic_on(text, '"search_strategy"', data)
    assert fixed(text, diagnostic) == text.replace('{"execution_order": "joint"}', '{"execution_order": "joint", "sampler": "tpe"}')


# --- set_value ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model, expected",
    [
        ('{"type": "HfModel", "model_path": "m"}', '{"type": "HfModel", "model_path": "m", "load_kwargs": {"trust_remote_code": true}}'),
        ('{"type": "HfModel", "model_path": "m", "load_kwargs": {}}', '{"type": "HfModel", "model_path": "m", "load_kwargs": {"trust_remote_code": true}}'),
        (
            '{"type": "HfModel", "model_path": "m", "load_kwargs": {"trust_remote_code": false}}',
            '{"type": "HfModel", "model_path": "m", "load_kwargs": {"trust_remote_code": true}}',
        ),
    ],
)
def test_set_value_creates_what_is_missing(model, expected):
    text = '{"input_model": ' + model + "}"
    data = {"title": "Set load_kwargs.trust_remote_code to true", "set_value": {"path": ["input_model", "load_kwargs", "trust_remote_code"], "value": True}}
    diagnostic = diagnostic_on(text, '"m"', data)
    assert fixed(text, diagnostic) == '{"input_model": ' + expected + "}"


# --- add_data_config ------------------------------------------------------------------------------------------

LATENCY_JSON = """{
  "input_model": {"type": "HfModel", "model_path": "m"},
  "systems": {"s": {"type": "LocalSystem", "accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}]}},
  "evaluators": {
    "e": {
      "metrics": [{"name": "l", "type": "latency", "sub_types": [{"name": "avg"}]}]
    }
  },
  "passes": {"b": {"type": "ModelBuilder", "precision": "int4"}},
  "host": "s",
  "target": "s",
  "evaluator": "e"
}
"""


def test_latency_metric_gets_a_dummy_data_config():
    diagnostic = rule_diagnostic(LATENCY_JSON, "OLV509")
    result = fixed(LATENCY_JSON, diagnostic)
    expected = LATENCY_JSON.replace(
        '"accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}]}},\n',
        '"accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}]}},\n'
        '  "data_configs": [\n    {\n      "name": "dummy",\n      "type": "TransformersTokenDummyDataContainer"\n    }\n  ],\n',
    ).replace('"sub_types": [{"name": "avg"}]}', '"sub_types": [{"name": "avg"}], "data_config": "dummy"}')
    assert result == expected
    assert check(result) == []


def test_data_config_is_appended_to_an_existing_yaml_list():
    text = (
        "input_model:\n  type: HfModel\n  model_path: m\ndata_configs:\n  - name: calib\n    type: HuggingfaceContainer\n"
        "evaluators:\n  e:\n    metrics:\n      - name: l\n        type: latency\n"
    )
    data = {"title": "Add", "add_data_config": {"name": "dummy", "type": "TransformersTokenDummyDataContainer"}, "metric_path": ["evaluators", "e", "metrics", 0]}
    diagnostic = diagnostic_on(text, "latency", data)
    assert fixed(text, diagnostic, "yaml") == (
        "input_model:\n  type: HfModel\n  model_path: m\ndata_configs:\n  - name: calib\n    type: HuggingfaceContainer\n"
        "  - name: dummy\n    type: TransformersTokenDummyDataContainer\n"
        "evaluators:\n  e:\n    metrics:\n      - name: l\n        type: latency\n        data_config: dummy\n"
    )


def test_data_config_name_already_taken_gets_a_new_name():
    text = '{"data_configs": [{"name": "dummy", "type": "HuggingfaceContainer"}], "passes": {"q": {"type": "OnnxStaticQuantization"}}}'
    data = {"title": "Add", "add_data_config": {"name": "dummy", "type": "TransformersTokenDummyDataContainer"}}
    diagnostic = diagnostic_on(text, '"q"', data)
    assert fixed(text, diagnostic) == (
        '{"data_configs": [{"name": "dummy", "type": "HuggingfaceContainer"}, {"name": "dummy_2", "type": "TransformersTokenDummyDataContainer"}], '
        '"passes": {"q": {"type": "OnnxStaticQuantization", "data_config": "dummy_2"}}}'
    )


# --- which diagnostics get fixes ------------------------------------------------------------------------------


def test_only_olive_ls_diagnostics_in_the_range_get_fixes():
    diagnostic = rule_diagnostic(SCHEMA_JSON, "OLV208")
    foreign = types.Diagnostic(range=diagnostic.range, message="x", source="json", data=diagnostic.data)
    assert quick_fixes(actions_for(SCHEMA_JSON, [foreign])) == []
    elsewhere = types.Range(types.Position(2, 0), types.Position(2, 1))
    assert quick_fixes(actions_for(SCHEMA_JSON, [diagnostic], range_=elsewhere)) == []


def test_stale_diagnostic_gets_no_fix():
    diagnostic = rule_diagnostic(SCHEMA_JSON, "OLV208")
    edited = SCHEMA_JSON.replace('"$schema"', '"$s"')
    assert quick_fixes(actions_for(edited, [diagnostic])) == []


# --- the migration as an action -------------------------------------------------------------------------------

LEGACY = {
    "input_model": {"type": "PyTorchModel", "config": {"hf_config": {"model_name": "Qwen/Qwen2.5-0.5B-Instruct", "task": "text-generation"}}},
    "passes": {"b": {"type": "ModelBuilder", "precision": "int4"}},
}


def test_migrate_diagnostic_gets_the_migration_as_a_quick_fix():
    text = json.dumps(LEGACY, indent=2)
    diagnostic = rule_diagnostic(text, "OLV201")
    assert diagnostic.data["migrate"] is True
    actions = actions_for(text, [diagnostic])
    quick = quick_fixes(actions)
    assert [a.title for a in quick] == ["Migrate config to Olive 0.13.0"]
    assert quick[0].diagnostics == [diagnostic]
    source = [a for a in actions if a.kind == FIX_ALL_KIND]
    assert len(source) == 1 and source[0].edit == quick[0].edit
    migrated = json.loads(apply(text, quick[0].edit.changes[URI]))
    assert migrated["input_model"] == {"type": "HfModel", "config": {"model_path": "Qwen/Qwen2.5-0.5B-Instruct", "task": "text-generation"}}
    assert any("HfModel" in note for note in quick[0].data["notes"])


def test_migration_is_offered_as_a_source_action_without_a_diagnostic():
    text = json.dumps(LEGACY, indent=2)
    actions = actions_for(text, [])
    assert [(a.title, a.kind) for a in actions] == [("Migrate config to Olive 0.13.0", FIX_ALL_KIND)]


def test_current_config_gets_no_migration():
    text = json.dumps({"input_model": {"type": "HfModel", "model_path": "m"}, "passes": {"b": {"type": "ModelBuilder", "precision": "int4"}}}, indent=2)
    assert actions_for(text, []) == []
