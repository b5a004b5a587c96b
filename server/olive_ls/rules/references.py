"""Reference and value rules (OLV5xx): names that must resolve, and the value sets of metrics, samplers, data.

Olive resolves string references in `RunConfig`'s before-validators (olive/workflows/run/config.py:282-445):
host/target against `systems`, evaluator against `evaluators`, every `*data_config` against `data_configs[].name`.
A failure there is followed by generic cascade lines (`Invalid engine`, `Invalid systems`...); these rules report
only the root cause, on the value that does not resolve.

Verified against olive-ai 0.13.0 in-process (RunConfig.model_validate), beyond the notes:
- inline data config objects are *accepted*: the 'Inline data configs are not supported' check tests the key's
  name, not its value, so it never fires (OLV504 is therefore a warning about what inline configs miss);
- a pass-level evaluator given by *name* crashes validation with AttributeError: Olive validates the pass as a
  RunPassConfig before resolving the name (OLV514);
- metric types and sub-types and evaluator types compare with case; data container and component types do not.
"""

from __future__ import annotations

import re
from typing import Iterator

from olive_ls.document.nodes import Node, Property
from olive_ls.model.names import DATA_CONFIG, EVALUATOR, SYSTEM, NameIndex, Reference, evaluator_configs, name_index
from olive_ls.model.olive import metric_sub_types
from olive_ls.rules.registry import ERROR, WARNING, Finding, RuleContext, rule
from olive_ls.suggest import did_you_mean, one_of

DATA_CONFIG_NAME = re.compile(r"^[A-Za-z0-9_]+$")
# Olive versions whose RunConfig crashes on a pass-level evaluator given by name (verified: 0.13.0).
PASS_EVALUATOR_NAME_CRASH = {"0.13.0"}
LLM_DEFAULT_TASK = "text-generation-with-past"
DUMMY_DATA_CONFIG = {"name": "dummy", "type": "TransformersTokenDummyDataContainer"}
# data config key -> catalog data_components key
COMPONENT_KEYS = {
    "load_dataset_config": "load_dataset",
    "pre_process_data_config": "pre_process_data",
    "post_process_data_config": "post_process_data",
    "dataloader_config": "dataloader",
}


def _string(node: Node | None) -> str | None:
    return node.value if node is not None and node.kind == "string" and isinstance(node.value, str) else None


def _olive_dict(names: list[str]) -> str:
    return "{" + ", ".join(f"'{name}': ..." for name in names) + "}"


def _defined(names: list[str], section: str) -> str:
    if not names:
        return f"the config has no {section}"
    return f"{section} defines {one_of(sorted(names))}"


def _replace_fix(suggestions: list[str]) -> dict | None:
    return {"title": "Replace with", "replace_value": suggestions} if suggestions else None


# ---------------------------------------------------------------------------------------------------------------
# Names (OLV501-504, OLV514): what each reference place is and where Olive resolves it is model/names.py's.


def _names(ctx: RuleContext) -> NameIndex:
    return name_index(ctx.view, ctx.model)


def _unresolved(index: NameIndex, kind: str) -> Iterator[tuple[Reference, list[str]]]:
    """References by name of this kind that name nothing, with the names there are (none when the section is
    malformed: the schema rules say so)."""
    names = index.names(kind)
    if names is None:
        return
    for reference in index.references_of(kind):
        if reference.name is not None and reference.name not in names:
            yield reference, names


# ---------------------------------------------------------------------------------------------------------------
# OLV501 systems


@rule("OLV501", "unknown-system", "host or target names no entry of `systems`.", ERROR)
def unknown_system(ctx: RuleContext):
    for reference, names in _unresolved(_names(ctx), SYSTEM):
        name = reference.name
        hint, suggestions = did_you_mean(name, names)
        yield Finding.at(
            reference.node,
            f"{reference.where} '{name}' is not a system: {_defined(names, 'systems')}. Olive rejects the config: "
            f"{name} not found in {_olive_dict(names)}.{hint}"
            + ("" if names else " Define it under systems, or remove it to use the local CPU system."),
            fix=_replace_fix(suggestions),
        )


# ---------------------------------------------------------------------------------------------------------------
# OLV502 / OLV514 evaluators


