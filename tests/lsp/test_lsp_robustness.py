"""Bad input over LSP: malformed params, megabyte and binary documents. A clear error or an empty result, and
the server keeps serving."""

from __future__ import annotations

import json

from lsprotocol import types

from lsp_helpers import diagnostics, open_text, raw_session

CONFIG = {
    "input_model": {"type": "HfModel", "model_path": "HuggingFaceTB/SmolLM2-135M-Instruct"},
    "passes": {"builder": {"type": "ModelBuilder", "precision": "int3"}},
}
TEXT = json.dumps(CONFIG, indent=2)
# On the value "ModelBuilder": hover shows the pass's docs.
PASS_TYPE_LINE = next(i for i, line in enumerate(TEXT.splitlines()) if "ModelBuilder" in line)
PASS_TYPE = {"line": PASS_TYPE_LINE, "character": TEXT.splitlines()[PASS_TYPE_LINE].index("ModelBuilder") + 2}


async def _still_serves(client, tmp_path) -> None:
    uri = open_text(client, tmp_path / "still.json", TEXT)
    found = await diagnostics(client, uri)
    assert any("int3" in d.message for d in found), found
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(**PASS_TYPE))
    )
    assert hover is not None and "ModelBuilder" in hover.contents.value


MALFORMED = [
    (types.TEXT_DOCUMENT_HOVER, {"textDocument": 5}),
    (types.TEXT_DOCUMENT_COMPLETION, {"textDocument": {"uri": "file:///x.json"}, "position": {"line": "a"}}),
    (types.TEXT_DOCUMENT_CODE_ACTION, None),
    (types.WORKSPACE_EXECUTE_COMMAND, {"command": "olive.runWorkflow", "arguments": [42]}),
    (types.WORKSPACE_EXECUTE_COMMAND, {"command": "olive.smokeTest", "arguments": []}),
    (types.WORKSPACE_EXECUTE_COMMAND, {"command": "olive.noSuchCommand"}),
    ("olive/notAMethod", {}),
]


def test_malformed_requests_get_an_error_response_and_the_server_keeps_serving(tmp_path):
    # Raw JSON-RPC: a typed client cannot even send these.
    config = tmp_path / "config.json"
    config.write_text(TEXT)
    uri = config.as_uri()
    messages = [
        {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"capabilities": {}, "rootUri": tmp_path.as_uri()}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
    ]
    messages += [{"jsonrpc": "2.0", "id": i, "method": m, "params": p} for i, (m, p) in enumerate(MALFORMED, start=1)]
    messages.append({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": config.read_text()}}})
    last = len(MALFORMED) + 1
    messages.append({"jsonrpc": "2.0", "id": last, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": PASS_TYPE}})
    replies = raw_session(messages, wait_for_ids=set(range(last + 1)))
    for i, (method, _) in enumerate(MALFORMED, start=1):
        assert "error" in replies[i], (method, replies[i])
        assert replies[i]["error"]["message"], (method, replies[i])
        assert "Traceback" not in replies[i]["error"]["message"]
    assert "ModelBuilder" in json.dumps(replies[last]["result"])


async def test_positions_outside_the_document_get_empty_results(client, tmp_path):
    uri = open_text(client, tmp_path / "config.json", TEXT)
    far = types.Position(line=10_000, character=500)
    document = types.TextDocumentIdentifier(uri=uri)
    assert await client.text_document_hover_async(types.HoverParams(text_document=document, position=far)) is None
    completion = await client.text_document_completion_async(types.CompletionParams(text_document=document, position=far))
    items = completion.items if isinstance(completion, types.CompletionList) else completion
    assert not items  # past the end of the document nothing can be typed
    assert await client.text_document_definition_async(types.DefinitionParams(text_document=document, position=far)) in (None, [])
    await _still_serves(client, tmp_path)


async def test_a_megabytes_document_gets_one_clear_diagnostic(client, tmp_path):
    big = {**CONFIG, "padding": ["x" * 100] * 40_000}  # about 4 MB
    uri = open_text(client, tmp_path / "big.json", json.dumps(big))
    found = await diagnostics(client, uri)
    assert len(found) == 1 and "too large" in found[0].message
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=5))
    )
    assert hover is None
    await _still_serves(client, tmp_path)


async def test_binary_content_is_not_analysed_and_does_not_crash(client, tmp_path):
    noise = bytes(range(256)).decode("latin-1") * 20
    uri = open_text(client, tmp_path / "weights.json", noise)
    assert list(await diagnostics(client, uri)) == []
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert not symbols
    await _still_serves(client, tmp_path)
