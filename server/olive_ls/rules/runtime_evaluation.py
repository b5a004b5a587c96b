"""What Olive's evaluators and metrics do with config values (OLV530-OLV539, OLV595-OLV596).

Rows E004-E022 of docs/olive-runtime-checks.md (Part 2) (olive/evaluator/olive_evaluator.py, metric.py,
metric_config.py in olive-ai 0.13.0). Every evaluator config is checked, used or not: RunConfig validates them all.
"""

from __future__ import annotations

import copy

from olive_ls.model.component_behaviour import (
    ERROR_RATE_SUB_TYPES,
    HIGHER_IS_BETTER_DEFAULT,
    LATENCY_LIKE,
    NONNEGATIVE_GOALS,
    PERCENT_GOAL_RANGES,
    component_behaviour,
)
from olive_ls.rules.registry import ERROR, WARNING, Finding, RuleContext, rule
from olive_ls.rules.runtime_common import (
    boolean,
    effective_priorities,
    evaluator_nodes,
    metrics,
    number,
    objects,
    string,
    sub_types,
)
from olive_ls.suggest import did_you_mean, one_of


@rule("OLV530", "duplicate-metric-name", "Two metrics with the same name in one evaluator.", ERROR)
def duplicate_metric_name(ctx: RuleContext):
    """OliveEvaluatorConfig.validate_metrics asserts "Metric names must be unique" (olive_evaluator.py:2200)."""
    for where, evaluator in evaluator_nodes(ctx):
        seen: set[str] = set()
        for metric in metrics(evaluator):
            node = metric.get("name")
            name = string(node)
            if name is None:
                continue
            if name in seen:
                yield Finding.at(
                    node,
                    f"Metric name '{name}' is used twice in {where}: Olive asserts Metric names must be unique",
                    detail="olive_evaluator.py:2200 rejects the evaluator (AssertionError: Metric names must be unique). "
                    "Rename one of them, or merge their sub_types into one metric.",
                    fix={"title": "Rename to", "replace_value": [_free(seen, name)]},
                )
            seen.add(name)


def _free(taken: set[str], base: str) -> str:
    n = 2
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"


@rule("OLV531", "sub-type-priorities", "Several sub-types without priorities 1..N, each used once.", ERROR)
def sub_type_priorities(ctx: RuleContext):
    """With more than one sub-type across an evaluator's metrics Olive needs a `priority` on the ones to rank:
    with none anywhere it raises ValueError: Priority must be specified for multiple sub type metrics
    (olive_evaluator.py:2220); the priorities given (other than -1) must be exactly 1..N, each once (:2225).
    The quick fix numbers the sub-types in order."""
    for where, evaluator in evaluator_nodes(ctx):
        subs = [s for s in sub_types(evaluator) if s.name is not None]
        if len({s.key for s in subs}) <= 1:
            continue
        ranked = [s for s in subs if s.written_priority not in (None, -1)]
        if not ranked:
            prop = evaluator.prop("metrics")
            fixed = _numbered(prop.value.to_python()) if prop is not None else None
            yield Finding.at(
                prop,
                f"{where} has {len({s.key for s in subs})} sub-types and no priority: Olive raises Priority must be specified",
                detail="olive_evaluator.py:2220 raises ValueError: Priority must be specified for multiple sub type metrics. "
                "Give each sub-type to rank a priority 1, 2, ... (1 is the objective search optimises first).",
                fix={"title": "Number the sub-types' priorities 1..N", "replace_value": [fixed]} if fixed else None,
            )
            continue
        expected = set(range(1, len({s.key for s in ranked}) + 1))
        given = {s.written_priority for s in ranked}
        if given == expected:
            continue
        seen: set = set()
        for s in ranked:
            value = s.written_priority
            if value in expected and value not in seen:
                seen.add(value)
                continue
            yield Finding.at(
                s.node.get("priority"),
                f"Priority {value} breaks Olive's rule: priorities must be unique and in the range 1 to {len(expected)}",
                detail=f"olive_evaluator.py:2225 raises ValueError: Priorities must be unique and in the range 1 to N "
                f"(given {sorted(given)}, expected {sorted(expected)}). Number the ranked sub-types 1..{len(expected)}, "
                "each once; -1 leaves a sub-type unranked.",
            )
            seen.add(value)


