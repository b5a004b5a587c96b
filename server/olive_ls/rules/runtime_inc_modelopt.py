"""Intel Neural Compressor and NVIDIA ModelOpt passes at run time (OLV470-OLV479, OLV482): IncQuantization's required
data_config, its accuracy goal types and accuracy-aware tuning, INC after ExtractAdapters, NVModelOptQuantization's
calibration dataset and size and its NvTensorRtRtx shape profile, NVModelOptGraphSurgery's surgery_type. Rows P157,
P160, P161, P162, P163, P166, P167 of docs/olive-runtime-checks.md.

Neither neural-compressor nor nvidia-modelopt is installed with olive-ls: what the rules know about them is read
from Olive's code (inc_quantization.py, nvmo_*.py) or, for modelopt's surgeries, the table below.
"""

from __future__ import annotations

import difflib

from olive_ls.document.nodes import Node
from olive_ls.model.component_behaviour import NONNEGATIVE_GOALS
from olive_ls.model.pass_behaviour import pass_behaviour
from olive_ls.rules.registry import ERROR, HINT, INFORMATION, WARNING, Finding, RuleContext, rule
from olive_ls.rules.runtime_helpers import PRUNED, PRUNED_DETAIL, entries, node_of, owner_path, param, show
from olive_ls.rules.runtime_onnx_passes import _earlier, _no_adapter_source

INC_PASSES = ("IncQuantization", "IncStaticQuantization", "IncDynamicQuantization")
# The INC passes whose config declares data_config required=True (inc_quantization.py:150-156): every approach.
INC_DATA_REQUIRED = ("IncQuantization", "IncStaticQuantization")
# MetricGoal's goal types (evaluator/metric_config.py:73-79): "threshold" and the four relative ones.
METRIC_GOAL_TYPES = ("threshold", *NONNEGATIVE_GOALS)
# modelopt.onnx.graph_surgery._SURGERY_REGISTRY in nvidia-modelopt 0.47.0 (modelopt/onnx/graph_surgery/__init__.py:72-77),
# what get_available_surgeries() returns; older releases have fewer (or no graph_surgery module at all).
MODELOPT_VERSION = "0.47.0"
MODELOPT_SURGERIES = ("replace-gqa", "add-cross-kv", "convert-bf16", "transpose-dq")
# NVModelOptQuantization.get_calib_inputs (nvmo_quantization.py:266, 409-420): rows it loads, datasets it knows.
NVMO_MAX_CALIB_ROWS = 128
NVMO_DATASETS = ("cnn", "pile")


def _missing_key_target(entry) -> Node:
    """Where a missing pass parameter is reported (as OLV303 does): the nested config key, else the pass name."""
    nested = entry.node.get("config") if entry.node.is_object else None
    if nested is not None and nested.is_object:
        return entry.node.prop("config").key_node
    return entry.name_node if entry.alternative is None and entry.name_node is not None else entry.node


@rule("OLV470", "inc-data-config-required", "IncQuantization or IncStaticQuantization without data_config: a required parameter.", ERROR)
def inc_data_config_required(ctx: RuleContext):
    """IncQuantization and IncStaticQuantization declare data_config required=True (inc_quantization.py:150-156), for
    every approach (dynamic too): without it the pass config fails validation, `data_config / Field required`, when
    the pass is created. (IncDynamicQuantization has no data_config.) The assertion `data_config is required for
    static quantization.` (inc_quantization.py:476-481) is never reached without one."""
    names = sorted(ctx.view.data_config_names)
    for entry, canonical in entries(ctx, *INC_DATA_REQUIRED):
        prop = entry.params.get("data_config")
        if prop is not None:
            continue
        yield Finding(
            f"Olive raises a ValidationError creating {canonical}: data_config is required, whatever the approach.",
            _missing_key_target(entry).range,
            detail=(
                f"inc_quantization.py:150-156 declares data_config required=True, so `1 validation error for {canonical}Config "
                "/ data_config / Field required` stops `olive run` before the pass runs. Add the calibration data config "
                "(or use IncDynamicQuantization for dynamic quantization)."
            ),
            fix={"title": "Add 'data_config'", "add_keys": ["data_config"], "object_path": owner_path(entry), **({"values": {"data_config": names[0]}} if names else {})},
        )