@rule("OLV502", "unknown-evaluator", "evaluator names no entry of `evaluators`.", ERROR)
def unknown_evaluator(ctx: RuleContext):
    for reference, names in _unresolved(_names(ctx), EVALUATOR):
        name = reference.name
        hint, suggestions = did_you_mean(name, names)
        message = (
            f"{reference.where} '{name}' is not an evaluator: {_defined(names, 'evaluators')}. Olive rejects the config: "
            f"{name} not found in {_olive_dict(names)}.{hint}"
        )
        if reference.at_pass and str(ctx.catalog.version) in PASS_EVALUATOR_NAME_CRASH:
            message += (
                f" (Olive {ctx.catalog.version} also cannot take a pass evaluator by name at all: see OLV514; set "
                "the evaluator at the engine level instead.)"
            )
        yield Finding.at(reference.node, message, fix=_replace_fix(suggestions))


@rule(
    "OLV514",
    "pass-evaluator-by-name",
    "A pass-level evaluator given by name: Olive 0.13.0 crashes with AttributeError before resolving it.",
    ERROR,
)
def pass_evaluator_by_name(ctx: RuleContext):
    if str(ctx.catalog.version) not in PASS_EVALUATOR_NAME_CRASH:
        return
    index = _names(ctx)
    names = index.names(EVALUATOR) or []
    for reference in index.references_of(EVALUATOR):
        name = reference.name
        if not reference.at_pass or name is None or name not in names:
            continue  # an unknown name is OLV502's
        yield Finding.at(
            reference.node,
            f"Olive {ctx.catalog.version} cannot resolve a pass evaluator given by name: it validates the pass before "
            f"looking '{name}' up in evaluators, reads the name as an evaluator config and crashes with "
            "AttributeError: 'str' object has no attribute 'get' (olive_evaluator.py validate_type). Set "
            f"\"evaluator\": \"{name}\" at the top level (the engine's evaluator) instead, or write the evaluator inline here.",
        )


# ---------------------------------------------------------------------------------------------------------------
# Data config references (OLV503, OLV504)


def _evaluator_nodes(ctx: RuleContext) -> Iterator[tuple[str, Node]]:
    """Every evaluator config: the evaluators section and inline engine and pass evaluators."""
    for where, node, _ in evaluator_configs(ctx.view):
        yield where, node


def _metrics(evaluator: Node) -> Iterator[Node]:
    metrics = evaluator.get("metrics")
    if metrics is not None and metrics.is_array:
        for metric in metrics.items:
            if metric.is_object:
                yield metric


@rule("OLV503", "unknown-data-config", "A *data_config reference names no entry of `data_configs`.", ERROR)
def unknown_data_config(ctx: RuleContext):
    for reference, names in _unresolved(_names(ctx), DATA_CONFIG):
        name = reference.name
        hint, suggestions = did_you_mean(name, names)
        yield Finding.at(
            reference.node,
            f"{reference.where} '{name}' is not a data config: "
            + (f"data_configs has {one_of(names)}" if names else "the config has no data_configs")
            + f". Olive rejects the config: {name} not found in {_olive_dict(names)}.{hint}",
            fix=_replace_fix(suggestions),
        )


@rule(
    "OLV504",
    "inline-data-config",
    "A data config written inline where Olive's docs ask for the name of a data_configs entry.",
    WARNING,
)
def inline_data_config(ctx: RuleContext):
    for reference in _names(ctx).references_of(DATA_CONFIG):
        where, node = reference.where, reference.node
        if node is None or not node.is_object:
            continue
        container = _string(node.get("type")) or "DataContainer"
        message = (
            f"{where} is an inline data config. Olive {ctx.catalog.version} lets it through (its 'Inline data configs "
            "are not supported. Define the config under 'data_configs' and use its name here.' check looks at the key, "
            "not the value, so it never fires), but only data_configs entries get model_name, task and "
            "trust_remote_code filled in from input_model, and a later Olive may enforce the rule. Move it to "
            "data_configs and refer to it by name."
        )
        if container.lower() in ("huggingfacecontainer",) or container.lower().startswith("transformers"):
            message += f" A {container} left without model_name fails when the data is loaded."
        yield Finding.at(node, message)


# ---------------------------------------------------------------------------------------------------------------
# data_configs entries (OLV505, OLV506, OLV512)


def _data_config_items(ctx: RuleContext) -> Iterator[Node]:
    root = ctx.doc.root
    node = root.get("data_configs")
    if node is not None and node.is_array:
        for item in node.items:
            if item.is_object:
                yield item


@rule("OLV505", "duplicate-data-config", "Two data_configs entries with the same name.", ERROR)
def duplicate_data_config(ctx: RuleContext):
    seen: set[str] = set()
    for item in _data_config_items(ctx):
        node = item.get("name")
        name = _string(node)
        if name is None:
            continue
        if name in seen:
            yield Finding.at(
                node,
                f"Data config name {name} is duplicated. Please use another name. (Olive rejects the config; every "
                "data_configs entry needs its own name.)",
            )
        seen.add(name)


