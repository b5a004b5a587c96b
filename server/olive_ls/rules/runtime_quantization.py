"""ONNX quantization at run time (OLV330-OLV339): OnnxQuantization, OnnxStaticQuantization, OnnxDynamicQuantization
and onnxruntime.quantization as Olive calls it (olive/passes/onnx/quantization.py).

Olive decides static against dynamic with `quant_mode == "static"` (exactly), indexes onnxruntime's
CalibrationMethod/QuantFormat enums by name (case-sensitive), maps precisions with quant_type_from_precision, and
wraps onnxruntime's ValueErrors in OlivePassError (the run then exits 0 without a model). The enums and tables
come from pass-behaviour.json. Rows P040-P046, P051, P054-P056 and P064 of docs/olive-runtime-checks.md.
"""

from __future__ import annotations

from olive_ls.model.pass_behaviour import pass_behaviour
from olive_ls.rules.registry import (
    ERROR,
    INFORMATION,
    WARNING,
    Finding,
    RuleContext,
    rule,
)
from olive_ls.rules.runtime_helpers import (
    PRUNED,
    PRUNED_DETAIL,
    entries,
    owner_path,
    param,
    show,
    target,
)
from olive_ls.suggest import did_you_mean, one_of

QUANT_PASSES = ("OnnxQuantization", "OnnxStaticQuantization", "OnnxDynamicQuantization")


def _qparam(ctx, entry, canonical, key, is_static=True):
    """A quantization parameter with its static-mode default where the catalog has only the conditional one."""
    value = param(ctx, entry, canonical, key)
    if not value.given and value.value is None and is_static:
        defaults = dict(pass_behaviour(ctx.model).static_defaults())
        if key in defaults:
            value.value = defaults[key]
    return value


def _quant_entries(ctx):
    """(entry, canonical, is_static) for each ONNX quantization pass whose mode is known."""
    for entry, canonical in entries(ctx, *QUANT_PASSES):
        mode = param(ctx, entry, canonical, "quant_mode")
        if not mode.concrete or mode.value not in ("static", "dynamic"):
            continue  # another quant_mode: OLV330
        yield entry, canonical, mode.value == "static"


@rule("OLV330", "quant-mode-not-static", "OnnxQuantization quant_mode other than exactly 'static' or 'dynamic'.", ERROR)
def quant_mode_not_static(ctx: RuleContext):
    """OnnxQuantization's static-only parameters have defaults conditional on quant_mode being exactly "static" or
    "dynamic". With any other value ("Static", "STATIC") the first of them not given makes Olive raise
    `Invalid value for parameter 'calibrate_method'. Either the parameter or its parents are not fixed.` when it
    creates the pass (never caught). With all of them given the pass runs: `quant_mode == "static"` is false, so
    it runs dynamic quantization and drops them."""
    behaviour = pass_behaviour(ctx.model)
    for entry, canonical in entries(ctx, "OnnxQuantization"):
        mode = param(ctx, entry, canonical, "quant_mode")
        if not mode.given or not mode.concrete or not isinstance(mode.value, str) or mode.value in ("static", "dynamic"):
            continue
        meant = mode.value.strip().lower()
        fix = {"title": "Replace with", "replace_value": [meant] if meant in ("static", "dynamic") else ["static", "dynamic"]}
        missing = [key for key, _default in behaviour.static_defaults() if entry.params.get(key) is None]
        if missing:
            yield Finding.at(
                mode.node,
                f"Olive will fail: quant_mode {show(mode.value)} is not 'static' or 'dynamic' (`Invalid value for parameter '{missing[0]}'`).",
                detail=(
                    "The defaults of calibrate_method, quant_format, activation_type, ... depend on quant_mode being exactly "
                    "'static' or 'dynamic' (case-sensitive); for any other value Olive cannot resolve them and raises "
                    f"`Invalid value for parameter '{missing[0]}'. Either the parameter or its parents are not fixed.`"
                ),
                fix=fix,
            )
        else:
            yield Finding.at(
                mode.node,
                f"Olive will run dynamic quantization: quant_mode is {show(mode.value)}, and only exactly 'static' is static.",
                detail="OnnxQuantization tests quant_mode == 'static'; every other value takes the dynamic path and drops the static-only keys.",
                severity=WARNING,
                fix=fix,
            )


