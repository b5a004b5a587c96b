"""Other passes at run time (OLV350-OLV359): GraphSurgeries' surgeons, the validate_config pruning of the
quantizers and split passes, the model validators of DynamicToFixedShape and OnnxFloatToFloat16, and function
names that need a user_script. Rows P003, P111, P113, P114, P140-P143, P146-P148, P153, P154, P156, P177, P178,
P180, P182, P198, P199 of docs/olive-runtime-checks.md.
"""

from __future__ import annotations

from olive_ls.model.pass_behaviour import param_category, pass_behaviour
from olive_ls.rules.registry import ERROR, WARNING, Finding, RuleContext, rule
from olive_ls.rules.runtime_helpers import (
    PRUNED,
    PRUNED_DETAIL,
    entries,
    node_of,
    owner_path,
    param,
    show,
)
from olive_ls.suggest import did_you_mean, one_of


@rule("OLV350", "graph-surgery-invalid", "A GraphSurgeries entry: unknown surgeon, missing or ignored parameters.", ERROR)
def graph_surgery_invalid(ctx: RuleContext):
    """GraphSurgeries.init_surgeon_instance: an entry without "surgeon" crashes (`None.lower()`), an unknown one
    raises `Surgeon 'x' does not exist`, a missing __init__ parameter raises `Missing parameters for surgery`, and
    a key the surgeon does not take is dropped with `Ignoring extra parameters for surgery`. The surgeons and their
    parameters are read from Olive's Surgeon registry."""
    surgeons = ctx.model.derived("rules.runtime_passes.surgeons", lambda model: pass_behaviour(model).surgeons())  # once per model
    if not surgeons:
        return
    names = sorted(s.name for s in surgeons.values())
    for entry, _canonical in entries(ctx, "GraphSurgeries"):
        prop = entry.params.get("surgeries")
        if prop is None or prop.value is None or not prop.value.is_array:
            continue
        for item in prop.value.items:
            if not item.is_object:
                continue
            surgeon_node = item.get("surgeon")
            if surgeon_node is None:
                yield Finding(
                    "Olive will crash in GraphSurgeries: this surgery has no 'surgeon' (`'NoneType' object has no attribute 'lower'`).",
                    item.range if not item.properties else item.properties[0].key_node.range,
                    detail=f"Each surgery names its surgeon: {one_of(names, limit=20)}.",
                    fix={"title": "Add 'surgeon'", "add_keys": ["surgeon"], "object_path": item.path()},
                )
                continue
            if surgeon_node.kind != "string":
                continue
            surgeon = surgeons.get(surgeon_node.value.lower())
            if surgeon is None:
                hint, suggestions = did_you_mean(surgeon_node.value, names)
                yield Finding.at(
                    surgeon_node,
                    f"Olive will fail: GraphSurgeries has no surgeon {show(surgeon_node.value)} (`Surgeon ... does not exist`).",
                    detail=(hint.strip() + " ") * bool(hint) + f"Olive 0.13.0's surgeons: {one_of(names, limit=80)}.",
                    fix={"title": "Replace with", "replace_value": suggestions} if suggestions else None,
                )
                continue
            given = {p.key for p in item.properties} - {"surgeon"}
            missing = [p for p in surgeon.required if p not in given]
            if missing:
                yield Finding.at(
                    surgeon_node,
                    f"Olive will fail in GraphSurgeries: {surgeon.name} needs {', '.join(repr(m) for m in missing)} (`Missing parameters`).",
                    detail=f"{surgeon.name} takes {one_of([*surgeon.required, *surgeon.optional]) or 'no parameters'}.",
                    fix={"title": "Add the missing parameters", "add_keys": missing, "object_path": item.path()},
                )
            allowed = set(surgeon.required) | set(surgeon.optional)
            for p in item.properties:
                if p.key == "surgeon" or p.key in allowed:
                    continue
                hint, suggestions = did_you_mean(p.key, sorted(allowed))
                yield Finding.at(
                    p,
                    f"Olive will ignore '{p.key}': {surgeon.name} takes no such parameter (`Ignoring extra parameters`).",
                    severity=WARNING,
                    detail=(hint.strip() + " ") * bool(hint) + f"{surgeon.name} takes {one_of([*surgeon.required, *surgeon.optional]) or 'no parameters'}.",
                    fix={"title": "Replace with", "replace_key": suggestions} if suggestions else {"title": f"Remove '{p.key}'", "delete_property": True},
                )


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _pruned_findings(ctx: RuleContext, entry, canonical):
    """(value, headline reason, log line, fix) for what this pass's validate_config refuses."""
    get = lambda key: param(ctx, entry, canonical, key)
    if canonical in ("Gptq", "AutoClip", "KQuant"):
        group = get("group_size")
        g = _number(group.value)
        if group.concrete and g is not None and g <= 0 and g != -1:
            yield group, "group_size must be -1 or greater than 0", "group_size must be -1 or greater than 0", [-1, 128]
            return
        if canonical == "Gptq":
            desc = get("desc_act")
            if desc.concrete and group.concrete and desc.value is True and g != -1:
                yield desc, f"desc_act needs group_size -1 (it is {show(group.value)})", "desc_act can only be True when group_size is -1.", [False]
        if canonical == "AutoClip":
            bits = get("bits")
            if bits.concrete and _number(bits.value) is not None and bits.value not in (2, 4, 8):
                yield bits, f"AutoClip quantizes to 2, 4 or 8 bits, not {show(bits.value)}", "bits must be 2, 4, or 8", [4, 8, 2]
    elif canonical == "CaptureSplitInfo":
        splits, cost = get("num_splits"), get("cost_model")
        if splits.concrete and cost.concrete and splits.value is None and cost.value is None:
            yield None, "CaptureSplitInfo needs num_splits or cost_model", "One of num_splits or cost_model is required.", None
        elif cost.given and cost.value is not None:
            memory = _target_memory(ctx)
            if memory is False:
                yield cost, "cost_model needs the target accelerator's memory", "Accelerator memory is required if cost_model is provided.", None
    elif canonical == "NVModelOptQuantization":
        precision, algorithm = get("precision"), get("algorithm")
        if precision.concrete and isinstance(precision.value, str) and precision.value != "int4":
            yield precision, f"NVModelOptQuantization builds int4 only, not {show(precision.value)}", "Only INT4 quantization is supported.", ["int4"]
        elif algorithm.concrete and isinstance(algorithm.value, str) and algorithm.value.lower() not in ("awq", "rtn"):
            yield algorithm, f"NVModelOptQuantization supports the awq and rtn algorithms, not {show(algorithm.value)}", "Only 'AWQ' and 'RTN' algorithms are supported.", ["awq", "rtn"]
        else:
            random, tokenizer = get("use_random_calibration_data"), get("tokenizer_dir")
            if random.concrete and tokenizer.concrete and random.value is False and not tokenizer.value:
                yield random, "use_random_calibration_data: false needs tokenizer_dir", "'tokenizer_dir' must be specified when 'use_random_calibration_data' is False.", [True]
    elif canonical == "AimetQuantization":
        activation, scheme = get("activation_type"), get("quant_scheme")
        if activation.concrete and isinstance(activation.value, str) and activation.value not in ("uint8", "uint16", "fp16"):
            yield activation, f"AimetQuantization activations are uint8, uint16 or fp16, not {show(activation.value)}", f"Unsupported activation_type: {activation.value}", ["uint8", "uint16", "fp16"]
        elif scheme.concrete and isinstance(scheme.value, str) and scheme.value not in ("min_max", "tf_enhanced"):
            yield scheme, f"AimetQuantization quant_scheme is min_max or tf_enhanced, not {show(scheme.value)}", f"Unsupported quant_scheme: {scheme.value}", ["min_max", "tf_enhanced"]
    elif canonical == "OptimumConversion":
        fp16, device = get("fp16"), get("device")
        if fp16.concrete and device.concrete and fp16.value is True and device.value != "cuda":
            yield fp16, f"OptimumConversion exports fp16 only with device 'cuda' (device is {show(device.value)})", "OptimumConversion: fp16 is set to True, but device is not set to cuda.", [False]