@rule("OLV506", "invalid-data-config-name", "A data config name with characters other than letters, digits and '_'.", ERROR)
def invalid_data_config_name(ctx: RuleContext):
    for item in _data_config_items(ctx):
        node = item.get("name")
        name = _string(node)
        if name is None or DATA_CONFIG_NAME.match(name):
            continue
        fixed = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_") or "data"
        yield Finding.at(
            node,
            f"DataConfig name {name} should only contain letters, numbers and underscore. (Olive rejects the config; "
            f"rename it, e.g. '{fixed}', and every reference to it.)",
            fix={"title": f"Rename to '{fixed}'", "replace_value": [fixed]},
        )


@rule("OLV512", "unknown-data-component", "Unknown data container type or data component type.", ERROR)
def unknown_data_component(ctx: RuleContext):
    containers = list(ctx.model.value_set("data_containers"))
    components = ctx.model.data_components
    for item in _data_config_items(ctx):
        if _string(item.get("user_script")):
            continue  # a user script can register its own containers and components
        type_node = item.get("type")
        type_name = _string(type_node)
        if type_name is not None and containers and type_name.lower() not in {c.lower() for c in containers}:
            hint, suggestions = did_you_mean(type_name, containers)
            yield Finding.at(
                type_node,
                f"Unknown data container type '{type_name}': Olive fails with a bare KeyError: '{type_name.lower()}'. "
                f"Known: {one_of(containers)}.{hint}",
                fix=_replace_fix(suggestions),
            )
        for key, category in COMPONENT_KEYS.items():
            known = components.get(category)
            component = item.get(key)
            if not known or component is None or not component.is_object:
                continue
            comp_type = component.get("type")
            comp_name = _string(comp_type)
            if comp_name is None or comp_name.lower() in {k.lower() for k in known}:
                continue
            hint, suggestions = did_you_mean(comp_name, known)
            yield Finding.at(
                comp_type,
                f"Unknown {category} component '{comp_name}' in {key}: Olive fails with a bare KeyError: "
                f"'{comp_name.lower()}'. Known: {one_of(sorted(known))}. A custom component needs a user_script that "
                f"registers it.{hint}",
                fix=_replace_fix(suggestions),
            )


# ---------------------------------------------------------------------------------------------------------------
# Search (OLV507, OLV511)


def _search_strategy(ctx: RuleContext) -> Property | None:
    prop = ctx.view.engine_params.get("search_strategy")
    return prop if prop is not None and prop.value is not None else None


def _is_set(node: Node) -> bool:
    """Python truthiness, as Olive's `if v.get("search_strategy")`."""
    if node.kind == "boolean":
        return bool(node.value)
    if node.is_object:
        return bool(node.properties)
    if node.is_array:
        return bool(node.items)
    if node.kind == "string":
        return bool(node.value)
    if node.kind == "number":
        return bool(node.value)
    return False


@rule("OLV507", "search-without-evaluator", "search_strategy is on but the engine has no evaluator.", ERROR)
def search_without_evaluator(ctx: RuleContext):
    prop = _search_strategy(ctx)
    if prop is None or not _is_set(prop.value):
        return
    evaluator = ctx.view.engine_params.get("evaluator")
    if evaluator is not None and evaluator.value is not None and _is_set(evaluator.value):
        return
    names = _names(ctx).names(EVALUATOR) or []
    how = (
        f"Set \"evaluator\": \"{names[0]}\" at the top level (or in engine)"
        if names
        else "Add an evaluator (evaluators section plus \"evaluator\": \"<name>\")"
    )
    yield Finding.at(
        prop,
        "Can't search without a valid evaluator config. Either provider a valid evaluator config or disable search. "
        f"(Olive rejects the config: search needs the engine's evaluator to compare candidates; pass evaluators do not "
        f"count.) {how}, or set \"search_strategy\": false.",
    )


