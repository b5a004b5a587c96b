"""One index of the names a config defines and of every place that refers to one, as Olive resolves them.

The reference rules (OLV501-504, OLV514), go-to-definition, find references, rename and the completion of names
all read this index, so that a rename changes exactly the places the rules check.

Three kinds of name (olive/workflows/run/config.py, Olive 0.13.0):

- a **system** is a key of `systems`; `_resolve_system` looks up `host` and `target` of the engine
  (validate_engine, config.py:285-286) and `host` of each pass (validate_pass_host_evaluator, config.py:301);
- an **evaluator** is a key of `evaluators`; `_resolve_evaluator` looks up `evaluator` of the engine
  (config.py:293) and of each pass (config.py:302) when it is a string (config.py:445);
- a **data config** is the `name` of a `data_configs` entry (`data_configs_dict`, config.py:429);
  `_resolve_data_config` looks up `data_config` of every metric of the `evaluators` section (validate_evaluators,
  config.py:279) and of an evaluator written inline at the engine or a pass (`_resolve_evaluator`, config.py:440-442),
  and `_resolve_all_data_configs` (config.py:318, 353-363) every key ending with `data_config` at any depth of a
  pass's flattened config.

The engine's keys may be at the top level or under `engine` and a pass's parameters flat or under `config`
(Olive's NestedConfig); the view (model/view.py) has already applied that.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from olive_ls.document.nodes import Node, Property, string_value

if TYPE_CHECKING:
    from olive_ls.model.olive import OliveModel
    from olive_ls.model.view import WorkflowView

SYSTEM = "system"
EVALUATOR = "evaluator"
DATA_CONFIG = "data config"
KINDS = (SYSTEM, EVALUATOR, DATA_CONFIG)

# The section each kind of name is defined in.
SECTIONS = {SYSTEM: "systems", EVALUATOR: "evaluators", DATA_CONFIG: "data_configs"}

# Where Olive 0.13.0 resolves each kind of reference (olive/workflows/run/config.py).
ENGINE_SYSTEM = "validate_engine: _resolve_system (config.py:285-286)"
ENGINE_EVALUATOR = "validate_engine: _resolve_evaluator (config.py:293, 445)"
PASS_SYSTEM = "validate_pass_host_evaluator: _resolve_system (config.py:301)"
PASS_EVALUATOR = "validate_pass_host_evaluator: _resolve_evaluator (config.py:302, 445)"
PASS_DATA_CONFIG = "validate_pass_search: _resolve_all_data_configs (config.py:318, 353-363)"
METRIC_DATA_CONFIG = "validate_evaluators: _resolve_data_config (config.py:279)"
INLINE_METRIC_DATA_CONFIG = "_resolve_evaluator: _resolve_data_config (config.py:440-442)"



@dataclass(frozen=True, eq=False)
class Definition:
    """A name the config defines: the key of a `systems` / `evaluators` entry, or a data config's `name` value."""

    kind: str
    name: str
    node: Node  # the name itself (a key node, or the string value of `name`)
    entry: object = None  # the view's entry for it (TypedEntry / NamedEntry), None for a non-object system


@dataclass(frozen=True, eq=False)
class Reference:
    """A place Olive looks a name up. `node` is the value as written: a string names something; an object is an
    inline config (only data configs and evaluators may be given so); anything else Olive passes on as is."""

    kind: str
    where: str  # how the rules name the place: "host", "passes.p.host", "evaluators.e.metrics[0].data_config"
    prop: Property
    olive: str  # the Olive code that resolves it
    at_pass: bool = False
    declared: bool = False  # a pass parameter the pass's Olive config class declares as a data config

    @property
    def node(self) -> Node | None:
        return self.prop.value

    @property
    def name(self) -> str | None:
        """The name referred to, or None when the value is not a string (an inline config, null...)."""
        return string_value(self.prop.value)


@dataclass
class NameIndex:
    definitions: list[Definition] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    # The names of each section as the rules see them: [] when the section is absent or null, None when it is
    # not of the shape Olive needs (the schema rules report that; the reference rules then stay quiet).
    sections: dict[str, list[str] | None] = field(default_factory=dict)

    # --- questions ---------------------------------------------------------------------------------------

    def names(self, kind: str) -> list[str] | None:
        return self.sections.get(kind, [])

    def defined(self, kind: str) -> list[Definition]:
        return [d for d in self.definitions if d.kind == kind]

    def definitions_of(self, kind: str, name: str) -> list[Definition]:
        return [d for d in self.definitions if d.kind == kind and d.name == name]

    def references_of(self, kind: str, name: str | None = None) -> list[Reference]:
        """References of this kind (all of them, inline values included, when no name is given)."""
        return [r for r in self.references if r.kind == kind and (name is None or r.name == name)]

    def name_at(self, node: Node | None) -> tuple[str, str] | None:
        """(kind, name) when `node` is a definition's name or a reference by name."""
        if node is None:
            return None
        for definition in self.definitions:
            if definition.node is node:
                return definition.kind, definition.name
        for reference in self.references:
            if reference.node is node and reference.name is not None:
                return reference.kind, reference.name
        return None

    def places(self, kind: str, name: str) -> list[Node]:
        """Every node that spells this name: its definitions, then its references."""
        return [d.node for d in self.definitions_of(kind, name)] + [r.node for r in self.references_of(kind, name)]


# ---------------------------------------------------------------------------------------------------------------
# Building


