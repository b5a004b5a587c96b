"""What Olive's engine, search and workflow do with config values at run time (OLV520-OLV529, OLV541).

Rows G006-G020 of docs/olive-runtime-checks.md (Part 2) (olive/engine/engine.py, olive/search/search_strategy.py,
olive/workflows/run/run.py, olive/logging.py in olive-ai 0.13.0).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from olive_ls.model.component_behaviour import (
    JOINT_ONLY_SEARCH_OPTIONS,
    component_behaviour,
)
from olive_ls.rules.registry import (
    ERROR,
    INFORMATION,
    WARNING,
    Finding,
    RuleContext,
    rule,
)
from olive_ls.rules.runtime_common import (
    effective_priorities,
    engine_evaluator,
    evaluator_nodes,
    metrics,
    objects,
    search_on,
    string,
    truthy,
)

# Suffixes of files an output_dir may deliberately name (Olive then saves the model as that file).
FILE_SUFFIXES = (".onnx", ".zip", ".bin", ".pt", ".pth", ".safetensors")
DEFAULT_SEARCH = {"execution_order": "joint", "sampler": "tpe"}


@rule("OLV520", "no-passes-nothing-to-do", "No passes and nothing to evaluate: Olive fails with KeyError: None and exits 0.", ERROR)
def no_passes(ctx: RuleContext):
    """With no passes, Olive 0.13.0's engine still looks up the evaluator for a pass named None
    (engine.py:587-588, 638): the KeyError is caught as a failed run ("Failed to run Olive on cpu."), the workflow
    ends with "No output model produced." and `olive run` exits 0. Only an engine evaluator with
    evaluate_input_model left true gives a passes-free config something to do. Add a pass, or an evaluator."""
    root = ctx.doc.root
    prop = root.prop("passes")
    if prop is not None and prop.value is not None and not (prop.value.is_object or prop.value.kind == "null"):
        return  # malformed: the schema rule's
    if prop is not None and prop.value is not None and prop.value.is_object and prop.value.properties:
        return
    if root.prop("input_model") is None:
        return
    evaluate_input = ctx.view.engine_value("evaluate_input_model")
    if engine_evaluator(ctx) is not None and evaluate_input is not False:
        return
    target = prop if prop is not None else root.prop("input_model")
    why = "no evaluator" if engine_evaluator(ctx) is None else "evaluate_input_model is false"
    yield Finding.at(
        target,
        f"No passes and {why}: Olive {ctx.catalog.version} fails with KeyError: None and exits 0 with no output model",
        detail="The engine looks up the evaluator of a pass that does not exist (engine.py:587, 638); the error is "
        "caught as 'Failed to run Olive on cpu.', then 'No output model produced.', and `olive run` exits 0. Add a "
        "pass under passes, or an engine evaluator (with evaluate_input_model true) to only evaluate the model."
        + (" An evaluators section alone is not used: \"evaluator\": \"<name>\" picks the engine's." if ctx.view.evaluators and engine_evaluator(ctx) is None else ""),
    )


@rule("OLV521", "search-strategy-true", "search_strategy: true crashes Olive 0.13.0 when the engine is created.", ERROR)
def search_strategy_true(ctx: RuleContext):
    """The schema allows a boolean, but Olive 0.13.0's Engine validates `search_strategy` as a SearchStrategyConfig
    (engine.py:63, search_strategy.py:106): `true` raises ValueError: Invalid config class. Expected
    SearchStrategyConfig but got bool. Give an object with execution_order and sampler."""
    prop = ctx.view.engine_params.get("search_strategy")
    if prop is None or prop.value is None or prop.value.kind != "boolean" or prop.value.value is not True:
        return
    yield Finding.at(
        prop.value,
        "search_strategy: true crashes Olive 0.13.0: give an object with execution_order and sampler",
        detail="Engine creation validates it as a SearchStrategyConfig and raises ValueError: Invalid config class. "
        "Expected SearchStrategyConfig but got bool (search_strategy.py:106). Write "
        '{"execution_order": "joint", "sampler": "tpe"} instead.',
        fix={"title": "Replace with {execution_order: joint, sampler: tpe}", "replace_value": [DEFAULT_SEARCH]},
    )


@rule("OLV522", "search-without-execution-order", "search_strategy has no execution_order: the search fails when it starts.", ERROR)
def search_without_execution_order(ctx: RuleContext):
    """search_strategy.execution_order defaults to None, and SearchStrategy.initialize raises ValueError:
    Unsupported execution order: None (search_strategy.py:168) once the input model has been evaluated."""
    prop = ctx.view.engine_params.get("search_strategy")
    if prop is None or prop.value is None or not prop.value.is_object or not prop.value.properties:
        return
    node = prop.value.get("execution_order")
    if node is not None and node.kind != "null":
        return
    orders = component_values(ctx, "execution_orders") or ("joint", "pass-by-pass")
    yield Finding.at(
        prop,
        "search_strategy needs execution_order (joint or pass-by-pass): Olive fails with Unsupported execution order: None",
        detail="The default is None; the search raises ValueError: Unsupported execution order: None "
        f"(search_strategy.py:168) after the input model is evaluated. Add \"execution_order\": one of {', '.join(orders)}.",
        fix={"title": 'Add "execution_order": "joint"', "add_keys": ["execution_order"], "values": {"execution_order": "joint"},
             "object_path": prop.value.path()},
    )


def component_values(ctx: RuleContext, name: str) -> tuple[str, ...]:
    return ctx.model.value_set(name)


@rule("OLV523", "joint-only-search-option", "stop_when_goals_met/max_iter/max_time with pass-by-pass: Olive ignores it.", WARNING)
def joint_only_search_option(ctx: RuleContext):
    """SearchStrategyConfig resets stop_when_goals_met, max_iter and max_time to their defaults unless
    execution_order is joint (search_strategy.py:72), logging only at info level: "X is only supported for joint
    execution order. Ignoring..."."""
    prop = ctx.view.engine_params.get("search_strategy")
    if prop is None or prop.value is None or not prop.value.is_object:
        return
    order = string(prop.value.get("execution_order"))
    if order is None or order == "joint":
        return
    for key in JOINT_ONLY_SEARCH_OPTIONS:
        option = prop.value.prop(key)
        if option is None or not truthy(option.value):
            continue
        yield Finding.at(
            option,
            f"{key} only works with execution_order joint: Olive ignores it with {order}",
            detail=f"search_strategy.py:72 resets {key} to its default for any other execution order and logs only "
            f"'{key} is only supported for joint execution order. Ignoring...' at info level. Use "
            '"execution_order": "joint", or drop it.',
            fix={"title": f"Remove {key}", "delete_property": True},
        )