@rule("OLV331", "quant-enum-case", "calibrate_method or quant_format not exactly an onnxruntime enum name: KeyError.", ERROR)
def quant_enum_case(ctx: RuleContext):
    """In static mode Olive converts `CalibrationMethod[calibrate_method]` and `QuantFormat[quant_format]`: the names
    are case-sensitive, so "minmax" or "qdq" raise KeyError and `olive run` fails. The names are read from the
    installed onnxruntime."""
    behaviour = pass_behaviour(ctx.model)
    tables = {"calibrate_method": behaviour.calibration_methods(), "quant_format": behaviour.quant_formats()}
    if not all(tables.values()):
        return
    for entry, canonical, is_static in _quant_entries(ctx):
        if not is_static:
            continue
        for key, names in tables.items():
            value = param(ctx, entry, canonical, key)
            if not value.given or not value.concrete or not isinstance(value.value, str) or value.value in names:
                continue
            same = [n for n in names if n.lower() == value.value.lower()]
            hint, suggestions = did_you_mean(value.value, names)
            suggestions = same or suggestions or list(names)
            yield Finding.at(
                value.node,
                f"Olive will fail in {canonical}: {key} {show(value.value)} is not an onnxruntime name (`KeyError: '{value.value}'`).",
                detail=f"Olive looks the value up by exact name; onnxruntime has {one_of(names)}." + (f" Did you mean '{same[0]}'?" if same else hint),
                fix={"title": "Replace with", "replace_value": suggestions},
            )


@rule("OLV332", "quant-types-rejected", "A weight/activation type combination onnxruntime's static quantization rejects.", ERROR)
def quant_types_rejected(ctx: RuleContext):
    """onnxruntime's check_static_quant_arguments refuses activation int8 with weight uint8, and 16-bit types with
    QOperator; Olive wraps the ValueError in OlivePassError, so the pass fails and Olive exits 0 without a model.
    An activation_type without an onnxruntime type (e.g. int32) makes validate_config prune the pass."""
    behaviour = pass_behaviour(ctx.model)
    if not behaviour.quant_precisions():
        return
    for entry, canonical, is_static in _quant_entries(ctx):
        if not is_static:
            continue
        weight, activation = _qparam(ctx, entry, canonical, "precision"), _qparam(ctx, entry, canonical, "activation_type")
        fmt = _qparam(ctx, entry, canonical, "quant_format")
        if not (weight.concrete and activation.concrete and fmt.concrete):
            continue
        fmt_value = fmt.value
        if activation.value is not None and behaviour.quant_type(weight.value) and not behaviour.quant_type(activation.value):
            yield Finding.at(
                activation.node or node_of_type(entry),
                f"{PRUNED}: no onnxruntime type for activation_type {show(activation.value)}.",
                detail=PRUNED_DETAIL + " " + f"validate_config logs `Unsupported activation_type: {activation.value}`; use {one_of(behaviour.quant_precisions())}.",
                fix={"title": "Replace with", "replace_value": ["uint8", "int8", "uint16", "int16"]} if activation.given else None,
            )
            continue
        wt, at = behaviour.quant_type(weight.value), behaviour.quant_type(activation.value)
        if wt is None or at is None:
            continue
        if at == "QInt8" and wt == "QUInt8":
            where = activation if activation.given else weight
            yield Finding.at(
                where.node or node_of_type(entry),
                "onnxruntime rejects int8 activations with uint8 weights: the pass fails and Olive exits 0 without a model.",
                detail=(
                    "Olive wraps onnxruntime's ValueError in `OlivePassError: quantize_static failed.`. "
                    "check_static_quant_arguments raises `ONNXRuntime quantization doesn't support data format:"
                    "activation_type=QuantType.QInt8, weight_type=QuantType.QUInt8`. Use int8/int8 (QDQ) or uint8/uint8."
                ),
                fix={"title": "Replace with", "replace_value": ["uint8"] if where is activation else ["int8"]},
            )
        elif fmt_value == "QOperator" and ({wt, at} & {"QInt16", "QUInt16"}):
            yield Finding.at(
                fmt.node or node_of_type(entry),
                "onnxruntime quantizes 16-bit types only as QDQ: the pass fails and Olive exits 0 without a model.",
                detail="check_static_quant_arguments raises `Only QuantFormat.QDQ supports 16-bit quantization types.`, which Olive wraps in `OlivePassError: quantize_static failed.`",
                fix={"title": "Replace with", "replace_value": ["QDQ"]} if fmt.given else None,
            )
        elif fmt_value == "QOperator" and wt == "QInt8" and at == "QInt8" and fmt.given:
            yield Finding.at(
                fmt.node,
                "int8 weights and activations with QOperator are slow on x86-64: Olive and onnxruntime suggest QDQ.",
                severity=INFORMATION,
                detail="validate_config logs `S8S8 with QOperator will be slow on x86-64 CPUs and should be avoided in general, try QDQ instead.`",
                fix={"title": "Replace with", "replace_value": ["QDQ"]},
            )


