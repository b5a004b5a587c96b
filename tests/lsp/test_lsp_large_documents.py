"""Deep and large documents over LSP: every request answers without an error, and the server keeps answering for
the other open documents while a big one is analysed.

- 3,000-deep nesting (a paste gone wrong, a generated file): the tree stops at 256 levels (document/json_tree.py
  MAX_DEPTH), said once by a syntax diagnostic; everything above that depth works as usual.
- 1 MB on a single line (a minified config with 13,000 passes): analysed in full.
- 20 MB: past the 2 MB limit (service.MAX_ANALYSED_CHARS), one OLV007 information and empty answers.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from lsp_helpers import diagnostics, open_text
from lsprotocol import types

BASE = {"input_model": {"type": "HfModel", "model_path": "HuggingFaceTB/SmolLM2-135M-Instruct"}, "passes": {"builder": {"type": "ModelBuilder", "precision": "int4"}}}
TIMEOUT = 60.0


def _deep(depth: int) -> str:
    inner = '{"a": ' * depth + "1" + "}" * depth
    arrays = "[" * depth + "2" + "]" * depth
    return (
        '{"input_model": {"type": "HfModel", "model_path": "HuggingFaceTB/SmolLM2-135M-Instruct"},\n'
        ' "passes": {"builder": {"type": "ModelBuilder", "precision": "int4", "extra": ' + inner + "}},\n"
        ' "data_configs": [' + arrays + "]}\n"
    )


def _single_line(size: int) -> str:
    config = {"input_model": BASE["input_model"], "passes": {}}
    index = 0
    while len(json.dumps(config)) < size:
        for _ in range(500):
            config["passes"][f"p{index}"] = {"type": "ModelBuilder", "precision": "int4", "int4_block_size": 32}
            index += 1
    return json.dumps(config)


def _huge(size: int) -> str:
    text = json.dumps(BASE, indent=2)
    filler = ',\n  "x%d": "' + "y" * 1000 + '"'
    parts, index = [text[:-2]], 0
    total = len(text)
    while total < size:
        part = filler % index
        parts.append(part)
        total += len(part)
        index += 1
    return "".join(parts) + "\n}\n"


DOCUMENTS = {
    "deep-3000.json": lambda: _deep(3000),
    "one-line-1MB.json": lambda: _single_line(1_000_000),
    "huge-20MB.json": lambda: _huge(20_000_000),
}


def _positions(text: str) -> list[types.Position]:
    """The start, a pass type value, the deepest analysed region, the middle and the end of the document."""
    lines = text.splitlines()
    found = [types.Position(line=0, character=1)]
    for number, line in enumerate(lines):
        if '"ModelBuilder"' in line:
            found.append(types.Position(line=number, character=line.index('"ModelBuilder"') + 2))
            break
    middle = len(lines) // 2
    found.append(types.Position(line=middle, character=len(lines[middle]) // 2))
    found.append(types.Position(line=len(lines) - 1, character=max(0, len(lines[-1]) - 1)))
    if "[" * 100 in text:
        line = next(i for i, l in enumerate(lines) if "[" * 100 in l)
        found.append(types.Position(line=line, character=lines[line].index("[" * 100) + 600))
        line = next(i for i, l in enumerate(lines) if '{"a": {"a":' in l)
        for level in (250, 300):  # inside the analysed depth, and past it
            found.append(types.Position(line=line, character=lines[line].index('{"a": {"a":') + 6 * level + 2))
    return found


async def _every_request(client, uri: str, position: types.Position) -> None:
    document = types.TextDocumentIdentifier(uri=uri)
    requests = [
        client.text_document_hover_async(types.HoverParams(text_document=document, position=position)),
        client.text_document_references_async(
            types.ReferenceParams(text_document=document, position=position, context=types.ReferenceContext(include_declaration=True))
        ),
        client.text_document_definition_async(types.DefinitionParams(text_document=document, position=position)),
        client.text_document_completion_async(types.CompletionParams(text_document=document, position=position)),
        client.text_document_code_action_async(
            types.CodeActionParams(text_document=document, range=types.Range(start=position, end=position), context=types.CodeActionContext(diagnostics=[]))
        ),
        client.text_document_prepare_rename_async(types.PrepareRenameParams(text_document=document, position=position)),
    ]
    for request in requests:
        await asyncio.wait_for(request, TIMEOUT)  # an internal error raises JsonRpcException here


@pytest.mark.parametrize("name", list(DOCUMENTS))
async def test_every_request_answers_on_deep_and_large_documents(client, tmp_path, name):
    text = DOCUMENTS[name]()
    uri = open_text(client, tmp_path / name, text)
    found = await asyncio.wait_for(diagnostics(client, uri), TIMEOUT)
    document = types.TextDocumentIdentifier(uri=uri)
    await asyncio.wait_for(client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=document)), TIMEOUT)
    await asyncio.wait_for(client.text_document_folding_range_async(types.FoldingRangeParams(text_document=document)), TIMEOUT)
    await asyncio.wait_for(client.text_document_document_link_async(types.DocumentLinkParams(text_document=document)), TIMEOUT)
    for position in _positions(text):
        await _every_request(client, uri, position)
    codes = [d.code for d in found]
    if name.startswith("huge"):
        assert codes == ["OLV007"], found  # too large, said once
    elif name.startswith("deep"):
        too_deep = [d for d in found if "deeper than" in d.message]
        assert len(too_deep) == 2, found  # once per over-deep value (the object and the array), not per level
        symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=document))
        assert any(s.name == "passes" for s in symbols), symbols


async def test_other_documents_are_answered_while_a_big_one_is_analysed(client, tmp_path):
    small = open_text(client, tmp_path / "small.json", json.dumps(BASE, indent=2))
    await diagnostics(client, small)
    big_text = _single_line(1_000_000)
    big = open_text(client, tmp_path / "big.json", big_text)
    pulls = bool(client.capabilities and client.capabilities.text_document and client.capabilities.text_document.diagnostic)
    if pulls:
        analysis = asyncio.ensure_future(diagnostics(client, big))
    else:
        analysis = asyncio.ensure_future(asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), TIMEOUT))
    await asyncio.sleep(0.05)  # the big one is being parsed and checked now
    line = next(i for i, l in enumerate(json.dumps(BASE, indent=2).splitlines()) if "ModelBuilder" in l)
    started = time.perf_counter()
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=small), position=types.Position(line=line, character=20))
    )
    answered = time.perf_counter() - started
    assert hover is not None and "ModelBuilder" in hover.contents.value
    assert not analysis.done(), f"the big document's diagnostics came first; the hover took {answered:.2f} s"
    await analysis