@rule("OLV524", "pass-alternatives-without-search", "A pass given as a list while search is off: only the first entry runs.", WARNING)
def pass_alternatives_without_search(ctx: RuleContext):
    """Without a search strategy the engine runs `passes_configs[0]` of each pass (engine.py:306) and drops the
    other alternatives silently. Enable search_strategy to try them, or keep one."""
    if search_on(ctx):
        return
    for entry in ctx.view.passes:
        if entry.alternative is None or entry.alternative == 0:
            continue
        yield Finding.at(
            entry.node,
            f"Without search, only the first alternative of pass '{entry.name}' runs: Olive ignores this one",
            detail="With no search_strategy the engine uses passes_configs[0] of each pass (engine.py:306); the other "
            "entries of the list are dropped without a log line. Set a search_strategy (with an evaluator) to try "
            "the alternatives, or keep only the one you want.",
        )


@rule("OLV525", "evaluate-input-model-without-evaluator", "evaluate_input_model has no effect without an evaluator.", WARNING)
def evaluate_input_model_without_evaluator(ctx: RuleContext):
    """engine.py:260 skips the input model evaluation when there is no engine evaluator, with a debug line only."""
    prop = ctx.view.engine_params.get("evaluate_input_model")
    if prop is None or prop.value is None or prop.value.kind != "boolean" or prop.value.value is not True:
        return
    if engine_evaluator(ctx) is not None:
        return
    yield Finding.at(
        prop.value,
        "evaluate_input_model has no effect without an evaluator: Olive skips the evaluation",
        detail="With no engine evaluator, engine.py:260 logs 'evaluate_input_model is True but no evaluator provided. "
        "Skipping input model evaluation.' at debug level. Add \"evaluator\": \"<name>\" or drop the key.",
        fix={"title": "Remove evaluate_input_model", "delete_property": True},
    )


