"""Completion at marked cursors, JSON and YAML, against the real catalog.

Each test pins what is offered (labels from the catalog or the document), what accepting an item writes
(the text edit's range, the expanded snippet, the resulting document parsed back) and nothing else.
"""

from __future__ import annotations

import json

import pytest
import yaml
from lsprotocol import types

from marked import (
    CATALOG,
    MARK,
    SnippetError,
    apply_item,
    complete_at,
    expand_snippet,
    item_named,
    labels,
    marked_doc,
    span,
    tab_stops,
    utf16_column,
)

DATA = CATALOG.data
MB_PARAMS = set(DATA["passes"]["ModelBuilder"]["parameters"])
PASS_DECLARED = set(DATA["pass_config_keys"])
MB_PRECISIONS = ["int4", "int8", "fp16", "fp32"]

SYSTEMS_JSON = '"systems": {"local": {"type": "LocalSystem"}, "gpu_box": {"type": "LocalSystem"}}'
EVALUATORS_JSON = '"evaluators": {"common": {"metrics": []}, "accuracy": {"metrics": []}}'
DATA_CONFIGS_JSON = '"data_configs": [{"name": "wiki_train", "type": "HuggingfaceContainer"}, {"name": "calib", "type": "HuggingfaceContainer"}]'

YAML_REFERENCES = """\
systems:
  local:
    type: LocalSystem
  gpu_box:
    type: LocalSystem
evaluators:
  common:
    metrics: []
data_configs:
  - name: wiki_train
    type: HuggingfaceContainer
  - name: calib
    type: HuggingfaceContainer
"""


def accepted_json(marked: str, label: str, language: str = "json"):
    """The document parsed back after accepting the item `label`."""
    result = complete_at(marked, language)
    text = apply_item(marked, item_named(result, label), language)
    return json.loads(text) if language == "json" else yaml.safe_load(text)


# --- keys ------------------------------------------------------------------------------------------------------


def test_pass_keys_are_the_pass_parameters_and_its_declared_keys_less_those_present():
    result = complete_at('{"passes": {"mb": {"type": "ModelBuilder", "int4_block_size": 32, ‸}}}')
    assert set(labels(result)) == (MB_PARAMS | PASS_DECLARED) - {"type", "int4_block_size"}
    assert "precision" in labels(result)


def test_pass_keys_given_nested_under_config_are_not_offered_flat():
    result = complete_at('{"passes": {"mb": {"type": "ModelBuilder", "config": {"precision": "int4"}, ‸}}}')
    assert "precision" not in labels(result)
    assert "int4_block_size" in labels(result)
    assert "config" not in labels(result)


def test_keys_under_a_pass_config_are_the_parameters_less_the_flat_ones():
    result = complete_at('{"passes": {"mb": {"type": "ModelBuilder", "int4_block_size": 32, "config": {‸}}}}')
    assert set(labels(result)) == MB_PARAMS - {"int4_block_size"}


def test_pass_keys_without_a_type_are_only_the_declared_keys():
    result = complete_at('{"passes": {"mb": {‸}}}')
    assert set(labels(result)) == PASS_DECLARED


def test_unknown_pass_type_offers_only_the_declared_keys():
    result = complete_at('{"passes": {"mb": {"type": "NoSuchPass", ‸}}}')
    assert set(labels(result)) == PASS_DECLARED - {"type"}


def test_required_pass_parameter_sorts_before_optional_ones():
    result = complete_at('{"passes": {"mb": {"type": "ModelBuilder", ‸}}}')
    order = [item.label for item in sorted(result.items, key=lambda i: i.sort_text)]
    assert order.index("precision") < order.index("int4_block_size")