def _numbered(value):
    if not isinstance(value, list):
        return None
    fixed = copy.deepcopy(value)
    n = 0
    for metric in fixed:
        if not isinstance(metric, dict):
            continue
        for sub in metric.get("sub_types") or []:
            if isinstance(sub, dict):
                n += 1
                sub["priority"] = n
    return fixed


@rule("OLV532", "ranked-custom-without-higher-is-better", "A ranked custom metric sub-type needs higher_is_better.", ERROR)
def ranked_custom_without_higher_is_better(ctx: RuleContext):
    """metric.py:178: a custom metric's sub-type with a priority other than -1 and no higher_is_better raises
    ValueError: higher_is_better must be specified for ranked custom metric."""
    for _, evaluator in evaluator_nodes(ctx):
        for sub in sub_types(evaluator):
            if sub.metric_type != "custom" or sub.written_priority in (None, -1) or sub.node.get("higher_is_better") is not None:
                continue
            yield Finding.at(
                sub.node.get("priority"),
                f"Ranked custom sub-type '{sub.name}' needs higher_is_better: Olive rejects the metric",
                detail="metric.py:178 raises ValueError: higher_is_better must be specified for ranked custom metric. "
                "Olive cannot guess whether a bigger value of your function is better.",
                fix={"title": 'Add "higher_is_better": true', "add_keys": ["higher_is_better"], "values": {"higher_is_better": True},
                     "object_path": sub.node.path()},
            )


def _user_config(metric):
    """A metric's user_config keys: nested under user_config or flat on the metric (Metric is a NestedConfig)."""
    props = {}
    for prop in metric.properties:
        if prop.key not in ("name", "type", "backend", "sub_types", "user_config", "data_config"):
            props[prop.key] = prop
    nested = metric.get("user_config")
    if nested is not None and nested.is_object:
        for prop in nested.properties:
            props[prop.key] = prop
    return props


@rule("OLV533", "custom-metric-function", "A custom metric without evaluate_func/metric_func, or one given by name without user_script.", ERROR)
def custom_metric_function(ctx: RuleContext):
    """A custom metric runs evaluate_func (the whole evaluation) or metric_func (on the model's outputs). With
    neither, olive_evaluator.py:236 raises ValueError: evaluate_func or metric_func is not specified in the metric
    config; given as a name, it is looked up in user_script, and without one config_utils.py:318 raises ValueError:
    user_script must be provided if evaluate_func is a name string."""
    for _, evaluator in evaluator_nodes(ctx):
        for metric in metrics(evaluator):
            type_node = metric.get("type")
            if string(type_node) != "custom":
                continue
            config = _user_config(metric)
            funcs = [config[k] for k in ("evaluate_func", "metric_func") if k in config and config[k].value is not None and config[k].value.kind != "null"]
            if not funcs:
                yield Finding.at(
                    type_node,
                    "A custom metric needs evaluate_func or metric_func: Olive fails when it evaluates",
                    detail="olive_evaluator.py:236 raises ValueError: evaluate_func or metric_func is not specified in the "
                    "metric config. Add \"user_config\": {\"user_script\": \"metric.py\", \"evaluate_func\": \"<function>\"}.",
                )
                continue
            script = config.get("user_script")
            if script is not None and string(script.value):
                continue
            for func in funcs:
                if string(func.value) is None:
                    continue
                yield Finding.at(
                    func.value,
                    f"{func.key} '{func.value.value}' is a name, but the metric has no user_script to find it in",
                    detail=f"config_utils.py:318 raises ValueError: user_script must be provided if {func.key} is a name "
                    "string. Add \"user_script\": \"<file>.py\" next to it (in user_config).",
                    fix={"title": 'Add "user_script"', "add_keys": ["user_script"], "values": {"user_script": "user_script.py"},
                         "object_path": func.value.parent.parent.path() if func.value.parent is not None and func.value.parent.parent is not None else None},
                )


