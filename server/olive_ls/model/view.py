"""The Olive meaning of a document tree: which node is the input model, each system, pass and name.

Olive's `NestedConfig` flattening (facts §1.2) is applied here once, so rules and features ask "what are this
pass's parameters" and get the properties wherever the user wrote them, flat or under `config`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from olive_ls.document.nodes import Node, Property

# Top-level keys that mark a JSON or YAML file as an Olive workflow config.
OLIVE_MARKER_KEYS = ("input_model", "passes", "engine", "systems", "data_configs", "evaluators")

RUN_CONFIG_KEYS = ("workflow_id", "input_model", "systems", "data_configs", "evaluators", "engine", "passes")
PASS_DECLARED_KEYS = ("type", "config", "host", "evaluator")
MODEL_DECLARED_KEYS = ("type", "config")
SYSTEM_DECLARED_KEYS = ("type", "config")


def is_olive_config(root: Node | None) -> bool:
    return root is not None and root.is_object and any(root.prop(key) for key in OLIVE_MARKER_KEYS)


_MARKER_KEY_TEXT = re.compile(r"""(?m)^\s*["']?(?:%s)["']?\s*:""" % "|".join(OLIVE_MARKER_KEYS))


def mentions_olive_keys(text: str) -> bool:
    """A broken document whose tree lost its shape still names Olive's top-level keys: its syntax errors matter."""
    return _MARKER_KEY_TEXT.search(text) is not None


def merged_params(node: Node | None, nested_key: str, declared: tuple[str, ...]) -> dict[str, Property]:
    """Parameters given flat next to `type` and nested under `nested_key`; Olive keeps the nested one."""
    params: dict[str, Property] = {}
    if node is None or not node.is_object:
        return params
    for prop in node.properties:
        if prop.key not in declared:
            params[prop.key] = prop
    nested = node.get(nested_key)
    if nested is not None and nested.is_object:
        for prop in nested.properties:
            params[prop.key] = prop
    return params


def _str(node: Node | None) -> str | None:
    return node.value if node is not None and node.kind == "string" else None


@dataclass
class TypedEntry:
    """An object with a `type` and flattened parameters: the input model, a system, a pass."""

    name: str
    node: Node
    name_node: Node | None
    type_node: Node | None
    params: dict[str, Property]

    @property
    def type_name(self) -> str | None:
        return _str(self.type_node)

    def param_value(self, key: str):
        prop = self.params.get(key)
        return prop.value.to_python() if prop is not None and prop.value is not None else None


@dataclass
class PassEntry(TypedEntry):
    # Position within a list of alternatives (`"passes": {"q": [{...}, {...}]}`), None for a plain object.
    alternative: int | None = None


@dataclass
class NamedEntry:
    name: str
    name_node: Node
    node: Node


@dataclass
class WorkflowView:
    root: Node
    input_model: TypedEntry | None = None
    systems: dict[str, TypedEntry] = field(default_factory=dict)
    evaluators: dict[str, NamedEntry] = field(default_factory=dict)
    data_configs: list[NamedEntry] = field(default_factory=list)
    passes: list[PassEntry] = field(default_factory=list)
    # Engine settings, from `engine` and from the top level (RunConfig flattens unknown keys into engine).
    engine_params: dict[str, Property] = field(default_factory=dict)
    # What is derived from the view alone (its systems, ...), kept with it: a view is never changed once built.
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)  # not shared by replace()
    # The view this one is restricted from (restricted_to), whose `passes` are every pass; None: this is that view.
    _whole: WorkflowView | None = field(default=None, repr=False, compare=False)

    @property
    def whole(self) -> WorkflowView:
        """The view of every pass, also from a restricted view (the model-kind flow follows them all)."""
        return self if self._whole is None else self._whole

    def restricted_to(self, entries: list[PassEntry]) -> WorkflowView:
        """The same view with `passes` listing only `entries`: what an entry-scoped rule is asked about
        (rules/incremental.py)."""
        return replace(self, passes=list(entries), _whole=self.whole)

    def derived(self, name: str, build):
        """build(view), computed once for this view."""
        if name not in self._derived:
            self._derived[name] = build(self)
        return self._derived[name]

    def forget(self) -> None:
        """Drop what was derived: completion's probe changes a value in place (the target's name, say) between asks."""
        self._derived.clear()

    @property
    def data_config_names(self) -> set[str]:
        return {entry.name for entry in self.data_configs}

    def engine_value(self, key: str):
        prop = self.engine_params.get(key)
        return prop.value.to_python() if prop is not None and prop.value is not None else None


def build_view(root: Node) -> WorkflowView:
    """The view of a tree, built once per version: every request on one version of a document (completion, hover,
    symbols, the rules) asks for the same view, kept on the root node (Node.below; a tree carried over to the next
    version forgets it, and its unchanged passes keep their PassEntry)."""
    return root.below("workflow_view", _build_view)


def _pass_entry(prop: Property, node: Node, alternative: int | None) -> PassEntry:
    return PassEntry(prop.key, node, prop.key_node, node.get("type"), merged_params(node, "config", PASS_DECLARED_KEYS), alternative)


def _build_view(root: Node) -> WorkflowView:
    view = WorkflowView(root=root)
    model = root.get("input_model")
    if model is not None and model.is_object:
        view.input_model = TypedEntry("input_model", model, None, model.get("type"), merged_params(model, "config", MODEL_DECLARED_KEYS))

    systems = root.get("systems")
    if systems is not None and systems.is_object:
        for prop in systems.properties:
            if prop.value is not None and prop.value.is_object:
                view.systems[prop.key] = TypedEntry(
                    prop.key, prop.value, prop.key_node, prop.value.get("type"), merged_params(prop.value, "config", SYSTEM_DECLARED_KEYS)
                )

    evaluators = root.get("evaluators")
    if evaluators is not None and evaluators.is_object:
        for prop in evaluators.properties:
            if prop.value is not None:
                view.evaluators[prop.key] = NamedEntry(prop.key, prop.key_node, prop.value)

    data_configs = root.get("data_configs")
    if data_configs is not None and data_configs.is_array:
        for item in data_configs.items:
            name_node = item.get("name") if item.is_object else None
            if name_node is not None and isinstance(name_node.value, str):
                view.data_configs.append(NamedEntry(name_node.value, name_node, item))

    passes = root.get("passes")
    if passes is not None and passes.is_object:
        for prop in passes.properties:
            value = prop.value
            if value is None:
                continue
            alternatives = [(None, value)] if value.is_object else [(i, v) for i, v in enumerate(value.items) if v.is_object]
            for alternative, node in alternatives:
                # Kept on the entry's node (Node.below) while its text is unchanged: a keystroke in one pass of a
                # thousand builds one entry again. Its name and name node are the property's, whose value the node
                # stays while the property stands (a renamed key is scanned again with its object).
                view.passes.append(node.below(("pass_entry", prop.key, alternative), lambda node, prop=prop, alternative=alternative: _pass_entry(prop, node, alternative)))

    for prop in root.properties:
        if prop.key not in RUN_CONFIG_KEYS:
            view.engine_params[prop.key] = prop
    engine = root.get("engine")
    if engine is not None and engine.is_object:
        for prop in engine.properties:
            view.engine_params[prop.key] = prop
    return view