def test_key_item_inserts_the_key_with_a_choice_of_the_allowed_values():
    marked = '{"passes": {"mb": {"type": "ModelBuilder", ‸}}}'
    precision = item_named(complete_at(marked), "precision")
    assert precision.insert_text_format == types.InsertTextFormat.Snippet
    assert precision.text_edit.new_text == '"precision": "${1|int4,int8,fp16,fp32|}"'
    assert precision.detail.startswith("string · required · default \"fp32\"")
    assert accepted_json(marked, "precision") == {"passes": {"mb": {"type": "ModelBuilder", "precision": "int4"}}}


def test_key_item_while_typing_an_unquoted_word_replaces_the_word():
    marked = '{"passes": {"mb": {"type": "ModelBuilder", pre‸cis}}}'
    doc, _ = marked_doc(marked)
    precision = item_named(complete_at(marked), "precision")
    assert span(doc.text, precision.text_edit.range) == "precis"
    assert accepted_json(marked, "precision")["passes"]["mb"]["precision"] == "int4"


def test_key_item_before_an_existing_colon_replaces_only_the_quoted_name():
    marked = '{"passes": {"mb": {"type": "ModelBuilder", "pre‸": "int4"}}}'
    doc, _ = marked_doc(marked)
    precision = item_named(complete_at(marked), "precision")
    assert span(doc.text, precision.text_edit.range) == '"pre"'
    assert precision.text_edit.new_text == '"precision"'
    assert accepted_json(marked, "precision") == {"passes": {"mb": {"type": "ModelBuilder", "precision": "int4"}}}


def test_renaming_a_key_offers_its_own_name_again():
    # The key under the cursor is being edited, not "already present".
    result = complete_at('{"passes": {"mb": {"type": "ModelBuilder", "precis‸ion": "int4"}}}')
    assert "precision" in labels(result)


def test_key_after_an_entry_without_a_comma_adds_the_comma():
    marked = '{"passes": {"mb": {"type": "ModelBuilder"\n  ‸\n}}}'
    precision = item_named(complete_at(marked), "precision")
    assert precision.additional_text_edits and precision.additional_text_edits[0].new_text == ","
    assert accepted_json(marked, "precision") == {"passes": {"mb": {"type": "ModelBuilder", "precision": "int4"}}}


def test_key_before_another_entry_ends_with_a_comma():
    marked = '{"passes": {"mb": {‸ "type": "ModelBuilder"}}}'
    assert accepted_json(marked, "precision") == {"passes": {"mb": {"type": "ModelBuilder", "precision": "int4"}}}


def test_root_keys_in_an_empty_object():
    result = complete_at("{‸}")
    engine = set(DATA["engine_keys"])
    assert set(labels(result)) == {"Olive workflow"} | set(DATA["run_config_keys"]) | engine
    assert labels(result)[0] == "Olive workflow"


def test_root_keys_leave_out_engine_keys_already_under_engine():
    result = complete_at('{"engine": {"output_dir": "out"}, ‸}')
    assert "output_dir" not in labels(result)
    assert "engine" not in labels(result)
    assert "Olive workflow" not in labels(result)
    assert "cache_dir" in labels(result)


def test_workflow_skeleton_in_an_empty_object_is_a_valid_olive_config():
    config = accepted_json("{‸}", "Olive workflow")
    assert config["input_model"]["type"] == "HfModel"
    assert config["passes"]["builder"] == {"type": "ModelBuilder", "precision": "int4"}
    assert config["host"] == config["target"] == "local_system"
    assert config["systems"]["local_system"]["accelerators"] == [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}]


@pytest.mark.parametrize("language", ["json", "yaml"])
def test_empty_document_offers_the_workflow_skeleton_first(language):
    result = complete_at("‸", language)
    # JSON needs the braces first; an empty YAML document is already a mapping that takes root keys.
    if language == "json":
        assert labels(result) == ["Olive workflow"]
    else:
        assert labels(result)[0] == "Olive workflow" and "passes" in labels(result)
    config = accepted_json("‸", "Olive workflow", language)
    assert config["passes"]["builder"] == {"type": "ModelBuilder", "precision": "int4"}
    assert config["systems"]["local_system"]["accelerators"][0]["device"] == "cpu"


