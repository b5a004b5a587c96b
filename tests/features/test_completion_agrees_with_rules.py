"""Completion and the rules agree: a value completion offers is not then flagged as an error at that value.

Property over every config in samples/ and ../shared/corpus/olive-recipes that has no error: at string value
positions (a deterministic sample per config: every distinct key once before any twice, a few per config), each
value item offered there (not a `{…}` snippet that builds structure) is applied as a client would (snippet
expanded with its first choices), the config re-analysed by the real service, and no error may sit on that
value. Unless the item says so: LSP's Deprecated tag, a detail naming the problem, and a sort after every item
that is fine there. Environment checks are off: what is installed here is not the config's business.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from lsprotocol import types
from marked import expand_snippet
from olive_ls.document import nodes as n
from olive_ls.document.parse import language_for, parse_document
from olive_ls.service import OliveLanguageService, path_to_uri
from olive_ls.settings import ServerSettings

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
LABELS = CORPUS / "olive-recipes.labels.jsonl"
POSITIONS_PER_CONFIG = 6
ITEMS_PER_POSITION = 6
# Re-analysing is the cost; a big config gets fewer probes (each of its analyses takes longer).
BUDGET_CHARS = 400_000


def _configs() -> list[Path]:
    found = sorted(p for p in (REPO / "samples").rglob("*") if p.suffix in (".json", ".yaml", ".yml"))
    if LABELS.exists():
        for line in LABELS.read_text().splitlines():
            if line.strip():
                found.append(CORPUS / "olive-recipes" / json.loads(line)["path"])
    return found


def _rank(*parts) -> str:
    return hashlib.sha1(json.dumps(parts, default=str).encode()).hexdigest()


def _string_values(root: n.Node) -> list[n.Node]:
    values = []
    for node in root.walk():
        if node.kind != n.STRING or node.parent is None:
            continue
        if isinstance(node.parent, n.Property) and node.parent.key_node is node:
            continue
        values.append(node)
    return values


def _spread(nodes: list[n.Node], seed: str) -> list[n.Node]:
    """Every distinct key once (in a seeded order) before any key a second time."""
    by_key: dict[str, list[n.Node]] = {}
    for node in sorted(nodes, key=lambda x: _rank(seed, x.path())):
        last = node.path()[-1]
        by_key.setdefault(last if isinstance(last, str) else "[]", []).append(node)
    order = sorted(by_key, key=lambda k: _rank(seed, k))
    spread = []
    while any(by_key.values()):
        for key in order:
            if by_key[key]:
                spread.append(by_key[key].pop(0))
    return spread


def _is_marked(item: types.CompletionItem) -> bool:
    return bool(item.tags) and types.CompletionItemTag.Deprecated in item.tags


def _applied(doc, item: types.CompletionItem) -> str:
    new_text = item.text_edit.new_text
    if item.insert_text_format == types.InsertTextFormat.Snippet:
        new_text = expand_snippet(new_text)
    data = doc.index.data
    edits = [(item.text_edit.range, new_text)] + [(e.range, e.new_text) for e in item.additional_text_edits or []]
    for start, end, text in sorted(((doc.index.offset_at(r.start), doc.index.offset_at(r.end), t) for r, t in edits), reverse=True):
        data = data[:start] + text.encode("utf-8") + data[end:]
    return data.decode("utf-8")


def _errors_at(service, uri: str, text: str, path: list) -> list:
    doc = parse_document(text, language_for(uri))
    node = n.node_at_path(doc.root, path)
    assert node is not None, f"{path} is gone after applying the item"
    start = doc.index.offset_at(node.range.start)
    return [f for f in service.diagnostics(uri, doc) if f.severity == "error" and doc.index.offset_at(f.range.start) == start]


CONFIGS = _configs()


@pytest.mark.skipif(not LABELS.exists(), reason="the shared corpus is not on this machine")
def test_completion_values_agree_with_the_rules():
    service = OliveLanguageService(settings=ServerSettings(environment_checks=False))
    disagreements, misplaced = [], []
    configs = positions = checked = marked = 0
    for path in CONFIGS:
        text = path.read_text(encoding="utf-8")
        uri = path_to_uri(path)
        doc = service.parse(uri, text)
        if doc.root is None or any(f.severity == "error" for f in service.diagnostics(uri, doc)):
            continue
        configs += 1
        budget = max(4, min(POSITIONS_PER_CONFIG * ITEMS_PER_POSITION, BUDGET_CHARS // max(len(text), 1)))
        wanted = max(1, min(POSITIONS_PER_CONFIG, budget // 2))
        seed = str(path.relative_to(path.parents[2]))
        for node in _spread(_string_values(doc.root), seed):
            if wanted == 0 or budget <= 0:
                break
            node_path = node.path()
            inside = node.start + (1 if node.raw[:1] in ("'", '"') else 0)
            result = service.completion(uri, doc, doc.index.position_at(inside))
            values = [i for i in result.items if i.kind != types.CompletionItemKind.Snippet and i.text_edit is not None]
            if not values:
                continue
            wanted -= 1
            positions += 1
            fine = [i for i in values if not _is_marked(i)]
            for item in values:
                if _is_marked(item):
                    marked += 1
                    if not item.detail or any(item.sort_text <= f.sort_text for f in fine):
                        misplaced.append((seed, node_path, item.label, item.detail, item.sort_text))
            sample = sorted(fine, key=lambda i: _rank(seed, node_path, i.label))[: min(ITEMS_PER_POSITION, budget)]
            for item in sample:
                new_text = _applied(doc, item)
                if new_text == text:
                    continue
                budget -= 1
                checked += 1
                errors = _errors_at(service, uri, new_text, node_path)
                if errors:
                    disagreements.append((seed, node_path, item.label, [(f.code, f.message) for f in errors]))
    assert not disagreements, disagreements[:20]
    assert not misplaced, misplaced[:20]
    # Here: 92 configs, ~520 positions, ~1600 applied items, ~2100 marked ones.
    assert configs >= 60 and positions >= configs and checked >= 2 * configs, (configs, positions, checked)
    assert marked > 0, "no offered value was marked: the property is vacuous here"



def test_the_probe_sees_each_candidate_target():
    """Completion's probe puts each candidate into the value node and calls RuleContext.forget before asking a rule:
    what was derived from the old value, on the context and on its view (the systems, which one is the target),
    must follow the new one."""
    import json as _json

    from olive_ls.catalog import load_catalog
    from olive_ls.document.parse import parse_document
    from olive_ls.model.view import build_view
    from olive_ls.rules.registry import RuleContext
    from olive_ls.rules.targets import iter_systems, target_of

    local = {"type": "LocalSystem", "accelerators": [{"device": "cpu", "execution_providers": ["CPUExecutionProvider"]}]}
    gpu = {"type": "LocalSystem", "accelerators": [{"device": "gpu", "execution_providers": ["CUDAExecutionProvider"]}]}
    doc = parse_document(_json.dumps({"input_model": {"type": "HfModel", "model_path": "m"}, "systems": {"a": local, "b": gpu}, "target": "a"}))
    ctx = RuleContext(doc=doc, view=build_view(doc.root), catalog=load_catalog("0.13.0"))
    assert [s.label for s in iter_systems(ctx.view) if s.is_target] == ["system 'a'"] and target_of(ctx).device == "cpu"
    doc.root.get("target").value = "b"  # as the probe writes a candidate
    ctx.forget()
    assert [s.label for s in iter_systems(ctx.view) if s.is_target] == ["system 'b'"] and target_of(ctx).device == "gpu"