@rule("OLV526", "output-dir-with-suffix", "output_dir with a suffix is taken as a file path: footprints and run history go to its parent.", INFORMATION)
def output_dir_with_suffix(ctx: RuleContext):
    """Olive treats output_dir as a file path when it has a suffix and is not an existing directory
    (engine.py:199-203, 259): the output model is still saved at output_dir, but footprint.json,
    output_footprint.json, model_config.json and run_history.txt are written to its parent, where configs sharing
    that parent overwrite each other's. A dot in a model name (qwen2.5, llama3.1) is such a suffix."""
    prop = ctx.view.engine_params.get("output_dir")
    value = string(prop.value) if prop is not None else None
    if not value:
        return
    suffix = PurePosixPath(value.replace("\\", "/")).suffix
    if not suffix or suffix.lower() in FILE_SUFFIXES:
        return  # a model file name (out/model.onnx): the file path Olive's rule is meant for
    if ctx.file_path is not None:
        candidate = Path(value) if Path(value).is_absolute() else ctx.file_path.parent / value
        try:
            if candidate.is_dir():
                return
        except OSError:
            return
    parent = str(PurePosixPath(value.replace("\\", "/")).parent)
    yield Finding.at(
        prop.value,
        f"output_dir '{value}' has the suffix '{suffix}': Olive puts footprints and run history in '{parent}', not in it",
        detail="engine.py:199 treats an output_dir with a suffix that is not an existing directory as a file path: the "
        f"model is saved there, but footprint.json, output_footprint.json, model_config.json and run_history.txt go to "
        f"'{parent}' (and overwrite those of other runs writing there). Rename it without the dot, or create the "
        "folder before the run.",
    )


@rule("OLV527", "log-level-out-of-range", "A log severity level outside 0-4: Olive raises before the engine starts.", ERROR)
def log_level_out_of_range(ctx: RuleContext):
    """olive/logging.py:60 accepts 0 (DEBUG) to 4 (CRITICAL) only: ValueError: Invalid level X, should be one of
    [0, 1, 2, 3, 4] (run.py:103, 177)."""
    behaviour = component_behaviour(ctx.model)
    levels = behaviour.log_levels if behaviour else ()
    if not levels:
        return
    for key in ("log_severity_level", "ort_py_log_severity_level"):
        prop = ctx.view.engine_params.get(key)
        node = prop.value if prop is not None else None
        if node is None or node.kind != "number" or isinstance(node.value, bool) or node.value in levels:
            continue
        yield Finding.at(
            node,
            f"{key} {node.value} is not a level Olive knows: it raises Invalid level {node.value} before the run",
            detail=f"olive/logging.py accepts {list(levels)} (0 DEBUG, 1 INFO, 2 WARNING, 3 ERROR, 4 CRITICAL) and raises "
            f"ValueError: Invalid level {node.value}, should be one of {list(levels)}.",
            fix={"title": "Replace with", "replace_value": [max(min(int(node.value), max(levels)), min(levels))]},
        )


@rule("OLV528", "goal-needs-engine-evaluator", "A non-threshold goal in a pass evaluator needs an engine evaluator.", ERROR)
def goal_needs_engine_evaluator(ctx: RuleContext):
    """Relative goals (min-improvement, max-degradation and their percent forms) are resolved against the input
    model evaluated with the engine's evaluator: without one, engine.py:540 asserts "Default evaluator must be
    provided to resolve goals"."""
    if engine_evaluator(ctx) is not None:
        return
    for where, evaluator in evaluator_nodes(ctx):
        if not where.startswith("passes."):
            continue
        priorities = effective_priorities(evaluator)
        for metric in metrics(evaluator):
            for sub in objects(metric.get("sub_types")):
                goal = sub.get("goal")
                goal_type = string(goal.get("type")) if goal is not None and goal.is_object else None
                if goal_type is None or goal_type == "threshold" or priorities.get(id(sub), -1) <= 0:
                    continue
                yield Finding.at(
                    goal.get("type"),
                    f"A {goal_type} goal needs a baseline from the engine's evaluator: Olive asserts without one",
                    detail="Relative goals are resolved against the input model evaluated with the engine evaluator; "
                    "with none, engine.py:540 raises AssertionError: Default evaluator must be provided to resolve "
                    "goals. Add an engine evaluator, or use a threshold goal.",
                )


@rule("OLV541", "packaging-replaces-output-model", "With packaging_config, the best model is packaged, not saved to output_dir.", INFORMATION)
def packaging_replaces_output_model(ctx: RuleContext):
    """With a packaging_config the engine only generates the packaged artefacts (a zip, a Dockerfile context) in
    output_dir; the `save_model` of the best model to output_dir (its model folder and model_config.json) runs only
    without one (engine.py:220-234)."""
    prop = ctx.view.engine_params.get("packaging_config")
    if prop is None or prop.value is None or prop.value.kind == "null" or (prop.value.is_array and not prop.value.items):
        return
    yield Finding.at(
        prop,
        "With packaging_config Olive packages the output models and does not save the best model to output_dir.",
        detail="engine.py:220-234: generate_output_artifacts writes the packages into output_dir instead of "
        "cache.save_model(best model, output_dir); scripts that read the model from output_dir will not find it. "
        "Remove packaging_config to get the model folder.",
    )