def name_index(view: WorkflowView | None, model: OliveModel | None = None) -> NameIndex:
    """The index of a view, built once per view (and model) and kept on the view."""
    if view is None:
        return NameIndex()
    cache = view.__dict__.setdefault("_name_indexes", {})
    key = id(model)
    if key not in cache:
        cache[key] = (model, build_index(view, model))
    return cache[key][1]


def build_index(view: WorkflowView, model: OliveModel | None = None) -> NameIndex:
    index = NameIndex()
    _definitions(index, view)
    _engine_references(index, view)
    _pass_references(index, view, model)
    _metric_references(index, view)
    return index


def _object_section(root: Node, key: str) -> tuple[Node | None, list[str] | None]:
    node = root.get(key) if root is not None and root.is_object else None
    if node is None or node.kind == "null":
        return None, []
    if not node.is_object:
        return None, None
    return node, [prop.key for prop in node.properties]


def _definitions(index: NameIndex, view: WorkflowView) -> None:
    for kind, entries in ((SYSTEM, view.systems), (EVALUATOR, view.evaluators)):
        section, names = _object_section(view.root, SECTIONS[kind])
        index.sections[kind] = names
        for prop in section.properties if section is not None else ():
            index.definitions.append(Definition(kind, prop.key, prop.key_node, entries.get(prop.key)))
    index.sections[DATA_CONFIG] = sorted(view.data_config_names)
    for entry in view.data_configs:
        index.definitions.append(Definition(DATA_CONFIG, entry.name, entry.name_node, entry))


def _engine_references(index: NameIndex, view: WorkflowView) -> None:
    for key in ("host", "target"):
        prop = view.engine_params.get(key)
        if prop is not None:
            index.references.append(Reference(SYSTEM, key, prop, ENGINE_SYSTEM))
    prop = view.engine_params.get("evaluator")
    if prop is not None:
        index.references.append(Reference(EVALUATOR, "evaluator", prop, ENGINE_EVALUATOR))


def _pass_references(index: NameIndex, view: WorkflowView, model: OliveModel | None) -> None:
    for entry in view.passes:
        # Kept on the entry's node while its text is unchanged (Node.below): one pass of a thousand edited, one walked.
        # By its type too, the one value they depend on (completion's probe writes candidate types in place).
        key = ("pass_references", entry.name, id(model), entry.type_name)
        index.references.extend(entry.node.below(key, lambda _node, entry=entry: _references_of_pass(entry, model)))


def _references_of_pass(entry, model: OliveModel | None) -> list[Reference]:
    """The names one pass refers to: its host, its evaluator, its data configs (also inside its values)."""
    found: list[Reference] = []
    prop = entry.node.prop("host")
    if prop is not None:
        found.append(Reference(SYSTEM, f"passes.{entry.name}.host", prop, PASS_SYSTEM, at_pass=True))
    prop = entry.node.prop("evaluator")
    if prop is not None:
        found.append(Reference(EVALUATOR, f"passes.{entry.name}.evaluator", prop, PASS_EVALUATOR, at_pass=True))
    spec = model.pass_spec(entry.type_name) if model is not None and entry.type_name else None
    for prop in entry.params.values():
        param = spec.parameters.get(prop.key) if spec is not None else None
        declared = bool(param is not None and param.is_data_config)
        if declared or prop.key.endswith("data_config"):
            found.append(Reference(DATA_CONFIG, f"passes.{entry.name}.{prop.key}", prop, PASS_DATA_CONFIG, at_pass=True, declared=declared))
        elif prop.value is not None:
            for inner in _data_config_props_in(prop.value):
                found.append(Reference(DATA_CONFIG, f"passes.{entry.name}...{inner.key}", inner, PASS_DATA_CONFIG, at_pass=True))
    return found


def _data_config_props_in(node: Node) -> Iterator[Property]:
    """Properties whose key ends with data_config, at any depth, not looking inside them (_resolve_all_data_configs)."""
    if node.is_object:
        for prop in node.properties:
            if prop.key.endswith("data_config"):
                yield prop
            elif prop.value is not None:
                yield from _data_config_props_in(prop.value)
    elif node.is_array:
        for item in node.items:
            yield from _data_config_props_in(item)


def evaluator_configs(view: WorkflowView) -> Iterator[tuple[str, Node, str]]:
    """Every evaluator config object: the `evaluators` section's, then inline ones at the engine and the passes."""
    for name, entry in view.evaluators.items():
        if entry.node.is_object:
            yield f"evaluators.{name}", entry.node, METRIC_DATA_CONFIG
    prop = view.engine_params.get("evaluator")
    if prop is not None and prop.value is not None and prop.value.is_object:
        yield "evaluator", prop.value, INLINE_METRIC_DATA_CONFIG
    for entry in view.passes:
        node = entry.node.get("evaluator")
        if node is not None and node.is_object:
            yield f"passes.{entry.name}.evaluator", node, INLINE_METRIC_DATA_CONFIG


def _metric_references(index: NameIndex, view: WorkflowView) -> None:
    for where, evaluator, olive in evaluator_configs(view):
        metrics = evaluator.get("metrics")
        if metrics is None or not metrics.is_array:
            continue
        for position, metric in enumerate(metrics.items):
            prop = metric.prop("data_config") if metric.is_object else None
            if prop is not None:
                index.references.append(Reference(DATA_CONFIG, f"{where}.metrics[{position}].data_config", prop, olive))