@rule("OLV511", "unknown-sampler", "search_strategy.sampler is not a known sampler (tpe, random, sequential).", ERROR)
def unknown_sampler(ctx: RuleContext):
    prop = _search_strategy(ctx)
    if prop is None or not prop.value.is_object or not prop.value.properties:
        return
    samplers = sorted(ctx.model.samplers) or ["random", "sequential", "tpe"]
    sampler = prop.value.prop("sampler")
    if sampler is None:
        if prop.value.prop("search_algorithm") is not None:
            return  # the old key: the legacy rules explain the rename
        yield Finding.at(
            prop,
            "search_strategy has no sampler: Olive crashes while validating it with a bare KeyError: None "
            f"(search_strategy.py:63). Add \"sampler\": one of {one_of(samplers)}.",
            fix={"title": "Add \"sampler\": \"tpe\"", "add_keys": ["sampler"], "object_path": prop.value.path()},
        )
        return
    node = sampler.value
    if node is None:
        return
    name = node.value if node.kind == "string" else None
    if name in samplers:
        return
    shown = name if name is not None else node.to_python()
    hint, suggestions = did_you_mean(str(name), samplers) if name is not None else ("", [])
    if name is not None and name.lower() == "exhaustive":
        hint, suggestions = " The old 'exhaustive' search algorithm is the 'sequential' sampler now.", ["sequential"]
    yield Finding.at(
        node,
        f"Unknown sampler: {shown}. Olive rejects the config; samplers are {one_of(samplers)} (with case).{hint}",
        fix=_replace_fix(suggestions),
    )


# ---------------------------------------------------------------------------------------------------------------
# Passes that need data (OLV508)


@rule("OLV508", "pass-needs-data", "A pass that needs a dataset has no data config.", ERROR)
def pass_needs_data(ctx: RuleContext):
    for entry in ctx.view.passes:
        type_name = entry.type_name
        spec = ctx.model.pass_spec(type_name) if type_name else None
        if spec is None or not spec.needs_data:
            continue
        data_params = [name for name, p in spec.parameters.items() if p.is_data_config]
        if any(spec.parameters[name].required for name in data_params):
            continue  # a required *data_config parameter: the passes rules report it missing
        given = [
            prop for key, prop in entry.params.items() if key.endswith("data_config") and prop.value is not None and prop.value.kind != "null"
        ]
        if given:
            continue
        param = "data_config" if "data_config" in data_params else (data_params[0] if data_params else "data_config")
        names = sorted(ctx.view.data_config_names)
        use = f"\"{param}\": \"{names[0]}\"" if names else f"a data_configs entry and \"{param}\": \"<its name>\""
        canonical = ctx.model.canonical_pass_name(type_name) or type_name
        yield Finding.at(
            entry.type_node,
            f"{canonical} needs data (its Olive metadata says dataset_required: e.g. calibration samples) but pass "
            f"'{entry.name}' has no {param}; the pass fails when it runs. Add {use}.",
        )


# ---------------------------------------------------------------------------------------------------------------
# Metrics (OLV509, OLV510) and evaluator types (OLV513)


def _llm_input_model(ctx: RuleContext) -> str | None:
    """The task when the input model is an HfModel for text generation (Olive's default task), else None."""
    model = ctx.view.input_model
    if model is None or not isinstance(model.type_name, str) or model.type_name.lower() != "hfmodel":
        return None
    task = model.param_value("task")
    if task is None:
        return LLM_DEFAULT_TASK
    if isinstance(task, str) and task.startswith("text-generation"):
        return task
    return None


def _used_evaluator_nodes(ctx: RuleContext) -> Iterator[Node]:
    """The evaluator configs the engine and the passes use: inline, or the `evaluators` entry they name."""
    index = _names(ctx)
    seen: set[int] = set()
    for reference in index.references_of(EVALUATOR):
        node = reference.node
        if reference.name is not None:
            entry = ctx.view.evaluators.get(reference.name)
            node = entry.node if entry is not None else None
        if node is not None and node.is_object and id(node) not in seen:
            seen.add(id(node))
            yield node


def _free_name(taken: set[str], base: str) -> str:
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    return name


@rule(
    "OLV509",
    "llm-latency-without-data",
    "A latency/throughput metric without data_config on a text-generation HfModel: Olive cannot make dummy inputs.",
    ERROR,
)
def llm_latency_without_data(ctx: RuleContext):
    task = _llm_input_model(ctx)
    if task is None:
        return
    taken = ctx.view.data_config_names
    for evaluator in _used_evaluator_nodes(ctx):
        for metric in _metrics(evaluator):
            type_node = metric.get("type")
            kind = _string(type_node)
            if kind not in ("latency", "throughput"):
                continue
            data_config = metric.get("data_config")
            if data_config is not None and data_config.kind != "null":
                continue
            name = _free_name(taken, DUMMY_DATA_CONFIG["name"])
            yield Finding.at(
                type_node,
                f"A {kind} metric needs input data, and this one has no data_config. For an HfModel with task {task} "
                "Olive cannot make dummy inputs itself: \"Model input shapes are not static. Cannot use inferred input "
                "shapes for creating dummy data...\" followed by TypeError: object of type 'NoneType' has no len(). "
                f"Add a data config {{\"name\": \"{name}\", \"type\": \"TransformersTokenDummyDataContainer\"}} and "
                f"set \"data_config\": \"{name}\" on the metric.",
                fix={
                    "title": f"Add data config '{name}' (TransformersTokenDummyDataContainer) and use it",
                    "add_data_config": dict(DUMMY_DATA_CONFIG, name=name),
                    "metric_path": metric.path(),
                },
            )