def _target_memory(ctx):
    """True/False: whether the target accelerator gives `memory`; None when the target cannot be told."""
    from olive_ls.rules.targets import target_system

    resolved, system = target_system(ctx.view)
    if not resolved:
        return None
    if system is None:
        return False
    items = system.accelerator_items()
    if not items or not items[0].is_object:
        return False
    memory = items[0].get("memory")
    return memory is not None and memory.kind != "null"


@rule("OLV351", "pass-pruned", "A pass setting the pass's validate_config refuses: Olive prunes the pass.", ERROR)
def pass_pruned(ctx: RuleContext):
    """Settings the passes' own validate_config refuses (Gptq, AutoClip, KQuant group_size/desc_act/bits;
    CaptureSplitInfo num_splits/cost_model; NVModelOptQuantization precision/algorithm/calibration data;
    AimetQuantization activation_type/quant_scheme; OptimumConversion fp16 without cuda): the engine logs
    `Invalid config, pruned.` and, with no other flow, `No output model produced.`, exiting 0."""
    for entry, canonical in entries(ctx, "Gptq", "AutoClip", "KQuant", "CaptureSplitInfo", "NVModelOptQuantization", "AimetQuantization", "OptimumConversion"):
        for value, reason, log, fix in _pruned_findings(ctx, entry, canonical):
            node = value.node if value is not None and value.node is not None else node_of(entry)
            given = fix is not None and value is not None and value.given
            yield Finding.at(
                node,
                f"{PRUNED}: {reason}.",
                detail=PRUNED_DETAIL + " " + f"{canonical}.validate_config logs `{log}` and returns False.",
                fix={"title": "Replace with", "replace_value": fix} if given else None,
            )


