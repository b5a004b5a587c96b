"""ONNX passes at run time (OLV360-OLV379): the weight-only quantizers (RTN, KQuant, Bnb4), quantization after
ExtractAdapters, QNN's min_real_range, the pass order CaptureSplitInfo/ModelBuilder, ExtractAdapters and SplitModel
need, OnnxIODataTypeConverter's elem types, MobiusBuilder's input, RenameInputDims, PyTorchModel io_config, the passes
that need a composite model, MatMulNBitsToQDQ without MatMulNBits, dynamic_lora_r on quantized modules and
OnnxConversion's target_opset past the TorchScript exporter's.
Rows P037, P043, P053, P068, P070, P071, P073, P075, P077, P079, P101, P110, P115, P118, P121, P123, P127, P129, P131,
P144, L011, and P067, P069, P104, P105, P112 of docs/olive-runtime-checks.md.
"""

from __future__ import annotations

from olive_ls.model.component_behaviour import TORCHSCRIPT_MAX_OPSET
from olive_ls.rules.passes import _model_flow
from olive_ls.rules.registry import ERROR, INFORMATION, WARNING, Finding, RuleContext, rule
from olive_ls.rules.runtime_helpers import entries, node_of, param, target

QUANTIZERS = ("OnnxQuantization", "OnnxStaticQuantization", "OnnxDynamicQuantization", "OnnxHqqQuantization")
# Fine-tuning passes that leave LoRA-style adapters on the model (what ExtractAdapters extracts).
ADAPTER_PASSES = frozenset({"LoRA", "QLoRA", "LoftQ", "LoHa", "LoKr", "DoRA", "SDLoRA"})
# onnx.TensorProto.DataType in onnx 1.19-1.20: 0 (UNDEFINED) .. 28.
ONNX_ELEM_TYPES = range(0, 29)


