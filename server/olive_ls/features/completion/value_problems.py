"""What the rules would say about a value before completion offers it.

Completion and the rules must not disagree: a value that completion offers and the rules then flag as an error
(an ONNX pass where nothing converts to ONNX yet, fp16 for ModelBuilder on a CPU target, a device Olive has no
provider for) is still offered, since the user may be about to change the rest, but marked: LSP's Deprecated tag,
a detail that names the problem, and sorted after every value that is fine there.

Nothing of the rules is copied here. The rules are asked: the value node at the cursor is set to each candidate
in turn, the registered rule functions run on the config as it would then be, and an error they report at that
node is the candidate's problem. The view of the config is built once per request (a string value never changes
its shape), rules that read the Python environment or the file system are left out (they judge paths and
installed packages, never an offered name), and so is the generic schema rule (completion offers values of the
types the schema names; its whole-document validation is the slow part of the engine).

The rules see the other passes by their type only (a pass's problems at its own values depend on the input model,
the target, the data configs and the other passes' types: the model-format flow of OLV305/OLV306, whether an ONNX
pass needs an execution provider), and a run of passes of one type once (each pass type maps a model format to
the same format when applied twice), so a config with hundreds of passes stays fast.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from olive_ls.document import nodes as n
from olive_ls.document.nodes import Node, node_at_path

log = logging.getLogger(__name__)

# Short words for what a rule's error about a value means, shown in the item's detail. A code not listed shows
# the rule's own headline.
PROBLEMS = {
    "OLV201": "needs a model_loader: use HfModel for a Hugging Face model",
    "OLV305": "needs an ONNX model: convert first",
    "OLV306": "needs a Hugging Face model (HfModel) as its input",
    "OLV401": "Olive has no execution provider for this device",
    "OLV403": "not for the target's execution provider",
    "OLV404": "ModelBuilder cannot build it for the target",
    "OLV406": "not an execution provider Olive knows",
    "OLV408": "needs an execution provider for this device",
    "OLV410": "runs on several devices: give the device",
    "OLV508": "needs data: add a data config and set data_config",
}
ERROR = "error"
SKIPPED_CODES = frozenset({"OLV100"})  # the generic schema rule (see the module docstring)
MAX_DETAIL = 80
# Contexts (the text around a value) whose answers are kept, per model of Olive.
CACHED_CONTEXTS = 32


def _probe_rules():
    from olive_ls.rules.registry import load_rules

    return [r for r in load_rules().values() if r.needs_view and not r.needs_environment and r.code not in SKIPPED_CODES]


def value_node(root: Node | None, path: list, key: str | None = None, index: int | None = None) -> Node | None:
    """The scalar node a completion replaces: the value of `key` in the object at `path`, or item `index` of the
    array at `path`; None when there is none yet (nothing typed) or it is not a scalar."""
    if key is not None:
        node = node_at_path(root, list(path) + [key])
    elif index is not None:
        container = node_at_path(root, list(path))
        node = container.items[index] if container is not None and container.is_array and 0 <= index < len(container.items) else None
    else:
        return None
    return node if node is not None and node.kind in (n.STRING, n.NULL) else None


def value_problems(doc, catalog, root: Node | None, node: Node | None, candidates: Iterable[Any], view=None) -> dict[Any, str]:
    """candidate -> what is wrong with it there (short words), for the candidates the rules would flag with an
    error at `node`. Only string candidates are asked; without a node (nothing typed yet) nothing is."""
    if root is None or node is None or not root.is_object:
        return {}
    candidates = [c for c in dict.fromkeys(candidates) if isinstance(c, str)]
    if not candidates:
        return {}
    from olive_ls.model.olive import olive_model

    # While the user types inside the value, the rest of the config stays the same and so do the answers:
    # keep them, keyed by the text around the value (the candidates replace the value, so its own text never
    # matters). A keystroke elsewhere changes the key.
    cache = olive_model(catalog).derived("completion.value_problems", lambda _model: OrderedDict())
    key = _context_key(doc, node, candidates)
    if key is not None and key in cache:
        cache.move_to_end(key)
        return dict(cache[key])
    problems = _probe(doc, catalog, root, node, candidates, view)
    if key is not None:
        cache[key] = problems
        while len(cache) > CACHED_CONTEXTS:
            cache.popitem(last=False)
    return dict(problems)


def _context_key(doc, node: Node, candidates: list[str]):
    data = doc.index.data if getattr(doc, "index", None) is not None else None
    if data is None:
        return None
    return (hash(data[: node.start]), hash(data[node.end :]), node.start, tuple(candidates))


def _probe(doc, catalog, root: Node, node: Node, candidates: list[str], view) -> dict[Any, str]:
    from olive_ls.model.view import build_view
    from olive_ls.rules.registry import RuleContext

    view = view if view is not None and view.root is root else build_view(root)
    view = _probe_view(view, node)
    ctx = RuleContext(doc=doc, view=view, catalog=catalog)
    rules = _probe_rules()
    at = node.range.start
    saved = (node.__class__, node.kind, node.value, node.raw)
    problems: dict[Any, str] = {}
    try:
        node.__class__ = _Watched
        for candidate in candidates:
            node.kind, node.value, node.raw = n.STRING, candidate, json.dumps(candidate)
            rules, problem = _error_at(ctx, rules, at, node)
            if problem:
                problems[candidate] = problem
            if not rules:
                break
    finally:
        node.__class__ = saved[0]
        node.kind, node.value, node.raw = saved[1:]
    return problems


class _Watched(Node):
    """The probed node: it counts the reads of its value, so that a rule that never reads it (its findings cannot
    depend on the candidate) is asked once, not once per candidate."""

    reads = 0

    @property
    def value(self):
        _Watched.reads += 1
        return self.__dict__["value"]

    @value.setter
    def value(self, value):
        self.__dict__["value"] = value

    @property
    def raw(self):
        _Watched.reads += 1
        return self.__dict__["raw"]

    @raw.setter
    def raw(self, value):
        self.__dict__["raw"] = value


def _probe_view(view, node: Node):
    """The view the rules are asked with: the pass holding `node` as it is, the others by their type only, runs of
    one type once (see the module docstring)."""
    own = _owning_pass(view, node)
    passes = []
    previous = object()
    for entry in view.passes:
        if entry.name_node is own:
            passes.append(entry)
            previous = object()
            continue
        type_name = entry.type_name.lower() if isinstance(entry.type_name, str) else None
        if entry.alternative is None and type_name == previous:
            continue
        previous = type_name if entry.alternative is None else object()
        passes.append(replace(entry, node=_type_only(entry), params={}))
    return replace(view, passes=passes)


def _owning_pass(view, node: Node):
    """The name node of the pass (all its alternatives) that holds `node`, or None."""
    for entry in view.passes:
        if entry.node.start <= node.start and node.end <= entry.node.end:
            return entry.name_node
    return None


def _type_only(entry) -> Node:
    """A stand-in for a pass's object with only its `type` property (the same Property, so findings land on it)."""
    kept = [prop for prop in entry.node.properties if prop.key == "type"] if entry.node.is_object else []
    return Node(entry.node.kind, entry.node.start, entry.node.end, entry.node.index, properties=kept, parent=entry.node.parent)


def _error_at(ctx, rules, at, node) -> tuple[list, str | None]:
    """The first error a rule reports at `at` for the candidate now in the node, and the rules still worth asking
    for the next candidates (those that read the node's value)."""
    dependent = []
    problem = None
    for rule in rules:
        # What rules derive once per analysis (the passes by type, the target) may depend on the value, and a rule
        # that takes it from an earlier rule's derivation would not be seen reading the value: each starts afresh.
        ctx.forget()
        before = _Watched.reads
        try:
            for finding in rule.check(ctx):
                # An error there before the rule read the value is not about the candidate.
                if problem is None and _Watched.reads > before and (finding.severity or rule.severity) == ERROR and finding.range.start == at:
                    problem = PROBLEMS.get(rule.code) or _short(finding.message)
                    break
        except Exception:  # a rule that breaks on a probe says nothing about the candidate
            log.debug("rule %s failed on a completion probe", rule.code, exc_info=True)
        if _Watched.reads > before:
            dependent.append(rule)
    return dependent, problem


def _short(message: str) -> str:
    head = message.split(". ")[0].rstrip(".")
    return head if len(head) <= MAX_DETAIL else head[: MAX_DETAIL - 1].rstrip() + "…"