def _higher_is_better(sub, metric_type: str | None) -> bool:
    written = boolean(sub.node.get("higher_is_better"))
    if written is not None:
        return written
    if metric_type == "accuracy" and sub.name in ERROR_RATE_SUB_TYPES:
        return False
    return HIGHER_IS_BETTER_DEFAULT.get(metric_type or "", False)


@rule("OLV534", "goal-value-out-of-range", "A goal value out of range for its goal type and higher_is_better.", ERROR)
def goal_value_out_of_range(ctx: RuleContext):
    """metric_config.py:94: a relative goal's value must be nonnegative. metric.py:106: a percent goal must lie in
    (0, 100) where the metric cannot move further (percent-max-degradation of a higher-is-better metric,
    percent-min-improvement of a lower-is-better one), and above 0 otherwise. higher_is_better defaults as Olive
    sets it: accuracy and throughput true (wer false), latency and size false."""
    for _, evaluator in evaluator_nodes(ctx):
        for sub in sub_types(evaluator):
            goal = sub.node.get("goal")
            if goal is None or not goal.is_object:
                continue
            goal_type = string(goal.get("type"))
            value_node = goal.get("value")
            value = number(value_node)
            if goal_type is None or value is None:
                continue
            hib = _higher_is_better(sub, sub.metric_type)
            if goal_type in NONNEGATIVE_GOALS and value < 0:
                yield Finding.at(
                    value_node,
                    f"A {goal_type} goal cannot be negative: Olive raises Value must be nonnegative",
                    detail=f"metric_config.py:94 raises ValueError: Value must be nonnegative for type {goal_type}. The "
                    "direction is given by higher_is_better; write the amount as a positive number.",
                    fix={"title": "Replace with", "replace_value": [abs(value)]},
                )
                continue
            bounds = PERCENT_GOAL_RANGES.get((goal_type, hib))
            if bounds is None or sub.metric_type == "custom" and sub.node.get("higher_is_better") is None:
                continue
            low, high = bounds
            if low < value and (high is None or value < high):
                continue
            shown = f"({low}, {high})" if high is not None else f"({low}, inf)"
            yield Finding.at(
                value_node,
                f"Goal value {value} is out of range for {goal_type} with higher_is_better={str(hib).lower()}: valid is {shown}",
                detail=f"metric.py:106 raises ValueError: Invalid goal value {value} for {goal_type} and "
                f"higher_is_better={hib}. Valid range is {shown}.",
            )


@rule("OLV535", "goal-without-priority", "A goal on a sub-type without priority: Olive never uses it.", WARNING)
def goal_without_priority(ctx: RuleContext):
    """Goals are resolved only for sub-types with priority > 0 (metric.py:142, engine.py:502); a sub-type left at
    priority -1 (only a lone sub-type gets 1 automatically) has its goal silently dropped."""
    for _, evaluator in evaluator_nodes(ctx):
        priorities = effective_priorities(evaluator)
        for sub in sub_types(evaluator):
            goal = sub.node.prop("goal")
            if goal is None or goal.value is None or not goal.value.is_object or priorities.get(id(sub.node), -1) > 0:
                continue
            yield Finding.at(
                goal,
                f"The goal of sub-type '{sub.name}' is ignored: it has no priority of 1 or more",
                detail="Olive resolves and uses goals only for ranked sub-types (priority > 0, metric.py:142); this one is "
                "left at -1, so its goal is dropped without a log line. Give it a priority.",
            )


def _unknown_keys(where_keys, known: tuple[str, ...], what: str, cls: str):
    for prop in where_keys:
        if prop.key in known:
            continue
        hint, suggestions = did_you_mean(prop.key, known)
        yield Finding.at(
            prop,
            f"'{prop.key}' is not a {what} option: Olive ignores it.{hint}",
            detail=f"config_utils.py:383 warns 'Keys {{'{prop.key}'}} are not part of {cls}. Ignoring them.' and goes on "
            f"without it. Known: {one_of(known) if known else 'none'}.",
            fix={"title": "Rename to", "replace_key": suggestions} if suggestions else {"title": f"Remove {prop.key}", "delete_property": True},
        )


