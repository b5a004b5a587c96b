"""Diagnostics over LSP: pushed to VS Code (no pull support in 1.65), pulled by Neovim 0.11."""

from __future__ import annotations

import json

from lsprotocol import types

from lsp_helpers import diagnostics, open_text

LEGACY = {
    "input_model": {"type": "HfModel", "model_path": "HuggingFaceTB/SmolLM2-135M-Instruct"},
    "passes": {"builder": {"type": "ModelBuilder", "precision": "int3"}},
}


async def test_reports_bad_enum_value_on_the_value(client, tmp_path):
    text = json.dumps(LEGACY, indent=2)
    uri = open_text(client, tmp_path / "config.json", text)
    found = await diagnostics(client, uri)
    on_value = [d for d in found if text.splitlines()[d.range.start.line][d.range.start.character : d.range.end.character] == '"int3"']
    assert on_value, found
    assert on_value[0].severity == types.DiagnosticSeverity.Error
    # The headline names the value and the parameter; the allowed values are in the detail, sent as related
    # information on the same place (both clients support it), and the code links to its section of docs/rules.md.
    diagnostic = on_value[0]
    assert diagnostic.message == "'int3' is not valid for 'precision' of ModelBuilder"
    assert diagnostic.related_information and diagnostic.related_information[0].location.range == diagnostic.range
    assert "int4" in diagnostic.related_information[0].message
    assert diagnostic.code_description is not None and diagnostic.code_description.href.endswith(f"rules.md#{diagnostic.code.lower()}-bad-pass-value")


async def test_plain_json_that_is_not_an_olive_config_gets_nothing(client, tmp_path):
    uri = open_text(client, tmp_path / "package.json", '{"name": "x", "version": 1, // no\n}')
    assert list(await diagnostics(client, uri)) == []


async def test_unknown_uri_gets_empty_results(client, tmp_path):
    uri = (tmp_path / "never-opened.json").as_uri()
    result = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=0))
    )
    assert result is None
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert not symbols
