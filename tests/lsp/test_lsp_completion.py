"""textDocument/completion over stdio on the real sample configs, JSON and YAML, as VS Code and Neovim ask for it.

Each test opens a sample (or an edit of one), asks at a position found by a marked needle, and checks the
labels and what accepting an item does to the document. Items arrive with their documentation, or, for a
client that resolves it (VS Code), get it from completionItem/resolve (test_lsp_completion_resolve.py); it is
checked here too.
"""

from __future__ import annotations

import asyncio
import json

import yaml
from lsprotocol import types

from lsp_helpers import TIMEOUT, open_text
from marked import CATALOG, MARK, SAMPLES, apply_item, expand_snippet

CPU_SAMPLE = SAMPLES / "qwen2.5-0.5b-instruct-int4-cpu.json"
YAML_SAMPLE = SAMPLES / "tiny-llama" / "config.yaml"
MB_PRECISIONS = ["int4", "int8", "fp16", "fp32"]


def mark(text: str, needle: str) -> str:
    """`text` with the cursor marker where it sits in `needle`, a marked copy of a unique part of `text`."""
    plain = needle.replace(MARK, "")
    assert text.count(plain) == 1, plain
    at = text.index(plain)
    return text[:at] + needle + text[at + len(plain) :]


def position_of(marked: str) -> types.Position:
    before = marked[: marked.index(MARK)]
    line = before.count("\n")
    column = before[before.rfind("\n") + 1 :]
    return types.Position(line=line, character=len(column.encode("utf-16-le")) // 2)


async def complete_over_lsp(client, uri: str, marked: str) -> types.CompletionList:
    params = types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(marked))
    result = await asyncio.wait_for(client.text_document_completion_async(params), TIMEOUT)
    assert isinstance(result, types.CompletionList)
    return result


async def open_and_complete(client, tmp_path, name: str, text: str, needle: str, language: str = "json"):
    marked = mark(text, needle)
    uri = open_text(client, tmp_path / name, text, language)
    return marked, await complete_over_lsp(client, uri, marked)


def named(result: types.CompletionList, label: str) -> types.CompletionItem:
    found = [item for item in result.items if item.label == label]
    assert len(found) == 1, [item.label for item in result.items]
    return found[0]


async def test_precision_value_in_the_json_sample(client, tmp_path):
    text = CPU_SAMPLE.read_text()
    marked, result = await open_and_complete(client, tmp_path, "cpu.json", text, '"precision": "‸int4"')
    assert [item.label for item in result.items] == MB_PRECISIONS
    fp16 = named(result, "fp16")
    edit = fp16.text_edit
    # The whole quoted value is replaced.
    line = text.splitlines()[edit.range.start.line]
    assert line[edit.range.start.character : edit.range.end.character] == '"int4"'
    assert json.loads(apply_item(marked, fp16))["passes"]["builder"]["precision"] == "fp16"


async def test_new_pass_parameter_in_the_json_sample(client, tmp_path):
    text = CPU_SAMPLE.read_text().replace('"int4_accuracy_level": 4\n', '"int4_accuracy_level": 4,\n      \n', 1)
    marked, result = await open_and_complete(client, tmp_path, "cpu.json", text, '"int4_accuracy_level": 4,\n    ‸  \n')
    labels = {item.label for item in result.items}
    assert labels == (set(CATALOG.data["passes"]["ModelBuilder"]["parameters"]) | {"config", "host", "evaluator"}) - {"precision", "int4_block_size", "int4_accuracy_level"}
    item = named(result, "exclude_embeds")
    snippets = client.capabilities.text_document.completion.completion_item.snippet_support
    assert item.insert_text_format == (types.InsertTextFormat.Snippet if snippets else types.InsertTextFormat.PlainText)
    resolve = client.capabilities.text_document.completion.completion_item.resolve_support
    if resolve and "documentation" in resolve.properties:
        assert item.documentation is None
        item = await asyncio.wait_for(client.completion_item_resolve_async(item), TIMEOUT)
    assert item.documentation is not None and "exclude_embeds" in item.documentation.value
    config = json.loads(apply_item(marked, item))
    assert config["passes"]["builder"]["exclude_embeds"] is False