@rule("OLV536", "unknown-metric-option", "An unknown key in a metric's user_config or a sub-type's metric_config: Olive ignores it.", WARNING)
def unknown_metric_option(ctx: RuleContext):
    """Olive validates user_config against <Type>UserConfig and metric_config against the sub-type's config class
    (LatencyMetricConfig: warmup_num, repeat_test_num, sleep_num; torchmetrics' kwargs for accuracy) with
    warn_unused_keys: an unknown key is dropped with a warning (config_utils.py:383)."""
    behaviour = component_behaviour(ctx.model)
    if behaviour is None:
        return
    for _, evaluator in evaluator_nodes(ctx):
        for metric in metrics(evaluator):
            kind = string(metric.get("type"))
            if kind not in behaviour.user_config_keys:
                continue
            nested = metric.get("user_config")
            if nested is not None and nested.is_object:
                yield from _unknown_keys(nested.properties, behaviour.user_config_keys[kind], f"{kind} metric user_config", f"{kind.title()}UserConfig")
            backend = string(metric.get("backend")) or "torch_metrics"
            if backend != "torch_metrics":
                continue
            table = behaviour.metric_config_keys.get(kind) or {}
            for sub in objects(metric.get("sub_types")):
                config = sub.get("metric_config")
                name = string(sub.get("name"))
                known = table.get("*", table.get(name or "")) if table else None
                if config is None or not config.is_object or known is None:
                    continue
                cls = f"{kind.title()}MetricConfig" if "*" in table else f"the {name} metric config"
                yield from _unknown_keys(config.properties, known, f"{kind} metric_config", cls)


@rule("OLV537", "latency-config-not-first-sub-type", "A latency/throughput metric_config on a sub-type after the first: Olive ignores it.", WARNING)
def latency_config_not_first(ctx: RuleContext):
    """Every latency/throughput sub-type gets a default metric_config (metric.py:239) and the evaluator takes
    warmup_num / repeat_test_num / sleep_num from the first sub-type only (get_latency_config_from_metric,
    metric.py:258-266): a metric_config on any later sub-type is ignored."""
    for _, evaluator in evaluator_nodes(ctx):
        for metric in metrics(evaluator):
            if string(metric.get("type")) not in LATENCY_LIKE:
                continue
            subs = list(objects(metric.get("sub_types")))
            for sub in subs[1:]:
                prop = sub.prop("metric_config")
                if prop is None or prop.value is None or not prop.value.is_object or not prop.value.properties:
                    continue
                yield Finding.at(
                    prop,
                    f"Only the first sub-type's metric_config is used: Olive ignores this one on '{string(sub.get('name'))}'",
                    detail="The evaluator reads warmup_num, repeat_test_num and sleep_num from the first sub-type "
                    "(metric.py:258-266; each sub-type has a default metric_config, so the first always wins). Move "
                    "it to the first sub-type.",
                )