@rule("OLV510", "unknown-metric-type", "Unknown metric type, or a sub_type that the metric type does not have.", ERROR)
def unknown_metric_type(ctx: RuleContext):
    metric_types = metric_sub_types(ctx.model)
    if not metric_types:
        return
    for where, evaluator in _evaluator_nodes(ctx):
        yield from _metric_names_instead_of_objects(ctx, where, evaluator)
        for metric in _metrics(evaluator):
            type_node = metric.get("type")
            kind = _string(type_node)
            if kind is None:
                continue
            if kind not in metric_types:
                hint, suggestions = did_you_mean(kind, list(metric_types))
                lowered = kind.lower()
                if lowered in metric_types:
                    hint, suggestions = f" Olive compares with case: write '{lowered}'.", [lowered]
                yield Finding.at(
                    type_node,
                    f"Unknown metric type '{kind}': Olive rejects the evaluator (Invalid type, or a bare KeyError: "
                    f"'type' from metric.py). Metric types are {one_of(metric_types)}; anything else needs type "
                    f"custom with a user_script.{hint}",
                    fix=_replace_fix(suggestions),
                )
                continue
            allowed = metric_types.get(kind) or []
            backend = _string(metric.get("backend")) or "torch_metrics"
            if kind == "custom" or not allowed or backend != "torch_metrics":
                continue
            sub_types = metric.get("sub_types")
            if sub_types is None or not sub_types.is_array:
                continue
            for sub in sub_types.items:
                name_node = sub.get("name") if sub.is_object else None
                name = _string(name_node)
                if name is None or name in allowed:
                    continue
                hint, suggestions = did_you_mean(name, allowed)
                if name.lower() in allowed:
                    hint, suggestions = f" Olive compares with case: write '{name.lower()}'.", [name.lower()]
                members = "[" + ", ".join(f"'{a.upper()}'" for a in allowed) + "]"
                yield Finding.at(
                    name_node,
                    f"sub_type {name} is not in {members} for {kind} metric: Olive rejects the evaluator. Use one of "
                    f"{one_of(allowed)}.{hint}",
                    fix=_replace_fix(suggestions),
                )


def _metric_names_instead_of_objects(ctx: RuleContext, where: str, evaluator: Node):
    """metrics: ["speech_accuracy"]: a name where Olive needs a metric object."""
    metrics = evaluator.get("metrics")
    if metrics is None or not metrics.is_array:
        return
    root = ctx.doc.root
    top = root.get("metrics") if root is not None and root.is_object else None
    defined = {}
    if top is not None and top.is_array:
        for item in top.items:
            name = _string(item.get("name")) if item.is_object else None
            if name is not None:
                defined[name] = item
    for index, item in enumerate(metrics.items):
        name = _string(item)
        if name is None:
            continue
        message = (
            f"{where}.metrics[{index}] is the name '{name}', but Olive {ctx.catalog.version} needs a metric object here "
            f"({{\"name\", \"type\", \"sub_types\"...}}) and rejects the evaluator: Invalid type (input_value='{name}')."
        )
        if name in defined:
            message += (
                f" '{name}' is defined in a top-level metrics section, which Olive {ctx.catalog.version} does not have "
                "(engine.metrics: Extra inputs are not permitted); configs written for a newer Olive list metrics by "
                "name this way. Move that metric object here."
            )
        yield Finding.at(item, message)


@rule("OLV513", "unknown-evaluator-type", "An evaluator type that Olive does not have.", ERROR)
def unknown_evaluator_type(ctx: RuleContext):
    known = list(ctx.model.evaluator_types)
    if not known:
        return
    for where, evaluator in _evaluator_nodes(ctx):
        if _string(evaluator.get("user_script")):
            continue  # a user script can register its own evaluator type
        type_node = evaluator.get("type")
        name = _string(type_node)
        if name is None or name in known:
            continue
        hint, suggestions = did_you_mean(name, known)
        yield Finding.at(
            type_node,
            f"Invalid/unknown evaluator type: {name} (Olive rejects {where}; the type is compared with case). Known: "
            f"{one_of(known)}; leave it out for the framework's default evaluator.{hint}",
            fix=_replace_fix(suggestions),
        )