def _first_sub_type(metric: Node) -> Node | None:
    sub_types = metric.get("sub_types") if metric.is_object else None
    first = sub_types.items[0] if sub_types is not None and sub_types.is_array and sub_types.items else None
    return first if first is not None and first.is_object else None


def _goal(metric: Node) -> Node | None:
    first = _first_sub_type(metric)
    goal = first.get("goal") if first is not None else None
    return goal if goal is not None and goal.is_object else None


def _metrics(ctx: RuleContext):
    """(entry, canonical, the metric object) of the INC passes that give an inline metric."""
    for entry, canonical in entries(ctx, *INC_PASSES):
        prop = entry.params.get("metric")
        if prop is not None and prop.value is not None and prop.value.is_object and prop.value.properties:
            yield entry, canonical, prop.value


@rule("OLV471", "inc-goal-type", "An INC metric goal type other than max-degradation/min-improvement/percent-*: Olive raises.", ERROR)
def inc_goal_type(ctx: RuleContext):
    """With a metric whose first sub_type has a goal, IncQuantization maps the goal to an INC AccuracyCriterion
    (_set_accuracy_criterion, inc_quantization.py:353-377): a goal type other than max-degradation, min-improvement,
    percent-max-degradation or percent-min-improvement (that is, threshold) raises AssertionError when the pass runs."""
    allowed = pass_behaviour(ctx.model).inc_accuracy_goal_types()
    if not allowed:
        return
    for _entry, canonical, metric in _metrics(ctx):
        goal = _goal(metric)
        kind = goal.get("type") if goal is not None else None
        if kind is None or kind.kind != "string" or kind.value in allowed or kind.value not in METRIC_GOAL_TYPES:
            continue
        yield Finding.at(
            kind,
            f"Olive raises AssertionError in {canonical}: INC's accuracy criterion has no goal type {show(kind.value)}.",
            detail=(
                "inc_quantization.py:371-375 raises `Accuracy metric goal type for Intel® Neural Compressor quantization only "
                f"suuport {', '.join(repr(t) for t in sorted(allowed))}.` (it reads the first sub_type's goal)."
            ),
            fix={"title": "Replace with", "replace_value": sorted(allowed)},
        )


@rule("OLV472", "inc-no-accuracy-tuning", "An INC pass without a metric, or a metric without a goal: no accuracy-aware tuning.", INFORMATION)
def inc_no_accuracy_tuning(ctx: RuleContext):
    """IncQuantization tunes for accuracy only with a metric whose first sub_type has a goal (_set_tuning_config,
    inc_quantization.py:379-437); without a metric, or without a goal, it logs a warning and quantizes once without
    accuracy-aware tuning. A metric that is not an accuracy metric is still used as the accuracy measure."""
    for entry, canonical in entries(ctx, *INC_PASSES):
        prop = entry.params.get("metric")
        metric = prop.value if prop is not None else None
        if metric is None or metric.kind == "null" or (metric.is_object and not metric.properties):
            yield Finding.at(
                node_of(entry),
                f"Olive will run {canonical} without accuracy-aware tuning: it has no metric.",
                severity=HINT,
                detail="inc_quantization.py:408-414 logs `'metric' is not set for INC Quantization Pass.` Give an accuracy metric with a goal to tune.",
            )
        elif metric.is_object and _goal(metric) is None:
            yield Finding.at(
                prop,
                f"Olive will run {canonical} without accuracy-aware tuning: the metric's first sub_type has no goal.",
                detail="inc_quantization.py:429-435 logs `'goal' is not set in 'metric'.` Add a goal (e.g. max-degradation) to its first sub_type.",
            )
        elif metric.is_object:
            kind = metric.get("type")
            if kind is not None and kind.kind == "string" and kind.value.lower() != "accuracy":
                yield Finding.at(
                    kind,
                    f"Olive will tune {canonical} on this {kind.value} metric as if it were its accuracy.",
                    detail="inc_quantization.py:401-406 logs `Please make sure it is an accuracy metric`; the first sub_type's value becomes INC's accuracy.",
                )