def test_names_under_passes_are_new_passes_with_their_required_parameters():
    marked = '{"passes": {"model_builder": {"type": "ModelBuilder", "precision": "int4"}, ‸}}'
    result = complete_at(marked)
    assert len(result.items) == len(CATALOG.pass_names) == 81
    # The snake-case name is taken: the new entry gets a suffix.
    config = accepted_json(marked, "model_builder_2")
    assert config["passes"]["model_builder_2"] == {"type": "ModelBuilder", "precision": "int4"}


def test_names_under_systems_offer_each_system_type():
    result = complete_at('{"systems": {‸}}')
    assert set(labels(result)) == {"local_system", "docker_system", "python_system"} & set(labels(result))
    assert len(result.items) == len(DATA["system_types"])
    config = accepted_json('{"systems": {‸}}', "local_system")
    assert config["systems"]["local_system"]["type"] == "LocalSystem"
    assert config["systems"]["local_system"]["accelerators"][0]["device"] == "cpu"


def test_accelerator_keys():
    result = complete_at('{"systems": {"s": {"type": "LocalSystem", "accelerators": [{"device": "cpu", ‸}]}}}')
    assert set(labels(result)) == set(DATA["accelerator_keys"]) - {"device"}


def test_metric_keys_leave_out_present_ones():
    result = complete_at('{"evaluators": {"e": {"metrics": [{"name": "lat", ‸}]}}}')
    assert set(labels(result)) == set(DATA["metric_keys"]) - {"name"}


def test_data_component_parameters_may_be_flat():
    result = complete_at('{"data_configs": [{"name": "d", "load_dataset_config": {"data_name": "wikitext", ‸}}]}')
    assert {"type", "params", "subset", "split"} <= set(labels(result))
    assert "data_name" not in labels(result)


# --- values ----------------------------------------------------------------------------------------------------


def test_modelbuilder_precision_values_are_the_catalogs_supported_ones():
    result = complete_at('{"passes": {"mb": {"type": "ModelBuilder", "precision": "‸"}}}')
    info = DATA["passes"]["ModelBuilder"]
    from_catalog = [v for v in info["parameters"]["precision"]["enum"] if v in info["supported_precisions"]]
    assert labels(result) == from_catalog == MB_PRECISIONS


def test_precision_value_replaces_the_whole_quoted_string():
    marked = '{"passes": {"mb": {"type": "ModelBuilder", "precision": "in‸t8"}}}'
    doc, _ = marked_doc(marked)
    int4 = item_named(complete_at(marked), "int4")
    assert span(doc.text, int4.text_edit.range) == '"int8"'
    assert int4.text_edit.new_text == '"int4"'
    assert int4.insert_text_format == types.InsertTextFormat.PlainText
    assert int4.filter_text == '"int4"'


def test_pass_type_value_offers_every_pass_type():
    result = complete_at('{"passes": {"mb": {"type": "‸"}}}')
    assert labels(result) == list(CATALOG.pass_names)
    assert len(result.items) == 81
    item = item_named(result, "ModelBuilder")
    assert item.kind == types.CompletionItemKind.Class
    assert item.detail == DATA["passes"]["ModelBuilder"]["summary"]


def test_pass_type_value_adds_the_required_parameters_that_are_missing():
    marked = '{"passes": {"mb": {"type": "‸"}}}'
    assert accepted_json(marked, "ModelBuilder") == {"passes": {"mb": {"type": "ModelBuilder", "precision": "int4"}}}
    present = '{"passes": {"mb": {"type": "‸", "precision": "fp16"}}}'
    item = item_named(complete_at(present), "ModelBuilder")
    assert item.text_edit.new_text == '"ModelBuilder"'
    assert accepted_json(present, "ModelBuilder") == {"passes": {"mb": {"type": "ModelBuilder", "precision": "fp16"}}}


