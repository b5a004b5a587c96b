"""Helpers of the run-time rules (rules/runtime_*.py): what a pass parameter is once Olive fills in its default,
which passes of a type a config has, and the sentences the findings share. It registers no rule."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from olive_ls.document.nodes import Node, Property
from olive_ls.model.view import PassEntry
from olive_ls.rules.passes import SPECIAL_VALUES, _param_owner_path, search_enabled  # noqa: F401
from olive_ls.rules.registry import RuleContext
from olive_ls.rules.targets import TargetSpec, target_of

PRUNED = "Olive will skip this pass and exit 0 without a model"
# What the detail adds to PRUNED.
PRUNED_DETAIL = "The engine logs `Invalid config, pruned.`; with no other flow left, `No output model produced.`, and `olive run` exits 0."
UNSET = object()


@dataclass
class Value:
    """A parameter as the pass sees it: the written value (or the default), and where it is written."""

    value: Any
    prop: Property | None

    @property
    def given(self) -> bool:
        return self.prop is not None

    @property
    def node(self) -> Node | None:
        return self.prop.value if self.prop is not None else None

    @property
    def concrete(self) -> bool:
        """A plain value (not DEFAULT_VALUE/SEARCHABLE_VALUES, not a search parameter object)."""
        if isinstance(self.value, str) and self.value in SPECIAL_VALUES:
            return False
        return not (isinstance(self.value, dict) and self.value.get("olive_parameter_type") == "SearchParameter")


def entries(ctx: RuleContext, *names: str) -> Iterator[tuple[PassEntry, str]]:
    """(entry, canonical type) of the passes of these types (of every known type when none is named), in document
    order. About a hundred rules ask this of one document: the passes are sorted by type once per analysis."""
    ordered, by_type = ctx.memo("runtime_helpers.entries", _passes_by_type)
    if not names:
        return iter(ordered)
    if len(names) == 1:
        return iter(by_type.get(names[0], ()))
    found = [by_type[name] for name in set(names) if name in by_type]
    if len(found) == 1:
        return iter(found[0])
    position = ctx.memo("runtime_helpers.positions", lambda _ctx: {id(entry): i for i, (entry, _) in enumerate(ordered)})
    return iter(sorted((pair for group in found for pair in group), key=lambda pair: position[id(pair[0])]))


def _passes_by_type(ctx: RuleContext) -> tuple[list[tuple[PassEntry, str]], dict[str, list[tuple[PassEntry, str]]]]:
    ordered: list[tuple[PassEntry, str]] = []
    by_type: dict[str, list[tuple[PassEntry, str]]] = {}
    for entry in ctx.view.passes:
        canonical = ctx.model.canonical_pass_name(entry.type_name or "")
        if canonical is not None:
            ordered.append((entry, canonical))
            by_type.setdefault(canonical, []).append((entry, canonical))
    return ordered, by_type


def param(ctx: RuleContext, entry: PassEntry, canonical: str, key: str) -> Value:
    prop = entry.params.get(key)
    if prop is not None and prop.value is not None:
        try:
            return Value(prop.value.to_python(), prop)
        except Exception:  # noqa: BLE001 - a half-typed tree
            return Value(UNSET, prop)
    spec = ctx.model.pass_spec(canonical)
    p = spec.parameters.get(key) if spec is not None else None
    return Value(p.default if p is not None else None, None)


def target(ctx: RuleContext) -> TargetSpec | None:
    """The accelerator Olive builds for (targets.target_of: once per analysis)."""
    return target_of(ctx)


def node_of(entry: PassEntry) -> Node:
    return entry.type_node or entry.node


def show(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "null"
    return repr(value) if not isinstance(value, str) else f"'{value}'"


def owner_path(entry: PassEntry) -> list:
    return _param_owner_path(entry)
