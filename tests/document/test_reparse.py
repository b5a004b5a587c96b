"""document/reparse.py: a tree carried over to the next version of its text, with only the container holding the edit
scanned again, must be the tree a parse of the whole new text builds: every node's kind, offsets, range, value and
text as written, every property's key and colon, every parent pointer, and the document's Python value.

Chains of edits are applied to one document, each version reparsed from the last (as the server's analysis thread
does): values changed (longer, shorter, another type), characters typed and deleted inside strings, lines and
spaces inserted, keys added, renamed and removed, whole passes added and removed, whitespace around the root, and
edits that break the JSON and mend it again (those fall back to a whole parse, as they must).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from olive_ls.document.nodes import Node
from olive_ls.document.parse import parse_document
from olive_ls.document.reparse import reparse

REPO = Path(__file__).resolve().parents[2]
CORPUS_DIR = REPO.parent / "shared" / "corpus" / "olive-recipes"
CONFIGS = sorted(CORPUS_DIR.rglob("*.json"))[::4] + sorted((REPO / "samples").rglob("*.json")) + [REPO / "tests" / "data" / "typical.json"]


def _describe(node: Node | None, parent=None) -> list:
    """Everything a feature reads of a tree, flattened in document order."""
    if node is None:
        return [None]
    out = []
    stack = [(node, parent)]
    while stack:
        item, holder = stack.pop()
        assert item.parent is holder, "parent pointer"
        r = item.range
        out.append((item.kind, item.start, item.end, (r.start.line, r.start.character, r.end.line, r.end.character), repr(item.value), item.raw, item.written()))
        for prop in reversed(item.properties):
            assert prop.parent is item and prop.key_node.parent is prop
            pr = prop.range
            out.append(("property", prop.key, prop.start, prop.end, prop.colon, (pr.start.line, pr.start.character, pr.end.line, pr.end.character)))
            out.append(("key", prop.key_node.start, prop.key_node.end, prop.key_node.raw))
            if prop.value is not None:
                stack.append((prop.value, prop))
        for child in reversed(item.items):
            stack.append((child, item))
    return out


def _by_key(root: Node | None) -> dict:
    found = root.properties_by_key() if root is not None else {}
    return {key: [(prop.start, prop.end, prop.parent.start) for prop in props] for key, props in found.items()}


def _value_edits(text: str, rng: random.Random):
    """Texts each one edit away from the last valid one: (what, new text). An edit that breaks the JSON is yielded
    (reparse must refuse it) and then undone."""
    for _ in range(60):
        for what, edited in _one_edit(text, rng):
            yield what, edited
            try:
                json.loads(edited)
            except ValueError:
                yield "undone", text
                continue
            text = edited


def _one_edit(text: str, rng: random.Random):
    for _ in range(1):
        choice = rng.randrange(9)
        digits = [i for i, ch in enumerate(text) if ch.isdigit()]
        quotes = [i for i, ch in enumerate(text) if ch == '"']
        if choice == 0 and digits:  # a number typed longer or shorter
            i = rng.choice(digits)
            text = text[:i] + rng.choice(["", "7", "12345", "0.5"]) + text[i + 1 :]
            yield "number", text
        elif choice == 1 and quotes:  # a character typed inside a string, or deleted
            i = rng.choice(quotes) + 1
            text = text[:i] + rng.choice(["x", "é", "", "\\n"]) + text[i:] if rng.random() < 0.7 else text[:i] + text[i + 1 :]
            yield "string", text
        elif choice == 2:  # lines and spaces inserted anywhere between tokens
            spots = [i for i, ch in enumerate(text) if ch in ",{[:"]
            if spots:
                i = rng.choice(spots) + 1
                text = text[:i] + rng.choice(["\n", "   ", "\n\n    ", "\t"]) + text[i:]
                yield "whitespace", text
        elif choice == 3:  # whitespace around the root
            text = rng.choice(["\n", " "]) + text if rng.random() < 0.5 else text + rng.choice(["\n", "  "])
            yield "around", text
        elif choice in (4, 5, 6):  # a structural edit through the value, written back as the editor would
            try:
                value = json.loads(text)
            except ValueError:
                continue
            _mutate(value, rng)
            text = json.dumps(value, indent=rng.choice([2, 4]))
            yield "structure", text
        elif choice == 7:  # the JSON broken, then mended
            i = rng.randrange(len(text))
            broken = text[:i] + "{" + text[i:]
            yield "broken", broken
            yield "mended", text
        else:  # a value replaced by another kind
            spots = [i for i, ch in enumerate(text) if ch == ":"]
            if spots:
                i = rng.choice(spots) + 1
                j = i
                while j < len(text) and text[j] not in ",}\n":
                    j += 1
                text = text[:i] + " " + rng.choice(['{"a": [1, {"b": null}]}', "[]", "true", '"s"', "3"]) + text[j:]
                yield "kind", text


def _mutate(value, rng: random.Random) -> None:
    containers = []

    def walk(v):
        if isinstance(v, dict):
            containers.append(v)
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            containers.append(v)
            for x in v:
                walk(x)

    walk(value)
    target = rng.choice(containers)
    if isinstance(target, dict):
        keys = list(target)
        action = rng.randrange(3)
        if action == 0 or not keys:
            target[f"new_{rng.randrange(1000)}"] = rng.choice([1, "v", [1, 2], {"k": False}])
        elif action == 1:
            del target[rng.choice(keys)]
        else:
            key = rng.choice(keys)
            target[key + "_renamed"] = target.pop(key)
    elif target:
        target.pop(rng.randrange(len(target)))
    else:
        target.append(rng.choice([1, "v", None]))


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_a_carried_over_tree_is_the_tree_of_a_whole_parse(path):
    text = path.read_text(encoding="utf-8")
    rng = random.Random(path.name)
    doc = parse_document(text, "json")
    carried = 0
    for what, new_text in _value_edits(text, rng):
        fresh = parse_document(new_text, "json")
        if doc.root is not None:
            doc.root.properties_by_key()  # kept on the root: the reparse carries it over (Node.carry_below)
        result = reparse(doc, new_text)
        if result is None:
            doc = fresh
            continue
        carried += 1
        doc, _replaced = result
        assert _describe(doc.root) == _describe(fresh.root), what
        assert doc.python_value() == fresh.python_value()
        assert _by_key(doc.root) == _by_key(fresh.root), what
        assert doc.problems == fresh.problems == []
        assert doc.text == new_text and doc.index.data == fresh.index.data
    assert carried > 5


def test_an_edit_inside_one_pass_of_a_big_config_scans_that_pass_alone():
    passes = {f"p{i}": {"type": "ModelBuilder", "precision": "int4", "extra_options": {"int4_block_size": 32}} for i in range(300)}
    text = json.dumps({"input_model": {"type": "HfModel", "model_path": "m"}, "passes": passes}, indent=4)
    doc = parse_document(text, "json")
    before = doc.root.get("passes").get("p150")
    edited = text.replace('"int4_block_size": 32\n            }\n        },\n        "p151"', '"int4_block_size": 128\n            }\n        },\n        "p151"')
    assert edited != text
    new, replaced = reparse(doc, edited)
    assert replaced is not None and replaced.parent.key == "extra_options"  # the innermost container: extra_options
    assert new.root.get("passes").get("p150") is before  # the pass itself carried over
    assert _describe(new.root) == _describe(parse_document(edited, "json").root)


def test_what_it_does_not_take():
    doc = parse_document('{"a": 1}', "json")
    assert reparse(doc, '{"a": 1') is None  # not JSON
    assert reparse(parse_document('{"a": 1,}', "json"), '{"a": 2,}') is None  # the last version had a problem
    assert reparse(parse_document("a: 1", "yaml"), "a: 2") is None
    assert reparse(doc, '{"a": 1, "a": 2}') is None  # a duplicate key: a problem to report, the whole parse does