def test_pass_type_value_without_snippets_adds_nothing():
    result = complete_at('{"passes": {"mb": {"type": "‸"}}}', snippets=False)
    item = item_named(result, "ModelBuilder")
    assert item.text_edit.new_text == '"ModelBuilder"'
    assert all(i.insert_text_format == types.InsertTextFormat.PlainText for i in result.items)


def test_pass_type_in_a_pass_list_item():
    result = complete_at('{"passes": {"mb": [{"type": "OnnxConversion"}, {"type": "‸"}]}}')
    assert len(result.items) == 81


EP_CPU = '{"systems": {"s": {"type": "LocalSystem", "accelerators": [{"device": "%s", "execution_providers": [‸]}]}}}'


def test_execution_providers_under_cpu_are_the_catalogs_cpu_providers():
    result = complete_at(EP_CPU % "cpu")
    assert labels(result) == DATA["device_providers"]["cpu"]
    assert "CUDAExecutionProvider" not in labels(result)


def test_execution_providers_under_gpu_include_cuda():
    result = complete_at(EP_CPU % "gpu")
    assert labels(result) == DATA["device_providers"]["gpu"]
    assert "CUDAExecutionProvider" in labels(result)


def test_execution_providers_without_device_are_all_providers():
    result = complete_at('{"systems": {"s": {"accelerators": [{"execution_providers": [‸]}]}}}')
    assert labels(result) == DATA["execution_providers"]


def test_execution_providers_leave_out_those_listed():
    result = complete_at('{"systems": {"s": {"accelerators": [{"device": "gpu", "execution_providers": ["CUDAExecutionProvider", ‸]}]}}}')
    assert "CUDAExecutionProvider" not in labels(result)
    assert "TensorrtExecutionProvider" in labels(result)


def test_execution_provider_item_detail_names_its_package():
    item = item_named(complete_at(EP_CPU % "gpu"), "CUDAExecutionProvider")
    assert item.detail == "execution provider · onnxruntime-gpu"


def test_execution_providers_key_value_is_a_list():
    marked = '{"systems": {"s": {"accelerators": [{"device": "cpu", "execution_providers": ‸}]}}}'
    result = complete_at(marked)
    assert labels(result) == DATA["device_providers"]["cpu"]
    config = accepted_json(marked, "CPUExecutionProvider")
    assert config["systems"]["s"]["accelerators"][0]["execution_providers"] == ["CPUExecutionProvider"]


@pytest.mark.parametrize("key", ["host", "target"])
def test_host_and_target_offer_the_defined_systems(key):
    marked = "{%s, \"%s\": \"‸\"}" % (SYSTEMS_JSON, key)
    result = complete_at(marked)
    assert labels(result) == ["local", "gpu_box"]
    assert all(i.kind == types.CompletionItemKind.Reference for i in result.items)
    assert accepted_json(marked, "gpu_box")[key] == "gpu_box"


def test_host_under_engine_and_under_a_pass_offer_the_defined_systems():
    assert labels(complete_at("{%s, \"engine\": {\"target\": ‸}}" % SYSTEMS_JSON)) == ["local", "gpu_box"]
    assert labels(complete_at("{%s, \"passes\": {\"p\": {\"type\": \"OnnxConversion\", \"host\": \"‸\"}}}" % SYSTEMS_JSON)) == ["local", "gpu_box"]


def test_host_without_systems_offers_nothing_but_a_new_system():
    result = complete_at('{"host": ‸}')
    assert all(i.kind == types.CompletionItemKind.Snippet for i in result.items)


def test_evaluator_offers_the_defined_evaluators():
    assert labels(complete_at("{%s, \"evaluator\": \"‸\"}" % EVALUATORS_JSON)) == ["common", "accuracy"]
    assert labels(complete_at("{%s, \"passes\": {\"p\": {\"type\": \"OnnxConversion\", \"evaluator\": \"‸\"}}}" % EVALUATORS_JSON)) == ["common", "accuracy"]