@rule("OLV538", "metric-without-data", "An accuracy or custom (metric_func) metric without data_config: Olive has nothing to evaluate on.", ERROR)
def metric_without_data(ctx: RuleContext):
    """Olive generates dummy inputs only for latency/throughput from a static io_config; an accuracy metric, or a
    custom metric computed by metric_func on the model's outputs, without data_config gets no dataloader and
    fails with TypeError: 'NoneType' object is not iterable (olive_evaluator.py:194, 219, 555). OLV509 covers
    latency and throughput on a text-generation HfModel."""
    names = sorted(ctx.view.data_config_names)
    for _, evaluator in evaluator_nodes(ctx):
        for metric in metrics(evaluator):
            type_node = metric.get("type")
            kind = string(type_node)
            data = metric.get("data_config")
            if data is not None and data.kind != "null":
                continue
            if kind == "custom":
                config = _user_config(metric)
                has_evaluate = "evaluate_func" in config and config["evaluate_func"].value is not None and config["evaluate_func"].value.kind != "null"
                has_metric = "metric_func" in config and config["metric_func"].value is not None and config["metric_func"].value.kind != "null"
                if has_evaluate or not has_metric:
                    continue
            elif kind != "accuracy":
                continue
            use = f'"data_config": "{names[0]}"' if names else 'a data_configs entry and "data_config": "<its name>"'
            yield Finding.at(
                type_node,
                f"A {kind} metric needs data, and this one has no data_config: Olive fails when it evaluates",
                detail="Olive makes dummy inputs only for latency/throughput from a static io_config; without a data "
                "config there is no dataloader and evaluation fails with TypeError: 'NoneType' object is not iterable "
                f"(olive_evaluator.py:194, 219). Add {use} on the metric.",
            )


@rule("OLV539", "mixed-accuracy-sub-types", "Text (wer, rtfx) or vision accuracy sub-types mixed with tensor ones in one metric.", ERROR)
def mixed_accuracy_sub_types(ctx: RuleContext):
    """olive_evaluator.py:92 and 109: one accuracy metric cannot mix text-based sub-types (wer, rtfx) or vision
    sub-types (exact_match, relaxed_accuracy, word_sort_ratio) with tensor ones (accuracy_score, f1_score...):
    ValueError: Cannot mix text-based accuracy sub-types ... Split them into two metrics."""
    behaviour = component_behaviour(ctx.model)
    if behaviour is None:
        return
    for _, evaluator in evaluator_nodes(ctx):
        for metric in metrics(evaluator):
            if string(metric.get("type")) != "accuracy":
                continue
            subs = [(string(s.get("name")), s) for s in objects(metric.get("sub_types"))]
            subs = [(n, s) for n, s in subs if n is not None]
            for family, members in (("text-based", behaviour.text_accuracy_sub_types), ("vision", behaviour.vision_accuracy_sub_types)):
                inside = [n for n, _ in subs if n in members]
                outside = [(n, s) for n, s in subs if n not in members]
                if not inside or not outside:
                    continue
                for name, sub in outside:
                    yield Finding.at(
                        sub.get("name"),
                        f"'{name}' cannot share a metric with the {family} sub-type {inside[0]}: Olive raises Cannot mix",
                        detail=f"olive_evaluator.py raises ValueError: Cannot mix {family} accuracy sub-types with others "
                        f"in one metric ({', '.join(inside)} vs {name}). Put them in two metrics.",
                    )
                break


@rule(
    "OLV595",
    "huggingface-metrics-without-evaluate",
    "A metric with backend huggingface_metrics while the 'evaluate' package is not installed.",
    WARNING,
    needs_environment=True,
)
def huggingface_metrics_without_evaluate(ctx: RuleContext):
    """Metric.validate_backend builds the backend while the config is validated (metric.py:158-167), and
    HuggingfaceMetrics' constructor raises ImportError `Please install the huggingface/evaluate package to use
    huggingface metrics.` without `evaluate` (metric_backend.py:58-64): `olive run` fails before any pass. (Whether
    evaluate.load finds the metric on the hub cannot be known here.)"""
    env = ctx.environment
    if env is None or getattr(env, "error", None) or env.has("evaluate"):
        return
    for _, evaluator in evaluator_nodes(ctx):
        for metric in metrics(evaluator):
            backend = metric.get("backend")
            if string(backend) != "huggingface_metrics" or string(metric.get("type")) == "custom":
                continue
            yield Finding.at(
                backend,
                "Olive will fail validating this metric: the 'evaluate' package is not installed (pip install evaluate).",
                detail="metric.py:158-167 creates the huggingface_metrics backend while it validates the config, and "
                f"metric_backend.py:58-64 raises ImportError `Please install the huggingface/evaluate package to use huggingface metrics.` ({env.python}).",
            )