@rule("OLV352", "fixed-shape-arguments", "DynamicToFixedShape needs dim_param+dim_value or input_name+input_shape, matching.", ERROR)
def fixed_shape_arguments(ctx: RuleContext):
    """DynamicToFixedShape's model validator (run when the pass is created, never caught) refuses both or neither of
    dim_param and input_name, one of a pair without the other, pairs of different lengths, dim_value < 0 and
    input_shape entries <= 0."""
    for entry, canonical in entries(ctx, "DynamicToFixedShape"):
        values = {k: param(ctx, entry, canonical, k) for k in ("dim_param", "dim_value", "input_name", "input_shape")}
        if not all(v.concrete for v in values.values()):
            continue
        v = {k: x.value for k, x in values.items()}
        error = None
        where = node_of(entry)
        if v["input_name"] and v["dim_param"]:
            error, where = "Cannot set both dim_param and input_name at the same time.", values["input_name"].prop.key_node
        elif not v["input_name"] and not v["dim_param"]:
            error = "dim_param and input_name cannot be both empty."
        elif (not v["dim_param"]) ^ (not v["dim_value"]):
            error = "dim_param and dim_value must be both provided or both None."
            where = (values["dim_param"].prop or values["dim_value"].prop).key_node
        elif (not v["input_name"]) ^ (not v["input_shape"]):
            error = "input_name and input_shape must be both provided or both None."
            where = (values["input_name"].prop or values["input_shape"].prop).key_node
        elif v["dim_param"] and isinstance(v["dim_param"], list) and isinstance(v["dim_value"], list):
            if len(v["dim_param"]) != len(v["dim_value"]):
                error, where = "dim_param and dim_value must have the same number of elements.", values["dim_value"].node
            elif any(isinstance(i, (int, float)) and i < 0 for i in v["dim_value"]):
                error, where = "dim_value must be all >= 0 when dim_param is provided.", values["dim_value"].node
        elif v["input_name"] and isinstance(v["input_name"], list) and isinstance(v["input_shape"], list):
            if len(v["input_name"]) != len(v["input_shape"]):
                error, where = "input_name and input_shape must have the same number of elements.", values["input_shape"].node
            elif any(isinstance(s, list) and any(isinstance(i, (int, float)) and i <= 0 for i in s) for s in v["input_shape"]):
                error, where = "input_shape must be all > 0 when input_name is provided.", values["input_shape"].node
        if error:
            yield Finding.at(
                where,
                f"Olive will reject DynamicToFixedShape: {error}",
                detail="The pass config's model validator raises ValueError, which Olive never catches: `olive run` fails.",
            )


@rule("OLV353", "float16-lists-exclusive", "OnnxFloatToFloat16 include and block lists together.", ERROR)
def float16_lists_exclusive(ctx: RuleContext):
    """OnnxFloatToFloat16 raises `op_include_list and op_block_list are mutually exclusive.` (and the same for
    node_include_list/node_block_list) when both are given."""
    for entry, canonical in entries(ctx, "OnnxFloatToFloat16"):
        for include, block in (("op_include_list", "op_block_list"), ("node_include_list", "node_block_list")):
            a, b = param(ctx, entry, canonical, include), param(ctx, entry, canonical, block)
            if a.given and b.given and a.value and b.value is not None:
                yield Finding.at(
                    b.prop,
                    f"Olive will fail in OnnxFloatToFloat16: {include} and {block} are mutually exclusive.",
                    detail=f"The pass raises `{include} and {block} are mutually exclusive.` Keep one: {include} converts only those, {block} converts all others.",
                    fix={"title": f"Remove '{block}'", "delete_property": True},
                )


@rule("OLV354", "function-name-needs-user-script", "A function or class name given as a string without user_script.", ERROR, scope="entry")
def function_name_needs_user_script(ctx: RuleContext):
    """Parameters of the object category (validation_func, transform_fn, ...) name a function in the user_script;
    given as a string without user_script, Olive asserts `'user_script' must be specified if a {key} is a string.`"""
    for entry, canonical in entries(ctx):
        spec = ctx.model.pass_spec(canonical)
        if spec is None or entry.params.get("user_script") is not None:
            continue
        for key, p in spec.parameters.items():
            if param_category(p) != "object":
                continue
            prop = entry.params.get(key)
            if prop is None or prop.value is None or prop.value.kind != "string":
                continue
            yield Finding.at(
                prop.value,
                f"Olive will fail: {key} names a function, which needs user_script (`'user_script' must be specified`).",
                detail="Olive loads the function by name from user_script (and script_dir). Add user_script.",
                fix={"title": "Add 'user_script'", "add_keys": ["user_script"], "object_path": owner_path(entry)},
            )