@pytest.mark.parametrize(
    "owner",
    [
        '"passes": {"q": {"type": "OnnxStaticQuantization", "data_config": "‸"}}',
        '"passes": {"q": {"type": "OnnxStaticQuantization", "config": {"data_config": "‸"}}}',
        '"passes": {"t": {"type": "LoRA", "train_data_config": "‸"}}',
        '"evaluators": {"e": {"metrics": [{"name": "acc", "type": "accuracy", "data_config": "‸"}]}}',
    ],
)
def test_data_config_parameters_offer_the_defined_data_configs(owner):
    result = complete_at("{%s, %s}" % (DATA_CONFIGS_JSON, owner))
    assert labels(result) == ["wiki_train", "calib"]


def test_device_value_offers_the_catalogs_devices():
    result = complete_at('{"systems": {"s": {"accelerators": [{"device": "‸"}]}}}')
    assert labels(result) == DATA["devices"]


def test_boolean_value_offers_true_and_false_with_the_default_marked():
    result = complete_at('{"passes": {"mb": {"type": "ModelBuilder", "metadata_only": ‸}}}')
    assert labels(result) == ["true", "false"]
    assert item_named(result, "false").detail == "default"
    assert item_named(result, "true").detail == "boolean"


def test_value_of_an_object_key_offers_a_skeleton():
    marked = '{"input_model": ‸}'
    result = complete_at(marked)
    assert labels(result) == ["{…}"]
    assert accepted_json(marked, "{…}")["input_model"] == {"type": "HfModel", "model_path": ""}


def test_value_after_a_value_offers_nothing():
    assert complete_at('{"passes": {"mb": {"type": "ModelBuilder" ‸}}}').items == []


def test_nothing_in_a_comment():
    assert complete_at("passes:\n  mb:\n    type: ModelBuilder  # a ‸comment\n", "yaml").items == []


# --- text edits: ranges and UTF-16 columns ----------------------------------------------------------------------------


def test_value_edit_range_covers_the_quoted_string_being_typed():
    marked = '{"passes": {"mb": {"type": "Mo‸del"}}}'
    doc, _ = marked_doc(marked)
    item = item_named(complete_at(marked), "ModelBuilder")
    assert span(doc.text, item.text_edit.range) == '"Model"'
    assert item.filter_text == '"ModelBuilder"'


def test_value_edit_range_of_an_unclosed_string_runs_to_the_cursor():
    marked = '{"passes": {"mb": {"type": "Mo‸'
    doc, _ = marked_doc(marked)
    item = item_named(complete_at(marked), "OnnxConversion")
    assert span(doc.text, item.text_edit.range) == '"Mo'
    assert item.text_edit.new_text == '"OnnxConversion"'


@pytest.mark.parametrize("before", ["é", "😀", "日本語😀é"])
def test_edit_range_columns_are_utf16_after_non_ascii(before):
    marked = '{"workflow_id": "%s", "passes": {"mb": {"type": "Mo‸del"}}}' % before
    item = item_named(complete_at(marked), "ModelBuilder")
    text = marked.replace(MARK, "")
    start = text.index('"Model"')
    assert item.text_edit.range.start == types.Position(line=0, character=utf16_column(text[:start]))
    assert item.text_edit.range.end == types.Position(line=0, character=utf16_column(text[: start + len('"Model"')]))
    assert json.loads(apply_item(marked, item))["passes"]["mb"]["type"] == "ModelBuilder"