def _evaluated(ctx: RuleContext) -> set[int]:
    """ids of the evaluator nodes Olive evaluates with: the engine's and the passes', inline or by name."""
    used = set()
    for path, node in evaluator_nodes(ctx):
        if not path.startswith("evaluators."):
            used.add(id(node))
    refs = [ctx.view.engine_params.get("evaluator")] + [e.node.prop("evaluator") for e in ctx.view.passes if e.node.is_object]
    for prop in refs:
        name = string(prop.value) if prop is not None and prop.value is not None else None
        entry = ctx.view.evaluators.get(name) if name else None
        if entry is not None:
            used.add(id(entry.node))
    return used


def _vision_task(ctx: RuleContext, data_name: str | None) -> tuple[str | None, str]:
    """The task Olive reads from the metric's data config (pre_process_data_config.params.task, after the run
    config's autofill), and where it comes from."""
    from olive_ls.rules.runtime_data import _model_task
    from olive_ls.rules.runtime_data import entries as data_entries

    behaviour = component_behaviour(ctx.model)
    entry = next((e for e in data_entries(ctx, behaviour) if e.name == data_name), None) if data_name else None
    if entry is None:
        return None, ""
    pre = entry.part("pre_process_data")
    task = pre.params.get("task")
    if task is not None and string(task.value):
        return task.value.value, f"its pre_process_data_config task '{task.value.value}'"
    model = ctx.view.input_model
    if entry.exact and entry.container == "HuggingfaceContainer" and model is not None and (model.type_name or "").lower() in ("hfmodel", "onnxmodel"):
        task = _model_task(ctx)
        return task, f"the task '{task}' Olive copies into its pre_process_data_config from input_model (workflows/run/config.py:246-253)"
    return None, ""


@rule("OLV596", "vision-metric-task", "Vision accuracy sub-types on a data config whose task is not the vision task they belong to.", ERROR)
def vision_metric_task(ctx: RuleContext):
    """_validate_vision_task_metric (olive_evaluator.py:116-155) reads the data config's pre_process task and raises
    ValueError `Unknown vision task type ...` outside vision-vqa/vision-chart-qa/vision-ocr, or `Metric sub-type X is
    not compatible with task type Y` (exact_match: vqa, relaxed_accuracy: chart-qa, word_sort_ratio: ocr) when the
    metric is evaluated. A HuggingfaceContainer gets input_model's task when its pre-process has none. An error for
    an evaluator Olive uses, a warning for one nothing refers to."""
    behaviour = component_behaviour(ctx.model)
    if behaviour is None or not behaviour.vision_task_metrics:
        return
    used = _evaluated(ctx)
    for _, evaluator in evaluator_nodes(ctx):
        for metric in metrics(evaluator):
            subs = [(string(s.get("name")), s) for s in objects(metric.get("sub_types"))]
            if string(metric.get("type")) != "accuracy" or not subs or not all(n in behaviour.vision_accuracy_sub_types for n, _ in subs):
                continue
            data = metric.get("data_config")
            task, where = _vision_task(ctx, string(data))
            if task is None:
                continue
            severity = ERROR if id(evaluator) in used else WARNING
            allowed = behaviour.vision_task_metrics.get(task)
            if allowed is None:
                yield Finding.at(
                    data,
                    f"Olive will fail evaluating this vision metric: '{task}' is not a vision task type.",
                    severity=severity,
                    detail=f"The data config has {where}; olive_evaluator.py:142-146 raises ValueError `Unknown vision task type "
                    f"'{task}'. Supported task types: {sorted(behaviour.vision_task_metrics)}.`",
                )
                continue
            for name, sub in subs:
                if name not in allowed:
                    yield Finding.at(
                        sub.get("name"),
                        f"Olive will fail evaluating '{name}': the data config's task '{task}' takes {', '.join(sorted(allowed))}.",
                        severity=severity,
                        detail=f"The data config has {where}; olive_evaluator.py:148-153 raises ValueError `Metric sub-type '{name}' "
                        f"is not compatible with task type '{task}'.`",
                        fix={"title": "Replace with", "replace_value": sorted(allowed)},
                    )
