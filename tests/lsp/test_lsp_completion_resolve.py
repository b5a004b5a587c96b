"""completionItem/resolve over stdio (issue 11): a client that resolves `documentation` gets completion items
without docs and the docs on resolve; a client that cannot gets them inline, as before. The docs compared are
those the completion feature writes in-process for the same text and cursor.
"""

from __future__ import annotations

import asyncio
import json
import sys

import attrs
import pytest_lsp
from lsp_helpers import TIMEOUT, open_text
from lsprotocol import types
from marked import CATALOG, apply_item, marked_doc
from olive_ls.features.completion import complete
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from test_lsp_completion import CPU_SAMPLE, complete_over_lsp, mark, named

PASS_TYPE = '"type": "Model‸Builder"'


def _plain_text_vscode() -> types.ClientCapabilities:
    caps = client_capabilities("visual-studio-code")
    item = caps.text_document.completion.completion_item
    item.documentation_format = [types.MarkupKind.PlainText]
    return caps


def _resolving_nothing() -> types.ClientCapabilities:
    caps = client_capabilities("visual-studio-code")
    caps.text_document.completion.completion_item.resolve_support = None
    return caps


# (name, capabilities, resolves documentation, renders markdown)
CLIENTS = {
    "visual-studio-code": (lambda: client_capabilities("visual-studio-code"), True, True),
    "vscode, plain text": (_plain_text_vscode, True, False),
    # Neovim resolves additionalTextEdits and command only.
    "neovim": (lambda: client_capabilities("neovim"), False, True),
    "vscode, no resolveSupport": (_resolving_nothing, False, True),
}


@pytest_lsp.fixture(
    params=list(CLIENTS),
    config=ClientServerConfig(server_command=[sys.executable, "-m", "olive_ls", "serve"]),
)
async def client(request, lsp_client: LanguageClient, tmp_path):
    make, resolves, markdown = CLIENTS[request.param]
    lsp_client.set_configuration({"environmentChecks": False}, section="olive")
    result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=make(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="workspace")],
            root_uri=tmp_path.as_uri(),
        )
    )
    lsp_client.olive_test = (result, resolves, markdown)
    yield lsp_client
    await lsp_client.shutdown_session()


def _in_process(marked: str, markdown: bool) -> types.CompletionList:
    """What a client that cannot resolve gets: the items with their docs inline."""
    doc, position = marked_doc(marked)
    return complete(doc, CATALOG, position, markdown=markdown)


async def _resolve(client, item: types.CompletionItem) -> types.CompletionItem:
    return await asyncio.wait_for(client.completion_item_resolve_async(item), TIMEOUT)


async def test_pass_type_docs_inline_or_on_resolve(client, tmp_path):
    result, resolves, markdown = client.olive_test
    assert result.capabilities.completion_provider.resolve_provider is True
    text = CPU_SAMPLE.read_text()
    marked = mark(text, PASS_TYPE)
    uri = open_text(client, tmp_path / "cpu.json", text)
    got = await complete_over_lsp(client, uri, marked)
    expected = _in_process(marked, markdown)
    assert [item.label for item in got.items] == list(CATALOG.pass_names) == [item.label for item in expected.items]
    assert all(item.documentation is not None for item in expected.items)
    for item, before in zip(got.items, expected.items):
        if resolves:
            assert item.documentation is None and item.data is not None, item.label
            # What the item says and does in the list is what it did with inline docs.
            assert item.detail == before.detail and item.text_edit == before.text_edit and item.sort_text == before.sort_text
            resolved = await _resolve(client, item)
        else:
            assert item.documentation == before.documentation, item.label
            # A client that resolves anyway gets the item as it is.
            resolved = await _resolve(client, item)
            assert resolved.documentation == item.documentation
        assert resolved.documentation == before.documentation, item.label
        assert resolved.documentation.kind == (types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText)
        # Resolving adds docs only: accepting the item writes the same text.
        assert json.loads(apply_item(marked, resolved)) == json.loads(apply_item(marked, item))


async def test_resolve_works_for_keys_and_refs_too(client, tmp_path):
    """One mechanism for every kind of item: pass parameters and the config's own names."""
    _, resolves, markdown = client.olive_test
    text = CPU_SAMPLE.read_text().replace('"int4_accuracy_level": 4\n', '"int4_accuracy_level": 4,\n      \n', 1)
    uri = open_text(client, tmp_path / "cpu.json", text)
    for needle, label in (('"int4_accuracy_level": 4,\n    ‸  \n', "exclude_embeds"), ('"host": "local‸_system"', "local_system")):
        marked = mark(text, needle)
        item = named(await complete_over_lsp(client, uri, marked), label)
        before = named(_in_process(marked, markdown), label)
        assert before.documentation is not None
        assert (item.documentation is None) == resolves
        resolved = await _resolve(client, item)
        assert resolved.documentation == before.documentation
        assert attrs.evolve(resolved, documentation=None, data=None) == attrs.evolve(before, documentation=None)


async def test_the_reply_is_smaller_for_a_client_that_resolves(client, tmp_path):
    _, resolves, markdown = client.olive_test
    text = CPU_SAMPLE.read_text()
    uri = open_text(client, tmp_path / "cpu.json", text)
    got = await complete_over_lsp(client, uri, mark(text, PASS_TYPE))
    expected = _in_process(mark(text, PASS_TYPE), markdown)
    unstructure = client.protocol._converter.unstructure
    size, inline_size = len(json.dumps(unstructure(got))), len(json.dumps(unstructure(expected)))
    if not resolves:
        assert size == inline_size
        return
    # What is left out is the docs, less the keys sent in their place.
    docs = sum(len(item.documentation.value) for item in expected.items)
    keys = sum(len(json.dumps({"data": item.data})) for item in got.items)
    assert inline_size - size >= docs - keys
    assert size < inline_size / 2