@pytest.mark.parametrize("head", ["passes:\n  ", "passes: "])
def test_yaml_edit_range_columns_are_utf16_after_non_ascii(head):
    marked = head + "{\"é😀\": {type: Mo‸del}}\n"
    line = marked.replace(MARK, "").splitlines()[-1]
    item = item_named(complete_at(marked, "yaml"), "ModelBuilder")
    start = line.index("Model")
    row = marked.count("\n") - 1
    assert item.text_edit.range.start == types.Position(line=row, character=utf16_column(line[:start]))
    assert item.text_edit.range.end == types.Position(line=row, character=utf16_column(line[: start + 5]))
    assert yaml.safe_load(apply_item(marked, item, "yaml"))["passes"]["é😀"]["type"] == "ModelBuilder"


# --- YAML ------------------------------------------------------------------------------------------------------


YAML_PASS = "passes:\n  mb:\n    type: ModelBuilder\n    int4_block_size: 32\n    ‸\n"


def test_yaml_pass_keys_are_the_same_as_json():
    result = complete_at(YAML_PASS, "yaml")
    assert set(labels(result)) == (MB_PARAMS | PASS_DECLARED) - {"type", "int4_block_size"}


def test_yaml_key_item_writes_key_and_value_at_the_cursor():
    precision = item_named(complete_at(YAML_PASS, "yaml"), "precision")
    assert precision.text_edit.new_text == "precision: ${1|int4,int8,fp16,fp32|}"
    assert precision.text_edit.range.start == precision.text_edit.range.end == types.Position(line=4, character=4)
    assert accepted_json(YAML_PASS, "precision", "yaml") == {"passes": {"mb": {"type": "ModelBuilder", "int4_block_size": 32, "precision": "int4"}}}


def test_yaml_object_key_item_writes_an_indented_block():
    marked = "input_model:\n  type: HfModel\nsystems:\n  s:\n    type: LocalSystem\n    ‸\n"
    config = accepted_json(marked, "accelerators", "yaml")
    assert config["systems"]["s"]["accelerators"] == [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}]


def test_yaml_precision_value():
    marked = "passes:\n  mb:\n    type: ModelBuilder\n    precision: ‸\n"
    result = complete_at(marked, "yaml")
    assert labels(result) == MB_PRECISIONS
    assert item_named(result, "fp16").text_edit.new_text == "fp16"
    assert accepted_json(marked, "fp16", "yaml")["passes"]["mb"]["precision"] == "fp16"


def test_yaml_precision_value_right_after_the_colon_gets_a_space():
    marked = "passes:\n  mb:\n    type: ModelBuilder\n    precision:‸\n"
    assert accepted_json(marked, "fp16", "yaml")["passes"]["mb"]["precision"] == "fp16"


def test_yaml_pass_type_value_adds_the_required_parameters():
    marked = "passes:\n  mb:\n    type: ‸\n"
    assert labels(complete_at(marked, "yaml")) == list(CATALOG.pass_names)
    assert accepted_json(marked, "ModelBuilder", "yaml") == {"passes": {"mb": {"type": "ModelBuilder", "precision": "int4"}}}


def test_yaml_quoted_value_keeps_its_quotes():
    marked = 'passes:\n  mb:\n    type: "Mo‸del"\n'
    doc, _ = marked_doc(marked, "yaml")
    item = item_named(complete_at(marked, "yaml"), "ModelBuilder")
    assert span(doc.text, item.text_edit.range) == '"Model"'
    assert item.text_edit.new_text.startswith('"ModelBuilder"')


YAML_EPS = "systems:\n  s:\n    type: LocalSystem\n    accelerators:\n      - device: %s\n        execution_providers:\n          %s\n"


def test_yaml_list_item_offers_the_device_providers():
    marked = YAML_EPS % ("cpu", "- ‸")
    result = complete_at(marked, "yaml")
    assert labels(result) == DATA["device_providers"]["cpu"]
    assert accepted_json(marked, "OpenVINOExecutionProvider", "yaml")["systems"]["s"]["accelerators"][0]["execution_providers"] == ["OpenVINOExecutionProvider"]


