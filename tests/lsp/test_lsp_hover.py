"""textDocument/hover over stdio on the real sample configs, JSON and YAML."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from lsp_helpers import TIMEOUT, open_text
from test_lsp_completion import CPU_SAMPLE, YAML_SAMPLE, mark, position_of

from marked import CATALOG


async def hover_over_lsp(client, uri: str, marked: str) -> types.Hover | None:
    params = types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(marked))
    return await asyncio.wait_for(client.text_document_hover_async(params), TIMEOUT)


def markdown(result: types.Hover | None) -> str:
    assert result is not None
    assert isinstance(result.contents, types.MarkupContent) and result.contents.kind == types.MarkupKind.Markdown
    return result.contents.value


async def test_hovers_in_the_json_sample(client, tmp_path):
    text = CPU_SAMPLE.read_text()
    uri = open_text(client, tmp_path / "cpu.json", text)
    pass_type = await hover_over_lsp(client, uri, mark(text, '"Model‸Builder"'))
    assert markdown(pass_type).startswith("**ModelBuilder** — " + CATALOG.data["passes"]["ModelBuilder"]["summary"])
    line = text.splitlines()[pass_type.range.start.line]
    assert line[pass_type.range.start.character : pass_type.range.end.character] == '"ModelBuilder"'
    assert markdown(await hover_over_lsp(client, uri, mark(text, '"int4_block‸_size"'))).startswith("**int4_block_size** · `integer`")
    assert markdown(await hover_over_lsp(client, uri, mark(text, '"host": "local‸_system"'))).startswith(
        "**local_system** — system `LocalSystem`\n- device `cpu`, CPUExecutionProvider"
    )
    assert "pip package: `onnxruntime`" in markdown(await hover_over_lsp(client, uri, mark(text, '"CPUExecution‸Provider"')))
    assert await hover_over_lsp(client, uri, mark(text, '"int4",\n‸')) is None


async def test_hovers_in_the_yaml_sample(client, tmp_path):
    text = YAML_SAMPLE.read_text()
    uri = open_text(client, tmp_path / "config.yaml", text)
    assert markdown(await hover_over_lsp(client, uri, mark(text, "type: Model‸Builder"))).startswith("**ModelBuilder** — ")
    assert markdown(await hover_over_lsp(client, uri, mark(text, "preci‸sion: int4"))).startswith("**precision** · `string` · required")
    assert markdown(await hover_over_lsp(client, uri, mark(text, "target: local‸_system"))).startswith("**local_system** — system `LocalSystem`")
    assert markdown(await hover_over_lsp(client, uri, mark(text, "[CPU‸ExecutionProvider]"))).startswith("**CPUExecutionProvider** — execution provider")
    assert await hover_over_lsp(client, uri, mark(text, "# The same ‸run")) is None


async def test_no_hover_in_a_json_file_that_is_not_an_olive_config(client, tmp_path):
    text = '{"name": "my-package", "host": "local_system"}'
    uri = open_text(client, tmp_path / "package.json", text)
    assert await hover_over_lsp(client, uri, mark(text, '"ho‸st"')) is None


def test_a_plain_text_client_gets_plain_text_hover_and_completion_docs(tmp_path):
    from lsp_helpers import raw_session

    text = CPU_SAMPLE.read_text()
    uri = (tmp_path / "cpu.json").as_uri()
    at = position_of(mark(text, '"Model‸Builder"'))
    capabilities = {
        "textDocument": {
            "hover": {"contentFormat": ["plaintext"]},
            "completion": {"completionItem": {"documentationFormat": ["plaintext"], "snippetSupport": False}},
        }
    }
    replies = raw_session(
        [
            {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"capabilities": capabilities}},
            {"jsonrpc": "2.0", "method": "initialized", "params": {}},
            {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}}},
            {"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": {"line": at.line, "character": at.character}}},
            {"jsonrpc": "2.0", "id": 2, "method": "textDocument/completion", "params": {"textDocument": {"uri": uri}, "position": {"line": at.line, "character": at.character}}},
        ],
        wait_for_ids={0, 1, 2},
    )
    contents = replies[1]["result"]["contents"]
    assert contents["kind"] == "plaintext" and "ModelBuilder" in contents["value"] and "**" not in contents["value"]
    documented = [item["documentation"] for item in replies[2]["result"]["items"] if "documentation" in item]
    assert documented and all(doc["kind"] == "plaintext" and "**" not in doc["value"] for doc in documented)