@rule("OLV473", "inc-after-adapters", "An INC quantization pass after ExtractAdapters: the model is returned unquantized.", WARNING)
def inc_after_adapters(ctx: RuleContext):
    """The INC passes return a model with adapters unquantized (inc_quantization.py:451-453); after ExtractAdapters
    it has them."""
    for entry, canonical in entries(ctx, *INC_PASSES):
        extract = [e for e, c in _earlier(ctx, entry) if c == "ExtractAdapters"]
        if entry.type_node is None or not extract or _no_adapter_source(ctx, extract[0]):
            continue
        yield Finding.at(
            entry.type_node,
            f"Olive will skip {canonical}: the model has adapters (from ExtractAdapters) and is returned unquantized.",
            detail="inc_quantization.py:451-453 logs `Model has adapters which should not be quantized. Returning the model without quantization.` Quantize before ExtractAdapters.",
        )


def _nvmo_calibrates(ctx: RuleContext, entry, canonical) -> bool:
    """Whether NVModelOptQuantization reaches get_calib_inputs: validate_config passes (int4, a tokenizer_dir or
    random data, nvmo_quantization.py:151-174) and it calibrates (not random data, not RTN, line 254)."""
    precision, algorithm = param(ctx, entry, canonical, "precision"), param(ctx, entry, canonical, "algorithm")
    random_data, tokenizer = param(ctx, entry, canonical, "use_random_calibration_data"), param(ctx, entry, canonical, "tokenizer_dir")
    if not all(v.concrete for v in (precision, algorithm, random_data, tokenizer)):
        return False
    return (
        precision.value == "int4"
        and isinstance(algorithm.value, str)
        and algorithm.value.lower() in ("awq",)
        and random_data.value is False
        and isinstance(tokenizer.value, str)
        and bool(tokenizer.value)
    )


@rule("OLV474", "nvmo-calibration-params", "NVModelOptQuantization calibration_params dataset or calib_size it cannot load.", ERROR)
def nvmo_calibration_params(ctx: RuleContext):
    """NVModelOptQuantization (AWQ, with real calibration data) loads at most 128 rows (max_calib_rows_to_load,
    nvmo_quantization.py:266) and asserts calib_size <= 128 (line 409); its dataset must contain "cnn" or "pile"
    (cnn_dailymail, pile-val-backup), else `dataset "..." not supported` (lines 413-420)."""
    for entry, canonical in entries(ctx, "NVModelOptQuantization"):
        prop = entry.params.get("calibration_params")
        if prop is None or prop.value is None or not prop.value.is_object or not _nvmo_calibrates(ctx, entry, canonical):
            continue
        size, dataset = prop.value.get("calib_size"), prop.value.get("dataset")
        if size is not None and size.kind == "number" and not isinstance(size.value, bool) and size.value > NVMO_MAX_CALIB_ROWS:
            yield Finding.at(
                size,
                f"Olive will fail in {canonical}: calib_size {size.value} is over the {NVMO_MAX_CALIB_ROWS} calibration rows it loads.",
                detail="nvmo_quantization.py:409 asserts `calib size should be no more than max_calib_rows_to_load` (128, line 266).",
                fix={"title": "Replace with", "replace_value": [NVMO_MAX_CALIB_ROWS]},
            )
        if dataset is not None and dataset.kind == "string" and not any(name in dataset.value for name in NVMO_DATASETS):
            yield Finding.at(
                dataset,
                f"Olive will fail in {canonical}: calibration dataset {show(dataset.value)} is not supported (cnn or pile).",
                detail=f'nvmo_quantization.py:413-420 loads cnn_dailymail for a name containing "cnn", pile-val-backup for "pile", else raises ValueError `dataset "{dataset.value}" not supported`.',
                fix={"title": "Replace with", "replace_value": list(NVMO_DATASETS)},
            )