def test_yaml_new_line_under_a_list_key_adds_the_dash():
    marked = YAML_EPS % ("gpu", "‸")
    result = complete_at(marked, "yaml")
    assert labels(result) == DATA["device_providers"]["gpu"]
    assert item_named(result, "CUDAExecutionProvider").text_edit.new_text == "- CUDAExecutionProvider"
    assert accepted_json(marked, "CUDAExecutionProvider", "yaml")["systems"]["s"]["accelerators"][0]["execution_providers"] == ["CUDAExecutionProvider"]


def test_yaml_flow_list_of_providers():
    marked = "systems:\n  s:\n    accelerators:\n      - device: cpu\n        execution_providers: [‸]\n"
    assert labels(complete_at(marked, "yaml")) == DATA["device_providers"]["cpu"]
    assert accepted_json(marked, "CPUExecutionProvider", "yaml")["systems"]["s"]["accelerators"][0]["execution_providers"] == ["CPUExecutionProvider"]


def test_yaml_flow_mapping_item_offers_its_keys_and_values():
    # `- {device: cpu, ...}`: a flow collection right after the item marker.
    keys = complete_at("systems:\n  s:\n    accelerators:\n      - {device: cpu, ‸}\n", "yaml")
    assert set(labels(keys)) == set(DATA["accelerator_keys"]) - {"device"}
    marked = "systems:\n  s:\n    accelerators:\n      - {device: gpu, execution_providers: [‸]}\n"
    assert labels(complete_at(marked, "yaml")) == DATA["device_providers"]["gpu"]
    config = accepted_json(marked, "CUDAExecutionProvider", "yaml")
    assert config["systems"]["s"]["accelerators"] == [{"device": "gpu", "execution_providers": ["CUDAExecutionProvider"]}]


def test_yaml_flow_mapping_on_its_own_line_under_a_key():
    marked = "passes:\n  {mb: {type: ModelBuilder, precision: ‸}}\n"
    assert labels(complete_at(marked, "yaml")) == MB_PRECISIONS
    assert accepted_json(marked, "fp16", "yaml") == {"passes": {"mb": {"type": "ModelBuilder", "precision": "fp16"}}}


def test_yaml_new_accelerator_item_offers_a_skeleton_and_the_keys():
    marked = "systems:\n  s:\n    type: LocalSystem\n    accelerators:\n      - ‸\n"
    result = complete_at(marked, "yaml")
    assert labels(result)[0] == "{device, execution_providers}"
    assert set(labels(result)[1:]) == set(DATA["accelerator_keys"])
    config = accepted_json(marked, "{device, execution_providers}", "yaml")
    assert config["systems"]["s"]["accelerators"] == [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}]


@pytest.mark.parametrize("key", ["host", "target"])
def test_yaml_host_and_target_offer_the_defined_systems(key):
    marked = YAML_REFERENCES + f"{key}: ‸\n"
    assert labels(complete_at(marked, "yaml")) == ["local", "gpu_box"]
    assert accepted_json(marked, "gpu_box", "yaml")[key] == "gpu_box"


def test_yaml_evaluator_and_data_config_references():
    assert labels(complete_at(YAML_REFERENCES + "evaluator: ‸\n", "yaml")) == ["common"]
    marked = YAML_REFERENCES + "passes:\n  q:\n    type: OnnxStaticQuantization\n    data_config: ‸\n"
    assert labels(complete_at(marked, "yaml")) == ["wiki_train", "calib"]
    assert accepted_json(marked, "calib", "yaml")["passes"]["q"]["data_config"] == "calib"


def test_yaml_root_keys_on_an_empty_line():
    result = complete_at("input_model:\n  type: HfModel\n‸\n", "yaml")
    assert "passes" in labels(result) and "output_dir" in labels(result)
    assert "input_model" not in labels(result)


def test_yaml_names_under_passes():
    marked = "passes:\n  ‸\n"
    config = accepted_json(marked, "model_builder", "yaml")
    assert config == {"passes": {"model_builder": {"type": "ModelBuilder", "precision": "int4"}}}


