"""Code actions over LSP: quick fixes from the diagnostics the server sent, and the migration to Olive 0.13.0.

Each test takes the diagnostics as the editor got them, asks for code actions the way the editor does (the
diagnostic's range, the diagnostics in context), applies the returned WorkspaceEdit and checks the result.
"""

from __future__ import annotations

import asyncio
import json

from lsprotocol import types

from lsp_helpers import TIMEOUT, diagnostics, open_text
from olive_ls.document.edits import dump_yaml
from olive_ls.document.parse import parse_document

MIGRATE = "Migrate config to Olive 0.13.0"
FIX_ALL = "source.fixAll.olive"

TUTORIAL = {
    "input_model": {"type": "PyTorchModel", "config": {"hf_config": {"model_name": "Qwen/Qwen2.5-0.5B-Instruct", "task": "text-generation"}}},
    "systems": {"local_system": {"type": "LocalSystem", "config": {"accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}]}}},
    "evaluators": {"common_evaluator": {"metrics": [{"name": "latency", "type": "latency", "sub_types": [{"name": "avg"}]}]}},
    "passes": {
        "conversion": {"type": "ModelBuilder", "config": {"precision": "int4"}},
        "optimization": {"type": "OrtTransformersOptimization", "config": {"model_type": "gpt2"}},
    },
    "engine": {
        "search_strategy": {"execution_order": "joint", "search_algorithm": "tpe"},
        "evaluator": "common_evaluator",
        "host": "local_system",
        "target": "local_system",
        "cache_dir": "cache",
        "output_dir": "models/optimized",
    },
}


async def code_actions(client, uri: str, where: types.Range, found: list[types.Diagnostic], only=None) -> list[types.CodeAction]:
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=where,
        context=types.CodeActionContext(diagnostics=found, only=only),
    )
    return list(await asyncio.wait_for(client.text_document_code_action_async(params), TIMEOUT) or [])


def apply(text: str, action: types.CodeAction, uri: str, language: str = "json") -> str:
    assert action.edit is not None and list(action.edit.changes) == [uri]
    doc = parse_document(text, language)
    data = text.encode()
    edits = sorted(((doc.index.offset_at(e.range.start), doc.index.offset_at(e.range.end), e.new_text) for e in action.edit.changes[uri]), reverse=True)
    for start, end, new in edits:
        data = data[:start] + new.encode() + data[end:]
    return data.decode()


def errors(found: list[types.Diagnostic]) -> list[tuple]:
    return [(d.code, d.message) for d in found if d.severity == types.DiagnosticSeverity.Error]


def with_code(found: list[types.Diagnostic], code: str) -> types.Diagnostic:
    hits = [d for d in found if d.code == code]
    assert hits, [(d.code, d.message) for d in found]
    return hits[0]


async def fix(client, uri: str, text: str, diagnostic: types.Diagnostic, title: str, language: str = "json") -> str:
    actions = await code_actions(client, uri, diagnostic.range, [diagnostic])
    chosen = [a for a in actions if a.title == title and a.kind == types.CodeActionKind.QuickFix]
    assert chosen, [a.title for a in actions]
    assert chosen[0].diagnostics and chosen[0].diagnostics[0].code == diagnostic.code
    return apply(text, chosen[0], uri, language)


# --- the migration --------------------------------------------------------------------------------------------


async def _migrate_over_lsp(client, tmp_path, name: str, text: str, language: str):
    uri = open_text(client, tmp_path / name, text)
    found = await diagnostics(client, uri)
    assert errors(found), "the old tutorial config has errors"
    legacy = [d for d in found if isinstance(d.data, dict) and d.data.get("migrate")]
    assert legacy, [(d.code, d.data) for d in found]
    actions = await code_actions(client, uri, legacy[0].range, found)
    quick = [a for a in actions if a.title == MIGRATE and a.kind == types.CodeActionKind.QuickFix]
    assert len(quick) == 1 and quick[0].diagnostics
    source = [a for a in actions if a.kind == FIX_ALL]
    assert [a.title for a in source] == [MIGRATE]
    migrated = apply(text, quick[0], uri, language)
    assert apply(text, source[0], uri, language) == migrated
    return migrated


async def test_tutorial_config_is_migrated_to_one_without_errors(client, tmp_path):
    text = json.dumps(TUTORIAL, indent=2)
    migrated = await _migrate_over_lsp(client, tmp_path, "tutorial.json", text, "json")
    config = json.loads(migrated)
    assert config["input_model"] == {"type": "HfModel", "config": {"model_path": "Qwen/Qwen2.5-0.5B-Instruct", "task": "text-generation"}}
    assert config["passes"] == TUTORIAL["passes"]
    assert config["engine"]["search_strategy"] == {"execution_order": "joint", "sampler": "tpe"}
    assert (config["engine"]["cache_dir"], config["engine"]["output_dir"]) == ("cache", "models/optimized")
    uri = open_text(client, tmp_path / "migrated.json", migrated)
    assert errors(await diagnostics(client, uri)) == []
    # Migrated: nothing more to migrate.
    assert [a for a in await code_actions(client, uri, types.Range(types.Position(0, 0), types.Position(0, 0)), []) if a.title == MIGRATE] == []


async def test_yaml_tutorial_config_is_migrated_to_one_without_errors(client, tmp_path):
    text = "# the seed tutorial\n" + dump_yaml(TUTORIAL)
    migrated = await _migrate_over_lsp(client, tmp_path, "tutorial.yaml", text, "yaml")
    assert migrated.startswith("# the seed tutorial\ninput_model:\n  type: HfModel\n")
    uri = open_text(client, tmp_path / "migrated.yaml", migrated)
    assert errors(await diagnostics(client, uri)) == []


async def test_source_action_is_offered_when_only_source_actions_are_asked_for(client, tmp_path):
    text = json.dumps(TUTORIAL, indent=2)
    uri = open_text(client, tmp_path / "c.json", text)
    await diagnostics(client, uri)
    nowhere = types.Range(types.Position(0, 0), types.Position(0, 0))
    actions = await code_actions(client, uri, nowhere, [], only=[types.CodeActionKind.SourceFixAll])
    assert [(a.title, a.kind) for a in actions] == [(MIGRATE, FIX_ALL)]


# --- quick fixes ----------------------------------------------------------------------------------------------


async def test_misspelled_pass_parameter(client, tmp_path):
    text = '{\n  "input_model": {"type": "HfModel", "model_path": "m"},\n  "passes": {"b": {"type": "ModelBuilder", "precision": "int4", "int4_blocksize": 32}}\n}\n'
    uri = open_text(client, tmp_path / "c.json", text)
    diagnostic = with_code(await diagnostics(client, uri), "OLV302")
    result = await fix(client, uri, text, diagnostic, "Replace with 'int4_block_size'")
    assert result == text.replace("int4_blocksize", "int4_block_size")


async def test_misspelled_execution_provider(client, tmp_path):
    config = {
        "input_model": {"type": "HfModel", "model_path": "m"},
        "systems": {"s": {"type": "LocalSystem", "accelerators": [{"device": "gpu", "execution_providers": ["CUDAExecutionProvidr"]}]}},
        "passes": {"b": {"type": "ModelBuilder", "precision": "int4"}},
        "target": "s",
    }
    text = json.dumps(config, indent=2)
    uri = open_text(client, tmp_path / "c.json", text)
    diagnostic = with_code(await diagnostics(client, uri), "OLV406")
    result = await fix(client, uri, text, diagnostic, "Replace with 'CUDAExecutionProvider'")
    assert result == text.replace("CUDAExecutionProvidr", "CUDAExecutionProvider")


async def test_comment_and_trailing_comma(client, tmp_path):
    text = '{\n  // the model\n  "input_model": {"type": "HfModel", "model_path": "m"},\n  "passes": {"b": {"type": "ModelBuilder", "precision": "int4"},}\n}\n'
    uri = open_text(client, tmp_path / "c.json", text)
    found = await diagnostics(client, uri)
    without_comment = await fix(client, uri, text, with_code(found, "OLV002"), "Remove comment")
    assert without_comment == text.replace("  // the model\n", "")
    without_comma = await fix(client, uri, text, with_code(found, "OLV003"), "Remove trailing comma")
    assert without_comma == text.replace('"int4"},}', '"int4"}}')


async def test_schema_key(client, tmp_path):
    text = '{\n  "$schema": "https://microsoft.github.io/Olive/schema.json",\n  "input_model": {"type": "HfModel", "model_path": "m"}\n}\n'
    uri = open_text(client, tmp_path / "c.json", text)
    diagnostic = with_code(await diagnostics(client, uri), "OLV208")
    assert await fix(client, uri, text, diagnostic, 'Remove "$schema"') == '{\n  "input_model": {"type": "HfModel", "model_path": "m"}\n}\n'


async def test_missing_model_builder_precision_in_json(client, tmp_path):
    text = '{\n  "input_model": {"type": "HfModel", "model_path": "m"},\n  "passes": {\n    "b": {\n      "type": "ModelBuilder",\n      "config": {\n        "int4_block_size": 32\n      }\n    }\n  }\n}\n'
    uri = open_text(client, tmp_path / "c.json", text)
    diagnostic = with_code(await diagnostics(client, uri), "OLV303")
    result = await fix(client, uri, text, diagnostic, "Add 'precision'")
    assert result == text.replace('"int4_block_size": 32\n', '"int4_block_size": 32,\n        "precision": "int4"\n')


async def test_missing_model_builder_precision_in_yaml(client, tmp_path):
    text = "input_model:\n  type: HfModel\n  model_path: m\npasses:\n  b:\n    type: ModelBuilder\n    int4_block_size: 32\n"
    uri = open_text(client, tmp_path / "c.yaml", text)
    diagnostic = with_code(await diagnostics(client, uri), "OLV303")
    result = await fix(client, uri, text, diagnostic, "Add 'precision'", "yaml")
    assert result == text + "    precision: int4\n"
    fixed_uri = open_text(client, tmp_path / "fixed.yaml", result)
    assert errors(await diagnostics(client, fixed_uri)) == []


async def test_latency_metric_gets_a_data_config(client, tmp_path):
    config = {
        "input_model": {"type": "HfModel", "model_path": "m"},
        "evaluators": {"e": {"metrics": [{"name": "l", "type": "latency", "sub_types": [{"name": "avg"}]}]}},
        "passes": {"b": {"type": "ModelBuilder", "precision": "int4"}},
        "evaluator": "e",
    }
    text = json.dumps(config, indent=2)
    uri = open_text(client, tmp_path / "c.json", text)
    diagnostic = with_code(await diagnostics(client, uri), "OLV509")
    result = json.loads(await fix(client, uri, text, diagnostic, diagnostic.data["title"]))
    assert result["data_configs"] == [{"name": "dummy", "type": "TransformersTokenDummyDataContainer"}]
    assert result["evaluators"]["e"]["metrics"][0]["data_config"] == "dummy"