def node_of_type(entry):
    return entry.type_node or entry.node


@rule("OLV333", "static-quantization-needs-data", "OnnxQuantization in static mode (its default) without a data_config.", ERROR)
def static_quantization_needs_data(ctx: RuleContext):
    """OnnxQuantization defaults to quant_mode 'static', which asserts `data_config is required for static
    quantization.` when the pass runs; its metadata marks data as optional, so no data rule catches it."""
    for entry, canonical, is_static in _quant_entries(ctx):
        if canonical != "OnnxQuantization" or not is_static:
            continue
        data = entry.params.get("data_config")
        if data is not None and data.value is not None and data.value.kind != "null":
            continue
        mode = param(ctx, entry, canonical, "quant_mode")
        yield Finding.at(
            mode.node or node_of_type(entry),
            "Olive will fail in OnnxQuantization: static mode (the default) needs a data_config for calibration.",
            detail="The pass asserts `data_config is required for static quantization.` Add a data_config, or set quant_mode: 'dynamic'.",
            fix={"title": "Add 'data_config'", "add_keys": ["data_config"], "object_path": owner_path(entry)},
        )


@rule("OLV334", "dynamic-ignores-static-options", "A static-only quantization option in dynamic mode: ignored.", WARNING)
def dynamic_ignores_static_options(ctx: RuleContext):
    """In dynamic mode Olive deletes every static-only parameter (calibrate_method, calibration_providers,
    quant_format, activation_type, min_real_range, tensor_quant_overrides, prepare_qdq_config) and the data config
    before calling quantize_dynamic, silently."""
    static_only = pass_behaviour(ctx.model).static_only_parameters()
    for entry, canonical, is_static in _quant_entries(ctx):
        if is_static:
            continue
        for key in sorted(static_only):
            prop = entry.params.get(key)
            if prop is None or prop.value is None or prop.value.kind == "null":
                continue
            yield Finding.at(
                prop,
                f"Olive will ignore {key}: {canonical} runs dynamic quantization, which has no {key}.",
                detail="Dynamic quantization computes activation ranges at inference; remove the key, or use static quantization.",
                fix={"title": f"Remove '{key}'", "delete_property": True},
            )


@rule("OLV335", "quant-extra-option-overwritten", "An extra_options key that a pass parameter overwrites.", WARNING)
def quant_extra_option_overwritten(ctx: RuleContext):
    """ActivationSymmetric, WeightSymmetric, MinimumRealRange and TensorQuantOverrides in extra_options are
    overwritten by activation_symmetric, weight_symmetric, min_real_range and tensor_quant_overrides whenever those
    are not null; activation_symmetric defaults to false, so extra_options.ActivationSymmetric never takes effect."""
    table = pass_behaviour(ctx.model).quant_extra_option_parameters()
    for entry, canonical, is_static in _quant_entries(ctx):
        extra = entry.params.get("extra_options")
        if extra is None or extra.value is None or not extra.value.is_object:
            continue
        for prop in extra.value.properties:
            if prop.key not in table:
                continue
            name, in_dynamic = table[prop.key]
            value = param(ctx, entry, canonical, name)
            if value.value is None or not (is_static or in_dynamic):
                continue
            yield Finding.at(
                prop,
                f"Olive will overwrite extra_options.{prop.key} with {name} ({show(value.value)}{'' if value.given else ', its default'}).",
                detail=f"The pass logs `Extra config keys {{'{prop.key}'}} are already exposed in the pass config.` Set {name} instead.",
                fix={"title": f"Remove '{prop.key}'", "delete_property": True},
            )


