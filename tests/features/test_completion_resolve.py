"""Completion docs deferred to completionItem/resolve (issue 11), through the service.

For a client that resolves `documentation` the items carry a key in `data` and no docs; the service writes the
docs from that key. Every kind of item with docs is asked at its own cursor, and each is compared with what a
client that cannot resolve gets inline: the same items, the same docs.
"""

from __future__ import annotations

import pytest
from lsprotocol import types
from marked import CATALOG, marked_doc
from olive_ls.features.completion.items import markup
from olive_ls.features.completion.resolve import KEEP_LISTS
from olive_ls.service import OliveLanguageService
from olive_ls.settings import ServerSettings

URI = "file:///work/config.json"
NAMES = (
    '"systems": {"local": {"type": "LocalSystem", "accelerators": [{"device": "cpu"}]}}, '
    '"evaluators": {"common": {"metrics": [{"name": "acc", "type": "accuracy"}]}}, '
    '"data_configs": [{"name": "calib", "type": "HuggingfaceContainer", "load_dataset_config": {"data_name": "wiki"}}]'
)

# One cursor per kind of item with docs.
CURSORS = {
    "pass type": ('{"passes": {"mb": {"type": "‸"}}}', "json"),
    "pass type, YAML": ("passes:\n  mb:\n    type: ‸\n", "yaml"),
    "pass parameters": ('{"passes": {"mb": {"type": "ModelBuilder", ‸}}}', "json"),
    "root keys": ('{"input_model": {"type": "HfModel"}, ‸}', "json"),
    "workflow skeleton": ("‸", "json"),
    "new pass entries": ('{"passes": {‸}}', "json"),
    "new system entries": ('{"systems": {‸}}', "json"),
    "new evaluator entries": ('{"evaluators": {‸}}', "json"),
    "model type": ('{"input_model": {"type": "‸"}}', "json"),
    "system type": ('{"systems": {"s": {"type": "‸"}}}', "json"),
    "device": ('{"systems": {"s": {"type": "LocalSystem", "accelerators": [{"device": "‸"}]}}}', "json"),
    "execution providers": ('{"systems": {"s": {"type": "LocalSystem", "accelerators": [{"device": "gpu", "execution_providers": ["‸"]}]}}}', "json"),
    "metric type": ('{"evaluators": {"e": {"metrics": [{"name": "m", "type": "‸"}]}}}', "json"),
    "system names": ("{" + NAMES + ', "host": "‸"}', "json"),
    "evaluator names": ("{" + NAMES + ', "evaluator": "‸"}', "json"),
    "data config names": ("{" + NAMES + ', "passes": {"q": {"type": "OnnxStaticQuantization", "data_config": "‸"}}}', "json"),
}


def _service() -> OliveLanguageService:
    return OliveLanguageService(CATALOG, ServerSettings(environment_checks=False))


def _complete(service: OliveLanguageService, marked: str, language: str, *, resolve: bool, markdown: bool = True) -> types.CompletionList:
    doc, position = marked_doc(marked, language)
    uri = URI if language == "json" else URI.replace(".json", ".yaml")
    return service.completion(uri, doc, position, markdown=markdown, resolve_docs=resolve)


@pytest.mark.parametrize("markdown", [True, False], ids=["markdown", "plain text"])
@pytest.mark.parametrize("where", list(CURSORS))
def test_resolved_docs_are_the_inline_docs(where, markdown):
    marked, language = CURSORS[where]
    service = _service()
    inline = _complete(service, marked, language, resolve=False, markdown=markdown)
    lazy = _complete(service, marked, language, resolve=True, markdown=markdown)
    assert any(item.documentation is not None for item in inline.items), f"{where}: no item with docs to defer"
    assert len(lazy.items) == len(inline.items)
    for before, after in zip(inline.items, lazy.items):
        assert after.documentation is None, after.label
        # Nothing else changes: label, kind, detail, edits, sort and filter text, tags.
        assert types.CompletionItem(**{**vars_of(after), "data": None}) == types.CompletionItem(**{**vars_of(before), "documentation": None})
        if before.documentation is None:
            assert after.data is None, f"{after.label}: a key to no docs"
            continue
        assert after.data is not None, after.label
        assert markup(service.completion_doc(after.data), markdown) == before.documentation, after.label


def vars_of(item: types.CompletionItem) -> dict:
    import attrs

    return attrs.asdict(item, recurse=False)


def test_the_docs_are_written_only_when_resolved(monkeypatch):
    """A deferred doc is a function, called on resolve, once per resolved item; never for the others."""
    from olive_ls.features.completion import values

    calls = []

    def counted(tables, name):
        calls.append(name)
        return f"docs of {name}"

    monkeypatch.setattr(values, "device_doc", counted)
    service = _service()
    lazy = _complete(service, *CURSORS["device"], resolve=True)
    assert calls == []
    assert service.completion_doc(lazy.items[1].data) == f"docs of {lazy.items[1].label}"
    assert calls == [lazy.items[1].label]
    inline = _complete(service, *CURSORS["device"], resolve=False)
    assert len(calls) == 1 + len(inline.items)


def test_items_of_an_older_list_still_resolve_until_it_is_dropped():
    service = _service()
    first = _complete(service, *CURSORS["pass type"], resolve=True)
    item = next(i for i in first.items if i.label == "ModelBuilder")
    for _ in range(KEEP_LISTS - 1):
        _complete(service, *CURSORS["device"], resolve=True)
    assert "ModelBuilder" in service.completion_doc(item.data)
    _complete(service, *CURSORS["device"], resolve=True)
    assert service.completion_doc(item.data) is None


def test_an_answer_without_docs_keeps_the_older_lists():
    service = _service()
    item = next(i for i in _complete(service, *CURSORS["pass type"], resolve=True).items if i.label == "ModelBuilder")
    for _ in range(KEEP_LISTS + 1):
        # Precisions: items without docs.
        precisions = _complete(service, '{"passes": {"mb": {"type": "ModelBuilder", "precision": "‸"}}}', "json", resolve=True).items
        assert precisions and all(i.data is None and i.documentation is None for i in precisions)
    assert "ModelBuilder" in service.completion_doc(item.data)


@pytest.mark.parametrize("data", [None, 3, "x", {}, {"doc": None}, {"doc": [1]}, {"doc": [True, 0]}, {"doc": [1, -1]}, {"doc": [1, 10_000]}, {"doc": ["1", "0"]}])
def test_data_that_is_not_a_key_resolves_to_nothing(data):
    service = _service()
    assert service.completion_doc(data) is None
    _complete(service, *CURSORS["device"], resolve=True)
    assert service.completion_doc(data) is None


def test_client_features_read_resolve_support_for_documentation():
    from olive_ls.lsp.session import ClientFeatures
    from pytest_lsp import client_capabilities

    assert ClientFeatures.from_capabilities(client_capabilities("visual-studio-code")).resolves_completion_docs
    # Neovim resolves additionalTextEdits and command, not documentation.
    assert not ClientFeatures.from_capabilities(client_capabilities("neovim")).resolves_completion_docs
    assert not ClientFeatures.from_capabilities(None).resolves_completion_docs
    assert not ClientFeatures.from_capabilities(types.ClientCapabilities()).resolves_completion_docs
