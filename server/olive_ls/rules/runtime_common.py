"""Helpers shared by the runtime_* rule modules (no rules here): walking evaluators, metrics, data configs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from olive_ls.document.nodes import Node, Property
from olive_ls.document.nodes import string_value as string  # the runtime rules' short name for it
from olive_ls.rules.registry import RuleContext



def number(node: Node | None) -> float | None:
    if node is None or node.kind != "number" or isinstance(node.value, bool):
        return None
    return node.value


def boolean(node: Node | None) -> bool | None:
    return node.value if node is not None and node.kind == "boolean" else None


def truthy(node: Node | None) -> bool:
    """Python truthiness of a JSON value, as Olive's `if v:` sees it."""
    if node is None:
        return False
    if node.is_object:
        return bool(node.properties)
    if node.is_array:
        return bool(node.items)
    if node.kind == "null":
        return False
    return bool(node.value)


def objects(node: Node | None) -> Iterator[Node]:
    if node is not None and node.is_array:
        for item in node.items:
            if item.is_object:
                yield item


def evaluator_nodes(ctx: RuleContext) -> list[tuple[str, Node]]:
    """Every evaluator config Olive validates: the evaluators section, inline engine and pass evaluators (found once
    per analysis: a dozen rules ask, and the pass evaluators mean a walk over every pass)."""
    return ctx.memo("runtime_common.evaluator_nodes", lambda ctx: list(_evaluator_nodes(ctx)))


def _evaluator_nodes(ctx: RuleContext) -> Iterator[tuple[str, Node]]:
    view = ctx.view
    for name, entry in view.evaluators.items():
        if entry.node.is_object:
            yield f"evaluators.{name}", entry.node
    prop = view.engine_params.get("evaluator")
    if prop is not None and prop.value is not None and prop.value.is_object:
        yield "evaluator", prop.value
    for entry in view.passes:
        node = entry.node.get("evaluator")
        if node is not None and node.is_object:
            yield f"passes.{entry.name}.evaluator", node


def engine_evaluator(ctx: RuleContext) -> Node | None:
    """The engine's evaluator (inline or resolved by name), None when there is none."""
    prop = ctx.view.engine_params.get("evaluator")
    if prop is None or prop.value is None or not truthy(prop.value):
        return None
    if prop.value.kind == "string":
        entry = ctx.view.evaluators.get(prop.value.value)
        return entry.node if entry is not None else prop.value
    return prop.value


def metrics(evaluator: Node) -> list[Node]:
    return list(objects(evaluator.get("metrics")))


@dataclass
class SubType:
    metric: Node
    node: Node
    metric_type: str | None

    @property
    def name(self) -> str | None:
        return string(self.node.get("name"))

    @property
    def key(self) -> str:
        return f"{string(self.metric.get('name'))}-{self.name}"

    @property
    def written_priority(self):
        node = self.node.get("priority")
        return node.value if node is not None and node.kind == "number" and not isinstance(node.value, bool) else None


def sub_types(evaluator: Node) -> list[SubType]:
    found = []
    for metric in metrics(evaluator):
        kind = string(metric.get("type"))
        for sub in objects(metric.get("sub_types")):
            found.append(SubType(metric, sub, kind))
    return found


def effective_priorities(evaluator: Node) -> dict[int, int]:
    """id(sub-type node) -> the priority Olive uses: as written, -1 by default, 1 for a lone sub-type (olive_evaluator.py:2218)."""
    subs = sub_types(evaluator)
    result = {id(s.node): (s.written_priority if s.written_priority is not None else -1) for s in subs}
    ranked = [s for s in subs if s.written_priority not in (None, -1)]
    if not ranked and len({s.key for s in subs}) == 1 and subs:
        result[id(subs[0].node)] = 1
    return result


def data_config_items(ctx: RuleContext) -> Iterator[Node]:
    root = ctx.doc.root
    yield from objects(root.get("data_configs") if root is not None and root.is_object else None)


def search_on(ctx: RuleContext) -> bool:
    """Whether the engine searches: `SearchStrategy(...) if search_strategy else None` (engine/engine.py:63), so an
    empty object is off here. (Config validation treats `{}` as on: passes.search_enabled, for OLV308.)"""
    prop = ctx.view.engine_params.get("search_strategy")
    return prop is not None and truthy(prop.value)


def prop_of(node: Node | None, key: str) -> Property | None:
    return node.prop(key) if node is not None and node.is_object else None
