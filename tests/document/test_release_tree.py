"""A released tree is freed by reference counting alone (no cyclic garbage collection needed), and the service
releases exactly the versions a newer one replaced, not the one in use."""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path

from olive_ls.document.nodes import release_tree
from olive_ls.document.parse import JSON, YAML, parse_document
from olive_ls.model.view import build_view
from olive_ls.service import OliveLanguageService
from olive_ls.settings import ServerSettings

TYPICAL = Path(__file__).resolve().parents[1] / "data" / "typical.json"


def _freed_without_collection(text: str, language: str) -> bool:
    doc = parse_document(text, language)  # made here: a caller's expression would be held by pytest's assert
    probe = weakref.ref(doc.root.get("passes").properties[0].value)
    build_view(doc.root)  # the view cached on the root is a cycle too
    doc.root.properties_by_key()
    was = gc.isenabled()
    gc.disable()
    try:
        release_tree(doc.root)
        del doc
        return probe() is None
    finally:
        if was:
            gc.enable()


def test_a_released_tree_is_freed_by_reference_counting():
    text = TYPICAL.read_text()
    assert _freed_without_collection(text, JSON)
    import yaml

    assert _freed_without_collection(yaml.safe_dump(json.loads(text)), YAML)


def test_an_unreleased_tree_needs_a_collection():
    """The property above is not vacuous: without release_tree the tree's cycles keep it."""
    doc = parse_document(TYPICAL.read_text(), JSON)
    probe = weakref.ref(doc.root.get("passes").properties[0].value)
    gc.disable()
    try:
        del doc
        assert probe() is not None
    finally:
        gc.enable()
    gc.collect()
    assert probe() is None


def test_the_service_releases_only_replaced_versions():
    service = OliveLanguageService(settings=ServerSettings(environment_checks=False))
    text = TYPICAL.read_text()
    first = service.parse("file:///w/a.json", text, 1)
    second = service.parse("file:///w/a.json", text + " ", 2)
    other = service.parse("file:///w/b.json", text, 1)
    service.release_superseded()
    assert first.root.get("passes").properties[0].parent is None  # released
    for kept in (second, other):
        assert kept.root.get("passes").properties[0].parent is kept.root.get("passes")
        assert service.diagnostics("file:///w/a.json", second) is not None
    service.forget("file:///w/b.json")
    service.release_superseded()
    assert other.root.get("passes").properties[0].parent is None
    assert second.root.get("passes").properties[0].parent is not None


def test_a_caller_that_never_releases_keeps_only_a_few_versions():
    from olive_ls.service import SUPERSEDED_KEPT

    service = OliveLanguageService(settings=ServerSettings(environment_checks=False))
    text = TYPICAL.read_text()
    docs = [service.parse("file:///w/a.json", text + " " * i, i) for i in range(SUPERSEDED_KEPT + 3)]
    released = [doc.root.get("passes").properties[0].parent is None for doc in docs]
    assert released == [True] * 2 + [False] * (SUPERSEDED_KEPT + 1)  # the oldest two went; the newest is in use