async def test_host_and_execution_provider_values_in_the_json_sample(client, tmp_path):
    text = CPU_SAMPLE.read_text()
    uri = open_text(client, tmp_path / "cpu.json", text)
    hosts = await complete_over_lsp(client, uri, mark(text, '"host": "local‸_system"'))
    assert [item.label for item in hosts.items] == ["local_system"]
    providers = await complete_over_lsp(client, uri, mark(text, '"CPU‸ExecutionProvider"'))
    assert [item.label for item in providers.items] == CATALOG.data["device_providers"]["cpu"]
    assert "CUDAExecutionProvider" not in [item.label for item in providers.items]


async def test_completion_follows_edits(client, tmp_path):
    """After a didChange the answer is for the new text: a pass type typed into a new pass."""
    text = CPU_SAMPLE.read_text()
    uri = open_text(client, tmp_path / "cpu.json", text)
    changed = text.replace('"passes": {\n', '"passes": {\n    "quant": {"type": "Onnx"},\n', 1)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=changed)],
        )
    )
    marked = mark(changed, '"type": "Onnx‸"')
    result = await complete_over_lsp(client, uri, marked)
    assert [item.label for item in result.items] == list(CATALOG.pass_names)
    config = json.loads(apply_item(marked, named(result, "OnnxStaticQuantization")))
    assert config["passes"]["quant"]["type"] == "OnnxStaticQuantization"


async def test_precision_value_in_the_yaml_sample(client, tmp_path):
    text = YAML_SAMPLE.read_text()
    marked, result = await open_and_complete(client, tmp_path, "config.yaml", text, "precision: ‸int4", "yaml")
    assert [item.label for item in result.items] == MB_PRECISIONS
    assert yaml.safe_load(apply_item(marked, named(result, "int8"), "yaml"))["passes"]["builder"]["precision"] == "int8"


async def test_flow_list_of_providers_and_host_in_the_yaml_sample(client, tmp_path):
    text = YAML_SAMPLE.read_text()
    uri = open_text(client, tmp_path / "config.yaml", text)
    providers = await complete_over_lsp(client, uri, mark(text, "[CPU‸ExecutionProvider]"))
    assert [item.label for item in providers.items] == CATALOG.data["device_providers"]["cpu"]
    hosts = await complete_over_lsp(client, uri, mark(text, "host: ‸local_system"))
    assert [item.label for item in hosts.items] == ["local_system"]


async def test_new_key_on_an_empty_yaml_line(client, tmp_path):
    text = YAML_SAMPLE.read_text().replace("    int4_accuracy_level: 4\n", "    int4_accuracy_level: 4\n    \n", 1)
    marked, result = await open_and_complete(client, tmp_path, "config.yaml", text, "int4_accuracy_level: 4\n    ‸\n", "yaml")
    item = named(result, "exclude_lm_head")
    assert item.text_edit.range.start == item.text_edit.range.end
    if item.insert_text_format == types.InsertTextFormat.Snippet:
        expand_snippet(item.text_edit.new_text)
    assert yaml.safe_load(apply_item(marked, item, "yaml"))["passes"]["builder"]["exclude_lm_head"] is False


async def test_empty_json_file_gets_the_workflow_skeleton(client, tmp_path):
    uri = open_text(client, tmp_path / "olive_config.json", "")
    result = await complete_over_lsp(client, uri, MARK)
    assert [item.label for item in result.items] == ["Olive workflow"]
    config = json.loads(apply_item(MARK, result.items[0]))
    assert config["passes"]["builder"]["type"] == "ModelBuilder"


async def test_no_completion_in_a_json_file_that_is_not_an_olive_config(client, tmp_path):
    text = '{"name": "my-package", "version": "1.0.0"}'
    uri = open_text(client, tmp_path / "package.json", text)
    result = await complete_over_lsp(client, uri, mark(text, '"version": "1.‸0.0"'))
    assert not result.items