@rule("OLV336", "qdq-config-ignores-keys", "reduce_range / nodes_to_quantize with prepare_qdq_config: ignored.", WARNING)
def qdq_config_ignores_keys(ctx: RuleContext):
    """Static QDQ quantization with prepare_qdq_config (the default) builds its run config with onnxruntime's
    get_qdq_config, which Olive does not give reduce_range or nodes_to_quantize: both have no effect (off QNN)."""
    spec = None
    for entry, canonical, is_static in _quant_entries(ctx):
        if not is_static:
            continue
        fmt, prepare = _qparam(ctx, entry, canonical, "quant_format"), _qparam(ctx, entry, canonical, "prepare_qdq_config")
        if fmt.value != "QDQ" or prepare.value is False or not prepare.concrete:
            continue
        spec = spec or target(ctx)
        if spec is None or spec.ep == "QNNExecutionProvider":
            continue
        for key in ("reduce_range", "nodes_to_quantize"):
            value = param(ctx, entry, canonical, key)
            if not value.given or value.value in (None, False, []):
                continue
            yield Finding.at(
                value.prop,
                f"Olive will ignore {key}: with prepare_qdq_config (the default) onnxruntime's get_qdq_config never gets it.",
                detail="Set prepare_qdq_config: false to have quantize_static use it, or remove the key.",
                fix={"title": "Add 'prepare_qdq_config'", "add_keys": ["prepare_qdq_config"], "object_path": owner_path(entry), "values": {"prepare_qdq_config": False}},
            )


def _string_items(prop):
    """(value, node) of the string items of a written list parameter."""
    if prop is None or prop.value is None or not prop.value.is_array:
        return []
    return [(item.value, item) for item in prop.value.items if item.kind == "string"]


@rule("OLV416", "quant-op-type-excluded-and-listed", "An op type in both op_types_to_quantize and op_types_to_exclude: it is not quantized.", WARNING)
def quant_op_type_excluded_and_listed(ctx: RuleContext):
    """Olive turns op_types_to_exclude into nodes_to_exclude (every node of those types, quantization.py:474-479), in
    static and dynamic mode, and onnxruntime skips a node in nodes_to_exclude even when its type is in
    op_types_to_quantize (base_quantizer.py should_quantize_node). So an op type in both lists is not quantized: the
    parameter description's "op_types_to_quantize takes precedence" does not hold (the onnxruntime < 1.21 QNN path,
    quantization.py:620-629, extends nodes_to_exclude too). An excluded type that op_types_to_quantize does not list
    changes nothing."""
    for entry, canonical in entries(ctx, *QUANT_PASSES):
        listed = {value for value, _node in _string_items(entry.params.get("op_types_to_quantize"))}
        excluded = _string_items(entry.params.get("op_types_to_exclude"))
        if not listed or not excluded:
            continue
        for value, node in excluded:
            if value not in listed:
                continue
            yield Finding.at(
                node,
                f"Olive will not quantize {value} nodes: op_types_to_exclude wins over op_types_to_quantize, which lists it.",
                detail=(
                    f"{canonical} adds every {value} node to nodes_to_exclude (quantization.py:474-479), and onnxruntime skips "
                    "excluded nodes whatever op_types_to_quantize says (base_quantizer.py:173-190). The parameter's description "
                    "says op_types_to_quantize takes precedence; in Olive 0.13.0 the exclusion wins. Keep the type in one list."
                ),
            )