# --- snippets ---------------------------------------------------------------------------------------------------------


SNIPPET_PLACES = [
    ("{‸}", "json"),
    ("‸", "json"),
    ("‸", "yaml"),
    ('{"passes": {"mb": {"type": "ModelBuilder", ‸}}}', "json"),
    ('{"passes": {‸}}', "json"),
    ('{"systems": {‸}}', "json"),
    ('{"evaluators": {‸}}', "json"),
    ('{"engine": {‸}}', "json"),
    ('{"input_model": {‸}}', "json"),
    ('{"data_configs": [{‸}]}', "json"),
    ('{"passes": {"mb": {"type": "‸"}}}', "json"),
    ("passes:\n  ‸\n", "yaml"),
    ("‸\n", "yaml"),
    ("engine:\n  ‸\n", "yaml"),
    ("systems:\n  ‸\n", "yaml"),
    ("evaluators:\n  e:\n    metrics:\n      - ‸\n", "yaml"),
    ("passes:\n  mb:\n    type: ‸\n", "yaml"),
]


@pytest.mark.parametrize("marked,language", SNIPPET_PLACES)
def test_snippets_are_valid_lsp_snippets(marked, language):
    result = complete_at(marked, language)
    assert result.items
    for item in result.items:
        new_text = item.text_edit.new_text
        if item.insert_text_format == types.InsertTextFormat.Snippet:
            expand_snippet(new_text)
            stops = tab_stops(new_text)
            assert stops, (item.label, new_text)  # a snippet without a tab stop goes as plain text
            assert sorted(set(stops)) == list(range(1, max(stops) + 1)), (item.label, new_text)
        else:
            assert "$1" not in new_text and "${1" not in new_text, (item.label, new_text)


@pytest.mark.parametrize("marked,language", SNIPPET_PLACES)
def test_without_snippet_support_everything_is_plain_text(marked, language):
    for item in complete_at(marked, language, snippets=False).items:
        assert item.insert_text_format == types.InsertTextFormat.PlainText
        assert "$1" not in item.text_edit.new_text, item.text_edit.new_text


def test_every_json_key_item_of_a_pass_gives_valid_json():
    marked = '{"passes": {"mb": {"type": "ModelBuilder", ‸}}}'
    for item in complete_at(marked).items:
        config = json.loads(apply_item(marked, item))
        assert item.label in config["passes"]["mb"]


def test_every_yaml_key_item_of_the_engine_gives_valid_yaml():
    marked = "input_model:\n  type: HfModel\nengine:\n  ‸\n"
    for item in complete_at(marked, "yaml").items:
        config = yaml.safe_load(apply_item(marked, item, "yaml"))
        assert item.label in config["engine"], item.text_edit.new_text


def test_snippet_reader_rejects_what_clients_reject():
    for bad in ["$schema", "${1|a,b}", "${1:x", "\\x", "${x}"]:
        with pytest.raises(SnippetError):
            expand_snippet(bad)
    assert expand_snippet('"${1|a\\,b,c|}": ${2:1} \\$x') == '"a,b": 1 $x'


def test_plain_text_documentation_when_the_client_has_no_markdown():
    result = complete_at('{"passes": {"mb": {"type": "‸"}}}', markdown=False)
    doc = item_named(result, "ModelBuilder").documentation
    assert doc.kind == types.MarkupKind.PlainText
    assert "**" not in doc.value and "ModelBuilder" in doc.value


@pytest.mark.parametrize(
    "pass_type, entry_name",
    [("ModelBuilder", "model_builder"), ("LoRA", "lora"), ("QLoRA", "qlora"), ("OpenVINOConversion", "openvino_conversion"), ("InputNCHWtoNHWC", "input_nchw_to_nhwc")],
)
def test_new_pass_entries_get_readable_names(pass_type, entry_name):
    from olive_ls.features.completion.items import _snake

    assert _snake(pass_type) == entry_name