def _int(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _earlier(ctx: RuleContext, entry) -> list[tuple[object, str | None]]:
    """(entry, canonical) of the passes before this one (not its own alternatives)."""
    ordered, first_of = ctx.memo("runtime_onnx_passes.ordered", _ordered)
    return ordered[: first_of.get(id(entry.name_node), len(ordered))]


def _ordered(ctx: RuleContext):
    """Every pass's (entry, canonical) in order, and where each pass name first appears: built once per document
    (it was rebuilt per pass asked about, quadratic: 13,000 passes took 5 minutes)."""
    ordered, first_of = [], {}
    for index, other in enumerate(ctx.view.passes):
        first_of.setdefault(id(other.name_node), index)
        ordered.append((other, ctx.model.canonical_pass_name(other.type_name or "")))
    return ordered, first_of


def _before(ctx: RuleContext, other, entry) -> bool:
    """Whether `other` is one of `_earlier(ctx, entry)`, in constant time."""
    ordered, first_of = ctx.memo("runtime_onnx_passes.ordered", _ordered)
    positions = ctx.memo("runtime_onnx_passes.positions", lambda _ctx: {id(o): i for i, (o, _) in enumerate(ordered)})
    return positions.get(id(other), len(ordered)) < first_of.get(id(entry.name_node), len(ordered))


def _input_type(ctx: RuleContext) -> str | None:
    model = ctx.view.input_model
    return model.type_name.lower() if model is not None and isinstance(model.type_name, str) else None


def _input_param(ctx: RuleContext, key: str):
    """The input model's parameter node, None when absent or null."""
    prop = ctx.view.input_model.params.get(key) if ctx.view.input_model is not None else None
    return prop.value if prop is not None and prop.value is not None and prop.value.kind != "null" else None


def _no_adapter_source(ctx: RuleContext, entry) -> bool:
    """True when the model reaching this pass surely has no adapters: an HfModel input without adapter_path and no
    fine-tuning pass (or pass unknown to olive-ls) before it."""
    if _input_type(ctx) != "hfmodel" or _input_param(ctx, "adapter_path") is not None:
        return False
    return not any(c in ADAPTER_PASSES or c is None for _, c in _earlier(ctx, entry))


@rule("OLV360", "rtn-gather-quantization", "OnnxBlockWiseRtnQuantization bits or block_size its Gather quantization cannot use.", WARNING)
def rtn_gather_quantization(ctx: RuleContext):
    """OnnxBlockWiseRtnQuantization quantizes every MatMul and Gather node (rtn_quantization.py:120-134, 262-264):
    Gather nodes are skipped with a warning unless bits is 4 or 8, and a Gather with a block_size under 16 or not a
    power of 2 fails an assertion."""
    for entry, canonical in entries(ctx, "OnnxBlockWiseRtnQuantization"):
        bits, block = param(ctx, entry, canonical, "bits"), param(ctx, entry, canonical, "block_size")
        b, s = _int(bits.value), _int(block.value)
        if bits.given and bits.concrete and b is not None and b not in (4, 8):
            yield Finding.at(
                bits.node,
                f"Olive will not quantize Gather nodes with bits {b}: RTN's Gather quantization is 4- or 8-bit only.",
                detail="rtn_quantization.py:128-134 logs `Gather quantization is only implemented for 4-bit and 8-bit. Skip node ...` for each Gather.",
                fix={"title": "Replace with", "replace_value": [4, 8]},
            )
        if block.given and block.concrete and s is not None and (s < 16 or s & (s - 1)):
            why = "is under 16" if s < 16 else "is not a power of 2"
            yield Finding.at(
                block.node,
                f"Olive will fail on the model's Gather nodes: RTN block_size {s} {why}.",
                detail="rtn_quantization.py:263-264 asserts `Block size must be greater than or equal to 16.` and `Block size must be a power of 2.` for each Gather (embedding) node.",
                fix={"title": "Replace with", "replace_value": [128, 32, 64]},
            )


@rule("OLV361", "kquant-bits", "OnnxKQuantQuantization bits (or a per-node override) other than 4 or 8.", ERROR)
def kquant_bits(ctx: RuleContext):
    """OnnxKQuantQuantization builds MatMulNBits, which is 4- or 8-bit: other bits raise `MatMulNBits does not support
    num_bits = n. Use 4 or 8.` (kquant_quantization.py:413-415); customized_weight_config's per-node bits too."""
    for entry, canonical in entries(ctx, "OnnxKQuantQuantization"):
        bits = param(ctx, entry, canonical, "bits")
        targets = []
        if bits.given and bits.concrete and _int(bits.value) is not None:
            targets.append((bits.value, bits.node))
        custom = entry.params.get("customized_weight_config")
        if custom is not None and custom.value is not None and custom.value.is_object:
            for node_prop in custom.value.properties:
                inner = node_prop.value.get("bits") if node_prop.value is not None and node_prop.value.is_object else None
                if inner is not None and inner.kind == "number" and _int(inner.value) is not None:
                    targets.append((inner.value, inner))
        for value, node in targets:
            if value not in (4, 8):
                yield Finding.at(
                    node,
                    f"Olive will fail in OnnxKQuantQuantization: MatMulNBits does not support {value} bits (use 4 or 8).",
                    detail="kquant_quantization.py:413-415 raises ValueError `MatMulNBits does not support num_bits = n. Use 4 or 8.`",
                    fix={"title": "Replace with", "replace_value": [4, 8]},
                )


@rule("OLV362", "bnb4-precision-required", "OnnxBnb4Quantization without precision on a model that is not a bnb checkpoint.", ERROR)
def bnb4_precision_required(ctx: RuleContext):
    """Without precision, OnnxBnb4Quantization reads bnb_4bit_quant_type from the model attributes' quantization_config
    (bnb_quantization.py:86-96); an ONNXModel or PyTorchModel input without one raises `precision is required.`
    (An HfModel's attributes come from its config.json, which may be a bnb checkpoint: not flagged.)"""
    kind = _input_type(ctx)
    if kind not in ("onnxmodel", "pytorchmodel"):
        return
    attrs = ctx.view.input_model.params.get("model_attributes")
    if attrs is not None and attrs.value is not None:
        quant = attrs.value.get("quantization_config") if attrs.value.is_object else None
        if attrs.value.kind != "object" or (quant is not None and quant.is_object and quant.get("bnb_4bit_quant_type") is not None):
            return
        if quant is not None and not quant.is_object:
            return
    for entry, canonical in entries(ctx, "OnnxBnb4Quantization"):
        precision = param(ctx, entry, canonical, "precision")
        if precision.value is None and precision.concrete:
            yield Finding.at(
                precision.node or node_of(entry),
                "Olive will fail in OnnxBnb4Quantization: precision is required (fp4 or nf4) for this model.",
                detail="The input model's model_attributes have no quantization_config.bnb_4bit_quant_type, so bnb_quantization.py:86-90 raises `precision is required.`",
                fix={"title": "Add 'precision'", "add_keys": ["precision"], "object_path": entry.node.path()} if not precision.given else None,
            )


@rule("OLV363", "quantize-after-adapters", "An ONNX quantization pass after ExtractAdapters: the model is returned unquantized.", WARNING)
def quantize_after_adapters(ctx: RuleContext):
    """OnnxQuantization/OnnxStaticQuantization/OnnxDynamicQuantization (quantization.py:380-382) and OnnxHqqQuantization
    (hqq_quantization.py:65-71) return a model with adapters unquantized: after ExtractAdapters it has them."""
    for entry, canonical in entries(ctx, *QUANTIZERS):
        extract = [e for e, c in _earlier(ctx, entry) if c == "ExtractAdapters"]
        if entry.type_node is None or not extract or _no_adapter_source(ctx, extract[0]):
            continue
        yield Finding.at(
            entry.type_node,
            f"Olive will skip {canonical}: the model has adapters (ExtractAdapters runs earlier) and is returned unquantized.",
            detail="The pass logs `Model has adapters which should not be quantized. Returning the model without quantization.` Quantize before ExtractAdapters.",
        )


@rule("OLV364", "qnn-min-real-range", "min_real_range with prepare_qdq_config for the QNN EP: QNN enforces 1e-4.", WARNING)
def qnn_min_real_range(ctx: RuleContext):
    """With the QNN EP, prepare_qdq_config and QDQ static quantization, Olive drops min_real_range before calling
    get_qnn_qdq_config (quantization.py:603-605): QNN enforces 1e-4."""
    spec = None
    for entry, canonical in entries(ctx, "OnnxQuantization", "OnnxStaticQuantization"):
        value = param(ctx, entry, canonical, "min_real_range")
        if not value.given or value.value is None:
            continue
        mode, fmt, prep = (param(ctx, entry, canonical, k) for k in ("quant_mode", "quant_format", "prepare_qdq_config"))
        if canonical == "OnnxQuantization" and (not mode.concrete or mode.value != "static"):
            continue
        if fmt.value not in (None, "QDQ") or prep.value is not True:
            continue
        spec = spec or target(ctx)
        if spec is None or spec.ep != "QNNExecutionProvider":
            return
        yield Finding.at(
            value.prop,
            "Olive will ignore min_real_range: for the QNN EP it is dropped (QNN enforces 1e-4).",
            detail="quantization.py:603-605 pops min_real_range from the get_qnn_qdq_config arguments when the EP is QNN.",
            fix={"title": "Remove 'min_real_range'", "delete_property": True},
        )


@rule("OLV365", "split-info-before-model-builder", "CaptureSplitInfo before ModelBuilder: its assignments will not match the built nodes.", WARNING)
def split_info_before_model_builder(ctx: RuleContext):
    """CaptureSplitInfo on the HF model names HF modules; ModelBuilder renames them (model_builder.py:351-362), so the
    split assignments it writes into the model's metadata match none of its nodes."""
    for entry, _canonical in entries(ctx, "ModelBuilder"):
        for other, _split in entries(ctx, "CaptureSplitInfo"):
            if _before(ctx, other, entry) and other.type_node is not None:
                yield Finding.at(
                    other.type_node,
                    "Olive will write split assignments that match no node: ModelBuilder, later, renames the HF modules.",
                    detail="model_builder.py:351-362 copies the assignments into the ONNX metadata, but its node names are its own. Capture the split after OnnxConversion instead.",
                )


@rule("OLV366", "extract-adapters-no-adapters", "ExtractAdapters with no adapter source in the config: the model is returned unchanged.", WARNING)
def extract_adapters_no_adapters(ctx: RuleContext):
    """ExtractAdapters returns the model unchanged when it has no adapter modules (extract_adapters.py:97-99):
    flagged for an HfModel input without adapter_path and no fine-tuning pass (LoRA, QLoRA, ...) before it."""
    for entry, canonical in entries(ctx, "ExtractAdapters"):
        adapter_type = param(ctx, entry, canonical, "adapter_type")
        if entry.type_node is None or not _no_adapter_source(ctx, entry):
            continue
        yield Finding.at(
            entry.type_node,
            f"Olive will return the model unchanged: it has no {adapter_type.value if isinstance(adapter_type.value, str) else 'lora'} modules (no adapter_path, no LoRA pass).",
            detail="extract_adapters.py:97-99 logs `Model does not have lora modules. Returning the original model.` Give input_model.adapter_path or fine-tune first.",
        )


@rule("OLV367", "io-dtype-invalid", "OnnxIODataTypeConverter source_dtype/target_dtype not an onnx TensorProto elem type.", ERROR)
def io_dtype_invalid(ctx: RuleContext):
    """OnnxIODataTypeConverter checks source_dtype and target_dtype against onnx.TensorProto.DataType
    (io_datatype_converter.py:122-136): another number raises `Invalid elem_type`."""
    for entry, canonical in entries(ctx, "OnnxIODataTypeConverter"):
        for key in ("source_dtype", "target_dtype"):
            value = param(ctx, entry, canonical, key)
            v = _int(value.value)
            if value.given and value.concrete and v is not None and v not in ONNX_ELEM_TYPES:
                yield Finding.at(
                    value.node,
                    f"Olive will fail in OnnxIODataTypeConverter: {key} {v} is not an onnx elem type (1 float, 10 float16).",
                    detail="io_datatype_converter.py:122-136 raises ValueError `Invalid elem_type: ...`; onnx.TensorProto.DataType numbers are 0-28 (1 FLOAT, 10 FLOAT16, 16 BFLOAT16).",
                    fix={"title": "Replace with", "replace_value": [1, 10, 16]},
                )


@rule("OLV368", "mobius-builder-input", "MobiusBuilder gets a model other than an HfModel.", ERROR, scope="entry")
def mobius_builder_input(ctx: RuleContext):
    """MobiusBuilder raises `MobiusBuilder requires an HfModelHandler input` for any other model
    (mobius_model_builder.py:110-111)."""
    for entry, canonical, kind in _model_flow(ctx):
        if canonical != "MobiusBuilder" or entry.type_node is None or kind in (None, "hf"):
            continue
        what = {"onnx": "an ONNX model", "pytorch": "a PyTorchModel", "diffusers": "a DiffusersModel"}.get(kind, "another model")
        yield Finding.at(
            entry.type_node,
            f"Olive will fail in MobiusBuilder: it builds from an HfModel, but the model reaching it is {what}.",
            detail="mobius_model_builder.py:110-111 raises ValueError `MobiusBuilder requires an HfModelHandler input, got ...`.",
        )


@rule("OLV369", "split-model-no-assignments", "SplitModel without CaptureSplitInfo before it or split_assignments.", ERROR)
def split_model_no_assignments(ctx: RuleContext):
    """SplitModel reads split_assignments from its config or the ONNX metadata CaptureSplitInfo writes
    (split.py:48-55); with neither it raises `No split assignments found in the model metadata`. Flagged when the
    input is not an ONNX model (which could carry the metadata), its model_attributes have no split_assignments and no
    CaptureSplitInfo comes earlier."""
    if _input_type(ctx) not in ("hfmodel", "pytorchmodel"):
        return
    attrs = _input_param(ctx, "model_attributes")
    if attrs is not None and (not attrs.is_object or attrs.get("split_assignments") is not None):
        return  # OnnxConversion and ModelBuilder write model_attributes.split_assignments into the metadata
    for entry, canonical in entries(ctx, "SplitModel"):
        assignments = param(ctx, entry, canonical, "split_assignments")
        if entry.type_node is None or assignments.value or not assignments.concrete:
            continue
        if any(c == "CaptureSplitInfo" or c is None for _, c in _earlier(ctx, entry)):
            continue
        yield Finding.at(
            entry.type_node,
            "Olive will fail in SplitModel: no split assignments (no CaptureSplitInfo before it, no split_assignments).",
            detail="split.py:53-55 raises ValueError `No split assignments found in the model metadata`. Add CaptureSplitInfo before the conversion.",
        )


@rule("OLV370", "rename-input-dims-input", "GraphSurgeries RenameInputDims without input_name or input_idx.", ERROR)
def rename_input_dims_input(ctx: RuleContext):
    """RenameInputDims.__init__ raises `Either 'input_name' or 'input_idx' must be provided.` (graph_surgeries.py)."""
    for entry, _canonical in entries(ctx, "GraphSurgeries"):
        prop = entry.params.get("surgeries")
        if prop is None or prop.value is None or not prop.value.is_array:
            continue
        for item in prop.value.items:
            surgeon = item.get("surgeon") if item.is_object else None
            if surgeon is None or surgeon.kind != "string" or surgeon.value.lower() != "renameinputdims":
                continue
            given = {p.key for p in item.properties if p.value is not None and p.value.kind != "null"}
            if not given & {"input_name", "input_idx"}:
                yield Finding.at(
                    surgeon,
                    "Olive will fail in GraphSurgeries: RenameInputDims needs input_name or input_idx.",
                    detail="RenameInputDims.__init__ raises ValueError `Either 'input_name' or 'input_idx' must be provided.`",
                    fix={"title": "Add 'input_name'", "add_keys": ["input_name"], "object_path": item.path()},
                )


@rule("OLV371", "pytorch-model-no-io-config", "OnnxConversion of a PyTorchModel without io_config.", ERROR)
def pytorch_model_no_io_config(ctx: RuleContext):
    """A PyTorchModel has only the io_config it is given; OnnxConversion asserts `Cannot get io_config for the
    model.` without one (conversion.py:307). (An HfModel infers it.)"""
    if _input_type(ctx) != "pytorchmodel":
        return
    io = ctx.view.input_model.params.get("io_config")
    if io is not None and io.value is not None and io.value.kind != "null":
        return
    for entry, canonical, kind in _model_flow(ctx):
        if canonical == "OnnxConversion" and kind == "pytorch" and entry.type_node is not None:
            yield Finding.at(
                entry.type_node,
                "Olive will fail in OnnxConversion: the PyTorchModel has no io_config (`Cannot get io_config for the model.`).",
                detail="conversion.py:307 asserts io_config is not None; a PyTorchModel gets it only from input_model.io_config. Add input_names, output_names (and dynamic_axes).",
            )
            return


# Passes that take a CompositeModel of ONNX models and fail on a single one (when StaticLLM is not for QNN on GPU).
COMPOSITE_ONLY = {
    "ComposeOnnxModels": "compose.py:54-55 asserts `ComposeOnnxModels pass only supports CompositeModelHandler`",
    "OptimumMerging": "optimum_merging.py:51 asserts a CompositeModel of decoder and decoder_with_past",
    "StaticLLM": "static_llm.py:80 asserts `StaticLLM pass only supports CompositeModelHandler`",
}
# ONNX passes that may turn a single ONNX model into a CompositeModel (or take one).
MAY_MAKE_COMPOSITE = frozenset({"SplitModel", "EPContextBinaryGenerator", *COMPOSITE_ONLY})


def _single_onnx_flow(ctx: RuleContext):
    """(entry, canonical) of the passes that get a single ONNXModel for sure: the input is an ONNXModel and every
    pass before is an ONNX pass that keeps it one. Stops at the first pass that may not."""
    if _input_type(ctx) != "onnxmodel" or any(e.alternative is not None for e in ctx.view.passes):
        return
    from olive_ls.rules.passes import CONVERTERS

    for entry in ctx.view.passes:
        canonical = ctx.model.canonical_pass_name(entry.type_name or "")
        spec = ctx.model.pass_spec(canonical) if canonical else None
        yield entry, canonical
        if spec is None or not spec.is_onnx or canonical in CONVERTERS or canonical in MAY_MAKE_COMPOSITE:
            return


@rule("OLV372", "composite-pass-single-model", "ComposeOnnxModels, OptimumMerging or StaticLLM on a single ONNX model.", ERROR)
def composite_pass_single_model(ctx: RuleContext):
    """ComposeOnnxModels, OptimumMerging and StaticLLM (except for the QNN EP on GPU) assert a CompositeModel of ONNX
    components (compose.py:54-55, optimum_merging.py:51, static_llm.py:72-96). Flagged when the input is a single
    ONNXModel and no pass before it can make it a composite (SplitModel, a conversion, EPContextBinaryGenerator)."""
    spec = None
    for entry, canonical in _single_onnx_flow(ctx):
        if canonical not in COMPOSITE_ONLY or entry.type_node is None:
            continue
        if canonical == "StaticLLM":
            spec = spec or target(ctx)
            if spec is None or (spec.ep == "QNNExecutionProvider" and spec.device == "gpu"):
                return
        yield Finding.at(
            entry.type_node,
            f"Olive will fail in {canonical}: it needs a CompositeModel of ONNX models; this one gets a single ONNX model.",
            detail=f"{COMPOSITE_ONLY[canonical]}. The input is an ONNXModel and no pass before it splits it (SplitModel).",
        )
        return


# Passes that write MatMulNBits nodes, given their parameters (anything else unknown to olive-ls counts too).
def _makes_matmulnbits(ctx, entry, canonical) -> bool:
    if canonical == "ModelBuilder":
        return param(ctx, entry, canonical, "precision").value not in ("fp32", "fp16", "bf16")
    return canonical not in NO_MATMULNBITS


NO_MATMULNBITS = frozenset({
    "OnnxConversion", "OnnxPeepholeOptimizer", "OrtTransformersOptimization", "OnnxFloatToFloat16",
    "OnnxIODataTypeConverter", "DynamicToFixedShape", "GraphSurgeries", "AddOliveMetadata", "ExtractAdapters",
    "CaptureSplitInfo", "SplitModel", "OnnxDynamicQuantization", "OnnxStaticQuantization", "OnnxQuantization",
})


@rule("OLV373", "no-matmulnbits-to-convert", "MatMulNBitsToQDQ with no earlier pass that writes MatMulNBits.", WARNING)
def no_matmulnbits_to_convert(ctx: RuleContext):
    """MatMulNBitsToQDQ returns the model unchanged when it has no MatMulNBits (mnb_to_qdq.py:346-349). Flagged for an
    HfModel/PyTorchModel input when every pass before it is one that writes none (a conversion, ModelBuilder in
    fp32/fp16/bf16, the graph optimizers, 8-bit QDQ quantization)."""
    if _input_type(ctx) not in ("hfmodel", "pytorchmodel"):
        return
    for entry, _canonical in entries(ctx, "MatMulNBitsToQDQ"):
        earlier = _earlier(ctx, entry)
        if entry.type_node is None or any(c is None or _makes_matmulnbits(ctx, e, c) for e, c in earlier):
            continue
        yield Finding.at(
            entry.type_node,
            "Olive will return the model unchanged: no pass before MatMulNBitsToQDQ writes MatMulNBits (int4) nodes.",
            detail="mnb_to_qdq.py:346-349 logs `No MatMulNBits nodes found. Returning the original model.` (unless the checkpoint itself is int4). Quantize to int4 first.",
        )


INT4_PASSES = frozenset({"OnnxBlockWiseRtnQuantization", "OnnxHqqQuantization", "OnnxKQuantQuantization"})


@rule("OLV374", "dynamic-lora-r-quantized", "dynamic_lora_r: true on adapters an earlier int4 pass has quantized: ignored.", WARNING)
def dynamic_lora_r_quantized(ctx: RuleContext):
    """MatMulNBits has static K and N, so ExtractAdapters ignores dynamic_lora_r for quantized adapter modules
    (extract_adapters.py:296-299, 361-364). Flagged when dynamic_lora_r is written true and an int4 pass (ModelBuilder
    int4, RTN, HQQ, KQuant) comes earlier."""
    for entry, canonical in entries(ctx, "ExtractAdapters"):
        value, make = param(ctx, entry, canonical, "dynamic_lora_r"), param(ctx, entry, canonical, "make_inputs")
        if not value.given or value.value is not True or make.value is not True:
            continue
        int4 = [c for e, c in _earlier(ctx, entry) if c in INT4_PASSES or (c == "ModelBuilder" and param(ctx, e, c, "precision").value == "int4")]
        if int4:
            yield Finding.at(
                value.prop,
                f"Olive will ignore dynamic_lora_r for the adapters {int4[-1]} quantized (MatMulNBits has static sizes).",
                detail="extract_adapters.py:296-299 logs `Quantized modules do not support dynamic_lora_r. Ignoring.`",
                fix={"title": "Remove 'dynamic_lora_r'", "delete_property": True},
            )


@rule("OLV375", "torchscript-opset", "OnnxConversion target_opset above 20 with the TorchScript exporter (use_dynamo_exporter false).", WARNING)
def torchscript_opset(ctx: RuleContext):
    """Without use_dynamo_exporter, OnnxConversion exports with torch.onnx.export(..., dynamo=False)
    (conversion.py:393-407), the TorchScript exporter, whose highest opset is 20: a higher target_opset makes torch
    warn `Exporting to ONNX opset version N is not supported` (torch/onnx/_internal/torchscript_exporter/utils.py:1448,
    torch 2.13) and export on; an op without a symbolic for that opset fails."""
    for entry, canonical in entries(ctx, "OnnxConversion"):
        opset, dynamo = param(ctx, entry, canonical, "target_opset"), param(ctx, entry, canonical, "use_dynamo_exporter")
        value = _int(opset.value)
        if not opset.given or not opset.concrete or value is None or value <= TORCHSCRIPT_MAX_OPSET:
            continue
        if not dynamo.concrete or dynamo.value is not False:
            continue
        yield Finding.at(
            opset.node,
            f"Torch will warn opset {value} is not supported: the TorchScript exporter Olive uses stops at {TORCHSCRIPT_MAX_OPSET}.",
            detail=(
                f"conversion.py:393-407 calls torch.onnx.export(..., dynamo=False) unless use_dynamo_exporter is true; torch logs "
                f"`Exporting to ONNX opset version {value} is not supported. ... The highest opset version supported is "
                f"{TORCHSCRIPT_MAX_OPSET}.` (torchscript_exporter/utils.py:1448) and exports on: ops without an opset-{value} "
                f"symbolic fail. Set use_dynamo_exporter: true, or target_opset {TORCHSCRIPT_MAX_OPSET}."
            ),
            fix={"title": "Replace with", "replace_value": [TORCHSCRIPT_MAX_OPSET]},
        )


# --- OnnxBnb4Quantization on a bnb checkpoint (P067, P069) -------------------------------------------------------


def _bnb_quant_config(ctx: RuleContext):
    """(quantization_config, where it is said) as OnnxBnb4Quantization reads it from the model attributes
    (bnb_quantization.py:78-80): input_model.model_attributes' (they override config.json's, hf.py:55), else a
    bitsandbytes 4-bit load_kwargs.quantization_config (OnnxConversion moves it there, conversion.py:547-555), else
    the input model's config.json (local, or a cached hub snapshot)."""
    from olive_ls.rules.runtime_model_files import input_model_files

    model = ctx.view.input_model
    if _input_type(ctx) != "hfmodel":
        return None
    attrs = model.param_value("model_attributes")
    if isinstance(attrs, dict) and isinstance(attrs.get("quantization_config"), dict):
        return attrs["quantization_config"], "input_model.model_attributes.quantization_config"
    load_kwargs = model.param_value("load_kwargs")
    if isinstance(load_kwargs, dict) and load_kwargs.get("quantization_method") == "bitsandbytes":
        qcfg = load_kwargs.get("quantization_config")
        if isinstance(qcfg, dict) and qcfg.get("load_in_4bit"):
            return qcfg, "input_model.load_kwargs.quantization_config"
    files = input_model_files(ctx)
    qcfg = files.quantization_config if files is not None else None
    return (qcfg, f"{files.where}/config.json's quantization_config") if isinstance(qcfg, dict) else None


def _bnb_without_precision(ctx: RuleContext):
    """(entry, canonical, quantization_config, where) of each OnnxBnb4Quantization that reads the model's config."""
    found = None
    for entry, canonical in entries(ctx, "OnnxBnb4Quantization"):
        precision = param(ctx, entry, canonical, "precision")
        if precision.value is not None or not precision.concrete or entry.type_node is None:
            continue
        found = found or _bnb_quant_config(ctx)
        if found is None:
            return
        yield entry, canonical, found[0], found[1]


@rule("OLV417", "bnb4-load-in-8bit", "OnnxBnb4Quantization without precision on an 8-bit bitsandbytes model: Olive raises.", ERROR, needs_environment=True)
def bnb4_load_in_8bit(ctx: RuleContext):
    """Without precision, OnnxBnb4Quantization takes the quant type from the model attributes' quantization_config
    and raises ValueError `load_in_8bit is not supported. Only 4-bit quantization is supported.` when it has
    load_in_8bit (bnb_quantization.py:79-86). The quantization_config is read from input_model.model_attributes, a
    bitsandbytes load_kwargs, or the model's config.json."""
    for entry, _canonical, qcfg, where in _bnb_without_precision(ctx):
        if not qcfg.get("load_in_8bit"):
            continue
        yield Finding.at(
            entry.type_node,
            "Olive will fail in OnnxBnb4Quantization: the model is 8-bit bitsandbytes (`load_in_8bit is not supported`).",
            detail=(
                f"{where} has load_in_8bit true and the pass gives no precision, so bnb_quantization.py:85-86 raises "
                "ValueError `load_in_8bit is not supported. Only 4-bit quantization is supported.` Give precision fp4 or "
                "nf4 (then the model's quantization_config is not read), or start from the unquantized model."
            ),
            fix={"title": "Add 'precision'", "add_keys": ["precision"], "object_path": entry.node.path(), "values": {"precision": "nf4"}},
        )


@rule("OLV418", "bnb4-double-quant-ignored", "OnnxBnb4Quantization on a model with bnb_4bit_use_double_quant: not double-quantized.", INFORMATION, needs_environment=True)
def bnb4_double_quant_ignored(ctx: RuleContext):
    """Without precision, OnnxBnb4Quantization follows the model's quantization_config but logs
    `bnb_4bit_use_double_quant is set to True but double quantization is not supported. Ignoring.`
    (bnb_quantization.py:92-95): the ONNX model's 4-bit weights have one level of scales."""
    for entry, _canonical, qcfg, where in _bnb_without_precision(ctx):
        if qcfg.get("load_in_8bit") or not qcfg.get("bnb_4bit_quant_type") or not qcfg.get("bnb_4bit_use_double_quant"):
            continue
        yield Finding.at(
            entry.type_node,
            "Olive will not double-quantize: OnnxBnb4Quantization ignores the model's bnb_4bit_use_double_quant.",
            detail=(
                f"{where} has bnb_4bit_use_double_quant true; bnb_quantization.py:92-95 logs `double quantization is not "
                "supported. Ignoring.` and quantizes with one level of scales (MatMulBnb4)."
            ),
        )


# --- OnnxConversion of a DistributedHfModel (P104) ---------------------------------------------------------------


@rule("OLV419", "distributed-conversion-model-type", "OnnxConversion of a DistributedHfModel whose model_attributes.model_type is not llama.", ERROR)
def distributed_conversion_model_type(ctx: RuleContext):
    """OnnxConversion exports each rank of a DistributedHfModel with the tensor-parallel layers of
    model_attributes.model_type and raises ValueError `Unsupported model type '...' for conversion pass` for any
    type but llama (conversion.py:470-480), or AttributeError without model_attributes; the rank's exception reaches
    the engine (conversion.py:935-941) and the run fails. Unlike an HfModel, a DistributedHfModel does not read config.json into its attributes (hf.py:167-184): the type
    is the one the config writes, or none."""
    if _input_type(ctx) != "distributedhfmodel":
        return
    model = ctx.view.input_model
    attrs = model.params.get("model_attributes")
    node = attrs.value.get("model_type") if attrs is not None and attrs.value is not None and attrs.value.is_object else None
    model_type = node.value if node is not None else None
    if model_type == "llama" or (node is not None and node.kind != "string"):
        return
    for entry, canonical, kind in _model_flow(ctx):
        if canonical != "OnnxConversion" or kind != "hf" or entry.type_node is None:
            continue
        said = f"'{model_type}'" if model_type is not None else "none"
        failure = (
            f"raises ValueError `Unsupported model type '{model_type}' for conversion pass`"
            if attrs is not None and attrs.value is not None and attrs.value.is_object
            else "fails reading them (`'NoneType' object has no attribute 'get'`: no model_attributes)"
        )
        yield Finding.at(
            node if node is not None else entry.type_node,
            f"Olive will fail in OnnxConversion: a DistributedHfModel of model_type {said}; only llama is converted per rank.",
            detail=(
                "conversion.py:470-480 picks the tensor-parallel layers by model_attributes.model_type and, for every type but "
                f"llama, {failure}; a DistributedHfModel "
                "does not take model_type from config.json (hf.py:167-184), so it must be written in model_attributes."
            ),
            fix={"title": "Replace with", "replace_value": ["llama"]} if node is not None else None,
        )
        return


# --- StaticLLM's fixed shapes (P112) ------------------------------------------------------------------------------


@rule("OLV420", "static-llm-negative-dimension", "StaticLLM batch_size or context_length below 0: fix_dim_params asserts.", ERROR)
def static_llm_negative_dimension(ctx: RuleContext):
    """StaticLLM fixes the batch and sequence dims to batch_size and context_length with fix_dim_params
    (static_llm.py:101-135 and 199-200), which asserts `dim_values must be all >= 0` (onnx/common.py:605).
    DynamicToFixedShape, the other caller, validates its values first (P111, OLV352)."""
    for entry, canonical in entries(ctx, "StaticLLM"):
        for key in ("batch_size", "context_length"):
            value = param(ctx, entry, canonical, key)
            if not value.given or isinstance(value.value, bool) or not isinstance(value.value, int) or value.value >= 0:
                continue
            yield Finding.at(
                value.node,
                f"Olive will fail in StaticLLM: {key} {value.value} is negative (`dim_values must be all >= 0`).",
                detail=(
                    "StaticLLM fixes the model's symbolic dims to batch_size and context_length (static_llm.py:101-135, 199-200) "
                    "with fix_dim_params, which asserts `dim_values must be all >= 0` (onnx/common.py:605)."
                ),
                fix={"title": "Replace with", "replace_value": [abs(value.value)]},
            )


# --- OnnxConversion of a DiffusersModel (P105) -------------------------------------------------------------------

# Olive 0.13.0 olive/model/handler/diffusers.py:264-310 get_exportable_components: what OnnxConversion exports per
# variant (tests/rules/test_runtime_onnx_more_slow.py compares it with the installed Olive).
DIFFUSERS_COMPONENTS = {
    "sd": ("text_encoder", "unet", "vae_encoder", "vae_decoder"),
    "sdxl": ("text_encoder", "text_encoder_2", "unet", "vae_encoder", "vae_decoder"),
    "sd3": ("text_encoder", "text_encoder_2", "text_encoder_3", "transformer", "vae_encoder", "vae_decoder"),
    "flux": ("text_encoder", "text_encoder_2", "transformer", "vae_encoder", "vae_decoder"),
    "sana": ("text_encoder", "transformer", "vae_encoder", "vae_decoder"),
}


def _diffusers_variant(ctx: RuleContext, folder) -> str | None:
    """The variant as DiffusersModelHandler.detected_model_variant finds it (diffusers.py:105-160): the written
    model_variant, else transformer/config.json's _class_name (Sana, Flux, SD3), else unet/config.json."""
    from olive_ls.rules.runtime_model_files import read_small_json

    written = ctx.view.input_model.param_value("model_variant")
    if isinstance(written, str) and written != "auto":
        return written if written in DIFFUSERS_COMPONENTS else None
    transformer = read_small_json(folder / "transformer" / "config.json") or {}
    name = transformer.get("_class_name") if isinstance(transformer.get("_class_name"), str) else ""
    for marker, variant in (("Sana", "sana"), ("Flux", "flux"), ("SD3", "sd3")):
        if marker in name:
            return variant
    unet = read_small_json(folder / "unet" / "config.json")
    if unet is None:
        return None
    dim = unet.get("cross_attention_dim", 768)
    return "sdxl" if isinstance(dim, (int, float)) and dim >= 2048 else "sd"


# diffusers 0.42.1 (pipelines/*/pipeline_*.py `_optional_components`; diffusers is not installed beside Olive here):
# the pipelines that may load with one of Olive's exported components missing. For every other pipeline
# DiffusionPipeline.from_pretrained raises ValueError `Pipeline ... expected ..., but only ... were passed.` when
# model_index.json saves a component as [null, null] (pipeline_utils.py:969-976, 1087-1097).
DIFFUSERS_VERSION = "0.42.1"
DIFFUSERS_OPTIONAL = {
    name: ("text_encoder", "text_encoder_2")
    for name in (
        "StableDiffusionXLPipeline", "StableDiffusionXLImg2ImgPipeline", "StableDiffusionXLInpaintPipeline",
        "StableDiffusionXLInstructPix2PixPipeline", "FluxPriorReduxPipeline",
    )
}


def _null_components(index: dict, variant: str) -> list[str]:
    """The pipeline attributes of the components to export that model_index.json saves as [null, null] ('vae' for
    the VAE encoder and decoder)."""
    def is_null(name: str) -> bool:
        entry = index.get(name)
        return isinstance(entry, list) and bool(entry) and all(part is None for part in entry)

    names = dict.fromkeys("vae" if c.startswith("vae_") else c for c in DIFFUSERS_COMPONENTS[variant])
    return [name for name in names if is_null(name)]


def _diffusers_missing(ctx: RuleContext):
    """(model_path node, where, variant, the pipeline class, the null components) of a DiffusersModel input that
    OnnxConversion converts, read from its model_index.json."""
    from olive_ls.document.nodes import string_value
    from olive_ls.rules.runtime_model_files import model_folder, read_small_json

    if _input_type(ctx) != "diffusersmodel":
        return None
    path = ctx.view.input_model.params.get("model_path")
    found = model_folder(ctx, string_value(path.value) if path is not None and path.value is not None else None)
    index = read_small_json(found[0] / "model_index.json") if found is not None else None
    variant = _diffusers_variant(ctx, found[0]) if index is not None else None
    if variant is None or not any(c == "OnnxConversion" and k == "diffusers" for _e, c, k in _model_flow(ctx)):
        return None
    load_kwargs = ctx.view.input_model.param_value("load_kwargs")
    passed = set(load_kwargs) if isinstance(load_kwargs, dict) else set()
    missing = [name for name in _null_components(index, variant) if name not in passed]
    pipeline = index.get("_class_name") if isinstance(index.get("_class_name"), str) else "the pipeline"
    return (path.value, found[1], variant, pipeline, missing) if missing else None


@rule("OLV421", "diffusers-component-missing", "OnnxConversion of a DiffusersModel whose model_index.json has a component null.", ERROR, needs_environment=True)
def diffusers_component_missing(ctx: RuleContext):
    """OnnxConversion exports the variant's components (get_exportable_components, diffusers.py:264-310) from the
    pipeline DiffusionPipeline.from_pretrained loads. A component model_index.json saves as [null, null] is not
    loaded: an optional one of the pipeline (SDXL's text encoders) is None, and OnnxConversion logs `Component ...
    not found in pipeline, skipping` (conversion.py:797-799), raising ValueError `No ONNX components exported from
    ...` with none left (conversion.py:855-858); any other makes diffusers raise ValueError `Pipeline ... expected
    ..., but only ... were passed.` when Olive loads the model (diffusers 0.42.1 pipeline_utils.py:1087-1097)."""
    found = _diffusers_missing(ctx)
    if found is None:
        return
    node, where, variant, pipeline, missing = found
    optional = DIFFUSERS_OPTIONAL.get(pipeline, ())
    refused = [name for name in missing if name not in optional]
    names = ", ".join(missing)
    every = False
    if refused:
        headline = f"Olive will fail loading the model: {pipeline} cannot load without {', '.join(refused)} (null in model_index.json)."
        why = (f"diffusers {DIFFUSERS_VERSION}'s DiffusionPipeline.from_pretrained skips a [null, null] entry (pipeline_utils.py:969-976) "
               f"and raises ValueError `Pipeline ... expected ..., but only ... were passed.` for a component that is not one of the "
               "pipeline's _optional_components (pipeline_utils.py:1087-1097).")
    else:
        every = set(missing) == {"vae" if c.startswith("vae_") else c for c in DIFFUSERS_COMPONENTS[variant]}
        headline = (f"Olive will fail in OnnxConversion: the {variant} pipeline has no component to export." if every
                    else f"Olive will not export {names}: the {variant} pipeline has none (null in model_index.json).")
        why = (f"The pipeline loads with {names} None; OnnxConversion logs `Component ... not found in pipeline, skipping` "
               "(conversion.py:797-799)" + ("; with none exported it raises ValueError `No ONNX components exported from ...` "
               "(conversion.py:855-858)." if every else "."))
    yield Finding.at(
        node,
        headline,
        severity=None if refused or every else WARNING,
        detail=f"{where}/model_index.json saves {names} as [null, null]; for {variant} OnnxConversion exports "
        f"{', '.join(DIFFUSERS_COMPONENTS[variant])}. {why}",
    )