@rule("OLV475", "nvmo-surgery-type", "NVModelOptGraphSurgery surgery_type that modelopt's get_available_surgeries() does not list.", WARNING)
def nvmo_surgery_type(ctx: RuleContext):
    """NVModelOptGraphSurgery.validate_config prunes the pass when surgery_type is not in modelopt's
    get_available_surgeries() (nvmo_graph_surgery.py:73-77: `Unknown surgery type`). The names are modelopt's
    (0.47.0 here); another modelopt version may have others, hence a warning. (Without modelopt the pass is pruned
    too: OLV607 says the package is missing.)"""
    for entry, canonical in entries(ctx, "NVModelOptGraphSurgery"):
        value = param(ctx, entry, canonical, "surgery_type")
        if not value.given or not value.concrete or not isinstance(value.value, str) or value.value in MODELOPT_SURGERIES:
            continue
        close = difflib.get_close_matches(value.value, MODELOPT_SURGERIES, n=3, cutoff=0.5)
        yield Finding.at(
            value.node,
            f"{PRUNED}: modelopt {MODELOPT_VERSION} has no surgery {show(value.value)}.",
            detail=(
                f"nvmo_graph_surgery.py:73-77 logs `Unknown surgery type: '{value.value}'. Available: [...]` and prunes the pass. "
                f"{PRUNED_DETAIL} modelopt {MODELOPT_VERSION}'s surgeries: {', '.join(MODELOPT_SURGERIES)} (another modelopt "
                "version may differ)."
            ),
            fix={"title": "Replace with", "replace_value": close or list(MODELOPT_SURGERIES)},
        )


# NVModelOptQuantization's NvTensorRtRtx provider name (nvmo_quantization.py:187-188, 275): the only EP whose
# session options need the model's input shapes, read from tokenizer_dir's config.json (get_input_shapes_profile).
NVMO_RTX_PROVIDER = "NvTensorRtRtx"


@rule("OLV482", "nvmo-rtx-without-tokenizer-dir", "NVModelOptQuantization AWQ for NvTensorRtRtx without tokenizer_dir: Olive raises.", ERROR)
def nvmo_rtx_without_tokenizer_dir(ctx: RuleContext):
    """With use_random_calibration_data validate_config lets tokenizer_dir be empty (only a warning,
    nvmo_quantization.py:176-178), but for AWQ with NvTensorRtRtx among calibration_providers initialize_quant_config
    builds the EP's shape profile from `AutoConfig.from_pretrained(config.tokenizer_dir)` (lines 274-276, 213):
    from "" transformers raises before anything is quantized. Without calibration_providers the EPs are the machine's
    (line 187: NvTensorRTRTXExecutionProvider in onnxruntime), not known here: no finding."""
    for entry, canonical in entries(ctx, "NVModelOptQuantization"):
        providers, tokenizer = param(ctx, entry, canonical, "calibration_providers"), param(ctx, entry, canonical, "tokenizer_dir")
        algorithm, random_data = param(ctx, entry, canonical, "algorithm"), param(ctx, entry, canonical, "use_random_calibration_data")
        if not all(v.concrete for v in (providers, tokenizer, algorithm, random_data)) or random_data.value is not True:
            continue
        if tokenizer.value or not isinstance(algorithm.value, str) or algorithm.value.lower() != "awq":
            continue
        rtx = [item for item in (providers.node.items if providers.node is not None and providers.node.is_array else []) if item.value == NVMO_RTX_PROVIDER]
        if not rtx:
            continue
        yield Finding.at(
            tokenizer.node if tokenizer.given else rtx[0],
            f"Olive raises in {canonical}: the {NVMO_RTX_PROVIDER} shape profile is read from tokenizer_dir, which is empty.",
            detail=(
                f"With AWQ and {NVMO_RTX_PROVIDER} in calibration_providers, nvmo_quantization.py:274-276 calls "
                "get_input_shapes_profile(config.tokenizer_dir), whose `AutoConfig.from_pretrained('')` (line 213) raises. "
                "use_random_calibration_data only skips the calibration data (line 254), not this. Set tokenizer_dir to "
                "the Hugging Face model folder or id (its config.json gives the layers and heads)."
            ),
            **({"fix": {"title": "Add 'tokenizer_dir'", "add_keys": ["tokenizer_dir"], "object_path": owner_path(entry)}} if not tokenizer.given else {}),
        )
